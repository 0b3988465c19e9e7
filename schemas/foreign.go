package schemas

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// ForeignKey is a foreignKeys entry of a Table Schema: the values of Fields
// must be found among the values of Reference.Fields, in another resource of
// the package or, when Reference.Resource is empty, in the same table. A row
// whose foreign-key fields are all missing is not checked.
type ForeignKey struct {
	Fields    stringList          `json:"fields"`
	Reference ForeignKeyReference `json:"reference"`
}

// ForeignKeyReference is the target of a foreign key.
type ForeignKeyReference struct {
	// Resource names a resource of the data package; "" is the table itself.
	Resource string     `json:"resource,omitempty"`
	Fields   stringList `json:"fields"`
}

// stringList reads a JSON string or array of strings (the two forms the
// spec allows for fields).
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("must be a string or an array of strings")
	}
	*l = many
	return nil
}

// compileForeignKeys checks every foreign key against the fields.
func (s *Schema) compileForeignKeys(problems *[]string) {
	for i, fk := range s.ForeignKeys {
		at := fmt.Sprintf("foreignKeys[%d]", i)
		if len(fk.Fields) == 0 {
			*problems = append(*problems, at+" : aucun champ")
		}
		for _, f := range fk.Fields {
			if s.FieldIndex(f) < 0 {
				*problems = append(*problems, fmt.Sprintf("%s : champ inconnu « %s »", at, f))
			}
		}
		if len(fk.Reference.Fields) != len(fk.Fields) {
			*problems = append(*problems, fmt.Sprintf("%s : %d champs mais %d champs de référence", at, len(fk.Fields), len(fk.Reference.Fields)))
		}
		if fk.Reference.Resource == "" {
			for _, f := range fk.Reference.Fields {
				if s.FieldIndex(f) < 0 {
					*problems = append(*problems, fmt.Sprintf("%s : renvoie au champ « %s », inconnu de la même table", at, f))
				}
			}
		}
	}
}

// KeySet holds the key values of a referenced resource, for the foreign
// keys of another table (see Schema.WithReferences). Keys are compared as
// logical values: the referencing and referenced fields must have the same
// type.
type KeySet struct {
	keys map[string]struct{}
	buf  []byte
}

// NewKeySet returns an empty set.
func NewKeySet() *KeySet { return &KeySet{keys: map[string]struct{}{}} }

// Add records one key; a key with a nil (missing) part is not recorded.
func (k *KeySet) Add(values ...Value) {
	if key, ok := k.encode(values); ok {
		k.keys[string(key)] = struct{}{}
	}
}

// Has reports whether the key was added.
func (k *KeySet) Has(values ...Value) bool {
	key, ok := k.encode(values)
	if !ok {
		return false
	}
	_, found := k.keys[string(key)]
	return found
}

// Len is the number of distinct keys.
func (k *KeySet) Len() int { return len(k.keys) }

func (k *KeySet) encode(values []Value) ([]byte, bool) {
	k.buf = k.buf[:0]
	for _, v := range values {
		if v == nil {
			return nil, false
		}
		k.buf = appendKey(k.buf, v)
	}
	return k.buf, true
}

