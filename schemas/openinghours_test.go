package schemas

import (
	"fmt"
	"strings"
	"testing"
)

// TestOpeningHoursFormat checks the opening_hours string format on the
// national schema's horaires field: OSM values pass, French text is a type
// error naming the expected syntax.
func TestOpeningHoursFormat(t *testing.T) {
	s, err := Load("lieux-mediation-numerique")
	if err != nil {
		t.Fatal(err)
	}
	f := s.Fields[s.FieldIndex("horaires")]
	if f.Format != FormatOpeningHours {
		t.Fatalf("horaires format = %q, want %q", f.Format, FormatOpeningHours)
	}
	tbl, _ := s.NewTable(nil)
	cells := placeCells(s)
	hi := s.FieldIndex("horaires")
	cells[hi] = "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00"
	if _, errs := tbl.Row(2, 2, cells); len(errs) > 0 {
		t.Fatalf("OSM value refused: %v", errs)
	}
	cells[hi] = "Du lundi au vendredi 9h-17h"
	cells[s.FieldIndex("id")] = "l-2"
	_, errs := tbl.Row(3, 3, cells)
	if len(errs) != 1 || errs[0].Code != CodeTypeError || errs[0].Field != "horaires" {
		t.Fatalf("French value: errors %+v, want one type-error on horaires", errs)
	}
	want := "La valeur « Du lundi au vendredi 9h-17h » du champ « horaires » n'est pas un horaire au format OpenStreetMap (opening_hours) valide"
	if !strings.HasPrefix(errs[0].Message, want) {
		t.Errorf("message %q, want it to start with %q", errs[0].Message, want)
	}
}

// TestReplaceOnInput checks x-ligerdata-replace on formations_labels: the
// schema 1.0.2 spelling without a space and the agency's spelling are both
// accepted, and the agency's spelling is what the row holds.
func TestReplaceOnInput(t *testing.T) {
	s, err := Load("lieux-mediation-numerique")
	if err != nil {
		t.Fatal(err)
	}
	tbl, _ := s.NewTable(nil)
	cells := placeCells(s)
	fi := s.FieldIndex("formations_labels")
	const agency = "Étapes numériques (La Poste)"
	for i, in := range []string{"Étapes numériques(La Poste)", agency, "ORDI 3.0|Étapes numériques(La Poste)"} {
		cells[fi] = in
		cells[s.FieldIndex("id")] = fmt.Sprint("l-", i)
		values, errs := tbl.Row(2, 2, cells)
		if len(errs) > 0 {
			t.Errorf("%q refused: %v", in, errs)
			continue
		}
		if got := values[fi].(string); !strings.Contains(got, agency) || strings.Contains(got, "numériques(") {
			t.Errorf("%q published as %q, want the agency's spelling %q", in, got, agency)
		}
	}
	if _, err := Parse([]byte(`{"fields":[{"name":"a","x-ligerdata-replace":{"":"b"}}]}`)); err == nil {
		t.Error("an empty key in x-ligerdata-replace was accepted")
	}
}

// placeCells is a row of the national schema with its required fields.
func placeCells(s *Schema) []string {
	cells := make([]string, len(s.Fields))
	for i, name := range []string{"id", "pivot", "nom", "commune", "code_postal", "adresse", "date_maj"} {
		cells[s.FieldIndex(name)] = []string{"l-1", "00000000000000", "Lieu", "Nantes", "44000", "1 rue A", "2024-01-02"}[i]
	}
	return cells
}

// The verdict cache answers as the check does, for a text seen again, past
// its capacity (it starts over) and for a text too long to be kept; the
// check runs once per kept text.
func TestVerdictCache(t *testing.T) {
	calls := map[string]int{}
	c := &verdictCache{check: func(s string) bool { calls[s]++; return strings.HasPrefix(s, "ok") }, max: 2}
	long := "ok" + strings.Repeat("x", maxCachedText)
	for round := range 2 {
		for _, tc := range []struct {
			s    string
			want bool
		}{{"ok 1", true}, {"non", false}, {"ok 1", true}, {long, true}, {"non", false}} {
			if got := c.valid(tc.s); got != tc.want {
				t.Errorf("round %d: valid(%.10q) = %v, want %v", round, tc.s, got, tc.want)
			}
		}
	}
	// Round 1 starts with "ok 1" and "non" kept; the long text is never kept.
	if calls["ok 1"] != 1 || calls["non"] != 1 || calls[long] != 2 {
		t.Errorf("checks run: ok 1 %d, non %d, long %d; want 1, 1, 2", calls["ok 1"], calls["non"], calls[long])
	}
	c.valid("third") // capacity 2: starts over
	if c.valid("ok 1"); calls["ok 1"] != 2 {
		t.Errorf("after the cache started over, ok 1 checked %d times, want 2", calls["ok 1"])
	}
}
