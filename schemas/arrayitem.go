package schemas

import (
	"encoding/json"
	"strconv"
)

// checkArrayItems casts and checks each item of an array value with the
// field's arrayItem. A string item is cast from its text, any other item
// from its JSON text (42, true, {"a":1}); a null item is a missing value.
func (t *Table) checkArrayItems(cf *compiledField, row, line, col int, v Value, errs []Error) []Error {
	raw, ok := v.(json.RawMessage)
	if !ok {
		return errs
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return errs
	}
	ic := cf.item
	for i, it := range items {
		cell := string(it)
		var str string
		if len(it) > 0 && it[0] == '"' && json.Unmarshal(it, &str) == nil {
			cell = str
		}
		at := "élément " + strconv.Itoa(i+1) + " : "
		if cell == "null" || ic.isMissing(cell) {
			if ic.required {
				errs = append(errs, Error{Code: CodeConstraintError, Row: row, Line: line, Field: cf.name, FieldNumber: col + 1,
					Value: cell, Constraint: "required", Message: at + msgRequired(ic.name)})
			}
			continue
		}
		iv, ok := ic.spec.cast(cell)
		if !ok {
			errs = append(errs, Error{Code: CodeTypeError, Row: row, Line: line, Field: cf.name, FieldNumber: col + 1,
				Value: cell, Message: at + msgTypeOrRange(ic, cell)})
			continue
		}
		n := len(errs)
		errs = t.checkConstraints(-1, ic, row, line, col, cell, iv, errs)
		for j := n; j < len(errs); j++ {
			errs[j].Field = cf.name
			errs[j].Message = at + errs[j].Message
		}
	}
	return errs
}
