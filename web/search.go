package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// searchPageSize is the number of datasets listed per search page.
const searchPageSize = 20

// searchDoc is what the search knows of one dataset's latest release.
type searchDoc struct {
	card
	Keywords  []string
	Publisher string
	Geo       bool
	Formats   []string
	text      string // folded title, description, keywords, column names and titles
}

// facet is one value of a facet with its count and the link that toggles it.
type facet struct {
	Label    string
	Count    int
	URL      string
	Selected bool
}

// facetGroup is one facet: its title and its values.
type facetGroup struct {
	Title  string
	Values []facet
}

// searchPage is the data of /recherche.
type searchPage struct {
	Layout      layoutData
	Query       string
	Total       int
	Results     []searchDoc
	Facets      []facetGroup
	Prev, Next  string
	Page, Pages int
}

// facetParams are the query parameters of the facets, with their titles.
var facetParams = []struct{ param, title string }{
	{"editeur", "Producteur"}, {"licence", "Licence"}, {"geographique", "Données géographiques"},
	{"format", "Format"}, {"mot-cle", "Mot-clé"},
}

// facetValues returns the values a document has for a facet parameter.
func (d *searchDoc) facetValues(param string) []string {
	switch param {
	case "editeur":
		if d.Publisher != "" {
			return []string{d.Publisher}
		}
	case "licence":
		return []string{d.Licence}
	case "geographique":
		if d.Geo {
			return []string{"oui"}
		}
		return []string{"non"}
	case "format":
		return d.Formats
	case "mot-cle":
		return d.Keywords
	}
	return nil
}

// searchDocs loads the latest release of every dataset.
func (s *site) searchDocs() ([]searchDoc, error) {
	names, err := s.tree.datasets()
	if err != nil {
		return nil, err
	}
	var docs []searchDoc
	for _, name := range names {
		rel, err := s.loadLatest(name)
		if err != nil {
			s.log.Warn("dataset left out of the list: latest release unavailable", "dataset", name, "err", err)
			continue
		}
		dp := rel.Package
		d := searchDoc{card: card{Dataset: name, Title: rel.title(), URL: "/jeux-de-donnees/" + name,
			Description: excerpt(dp.Description, 200), Rows: frenchInt(rel.rows()) + " " + plural(rel.rows(), "ligne", "lignes"),
			Updated: frenchDate(rel.Time), Licence: licenceTitle(dp), sortKey: sortKey(rel.title())}, Keywords: dp.Keywords}
		for _, c := range dp.Contributors {
			if c.Role == "publisher" {
				d.Publisher = c.Title
			}
		}
		for _, f := range []struct{ file, label string }{{"data.csv", "CSV"}, {"data.parquet", "Parquet"}, {"data.geojson", "GeoJSON"}} {
			if _, ok := rel.sum(f.file); ok {
				d.Formats = append(d.Formats, f.label)
			}
		}
		_, d.Geo = rel.sum("data.geojson")
		for _, f := range []string{"data.csv", "data.parquet"} {
			if _, ok := rel.sum(f); ok {
				d.Downloads = append(d.Downloads, fileLink{Name: f, Format: formatLabel(f), URL: s.absURL(fileURL(name, rel.Name, f))})
			}
		}
		parts := []string{d.Title, dp.Description, strings.Join(dp.Keywords, " "), d.Publisher}
		if ts, err := dp.schema(); err == nil && ts != nil {
			for _, f := range ts.Fields {
				parts = append(parts, f.Name, f.Title)
			}
		}
		d.text = foldText(strings.Join(parts, " "))
		docs = append(docs, d)
	}
	return docs, nil
}

// foldText lowers case, removes the French accents and turns "_" and "-"
// into spaces, so that "Médiathèque" matches "mediatheque" and a column
// code_postal matches "postal".
func foldText(s string) string {
	return strings.NewReplacer("_", " ", "-", " ").Replace(sortKey(s))
}

// stem is a light French stemming of a query word: a final plural s or x
// is dropped ("fablabs" finds "fablab", "réseaux" finds "réseau").
func stem(w string) string {
	if len(w) > 3 && (strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x")) {
		return w[:len(w)-1]
	}
	return w
}

