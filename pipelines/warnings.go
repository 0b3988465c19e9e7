package pipelines

import (
	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

// mapCells fills the cells of a record from the field mappings and starts
// the record's warnings with those of the transforms.
func (n *normaliser) mapCells(rec connectors.Record, row int) {
	n.warnings = n.warnings[:0]
	for k, name := range n.def.Order {
		fi, fm := n.order[k], &n.maps[k]
		var w *cellWarning
		n.cells[fi], w = fm.apply(rec.Fields, n.runDate)
		if w != nil {
			n.warnings = append(n.warnings, schemas.Error{Code: w.Code, Row: row, Line: rec.Line, Field: name,
				FieldNumber: fi + 1, Value: w.Value, Message: w.Message})
		}
	}
}

// checkPosition applies the pipeline's check of coordinates to the cells:
// errors reject the row, warnings join the record's.
func (n *normaliser) checkPosition(row, line int) []schemas.Error {
	if n.def.coords == nil {
		return nil
	}
	errs, warns := n.def.coords.apply(n.cells, row, line, n.def.TableSchema)
	n.warnings = append(n.warnings, warns...)
	return errs
}

// addWarnings writes warnings.csv into the release when rows have
// warnings.
func addWarnings(rel *output.Release, w *output.Warnings) error {
	if w.Rows == 0 {
		return nil
	}
	return rel.AddFile(output.FileWarnings, output.MediaTypeCSV, w.CSV())
}
