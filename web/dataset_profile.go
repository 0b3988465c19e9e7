package web

import (
	"path/filepath"
	"strings"

	"github.com/ligerdata/ligerdata/internal/colprofile"
)

// profileRow is one column of the profile table of a dataset page.
type profileRow struct {
	Name, Title        string
	Filled, Nulls      string
	Distinct           string
	Min, Max           string
	Top                []string // "value (count)"
	AllDistinct, Empty bool
}

// profileView is the profile section of a dataset page.
type profileView struct {
	Rows string
	Cols []profileRow
}

// profileOf reads the column profile of a release (profile.json, written
// at publish time), titled by the schema; nil when the release has none.
func (s *site) profileOf(rel *release, fields []schemaField) *profileView {
	if _, ok := rel.sum(colprofile.FileName); !ok {
		return nil
	}
	p, err := colprofile.Read(filepath.Join(rel.Dir, colprofile.FileName))
	if err != nil {
		s.log.Warn("dataset page: profile unavailable", "dataset", rel.Dataset, "release", rel.Name, "err", err)
		return nil
	}
	titles := map[string]string{}
	for _, f := range fields {
		titles[f.Name] = f.Title
	}
	v := &profileView{Rows: frenchInt(p.Rows) + " " + plural(p.Rows, "ligne", "lignes")}
	for _, c := range p.Columns {
		row := profileRow{
			Name: c.Name, Title: titles[c.Name],
			Nulls:    frenchInt(c.Nulls),
			Filled:   percentOf(p.Rows-c.Nulls, p.Rows),
			Distinct: frenchInt(c.Distinct),
			Empty:    p.Rows > 0 && c.Nulls == p.Rows,
		}
		row.AllDistinct = c.Distinct > 1 && c.Distinct == p.Rows-c.Nulls
		if c.Min != nil {
			row.Min, row.Max = excerpt(*c.Min, 40), excerpt(*c.Max, 40)
		}
		for _, t := range c.Top {
			row.Top = append(row.Top, excerpt(t.Value, 40)+" ("+frenchInt(t.Count)+")")
		}
		v.Cols = append(v.Cols, row)
	}
	return v
}

// percentOf writes n/total as a French percentage with one decimal
// ("97,5 %"), "–" when total is zero.
func percentOf(n, total int64) string {
	if total == 0 {
		return "–"
	}
	tenths := (n*1000 + total/2) / total
	s := frenchInt(tenths/10) + "," + string(rune('0'+tenths%10)) + " %"
	return strings.Replace(s, ",0 %", " %", 1)
}
