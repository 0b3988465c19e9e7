package browsertest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestAxeFindsAnImageWithoutAlt checks that the harness really reports a
// serious violation: an <img> without alt text breaks axe's "image-alt" rule
// (impact critical), and a well-formed page breaks nothing serious.
func TestAxeFindsAnImageWithoutAlt(t *testing.T) {
	ctx := New(t, 60*time.Second)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		img := ""
		if r.URL.Path == "/bad" {
			img = `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`
		}
		fmt.Fprintf(w, `<!doctype html><html lang="fr"><head><title>Essai</title></head>
<body><main><h1>Essai</h1><p>Texte.</p>%s</main></body></html>`, img)
	}))
	defer srv.Close()

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/good")); err != nil {
		t.Fatal(err)
	}
	for _, v := range Axe(t, ctx, "good") {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Fatalf("good page: unexpected %s", v.ID)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/bad")); err != nil {
		t.Fatal(err)
	}
	// Run axe through a sub-test recorder so its expected failure does not fail us.
	rec := &recorder{TB: t}
	vs := Axe(rec, ctx, "bad")
	found := false
	for _, v := range vs {
		found = found || v.ID == "image-alt"
	}
	if !found || !rec.failed {
		t.Fatalf("bad page: image-alt not reported as a failure (found %v, failed %v): %+v", found, rec.failed, vs)
	}
}

// recorder records Error calls instead of failing the test.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Error(args ...any) {
	r.failed = true
	r.TB.Log(append([]any{"(expected) "}, args...)...)
}
func (r *recorder) Helper() {}
