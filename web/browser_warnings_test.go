package web

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ligerdata/ligerdata/internal/browsertest"
)

// TestBrowserWarnings opens, in headless Chromium, the pages that show the
// rows published with warnings after PiNG's recorded map is published: the
// dataset page's warnings section (samples unfolded), the dashboard's two
// lists and the run page (its log unfolded). axe-core checks each with the
// warnings shown.
func TestBrowserWarnings(t *testing.T) {
	bctx := browsertest.New(t, 90*time.Second)
	h, m := publishPing(t)
	srv := httptest.NewServer(h)
	defer srv.Close()
	b := browserSteps{t, bctx}
	must, text := b.must, b.text

	must("dataset page", chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/jeux-de-donnees/ping-lieux-mediation"),
		chromedp.WaitVisible(chromedp.ID("avertissements")),
		chromedp.Click(chromedp.CSS(".warnings details summary"), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(".warnings details table.samples")),
	))
	browsertest.Axe(t, bctx, "dataset page, warnings unfolded")
	samples, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('.warnings table.samples tbody tr').length`))
	must("count samples", err)
	if samples != 2 {
		t.Errorf("dataset page: %d sample warnings, want 2", samples)
	}
	if got := text("warnings by type", "#avertissements-par-type tbody"); !strings.Contains(got, "latitude et longitude inversées") {
		t.Errorf("warnings by type: %q", got)
	}

	must("dashboard", chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/tableau-de-bord"),
		chromedp.WaitVisible(chromedp.CSS("#resume .warned")),
	))
	browsertest.Axe(t, bctx, "dashboard with warnings")
	want := "2 lignes publiées avec des avertissements (avertissements en CSV)"
	if got := text("summary warnings", "#resume .warned"); got != want {
		t.Errorf("pipelines' summary: %q, want %q", got, want)
	}
	if got := text("run warnings", "#run-"+m.RunID+" .warned"); got != want {
		t.Errorf("runs list: %q, want %q", got, want)
	}

	must("run page", chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS("#run-"+m.RunID+" a"), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.ID("avertissements")),
		chromedp.Click(chromedp.CSS("details.technical summary"), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS("table.log")),
	))
	browsertest.Axe(t, bctx, "run page with warnings, log unfolded")
	rows, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('#avertissements-par-type tbody tr').length`))
	must("count warning types", err)
	if rows != 2 {
		t.Errorf("run page: %d warning types, want 2", rows)
	}
}
