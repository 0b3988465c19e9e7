package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/ligerdata/ligerdata/indicators"
)

// reportPage is the data of /rapports/<theme>.
type reportPage struct {
	Layout    layoutData
	Theme     theme
	Action    string // URL of the territory form
	Groups    []territoryGroup
	Territory territory
	// Unknown is set when the requested territory does not exist (the
	// région is shown instead).
	Unknown    bool
	Indicators []reportIndicator
	Others     []themeLink
}

type territoryGroup struct {
	Label   string
	Options []territoryOption
}

type territoryOption struct {
	Key, Label string
	Selected   bool
}

type themeLink struct{ Title, URL string }

// reportIndicator is one indicator on a report.
type reportIndicator struct {
	ID, Title, URL string
	Definition     string
	Method         []string
	Unit           string
	Period         string
	Computed       string // French date of the computation
	Published      bool
	Key            *keyFigure
	Note           string // why the territory has no figure
	Charts         []chartBlock
	Rural          []string // definitions of "rural" quoted from the reference table
}

// report serves the report of one theme for the territory of the query
// (?territoire=departement-44), the région by default.
func (s *site) report(w http.ResponseWriter, r *http.Request) {
	th, ok := themeOf(r.PathValue("theme"))
	if !ok {
		s.notFound(w, r)
		return
	}
	all := s.loadIndicators(s.indicators)
	var obs [][]observation
	for _, l := range all {
		obs = append(obs, l.obs)
	}
	territories := territoriesOf(obs...)
	key := r.URL.Query().Get("territoire")
	t, found := chooseTerritory(territories, key)
	page := reportPage{
		Layout:    s.layout(r, th.Title+" — "+t.Label),
		Theme:     th,
		Action:    s.absURL(reportURL(th.ID)),
		Groups:    groupTerritories(territories, t),
		Territory: t,
		Unknown:   key != "" && !found,
	}
	var rural []string
	inside := s.territoryNesting()[t.key()]
	for _, l := range all {
		if l.def.Theme != th.ID {
			continue
		}
		ri := s.reportIndicatorOf(l, t, inside)
		if usesRural(l.def) {
			if rural == nil {
				rural = s.ruralDefinitions()
			}
			ri.Rural = rural
		}
		page.Indicators = append(page.Indicators, ri)
	}
	sortIndicators(page.Indicators)
	for _, o := range themes {
		if o.ID != th.ID {
			page.Others = append(page.Others, themeLink{Title: o.Title, URL: s.absURL(reportURL(o.ID))})
		}
	}
	s.render(w, r, http.StatusOK, "report.html", page)
}

// groupTerritories builds the groups of the territory selector.
func groupTerritories(all []territory, selected territory) []territoryGroup {
	var out []territoryGroup
	for _, l := range reportLevels {
		g := territoryGroup{Label: l.Group}
		for _, t := range all {
			if t.Level == l.Level {
				g.Options = append(g.Options, territoryOption{Key: t.key(), Label: t.Label, Selected: t == selected})
			}
		}
		if len(g.Options) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// reportIndicatorOf builds the section of one indicator for territory t,
// whose territories one level down are inside (keys).
func (s *site) reportIndicatorOf(l loaded, t territory, inside []string) reportIndicator {
	def := l.def
	ri := reportIndicator{
		ID: def.ID, Title: def.Title, URL: s.absURL(indicatorURL(def.ID)),
		Definition: strings.TrimSpace(def.Definition), Method: proseParagraphs(def.Method),
		Unit: def.Unit, Period: strings.TrimSpace(def.Period), Published: l.release != "",
	}
	if l.prov != nil {
		ri.Computed = frenchDateTime(l.prov.ComputedAt)
	}
	if !ri.Published {
		ri.Note = "Cet indicateur n'a pas encore été calculé."
		return ri
	}
	sel := selectTerritory(l.obs, t)
	ri.Key = s.keyFigureOf(def, sel)
	if len(sel.here) == 0 {
		ri.Note = noFigureNote(def, t)
	}
	blocks := []*chartBlock{s.barsBlock(def, sel, t), s.partsBlock(def, sel, t, inside), s.linesBlock(def, sel, t), s.mapBlock(def, sel)}
	for _, b := range blocks {
		if b != nil {
			ri.Charts = append(ri.Charts, *b)
		}
	}
	return ri
}

// noFigureNote says why a territory has no value for an indicator.
func noFigureNote(def *indicators.Definition, t territory) string {
	if slices.Contains(def.Granularity, t.Level) {
		return "Aucune valeur n'est publiée pour " + t.Label + "."
	}
	if slices.Equal(def.Granularity, []string{"commune"}) {
		return "Cet indicateur n'est publié qu'à l'échelle des communes : ses lignes se consultent dans ses fichiers, depuis sa page."
	}
	return "Cet indicateur n'est pas calculé à l'échelle " + levelPhrase(t.Level) + "."
}

func levelPhrase(level string) string {
	switch level {
	case "epci":
		return "des EPCI"
	case "departement":
		return "des départements"
	case "region":
		return "de la région"
	}
	return "des " + levelLabels[level] + "s"
}

// sortIndicators puts published indicators first, keeping the order of
// titles.
func sortIndicators(list []reportIndicator) {
	var pub, unpub []reportIndicator
	for _, ri := range list {
		if ri.Published {
			pub = append(pub, ri)
		} else {
			unpub = append(unpub, ri)
		}
	}
	copy(list, append(pub, unpub...))
}

// proseParagraphs splits the French prose of a definition into
// paragraphs: on blank lines when it has any (line breaks inside a
// paragraph are spaces), else on line breaks (a folded YAML scalar keeps a
// line break where its author left a blank line).
func proseParagraphs(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if !strings.Contains(strings.TrimSpace(s), "\n\n") {
		return paragraphs(strings.ReplaceAll(s, "\n", "\n\n"))
	}
	out := paragraphs(s)
	for i, p := range out {
		out[i] = strings.Join(strings.Fields(p), " ")
	}
	return out
}
