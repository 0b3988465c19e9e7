package web

import (
	"html/template"
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
	c := svgchart.Bars{ID: def.ID + "-barres", Title: heading}
	ratios := false
	for _, o := range rows {
		ratios = ratios || o.HasRatio
	}
	table := dataTable{Caption: "Données du graphique : " + heading, Head: []string{"Catégorie", "Valeur"}}
	if ratios {
		table.Head = append(table.Head, "Effectif")
	}
	for i, o := range rows {
		if i < maxBars {
			c.Items = append(c.Items, svgchart.BarItem{Label: o.Dimension, Value: scaled(o.Value, def.Unit), Display: valueText(o.Value, def.Unit)})
		}
		row := []tableCell{{Text: o.Dimension}, s.valueCell(def, o.Value)}
		if ratios {
			row = append(row, tableCell{Text: ratioText(o), Num: true})
		}
		table.Rows = append(table.Rows, row)
	}
	if len(rows) > maxBars {
		heading += " — les " + frenchInt(maxBars) + " premières catégories"
	}
	return &chartBlock{ID: c.ID, Heading: heading, SVG: c.SVG(), Table: table}
}

// linesBlock draws the territory's values over time: the all-categories
// row (with the reference value when the indicator gives one), else up to
// maxSeries categories.
func (s *site) linesBlock(def *indicators.Definition, sel selection, t territory) *chartBlock {
	periods := sel.periods()
	if len(periods) < 2 {
		return nil
	}
	series := map[string]*svgchart.Series{}
	var order []string
	add := func(name, period string, v float64) {
		sr, ok := series[name]
		if !ok {
			sr = &svgchart.Series{Name: name}
			series[name] = sr
			order = append(order, name)
		}
		sr.Points = append(sr.Points, svgchart.Point{Period: period, Value: scaled(v, def.Unit), Display: valueText(v, def.Unit)})
	}
	const reference = "Valeur de référence"
	hasTotal := false
	for _, o := range sel.here {
		hasTotal = hasTotal || o.isTotal()
	}
	for _, p := range periods {
		for _, o := range sel.here {
			switch {
			case o.Period != p:
			case hasTotal && o.isTotal():
				add(t.Label, p, o.Value)
				if o.HasReference {
					add(reference, p, o.Reference)
				}
			case !hasTotal && (series[o.Dimension] != nil || len(order) < maxSeries):
				add(o.Dimension, p, o.Value)
			}
		}
	}
	heading := def.Title + " : " + t.Label + ", évolution"
	c := svgchart.Lines{ID: def.ID + "-evolution", Title: heading, Periods: periods, Format: func(v float64) string {
		if isPercent(def.Unit) {
			return frenchNumber(v) + "\u00a0%"
		}
		return frenchNumber(v)
	}}
	table := dataTable{Caption: "Données du graphique : " + heading, Head: []string{"Période"}}
	values := map[string]map[string]float64{}
	for _, name := range order {
		c.Series = append(c.Series, *series[name])
		table.Head = append(table.Head, name)
		values[name] = map[string]float64{}
	}
	for _, o := range sel.here {
		switch {
		case hasTotal && o.isTotal():
			values[t.Label][o.Period] = o.Value
			if o.HasReference {
				values[reference][o.Period] = o.Reference
			}
		case !hasTotal && values[o.Dimension] != nil:
			values[o.Dimension][o.Period] = o.Value
		}
	}
	for _, p := range periods {
		row := []tableCell{{Text: p}}
		for _, name := range order {
			if v, ok := values[name][p]; ok {
				row = append(row, s.valueCell(def, v))
			} else {
				row = append(row, tableCell{Text: "—", Num: true})
			}
		}
		table.Rows = append(table.Rows, row)
	}
	return &chartBlock{ID: c.ID, Heading: heading, SVG: c.SVG(), Table: table}
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
	table := dataTable{Caption: "Données de la carte : " + heading, Head: []string{"Département", "Valeur"}}
	for _, o := range deps {
		c.Areas = append(c.Areas, svgchart.Area{Code: o.Code, Value: o.Value, Display: valueText(o.Value, def.Unit)})
		table.Rows = append(table.Rows, []tableCell{{Text: o.Label + " (" + o.Code + ")"}, s.valueCell(def, o.Value)})
	}
	return &chartBlock{ID: c.ID, Heading: heading, SVG: c.SVG(), Attribution: svgchart.MapAttribution, Table: table}
}

// keyFigure is the headline value of an indicator for the territory.
type keyFigure struct {
	Value     string
	URL       string
	Period    string // "en 2024", or the indicator's period
	Ratio     string
	Reference string
}

func (s *site) keyFigureOf(def *indicators.Definition, sel selection) *keyFigure {
	o, ok := sel.total()
	if !ok {
		return nil
	}
	k := &keyFigure{Value: valueText(o.Value, def.Unit), URL: s.absURL(indicatorURL(def.ID)), Ratio: ratioText(o)}
	if o.Period != "" {
		k.Period = "en " + o.Period
	} else {
		k.Period = strings.TrimSpace(def.Period)
	}
	if o.HasReference {
		k.Reference = valueText(o.Reference, def.Unit)
	}
	return k
}
