package indicators_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/output"
)

// compute runs the indicator's query over the latest releases under
// publicDir, each input a view on its release's data.parquet, and returns
// the rows by column name.
func compute(t *testing.T, publicDir string, def *indicators.Definition) []row {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, id := range def.Inputs.All() {
		rel, err := output.CollectionDatasets.Latest(publicDir, id)
		if err != nil {
			t.Fatalf("input %s: %v", id, err)
		}
		dir, err := output.CollectionDatasets.ReleaseDir(publicDir, id, rel)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, output.FileParquet)
		q := fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM read_parquet('%s')", indicators.ViewName(id), strings.ReplaceAll(path, "'", "''"))
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.Query(def.SQL)
	if err != nil {
		t.Fatalf("%s: %v", def.SQLFile, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []row
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		r := row{}
		for i, c := range cols {
			r[c] = vals[i]
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", def.SQLFile, err)
	}
	return out
}
