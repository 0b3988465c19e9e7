package schemas

import (
	"hash/maphash"
	"strings"
)

// How the header of a data source is matched to the schema's fields
// (fieldsMatch, Table Schema v2).
const (
	// FieldsMatchExact: the same fields, mapped by their order.
	FieldsMatchExact = "exact"
	// FieldsMatchEqual: the same fields, mapped by their names.
	FieldsMatchEqual = "equal"
	// FieldsMatchSubset: every field of the schema, and maybe more columns.
	FieldsMatchSubset = "subset"
	// FieldsMatchSuperset: only fields of the schema, maybe not all.
	FieldsMatchSuperset = "superset"
	// FieldsMatchPartial: at least one field of the schema.
	FieldsMatchPartial = "partial"
)

var fieldsMatchModes = map[string]bool{FieldsMatchExact: true, FieldsMatchEqual: true,
	FieldsMatchSubset: true, FieldsMatchSuperset: true, FieldsMatchPartial: true}

// NewTable maps a header to the schema's fields as the schema's fieldsMatch
// says. Without fieldsMatch (a Table Schema v1 descriptor) the header is
// read as "equal": every field must have a column, found by name in any
// order, and every column must be a field. "exact" maps by position,
// "subset" allows columns the schema does not describe, "superset" allows
// fields without a column, "partial" both but asks for at least one field.
//
// By name, a header may quote some names and not others, and a UTF-8 BOM and
// surrounding spaces are trimmed. Fields without a column are missing-label
// errors, unknown labels extra-label errors (their cells are ignored),
// duplicate and blank labels are errors too, unless the mode allows them. A
// label equal to a field name but for case is mapped to that field with an
// incorrect-label error; by position, any label that is not the name of the
// field at its position is one. A required or primary-key field without a
// column makes every row invalid (constraint-error "required"). A nil header
// means cells come in schema field order. Header errors have Row 1. It
// panics when s was not made by Parse or Load.
func (s *Schema) NewTable(header []string) (*Table, []Error) {
	n := len(s.Fields)
	if len(s.compiled) != n {
		panic("schemas: NewTable on a Schema that was not made by Parse or Load")
	}
	t := &Table{
		s:        s,
		fieldCol: make([]int, n),
		values:   make([]Value, n),
		patterns: make([]patternMemo, n),
		uniques:  make([]map[hashKey]int, n),
		seeds:    [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
	}
	for i, cf := range s.compiled {
		if cf.pattern != nil && cf.fastPattern == nil {
			t.patterns[i].m = make(map[string]bool)
		}
		if cf.unique {
			t.uniques[i] = make(map[hashKey]int)
		}
	}
	if len(s.pkIdx) == 1 && s.compiled[s.pkIdx[0]].unique {
		t.pkUnique = true
	} else if len(s.pkIdx) > 0 {
		t.pk = make(map[hashKey]int)
	}
	var errs []Error
	if header == nil {
		t.width = n
		t.colField = make([]int, n)
		for i := range t.fieldCol {
			t.fieldCol[i], t.colField[i] = i, i
		}
	} else {
		errs = t.mapHeader(header)
	}
	t.pkOK = len(s.pkIdx) > 0
	for _, fi := range s.pkIdx {
		if t.fieldCol[fi] < 0 {
			t.pkOK = false
		}
	}
	for fi, cf := range s.compiled {
		if t.fieldCol[fi] < 0 && (cf.required || cf.inPK) {
			t.absentRequired = append(t.absentRequired, fi)
		}
	}
	t.initForeignKeys()
	return t, errs
}

// mapHeader fills colField and fieldCol from the header labels and returns
// the header errors, following the schema's fieldsMatch.
func (t *Table) mapHeader(header []string) []Error {
	s := t.s
	mode := s.FieldsMatch
	t.width = len(header)
	t.colField = make([]int, len(header))
	t.labels = make([]string, len(header))
	for i := range t.fieldCol {
		t.fieldCol[i] = -1
	}
	var errs []Error
	unmatched := make([]string, len(header)) // labels not yet mapped, "" once mapped or in error
	firstCol := map[string]int{}
	for j, raw := range header {
		t.colField[j] = -1
		l := cleanLabel(raw)
		t.labels[j] = l
		unmatched[j] = l
		if l == "" {
			errs = append(errs, Error{Code: CodeBlankLabel, Row: 1, FieldNumber: j + 1, Message: msgBlankLabel(j + 1)})
			continue
		}
		if first, dup := firstCol[l]; dup {
			errs = append(errs, Error{Code: CodeDuplicateLabel, Row: 1, FieldNumber: j + 1, Value: l, Field: l,
				Message: msgDuplicateLabel(l, j+1, first+1)})
			unmatched[j] = ""
			continue
		}
		firstCol[l] = j
		if mode == FieldsMatchExact {
			if j < len(s.Fields) {
				t.fieldCol[j], t.colField[j] = j, j
				if l != s.Fields[j].Name {
					errs = append(errs, Error{Code: CodeIncorrectLabel, Row: 1, FieldNumber: j + 1, Field: s.Fields[j].Name, Value: l,
						Message: msgIncorrectLabel(l, s.Fields[j].Name, j+1)})
				}
				unmatched[j] = ""
			}
			continue
		}
		if fi := s.FieldIndex(l); fi >= 0 {
			t.fieldCol[fi], t.colField[j] = j, fi
			unmatched[j] = ""
		}
	}
	// Labels that match a field only when ignoring case, then the rest.
	for j, l := range unmatched {
		if l == "" {
			continue
		}
		if mode != FieldsMatchExact {
			if fi := t.caseInsensitiveField(l); fi >= 0 {
				t.fieldCol[fi], t.colField[j] = j, fi
				errs = append(errs, Error{Code: CodeIncorrectLabel, Row: 1, FieldNumber: j + 1, Field: s.Fields[fi].Name, Value: l,
					Message: msgIncorrectLabel(l, s.Fields[fi].Name, j+1)})
				continue
			}
		}
		if mode != FieldsMatchSubset && mode != FieldsMatchPartial {
			errs = append(errs, Error{Code: CodeExtraLabel, Row: 1, FieldNumber: j + 1, Value: l, Message: msgExtraLabel(l, j+1)})
		}
	}
	mapped := 0
	for fi, f := range s.Fields {
		if t.fieldCol[fi] >= 0 {
			mapped++
		} else if mode != FieldsMatchSuperset && mode != FieldsMatchPartial {
			errs = append(errs, Error{Code: CodeMissingLabel, Row: 1, Field: f.Name, Message: msgMissingLabel(f.Name)})
		}
	}
	if mode == FieldsMatchPartial && mapped == 0 {
		errs = append(errs, Error{Code: CodeMissingLabel, Row: 1, Message: msgNoFieldLabel()})
	}
	return errs
}

func (t *Table) caseInsensitiveField(label string) int {
	for fi, f := range t.s.Fields {
		if t.fieldCol[fi] < 0 && strings.EqualFold(label, f.Name) {
			return fi
		}
	}
	return -1
}
