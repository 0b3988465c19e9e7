package explore

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/ligerdata/ligerdata/internal/odsql"
)

// oneRelease is a Catalog of one dataset whose Parquet file the test writes.
type oneRelease struct{ d Dataset }

func (c oneRelease) Datasets() ([]Dataset, error) { return []Dataset{c.d}, nil }
func (c oneRelease) Dataset(id, release string) (*Dataset, error) {
	if id != c.d.ID {
		return nil, ErrNotFound
	}
	d := c.d
	return &d, nil
}

// TestRecordsCountCached checks that total_count is computed once per
// release and query: the file is rewritten behind the API's back (a
// release never changes, so the API may not notice), and the count of a
// query already answered stays the first one while the page follows the
// file; a new query is counted afresh.
func TestRecordsCountCached(t *testing.T) {
	dir := t.TempDir()
	pq := filepath.Join(dir, "data.parquet")
	h, err := New(Options{Catalog: oneRelease{Dataset{ID: "villes", Release: "r1", Parquet: pq,
		Fields: []Field{{Field: odsql.Field{Name: "ville", Type: odsql.Text}}, {Field: odsql.Field{Name: "dep", Type: odsql.Text}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	write := func(values string) {
		t.Helper()
		if _, err := h.eng.db.Exec("COPY (SELECT * FROM (VALUES " + values + ") t(ville, dep)) TO '" + pq + "' (FORMAT parquet)"); err != nil {
			t.Fatal(err)
		}
	}
	get := func(where string) (total int64, results int) {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", Prefix+"/catalog/datasets/villes/records?"+url.Values{"where": {where}}.Encode(), nil))
		var body struct {
			TotalCount int64            `json:"total_count"`
			Results    []map[string]any `json:"results"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s: %v", rec.Body, err)
		}
		return body.TotalCount, len(body.Results)
	}
	// Three towns of Loire-Atlantique (44), one of Vendée (85).
	write("('Nantes', '44'), ('Rezé', '44'), ('Saint-Nazaire', '44'), ('La Roche-sur-Yon', '85')")
	if total, n := get(`dep = "44"`); total != 3 || n != 3 {
		t.Fatalf("first answer: total %d, %d results; want 3, 3", total, n)
	}
	// One town of 44 left: the page shows it, the count is the cached one.
	write("('Nantes', '44'), ('La Roche-sur-Yon', '85')")
	if total, n := get(`dep = "44"`); total != 3 || n != 1 {
		t.Errorf("same query again: total %d, %d results; want the cached 3 and 1 result", total, n)
	}
	if total, n := get(`dep = "85"`); total != 1 || n != 1 {
		t.Errorf("another query: total %d, %d results; want 1, 1", total, n)
	}
}

// TestCountKey checks that arguments of different types or values give
// different keys, and the same ones the same key.
func TestCountKey(t *testing.T) {
	a := countKey("/r1/data.parquet", "SELECT ?", []any{"44"})
	if a != countKey("/r1/data.parquet", "SELECT ?", []any{"44"}) {
		t.Error("same query, different keys")
	}
	for _, other := range []string{
		countKey("/r2/data.parquet", "SELECT ?", []any{"44"}),
		countKey("/r1/data.parquet", "SELECT ?", []any{int64(44)}),
		countKey("/r1/data.parquet", "SELECT ?", []any{"85"}),
		countKey("/r1/data.parquet", "SELECT ?", nil),
	} {
		if other == a {
			t.Errorf("key %q collides", other)
		}
	}
}
