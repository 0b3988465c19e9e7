package web

import (
	"html/template"
	"net/url"
	"sort"
	"strings"

	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/internal/svgchart"
)

// maxBars is the most bars a chart draws (its data table lists every row).
const maxBars = 20

// maxSeries is the most categories a time series draws as lines.
const maxSeries = 5

// chartBlock is a chart and the table of its data.
type chartBlock struct {
	ID          string
	Heading     string
	SVG         template.HTML
	Attribution string // credit of the map shapes
	Table       dataTable
}

// dataTable is the data of a chart, each value linked to the indicator's
// page.
type dataTable struct {
	Caption string
	Head    []string
	Rows    [][]tableCell
}

type tableCell struct {
	Text string
	URL  string // the value links to the indicator's page
	Num  bool
}

// valueCell is a value of an indicator linked to its provenance page.
func (s *site) valueCell(def *indicators.Definition, v float64) tableCell {
	return tableCell{Text: valueText(v, def.Unit), URL: s.absURL(indicatorURL(def.ID)), Num: true}
}

// ratioText writes "12 sur 40" for a share, "" without numerator.
func ratioText(o observation) string {
	if !o.HasRatio {
		return ""
	}
	return frenchNumber(o.Num) + " sur " + frenchNumber(o.Den)
}

// barsBlock draws the breakdown of the territory at its latest period.
func (s *site) barsBlock(def *indicators.Definition, sel selection, t territory) *chartBlock {
	rows := sel.breakdown()
	if len(rows) < 2 {
		return nil
	}
	heading := def.Title + " : " + t.Label
	if sel.latest != "" {
		heading += " (" + sel.latest + ")"
	}
	return s.barChart(def, def.ID+"-barres", heading, "Catégorie", rows, func(o observation) tableCell { return tableCell{Text: o.Dimension} })
}

// partsBlock draws the all-categories value of the territories inside t,
// one level down (inside, from the nesting of the reference table): the
// EPCI of a département, the communes of an EPCI, largest value first;
// each EPCI links to the report for it.
func (s *site) partsBlock(def *indicators.Definition, sel selection, t territory, inside []string) *chartBlock {
	keep := map[string]bool{}
	for _, k := range inside {
		keep[k] = true
	}
	rows := sel.totalsOf(func(o observation) bool { return keep[o.Level+"-"+o.Code] })
	if len(rows) == 0 {
		return nil
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Value > rows[j].Value })
	by, per := "Commune", "par commune"
	if rows[0].Level == "epci" {
		by, per = "EPCI", "par EPCI"
	}
	heading := def.Title + " : " + t.Label + ", " + per
	if rows[0].Period != "" {
		heading += " (" + rows[0].Period + ")"
	}
	return s.barChart(def, def.ID+"-territoires", heading, by, rows, func(o observation) tableCell {
		c := tableCell{Text: o.Label}
		if o.Level == "epci" {
			c.URL = s.absURL(reportURL(def.Theme) + "?territoire=" + url.QueryEscape(o.Level+"-"+o.Code))
		}
		return c
	})
}

// barChart draws rows as bars (the first maxBars) with the data table of
// every row: label gives the first cell (and the bar's label), the value
// links to the indicator's page, then the counts of a share and the extra
// columns.
func (s *site) barChart(def *indicators.Definition, id, heading, first string, rows []observation, label func(observation) tableCell) *chartBlock {
	c := svgchart.Bars{ID: id, Title: heading}
	ratios := false
	for _, o := range rows {
		ratios = ratios || o.HasRatio
	}
	table := dataTable{Caption: "Données du graphique : " + heading, Head: []string{first, "Valeur"}}
	if ratios {
		table.Head = append(table.Head, "Effectif")
	}
	extras := extraColumns(def)
	table.Head = append(table.Head, extraHeads(extras)...)
	for i, o := range rows {
		name := label(o)
		if i < maxBars {
			c.Items = append(c.Items, svgchart.BarItem{Label: name.Text, Value: scaled(o.Value, def.Unit), Display: valueText(o.Value, def.Unit)})
		}
		row := []tableCell{name, s.valueCell(def, o.Value)}
		if ratios {
			row = append(row, tableCell{Text: ratioText(o), Num: true})
		}
		table.Rows = append(table.Rows, append(row, extraCells(extras, o)...))
	}
	if len(rows) > maxBars {
		heading += " — les " + frenchInt(maxBars) + " plus grandes valeurs"
	}
	return &chartBlock{ID: c.ID, Heading: heading, SVG: c.SVG(), Table: table}
}

