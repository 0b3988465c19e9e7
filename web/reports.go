package web

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"sort"

	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/output"
)

// theme is a report page: its URL segment (the indicators' theme), French
// title and introduction.
type theme struct {
	ID    string
	Title string
	Intro string
}

// themes are the report pages, in the order of the index.
var themes = []theme{
	{"acces-numerique", "Accès au numérique",
		"Où se trouvent les lieux de médiation numérique (espaces publics numériques, fablabs, tiers-lieux), quels services ils proposent, quelle part est implantée en commune rurale et si leurs fiches sont tenues à jour."},
	{"tourisme", "Tourisme",
		"L'offre touristique recensée dans e-SPRIT : offres par catégorie et par département, rapportées à la population, capacité d'hébergement et visibilité numérique des offres (site web, courriel, réservation en ligne, réseaux sociaux)."},
	{"information-geographique", "Information géographique",
		"Le catalogue GEOPAL des données géographiques : fiches par type, par organisation et par thème, services de consultation et de téléchargement, licences ouvertes et ancienneté de la dernière révision."},
	{"enseignement-superieur-recherche", "Enseignement supérieur et recherche",
		"Les publications des établissements dans l'archive ouverte HAL et leur part en accès ouvert, l'insertion professionnelle des diplômés de master comparée à la valeur nationale, les effectifs étudiants et leur évolution."},
}

func themeOf(id string) (theme, bool) {
	for _, t := range themes {
		if t.ID == id {
			return t, true
		}
	}
	return theme{}, false
}

// reportURL is the root-relative URL of a theme's report.
func reportURL(theme string) string { return "/rapports/" + theme }

// indicatorURL is the root-relative URL of an indicator's provenance page.
func indicatorURL(id string) string { return "/indicateurs/" + id }

// ruralReference is the reference table whose documentation defines
// "rural", and ruralColumn the column that states, row by row, the
// definition applied (to be quoted by every report that uses it).
const (
	ruralReference = "communes-pays-de-la-loire"
	ruralColumn    = "definition_rurale"
)

// loaded is an indicator and its latest published rows.
type loaded struct {
	def     *indicators.Definition
	release string // "" when never published
	obs     []observation
	prov    *indicators.Provenance // nil when unreadable
}

// loadIndicators reads the latest release of each definition. An
// indicator never published (or unreadable, which is logged) has no
// release.
func (s *site) loadIndicators(defs []*indicators.Definition) []loaded {
	out := make([]loaded, 0, len(defs))
	for _, def := range defs {
		l := loaded{def: def}
		rel, rows, err := indicators.ReadLatest(s.tree.dir, def)
		switch {
		case err == nil:
			l.release, l.obs = rel, observations(def, rows)
			if p, err := indicators.ReadProvenance(s.tree.dir, def.ID, rel); err == nil {
				l.prov = p
			} else {
				s.log.Warn("read indicator provenance", "indicator", def.ID, "release", rel, "err", err)
			}
		case errors.Is(err, fs.ErrNotExist):
		default:
			s.log.Warn("read indicator", "indicator", def.ID, "err", err)
		}
		out = append(out, l)
	}
	return out
}

// defsOfTheme returns the indicators of a theme, sorted by title.
func (s *site) defsOfTheme(id string) []*indicators.Definition {
	var out []*indicators.Definition
	for _, d := range s.indicators {
		if d.Theme == id {
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return sortKey(out[i].Title) < sortKey(out[j].Title) })
	return out
}

// reportIndex is the data of /rapports/.
type reportIndex struct {
	Layout layoutData
	Themes []themeCard
}

type themeCard struct {
	Title, URL, Intro string
	Indicators        []indicatorLine
}

// indicatorLine is an indicator and its regional figure, on the index.
type indicatorLine struct {
	Title, URL string
	Value      string // "" when not published or no regional total
	ValueURL   string
	Period     string
	Dimension  string // the category of the value when there is no all-categories row
	Definition string
}

func (s *site) reportsIndex(w http.ResponseWriter, r *http.Request) {
	page := reportIndex{Layout: s.layout(r, "Rapports et indicateurs")}
	for _, th := range themes {
		card := themeCard{Title: th.Title, URL: s.absURL(reportURL(th.ID)), Intro: th.Intro}
		for _, l := range s.loadIndicators(s.defsOfTheme(th.ID)) {
			line := indicatorLine{Title: l.def.Title, URL: s.absURL(indicatorURL(l.def.ID))}
			all := territoriesOf(l.obs)
			t, _ := chooseTerritory(all, "")
			if k := s.keyFigureOf(l.def, selectTerritory(l.obs, t)); k != nil && t.Level == "region" {
				line.Value, line.ValueURL, line.Period, line.Dimension = k.Value, k.URL, k.Period, k.Dimension
			}
			card.Indicators = append(card.Indicators, line)
		}
		page.Themes = append(page.Themes, card)
	}
	s.render(w, r, http.StatusOK, "reports.html", page)
}

// setIndicators keeps the declared indicators (the embedded ones when defs
// is nil).
func (s *site) setIndicators(defs []*indicators.Definition) error {
	if defs == nil {
		var err error
		if defs, err = indicators.Load(indicators.Embedded); err != nil {
			return fmt.Errorf("web: embedded indicators: %w", err)
		}
	}
	s.indicators = append([]*indicators.Definition(nil), defs...)
	sort.SliceStable(s.indicators, func(i, j int) bool { return s.indicators[i].ID < s.indicators[j].ID })
	return nil
}

// reportRoutes registers the reports and the indicators' pages and files.
// They only depend on the published tree: rendered once per published
// state (see pageCache).
func (s *site) reportRoutes() {
	s.mux.HandleFunc("GET /rapports", redirectSlash)
	s.mux.HandleFunc("GET /indicateurs", redirectSlash)
	s.mux.HandleFunc("GET /rapports/{$}", s.cache.wrap(s.reportsIndex))
	s.mux.HandleFunc("GET /rapports/{theme}", s.cache.wrap(s.report))
	s.mux.HandleFunc("GET /indicateurs/{$}", s.cache.wrap(s.indicatorsList))
	// The indicator's page also shows the last computation, which the
	// store records even when it publishes nothing: not cached.
	s.mux.HandleFunc("GET /indicateurs/{id}", s.indicator)
	s.mux.HandleFunc("GET /"+string(output.CollectionIndicators)+"/{dataset}/{release}/{file}", s.indicatorDownload)
}

// redirectSlash sends /rapports and /indicateurs to their index.
func redirectSlash(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
}
