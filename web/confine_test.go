package web

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A symlink planted in the store that points outside the published tree
// is never followed: not for a dataset folder, a release, a file nor a
// catalogue page.
func TestSymlinksOutsideTheTreeAreNotServed(t *testing.T) {
	fx := writeFixture(t)
	h, _ := newTestSite(t, fx, "")
	outside := t.TempDir()
	secret := []byte("secret,outside\n1,2\n")
	// A release folder outside, with the files a release has.
	relOut := filepath.Join(outside, "datasets", "fuite", sportLatest)
	if err := os.MkdirAll(relOut, 0o755); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(fx.Dir, "datasets", sportDataset, sportLatest)
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(relOut, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "catalog-2.jsonld"), secret, 0o644); err != nil {
		t.Fatal(err)
	}
	link := func(target, name string) {
		if err := os.Symlink(target, name); err != nil {
			t.Fatal(err)
		}
	}
	// datasets/fuite -> a dataset folder outside the store.
	link(filepath.Join(outside, "datasets", "fuite"), filepath.Join(fx.Dir, "datasets", "fuite"))
	// catalog-2.jsonld -> a file outside.
	link(filepath.Join(outside, "catalog-2.jsonld"), filepath.Join(fx.Dir, "catalog-2.jsonld"))
	for _, target := range []string{
		"/datasets/fuite/" + sportLatest + "/data.csv",
		"/datasets/fuite/" + sportLatest + "/datapackage.json",
		"/jeux-de-donnees/fuite",
		"/jeux-de-donnees/fuite/versions/" + sportLatest,
		"/catalog-2.jsonld",
	} {
		rec := do(t, h, http.MethodGet, target, nil)
		if rec.Code == http.StatusOK || strings.Contains(rec.Body.String(), "secret,outside") {
			t.Errorf("%s: status %d, served from outside the tree", target, rec.Code)
		}
	}
	// The real tree is still served.
	if rec := do(t, h, http.MethodGet, "/datasets/"+sportDataset+"/"+sportLatest+"/data.csv", nil); rec.Code != http.StatusOK {
		t.Errorf("a real release: status %d", rec.Code)
	}
}

func TestSecurityHeaders(t *testing.T) {
	fx := writeFixture(t)
	h, _ := newTestSite(t, fx, "")
	for _, target := range []string{"/", "/jeux-de-donnees/" + sportDataset, "/datasets/" + sportDataset + "/" + sportLatest + "/data.csv", "/nope"} {
		hd := do(t, h, http.MethodGet, target, nil).Header()
		csp := hd.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("%s: Content-Security-Policy %q", target, csp)
		}
		for k, want := range map[string]string{"X-Frame-Options": "DENY", "Referrer-Policy": "strict-origin-when-cross-origin",
			"X-Content-Type-Options": "nosniff"} {
			if got := hd.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", target, k, got, want)
			}
		}
		if !strings.Contains(hd.Get("Permissions-Policy"), "geolocation=()") {
			t.Errorf("%s: Permissions-Policy %q", target, hd.Get("Permissions-Policy"))
		}
	}
	// The stewards' dashboard is never cached, even without sign-in.
	if got := do(t, h, http.MethodGet, "/tableau-de-bord", nil).Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("dashboard Cache-Control = %q, want no-store", got)
	}
	if d := downloadWriteTimeout(600 << 20); d.Minutes() < 12 {
		t.Errorf("a 600 MiB download gets %v to be sent", d)
	}
}
