package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/ligerdata/ligerdata/schemas"
)

func TestCanonicalText(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"float shortest", string(appendFloat(nil, 0.1)), "0.1"},
		{"float no exponent", string(appendFloat(nil, 1e21)), "1000000000000000000000"},
		{"float small", string(appendFloat(nil, 0.000001)), "0.000001"},
		{"float NaN", string(appendFloat(nil, math.NaN())), "NaN"},
		{"float -Inf", string(appendFloat(nil, math.Inf(-1))), "-INF"},
		{"time midnight", string(appendTimeOfDay(nil, 0)), "00:00:00"},
		{"time micro", string(appendTimeOfDay(nil, 23*time.Hour+59*time.Minute+59*time.Second+time.Microsecond)), "23:59:59.000001"},
		{"time trims zeros", string(appendTimeOfDay(nil, 10*time.Hour+120*time.Millisecond)), "10:00:00.12"},
		{"geopoint default", string(appendGeopoint(nil, [2]float64{-0.5, 47.25}, "")), "-0.5,47.25"},
		{"geopoint array", string(appendGeopoint(nil, [2]float64{-0.5, 47.25}, "array")), "[-0.5,47.25]"},
		{"geopoint object", string(appendGeopoint(nil, [2]float64{-0.5, 47.25}, "object")), `{"lon":-0.5,"lat":47.25}`},
		{"text date", string(appendText(nil, day1)), "2026-11-27"},
		{"text datetime", string(appendText(nil, ts1)), "2026-11-27T15:21:00Z"},
		{"text datetime non-UTC", string(appendText(nil, time.Date(2026, 6, 1, 12, 0, 0, 0, time.FixedZone("CEST", 7200)))), "2026-06-01T10:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestListEncoding(t *testing.T) {
	tests := []struct {
		name     string
		itemType string
		delim    string
		value    schemas.Value
		wantCSV  string
		wantJSON string
	}{
		{"strings default delimiter", "string", "", []schemas.Value{"a", "b c"}, "a,b c", `["a","b c"]`},
		{"integers semicolon", "integer", ";", []schemas.Value{int64(1), int64(-2)}, "1;-2", `[1,-2]`},
		{"dates", "date", "|", []schemas.Value{day1, time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC)}, "2026-11-27|2000-02-29", `["2026-11-27","2000-02-29"]`},
		{"with missing item", "number", ",", []schemas.Value{1.5, nil}, "1.5,", `[1.5,null]`},
		{"empty", "string", ",", []schemas.Value{}, "", `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := fmt.Sprintf(`{"fields":[{"name":"l","type":"list","itemType":%q,"delimiter":%q}]}`, tt.itemType, tt.delim)
			s := &schemas.Schema{Fields: []schemas.Field{{Name: "l", Type: "list", ItemType: tt.itemType}}, Raw: json.RawMessage(raw)}
			p, err := newPlan(s)
			if err != nil {
				t.Fatal(err)
			}
			rec := make([]string, 1)
			var scratch []byte
			if err := p.csvRecord(rec, []schemas.Value{tt.value}, &scratch); err != nil {
				t.Fatal(err)
			}
			if rec[0] != tt.wantCSV {
				t.Errorf("csv %q, want %q", rec[0], tt.wantCSV)
			}
			// Parquet: a LIST, one value per item (one null for an empty
			// list), read back as the list.
			row, err := p.parquetRow([]schemas.Value{tt.value}, &scratch, nil)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(tt.value.([]schemas.Value)); len(row) != max(n, 1) {
				t.Errorf("parquet row of %d values for %d items", len(row), n)
			}
			back, err := p.columns[0].decode([][]parquet.Value{row}, false)
			if err != nil || !reflect.DeepEqual(back, tt.value) {
				t.Errorf("parquet read back %#v (%v), want %#v", back, err, tt.value)
			}
			// The JSON text of the list (GeoJSON properties, older releases).
			js, err := appendJSON(nil, tt.value)
			if err != nil || string(js) != tt.wantJSON || !json.Valid(js) {
				t.Errorf("json %s (%v), want %s", js, err, tt.wantJSON)
			}
		})
	}
}

func TestPlanRejectsBadSchemas(t *testing.T) {
	tests := []struct {
		name   string
		schema *schemas.Schema
	}{
		{"nil", nil},
		{"no fields", &schemas.Schema{Name: "vide"}},
		{"duplicate", &schemas.Schema{Fields: []schemas.Field{{Name: "a", Type: "string"}, {Name: "a", Type: "integer"}}}},
		{"unnamed", &schemas.Schema{Fields: []schemas.Field{{Type: "string"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := newPlan(tt.schema); err == nil {
				t.Error("newPlan should fail")
			}
		})
	}
}

// FuzzCSVEncoding checks that the canonical CSV text of strings, numbers,
// integers and times of day reads back to the same values, and that the
// parquet value of a string is its bytes.
func FuzzCSVEncoding(f *testing.F) {
	f.Add("01000", 12.5, int64(42), int64(54_245_000_000))
	f.Add("Nantes, \"centre\"\nligne 2", -0.000123, int64(-7), int64(0))
	f.Add("Saint-Nazaire;44600", 1e21, int64(math.MaxInt64), int64(86_399_999_999))
	f.Add("", math.Inf(1), int64(math.MinInt64), int64(1))
	f.Add("\xff\xfe invalide", math.NaN(), int64(0), int64(500_000))
	s := &schemas.Schema{Fields: []schemas.Field{
		{Name: "s", Type: "string"}, {Name: "n", Type: "number"}, {Name: "i", Type: "integer"}, {Name: "t", Type: "time"},
	}}
	p, err := newPlan(s)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, str string, num float64, n int64, us int64) {
		us = ((us % 86_400_000_000) + 86_400_000_000) % 86_400_000_000
		vals := []schemas.Value{str, num, n, time.Duration(us) * time.Microsecond}
		rec := make([]string, 4)
		var scratch []byte
		if err := p.csvRecord(rec, vals, &scratch); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Write(rec)
		w.Flush()
		got, err := csv.NewReader(&buf).Read()
		if err != nil {
			t.Fatalf("csv read back: %v", err)
		}
		// encoding/csv's reader normalises \r\n inside quoted fields: compare
		// the other strings only.
		if got[0] != str && !strings.Contains(str, "\r") {
			t.Errorf("string %q read back as %q", str, got[0])
		}
		f, err := strconv.ParseFloat(strings.NewReplacer("INF", "Inf").Replace(got[1]), 64)
		if err != nil || (f != num && !(math.IsNaN(f) && math.IsNaN(num))) {
			t.Errorf("number %v written %q read back %v (%v)", num, got[1], f, err)
		}
		if strings.ContainsAny(got[1], "eE") && !math.IsInf(num, 0) {
			t.Errorf("number %v written with an exponent: %q", num, got[1])
		}
		if i, err := strconv.ParseInt(got[2], 10, 64); err != nil || i != n {
			t.Errorf("integer %d read back %d (%v)", n, i, err)
		}
		hms, frac, _ := strings.Cut(got[3], ".")
		clock, err := time.Parse(time.TimeOnly, hms)
		if err != nil {
			t.Fatalf("time %q: %v", got[3], err)
		}
		back := int64(clock.Hour()*3600+clock.Minute()*60+clock.Second()) * 1e6
		if frac != "" {
			fv, err := strconv.ParseInt((frac + "000000")[:6], 10, 64)
			if err != nil || strings.HasSuffix(frac, "0") {
				t.Fatalf("time fraction %q", frac)
			}
			back += fv
		}
		if back != us {
			t.Errorf("time %dµs written %q read back %dµs", us, got[3], back)
		}
		row, err := p.parquetRow(vals, &scratch, nil)
		if err != nil {
			t.Fatal(err)
		}
		leaf, _ := p.schema.Lookup("s")
		if string(row[leaf.ColumnIndex].ByteArray()) != str {
			t.Errorf("parquet string %q", row[leaf.ColumnIndex].ByteArray())
		}
	})
}

// FuzzCheckName checks that every accepted dataset or release id stays one
// served path segment under its parent folder.
func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"communes", "20261127T152100Z-3f9a", "..", ".staging-x", "a/b", "latest", `a\b`, "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if checkName(name) != nil {
			return
		}
		joined := filepath.Join("/pub/datasets", name)
		if filepath.Dir(joined) != "/pub/datasets" || filepath.Base(joined) != name || strings.HasPrefix(name, ".") || name == "latest" {
			t.Errorf("name %q accepted but resolves to %q", name, joined)
		}
	})
}

// nationalShape returns a schema shaped like the national "lieux de
// médiation numérique" schema (32 columns, mostly strings) and one row.
func nationalShape() (*schemas.Schema, []schemas.Value) {
	s := &schemas.Schema{Name: "lieux-mediation-numerique"}
	var row []schemas.Value
	for i := range 32 {
		f := schemas.Field{Name: fmt.Sprintf("champ_%02d", i), Type: "string"}
		var v schemas.Value = fmt.Sprintf("Valeur texte du champ %d, Pays de la Loire", i)
		switch i {
		case 3:
			v = "44109"
		case 10, 11:
			f.Type = "number"
			v = 47.2184 - float64(i)/10
		case 20, 21:
			f.Type = "date"
			v = day1
		case 25:
			v = nil
		}
		s.Fields = append(s.Fields, f)
		row = append(row, v)
	}
	return s, row
}

func BenchmarkAppend(b *testing.B) {
	s, row := nationalShape()
	p, err := newPlan(s)
	if err != nil {
		b.Fatal(err)
	}
	rec := make([]string, len(row))
	var scratch []byte
	if err := p.csvRecord(rec, row, &scratch); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(rec)
	w.Flush()
	b.SetBytes(int64(buf.Len()))
	r, err := NewRelease(b.TempDir(), testMeta("bench"), s, "20261127T152100Z-bench", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Abort()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := r.Append(row); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := r.Commit(Quality{}); err != nil {
		b.Fatal(err)
	}
}