// matches reports whether every word of the query is in the document.
func (d *searchDoc) matches(words []string) bool {
	for _, w := range words {
		if !strings.Contains(d.text, w) {
			return false
		}
	}
	return true
}

// search serves /recherche: datasets matching q (title, description,
// keywords, column names; accents and case ignored) and the facets, with
// paging; it works without JavaScript.
func (s *site) search(w http.ResponseWriter, r *http.Request) {
	page, err := s.searchView(r)
	if err != nil {
		s.log.Error("search: list datasets", "err", err)
		s.serverError(w, r)
		return
	}
	page.Layout = s.layout(r, "Recherche")
	s.render(w, r, http.StatusOK, "search.html", page)
}

// searchView finds the datasets r's query string asks for (q and the
// facets), with the facets' counts and the links of the other pages, all
// under /recherche.
func (s *site) searchView(r *http.Request) (searchPage, error) {
	docs, err := s.searchDocs()
	if err != nil {
		return searchPage{}, err
	}
	qv := r.URL.Query()
	page := searchPage{Query: strings.TrimSpace(qv.Get("q"))}
	var words []string
	for _, w := range strings.Fields(foldText(page.Query)) {
		words = append(words, stem(w))
	}
	selected := func(d *searchDoc, except string) bool {
		for _, fp := range facetParams {
			want := qv.Get(fp.param)
			if fp.param == except || want == "" {
				continue
			}
			found := false
			for _, v := range d.facetValues(fp.param) {
				found = found || v == want
			}
			if !found {
				return false
			}
		}
		return true
	}
	var hits []searchDoc
	for i := range docs {
		if docs[i].matches(words) && selected(&docs[i], "") {
			hits = append(hits, docs[i])
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].sortKey < hits[j].sortKey })
	page.Facets = facetGroups(qv, docs, words, selected)
	page.pageOf(qv, hits)
	return page, nil
}

// facetGroups counts, for each facet, the datasets matching the words and
// the other selected facets, by value; each value links to the search
// with it selected (or unselected).
func facetGroups(qv url.Values, docs []searchDoc, words []string, selected func(*searchDoc, string) bool) []facetGroup {
	var groups []facetGroup
	for _, fp := range facetParams {
		counts := map[string]int{}
		for i := range docs {
			if docs[i].matches(words) && selected(&docs[i], fp.param) {
				for _, v := range docs[i].facetValues(fp.param) {
					counts[v]++
				}
			}
		}
		g := facetGroup{Title: fp.title}
		for v, n := range counts {
			u := cloneValues(qv)
			u.Del("page")
			sel := qv.Get(fp.param) == v
			if sel {
				u.Del(fp.param)
			} else {
				u.Set(fp.param, v)
			}
			g.Values = append(g.Values, facet{Label: v, Count: n, URL: "/recherche?" + u.Encode(), Selected: sel})
		}
		sort.Slice(g.Values, func(i, j int) bool {
			if g.Values[i].Count != g.Values[j].Count {
				return g.Values[i].Count > g.Values[j].Count
			}
			return g.Values[i].Label < g.Values[j].Label
		})
		if len(g.Values) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

// pageOf keeps the page of hits the query string asks for, and the links
// to the previous and next pages.
func (page *searchPage) pageOf(qv url.Values, hits []searchDoc) {
	page.Total = len(hits)
	page.Pages = (len(hits) + searchPageSize - 1) / searchPageSize
	page.Page, _ = strconv.Atoi(qv.Get("page"))
	if page.Page < 1 {
		page.Page = 1
	}
	if page.Pages > 0 && page.Page > page.Pages {
		page.Page = page.Pages
	}
	from := (page.Page - 1) * searchPageSize
	if from < len(hits) {
		page.Results = hits[from:min(from+searchPageSize, len(hits))]
	}
	pageURL := func(n int) string {
		u := cloneValues(qv)
		u.Set("page", strconv.Itoa(n))
		return "/recherche?" + u.Encode()
	}
	if page.Page > 1 {
		page.Prev = pageURL(page.Page - 1)
	}
	if page.Page < page.Pages {
		page.Next = pageURL(page.Page + 1)
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
