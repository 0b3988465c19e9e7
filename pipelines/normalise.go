package pipelines

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/schemas"
)

// normaliser turns source records into schema rows.
type normaliser struct {
	def      *Definition
	table    *schemas.Table
	cells    []string
	runDate  string
	n        int
	communes communeStats
	warnings []schemas.Error // of the last record (see mapCells)
	// order and maps are the schema index and the mapping of each field of
	// def.Order.
	order []int
	maps  []FieldMap
}

func newNormaliser(def *Definition, runDate string) *normaliser {
	t, _ := def.TableSchema.NewTable(nil)
	n := &normaliser{def: def, table: t, cells: make([]string, len(def.TableSchema.Fields)), runDate: runDate}
	for _, name := range def.Order {
		n.order = append(n.order, def.TableSchema.FieldIndex(name))
		n.maps = append(n.maps, def.Fields[name])
	}
	return n
}

// record maps and validates one record. Its row number is its position in
// the source plus one, so that the first record is row 2 as in a CSV with
// a header; errors also carry the record's line in the fetched body.
func (n *normaliser) record(rec connectors.Record) ([]schemas.Value, []schemas.Error) {
	n.n++
	row := n.n + 1
	if msg, bad := rec.Fields[connectors.ErrorField]; bad {
		return nil, []schemas.Error{{Code: "source-error", Row: row, Line: rec.Line, Message: fmt.Sprintf("Ligne %d illisible : %s.", rec.Line, stringOf(msg, "|"))}}
	}
	var extra []schemas.Error
	for k, v := range rec.Fields {
		if strings.HasPrefix(k, connectors.ExtraFieldPrefix) {
			extra = append(extra, schemas.Error{Code: "extra-cell", Row: row, Line: rec.Line, Value: stringOf(v, "|"), Message: fmt.Sprintf("Ligne %d : cellule en trop (colonne %s) sans en-tête.", rec.Line, strings.TrimPrefix(k, connectors.ExtraFieldPrefix))})
		}
	}
	n.def.enrich(rec)
	for i := range n.cells {
		n.cells[i] = ""
	}
	n.mapCells(rec, row)
	n.def.resolveCommune(n.cells, &n.communes)
	posErrs := n.checkPosition(row, rec.Line)
	values, errs := n.table.Row(row, rec.Line, n.cells)
	errs = append(errs, posErrs...)
	if len(extra) > 0 {
		sort.Slice(extra, func(i, j int) bool { return extra[i].Message < extra[j].Message })
		errs = append(errs, extra...)
	}
	return values, errs
}
