package indicators_test

// Fixture releases and a comparison of computed rows with hand-worked
// expectations, shared by the tests of the embedded indicator set
// (set_*_test.go, one file a theme).

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

// fixture is one small published release of an input dataset: its rows as
// CSV (a subset of the schema's columns; the others are empty), validated
// against the dataset's schema exactly like a harvest, so an invalid fixture
// fails the test instead of reaching the query.
type fixture struct {
	dataset string
	schema  string // embedded schema name (schemas.Load)
	release string // release id; its timestamp is the publication time
	csv     string
}

// publish writes the fixture as the latest release of its dataset under
// publicDir.
func publish(t *testing.T, publicDir string, f fixture) {
	t.Helper()
	s, err := schemas.Load(f.schema)
	if err != nil {
		t.Fatalf("%s: %v", f.dataset, err)
	}
	at, err := time.Parse("20060102T150405Z", strings.SplitN(f.release, "-", 2)[0])
	if err != nil {
		t.Fatalf("%s: release id %q: %v", f.dataset, f.release, err)
	}
	var rows [][]schemas.Value
	sum, err := schemas.ReadCSV(context.Background(), strings.NewReader(strings.TrimLeft(f.csv, "\n")), schemas.DefaultDialect(), s,
		func(r schemas.RowResult) error {
			if len(r.Errors) > 0 {
				return fmt.Errorf("fixture line %d: %s", r.Line, r.Errors[0].Message)
			}
			rows = append(rows, append([]schemas.Value(nil), r.Values...))
			return nil
		})
	if err != nil {
		t.Fatalf("%s: %v", f.dataset, err)
	}
	for _, e := range sum.HeaderErrors {
		if e.Code != schemas.CodeMissingLabel {
			t.Fatalf("%s: header: %s", f.dataset, e.Message)
		}
	}
	rel, err := output.NewRelease(publicDir, output.DatasetMeta{ID: f.dataset, Title: f.dataset}, s, f.release, func() time.Time { return at })
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := rel.Append(r); err != nil {
			t.Fatalf("%s: %v", f.dataset, err)
		}
	}
	if _, err := rel.Commit(output.Quality{Dataset: f.dataset, Release: f.release, Read: len(rows), Accepted: len(rows)}); err != nil {
		t.Fatalf("%s: %v", f.dataset, err)
	}
}

// embeddedDef returns the embedded definition of an indicator.
func embeddedDef(t *testing.T, id string) *indicators.Definition {
	t.Helper()
	defs, err := indicators.Load(indicators.Embedded)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("no embedded indicator %s", id)
	return nil
}

// row is a result row (or the expected part of one), by column name.
type row map[string]any

// expectation is what a test knows of an indicator's result: the rows it
// worked out by hand (each names its key columns and the values to check),
// how many rows there are in all, and a check for the rows it did not list.
type expectation struct {
	rows  []row
	total int
	// others checks every result row whose key is not in rows; nil means
	// every row must be listed.
	others func(r row) error
}

// keyOf renders the primary key of r.
func keyOf(def *indicators.Definition, r row) string {
	var parts []string
	for _, k := range def.TableSchema.PrimaryKey {
		parts = append(parts, fmt.Sprint(r[k]))
	}
	return strings.Join(parts, " / ")
}

