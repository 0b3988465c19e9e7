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

	labels []string // header labels by column (nil without a header)
	// absentRequired are the required or primary-key fields without a
	// column: every row lacks their value.
	absentRequired []int
	fks            []tableFK
	pending        []pendingFK // rows whose self-reference is not resolved yet
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

// Schema returns the schema the table validates against.
func (t *Table) Schema() *Schema { return t.s }

func (t *Table) digest() hashKey {
	return hashKey{maphash.Bytes(t.seeds[0], t.key), maphash.Bytes(t.seeds[1], t.key)}
}

func (t *Table) matchPattern(fi int, cf *compiledField, cell string) bool {
	if fi < 0 {
		return cf.pattern.MatchString(cell) // an array item: no memo
	}
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
	errs = t.headerGaps(row, line, cells, errs)
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
		if cf.replace != nil {
			cell = cf.replace.Replace(cell)
		}
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
				Value: cell, Message: msgTypeOrRange(cf, cell)})
			pkComplete = pkComplete && !cf.inPK
			continue
		}
		t.values[fi] = v
		errs = t.checkConstraints(fi, cf, row, line, col, cell, v, errs)
		if cf.item != nil {
			errs = t.checkArrayItems(cf, row, line, col, v, errs)
		}
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
	if len(t.fks) > 0 {
		errs = t.checkForeignKeys(row, line, cells, errs)
	}
	return t.values, errs
}

// headerGaps reports what the header makes missing in a row: the cells of
// the columns a short row lacks that no field reads (those of fields are
// reported with their field), and the value of each required field the
// header has no column for.
func (t *Table) headerGaps(row, line int, cells []string, errs []Error) []Error {
	for col := len(cells); col < t.width && t.labels != nil; col++ {
		if t.colField[col] < 0 {
			errs = append(errs, Error{Code: CodeMissingCell, Row: row, Line: line, FieldNumber: col + 1,
				Message: msgMissingColumnCell(t.labels[col], col+1)})
		}
	}
	for _, fi := range t.absentRequired {
		name := t.s.Fields[fi].Name
		errs = append(errs, Error{Code: CodeConstraintError, Row: row, Line: line, Field: name,
			Constraint: "required", Message: msgAbsentRequired(name)})
	}
	return errs
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
