package web

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/ligerdata/ligerdata/indicators"
)

// The columns every indicator table has (see package indicators): niveau,
// code, libelle, then optional periode and dimension, valeur, and the
// optional numerateur, denominateur and reference.
const (
	colLevel     = "niveau"
	colCode      = "code"
	colLabel     = "libelle"
	colPeriod    = "periode"
	colDimension = "dimension"
	colValue     = "valeur"
	colNum       = "numerateur"
	colDen       = "denominateur"
	colReference = "reference"
	// allCategories is the dimension of the all-categories row.
	allCategories = "Ensemble"
)

// observation is one row of an indicator table, read through the columns
// every indicator has.
type observation struct {
	Level, Code, Label, Period, Dimension string
	Value                                 float64
	HasValue                              bool
	Num, Den                              float64
	HasRatio                              bool
	Reference                             float64
	HasReference                          bool
	// Extra holds the extra columns of the row (see extraColumns).
	Extra map[string]float64
}

// isTotal reports whether the observation is the all-categories row (or
// the indicator has no breakdown).
func (o observation) isTotal() bool { return o.Dimension == "" || o.Dimension == allCategories }

// observations reads the rows of an indicator through its schema.
func observations(def *indicators.Definition, rows []indicators.Row) []observation {
	out := make([]observation, 0, len(rows))
	extras := extraColumns(def)
	for _, r := range rows {
		o := observation{
			Level:     text(def.Value(r, colLevel)),
			Code:      text(def.Value(r, colCode)),
			Label:     text(def.Value(r, colLabel)),
			Period:    text(def.Value(r, colPeriod)),
			Dimension: text(def.Value(r, colDimension)),
		}
		o.Value, o.HasValue = number(def.Value(r, colValue))
		num, okN := number(def.Value(r, colNum))
		den, okD := number(def.Value(r, colDen))
		o.Num, o.Den, o.HasRatio = num, den, okN && okD
		o.Reference, o.HasReference = number(def.Value(r, colReference))
		o.Extra = readExtras(def, extras, r)
		out = append(out, o)
	}
	return out
}

// text writes a cell as text ("" when missing).
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

// number reads a numeric cell; ok is false when it is missing or not a
// finite number.
func number(v any) (float64, bool) {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case float32:
		f = float64(x)
	case int64:
		f = float64(x)
	case int:
		f = float64(x)
	case int32:
		f = float64(x)
	default:
		return 0, false
	}
	return f, !math.IsNaN(f) && !math.IsInf(f, 0)
}

// territory is a place a report can show: the région, a département or an
// EPCI.
type territory struct {
	Level, Code, Label string
}

// key is the value of the report's territory parameter: "departement-44".
func (t territory) key() string { return t.Level + "-" + t.Code }

// levelLabels are the French names of the levels of the "niveau" column.
var levelLabels = map[string]string{
	"lieu": "lieu", "commune": "commune", "epci": "EPCI", "departement": "département", "region": "région",
}

// reportLevels are the levels a reader can choose on a report, coarsest
// first, with the label of their group in the selector.
var reportLevels = []struct{ Level, Group string }{
	{"region", "Région"}, {"departement", "Départements"}, {"epci", "EPCI (intercommunalités)"},
}

// territoriesOf lists the territories that have at least one value in
// obs, at the levels a reader can choose: région, then départements by
// code, then EPCI by name.
func territoriesOf(obs ...[]observation) []territory {
	seen := map[string]bool{}
	var out []territory
	for _, list := range obs {
		for _, o := range list {
			t := territory{Level: o.Level, Code: o.Code, Label: o.Label}
			if _, ok := levelRank(o.Level); !ok || o.Code == "" || seen[t.key()] {
				continue
			}
			seen[t.key()] = true
			if t.Label == "" {
				t.Label = t.Code
			}
			out = append(out, t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, _ := levelRank(out[i].Level)
		rj, _ := levelRank(out[j].Level)
		if ri != rj {
			return ri < rj
		}
		if out[i].Level == "epci" {
			return sortKey(out[i].Label) < sortKey(out[j].Label)
		}
		return out[i].Code < out[j].Code
	})
	return out
}

func levelRank(level string) (int, bool) {
	for i, l := range reportLevels {
		if l.Level == level {
			return i, true
		}
	}
	return 0, false
}

// chooseTerritory returns the territory named by key, else the région (or
// the first territory); found is false when key named none.
func chooseTerritory(all []territory, key string) (t territory, found bool) {
	for _, c := range all {
		if c.key() == key {
			return c, true
		}
	}
	for _, c := range all {
		if c.Level == "region" {
			return c, key == ""
		}
	}
	if len(all) > 0 {
		return all[0], key == ""
	}
	return territory{Level: "region", Code: "52", Label: "Pays de la Loire"}, key == ""
}

// selection is what a report shows of one indicator for one territory.
type selection struct {
	all    []observation // every row of the indicator
	here   []observation // the rows of the territory
	latest string        // the latest period of the territory's rows ("" without periods)
}

func selectTerritory(obs []observation, t territory) selection {
	sel := selection{all: obs}
	for _, o := range obs {
		if o.Level == t.Level && o.Code == t.Code && o.HasValue {
			sel.here = append(sel.here, o)
			if o.Period > sel.latest {
				sel.latest = o.Period
			}
		}
	}
	return sel
}

// total is the all-categories row of the territory at the latest period.
func (s selection) total() (observation, bool) {
	for _, o := range s.here {
		if o.isTotal() && o.Period == s.latest {
			return o, true
		}
	}
	return observation{}, false
}

// breakdown is the rows of the territory at the latest period that have a
// category, largest value first.
func (s selection) breakdown() []observation {
	var out []observation
	for _, o := range s.here {
		if !o.isTotal() && o.Period == s.latest {
			out = append(out, o)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Value > out[j].Value })
	return out
}

// periods is the sorted list of periods of the territory's rows.
func (s selection) periods() []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range s.here {
		if o.Period != "" && !seen[o.Period] {
			seen[o.Period] = true
			out = append(out, o.Period)
		}
	}
	sort.Strings(out)
	return out
}

// departements is the all-categories value of each département at its
// latest period.
func (s selection) departements() []observation {
	return s.totalsOf(func(o observation) bool { return o.Level == "departement" })
}

// totalsOf is the all-categories value of each territory whose rows keep
// accepts, at the latest period of those rows, by code.
func (s selection) totalsOf(keep func(o observation) bool) []observation {
	latest := ""
	for _, o := range s.all {
		if keep(o) && o.isTotal() && o.HasValue && o.Period > latest {
			latest = o.Period
		}
	}
	var out []observation
	for _, o := range s.all {
		if keep(o) && o.isTotal() && o.HasValue && o.Period == latest {
			out = append(out, o)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// usesRural reports whether an indicator reads the rural class of the
// reference table of communes (its report must then quote the definition).
func usesRural(def *indicators.Definition) bool {
	return strings.Contains(strings.ToLower(def.SQL), "rural")
}
