package schemas

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func FuzzReadCSV(f *testing.F) {
	valid, err := os.ReadFile(filepath.Join("testdata", "lieux-mediation-numerique-valide.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(valid), uint8(0))
	f.Add("id,nom,cp\n1,A,44000\n2,\"B\nC\",49000\n", uint8(1))
	f.Add("id;nom;cp\r\n1;A;44000\r\n1;\"x\"\"y\";4\r\n", uint8(2))
	f.Add("\ufeffid,nom\n1,\"unclosed\n2,B\n", uint8(0))
	f.Add("id,nom,cp\n1,B\"x,49000\n\n,,\n3,\xff,1\n", uint8(1))
	national := loadNational(f)
	small := simpleSchema(f)
	f.Fuzz(func(t *testing.T, data string, mode uint8) {
		s := small
		if mode&1 == 1 {
			s = national
		}
		d := DefaultDialect()
		if mode&2 == 2 {
			d.Delimiter = 0
		}
		if mode&4 == 4 {
			d.Header = false
		}
		rows, lastRow, lastLine := 0, 0, 0
		sum, err := ReadCSV(context.Background(), strings.NewReader(data), d, s, func(r RowResult) error {
			rows++
			if r.Row <= lastRow || r.Line <= lastLine {
				t.Fatalf("row %d line %d after row %d line %d", r.Row, r.Line, lastRow, lastLine)
			}
			lastRow, lastLine = r.Row, r.Line
			if len(r.Values) != len(s.Fields) {
				t.Fatalf("%d values for %d fields", len(r.Values), len(s.Fields))
			}
			for _, e := range r.Errors {
				if e.Code == "" || e.Message == "" || e.Row != r.Row {
					t.Fatalf("bad error %+v in row %d", e, r.Row)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("ReadCSV: %v", err)
		}
		if sum.Read != sum.Valid+sum.Invalid || sum.Read != rows {
			t.Fatalf("accounting: %+v for %d rows", sum, rows)
		}
		if lines := strings.Count(data, "\n") + 1; rows > lines {
			t.Fatalf("%d rows from %d lines", rows, lines)
		}
	})
}

// fuzzRecast casts cell with a one-field schema; when it casts, formatting
// the value and casting again must give the same value.
func fuzzRecast(t *testing.T, s *Schema, cell string) {
	tab, _ := s.NewTable(nil)
	vals, errs := tab.Row(2, 2, []string{cell, "x"})
	if len(errs) != 0 {
		return
	}
	v := vals[0]
	if v == nil {
		return
	}
	formatted := s.Fields[0].FormatValue(v)
	again, errs := tab.Row(3, 3, []string{formatted, "x"})
	if len(errs) != 0 {
		t.Fatalf("%q cast to %#v, formatted %q does not cast: %v", cell, v, formatted, errs)
	}
	if fv, ok := v.(float64); ok && math.IsNaN(fv) {
		if g, ok := again[0].(float64); !ok || !math.IsNaN(g) {
			t.Fatalf("NaN re-cast to %#v", again[0])
		}
		return
	}
	if !reflect.DeepEqual(again[0], v) {
		t.Fatalf("%q cast to %#v, formatted %q re-casts to %#v", cell, v, formatted, again[0])
	}
}

func fuzzSchemas(t testing.TB, typ string, formats []string) []*Schema {
	var out []*Schema
	for _, f := range formats {
		s, err := Parse([]byte(`{"fields":[{"name":"f","type":"` + typ + `",` + f + `},{"name":"pad"}]}`))
		if err != nil {
			t.Fatalf("%s %s: %v", typ, f, err)
		}
		out = append(out, s)
	}
	return out
}

func FuzzCastDate(f *testing.F) {
	for _, seed := range []string{"2024-04-02", "02/04/2024", "31/02/2024", "20240229", "2/4/24", "14 juillet 1789",
		"2024-04-02T10:20:30+02:00", "02/04/2024 13:45", "29/02/2023", "0000-01-01", "9999-12-31T23:59:59Z"} {
		f.Add(seed)
	}
	dates := fuzzSchemas(f, "date", []string{`"format":"default"`, `"format":"any"`, `"format":"%d/%m/%Y"`,
		`"format":"%Y%m%d"`, `"format":"%d/%m/%y"`, `"format":"%d %B %Y"`, `"format":"%j/%Y"`})
	datetimes := fuzzSchemas(f, "datetime", []string{`"format":"default"`, `"format":"any"`,
		`"format":"%d/%m/%Y %H:%M:%S"`, `"format":"%Y-%m-%d %I:%M %p%z"`})
	times := fuzzSchemas(f, "time", []string{`"format":"default"`, `"format":"any"`, `"format":"%Hh%M"`})
	all := append(append(dates, datetimes...), times...)
	f.Fuzz(func(t *testing.T, cell string) {
		for _, s := range all {
			fuzzRecast(t, s, cell)
		}
	})
}

func FuzzCastNumber(f *testing.F) {
	for _, seed := range []string{"43.52609", "-1.5e3", "1 234,5", "€ 12,5", "95%", "NaN", "-INF", "1.234.567,25", ".5", "7", "+0"} {
		f.Add(seed)
	}
	all := fuzzSchemas(f, "number", []string{`"decimalChar":"."`, `"decimalChar":",","groupChar":" "`,
		`"decimalChar":",","groupChar":".","bareNumber":false`, `"bareNumber":false`})
	all = append(all, fuzzSchemas(f, "integer", []string{`"groupChar":""`, `"groupChar":" ","bareNumber":false`})...)
	f.Fuzz(func(t *testing.T, cell string) {
		for _, s := range all {
			fuzzRecast(t, s, cell)
		}
	})
}
