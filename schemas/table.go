package schemas

import (
	"hash/maphash"
	"strings"
)

// patternCacheSize bounds the per-field memo of pattern results; the memo
// is cleared when full. Cells longer than patternCacheMaxLen are not memoised.
//
// The memo adapts to each field: it is judged over windows of
// patternMemoWindow lookups, and a field whose memo answered fewer than half
// of a window's lookups (a field of unique values: identifiers, telephones,
// e-mails) runs its regexp directly for the next patternMemoPause cells,
// since hashing a short unique string into a churning map costs more than
// matching it. The memo is then tried again, so a file whose values change
// character part-way is still served well.
const (
	patternCacheSize   = 4096
	patternCacheMaxLen = 256
	patternMemoWindow  = 1024
	patternMemoPause   = 16 * patternMemoWindow
)

// patternMemo remembers the pattern results of one field's cells while it
// pays off (see patternCacheSize).
type patternMemo struct {
	m      map[string]bool
	n      int // lookups in the current window (memo on) or cells left to skip (memo off)
	hits   int // memo hits in the current window
	paused bool
}

// hashKey is a 128-bit digest of a unique or primary-key value: the tables
// keep digests, not the values, so that their memory stays small and fixed
// per distinct key. A false duplicate would need a 128-bit collision.
type hashKey [2]uint64

// Table validates rows of one table against a schema. It keeps the state
// needed for unique and primaryKey checks; memory for that state is bounded
// per distinct key (it stores 128-bit hashes, not the strings). Not safe for
// concurrent use.
type Table struct {
	s        *Schema
	colField []int // header column -> field index, -1 when ignored
	fieldCol []int // field index -> header column, -1 when missing
	width    int   // number of header columns

	values   []Value
	patterns []patternMemo
	uniques  []map[hashKey]int // field index -> digest -> first row (nil when not unique)
	pk       map[hashKey]int
	pkOK     bool // every primary-key field has a column
	// pkUnique is set when the primary key is one field that is also
	// unique: both checks then see the same rows and the same digests, so
	// the unique table serves the primary-key check too (pk is nil).
	pkUnique bool
	seeds    [2]maphash.Seed
	key      []byte
	boxes    stringBoxer // boxes the values of plain string fields
}

// cleanLabel trims a UTF-8 BOM, surrounding spaces and surrounding double
// quotes from a header label.
func cleanLabel(l string) string {
	l = strings.TrimPrefix(l, "\ufeff")
	l = strings.TrimSpace(l)
	if len(l) >= 2 && l[0] == '"' && l[len(l)-1] == '"' {
		l = strings.ReplaceAll(l[1:len(l)-1], `""`, `"`)
		l = strings.TrimSpace(l)
	}
	return l
}

// NewTable maps a header to the schema's fields by name (order may differ;
// a header may quote some names and not others, trims a UTF-8 BOM and
// surrounding spaces). Missing labels of fields are missing-label errors;
// unknown labels are extra-label errors (their cells are ignored);
// duplicate and blank labels are errors too. A label equal to a field name
// but for case is mapped to that field with an incorrect-label error. A nil
// header means cells come in schema field order. Header errors have Row 1.
// It panics when s was not made by Parse or Load.
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
		t.width = len(header)
		t.colField = make([]int, len(header))
		for i := range t.fieldCol {
			t.fieldCol[i] = -1
		}
		labels := make([]string, len(header))
		firstCol := map[string]int{}
		for j, raw := range header {
			t.colField[j] = -1
			l := cleanLabel(raw)
			labels[j] = l
			if l == "" {
				errs = append(errs, Error{Code: CodeBlankLabel, Row: 1, FieldNumber: j + 1, Message: msgBlankLabel(j + 1)})
				continue
			}
			if first, dup := firstCol[l]; dup {
				errs = append(errs, Error{Code: CodeDuplicateLabel, Row: 1, FieldNumber: j + 1, Value: l, Field: l,
					Message: msgDuplicateLabel(l, j+1, first+1)})
				labels[j] = ""
				continue
			}
			firstCol[l] = j
			if fi := s.FieldIndex(l); fi >= 0 {
				t.fieldCol[fi], t.colField[j] = j, fi
				labels[j] = ""
			}
		}
		// Second pass: labels that match a field only when ignoring case.
		for j, l := range labels {
			if l == "" {
				continue
			}
			mapped := false
			for fi, f := range s.Fields {
				if t.fieldCol[fi] < 0 && strings.EqualFold(l, f.Name) {
					t.fieldCol[fi], t.colField[j] = j, fi
					errs = append(errs, Error{Code: CodeIncorrectLabel, Row: 1, FieldNumber: j + 1, Field: f.Name, Value: l,
						Message: msgIncorrectLabel(l, f.Name, j+1)})
					mapped = true
					break
				}
			}
			if !mapped {
				errs = append(errs, Error{Code: CodeExtraLabel, Row: 1, FieldNumber: j + 1, Value: l, Message: msgExtraLabel(l, j+1)})
			}
		}
		for fi, f := range s.Fields {
			if t.fieldCol[fi] < 0 {
				errs = append(errs, Error{Code: CodeMissingLabel, Row: 1, Field: f.Name, Message: msgMissingLabel(f.Name)})
			}
		}
	}
	t.pkOK = len(s.pkIdx) > 0
	for _, fi := range s.pkIdx {
		if t.fieldCol[fi] < 0 {
			t.pkOK = false
		}
	}
	return t, errs
}

