package schemas

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// Tests of the Table Schema features a descriptor may rely on: each was
// silently ignored or misreported before.

func mustParse(t *testing.T, js string) *Schema {
	t.Helper()
	s, err := Parse([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// validateAll validates csv text and returns the summary and every error,
// header errors first.
func validateAll(t *testing.T, s *Schema, csv string) (Summary, []Error) {
	t.Helper()
	var errs []Error
	sum, err := ReadCSV(context.Background(), strings.NewReader(csv), DefaultDialect(), s, func(r RowResult) error {
		errs = append(errs, r.Errors...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sum, append(slices.Clone(sum.HeaderErrors), errs...)
}

func codes(errs []Error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Code)
	}
	return out
}

func TestUnsupportedPropertiesRefused(t *testing.T) {
	js := `{"uniqueKeys":[["a"]],"fields":[
		{"name":"a","categories":["x"],"constraints":{"jsonSchema":{}}},
		{"name":"b","format":"hostname"},
		{"name":"c","type":"array","arrayItem":{"type":"integer","decimalChar":","," unit":"m"}}]}`
	_, err := Parse([]byte(js))
	if err == nil {
		t.Fatal("Parse accepted properties it does not check")
	}
	for _, want := range []string{"propriété « uniqueKeys » non prise en charge", "fields[0] : propriété « categories » non prise en charge",
		"fields[0].constraints : propriété « jsonSchema » non prise en charge", "format « hostname » non pris en charge",
		"fields[2].arrayItem : propriété «  unit » non prise en charge"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %s", err, want)
		}
	}
	// The documentation properties of schema.data.gouv.fr are accepted.
	mustParse(t, `{"$schema":"https://frictionlessdata.io/schemas/table-schema.json","contributors":[],"created":"2024-01-01",
		"fields":[{"name":"a","title":"A","description":"d","example":"x","rdfType":"http://schema.org/name"}]}`)
}

func TestIntegerBeyond64Bits(t *testing.T) {
	s := mustParse(t, `{"fields":[{"name":"n","type":"integer"}]}`)
	tab, _ := s.NewTable(nil)
	// 2^63 = 9223372036854775808 is one more than the largest int64.
	for _, cell := range []string{"9223372036854775808", "-99999999999999999999"} {
		_, errs := tab.Row(2, 2, []string{cell})
		if len(errs) != 1 || errs[0].Code != CodeTypeError || !strings.Contains(errs[0].Message, "nombre trop grand") {
			t.Errorf("%s: errors %v, want one type-error saying « nombre trop grand »", cell, errs)
		}
	}
	_, errs := tab.Row(3, 3, []string{"9223372036854775807"})
	if len(errs) != 0 {
		t.Errorf("the largest int64 is refused: %v", errs)
	}
	_, errs = tab.Row(4, 4, []string{"12a"})
	if len(errs) != 1 || strings.Contains(errs[0].Message, "trop grand") {
		t.Errorf("12a: %v, want a plain type-error", errs)
	}
}

func TestShortRowMissingCellPerColumn(t *testing.T) {
	s := mustParse(t, `{"fieldsMatch":"subset","fields":[{"name":"a"},{"name":"b"}]}`)
	// Header a, x, b, y: x and y are columns no field reads. The row has
	// one cell: x (col 2), b (col 3) and y (col 4) are all missing.
	sum, errs := validateAll(t, s, "a,x,b,y\n1\n")
	if got := codes(errs); !slices.Equal(got, []string{CodeMissingCell, CodeMissingCell, CodeMissingCell}) {
		t.Fatalf("errors %v, want 3 missing-cell", errs)
	}
	var cols []int
	for _, e := range errs {
		cols = append(cols, e.FieldNumber)
	}
	slices.Sort(cols)
	if !slices.Equal(cols, []int{2, 3, 4}) || sum.Invalid != 1 {
		t.Errorf("missing columns %v (want 2, 3, 4), invalid rows %d", cols, sum.Invalid)
	}
}

func TestRequiredColumnAbsentFromHeader(t *testing.T) {
	s := mustParse(t, `{"fields":[{"name":"a"},{"name":"b","constraints":{"required":true}},{"name":"c"}]}`)
	sum, errs := validateAll(t, s, "a,c\n1,2\n3,4\n")
	if sum.Valid != 0 || sum.Invalid != 2 {
		t.Errorf("valid %d invalid %d: rows lacking the required b must not count as valid", sum.Valid, sum.Invalid)
	}
	// Header: missing-label b and c is fine... c is present; b is missing.
	// Rows: one required error each.
	want := []string{CodeMissingLabel, CodeConstraintError, CodeConstraintError}
	if got := codes(errs); !slices.Equal(got, want) {
		t.Errorf("errors %v, want %v", got, want)
	}
}

func TestFieldsMatch(t *testing.T) {
	fields := `"fields":[{"name":"a"},{"name":"b"}]`
	cases := []struct {
		mode, header string
		want         []string // header error codes
	}{
		{"", "b,a", nil},
		{"", "a", []string{CodeMissingLabel}},
		{"", "a,b,z", []string{CodeExtraLabel}},
		{"exact", "a,b", nil},
		{"exact", "b,a", []string{CodeIncorrectLabel, CodeIncorrectLabel}},
		{"exact", "a,b,z", []string{CodeExtraLabel}},
		{"exact", "a", []string{CodeMissingLabel}},
		{"equal", "b,a", nil},
		{"equal", "a,z", []string{CodeExtraLabel, CodeMissingLabel}},
		{"subset", "z,b,a", nil},
		{"subset", "a,z", []string{CodeMissingLabel}},
		{"superset", "a", nil},
		{"superset", "a,z", []string{CodeExtraLabel}},
		{"partial", "z,a", nil},
		{"partial", "y,z", []string{CodeMissingLabel}},
	}
	for _, tc := range cases {
		t.Run(tc.mode+" "+tc.header, func(t *testing.T) {
			js := "{" + fields + "}"
			if tc.mode != "" {
				js = `{"fieldsMatch":"` + tc.mode + `",` + fields + "}"
			}
			s := mustParse(t, js)
			_, herrs := s.NewTable(strings.Split(tc.header, ","))
			if got := codes(herrs); !slices.Equal(got, tc.want) {
				t.Errorf("header errors %v, want %v", herrs, tc.want)
			}
		})
	}
	// Exact maps by position: the second column is read as b, whatever its name.
	s := mustParse(t, `{"fieldsMatch":"exact","fields":[{"name":"a"},{"name":"b","type":"integer"}]}`)
	_, errs := validateAll(t, s, "a,B\nx,notanumber\n")
	if got := codes(errs); !slices.Equal(got, []string{CodeIncorrectLabel, CodeTypeError}) || errs[1].Field != "b" {
		t.Errorf("errors %v, want incorrect-label then a type-error on b", errs)
	}
	if _, err := Parse([]byte(`{"fieldsMatch":"loose",` + fields + `}`)); err == nil || !strings.Contains(err.Error(), "loose") {
		t.Errorf("fieldsMatch loose: %v", err)
	}
}

func TestForeignKeySameTable(t *testing.T) {
	s := mustParse(t, `{"fields":[{"name":"id","type":"integer"},{"name":"parent","type":"integer"}],
		"foreignKeys":[{"fields":"parent","reference":{"resource":"","fields":"id"}}]}`)
	// Row 3 points to 1 (before), row 4 to 5 (after), row 5 to itself,
	// row 6 to 9 (nowhere), row 2 has no parent.
	sum, errs := validateAll(t, s, "id,parent\n1,\n2,1\n3,5\n5,5\n6,9\n")
	if got := codes(errs); !slices.Equal(got, []string{CodeForeignKey}) {
		t.Fatalf("errors %v, want one foreign-key", errs)
	}
	if e := errs[0]; e.Row != 6 || e.Value != "9" || e.Field != "parent" || !strings.Contains(e.Message, "« 9 »") {
		t.Errorf("error %+v, want row 6, parent 9", e)
	}
	if sum.Valid != 4 || sum.Invalid != 1 || sum.ErrorsByCode[CodeForeignKey] != 1 {
		t.Errorf("summary %+v, want 4 valid and 1 invalid", sum)
	}
}

func TestForeignKeyOtherResource(t *testing.T) {
	communes := mustParse(t, `{"fields":[{"name":"insee"},{"name":"nom"}]}`)
	keys, err := CollectKeys(context.Background(), strings.NewReader("insee,nom\n44109,Nantes\n49007,Angers\n"), DefaultDialect(), communes, []string{"insee"})
	if err != nil || keys.Len() != 2 {
		t.Fatalf("CollectKeys = %v keys, %v", keys, err)
	}
	lieux := mustParse(t, `{"fields":[{"name":"nom"},{"name":"code_insee"}],
		"foreignKeys":[{"fields":["code_insee"],"reference":{"resource":"communes","fields":["insee"]}}]}`)
	if got := lieux.ReferencedResources(); !slices.Equal(got, []string{"communes"}) {
		t.Errorf("ReferencedResources = %v", got)
	}
	data := "nom,code_insee\nMédiathèque,44109\nFablab,99999\nSans code,\n"
	sum, errs := validateAll(t, lieux.WithReferences(map[string]*KeySet{"communes": keys}), data)
	if got := codes(errs); !slices.Equal(got, []string{CodeForeignKey}) || errs[0].Row != 3 || !strings.Contains(errs[0].Message, "communes") {
		t.Errorf("errors %v, want one foreign-key on row 3 naming communes", errs)
	}
	if sum.Valid != 2 {
		t.Errorf("valid %d, want 2", sum.Valid)
	}
	// Without the referenced resource, no key can be found: every row
	// with a code is an error, never silently accepted.
	_, errs = validateAll(t, lieux, data)
	if len(errs) != 2 {
		t.Errorf("without the reference: errors %v, want 2 foreign-key", errs)
	}
	for _, bad := range []string{
		`{"fields":[{"name":"a"}],"foreignKeys":[{"fields":"z","reference":{"resource":"","fields":"a"}}]}`,
		`{"fields":[{"name":"a"}],"foreignKeys":[{"fields":"a","reference":{"resource":"","fields":"z"}}]}`,
		`{"fields":[{"name":"a"}],"foreignKeys":[{"fields":"a","reference":{"resource":"x","fields":["p","q"]}}]}`,
	} {
		if _, err := Parse([]byte(bad)); err == nil || !strings.Contains(err.Error(), "foreignKeys[0]") {
			t.Errorf("Parse(%s) = %v, want a foreignKeys error", bad, err)
		}
	}
}

func TestArrayItem(t *testing.T) {
	s := mustParse(t, `{"fields":[{"name":"notes","type":"array",
		"arrayItem":{"type":"integer","constraints":{"required":true,"minimum":0,"maximum":20}}}]}`)
	tab, _ := s.NewTable(nil)
	_, errs := tab.Row(2, 2, []string{`[12, -1, "x", null, "15", 21]`})
	// Items 2 (below 0), 3 (not an integer), 4 (null but required) and 6
	// (above 20) are wrong; "15" casts from its text.
	want := []string{CodeConstraintError, CodeTypeError, CodeConstraintError, CodeConstraintError}
	if got := codes(errs); !slices.Equal(got, want) {
		t.Fatalf("errors %v, want %v", errs, want)
	}
	for i, item := range []string{"élément 2", "élément 3", "élément 4", "élément 6"} {
		if !strings.HasPrefix(errs[i].Message, item) || errs[i].Field != "notes" {
			t.Errorf("error %d %+v does not start with %q", i, errs[i], item)
		}
	}
	if errs[0].Constraint != "minimum" || errs[2].Constraint != "required" || errs[3].Constraint != "maximum" {
		t.Errorf("constraints %q %q %q", errs[0].Constraint, errs[2].Constraint, errs[3].Constraint)
	}
	if _, errs := tab.Row(3, 3, []string{`[0, 20]`}); len(errs) != 0 {
		t.Errorf("[0, 20]: %v", errs)
	}
	if _, err := Parse([]byte(`{"fields":[{"name":"a","arrayItem":{"type":"integer"}}]}`)); err == nil || !strings.Contains(err.Error(), "arrayItem applies to array") {
		t.Errorf("arrayItem on a string: %v", err)
	}
}
