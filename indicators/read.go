package indicators

import (
	"fmt"

	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

// Row is one row of an indicator's result, values in the order of the
// definition's schema fields (schemas.Value: string, float64, int64, …;
// nil when missing).
type Row []schemas.Value

// ReadLatest reads the rows of the current release of an indicator, in
// file order (the primary-key order of the query). The error wraps
// fs.ErrNotExist when the indicator has never been published.
func ReadLatest(publicDir string, def *Definition) (release string, rows []Row, err error) {
	release, err = output.CollectionIndicators.Latest(publicDir, def.ID)
	if err != nil {
		return "", nil, fmt.Errorf("indicators: %w", err)
	}
	rows, err = ReadRelease(publicDir, def, release)
	return release, rows, err
}

// ReadRelease reads the rows of one release of an indicator.
func ReadRelease(publicDir string, def *Definition, release string) ([]Row, error) {
	var rows []Row
	err := output.CollectionIndicators.ReadRows(publicDir, def.ID, release, def.TableSchema, func(values []schemas.Value) error {
		rows = append(rows, append(Row(nil), values...))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("indicators: read %s/%s: %w", def.ID, release, err)
	}
	return rows, nil
}

// Value returns the value of column name in r, nil when the schema has no
// such column.
func (def *Definition) Value(r Row, name string) schemas.Value {
	i := def.TableSchema.FieldIndex(name)
	if i < 0 || i >= len(r) {
		return nil
	}
	return r[i]
}
