package schemas

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestConstraints(t *testing.T) {
	cases := []struct {
		name       string
		field      string
		cell       string
		constraint string // "" when the cell is valid
	}{
		{"required ok", `{"name":"f","constraints":{"required":true}}`, "x", ""},
		{"minLength ok", `{"name":"f","constraints":{"minLength":3}}`, "été", ""},
		{"minLength runes not bytes", `{"name":"f","constraints":{"minLength":4}}`, "été", "minLength"},
		{"maxLength ok", `{"name":"f","constraints":{"maxLength":3}}`, "été", ""},
		{"maxLength exceeded", `{"name":"f","constraints":{"maxLength":2}}`, "été", "maxLength"},
		{"maxLength list items", `{"name":"f","type":"list","constraints":{"maxLength":2}}`, "a,b,c", "maxLength"},
		{"minLength list items ok", `{"name":"f","type":"list","constraints":{"minLength":2}}`, "a,b", ""},
		{"maxLength array items", `{"name":"f","type":"array","constraints":{"maxLength":1}}`, "[1,2]", "maxLength"},
		{"pattern whole value", `{"name":"f","constraints":{"pattern":"\\d{5}"}}`, "440000", "pattern"},
		{"pattern ok", `{"name":"f","constraints":{"pattern":"\\d{5}"}}`, "44000", ""},
		{"pattern alternation anchored", `{"name":"f","constraints":{"pattern":"a|b"}}`, "ab", "pattern"},
		{"pattern national multi ok", `{"name":"f","constraints":{"pattern":"(?:(?:^|\\|)(Gratuit|Gratuit sous condition|Payant))+$"}}`, "Gratuit sous condition|Payant", ""},
		{"pattern national multi bad", `{"name":"f","constraints":{"pattern":"(?:(?:^|\\|)(Gratuit|Gratuit sous condition|Payant))+$"}}`, "Gratuit|Cher", "pattern"},
		{"pattern national trailing pipe", `{"name":"f","constraints":{"pattern":"(?:(?:^|\\|)(Gratuit|Payant))+$"}}`, "Gratuit|", "pattern"},
		{"pattern on number raw cell", `{"name":"f","type":"integer","constraints":{"pattern":"\\d{3}"}}`, "1234", "pattern"},
		{"enum string ok", `{"name":"f","constraints":{"enum":["Fixe","Itinérant"]}}`, "Fixe", ""},
		{"enum string bad", `{"name":"f","constraints":{"enum":["Fixe","Itinérant"]}}`, "fixe", "enum"},
		{"enum integer logical", `{"name":"f","type":"integer","constraints":{"enum":[1,2]}}`, "+2", ""},
		{"enum integer bad", `{"name":"f","type":"integer","constraints":{"enum":[1,2]}}`, "3", "enum"},
		{"enum number from strings", `{"name":"f","type":"number","decimalChar":",","constraints":{"enum":["1,5", 2]}}`, "2,0", ""},
		{"enum date logical", `{"name":"f","type":"date","format":"%d/%m/%Y","constraints":{"enum":["01/02/2024"]}}`, "1/2/2024", ""},
		{"minimum integer ok", `{"name":"f","type":"integer","constraints":{"minimum":0}}`, "0", ""},
		{"minimum integer bad", `{"name":"f","type":"integer","constraints":{"minimum":0}}`, "-1", "minimum"},
		{"maximum number bad", `{"name":"f","type":"number","constraints":{"maximum":90}}`, "90.5", "maximum"},
		{"exclusiveMinimum equal", `{"name":"f","type":"number","constraints":{"exclusiveMinimum":0}}`, "0", "exclusiveMinimum"},
		{"exclusiveMaximum below", `{"name":"f","type":"integer","constraints":{"exclusiveMaximum":10}}`, "9", ""},
		{"exclusiveMaximum equal", `{"name":"f","type":"integer","constraints":{"exclusiveMaximum":10}}`, "10", "exclusiveMaximum"},
		{"minimum date", `{"name":"f","type":"date","constraints":{"minimum":"2020-01-01"}}`, "2019-12-31", "minimum"},
		{"maximum datetime", `{"name":"f","type":"datetime","constraints":{"maximum":"2024-01-01T00:00:00Z"}}`, "2024-01-01T00:30:00+01:00", ""},
		{"minimum time", `{"name":"f","type":"time","constraints":{"minimum":"08:00:00"}}`, "07:59:59", "minimum"},
		{"maximum year", `{"name":"f","type":"year","constraints":{"maximum":2025}}`, "2026", "maximum"},
		{"minimum yearmonth", `{"name":"f","type":"yearmonth","constraints":{"minimum":"2020-06"}}`, "2020-05", "minimum"},
		{"maximum NaN cannot be ordered", `{"name":"f","type":"number","constraints":{"maximum":1}}`, "NaN", "maximum"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := oneField(t, tc.field)
			tab, _ := s.NewTable(nil)
			_, errs := tab.Row(2, 5, []string{tc.cell})
			if tc.constraint == "" {
				if len(errs) != 0 {
					t.Fatalf("cell %q: unexpected errors %v", tc.cell, errs)
				}
				return
			}
			if len(errs) != 1 {
				t.Fatalf("cell %q: %d errors %v, want one %s", tc.cell, len(errs), errs, tc.constraint)
			}
			e := errs[0]
			if e.Code != CodeConstraintError || e.Constraint != tc.constraint || e.Field != "f" || e.Value != tc.cell ||
				e.Row != 2 || e.Line != 5 || e.FieldNumber != 1 {
				t.Fatalf("error %+v, want constraint-error %s on f", e, tc.constraint)
			}
			if !strings.Contains(e.Message, "« f »") {
				t.Errorf("message does not name the field: %q", e.Message)
			}
		})
	}
}

