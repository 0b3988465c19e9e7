package web

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cacheTree makes public/datasets/a/{r1,r2} with latest -> r1.
func cacheTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, r := range []string{"r1", "r2"} {
		if err := os.MkdirAll(filepath.Join(dir, "datasets", "a", r), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("r1", filepath.Join(dir, "datasets", "a", latestName)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// countingPage answers "page N" where N counts its calls.
func countingPage(calls *int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		*calls++
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "page %d", *calls)
	}
}

func TestPageCacheRendersOncePerStateAndAnswers304(t *testing.T) {
	c := newPageCache(cacheTree(t), time.Hour, 1<<20)
	calls := 0
	h := c.wrap(countingPage(&calls))
	first := do(t, h, http.MethodGet, "/", nil)
	second := do(t, h, http.MethodGet, "/", nil)
	if calls != 1 || first.Body.String() != "page 1" || second.Body.String() != "page 1" {
		t.Fatalf("calls %d, bodies %q %q: want one render served twice", calls, first.Body, second.Body)
	}
	etag := second.Header().Get("ETag")
	if etag == "" || first.Header().Get("ETag") != etag || second.Header().Get("Content-Type") != "text/plain" {
		t.Fatalf("headers %v", second.Header())
	}
	// "page 1" is 6 bytes.
	if got := second.Header().Get("Content-Length"); got != "6" {
		t.Errorf("Content-Length %q, want 6", got)
	}
	nm := do(t, h, http.MethodGet, "/", map[string]string{"If-None-Match": `"x", W/` + etag})
	if nm.Code != http.StatusNotModified || nm.Body.Len() != 0 {
		t.Errorf("If-None-Match: status %d, body %q; want 304, empty", nm.Code, nm.Body)
	}
	head := do(t, h, http.MethodHead, "/", nil)
	if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Length") != "6" {
		t.Errorf("HEAD: status %d, body %q, length %q", head.Code, head.Body, head.Header().Get("Content-Length"))
	}
	// Another query is another page.
	if b := do(t, h, http.MethodGet, "/?q=x", nil).Body.String(); b != "page 2" {
		t.Errorf("/?q=x gave %q, want a render of its own", b)
	}
	if calls != 2 {
		t.Errorf("%d renders, want 2", calls)
	}
}

func TestPageCacheSeesANewReleaseAfterTTL(t *testing.T) {
	dir := cacheTree(t)
	c := newPageCache(dir, time.Minute, 1<<20)
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	calls := 0
	h := c.wrap(countingPage(&calls))
	do(t, h, http.MethodGet, "/", nil)

	// A run switches latest to r2 (as output does: a new link renamed over
	// the old one).
	tmp := filepath.Join(dir, "datasets", "a", ".latest-tmp")
	if err := os.Symlink("r2", tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "datasets", "a", latestName)); err != nil {
		t.Fatal(err)
	}
	now = now.Add(30 * time.Second) // within the TTL: still the page of the old state
	if b := do(t, h, http.MethodGet, "/", nil).Body.String(); b != "page 1" {
		t.Errorf("within the TTL got %q, want the cached page 1", b)
	}
	now = now.Add(31 * time.Second)
	if b := do(t, h, http.MethodGet, "/", nil).Body.String(); b != "page 2" {
		t.Errorf("after the TTL got %q, want page 2 rendered for the new state", b)
	}
	now = now.Add(2 * time.Minute) // nothing changed: no new render
	if b := do(t, h, http.MethodGet, "/", nil).Body.String(); b != "page 2" {
		t.Errorf("unchanged state got %q, want page 2", b)
	}
	// A pruned release changes the state too.
	if err := os.Remove(filepath.Join(dir, "datasets", "a", "r1")); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Minute)
	if b := do(t, h, http.MethodGet, "/", nil).Body.String(); b != "page 3" {
		t.Errorf("after a prune got %q, want page 3", b)
	}
}