// Schema returns the schema the table validates against.
func (t *Table) Schema() *Schema { return t.s }

func (t *Table) digest() hashKey {
	return hashKey{maphash.Bytes(t.seeds[0], t.key), maphash.Bytes(t.seeds[1], t.key)}
}

func (t *Table) matchPattern(fi int, cf *compiledField, cell string) bool {
	if cf.fastPattern != nil {
		// Cheaper than a memo lookup.
		return cf.fastPattern.match(cell)
	}
	if len(cell) > patternCacheMaxLen {
		return cf.pattern.MatchString(cell)
	}
	pm := &t.patterns[fi]
	if pm.paused {
		pm.n--
		if pm.n <= 0 {
			pm.paused, pm.n, pm.hits = false, 0, 0
		}
		return cf.pattern.MatchString(cell)
	}
	pm.n++
	if pm.n >= patternMemoWindow {
		if pm.hits < patternMemoWindow/2 {
			// Mostly distinct values: stop memoising for a while.
			pm.paused, pm.n = true, patternMemoPause
			clear(pm.m)
			return cf.pattern.MatchString(cell)
		}
		pm.n, pm.hits = 0, 0
	}
	if r, ok := pm.m[cell]; ok {
		pm.hits++
		return r
	}
	r := cf.pattern.MatchString(cell)
	if len(pm.m) >= patternCacheSize {
		clear(pm.m)
	}
	pm.m[strings.Clone(cell)] = r
	return r
}