// linesBlock draws the territory's values over time: the all-categories
// row (with the reference value when the indicator gives one) and the
// categories with the largest values at the latest period, maxSeries lines
// at most.
func (s *site) linesBlock(def *indicators.Definition, sel selection, t territory) *chartBlock {
	periods := sel.periods()
	if len(periods) < 2 {
		return nil
	}
	lines := timeLines(sel, t)
	heading := def.Title + " : " + t.Label + ", évolution"
	c := svgchart.Lines{ID: def.ID + "-evolution", Title: heading, Periods: periods, Format: func(v float64) string {
		if isPercent(def.Unit) {
			return frenchNumber(v) + "\u00a0%"
		}
		return frenchNumber(v)
	}}
	table := dataTable{Caption: "Données du graphique : " + heading, Head: []string{"Période"}}
	for _, l := range lines {
		sr := svgchart.Series{Name: l.name}
		for _, p := range periods {
			if v, ok := l.values[p]; ok {
				sr.Points = append(sr.Points, svgchart.Point{Period: p, Value: scaled(v, def.Unit), Display: valueText(v, def.Unit)})
			}
		}
		c.Series = append(c.Series, sr)
		table.Head = append(table.Head, l.name)
	}
	for _, p := range periods {
		row := []tableCell{{Text: p}}
		for _, l := range lines {
			if v, ok := l.values[p]; ok {
				row = append(row, s.valueCell(def, v))
			} else {
				row = append(row, tableCell{Text: "—", Num: true})
			}
		}
		table.Rows = append(table.Rows, row)
	}
	return &chartBlock{ID: c.ID, Heading: heading, SVG: c.SVG(), Table: table}
}

// timeLine is one line of a time series: its name and value by period.
type timeLine struct {
	name   string
	values map[string]float64
}

// timeLines picks the lines of a time series (see linesBlock).
func timeLines(sel selection, t territory) []timeLine {
	total := timeLine{name: t.Label, values: map[string]float64{}}
	ref := timeLine{name: "Valeur de référence", values: map[string]float64{}}
	byDim := map[string]*timeLine{}
	for _, o := range sel.here {
		switch {
		case o.isTotal():
			total.values[o.Period] = o.Value
			if o.HasReference {
				ref.values[o.Period] = o.Reference
			}
		default:
			l := byDim[o.Dimension]
			if l == nil {
				l = &timeLine{name: o.Dimension, values: map[string]float64{}}
				byDim[o.Dimension] = l
			}
			l.values[o.Period] = o.Value
		}
	}
	var out []timeLine
	if len(total.values) > 0 {
		if len(byDim) > 0 {
			total.name = allCategories
		}
		out = append(out, total)
	}
	if len(ref.values) > 0 {
		out = append(out, ref)
	}
	for _, o := range sel.breakdown() {
		if len(out) >= maxSeries {
			break
		}
		out = append(out, *byDim[o.Dimension])
	}
	return out
}

// mapBlock draws the all-categories value of each département.
func (s *site) mapBlock(def *indicators.Definition, sel selection) *chartBlock {
	deps := sel.departements()
	if len(deps) == 0 {
		return nil
	}
	heading := def.Title + " par département"
	if deps[0].Period != "" {
		heading += " (" + deps[0].Period + ")"
	}
	c := svgchart.DepartementMap{ID: def.ID + "-carte", Title: heading, Format: func(v float64) string { return valueText(v, def.Unit) }}
	extras := extraColumns(def)
	table := dataTable{Caption: "Données de la carte : " + heading, Head: append([]string{"Département", "Valeur"}, extraHeads(extras)...)}
	for _, o := range deps {
		c.Areas = append(c.Areas, svgchart.Area{Code: o.Code, Value: o.Value, Display: valueText(o.Value, def.Unit)})
		row := []tableCell{{Text: o.Label + " (" + o.Code + ")"}, s.valueCell(def, o.Value)}
		table.Rows = append(table.Rows, append(row, extraCells(extras, o)...))
	}
	return &chartBlock{ID: c.ID, Heading: heading, SVG: c.SVG(), Attribution: svgchart.MapAttribution, Table: table}
}

// keyFigure is the headline value of an indicator for the territory.
type keyFigure struct {
	Value     string
	URL       string
	Period    string // "en 2024", or the indicator's period
	Dimension string // the category shown when there is no all-categories row
	Ratio     string
	Reference string
	// Details are the extra columns of the row shown ("Title : value").
	Details []string
}

func (s *site) keyFigureOf(def *indicators.Definition, sel selection) *keyFigure {
	o, ok := sel.total()
	if !ok {
		// No all-categories row: the largest category, named.
		b := sel.breakdown()
		if len(b) == 0 {
			return nil
		}
		o = b[0]
	}
	k := &keyFigure{Value: valueText(o.Value, def.Unit), URL: s.absURL(indicatorURL(def.ID)), Ratio: ratioText(o)}
	if !o.isTotal() {
		k.Dimension = o.Dimension
	}
	if o.Period != "" {
		k.Period = "en " + o.Period
	} else {
		k.Period = strings.TrimSpace(def.Period)
	}
	if o.HasReference {
		k.Reference = valueText(o.Reference, def.Unit)
	}
	k.Details = extraDetails(extraColumns(def), o)
	return k
}
