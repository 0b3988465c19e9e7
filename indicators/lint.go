package indicators

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ligerdata/ligerdata/internal/yamldef"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

// prepareAll prepares every query in one DuckDB database whose input views
// read empty Parquet files written from the declared input schemas (the
// same writer as the published releases, hence the same column types), so
// that no published data is needed. It checks the columns of each result
// against the indicator's schema and prepares the audit conditions.
func (l *Loader) prepareAll(defs []*Definition) DefErrors {
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "ligerdata-lint-")
	if err != nil {
		return DefErrors{{File: defs[0].File, Msg: err.Error()}}
	}
	defer os.RemoveAll(tmp)
	d, err := openDuck(ctx, Config{MemoryLimit: DefaultMemoryLimit, Threads: 1})
	if err != nil {
		return DefErrors{{File: defs[0].File, Msg: err.Error()}}
	}
	defer d.close()
	var errs DefErrors
	// Every dataset is a view, so that the prelude's macros are all
	// created (and checked) whatever the indicators read.
	for _, id := range slices.Sorted(maps.Keys(l.Inputs)) {
		path, err := emptyParquet(tmp, id, l.Inputs[id])
		if err == nil {
			err = d.viewParquet(ctx, id, path)
		}
		if err != nil {
			errs = append(errs, &DefError{File: defs[0].File, Path: "inputs", Msg: fmt.Sprintf("%s: %v", id, err)})
		}
	}
	errs = append(errs, l.indicatorViews(ctx, d, tmp, defs)...)
	if err := defs[0].Prelude.create(ctx, d, true); err != nil {
		errs = append(errs, asDefError(defs[0].Prelude.File, err))
	}
	for _, def := range defs {
		errs = append(errs, d.prepare(ctx, def)...)
	}
	return errs
}

// emptyParquet writes an empty release of dataset under dir and returns
// the path of its data.parquet.
func emptyParquet(dir, dataset string, s *schemas.Schema) (string, error) {
	r, err := output.NewRelease(dir, output.DatasetMeta{ID: dataset, Title: dataset}, s, "lint", nil)
	if err != nil {
		return "", err
	}
	p, err := r.Commit(output.Quality{})
	if err != nil {
		r.Abort()
		return "", err
	}
	return filepath.Join(p.Dir, output.FileParquet), nil
}

// prepare checks one query: it must prepare, and its columns must be the
// schema's fields, in order, of compatible types.
func (d *duck) prepare(ctx context.Context, def *Definition) DefErrors {
	query := queryText(def.SQL)
	stmt, err := d.conn.PrepareContext(ctx, query)
	if err != nil {
		return DefErrors{queryError(def, 0, err)}
	}
	stmt.Close()
	cols, err := d.describe(ctx, query)
	if err != nil {
		return DefErrors{queryError(def, 1, err)}
	}
	var errs DefErrors
	if def.TableSchema != nil {
		if msg := checkResultColumns(def.TableSchema, cols); msg != "" {
			errs = append(errs, &DefError{File: def.SQLFile, Line: 1, Col: 1, Msg: msg})
		}
	}
	auditsNode := yamldef.ValueNode(def.node, "audits")
	for i, a := range def.Audits {
		if a.Where == "" {
			continue
		}
		q := "SELECT count(*) FROM (\n" + query + "\n) AS resultat WHERE " + a.Where
		if st, err := d.conn.PrepareContext(ctx, q); err != nil {
			n := yamldef.ValueNode(yamldef.SeqItem(auditsNode, i), "where")
			e := &DefError{File: def.File, Path: fmt.Sprintf("audits[%d].where", i), Msg: withoutPosition(err)}
			if n != nil {
				e.Line, e.Col = n.Line, n.Column
			}
			errs = append(errs, e)
		} else {
			st.Close()
		}
	}
	return errs
}