// Row casts and checks one row. cells are raw strings as read (the slice is
// not retained after return); values come back in schema field order
// (len == len(Fields)): values[i] is nil when the cell is missing, absent
// or not of the field's type. The values slice is reused by the next call
// to Row: copy it to keep it. errs is empty when the row is valid.
// All problems of the row are reported, not only the first. A row whose
// cells are all empty is a blank-row (and nothing else). Fewer cells than
// the header: missing-cell; more: extra-cell.
func (t *Table) Row(row, line int, cells []string) (values []Value, errs []Error) {
	clear(t.values)
	blank := true
	for _, c := range cells {
		if c != "" {
			blank = false
			break
		}
	}
	if blank {
		return t.values, []Error{{Code: CodeBlankRow, Row: row, Line: line, Message: msgBlankRow()}}
	}
	for col := t.width; col < len(cells); col++ {
		errs = append(errs, Error{Code: CodeExtraCell, Row: row, Line: line, FieldNumber: col + 1, Value: cells[col],
			Message: msgExtraCell(cells[col], col+1)})
	}
	pkComplete := t.pkOK
	pkFirst, pkDup := 0, false // unique-table verdict for the primary key when pkUnique
	for fi, cf := range t.s.compiled {
		col := t.fieldCol[fi]
		if col < 0 {
			continue
		}
		if col >= len(cells) {
			errs = append(errs, Error{Code: CodeMissingCell, Row: row, Line: line, Field: cf.name, FieldNumber: col + 1,
				Message: msgMissingCell(cf.name, col+1)})
			pkComplete = pkComplete && !cf.inPK
			continue
		}
		cell := cells[col]
		if cf.isMissing(cell) {
			if cf.required || cf.inPK {
				errs = append(errs, Error{Code: CodeConstraintError, Row: row, Line: line, Field: cf.name, FieldNumber: col + 1,
					Value: cell, Constraint: "required", Message: msgRequired(cf.name)})
			}
			pkComplete = pkComplete && !cf.inPK
			continue
		}
		var v Value
		ok := true
		if cf.spec.identity {
			v = t.boxes.box(cell)
		} else {
			v, ok = cf.spec.cast(cell)
		}
		if !ok {
			errs = append(errs, Error{Code: CodeTypeError, Row: row, Line: line, Field: cf.name, FieldNumber: col + 1,
				Value: cell, Message: msgType(cf, cell)})
			pkComplete = pkComplete && !cf.inPK
			continue
		}
		t.values[fi] = v
		errs = t.checkConstraints(fi, cf, row, line, col, cell, v, errs)
		if cf.unique {
			t.key = appendKey(t.key[:0], v)
			d := t.digest()
			first, dup := t.uniques[fi][d]
			if dup {
				errs = append(errs, Error{Code: CodeUniqueError, Row: row, Line: line, Field: cf.name, FieldNumber: col + 1,
					Value: cell, Constraint: "unique", Message: msgUnique(cf.name, cell, first)})
			} else {
				t.uniques[fi][d] = row
			}
			if cf.inPK {
				pkFirst, pkDup = first, dup
			}
		}
	}
	if pkComplete {
		first, dup := pkFirst, pkDup
		if !t.pkUnique {
			t.key = t.key[:0]
			for _, fi := range t.s.pkIdx {
				t.key = appendKey(t.key, t.values[fi])
			}
			d := t.digest()
			if first, dup = t.pk[d]; !dup {
				t.pk[d] = row
			}
		}
		if dup {
			parts := make([]string, len(t.s.pkIdx))
			for i, fi := range t.s.pkIdx {
				parts[i] = cells[t.fieldCol[fi]]
			}
			shown := strings.Join(parts, ", ")
			first0 := t.s.pkIdx[0]
			errs = append(errs, Error{Code: CodePrimaryKey, Row: row, Line: line, Field: t.s.Fields[first0].Name,
				FieldNumber: t.fieldCol[first0] + 1, Value: shown, Message: msgPrimaryKey(t.s.PrimaryKey, shown, first)})
		}
	}
	return t.values, errs
}

// checkConstraints applies length, pattern, enum and bound constraints to a
// cast value.
func (t *Table) checkConstraints(fi int, cf *compiledField, row, line, col int, cell string, v Value, errs []Error) []Error {
	mk := func(constraint, msg string) Error {
		return Error{Code: CodeConstraintError, Row: row, Line: line, Field: cf.name, FieldNumber: col + 1,
			Value: cell, Constraint: constraint, Message: msg}
	}
	if (cf.minLen >= 0 || cf.maxLen >= 0) && !lengthSurelyIn(cf, v) {
		n := length(v)
		if cf.minLen >= 0 && n < cf.minLen {
			errs = append(errs, mk("minLength", msgLength(cf, cell, n, false)))
		}
		if cf.maxLen >= 0 && n > cf.maxLen {
			errs = append(errs, mk("maxLength", msgLength(cf, cell, n, true)))
		}
	}
	if cf.pattern != nil && !t.matchPattern(fi, cf, cell) {
		errs = append(errs, mk("pattern", msgPattern(cf, cell)))
	}
	if cf.enum != nil {
		t.key = appendKey(t.key[:0], v)
		if _, ok := cf.enum[string(t.key)]; !ok {
			errs = append(errs, mk("enum", msgEnum(cf, cell)))
		}
	}
	if cf.hasBounds {
		for i, b := range cf.bounds {
			if b == nil {
				continue
			}
			c, ok := compare(v, b)
			if !ok {
				errs = append(errs, mk(cf.boundNames[i], msgBound(cf, cell, i)))
				continue
			}
			var bad bool
			switch i {
			case 0:
				bad = c < 0
			case 1:
				bad = c > 0
			case 2:
				bad = c <= 0
			default:
				bad = c >= 0
			}
			if bad {
				errs = append(errs, mk(cf.boundNames[i], msgBound(cf, cell, i)))
			}
		}
	}
	return errs
}
