package colprofile

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ligerdata/ligerdata/internal/duck"
)

// TestCompute profiles a six-row file written by DuckDB; every figure is
// counted by hand from the rows below.
func TestCompute(t *testing.T) {
	path := writeParquet(t, `SELECT * FROM (VALUES
		('Nantes', 44, 1.5, ['a','b'], 'x'),
		('Angers', 49, NULL, ['a'], 'y'),
		('Nantes', 44, 2.5, NULL, 'z'),
		(NULL, 85, -3.0, ['c'], 'w'),
		('Laval', 53, 2.5, ['a'], 'v'),
		('Nantes', 44, 2.5, ['a'], 'u')
	) AS t(commune, dep, note, tags, code)`)
	p, err := Compute(context.Background(), path, duck.Limits{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if p.Rows != 6 || len(p.Columns) != 5 {
		t.Fatalf("rows %d, columns %d: want 6 and 5", p.Rows, len(p.Columns))
	}
	s := func(v string) *string { return &v }
	want := []Column{
		{Name: "commune", Type: "VARCHAR", Nulls: 1, Distinct: 3, Min: s("Angers"), Max: s("Nantes"),
			Top: []Value{{"Nantes", 3}}},
		{Name: "dep", Type: "INTEGER", Nulls: 0, Distinct: 4, Min: s("44"), Max: s("85"),
			Top: []Value{{"44", 3}}},
		{Name: "note", Type: "DECIMAL(2,1)", Nulls: 1, Distinct: 3, Min: s("-3.0"), Max: s("2.5"),
			Top: []Value{{"2.5", 3}}},
		{Name: "tags", Type: "VARCHAR[]", Nulls: 1, Distinct: 3},
		{Name: "code", Type: "VARCHAR", Nulls: 0, Distinct: 6, Min: s("u"), Max: s("z")},
	}
	if !reflect.DeepEqual(p.Columns, want) {
		t.Errorf("profile:\n got %+v\nwant %+v", p.Columns, want)
	}
}

// TestComputeEmpty: a file without rows has no minimum, maximum nor top
// value.
func TestComputeEmpty(t *testing.T) {
	path := writeParquet(t, `SELECT 'a' AS nom WHERE false`)
	p, err := Compute(context.Background(), path, duck.Limits{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	c := p.Columns[0]
	if p.Rows != 0 || c.Nulls != 0 || c.Distinct != 0 || c.Min != nil || c.Top != nil {
		t.Errorf("empty profile: %+v %+v", p, c)
	}
}

// writeParquet writes the rows of a DuckDB query to a Parquet file.
func writeParquet(t *testing.T, query string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data.parquet")
	db, err := duck.Open(duck.Limits{Threads: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("COPY (" + query + ") TO '" + path + "' (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
	return path
}
