package web

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ligerdata/ligerdata/internal/browsertest"
)

// TestSearch checks the search page: words from the title, the keywords
// and the column names, accents, case and plurals ignored, facets and
// keyword links; an absent word finds nothing.
func TestSearch(t *testing.T) {
	srv, _ := apiServer(t)
	tests := []struct {
		q     string
		found bool
	}{
		{"fablab", true},          // keyword
		{"FABLABS", true},         // case and plural
		{"lieux api", true},       // two words of the title
		{"postal", true},          // column code_postal
		{"numerique", true},       // keyword "numérique" without its accent
		{"médiathèque", false},    // only in the rows, not the metadata
		{"fablab piscine", false}, // every word must match
	}
	for _, tt := range tests {
		status, _, b := apiGet(t, srv.URL, "/recherche?q="+strings.ReplaceAll(tt.q, " ", "+"))
		page := string(b)
		found := strings.Contains(page, `id="jeu-`+apiDataset+`"`)
		if status != 200 || found != tt.found {
			t.Errorf("%q: status %d, found %v, want %v", tt.q, status, found, tt.found)
		}
	}
	_, _, b := apiGet(t, srv.URL, "/recherche?q=fablab")
	page := string(b)
	for _, want := range []string{`href="/recherche?geographique=non&amp;q=fablab"`, "Données géographiques", `href="/recherche?mot-cle=num%c3%a9rique"`, "1 jeu de données pour « fablab »"} {
		if !strings.Contains(page, want) {
			t.Errorf("search page lacks %q", want)
		}
	}
	_, _, b = apiGet(t, srv.URL, "/recherche?q=fablab&format=GeoJSON")
	if strings.Contains(string(b), `id="jeu-`+apiDataset+`"`) {
		t.Errorf("the GeoJSON facet kept a dataset without GeoJSON")
	}
	_, _, b = apiGet(t, srv.URL, "/")
	if !strings.Contains(string(b), `action="/recherche"`) {
		t.Errorf("the home page has no search box")
	}
}

// TestBrowserSearch runs axe-core on the search page with its facets.
func TestBrowserSearch(t *testing.T) {
	bctx := browsertest.New(t, 60*time.Second)
	srv, _ := apiServer(t)
	if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/recherche?q=fablab"), chromedp.WaitVisible(chromedp.CSS(".facets"))); err != nil {
		t.Fatalf("browser: open the search page: %v", err)
	}
	browsertest.Axe(t, bctx, "search page")
}
