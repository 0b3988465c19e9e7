package web

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ligerdata/ligerdata/internal/browsertest"
)

// TestBrowserAPIPage opens the French API page in headless Chromium and
// runs axe-core on it.
func TestBrowserAPIPage(t *testing.T) {
	bctx := browsertest.New(t, 60*time.Second)
	srv, _ := apiServer(t)
	if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/api"), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatalf("browser: open the API page: %v", err)
	}
	browsertest.Axe(t, bctx, "API page")
}