// CollectKeys reads a CSV resource with its schema and returns the set of
// the values of the named fields, over the rows where they all cast (the
// referenced side of a foreign key).
func CollectKeys(ctx context.Context, r io.Reader, d Dialect, s *Schema, fields []string) (*KeySet, error) {
	idx := make([]int, len(fields))
	for i, f := range fields {
		if idx[i] = s.FieldIndex(f); idx[i] < 0 {
			return nil, fmt.Errorf("schemas: collect keys: unknown field %q of schema %q", f, s.Name)
		}
	}
	set := NewKeySet()
	key := make([]Value, len(fields))
	_, err := ReadCSV(ctx, r, d, s, func(res RowResult) error {
		for i, fi := range idx {
			key[i] = res.Values[fi]
		}
		set.Add(key...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return set, nil
}

// WithReferences returns a copy of the schema whose tables check their
// foreign keys to other resources against refs, by resource name. A foreign
// key to a resource missing from refs makes every row that uses it a
// foreign-key error.
func (s *Schema) WithReferences(refs map[string]*KeySet) *Schema {
	c := *s
	c.refs = refs
	return &c
}

// ReferencedResources names the other resources the foreign keys point to,
// sorted, each once.
func (s *Schema) ReferencedResources() []string {
	seen := map[string]bool{}
	var out []string
	for _, fk := range s.ForeignKeys {
		if r := fk.Reference.Resource; r != "" && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}

// tableFK is a foreign key as a Table checks it.
type tableFK struct {
	fk     *ForeignKey
	idx    []int   // referencing field indexes
	refIdx []int   // referenced field indexes (same table)
	self   *KeySet // keys seen so far in this table (self reference)
	ext    *KeySet // the other resource's keys (nil when not given)
	parts  []Value
}

// pendingFK is a row whose self-referencing key was not seen yet.
type pendingFK struct {
	fk        int
	key       []Value
	row, line int
	col       int
	shown     string
	hadErrors bool
}

func (t *Table) initForeignKeys() {
	for i := range t.s.ForeignKeys {
		fk := &t.s.ForeignKeys[i]
		tf := tableFK{fk: fk, parts: make([]Value, len(fk.Fields))}
		for _, f := range fk.Fields {
			tf.idx = append(tf.idx, t.s.FieldIndex(f))
		}
		if fk.Reference.Resource == "" {
			tf.self = NewKeySet()
			for _, f := range fk.Reference.Fields {
				tf.refIdx = append(tf.refIdx, t.s.FieldIndex(f))
			}
		} else {
			tf.ext = t.s.refs[fk.Reference.Resource]
		}
		t.fks = append(t.fks, tf)
	}
}

// checkForeignKeys records the row's referenced keys and checks its foreign
// keys: against another resource at once, against the same table when the
// key was already seen (or is the row's own), otherwise the row waits for
// Unresolved.
func (t *Table) checkForeignKeys(row, line int, cells []string, errs []Error) []Error {
	for i := range t.fks {
		tf := &t.fks[i]
		if tf.self != nil {
			for j, fi := range tf.refIdx {
				tf.parts[j] = t.values[fi]
			}
			tf.self.Add(tf.parts...)
		}
	}
	for i := range t.fks {
		tf := &t.fks[i]
		complete := false
		for j, fi := range tf.idx {
			tf.parts[j] = t.values[fi]
			complete = complete || t.values[fi] != nil
		}
		if !complete {
			continue // every foreign-key field missing: nothing to check
		}
		shown, col := t.shownKey(tf.idx, cells)
		switch {
		case tf.self != nil && tf.self.Has(tf.parts...):
		case tf.self != nil:
			t.pending = append(t.pending, pendingFK{fk: i, key: append([]Value(nil), tf.parts...), row: row, line: line,
				col: col, shown: shown, hadErrors: len(errs) > 0})
		case tf.ext == nil || !tf.ext.Has(tf.parts...):
			errs = append(errs, t.foreignKeyError(tf, row, line, col, shown))
		}
	}
	return errs
}

func (t *Table) shownKey(idx []int, cells []string) (string, int) {
	parts := make([]string, len(idx))
	col := 0
	for j, fi := range idx {
		if c := t.fieldCol[fi]; c >= 0 && c < len(cells) {
			parts[j] = cells[c]
			if col == 0 {
				col = c + 1
			}
		}
	}
	return strings.Join(parts, ", "), col
}

func (t *Table) foreignKeyError(tf *tableFK, row, line, col int, shown string) Error {
	return Error{Code: CodeForeignKey, Row: row, Line: line, Field: tf.fk.Fields[0], FieldNumber: col, Value: shown,
		Message: msgForeignKey(tf.fk.Fields, shown, tf.fk.Reference.Resource, tf.fk.Reference.Fields)}
}

// LateError is a foreign-key error found after its row was returned by Row:
// the row referenced a key of the same table that no later row supplied.
// WasValid says that Row had found no other error in it.
type LateError struct {
	Error
	WasValid bool
}

// Unresolved returns, once every row has been given to Row, the foreign-key
// errors of rows whose key in the same table was never found, in row order.
func (t *Table) Unresolved() []LateError {
	var out []LateError
	for _, p := range t.pending {
		tf := &t.fks[p.fk]
		if tf.self.Has(p.key...) {
			continue
		}
		out = append(out, LateError{Error: t.foreignKeyError(tf, p.row, p.line, p.col, p.shown), WasValid: !p.hadErrors})
	}
	t.pending = nil
	return out
}
