// Package colprofile describes the columns of a published release: for
// each column its nulls, distinct values, minimum and maximum and most
// frequent values. The profile is computed once, when a release is
// published (package output writes it as profile.json beside the data),
// and read by every page that shows it: Profile is the one type of that
// file, for its writer and its readers.
package colprofile

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ligerdata/ligerdata/internal/duck"
)

// FileName is the name of the profile in a release folder.
const FileName = "profile.json"

// TopValues is the number of most frequent values kept per column.
const TopValues = 5

// maxFileBytes bounds a profile file Read loads.
const maxFileBytes = 8 << 20

// Profile is the content of profile.json.
type Profile struct {
	// Rows is the number of rows of data.parquet.
	Rows    int64    `json:"rows"`
	Columns []Column `json:"columns"`
}

// Column is the profile of one column of data.parquet, in file order.
type Column struct {
	Name string `json:"name"`
	// Type is the column's DuckDB type (VARCHAR, DOUBLE, DATE, VARCHAR[]…).
	Type     string `json:"type"`
	Nulls    int64  `json:"nulls"`
	Distinct int64  `json:"distinct"`
	// Min and Max are the smallest and largest values as text, for the
	// columns whose values are ordered (not lists, geometries nor binary);
	// nil when every value is null.
	Min *string `json:"min,omitempty"`
	Max *string `json:"max,omitempty"`
	// Top are the most frequent non-null values seen more than once, most
	// frequent first (ties by value); empty when every value is unique.
	Top []Value `json:"top,omitempty"`
}

// Value is one frequent value and its number of rows.
type Value struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// Read loads a profile file.
func Read(path string) (*Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("colprofile: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("colprofile: read %s: %w", path, err)
	}
	if len(b) > maxFileBytes {
		return nil, fmt.Errorf("colprofile: %s is larger than %d bytes", path, maxFileBytes)
	}
	var p Profile
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("colprofile: decode %s: %w", path, err)
	}
	return &p, nil
}

// Compute profiles the Parquet file at path in an embedded DuckDB bounded
// by lim: one scan for the counts, minima and maxima of every column, then
// one grouping per column whose values repeat for its top values.
func Compute(ctx context.Context, path string, lim duck.Limits) (*Profile, error) {
	db, err := duck.Open(lim, nil)
	if err != nil {
		return nil, fmt.Errorf("colprofile: %w", err)
	}
	defer db.Close()
	cols, err := describe(ctx, db, path)
	if err != nil {
		return nil, err
	}
	p := &Profile{Columns: cols}
	if err := counts(ctx, db, path, p); err != nil {
		return nil, err
	}
	for i := range p.Columns {
		c := &p.Columns[i]
		if !ordered(c.Type) || c.Distinct == 0 || c.Distinct == p.Rows-c.Nulls {
			continue
		}
		if c.Top, err = top(ctx, db, path, c.Name); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// describe lists the columns of the file with their types.
func describe(ctx context.Context, db *sql.DB, path string) ([]Column, error) {
	rows, err := db.QueryContext(ctx, "DESCRIBE SELECT * FROM read_parquet(?)", path)
	if err != nil {
		return nil, fmt.Errorf("colprofile: describe %s: %w", path, err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("colprofile: describe %s: %w", path, err)
	}
	var out []Column
	for rows.Next() {
		vals := make([]sql.NullString, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("colprofile: describe %s: %w", path, err)
		}
		out = append(out, Column{Name: vals[0].String, Type: vals[1].String})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("colprofile: describe %s: %w", path, err)
	}
	return out, nil
}

// counts fills Rows and every column's nulls, distinct values, minimum and
// maximum, a column at a time: each column's values are grouped (DuckDB
// spills a grouping beyond its memory limit, where count(DISTINCT …) of
// every column at once ran out of memory from about 100k rows of the
// national places schema), and the figures are read from the groups.
func counts(ctx context.Context, db *sql.DB, path string, p *Profile) error {
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM read_parquet(?)", path).Scan(&p.Rows); err != nil {
		return fmt.Errorf("colprofile: count %s: %w", path, err)
	}
	for i := range p.Columns {
		if err := columnCounts(ctx, db, path, &p.Columns[i]); err != nil {
			return err
		}
	}
	return nil
}

// columnCounts fills one column's nulls, distinct values, minimum and
// maximum.
func columnCounts(ctx context.Context, db *sql.DB, path string, c *Column) error {
	exprs := "coalesce(sum(n) FILTER (WHERE v IS NULL), 0)::BIGINT, count(*) FILTER (WHERE v IS NOT NULL)"
	var lo, hi sql.NullString
	dest := []any{&c.Nulls, &c.Distinct}
	if ordered(c.Type) {
		exprs += ", min(v)::VARCHAR, max(v)::VARCHAR"
		dest = append(dest, &lo, &hi)
	}
	q := "WITH g AS (SELECT " + quote(c.Name) + " AS v, count(*) AS n FROM read_parquet(?) GROUP BY 1) SELECT " + exprs + " FROM g"
	if err := db.QueryRowContext(ctx, q, path).Scan(dest...); err != nil {
		return fmt.Errorf("colprofile: count %s of %s: %w", c.Name, path, err)
	}
	if lo.Valid {
		c.Min, c.Max = &lo.String, &hi.String
	}
	return nil
}

// top returns the most frequent values of a column seen more than once.
func top(ctx context.Context, db *sql.DB, path, name string) ([]Value, error) {
	q := quote(name)
	rows, err := db.QueryContext(ctx, "SELECT "+q+"::VARCHAR AS v, count(*) AS n FROM read_parquet(?) WHERE "+q+
		" IS NOT NULL GROUP BY 1 HAVING count(*) > 1 ORDER BY n DESC, v LIMIT "+fmt.Sprint(TopValues), path)
	if err != nil {
		return nil, fmt.Errorf("colprofile: top values of %s: %w", name, err)
	}
	defer rows.Close()
	var out []Value
	for rows.Next() {
		var v Value
		if err := rows.Scan(&v.Value, &v.Count); err != nil {
			return nil, fmt.Errorf("colprofile: top values of %s: %w", name, err)
		}
		out = append(out, v)
	}
	return out, errors.Join(rows.Err())
}

// ordered reports whether a DuckDB type has meaningful minima, maxima and
// frequent values: scalars, not lists, structures, maps nor binary.
func ordered(typ string) bool {
	t := strings.ToUpper(typ)
	switch {
	case strings.HasSuffix(t, "]"), strings.HasPrefix(t, "STRUCT"), strings.HasPrefix(t, "MAP"),
		strings.HasPrefix(t, "UNION"), t == "BLOB", strings.HasPrefix(t, "GEOMETRY"):
		return false
	}
	return true
}

// quote quotes a column name as a DuckDB identifier.
func quote(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
