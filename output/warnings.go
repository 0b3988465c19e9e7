package output

import (
	"bytes"
	"encoding/csv"
	"strconv"

	"github.com/ligerdata/ligerdata/schemas"
)

// FileWarnings is the file of a release that lists the warnings of the rows
// it publishes: rows kept but doubtful (a value dropped because it could
// not be converted, a repaired pair of coordinates), for the producer.
const FileWarnings = "warnings.csv"

// WarningsHeader is the header of warnings.csv.
var WarningsHeader = []string{"line", "row", "field", "value", "code", "message"}

// Warnings counts the warnings of a run; a row with warnings is accepted.
// All is every warning, in row order, for warnings.csv.
type Warnings struct {
	Rows    int // rows with at least one warning
	ByCode  map[string]int
	ByField map[string]int
	All     []schemas.Error
}

// Add records the warnings of one accepted row; none does nothing.
func (w *Warnings) Add(ws []schemas.Error) {
	if len(ws) == 0 {
		return
	}
	if w.ByCode == nil {
		w.ByCode, w.ByField = map[string]int{}, map[string]int{}
	}
	w.Rows++
	for _, e := range ws {
		w.ByCode[e.Code]++
		if e.Field != "" {
			w.ByField[e.Field]++
		}
	}
	w.All = append(w.All, ws...)
}

// CSV renders the warnings as warnings.csv (UTF-8, comma, RFC 4180).
func (w *Warnings) CSV() []byte {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	_ = cw.Write(WarningsHeader) // a bytes.Buffer does not fail
	for _, e := range w.All {
		_ = cw.Write([]string{strconv.Itoa(e.Line), strconv.Itoa(e.Row), e.Field, e.Value, e.Code, e.Message})
	}
	cw.Flush()
	return b.Bytes()
}
