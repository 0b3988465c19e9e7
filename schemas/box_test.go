package schemas

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

func TestStringBoxer(t *testing.T) {
	var b stringBoxer
	cases := []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"ascii", "Nantes"},
		{"accents", "Médiathèque de Saint-Nazaire"},
		{"long", strings.Repeat("Pays de la Loire ", 40)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := b.box(tc.in)
			var want Value = tc.in
			if v != want {
				t.Errorf("box(%q) = %#v, not equal to Value(%q)", tc.in, v, tc.in)
			}
			s, ok := v.(string)
			if !ok || s != tc.in {
				t.Errorf("box(%q).(string) = %q, %v", tc.in, s, ok)
			}
			switch x := v.(type) {
			case string:
				if x != tc.in {
					t.Errorf("type switch gives %q", x)
				}
			default:
				t.Errorf("type switch: %T", v)
			}
			if got := fmt.Sprint(v); got != tc.in {
				t.Errorf("fmt.Sprint = %q", got)
			}
		})
	}
}

// TestStringBoxerSurvivesGC keeps boxed values across many slabs and
// garbage collections: each must keep its own string.
func TestStringBoxerSurvivesGC(t *testing.T) {
	var b stringBoxer
	const n = 5*boxSlabLen + 17
	kept := make([]Value, 0, n)
	for i := range n {
		kept = append(kept, b.box(fmt.Sprintf("valeur-%d", i)))
		if i%boxSlabLen == 0 {
			runtime.GC()
		}
	}
	b = stringBoxer{}
	runtime.GC()
	m := map[Value]int{}
	for i, v := range kept {
		if want := fmt.Sprintf("valeur-%d", i); v != Value(want) {
			t.Fatalf("value %d = %#v, want %q", i, v, want)
		}
		m[v] = i
	}
	if len(m) != n || m[Value("valeur-42")] != 42 {
		t.Errorf("boxed values as map keys: %d entries, valeur-42 -> %d", len(m), m[Value("valeur-42")])
	}
}

// TestRowStringValuesOutliveTheRow keeps the string values of many rows, as
// the release writer does, and checks each against its cell.
func TestRowStringValuesOutliveTheRow(t *testing.T) {
	s, err := Parse([]byte(`{"fields":[{"name":"nom"},{"name":"n","type":"integer"},{"name":"a","type":"any"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	tab, _ := s.NewTable(nil)
	const rows = 3*boxSlabLen + 5
	kept := make([][]Value, 0, rows)
	for i := range rows {
		vals, errs := tab.Row(i+2, i+2, []string{fmt.Sprintf("lieu %d", i), fmt.Sprint(i), fmt.Sprintf("x%d", i)})
		if len(errs) > 0 {
			t.Fatalf("row %d: %v", i, errs)
		}
		kept = append(kept, append([]Value(nil), vals...))
	}
	runtime.GC()
	for i, vals := range kept {
		if vals[0] != Value(fmt.Sprintf("lieu %d", i)) || vals[1] != Value(int64(i)) || vals[2] != Value(fmt.Sprintf("x%d", i)) {
			t.Fatalf("row %d kept %#v", i, vals)
		}
	}
}
