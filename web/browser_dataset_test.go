package web

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ligerdata/ligerdata/internal/browsertest"
)

// TestBrowserDatasetMapAndPreview opens a geographic dataset's page in
// headless Chromium: the embedded Leaflet draws its six places from the
// query API (no tiles in tests), a column header sorts the preview and the
// filter form narrows it, all by plain links and a GET form; axe-core
// checks the page, a release page and the 404 page.
func TestBrowserDatasetMapAndPreview(t *testing.T) {
	bctx := browsertest.New(t, 90*time.Second)
	h, _ := apiSite(t, Options{})
	srv := httptest.NewServer(h)
	defer srv.Close()
	must := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v", step, err)
		}
	}
	must("open dataset page", chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/jeux-de-donnees/"+apiDataset),
		chromedp.WaitVisible(chromedp.CSS(`#carte[data-points]`)),
	))
	points, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.getElementById('carte').dataset.points`))
	must("read points", err)
	status, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("carte-etat"), chromedp.NodeVisible))
	must("read map status", err)
	if points != "6" || strings.TrimSpace(status) != "6 points affichés." {
		t.Errorf("map: %q points, status %q; want the 6 places", points, status)
	}
	markers, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('#carte canvas, #carte path.leaflet-interactive').length`))
	must("count drawn layers", err)
	if markers == 0 {
		t.Error("the map drew nothing")
	}
	browsertest.Axe(t, bctx, "dataset page with map and preview")

	firstRow := func(step string) string {
		t.Helper()
		id, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('#apercu-lignes tbody tr td').textContent`))
		must(step, err)
		return id
	}
	// capacities 10, 25, 40, 12, null, 5: ascending starts with L6 (5).
	must("sort by capacite", chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(`#apercu-lignes thead a[href*="tri=capacite"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#apercu-lignes th[aria-sort="ascending"]`)),
	))
	if id := firstRow("read first row"); id != "L6" {
		t.Errorf("sorted by capacite, first row %q, want L6", id)
	}
	must("filter", chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.ID("filtre"), "fablab", chromedp.NodeVisible),
		chromedp.Submit(chromedp.ID("filtre")),
		chromedp.WaitVisible(chromedp.CSS(`.preview-filter a[href="?#apercu"]`)),
	))
	rows, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('#apercu-lignes tbody tr').length`))
	must("count filtered rows", err)
	if rows != 2 || firstRow("read first filtered row") != "L2" {
		t.Errorf("filtered on fablab, sorted by capacite: %d rows, want L2 then L5", rows)
	}
	browsertest.Axe(t, bctx, "dataset page, sorted and filtered")

	must("open release page", chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/datasets/"+apiDataset+"/latest/"),
		chromedp.WaitVisible(chromedp.ID("fichiers")),
	))
	browsertest.Axe(t, bctx, "release page")
	must("open a missing page", chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/jeux-de-donnees/inconnu"),
		chromedp.WaitVisible(chromedp.CSS("h1")),
	))
	browsertest.Axe(t, bctx, "page not found")
}