// compare checks got against want: the row count, the hand-worked rows
// (numbers within 1e-9), the unlisted rows, and the order of the rows by
// primary key.
func compare(t *testing.T, def *indicators.Definition, got []row, want expectation) {
	t.Helper()
	if len(got) != want.total {
		t.Errorf("%d rows, want %d", len(got), want.total)
	}
	byKey := map[string]row{}
	var keys []string
	for _, r := range got {
		k := keyOf(def, r)
		if _, dup := byKey[k]; dup {
			t.Errorf("row %s appears twice", k)
		}
		byKey[k] = r
		keys = append(keys, k)
	}
	if !sort.SliceIsSorted(keys, func(i, j int) bool { return lessKey(def, got[i], got[j]) }) {
		t.Errorf("rows are not ordered by the primary key %v", def.TableSchema.PrimaryKey)
	}
	listed := map[string]bool{}
	for _, w := range want.rows {
		k := keyOf(def, w)
		listed[k] = true
		g, ok := byKey[k]
		if !ok {
			t.Errorf("missing row %s", k)
			continue
		}
		for col, wv := range w {
			if !sameValue(g[col], wv) {
				t.Errorf("row %s: %s = %v (%T), want %v", k, col, g[col], g[col], wv)
			}
		}
	}
	for _, r := range got {
		k := keyOf(def, r)
		if listed[k] {
			continue
		}
		if want.others == nil {
			t.Errorf("unexpected row %s: %v", k, r)
		} else if err := want.others(r); err != nil {
			t.Errorf("row %s: %v", k, err)
		}
	}
}

// lessKey orders rows like the query's ORDER BY on the primary key (byte
// order of strings).
func lessKey(def *indicators.Definition, a, b row) bool {
	for _, k := range def.TableSchema.PrimaryKey {
		x, y := fmt.Sprint(a[k]), fmt.Sprint(b[k])
		if x != y {
			return x < y
		}
	}
	return false
}

// sameValue compares a computed value with an expected one: numbers by
// value within 1e-9 whatever their Go type, dates by day, the rest as is.
func sameValue(got, want any) bool {
	if wf, ok := number(want); ok {
		gf, ok := number(got)
		return ok && math.Abs(gf-wf) <= 1e-9
	}
	if wd, ok := want.(string); ok {
		if gt, ok := got.(time.Time); ok {
			return gt.UTC().Format("2006-01-02") == wd
		}
	}
	return got == want
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	}
	return 0, false
}

// zeroValeur is an expectation.others that accepts unlisted rows whose
// valeur is 0 (the zero-filled cells of a count by territory and category).
func zeroValeur(r row) error {
	if v, ok := number(r["valeur"]); !ok || v != 0 {
		return fmt.Errorf("valeur = %v, want 0 (the row is not among the hand-worked ones)", r["valeur"])
	}
	return nil
}

// communes is the reference table of the fixtures: five communes, two
// départements, four EPCI.
//
//	commune            dép  EPCI                         population  rural
//	44109 Nantes       44   244400404 Nantes Métropole        20 000  non
//	44026 Carquefou    44   244400404 Nantes Métropole         4 000  non
//	44001 Abbaretz     44   244400537 CC de Nozay              1 000  oui
//	49007 Angers       49   244900015 Angers Loire Métropole  15 000  non
//	49002 Bourg-Rural  49   200071876 CC du Bocage             5 000  oui
//
// Populations: 44 = 20 000 + 4 000 + 1 000 = 25 000; 49 = 15 000 + 5 000 =
// 20 000; région = 45 000; Nantes Métropole = 24 000.
var communes = fixture{
	dataset: "communes-pays-de-la-loire",
	schema:  "communes-pays-de-la-loire",
	release: "20250101T000000Z-0000",
	csv: `
code_insee,nom,code_departement,nom_departement,siren_epci,nom_epci,population,population_annee,rural,classe_rurale,definition_rurale
44109,Nantes,44,Loire-Atlantique,244400404,Nantes Métropole,20000,2022,false,urbaine,fixture
44026,Carquefou,44,Loire-Atlantique,244400404,Nantes Métropole,4000,2022,false,urbaine,fixture
44001,Abbaretz,44,Loire-Atlantique,244400537,CC de Nozay,1000,2022,true,rurale,fixture
49007,Angers,49,Maine-et-Loire,244900015,Angers Loire Métropole,15000,2022,false,urbaine,fixture
49002,Bourg-Rural,49,Maine-et-Loire,200071876,CC du Bocage,5000,2022,true,rurale,fixture
`,
}

// publishAll publishes the fixtures in a new store and returns it.
func publishAll(t *testing.T, fs ...fixture) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		publish(t, st.PublicDir(), f)
	}
	return st
}
