package web

import (
	"net/http"
	"net/url"
	"strings"
)

// card is one dataset on the home page.
type card struct {
	Dataset     string
	Title       string
	URL         string
	Description string
	Rows        string
	Updated     string
	Licence     string
	Downloads   []fileLink
	sortKey     string
}

// homePage is the home page: the first page of the datasets, as the
// search lists them, with the facets to browse them by.
type homePage struct {
	Layout layoutData
	Cards  []searchDoc
	Facets []facetGroup
	Total  int
	Next   string // the search's second page, when there is one
}

func (s *site) home(w http.ResponseWriter, r *http.Request) {
	view, err := s.searchView(&http.Request{URL: &url.URL{Path: "/recherche"}})
	if err != nil {
		s.log.Error("list datasets", "err", err)
		s.serverError(w, r)
		return
	}
	page := homePage{Layout: s.layout(r, siteName), Cards: view.Results, Facets: view.Facets, Total: view.Total, Next: view.Next}
	s.render(w, r, http.StatusOK, "home.html", page)
}

// rows is the number of published rows: the run's count, else the quality
// report's accepted rows.
func (r *release) rows() int64 {
	if r.Package.Ligerdata.Rows > 0 || r.Quality == nil {
		return r.Package.Ligerdata.Rows
	}
	return r.Quality.Accepted
}

// sortKey folds case and the common French accents so that "École" sorts
// with "ecole".
func sortKey(s string) string {
	return accentFolder.Replace(strings.ToLower(s))
}

var accentFolder = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "ÿ", "y",
	"œ", "oe", "æ", "ae",
)

func licenceTitle(dp *dataPackage) string {
	if len(dp.Licenses) == 0 {
		return "licence non précisée"
	}
	l := dp.Licenses[0]
	if l.Title != "" {
		return l.Title
	}
	return l.Name
}
