package pipelines

import (
	"encoding/json"
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/connectors/all"
)

func registryForTests() *connectors.Registry { return all.Registry() }

func TestPhoneFR(t *testing.T) {
	tests := []struct{ in, want string }{
		{"02 40 41 90 00", "+33240419000"},
		{"02.40.41.90.00", "+33240419000"},
		{"0240419000", "+33240419000"},
		{"+33 2 40 41 90 00", "+33240419000"},
		{"+33 (0)2 40 41 90 00", "+33240419000"},
		{"0033 2 40 41 90 00", "+33240419000"},
		{"+262 262 12 34 56", "+262262123456"},
		{"02 40 41 90", "02 40 41 90"}, // too short: kept for the schema to reject
		{"poste 12", "poste 12"},
		{"0261911734 (accueil mairie)", "+33261911734"},
		{"02 40 41 90 00 ou 02 40 41 90 01", "02 40 41 90 00 ou 02 40 41 90 01"}, // two numbers: the steward chooses       // not a number: kept
		{"", ""},
	}
	for _, tt := range tests {
		if got := phoneFR(tt.in); got != tt.want {
			t.Errorf("phoneFR(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStripHTMLAndTruncate(t *testing.T) {
	if got := stripHTML("<p>12 rue de l&#39;Église<br/>44000 Nantes</p>"); got != "12 rue de l'Église 44000 Nantes" {
		t.Errorf("stripHTML: %q", got)
	}
	long := ""
	for i := 0; i < 400; i++ {
		long += "é"
	}
	got := truncate(long, 280)
	if n := utf8.RuneCountInString(got); n != 280 {
		t.Errorf("truncate to 280 runes gave %d", n)
	}
	if truncate("court", 280) != "court" {
		t.Error("a short text must not change")
	}
}

func TestFieldMapApply(t *testing.T) {
	otherwise := "Autre"
	tests := []struct {
		name string
		fm   FieldMap
		rec  map[string]any
		want string
	}{
		{"first non-empty source", FieldMap{From: []string{"a", "b"}}, map[string]any{"a": " ", "b": "x"}, "x"},
		{"list joined with pipe", FieldMap{From: []string{"l"}}, map[string]any{"l": []any{"A", "", "B"}}, "A|B"},
		{"json number", FieldMap{From: []string{"n"}}, map[string]any{"n": json.Number("47.21")}, "47.21"},
		{"regex group", FieldMap{From: []string{"t"}, Regex: `(\d{5})`}, map[string]any{"t": "2 rue X 44000 Nantes"}, "44000"},
		{"regex no match gives default", FieldMap{From: []string{"t"}, Regex: `(\d{5})`, Default: "?"}, map[string]any{"t": "Nantes"}, "?"},
		{"map each list item", FieldMap{From: []string{"l"}, Map: map[string]string{"fablab": "FABLAB", "epn": "EPN"}}, map[string]any{"l": []any{"epn", "fablab"}}, "EPN|FABLAB"},
		{"map otherwise", FieldMap{From: []string{"v"}, Map: map[string]string{"association": "ASSO"}, Otherwise: &otherwise}, map[string]any{"v": "club"}, "Autre"},
		{"map duplicates removed", FieldMap{From: []string{"l"}, Map: map[string]string{"a": "X", "b": "X"}}, map[string]any{"l": []any{"a", "b"}}, "X"},
		{"prefix only when present", FieldMap{From: []string{"id"}, Prefix: "ping-"}, map[string]any{"id": json.Number("12")}, "ping-12"},
		{"prefix absent value", FieldMap{From: []string{"id"}, Prefix: "ping-"}, map[string]any{}, ""},
		{"value with run date", FieldMap{Value: "{{run_date}}"}, nil, "2026-11-27"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm := tt.fm
			if fm.Regex != "" {
				fm.re = mustRegexp(t, fm.Regex)
			}
			if got, _ := fm.apply(tt.rec, "2026-11-27"); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseTransformErrors(t *testing.T) {
	for _, spec := range []string{"truncate", "truncate:x", "truncate:1", "replace:", "nope"} {
		if _, err := parseTransform(spec); err == nil {
			t.Errorf("parseTransform(%q) accepted", spec)
		}
	}
	for spec := range Transforms {
		concrete := map[string]string{"truncate:N": "truncate:10", "replace:A:B": "replace:a:b"}[spec]
		if concrete == "" {
			concrete = spec
		}
		if _, err := parseTransform(concrete); err != nil {
			t.Errorf("documented transform %q refused: %v", concrete, err)
		}
	}
}

func mustRegexp(t *testing.T, s string) *regexp.Regexp {
	t.Helper()
	re, err := regexp.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	return re
}
