package lieuxgen

import (
	"cmp"
	"database/sql"
	"fmt"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // the "duckdb" database/sql driver

	"github.com/ligerdata/ligerdata/schemas"
)

// DuckDBToParquet is the benchmarks' baseline: DuckDB's own CSV to Parquet
// on a generated file, with the dialect and every column type passed from
// the schema (nothing is sniffed), zstd like our Parquet. threads > 0 sets
// DuckDB's thread count; 0 leaves its default (every core).
func DuckDBToParquet(input, out string, threads int) error {
	s, err := schemas.Load("lieux-mediation-numerique")
	if err != nil {
		return err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	if threads > 0 {
		if _, err := db.Exec(fmt.Sprintf("SET threads = %d", threads)); err != nil {
			return err
		}
	}
	var cols []string
	for _, f := range s.Fields {
		typ := cmp.Or(map[string]string{"number": "DOUBLE", "integer": "BIGINT", "date": "DATE", "boolean": "BOOLEAN"}[f.Type], "VARCHAR")
		cols = append(cols, fmt.Sprintf("'%s': '%s'", f.Name, typ))
	}
	q := fmt.Sprintf(`COPY (SELECT * FROM read_csv('%s', delim=',', quote='"', header=true, auto_detect=false, dateformat='%%Y-%%m-%%d', ignore_errors=true, columns={%s}))
TO '%s' (FORMAT parquet, COMPRESSION zstd)`, input, strings.Join(cols, ", "), out)
	_, err = db.Exec(q)
	return err
}
