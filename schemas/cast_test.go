package schemas

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// oneField parses a schema made of the single field described by fieldJSON.
func oneField(t testing.TB, fieldJSON string) *Schema {
	t.Helper()
	s, err := Parse([]byte(`{"fields": [` + fieldJSON + `]}`))
	if err != nil {
		t.Fatalf("Parse(%s): %v", fieldJSON, err)
	}
	return s
}

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func TestCast(t *testing.T) {
	const reject = "REJECT"
	cases := []struct {
		name  string
		field string
		cell  string
		want  any // reject for a type-error
	}{
		// string and formats
		{"string", `{"name":"f"}`, "Reims", "Reims"},
		{"email ok", `{"name":"f","format":"email"}`, "contact@exemple.fr", "contact@exemple.fr"},
		{"email no at", `{"name":"f","format":"email"}`, "contact.exemple.fr", reject},
		{"email two at", `{"name":"f","format":"email"}`, "a@b@c.fr", reject},
		{"email space", `{"name":"f","format":"email"}`, "a b@c.fr", reject},
		{"uri ok", `{"name":"f","format":"uri"}`, "https://www.paysdelaloire.fr/x?y=1", "https://www.paysdelaloire.fr/x?y=1"},
		{"uri relative", `{"name":"f","format":"uri"}`, "www.exemple.fr", reject},
		{"binary ok", `{"name":"f","format":"binary"}`, "aGVsbG8=", "aGVsbG8="},
		{"binary bad", `{"name":"f","format":"binary"}`, "aGVsbG8", reject},
		{"uuid ok", `{"name":"f","format":"uuid"}`, "123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-426614174000"},
		{"uuid bad", `{"name":"f","format":"uuid"}`, "123e4567e89b12d3a456426614174000", reject},
		// number
		{"number plain", `{"name":"f","type":"number"}`, "43.52609", 43.52609},
		{"number negative exp", `{"name":"f","type":"number"}`, "-1.5e3", -1500.0},
		{"number leading dot", `{"name":"f","type":"number"}`, ".5", 0.5},
		{"number NaN", `{"name":"f","type":"number"}`, "NaN", math.NaN()},
		{"number INF", `{"name":"f","type":"number"}`, "INF", math.Inf(1)},
		{"number -INF", `{"name":"f","type":"number"}`, "-INF", math.Inf(-1)},
		{"number comma rejected by default", `{"name":"f","type":"number"}`, "12,5", reject},
		{"number hex rejected", `{"name":"f","type":"number"}`, "0x10", reject},
		{"number underscore rejected", `{"name":"f","type":"number"}`, "1_000", reject},
		{"number spaces rejected", `{"name":"f","type":"number"}`, " 12", reject},
		{"number empty exponent", `{"name":"f","type":"number"}`, "1e", reject},
		{"number decimal comma", `{"name":"f","type":"number","decimalChar":","}`, "12,5", 12.5},
		{"number decimal comma rejects dot", `{"name":"f","type":"number","decimalChar":","}`, "12.5", reject},
		{"number group and decimal", `{"name":"f","type":"number","decimalChar":",","groupChar":"."}`, "1.234.567,25", 1234567.25},
		{"number space group nbsp", `{"name":"f","type":"number","decimalChar":",","groupChar":" "}`, "1\u00a0234,5", 1234.5},
		{"number not bare euro", `{"name":"f","type":"number","decimalChar":",","bareNumber":false}`, "€ 12,5", 12.5},
		{"number not bare percent", `{"name":"f","type":"number","bareNumber":false}`, "95%", 95.0},
		{"number not bare negative", `{"name":"f","type":"number","bareNumber":false}`, "-3.5 m", -3.5},
		{"number bare rejects percent", `{"name":"f","type":"number"}`, "95%", reject},
		{"number not bare nothing left", `{"name":"f","type":"number","bareNumber":false}`, "€", reject},
		// integer
		{"integer", `{"name":"f","type":"integer"}`, "44000", int64(44000)},
		{"integer signed", `{"name":"f","type":"integer"}`, "-7", int64(-7)},
		{"integer decimal rejected", `{"name":"f","type":"integer"}`, "1.0", reject},
		{"integer overflow", `{"name":"f","type":"integer"}`, "99999999999999999999", reject},
		{"integer group", `{"name":"f","type":"integer","groupChar":" "}`, "1 234 567", int64(1234567)},
		{"integer not bare", `{"name":"f","type":"integer","bareNumber":false}`, "1200 habitants", int64(1200)},
		// boolean
		{"boolean true", `{"name":"f","type":"boolean"}`, "TRUE", true},
		{"boolean 0", `{"name":"f","type":"boolean"}`, "0", false},
		{"boolean oui default rejected", `{"name":"f","type":"boolean"}`, "oui", reject},
		{"boolean custom", `{"name":"f","type":"boolean","trueValues":["oui","Oui"],"falseValues":["non"]}`, "Oui", true},
		{"boolean custom replaces default", `{"name":"f","type":"boolean","trueValues":["oui"],"falseValues":["non"]}`, "true", reject},
		// object, array
		{"object", `{"name":"f","type":"object"}`, `{ "a" : 1 }`, json.RawMessage(`{"a":1}`)},
		{"object not array", `{"name":"f","type":"object"}`, `[1]`, reject},
		{"object invalid", `{"name":"f","type":"object"}`, `{"a":}`, reject},
		{"array", `{"name":"f","type":"array"}`, `[1, "b"]`, json.RawMessage(`[1,"b"]`)},
		{"array not object", `{"name":"f","type":"array"}`, `{}`, reject},
		// list
		{"list strings", `{"name":"f","type":"list"}`, "a,b,c", []Value{"a", "b", "c"}},
		{"list pipe integers", `{"name":"f","type":"list","delimiter":"|","itemType":"integer"}`, "1|2|3", []Value{int64(1), int64(2), int64(3)}},
		{"list bad item", `{"name":"f","type":"list","itemType":"integer"}`, "1,x", reject},
		{"list dates", `{"name":"f","type":"list","itemType":"date"}`, "2024-01-02,2024-03-04", []Value{date(2024, 1, 2), date(2024, 3, 4)}},
		// date
		{"date default", `{"name":"f","type":"date"}`, "2024-04-02", date(2024, 4, 2)},
		{"date default leap", `{"name":"f","type":"date"}`, "2024-02-29", date(2024, 2, 29)},
		{"date default not leap", `{"name":"f","type":"date"}`, "2023-02-29", reject},
		{"date default 31/02", `{"name":"f","type":"date"}`, "31/02/2024", reject},
		{"date default month 13", `{"name":"f","type":"date"}`, "2024-13-01", reject},
		{"date pattern dmy", `{"name":"f","type":"date","format":"%d/%m/%Y"}`, "02/04/2024", date(2024, 4, 2)},
		{"date pattern single digits", `{"name":"f","type":"date","format":"%d/%m/%Y"}`, "2/4/2024", date(2024, 4, 2)},
		{"date pattern 31/02", `{"name":"f","type":"date","format":"%d/%m/%Y"}`, "31/02/2024", reject},
		{"date pattern trailing", `{"name":"f","type":"date","format":"%d/%m/%Y"}`, "02/04/2024x", reject},
		{"date pattern compact", `{"name":"f","type":"date","format":"%Y%m%d"}`, "20240402", date(2024, 4, 2)},
		{"date pattern short year 20xx", `{"name":"f","type":"date","format":"%d/%m/%y"}`, "02/04/24", date(2024, 4, 2)},
		{"date pattern short year 19xx", `{"name":"f","type":"date","format":"%d/%m/%y"}`, "02/04/98", date(1998, 4, 2)},
		{"date pattern month name fr", `{"name":"f","type":"date","format":"%d %B %Y"}`, "14 juillet 1789", date(1789, 7, 14)},
		{"date pattern month abbr en", `{"name":"f","type":"date","format":"%d %b %Y"}`, "14 Jul 1789", date(1789, 7, 14)},
		{"date pattern with time", `{"name":"f","type":"date","format":"%d/%m/%Y %H:%M"}`, "02/04/2024 13:45", date(2024, 4, 2)},
		{"date pattern bad hour", `{"name":"f","type":"date","format":"%d/%m/%Y %H:%M"}`, "02/04/2024 25:45", reject},
		{"date any iso", `{"name":"f","type":"date","format":"any"}`, "2024-04-02", date(2024, 4, 2)},
		{"date any french", `{"name":"f","type":"date","format":"any"}`, "02/04/2024", date(2024, 4, 2)},
		{"date any impossible", `{"name":"f","type":"date","format":"any"}`, "31/02/2024", reject},
		// datetime
		{"datetime Z", `{"name":"f","type":"datetime"}`, "2024-04-02T10:20:30Z", time.Date(2024, 4, 2, 10, 20, 30, 0, time.UTC)},
		{"datetime offset", `{"name":"f","type":"datetime"}`, "2024-04-02T10:20:30+02:00", time.Date(2024, 4, 2, 8, 20, 30, 0, time.UTC)},
		{"datetime fraction", `{"name":"f","type":"datetime"}`, "2024-04-02T10:20:30.25Z", time.Date(2024, 4, 2, 10, 20, 30, 250000000, time.UTC)},
		{"datetime no zone", `{"name":"f","type":"datetime"}`, "2024-04-02T10:20:30", time.Date(2024, 4, 2, 10, 20, 30, 0, time.UTC)},
		{"datetime space rejected", `{"name":"f","type":"datetime"}`, "2024-04-02 10:20:30", reject},
		{"datetime bad minute", `{"name":"f","type":"datetime"}`, "2024-04-02T10:60:30Z", reject},
		{"datetime pattern", `{"name":"f","type":"datetime","format":"%d/%m/%Y %H:%M"}`, "02/04/2024 10:20", time.Date(2024, 4, 2, 10, 20, 0, 0, time.UTC)},
		{"datetime pattern pm", `{"name":"f","type":"datetime","format":"%Y-%m-%d %I:%M %p"}`, "2024-04-02 01:20 PM", time.Date(2024, 4, 2, 13, 20, 0, 0, time.UTC)},
		{"datetime any french", `{"name":"f","type":"datetime","format":"any"}`, "02/04/2024 10:20:30", time.Date(2024, 4, 2, 10, 20, 30, 0, time.UTC)},
		// time
		{"time default", `{"name":"f","type":"time"}`, "14:30:05", 14*time.Hour + 30*time.Minute + 5*time.Second},
		{"time default no seconds", `{"name":"f","type":"time"}`, "14:30", reject},
		{"time bad hour", `{"name":"f","type":"time"}`, "24:00:00", reject},
		{"time pattern", `{"name":"f","type":"time","format":"%Hh%M"}`, "9h05", 9*time.Hour + 5*time.Minute},
		{"time any", `{"name":"f","type":"time","format":"any"}`, "09:05", 9*time.Hour + 5*time.Minute},
		// year, yearmonth, duration
		{"year", `{"name":"f","type":"year"}`, "2024", int64(2024)},
		{"year too short", `{"name":"f","type":"year"}`, "24", reject},
		{"year not number", `{"name":"f","type":"year"}`, "20x4", reject},
		{"yearmonth", `{"name":"f","type":"yearmonth"}`, "2024-04", "2024-04"},
		{"yearmonth month 13", `{"name":"f","type":"yearmonth"}`, "2024-13", reject},
		{"yearmonth short", `{"name":"f","type":"yearmonth"}`, "2024-4", reject},
		{"duration full", `{"name":"f","type":"duration"}`, "P1Y2M3DT4H5M6S", "P1Y2M3DT4H5M6S"},
		{"duration weeks", `{"name":"f","type":"duration"}`, "P2W", "P2W"},
		{"duration fraction seconds", `{"name":"f","type":"duration"}`, "PT0.5S", "PT0.5S"},
		{"duration empty", `{"name":"f","type":"duration"}`, "P", reject},
		{"duration empty time", `{"name":"f","type":"duration"}`, "P1DT", reject},
		{"duration wrong order", `{"name":"f","type":"duration"}`, "P1D2Y", reject},
		{"duration fraction days", `{"name":"f","type":"duration"}`, "P1.5D", reject},
		// geopoint
		{"geopoint default", `{"name":"f","type":"geopoint"}`, "-1.55, 47.21", [2]float64{-1.55, 47.21}},
		{"geopoint default no space", `{"name":"f","type":"geopoint"}`, "-1.55,47.21", [2]float64{-1.55, 47.21}},
		{"geopoint lat out of range", `{"name":"f","type":"geopoint"}`, "47.21, -100", reject},
		{"geopoint lon out of range", `{"name":"f","type":"geopoint"}`, "200, 47", reject},
		{"geopoint array", `{"name":"f","type":"geopoint","format":"array"}`, "[-1.55, 47.21]", [2]float64{-1.55, 47.21}},
		{"geopoint array three", `{"name":"f","type":"geopoint","format":"array"}`, "[1, 2, 3]", reject},
		{"geopoint object", `{"name":"f","type":"geopoint","format":"object"}`, `{"lon": -1.55, "lat": 47.21}`, [2]float64{-1.55, 47.21}},
		{"geopoint object missing lat", `{"name":"f","type":"geopoint","format":"object"}`, `{"lon": -1.55}`, reject},
		// geojson
		{"geojson point", `{"name":"f","type":"geojson"}`, `{"type": "Point", "coordinates": [-1.55, 47.21]}`, json.RawMessage(`{"type":"Point","coordinates":[-1.55,47.21]}`)},
		{"geojson no type", `{"name":"f","type":"geojson"}`, `{"coordinates": [1, 2]}`, reject},
		{"geojson unknown type", `{"name":"f","type":"geojson"}`, `{"type": "Circle"}`, reject},
		{"topojson", `{"name":"f","type":"geojson","format":"topojson"}`, `{"type": "Topology", "objects": {}}`, json.RawMessage(`{"type":"Topology","objects":{}}`)},
		// any
		{"any", `{"name":"f","type":"any"}`, "n'importe quoi", "n'importe quoi"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := oneField(t, tc.field)
			tab, _ := s.NewTable(nil)
			values, errs := tab.Row(2, 2, []string{tc.cell})
			if tc.want == reject {
				if len(errs) != 1 || errs[0].Code != CodeTypeError {
					t.Fatalf("cast %q: errs %v, want one type-error", tc.cell, errs)
				}
				if values[0] != nil {
					t.Errorf("value %v for a rejected cell, want nil", values[0])
				}
				if !strings.Contains(errs[0].Message, "« "+tc.cell+" »") || !strings.Contains(errs[0].Message, "« f »") {
					t.Errorf("message does not name value and field: %q", errs[0].Message)
				}
				return
			}
			if len(errs) != 0 {
				t.Fatalf("cast %q: unexpected errors %v", tc.cell, errs)
			}
			got := values[0]
			if w, ok := tc.want.(float64); ok && math.IsNaN(w) {
				if g, ok := got.(float64); !ok || !math.IsNaN(g) {
					t.Fatalf("got %#v, want NaN", got)
				}
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("cast %q = %#v (%T), want %#v (%T)", tc.cell, got, got, tc.want, tc.want)
			}
			// The formatted value casts back to the same value.
			f := &s.Fields[0]
			again, errs := tab.Row(3, 3, []string{f.FormatValue(got)})
			if len(errs) != 0 || !reflect.DeepEqual(again[0], tc.want) {
				t.Errorf("re-cast of %q: %#v, %v", f.FormatValue(got), again[0], errs)
			}
		})
	}
}

