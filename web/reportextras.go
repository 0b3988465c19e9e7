package web

import (
	"strings"

	"github.com/ligerdata/ligerdata/indicators"
)

// commonColumns are the columns a report reads by name (see reportdata.go);
// every other numeric column of an indicator is an extra column.
var commonColumns = map[string]bool{
	colLevel: true, colCode: true, colLabel: true, colPeriod: true, colDimension: true,
	colValue: true, colNum: true, colDen: true, colReference: true,
}

// extraColumn is a numeric column an indicator publishes beside its value
// (a population, a rate per inhabitants, the offers a sum covers…): the
// reports show it in the key figure and in the data tables, titled as the
// schema titles it.
type extraColumn struct {
	Name, Title string
	Percent     bool // a share in [0, 1] (named part_…), shown as a percentage
}

// extraColumns lists the extra columns of def, in schema order.
func extraColumns(def *indicators.Definition) []extraColumn {
	if def.TableSchema == nil {
		return nil
	}
	var out []extraColumn
	for _, f := range def.TableSchema.Fields {
		if commonColumns[f.Name] || (f.Type != "integer" && f.Type != "number") {
			continue
		}
		title := f.Title
		if title == "" {
			title = f.Name
		}
		out = append(out, extraColumn{Name: f.Name, Title: title, Percent: strings.HasPrefix(f.Name, "part_")})
	}
	return out
}

// readExtras reads the extra columns of one row; a missing value is left
// out.
func readExtras(def *indicators.Definition, cols []extraColumn, r indicators.Row) map[string]float64 {
	if len(cols) == 0 {
		return nil
	}
	out := map[string]float64{}
	for _, c := range cols {
		if v, ok := number(def.Value(r, c.Name)); ok {
			out[c.Name] = v
		}
	}
	return out
}

// extraText writes the value of an extra column of o, "—" when missing.
func extraText(c extraColumn, o observation) string {
	v, ok := o.Extra[c.Name]
	switch {
	case !ok:
		return "—"
	case c.Percent:
		return valueText(v, "%")
	}
	return frenchNumber(v)
}

// extraHeads and extraCells add the extra columns to a data table.
func extraHeads(cols []extraColumn) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Title
	}
	return out
}

func extraCells(cols []extraColumn, o observation) []tableCell {
	out := make([]tableCell, len(cols))
	for i, c := range cols {
		out[i] = tableCell{Text: extraText(c, o), Num: true}
	}
	return out
}

// extraDetails lists "Title : value" for the key figure.
func extraDetails(cols []extraColumn, o observation) []string {
	var out []string
	for _, c := range cols {
		if _, ok := o.Extra[c.Name]; ok {
			out = append(out, c.Title+" : "+extraText(c, o))
		}
	}
	return out
}
