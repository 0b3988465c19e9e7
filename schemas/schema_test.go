package schemas

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const nationalName = "lieux-mediation-numerique"

func loadNational(t testing.TB) *Schema {
	t.Helper()
	s, err := Load(nationalName)
	if err != nil {
		t.Fatalf("Load(%q): %v", nationalName, err)
	}
	return s
}

// readValidExample returns the header and the data rows of the example CSV.
func readValidExample(t testing.TB) ([]string, [][]string) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "lieux-mediation-numerique-valide.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[0], recs[1:]
}

func writeCSV(t testing.TB, recs [][]string) string {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func collect(t testing.TB, s *Schema, d Dialect, data string) (Summary, []Error) {
	t.Helper()
	var errs []Error
	sum, err := ReadCSV(context.Background(), strings.NewReader(data), d, s, func(r RowResult) error {
		errs = append(errs, r.Errors...)
		return nil
	})
	if err != nil {
		t.Fatalf("ReadCSV: %v", err)
	}
	if sum.Read != sum.Valid+sum.Invalid {
		t.Fatalf("Read %d != Valid %d + Invalid %d", sum.Read, sum.Valid, sum.Invalid)
	}
	return sum, errs
}

func TestNamesAndLoad(t *testing.T) {
	if got := Names(); !slices.Contains(got, nationalName) {
		t.Fatalf("Names() = %v, want it to contain %q", got, nationalName)
	}
	s := loadNational(t)
	if len(s.Fields) != 32 {
		t.Errorf("national schema has %d fields, want 32", len(s.Fields))
	}
	if !slices.Equal(s.PrimaryKey, []string{"id"}) {
		t.Errorf("PrimaryKey = %v, want [id]", s.PrimaryKey)
	}
	if !slices.Equal(s.MissingValues, []string{""}) {
		t.Errorf("MissingValues = %q, want [\"\"]", s.MissingValues)
	}
	if s.Version != "v1.0.2" || len(s.Licenses) != 1 || s.Licenses[0].Name != "etalab-2.0" {
		t.Errorf("metadata: version %q licenses %+v", s.Version, s.Licenses)
	}
	if len(s.Raw) == 0 {
		t.Error("Raw is empty")
	}
	if i := s.FieldIndex("code_postal"); i < 0 || s.Fields[i].Name != "code_postal" {
		t.Errorf("FieldIndex(code_postal) = %d", i)
	}
	if i := s.FieldIndex("absent"); i != -1 {
		t.Errorf("FieldIndex(absent) = %d, want -1", i)
	}

	// Loading by path gives the same schema.
	path := filepath.Join(t.TempDir(), "s.json")
	if err := os.WriteFile(path, s.Raw, 0o644); err != nil {
		t.Fatal(err)
	}
	byPath, err := Load(path)
	if err != nil {
		t.Fatalf("Load(path): %v", err)
	}
	if len(byPath.Fields) != len(s.Fields) {
		t.Errorf("Load(path) has %d fields", len(byPath.Fields))
	}
	if _, err := Load("nope-does-not-exist"); err == nil {
		t.Error("Load(unknown) succeeded")
	}
}

func TestNationalValidExample(t *testing.T) {
	s := loadNational(t)
	data, err := os.ReadFile(filepath.Join("testdata", "lieux-mediation-numerique-valide.csv"))
	if err != nil {
		t.Fatal(err)
	}
	sum, errs := collect(t, s, DefaultDialect(), string(data))
	if len(errs) != 0 || len(sum.HeaderErrors) != 0 {
		t.Fatalf("valid example: header errors %v, row errors %v", sum.HeaderErrors, errs)
	}
	if sum.Read != 1 || sum.Valid != 1 {
		t.Fatalf("summary %+v, want 1 valid row", sum)
	}
}

func TestNationalThreeErrors(t *testing.T) {
	s := loadNational(t)
	header, rows := readValidExample(t)
	col := func(name string) int {
		i := slices.Index(header, name)
		if i < 0 {
			t.Fatalf("no column %s", name)
		}
		return i
	}
	good := rows[0]
	bad := slices.Clone(good)
	bad[col("id")] = "structure-2"
	bad[col("code_postal")] = bad[col("code_postal")][1:] // four digits
	bad[col("nom")] = ""
	bad[col("date_maj")] = "2024-02-31"
	data := writeCSV(t, [][]string{header, good, bad})

	sum, errs := collect(t, s, DefaultDialect(), data)
	if sum.Read != 2 || sum.Valid != 1 || sum.Invalid != 1 {
		t.Errorf("summary %+v, want 2 read, 1 valid, 1 invalid", sum)
	}
	type key struct{ code, field, constraint string }
	want := map[key]bool{
		{CodeConstraintError, "code_postal", "pattern"}: true,
		{CodeConstraintError, "nom", "required"}:        true,
		{CodeTypeError, "date_maj", ""}:                 true,
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d: %v", len(errs), len(want), errs)
	}
	for _, e := range errs {
		k := key{e.Code, e.Field, e.Constraint}
		if !want[k] {
			t.Errorf("unexpected error %+v", e)
		}
		if e.Row != 3 || e.Line != 3 {
			t.Errorf("%s: row %d line %d, want row 3 line 3", e.Field, e.Row, e.Line)
		}
		if e.FieldNumber != col(e.Field)+1 {
			t.Errorf("%s: field number %d, want %d", e.Field, e.FieldNumber, col(e.Field)+1)
		}
		if !strings.Contains(e.Message, "« "+e.Field+" »") {
			t.Errorf("message does not name the field: %q", e.Message)
		}
		delete(want, k)
	}
	// The messages read as documented.
	for _, e := range errs {
		var wantMsg string
		switch e.Field {
		case "code_postal":
			// Four digits: the pattern (five digits) is said in words and
			// the lost leading zero suggested.
			wantMsg = "La valeur « 1100 » du champ « code_postal » n'a pas la forme attendue : 5 chiffres. Un zéro initial a peut-être été perdu (par exemple par un tableur) : « 01100 » conviendrait."
		case "nom":
			wantMsg = "Le champ obligatoire « nom » est vide."
		case "date_maj":
			wantMsg = "La valeur « 2024-02-31 » du champ « date_maj » n'est pas une date valide (format attendu : AAAA-MM-JJ). Le 31 février 2024 n'existe pas (lu au format AAAA-MM-JJ)."
		}
		if e.Message != wantMsg {
			t.Errorf("message\n got %q\nwant %q", e.Message, wantMsg)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		desc string
		want []string // substrings of the error
	}{
		{"not json", `{"fields": [`, []string{"schémas : descripteur JSON illisible (détail technique : "}},
		{"no fields", `{"fields": []}`, []string{"schémas : descripteur invalide : fields : aucun champ"}},
		{"unknown type", `{"fields": [{"name": "a", "type": "text"}]}`, []string{"champ « a » : type inconnu « text »"}},
		{"bad string format", `{"fields": [{"name": "a", "format": "phone"}]}`, []string{"champ « a » : format « phone » non pris en charge par le type string"}},
		{"bad date directive", `{"fields": [{"name": "a", "type": "date", "format": "%d/%Q/%Y"}]}`, []string{"%Q"}},
		{"bad regex", `{"fields": [{"name": "a", "constraints": {"pattern": "(?<=x)a"}}]}`, []string{"champ « a » : motif (pattern) « (?<=x)a » invalide (détail technique : "}},
		{"unknown pk", `{"fields": [{"name": "a"}], "primaryKey": ["a", "b"]}`, []string{"primaryKey : champ inconnu « b »"}},
		{"duplicate names", `{"fields": [{"name": "a"}, {"name": "a"}]}`, []string{"fields[1] : nom « a » déjà pris par fields[0]"}},
		{"empty name", `{"fields": [{"name": ""}]}`, []string{"fields[0] : nom vide"}},
		{"bad minimum", `{"fields": [{"name": "a", "type": "integer", "constraints": {"minimum": "x"}}]}`, []string{"minimum"}},
		{"minimum on string", `{"fields": [{"name": "a", "constraints": {"minimum": 3}}]}`, []string{"champ « a » : contrainte minimum non prise en charge par le type string"}},
		{"maxLength on integer", `{"fields": [{"name": "a", "type": "integer", "constraints": {"maxLength": 3}}]}`, []string{"champ « a » : contrainte maxLength non prise en charge par le type integer"}},
		{"bad enum", `{"fields": [{"name": "a", "type": "date", "constraints": {"enum": ["2024-13-01"]}}]}`, []string{"champ « a » : la valeur d'enum 2024-13-01 n'est pas valide pour le type date"}},
		{"bad item type", `{"fields": [{"name": "a", "type": "list", "itemType": "object"}]}`, []string{"itemType"}},
		{"same separators", `{"fields": [{"name": "a", "type": "number", "decimalChar": ",", "groupChar": ","}]}`, []string{"champ « a » : groupChar et decimalChar sont le même caractère"}},
		{"bad pk type", `{"fields": [{"name": "a"}], "primaryKey": 3}`, []string{"primaryKey"}},
		{"geometry unknown field", `{"fields": [{"name": "lat", "type": "number"}], "x-ligerdata-geometry": {"longitude": "lon", "latitude": "lat"}}`,
			[]string{`longitude names no field ("lon")`}},
		{"geometry not numbers", `{"fields": [{"name": "x"}, {"name": "y", "type": "integer"}], "x-ligerdata-geometry": {"longitude": "x", "latitude": "y"}}`,
			[]string{`longitude field "x" is not a number`, `latitude field "y" is not a number`}},
		{"geometry same field", `{"fields": [{"name": "x", "type": "number"}], "x-ligerdata-geometry": {"longitude": "x", "latitude": "x"}}`,
			[]string{"the same field"}},
		{"every problem listed", `{"fields": [{"name": "a", "type": "text"}, {"name": "a", "constraints": {"pattern": "("}}], "primaryKey": "z"}`,
			[]string{"type inconnu « text »", "déjà pris par", "motif (pattern) « ( » invalide", "primaryKey : champ inconnu « z »"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.desc))
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	cases := []struct {
		name  string
		desc  string
		check func(t *testing.T, s *Schema)
	}{
		{"pk as string", `{"fields": [{"name": "a"}], "primaryKey": "a"}`, func(t *testing.T, s *Schema) {
			if !slices.Equal(s.PrimaryKey, []string{"a"}) {
				t.Errorf("PrimaryKey %v", s.PrimaryKey)
			}
		}},
		{"pk as array", `{"fields": [{"name": "a"}, {"name": "b"}], "primaryKey": ["a", "b"]}`, func(t *testing.T, s *Schema) {
			if !slices.Equal(s.PrimaryKey, []string{"a", "b"}) {
				t.Errorf("PrimaryKey %v", s.PrimaryKey)
			}
		}},
		{"missing values given", `{"fields": [{"name": "a"}], "missingValues": ["NA", "-"]}`, func(t *testing.T, s *Schema) {
			if !slices.Equal(s.MissingValues, []string{"NA", "-"}) {
				t.Errorf("MissingValues %q", s.MissingValues)
			}
		}},
		{"missing values empty list", `{"fields": [{"name": "a"}], "missingValues": []}`, func(t *testing.T, s *Schema) {
			if len(s.MissingValues) != 0 {
				t.Errorf("MissingValues %q", s.MissingValues)
			}
		}},
		{"geometry", `{"fields": [{"name": "lon", "type": "number"}, {"name": "lat", "type": "number"}], "x-ligerdata-geometry": {"longitude": "lon", "latitude": "lat"}}`,
			func(t *testing.T, s *Schema) {
				if s.Geometry == nil || *s.Geometry != (GeometryFields{Longitude: "lon", Latitude: "lat"}) {
					t.Errorf("Geometry %+v", s.Geometry)
				}
			}},
		{"legacy fmt prefix", `{"fields": [{"name": "a", "type": "date", "format": "fmt:%d/%m/%Y"}]}`, nil},
		{"constraints cast", `{"fields": [{"name": "a", "type": "date", "constraints": {"minimum": "2020-01-01", "enum": ["2020-01-02"]}}]}`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse([]byte(tc.desc))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if tc.check != nil {
				tc.check(t, s)
			}
		})
	}
}