func TestPageCacheKeepsOnlyCacheableAnswers(t *testing.T) {
	c := newPageCache(cacheTree(t), time.Hour, 1<<20)
	calls := 0
	failing := c.wrap(func(w http.ResponseWriter, r *http.Request) {
		calls++
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	for range 2 {
		if code := do(t, failing, http.MethodGet, "/x", nil).Code; code != http.StatusInternalServerError {
			t.Fatalf("status %d, want 500", code)
		}
	}
	if calls != 2 {
		t.Errorf("a 500 was rendered %d times for 2 requests, want 2 (never cached)", calls)
	}
	calls = 0
	page := c.wrap(countingPage(&calls))
	long := "/y?q=" + strings.Repeat("a", pageCacheMaxQuery)
	do(t, page, http.MethodGet, long, nil)
	do(t, page, http.MethodGet, long, nil)
	do(t, page, http.MethodGet, "/y", map[string]string{"Range": "bytes=0-1"})
	do(t, page, http.MethodPost, "/y", nil)
	if calls != 4 {
		t.Errorf("%d renders for a long query twice, a Range and a POST, want 4", calls)
	}
	// A page that shows a passing failure says no-store: never kept.
	calls = 0
	passing := c.wrap(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("Cache-Control", "no-store")
		_, _ = io.WriteString(w, "réessayez")
	})
	do(t, passing, http.MethodGet, "/z", nil)
	do(t, passing, http.MethodGet, "/z", nil)
	if calls != 2 {
		t.Errorf("a no-store page was rendered %d times for 2 requests, want 2", calls)
	}
}

func TestPageCacheStaysWithinItsBudget(t *testing.T) {
	// Each entry costs its body (6 bytes, "page N" with N < 10) plus its key
	// ("/pN?" is 4 bytes): 10 bytes, so a 25-byte cache holds 2 pages.
	c := newPageCache(cacheTree(t), time.Hour, 25)
	calls := 0
	h := c.wrap(countingPage(&calls))
	for i := 1; i <= 5; i++ {
		do(t, h, http.MethodGet, fmt.Sprintf("/p%d", i), nil)
	}
	if len(c.pages) != 2 || c.bytes != 20 {
		t.Errorf("cache holds %d pages, %d bytes; want 2 pages, 20 bytes", len(c.pages), c.bytes)
	}
}

func TestETagMatches(t *testing.T) {
	for _, tc := range []struct {
		inm  string
		want bool
	}{
		{`"abc"`, true},
		{`W/"abc"`, true},
		{`"x", "abc"`, true},
		{` "x" ,"abc" `, true},
		{`*`, true},
		{`"ab"`, false},
		{`"a,bc"`, false},
		{``, false},
	} {
		if got := etagMatches(tc.inm, `"abc"`); got != tc.want {
			t.Errorf("etagMatches(%q) = %v, want %v", tc.inm, got, tc.want)
		}
	}
}

func TestPageCacheServesGzipToClientsThatAcceptIt(t *testing.T) {
	c := newPageCache(cacheTree(t), time.Hour, 1<<20)
	page := strings.Repeat("Lieux de médiation numérique. ", 100) // 3,100 bytes: over gzipMinBytes
	h := c.wrap(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, page) })
	plain := do(t, h, http.MethodGet, "/", nil)
	zipped := do(t, h, http.MethodGet, "/", map[string]string{"Accept-Encoding": "br, gzip"})
	if plain.Body.String() != page || plain.Header().Get("Content-Encoding") != "" {
		t.Fatalf("plain: encoding %q, %d bytes", plain.Header().Get("Content-Encoding"), plain.Body.Len())
	}
	if zipped.Header().Get("Content-Encoding") != "gzip" || zipped.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("gzip: headers %v", zipped.Header())
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if string(got) != page || zipped.Body.Len() >= len(page)/4 {
		t.Errorf("gzip body: %d bytes decoding to %d; want the page, much smaller", zipped.Body.Len(), len(got))
	}
	gzTag := zipped.Header().Get("ETag")
	if gzTag == plain.Header().Get("ETag") {
		t.Error("both encodings share an ETag")
	}
	if nm := do(t, h, http.MethodGet, "/", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": gzTag}); nm.Code != http.StatusNotModified {
		t.Errorf("If-None-Match on the gzip ETag: %d", nm.Code)
	}
	for ae, want := range map[string]bool{"gzip;q=0": false, "gzip; q=0.000": false, "gzip;q=0.5": true, "*": true, "identity": false, "": false, "GZIP": true} {
		if got := acceptsGzip(ae); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", ae, got, want)
		}
	}
}

// A page rendered while a publication changed the state belongs to the
// old state: it is served to its request but not kept.
func TestPageCacheDropsARenderOfAnOldState(t *testing.T) {
	dir := cacheTree(t)
	c := newPageCache(dir, time.Second, 1<<20)
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	p, gen := c.lookup("/")
	if p != nil {
		t.Fatal("empty cache has a page")
	}
	link := filepath.Join(dir, "datasets", "a", latestName)
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("r2", link); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Second)
	if p, newGen := c.lookup("/x"); p != nil || newGen == gen {
		t.Fatalf("after a publication: page %v, generation %d (was %d)", p, newGen, gen)
	}
	c.store("/", &cachedPage{status: http.StatusOK, body: []byte("old")}, gen)
	if p, _ := c.lookup("/"); p != nil {
		t.Errorf("a page of the old state was kept: %q", p.body)
	}
}

// The catalogue is served from the cache (read and compressed once per
// published state), with an ETag a client can revalidate.
func TestCatalogueServedFromCache(t *testing.T) {
	fx := writeFixture(t)
	logger, _ := testLogger(t)
	h, err := New(Options{PublicDir: fx.Dir, Logger: logger, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(fx.Dir, "catalog.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	plain := do(t, h, http.MethodGet, "/catalog.jsonld", nil)
	if plain.Code != http.StatusOK || plain.Body.String() != string(want) || plain.Header().Get("ETag") == "" {
		t.Fatalf("status %d, ETag %q, body %q", plain.Code, plain.Header().Get("ETag"), plain.Body)
	}
	again := do(t, h, http.MethodGet, "/catalog.jsonld", map[string]string{"If-None-Match": plain.Header().Get("ETag")})
	if again.Code != http.StatusNotModified {
		t.Errorf("revalidation: status %d, want 304", again.Code)
	}
}