func TestMissingValues(t *testing.T) {
	cases := []struct {
		name    string
		schema  string
		cell    string
		missing bool
	}{
		{"default empty", `{"fields":[{"name":"f","type":"integer"}]}`, "", true},
		{"default NA is a value", `{"fields":[{"name":"f","type":"integer"}]}`, "NA", false},
		{"schema level NA", `{"fields":[{"name":"f","type":"integer"}],"missingValues":["","NA"]}`, "NA", true},
		{"field level overrides", `{"fields":[{"name":"f","type":"integer","missingValues":["-"]}],"missingValues":["","NA"]}`, "-", true},
		{"field level replaces schema", `{"fields":[{"name":"f","type":"integer","missingValues":["-"]}],"missingValues":["","NA"]}`, "NA", false},
		{"no missing values at all", `{"fields":[{"name":"f"}],"missingValues":[]}`, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse([]byte(tc.schema))
			if err != nil {
				t.Fatal(err)
			}
			tab, _ := s.NewTable(nil)
			// A second, non-blank column keeps the row from being blank.
			vals, errs := tab.Row(2, 2, []string{tc.cell})
			if tc.cell == "" && tc.missing {
				if len(errs) != 1 || errs[0].Code != CodeBlankRow {
					t.Fatalf("errs %v, want blank-row", errs)
				}
				return
			}
			if tc.missing {
				if vals[0] != nil || len(errs) != 0 {
					t.Fatalf("value %#v errs %v, want missing", vals[0], errs)
				}
				return
			}
			if vals[0] == nil && len(errs) == 0 {
				t.Fatalf("cell %q treated as missing", tc.cell)
			}
		})
	}
}
