package indicators

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ligerdata/ligerdata/schemas"
)

// maxRowErrors is how many invalid rows a failed computation names.
const maxRowErrors = 5

// rowReader turns the record batches of a result into rows of schema
// values: each cell is written as canonical text and cast by the schema
// engine, which checks every constraint (required, enum, minimum,
// primary key …) as it does for harvested data.
type rowReader struct {
	table *schemas.Table
	cells []string
	rows  []Row
	errs  []schemas.Error
	bad   int // rows with at least one error
}

func newRowReader(def *Definition) (*rowReader, error) {
	header := make([]string, len(def.TableSchema.Fields))
	for i, f := range def.TableSchema.Fields {
		header[i] = f.Name
	}
	t, herrs := def.TableSchema.NewTable(header)
	if len(herrs) > 0 {
		return nil, herrs[0]
	}
	return &rowReader{table: t, cells: make([]string, len(header))}, nil
}

// add reads one record batch.
func (r *rowReader) add(rec arrow.RecordBatch) error {
	if int(rec.NumCols()) != len(r.cells) {
		return fmt.Errorf("le résultat a %d colonnes, le schéma %d", rec.NumCols(), len(r.cells))
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		for c := range r.cells {
			cell, err := cellText(rec.Column(c), i)
			if err != nil {
				return fmt.Errorf("colonne %s : %w", rec.ColumnName(c), err)
			}
			r.cells[c] = cell
		}
		n := len(r.rows) + 1
		values, errs := r.table.Row(n, n+1, r.cells)
		if len(errs) > 0 {
			r.bad++
			if len(r.errs) < maxRowErrors {
				r.errs = append(r.errs, errs...)
			}
			continue
		}
		r.rows = append(r.rows, append(Row(nil), values...))
	}
	return nil
}

// err is the French error of a result with invalid rows, nil when every
// row is valid.
func (r *rowReader) err() error {
	if r.bad == 0 {
		return nil
	}
	var msgs []string
	for _, e := range r.errs[:min(len(r.errs), maxRowErrors)] {
		msgs = append(msgs, fmt.Sprintf("ligne %d : %s", e.Row, e.Message))
	}
	return fmt.Errorf("%s du résultat ne respecte%s pas le schéma de l'indicateur : %s", lignes(int64(r.bad)), pluralVerb(r.bad), strings.Join(msgs, " ; "))
}

func pluralVerb(n int) string {
	if n > 1 {
		return "nt"
	}
	return ""
}

// cellText writes value i of a column as the text the schema engine casts:
// numbers in plain decimal notation, dates YYYY-MM-DD, times RFC 3339 in
// UTC, booleans true/false, and "" for a null.
func cellText(col arrow.Array, i int) (string, error) {
	if col.IsNull(i) {
		return "", nil
	}
	switch a := col.(type) {
	// Strings are copied out of the batch's memory, released after it.
	case *array.String:
		return strings.Clone(a.Value(i)), nil
	case *array.LargeString:
		return strings.Clone(a.Value(i)), nil
	case *array.StringView:
		return strings.Clone(a.Value(i)), nil
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i)), nil
	case *array.Int8:
		return strconv.FormatInt(int64(a.Value(i)), 10), nil
	case *array.Int16:
		return strconv.FormatInt(int64(a.Value(i)), 10), nil
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10), nil
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10), nil
	case *array.Uint8:
		return strconv.FormatUint(uint64(a.Value(i)), 10), nil
	case *array.Uint16:
		return strconv.FormatUint(uint64(a.Value(i)), 10), nil
	case *array.Uint32:
		return strconv.FormatUint(uint64(a.Value(i)), 10), nil
	case *array.Uint64:
		return strconv.FormatUint(a.Value(i), 10), nil
	case *array.Float32:
		return strconv.FormatFloat(float64(a.Value(i)), 'f', -1, 32), nil
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'f', -1, 64), nil
	case *array.Decimal128, *array.Decimal256:
		return col.ValueStr(i), nil
	case *array.Date32:
		return a.Value(i).FormattedString(), nil
	case *array.Timestamp:
		toTime, err := a.DataType().(*arrow.TimestampType).GetToTimeFunc()
		if err != nil {
			return "", err
		}
		return toTime(a.Value(i)).UTC().Format(time.RFC3339Nano), nil
	}
	return "", fmt.Errorf("type %s non pris en charge (convertir en texte ou en nombre dans la requête)", col.DataType())
}
