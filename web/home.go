package web

import (
	"net/http"
	"sort"
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

type homePage struct {
	Layout layoutData
	Cards  []card
}

func (s *site) home(w http.ResponseWriter, r *http.Request) {
	names, err := s.tree.datasets()
	if err != nil {
		s.log.Error("list datasets", "err", err)
		s.serverError(w, r)
		return
	}
	page := homePage{Layout: s.layout(r, "Données ouvertes des Pays de la Loire")}
	for _, name := range names {
		rel, err := s.loadLatest(name)
		if err != nil {
			s.log.Warn("dataset skipped on home page: latest release unavailable", "dataset", name, "err", err)
			continue
		}
		c := card{
			Dataset:     name,
			Title:       rel.title(),
			URL:         "/jeux-de-donnees/" + name,
			Description: excerpt(rel.Package.Description, 200),
			Rows:        frenchInt(rel.rows()) + " " + plural(rel.rows(), "ligne", "lignes"),
			Updated:     frenchDate(rel.Time),
			Licence:     licenceTitle(rel.Package),
			sortKey:     sortKey(rel.title()),
		}
		for _, f := range []string{"data.csv", "data.parquet"} {
			if _, ok := rel.sum(f); ok {
				c.Downloads = append(c.Downloads, fileLink{
					Name: f, Format: formatLabel(f), URL: s.absURL(fileURL(name, rel.Name, f)),
				})
			}
		}
		page.Cards = append(page.Cards, c)
	}
	sort.SliceStable(page.Cards, func(i, j int) bool { return page.Cards[i].sortKey < page.Cards[j].sortKey })
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