// queryText is the query of a .sql file as DuckDB runs it: without the
// final semicolon, so that it can be wrapped.
func queryText(sql string) string {
	return strings.TrimRight(strings.TrimRightFunc(sql, isSpace), ";")
}

func isSpace(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '\r' }

// column is a column of a query's result, as DESCRIBE gives it.
type resultColumn struct{ name, typ string }

// describe returns the columns of the result of query. DuckDB sees the
// query one line down.
func (d *duck) describe(ctx context.Context, query string) ([]resultColumn, error) {
	rows, err := d.conn.QueryContext(ctx, "DESCRIBE\n"+query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var cols []resultColumn
	for rows.Next() {
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		cols = append(cols, resultColumn{name: fmt.Sprint(vals[0]), typ: fmt.Sprint(vals[1])})
	}
	return cols, rows.Err()
}

// checkResultColumns says how the columns of a result differ from the
// schema's fields, "" when they match.
func checkResultColumns(s *schemas.Schema, cols []resultColumn) string {
	var got, want []string
	for _, c := range cols {
		got = append(got, c.name)
	}
	for _, f := range s.Fields {
		want = append(want, f.Name)
	}
	if !slices.Equal(got, want) {
		return fmt.Sprintf("la requête renvoie les colonnes (%s), le schéma déclare (%s) dans cet ordre", strings.Join(got, ", "), strings.Join(want, ", "))
	}
	var bad []string
	for i, c := range cols {
		if typ := s.Fields[i].Type; !compatible(typ, c.typ) {
			bad = append(bad, fmt.Sprintf("%s est de type %s, le schéma dit %s", c.name, c.typ, typeOrString(typ)))
		}
	}
	if len(bad) > 0 {
		return "types de colonnes : " + strings.Join(bad, " ; ")
	}
	return ""
}

func typeOrString(t string) string {
	if t == "" {
		return "string"
	}
	return t
}

var (
	duckIntegers = []string{"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"}
	duckFloats   = []string{"FLOAT", "DOUBLE"}
)

// compatible reports whether a result column of DuckDB type duckType can
// fill a field of Table Schema type typ.
func compatible(typ, duckType string) bool {
	if duckType == `"NULL"` || duckType == "NULL" || typ == "any" {
		return true
	}
	isInt := slices.Contains(duckIntegers, duckType)
	isNum := isInt || slices.Contains(duckFloats, duckType) || strings.HasPrefix(duckType, "DECIMAL")
	switch typ {
	case "integer", "year":
		return isInt
	case "number":
		return isNum
	case "boolean":
		return duckType == "BOOLEAN"
	case "date":
		return duckType == "DATE"
	case "datetime":
		return strings.HasPrefix(duckType, "TIMESTAMP")
	case "time":
		return duckType == "TIME"
	default:
		return duckType == "VARCHAR"
	}
}

// asDefError returns err as a DefError of file.
func asDefError(file string, err error) *DefError {
	if de, ok := err.(*DefError); ok {
		return de
	}
	return &DefError{File: file, Msg: err.Error()}
}

// indicatorViews creates the views of the indicators defs read, over empty
// Parquet files written from those indicators' declared output schemas.
func (l *Loader) indicatorViews(ctx context.Context, d *duck, tmp string, defs []*Definition) DefErrors {
	byID := indexByID(slices.Concat(l.known, defs))
	made := map[string]bool{}
	var errs DefErrors
	for _, def := range defs {
		for _, id := range def.Inputs.Indicators {
			up := byID[id]
			if made[id] || up == nil || up.TableSchema == nil {
				continue
			}
			made[id] = true
			path, err := emptyParquet(tmp, id, up.TableSchema)
			if err == nil {
				err = d.viewParquet(ctx, id, path)
			}
			if err != nil {
				errs = append(errs, &DefError{File: def.File, Path: "inputs.indicators", Msg: fmt.Sprintf("%s: %v", id, err)})
			}
		}
	}
	return errs
}