func TestPatternCacheBounded(t *testing.T) {
	s := oneField(t, `{"name":"f","constraints":{"pattern":"[a-z0-9é]+"}}`) // é: no fast matcher, the memo is used
	tab, _ := s.NewTable(nil)
	for i := 0; i < 3*patternCacheSize; i++ {
		cell := "abc" + strings.Repeat("1", i%50) + string(rune('a'+i%26))
		if i%7 == 0 {
			cell = "ABC" // repeated invalid value
		}
		_, errs := tab.Row(i+2, i+2, []string{cell})
		wantBad := i%7 == 0
		if (len(errs) > 0) != wantBad {
			t.Fatalf("row %d cell %q: errs %v", i, cell, errs)
		}
		if n := len(tab.patterns[0].m); n > patternCacheSize {
			t.Fatalf("pattern memo has %d entries", n)
		}
	}
}

func TestRowAllProblemsReported(t *testing.T) {
	s, err := Parse([]byte(`{"fields":[
		{"name":"a","type":"integer","constraints":{"required":true}},
		{"name":"b","type":"date"},
		{"name":"c","constraints":{"maxLength":2,"pattern":"[a-z]+"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	tab, _ := s.NewTable(nil)
	_, errs := tab.Row(2, 2, []string{"", "hier", "ABC"})
	var got []string
	for _, e := range errs {
		got = append(got, e.Code+"/"+e.Field+"/"+e.Constraint)
	}
	want := []string{"constraint-error/a/required", "type-error/b/", "constraint-error/c/maxLength", "constraint-error/c/pattern"}
	if !slices.Equal(got, want) {
		t.Fatalf("errors %v, want %v", got, want)
	}
}

func TestHeaderMapping(t *testing.T) {
	s, err := Parse([]byte(`{"fields":[{"name":"id"},{"name":"nom"},{"name":"code_postal"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		codes    []string
		cells    []string
		wantVals []Value
	}
	cases := []struct {
		name   string
		header []string
		want   want
	}{
		{"same order", []string{"id", "nom", "code_postal"}, want{nil, []string{"1", "A", "44000"}, []Value{"1", "A", "44000"}}},
		{"other order", []string{"code_postal", "id", "nom"}, want{nil, []string{"44000", "1", "A"}, []Value{"1", "A", "44000"}}},
		{"bom spaces quotes", []string{"\ufeffid", " nom ", `"code_postal"`}, want{nil, []string{"1", "A", "44000"}, []Value{"1", "A", "44000"}}},
		{"missing label", []string{"id", "nom"}, want{[]string{CodeMissingLabel}, []string{"1", "A"}, []Value{"1", "A", nil}}},
		{"extra label ignored", []string{"id", "commentaire", "nom", "code_postal"},
			want{[]string{CodeExtraLabel}, []string{"1", "x", "A", "44000"}, []Value{"1", "A", "44000"}}},
		{"duplicate label", []string{"id", "nom", "nom", "code_postal"},
			want{[]string{CodeDuplicateLabel}, []string{"1", "A", "B", "44000"}, []Value{"1", "A", "44000"}}},
		{"blank label", []string{"id", "", "nom", "code_postal"},
			want{[]string{CodeBlankLabel}, []string{"1", "x", "A", "44000"}, []Value{"1", "A", "44000"}}},
		{"case differs", []string{"ID", "nom", "code_postal"},
			want{[]string{CodeIncorrectLabel}, []string{"1", "A", "44000"}, []Value{"1", "A", "44000"}}},
		{"nil header", nil, want{nil, []string{"1", "A", "44000"}, []Value{"1", "A", "44000"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tab, herrs := s.NewTable(tc.header)
			var codes []string
			for _, e := range herrs {
				codes = append(codes, e.Code)
				if e.Row != 1 || e.Message == "" {
					t.Errorf("header error %+v: want row 1 and a message", e)
				}
			}
			if !slices.Equal(codes, tc.want.codes) {
				t.Fatalf("header errors %v, want %v", herrs, tc.want.codes)
			}
			vals, errs := tab.Row(2, 2, tc.want.cells)
			if len(errs) != 0 {
				t.Fatalf("row errors %v", errs)
			}
			if !slices.Equal(vals, tc.want.wantVals) {
				t.Fatalf("values %v, want %v", vals, tc.want.wantVals)
			}
		})
	}
}

func TestRowShape(t *testing.T) {
	s, err := Parse([]byte(`{"fields":[{"name":"a"},{"name":"b"},{"name":"c"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		cells []string
		codes []string
		nums  []int
	}{
		{"exact", []string{"1", "2", "3"}, nil, nil},
		{"one missing cell", []string{"1", "2"}, []string{CodeMissingCell}, []int{3}},
		{"two missing cells", []string{"1"}, []string{CodeMissingCell, CodeMissingCell}, []int{2, 3}},
		{"extra cell", []string{"1", "2", "3", "4"}, []string{CodeExtraCell}, []int{4}},
		{"blank row", []string{"", "", ""}, []string{CodeBlankRow}, []int{0}},
		{"blank short row", []string{""}, []string{CodeBlankRow}, []int{0}},
		{"no cells", nil, []string{CodeBlankRow}, []int{0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tab, _ := s.NewTable([]string{"a", "b", "c"})
			vals, errs := tab.Row(2, 2, tc.cells)
			if len(vals) != 3 {
				t.Fatalf("len(values) = %d", len(vals))
			}
			var codes []string
			var nums []int
			for _, e := range errs {
				codes, nums = append(codes, e.Code), append(nums, e.FieldNumber)
			}
			if !slices.Equal(codes, tc.codes) || !slices.Equal(nums, tc.nums) {
				t.Fatalf("errors %v, want codes %v at %v", errs, tc.codes, tc.nums)
			}
		})
	}
}

func TestUniqueAndPrimaryKey(t *testing.T) {
	type step struct {
		cells []string
		codes []string
	}
	cases := []struct {
		name   string
		schema string
		steps  []step
	}{
		{"unique string", `{"fields":[{"name":"a","constraints":{"unique":true}},{"name":"b"}]}`, []step{
			{[]string{"x", "1"}, nil},
			{[]string{"y", "2"}, nil},
			{[]string{"x", "3"}, []string{CodeUniqueError}},
			{[]string{"", "4"}, nil}, // missing values are not compared
			{[]string{"", "5"}, nil},
		}},
		{"unique integer logical", `{"fields":[{"name":"a","type":"integer","constraints":{"unique":true}}]}`, []step{
			{[]string{"7"}, nil},
			{[]string{"+7"}, []string{CodeUniqueError}},
			{[]string{"x"}, []string{CodeTypeError}},
			{[]string{"x"}, []string{CodeTypeError}},
		}},
		{"simple primary key", `{"fields":[{"name":"id"},{"name":"v"}],"primaryKey":"id"}`, []step{
			{[]string{"1", "a"}, nil},
			{[]string{"1", "b"}, []string{CodePrimaryKey}},
			{[]string{"", "c"}, []string{CodeConstraintError}},
		}},
		{"composite primary key", `{"fields":[{"name":"commune"},{"name":"annee","type":"year"},{"name":"v"}],"primaryKey":["commune","annee"]}`, []step{
			{[]string{"44109", "2023", "a"}, nil},
			{[]string{"44109", "2024", "b"}, nil},
			{[]string{"49007", "2023", "c"}, nil},
			{[]string{"44109", "2023", "d"}, []string{CodePrimaryKey}},
			{[]string{"4410", "92023", "e"}, nil}, // no ambiguity from concatenation
			{[]string{"44109", "", "f"}, []string{CodeConstraintError}},
		}},
		// One table of digests serves both checks when the key is one unique field.
		{"unique primary key", `{"fields":[{"name":"id","type":"integer","constraints":{"unique":true}},{"name":"v"}],"primaryKey":"id"}`, []step{
			{[]string{"1", "a"}, nil},
			{[]string{"1", "b"}, []string{CodeUniqueError, CodePrimaryKey}},
			{[]string{"x", "c"}, []string{CodeTypeError}},
			{[]string{"x", "c"}, []string{CodeTypeError}},
			{[]string{"", "d"}, []string{CodeConstraintError}},
			{[]string{"2", "e"}, nil},
			{[]string{"+1", "f"}, []string{CodeUniqueError, CodePrimaryKey}},
		}},
		{"unique field in a composite key", `{"fields":[{"name":"a","constraints":{"unique":true}},{"name":"b"}],"primaryKey":["a","b"]}`, []step{
			{[]string{"x", "1"}, nil},
			{[]string{"x", "2"}, []string{CodeUniqueError}},
			{[]string{"y", "1"}, nil},
			{[]string{"x", "1"}, []string{CodeUniqueError, CodePrimaryKey}},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse([]byte(tc.schema))
			if err != nil {
				t.Fatal(err)
			}
			tab, _ := s.NewTable(nil)
			for i, st := range tc.steps {
				_, errs := tab.Row(i+2, i+2, st.cells)
				var codes []string
				for _, e := range errs {
					codes = append(codes, e.Code)
				}
				if !slices.Equal(codes, st.codes) {
					t.Fatalf("row %d %v: errors %v, want %v", i+2, st.cells, errs, st.codes)
				}
				for _, e := range errs {
					if e.Code == CodeUniqueError || e.Code == CodePrimaryKey {
						if !strings.Contains(e.Message, "ligne 2") {
							t.Errorf("duplicate message does not point at the first row: %q", e.Message)
						}
					}
					if e.Code == CodeConstraintError && e.Constraint != "required" {
						t.Errorf("missing pk value: constraint %q, want required", e.Constraint)
					}
				}
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	cases := []struct {
		name string
		err  Error
		want string
	}{
		{"cell", Error{Row: 3, Field: "code_postal", Message: "m."}, "ligne 3, champ code_postal : m."},
		{"header column", Error{FieldNumber: 4, Message: "m."}, "en-tête, colonne 4 : m."},
		{"row only", Error{Row: 7, Message: "m."}, "ligne 7 : m."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPatternMemoAdapts(t *testing.T) {
	s := oneField(t, `{"name":"f","constraints":{"pattern":"[a-zé]+[0-9]*"}}`) // é: no fast matcher, the memo is used
	tab, _ := s.NewTable(nil)
	row := 2
	check := func(cell string) {
		t.Helper()
		_, errs := tab.Row(row, row, []string{cell})
		row++
		wantBad := strings.ContainsAny(cell, "ABC-")
		if (len(errs) > 0) != wantBad {
			t.Fatalf("row %d cell %q: errors %v, want invalid=%v", row-1, cell, errs, wantBad)
		}
	}
	pm := &tab.patterns[0]
	cases := []struct {
		name       string
		cells      int
		cell       func(i int) string
		wantPaused bool
	}{
		// Distinct values: after one window the memo steps aside.
		{"unique values pause the memo", patternMemoWindow + 10, func(i int) string {
			if i%5 == 0 {
				return fmt.Sprintf("A%d", i)
			}
			return fmt.Sprintf("x%d", i)
		}, true},
		{"results stay right while paused", patternMemoPause / 2, func(i int) string {
			if i%3 == 0 {
				return fmt.Sprintf("y-%d", i)
			}
			return fmt.Sprintf("y%d", i)
		}, true},
		// After the pause the memo is tried again and kept for repeated values.
		{"repeated values bring it back", patternMemoPause/2 + 3*patternMemoWindow, func(i int) string {
			return []string{"abc", "ABC", "def1", "ghi22"}[i%4]
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for i := 0; i < tc.cells; i++ {
				check(tc.cell(i))
			}
			if pm.paused != tc.wantPaused {
				t.Fatalf("memo paused = %v, want %v (n %d, hits %d, entries %d)", pm.paused, tc.wantPaused, pm.n, pm.hits, len(pm.m))
			}
			if pm.paused && len(pm.m) != 0 {
				t.Errorf("paused memo keeps %d entries", len(pm.m))
			}
			if !pm.paused && len(pm.m) == 0 {
				t.Errorf("active memo on repeated values is empty")
			}
		})
	}
}
