package web

import (
	"fmt"
	"net/url"
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

// TestHomeBrowses: the home page lists the datasets with the facets of
// the search (their links lead to it) and keyword links, without
// JavaScript.
func TestHomeBrowses(t *testing.T) {
	h, _ := apiSite(t, Options{})
	body := do(t, h, "GET", "/", nil).Body.String()
	for _, want := range []string{
		`<nav class="facets" aria-label="Parcourir les jeux de données">`,
		`<a href="/recherche?editeur=R%C3%A9gion&#43;Pays&#43;de&#43;la&#43;Loire">Région Pays de la Loire</a> (1)`,
		`<a href="/recherche?mot-cle=fablab">fablab</a>`,
		"1 jeu de données publié.",
		`id="jeu-` + apiDataset + `"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
}

// TestSearchPaging: 45 hits, 20 a page; page 3 holds the last 5, links
// back to page 2 and has no next page; a page past the end shows the last.
func TestSearchPaging(t *testing.T) {
	hits := make([]searchDoc, 45)
	for i := range hits {
		hits[i].Dataset = fmt.Sprintf("d%02d", i)
	}
	var p searchPage
	p.pageOf(url.Values{"page": {"9"}, "q": {"lieux"}}, hits)
	if p.Page != 3 || p.Pages != 3 || len(p.Results) != 5 || p.Results[0].Dataset != "d40" {
		t.Errorf("page %d of %d, %d results", p.Page, p.Pages, len(p.Results))
	}
	if p.Prev != "/recherche?page=2&q=lieux" || p.Next != "" {
		t.Errorf("links %q %q", p.Prev, p.Next)
	}
}
