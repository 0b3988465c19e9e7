package indicators_test

import (
	"context"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
)

// compute computes the indicator with the engine over the fixture releases
// of st, as `ligerdata indicators` does (the query in DuckDB, the audits,
// the schema validation, the release), fails the test unless a release was
// published, and returns the published rows by column name.
func compute(t *testing.T, st *store.Store, def *indicators.Definition) []row {
	t.Helper()
	e := &indicators.Engine{
		Store:  st,
		DuckDB: indicators.Config{MemoryLimit: "256MB", Threads: 1},
		Catalog: output.CatalogMeta{Title: "Catalogue de test", Publisher: "Région Pays de la Loire",
			BaseURL: "https://data.example.org", Language: "fr", License: "etalab-2.0"},
		Now: func() time.Time { return time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC) },
	}
	m, err := e.Compute(context.Background(), def)
	if err != nil || m.Outcome != indicators.OutcomeComputed {
		for _, a := range m.Audits {
			t.Logf("audit %s: passed %v: %s", a.Label, a.Passed, a.Detail)
		}
		t.Fatalf("%s: outcome %s: %v", def.ID, m.Outcome, err)
	}
	_, rows, err := indicators.ReadLatest(st.PublicDir(), def)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]row, len(rows))
	for i, r := range rows {
		out[i] = row{}
		for j, f := range def.TableSchema.Fields {
			out[i][f.Name] = r[j]
		}
	}
	return out
}
