package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/ligerdata/ligerdata/internal/browsertest"
)

// TestBrowserReportToInputFile drives headless Chromium as a reader of the
// reports: the index, a theme, another territory chosen with the form (no
// script involved), a click on a figure to its provenance page, the SQL
// shown there, and a click that downloads the exact input file, whose
// sha256 must be the one the provenance names. axe-core checks every page
// kind on the way.
func TestBrowserReportToInputFile(t *testing.T) {
	bctx, fx, srv := reportBrowser(t)
	must := browserStep(t)
	must("open the index", chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/rapports/"),
		chromedp.WaitVisible(chromedp.CSS("ul.reports")),
	))
	browsertest.Axe(t, bctx, "reports index")
	// Each click that loads a page waits for that page (RunResponse).
	click := func(step, css string) {
		t.Helper()
		resp, err := chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
		must(step, err)
		if resp.Status != 200 {
			t.Fatalf("browser: %s: status %d", step, resp.Status)
		}
	}
	click("open a theme", `ul.reports a[href="/rapports/acces-numerique"]`)
	browsertest.Axe(t, bctx, "report (région)")
	regionFigure, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#lieux-par-territoire .key-figure a.value"), chromedp.NodeVisible))
	must("read the région's figure", err)

	// The territory form is a plain GET form: choose, submit, new page.
	must("choose Loire-Atlantique", chromedp.Do(bctx, chromedp.SetValue(chromedp.CSS("#territoire"), "departement-44")))
	click("submit the territory", "form.territoire button")
	location, err := chromedp.Run(bctx, chromedp.Location())
	must("read location", err)
	depFigure, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#lieux-par-territoire .key-figure a.value"), chromedp.NodeVisible))
	must("read the département's figure", err)
	browsertest.Axe(t, bctx, "report (département)")

	click("click the figure", "#lieux-par-territoire .key-figure a.value")
	indicatorLocation, err := chromedp.Run(bctx, chromedp.Location())
	must("read location", err)
	sql, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("pre.sql"), chromedp.NodeVisible))
	must("read the SQL", err)
	browsertest.Axe(t, bctx, "indicator page")

	dir := t.TempDir()
	got := downloadFirst(t, bctx, dir, "a.input-file")
	sum := sha256.Sum256(got)

	must("open the list of indicators", chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/indicateurs/"),
		chromedp.WaitVisible(chromedp.CSS("ul.indicator-list")),
	))
	browsertest.Axe(t, bctx, "indicators list")

	if want := "60\u00a0lieux"; regionFigure != want {
		t.Errorf("région figure = %q, want %q", regionFigure, want)
	}
	if want := srv.URL + "/rapports/acces-numerique?territoire=departement-44"; location != want {
		t.Errorf("after the form, location = %q, want %q", location, want)
	}
	if want := "30\u00a0lieux"; depFigure != want {
		t.Errorf("Loire-Atlantique figure = %q, want %q", depFigure, want)
	}
	if want := srv.URL + "/indicateurs/" + repLieux; indicatorLocation != want {
		t.Errorf("after the click on the figure, location = %q, want %q", indicatorLocation, want)
	}
	if !strings.Contains(sql, "FROM lieux_test") || !strings.Contains(sql, `"<script>"`) {
		t.Errorf("SQL shown = %q", sql)
	}
	if hex.EncodeToString(sum[:]) != fx.InputSHA {
		t.Errorf("downloaded input file has sha256 %x, want %s (the provenance's)", sum, fx.InputSHA)
	}
}

// TestBrowserReportInsideTerritories drives headless Chromium from the
// région to a département chosen with the form, where the EPCI inside it
// are drawn with their table, then through the link of an EPCI to its own
// report, which lists its communes; axe-core checks both new views.
func TestBrowserReportInsideTerritories(t *testing.T) {
	bctx, _, srv := reportBrowser(t)
	must := browserStep(t)
	must("open the report", chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/rapports/acces-numerique"),
		chromedp.WaitVisible(chromedp.CSS("form.territoire")),
		chromedp.SetValue(chromedp.CSS("#territoire"), "departement-44"),
	))
	resp, err := chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS("form.territoire button"), chromedp.NodeVisible))
	must("submit the territory", err)
	if resp.Status != 200 {
		t.Fatalf("browser: département page: status %d", resp.Status)
	}
	const table = "#lieux-par-territoire-territoires table"
	epcis, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(table+" tbody"), chromedp.NodeVisible))
	must("read the EPCI of the département", err)
	browsertest.Axe(t, bctx, "report (département, EPCI inside)")

	resp, err = chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS(table+` th a`), chromedp.NodeVisible))
	must("open the first EPCI", err)
	if resp.Status != 200 {
		t.Fatalf("browser: EPCI page: status %d", resp.Status)
	}
	location, err := chromedp.Run(bctx, chromedp.Location())
	must("read location", err)
	communes, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(table+" tbody"), chromedp.NodeVisible))
	must("read the communes of the EPCI", err)
	selected, err := chromedp.Run(bctx, chromedp.Value(chromedp.CSS("#territoire")))
	must("read the selected territory", err)
	browsertest.Axe(t, bctx, "report (EPCI, communes inside)")

	// Nantes Métropole 25 first, then CC de Nozay 5; Nantes 20, Carquefou 5.
	if want := "Nantes Métropole\t25\u00a0lieux\nCC de Nozay\t5\u00a0lieux"; strings.TrimSpace(epcis) != want {
		t.Errorf("EPCI of Loire-Atlantique = %q, want %q", epcis, want)
	}
	if want := srv.URL + "/rapports/acces-numerique?territoire=epci-" + repEPCI; location != want {
		t.Errorf("after the click on the EPCI, location = %q, want %q", location, want)
	}
	if selected != "epci-"+repEPCI {
		t.Errorf("selected territory = %q, want the EPCI", selected)
	}
	if want := "Nantes\t20\u00a0lieux\nCarquefou\t5\u00a0lieux"; strings.TrimSpace(communes) != want {
		t.Errorf("communes of Nantes Métropole = %q, want %q", communes, want)
	}
}

// reportBrowser starts headless Chromium and a server of the report
// fixture, closed at the end of the test.
func reportBrowser(t *testing.T) (context.Context, *repFixture, *httptest.Server) {
	t.Helper()
	bctx := browsertest.New(t, 120*time.Second)
	fx := writeReportFixture(t)
	srv := httptest.NewServer(newReportSite(t, fx))
	t.Cleanup(srv.Close)
	return bctx, fx, srv
}

// browserStep returns a check that fails the test, naming the step, when
// a browser action failed.
func browserStep(t *testing.T) func(step string, err error) {
	return func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v", step, err)
		}
	}
}

// downloadFirst clicks the first link matching css, waits for the
// browser to finish downloading it into dir and returns its bytes.
func downloadFirst(t *testing.T, bctx context.Context, dir, css string) []byte {
	t.Helper()
	progress := chromedp.Events(bctx, browser.DownloadProgress)
	events := true
	err := chromedp.Do(bctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events,
			})
			return err
		}),
		chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible),
	)
	if err != nil {
		t.Fatalf("browser: download %s: %v", css, err)
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("browser: download %s: %v", css, err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatalf("browser: download %s canceled", css)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("browser: download %s never completed", css)
	return nil
}
