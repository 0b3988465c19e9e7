package web

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ligerdata/ligerdata/internal/browsertest"
)

// TestBrowserHomeToDataset drives headless Chromium through the site: home
// page, click on a dataset, schema table, quality sentence, preview of the
// first rows and changelog of the latest release, then the stewards'
// dashboard and the gate that blocked a run. It is skipped
// when Chromium is absent, unless LIGERDATA_BROWSER_TESTS=1 (CI), where the
// absence is a failure. axe-core checks each page kind it visits.
func TestBrowserHomeToDataset(t *testing.T) {
	bctx := browsertest.New(t, 90*time.Second)
	store, fx := writeStore(t)
	addChangelogs(t, fx)
	h, _ := newStoreSite(t, store, fx.Dir, false)
	srv := httptest.NewServer(h) // listens on 127.0.0.1
	defer srv.Close()

	const title = "Équipements sportifs"
	cardLink := chromedp.CSS(`#jeu-equipements-sportifs h2 a`)
	must := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v", step, err)
		}
	}
	must("open home", chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(cardLink),
	))
	browsertest.Axe(t, bctx, "home")
	homeTitle, err := chromedp.Run(bctx, chromedp.Title())
	must("read title", err)
	lang, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	must("read lang", err)
	cardTitle, err := chromedp.Run(bctx, chromedp.Text(cardLink, chromedp.NodeVisible))
	must("read card title", err)
	must("click to dataset page", chromedp.Do(bctx,
		chromedp.Click(cardLink, chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.ID("champs")),
	))
	location, err := chromedp.Run(bctx, chromedp.Location())
	must("read location", err)
	browsertest.Axe(t, bctx, "dataset page")
	h1, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("h1"), chromedp.NodeVisible))
	must("read h1", err)
	fieldRows, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('#champs tbody tr').length`))
	must("count schema rows", err)
	qualityText, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(".quality-summary"), chromedp.NodeVisible))
	must("read quality sentence", err)
	previewCells, err := chromedp.Run(bctx, chromedp.Evaluate[[][]string](
		`Array.from(document.querySelectorAll('#apercu-lignes tbody tr')).map(tr => Array.from(tr.cells).map(td => td.textContent))`))
	must("read preview", err)
	changelog, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#version-"+sportLatest+" .changelog"), chromedp.NodeVisible))
	must("read changelog sentence", err)
	must("open dashboard", chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/tableau-de-bord"),
		chromedp.WaitVisible(chromedp.CSS("#run-"+runBlocked+" .gate-blocked")),
	))
	browsertest.Axe(t, bctx, "dashboard")
	gateText, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#run-"+runBlocked+" .gate-blocked"), chromedp.NodeVisible))
	must("read blocking gate", err)
	blockedOutcome, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#run-"+runBlocked+" .outcome"), chromedp.NodeVisible))
	must("read blocked outcome", err)

	if homeTitle != "Données ouvertes des Pays de la Loire" {
		t.Errorf("home <title> = %q", homeTitle)
	}
	if lang != "fr" {
		t.Errorf("document language = %q, want fr", lang)
	}
	if strings.TrimSpace(cardTitle) != title {
		t.Errorf("visible card title = %q, want %q", cardTitle, title)
	}
	if want := srv.URL + "/jeux-de-donnees/" + sportDataset; location != want {
		t.Errorf("after click, location = %q, want %q", location, want)
	}
	if strings.TrimSpace(h1) != title {
		t.Errorf("dataset page <h1> = %q, want %q", h1, title)
	}
	if fieldRows != len(sportFields) {
		t.Errorf("schema table has %d rows, want %d", fieldRows, len(sportFields))
	}
	r := fixtureDatasets()[0].Releases[1]
	wantQuality := fmt.Sprintf("%d lignes lues, %d acceptées, %d rejetées.", r.Read, r.Accepted, r.Rejected)
	if strings.TrimSpace(qualityText) != wantQuality {
		t.Errorf("quality sentence = %q, want %q", qualityText, wantQuality)
	}
	wantPreview := [][]string{
		{"E1", "Piscine Léo Lagrange", "Nantes", "44000", "1250.5", "2026-11-02"},
		{"E2", `Gymnase "Les Dervallières"`, "Nantes", "44100", "800", "2026-10-15"},
	}
	if fmt.Sprintf("%q", previewCells) != fmt.Sprintf("%q", wantPreview) {
		t.Errorf("preview rows = %q, want %q", previewCells, wantPreview)
	}
	if want := sportChangesSentence + "."; strings.TrimSpace(changelog) != want {
		t.Errorf("changelog of the latest release = %q, want %q", changelog, want)
	}
	if want := "Bloquée par la règle « baisse du nombre de lignes » (row_drop) : " + blockedDetail; strings.TrimSpace(gateText) != want {
		t.Errorf("blocked gate on the dashboard = %q, want %q", gateText, want)
	}
	if strings.TrimSpace(blockedOutcome) != "bloquée" {
		t.Errorf("blocked run outcome = %q, want « bloquée »", blockedOutcome)
	}
}
