package output

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/twpayne/go-geom/encoding/geojson"

	"github.com/ligerdata/ligerdata/schemas"
)

// FileChanges is the changelog of a release against the previous one.
const FileChanges = "changes.json"

// MaxListedChanges is the number of keys listed per kind (added, removed,
// changed) in changes.json; the counts are always exact.
const MaxListedChanges = 1000

// MaxValuedChanges is the number of changed rows, the first in file order,
// whose old and new values are written beside their changed columns.
const MaxValuedChanges = 100

// maxValueText bounds the text of one old or new value in changes.json (a
// long text or a geometry is cut, with "…" at the end).
const maxValueText = 200

// Changes is the content of changes.json: what a release changes against
// the previous release of its dataset (the one `latest` pointed to when the
// release was created). For the first release, Previous is nil, every row
// counts as added and no key is listed.
//
// Rows are matched by key: the values of the schema's primaryKey fields
// when the previous release has them all, otherwise of every field both
// releases have (then a row is either unchanged, added or removed, never
// changed). A key is written as the list of its values in the canonical
// text of data.csv ("" for a missing value), in key field order. Values
// are compared on the fields both releases have, by their data.csv text
// (a geojson value by its geometry). Keys are listed in file order: added
// and changed as in the new release, removed as in the previous one; at
// most MaxListedChanges per kind. Keys are expected to be unique; a key
// repeated n times counts as n rows.
//
// JSON shape:
//
//	{"previous": "20261127T152100Z-1273" | null,
//	 "key": ["code_insee"],
//	 "rows": {"added": 2, "removed": 1, "changed": 3, "unchanged": 1200},
//	 "added": [["44109"], …], "removed": [["49007"]],
//	 "changed": [{"key": ["85191"], "columns": ["nom", "population"],
//	              "values": {"nom": {"old": "Aizenay", "new": "Aizenay-Bourg"}, "population": {"old": null, "new": "9801"}}}, …],
//	 "columns_changed": {"nom": 1, "population": 3},
//	 "schema": {"added": ["surface"], "removed": [], "retyped": [{"name": "population", "from": "number", "to": "integer"}]}}
type Changes struct {
	Previous *string `json:"previous"`
	// Key names the fields whose values identify a row.
	Key  []string  `json:"key"`
	Rows RowCounts `json:"rows"`
	// Added, Removed and Changed list at most MaxListedChanges keys each.
	Added   [][]string   `json:"added"`
	Removed [][]string   `json:"removed"`
	Changed []ChangedRow `json:"changed"`
	// ColumnsChanged counts, per field, the changed rows whose value of
	// that field changed (all changed rows, not only the listed ones).
	ColumnsChanged map[string]int `json:"columns_changed"`
	Schema         SchemaChanges  `json:"schema"`
	// Error says, in French, why the previous release could not be
	// compared (it is damaged or was removed by hand); the counts then
	// describe the new release alone.
	Error string `json:"error,omitempty"`
}

// RowCounts counts rows by change (exact).
type RowCounts struct {
	Added     int `json:"added"`
	Removed   int `json:"removed"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
}

// ChangedRow is a changed row: its key and the fields whose value changed,
// in schema order. For the first MaxValuedChanges changed rows, Values
// gives the old and new value of each changed field.
type ChangedRow struct {
	Key     []string               `json:"key"`
	Columns []string               `json:"columns"`
	Values  map[string]ValueChange `json:"values,omitempty"`
}

// ValueChange is the old and new value of a field, in the canonical text
// of data.csv (a geojson value as its GeoJSON geometry), nil for a missing
// value; a text longer than 200 characters is cut and ends with "…".
type ValueChange struct {
	Old *string `json:"old"`
	New *string `json:"new"`
}

// SchemaChanges compares the fields of the two releases by name: added,
// removed (in schema order) and retyped (Table Schema type changed).
type SchemaChanges struct {
	Added   []string  `json:"added"`
	Removed []string  `json:"removed"`
	Retyped []Retyped `json:"retyped"`
}

// Retyped is a field whose Table Schema type changed.
type Retyped struct {
	Name string `json:"name"`
	From string `json:"from"`
	To   string `json:"to"`
}

// ChangesSummary is the changelog summary recorded in the "ligerdata"
// block of datapackage.json (key "changes").
type ChangesSummary struct {
	Previous *string       `json:"previous"`
	Rows     RowCounts     `json:"rows"`
	Schema   SchemaChanges `json:"schema"`
}

// Summary returns the summary of c recorded in datapackage.json.
func (c *Changes) Summary() ChangesSummary {
	return ChangesSummary{Previous: c.Previous, Rows: c.Rows, Schema: c.Schema}
}

// ReadChanges reads the changes.json of a published release.
func ReadChanges(publicDir, dataset, release string) (*Changes, error) {
	return CollectionDatasets.ReadChanges(publicDir, dataset, release)
}

func readChangesIn(collDir, dataset, release string) (*Changes, error) {
	if err := checkName(dataset); err != nil {
		return nil, fmt.Errorf("output: changes of %q: %w", dataset, err)
	}
	if err := checkName(release); err != nil {
		return nil, fmt.Errorf("output: changes of %s/%q: %w", dataset, release, err)
	}
	b, err := os.ReadFile(filepath.Join(collDir, dataset, release, FileChanges))
	if err != nil {
		return nil, fmt.Errorf("output: changes of %s/%s: %w", dataset, release, err)
	}
	var c Changes
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("output: changes of %s/%s: %w", dataset, release, err)
	}
	return &c, nil
}

// changes computes the changelog of the release being committed (its data
// files closed) against r.previous.
func (r *Release) changes() (*Changes, error) {
	if r.previous == "" {
		c, err := diffReleases("", "", nil, r.staging, r.schema)
		if err != nil {
			return nil, fmt.Errorf("output: changes of %s/%s: %w", r.meta.ID, r.id, err)
		}
		c.Rows.Added = r.rows
		return c, nil
	}
	prev := r.previous
	prevSchema, err := releaseSchema(filepath.Join(r.datasetDir, prev), prev)
	if err == nil {
		var c *Changes
		spill := filepath.Join(r.staging, spillDirName)
		c, err = diffReleases(spill, filepath.Join(r.datasetDir, prev), prevSchema, r.staging, r.schema)
		if rmErr := os.RemoveAll(spill); err == nil && rmErr != nil {
			return nil, fmt.Errorf("output: changes of %s/%s: %w", r.meta.ID, r.id, rmErr)
		}
		if err == nil {
			c.Previous = &prev
			return c, nil
		}
	}
	// A damaged previous release must not stop the new one: it is
	// published with a changelog that says why it has no comparison.
	c, newErr := diffReleases("", "", nil, r.staging, r.schema)
	if newErr != nil {
		return nil, fmt.Errorf("output: changes of %s/%s: %w", r.meta.ID, r.id, newErr)
	}
	c.Previous = &prev
	c.Rows.Added = r.rows
	c.Error = fmt.Sprintf("la version précédente %s n'a pas pu être comparée : %v", prev, err)
	return c, nil
}

// releaseSchema reads the Table Schema of a published release from its
// datapackage.json (the schema of the data.csv resource).
func releaseSchema(releaseDir, release string) (*schemas.Schema, error) {
	path := filepath.Join(releaseDir, FileDataPackage)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("schema of release %s: %w", release, err)
	}
	var dp struct {
		Resources []struct {
			Path   string          `json:"path"`
			Schema json.RawMessage `json:"schema"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &dp); err != nil {
		return nil, fmt.Errorf("schema of release %s: %w", release, err)
	}
	for _, res := range dp.Resources {
		if res.Path == FileCSV && len(res.Schema) > 0 {
			s, err := schemas.Parse(res.Schema)
			if err != nil {
				return nil, fmt.Errorf("schema of release %s: %w", release, err)
			}
			return s, nil
		}
	}
	return nil, fmt.Errorf("schema of release %s: no schema for %s in %s", release, FileCSV, FileDataPackage)
}

// diffSide is how the rows of one release are read and hashed.
type diffSide struct {
	plan *plan
	key  []int // indexes in plan.columns of the key fields
	cols []int // indexes in plan.columns of the compared fields (common to both)
}

// text appends the comparison text of value v of column i (a geojson
// value as its normalised geometry, so that a WKB geometry read back and
// the JSON it was written from compare equal).
func (d *diffSide) text(b []byte, i int, v schemas.Value) []byte {
	if v == nil {
		return append(b, 0)
	}
	b = append(b, 1)
	c := &d.plan.columns[i]
	if c.kind == kindGeoWKB {
		if g, err := geometryOf(v); err == nil && g != nil {
			if out, err := geojson.Marshal(g); err == nil {
				return append(b, out...)
			}
		}
	}
	out, err := d.plan.csvText(b, c, v)
	if err != nil {
		return append(b, appendText(nil, v)...)
	}
	return out
}

// hash returns the 128-bit hash of the values at idx (length-prefixed
// texts, so that no two different value lists hash alike by construction).
func (d *diffSide) hash(buf *[]byte, values []schemas.Value, idx []int) [16]byte {
	b := (*buf)[:0]
	for _, i := range idx {
		start := len(b)
		b = append(b, 0, 0, 0, 0)
		b = d.text(b, i, values[i])
		binary.LittleEndian.PutUint32(b[start:], uint32(len(b)-start-4))
	}
	*buf = b
	sum := sha256.Sum256(b)
	var h [16]byte
	copy(h[:], sum[:16])
	return h
}

// keyTexts returns the data.csv texts of the key values.
func (d *diffSide) keyTexts(values []schemas.Value) []string {
	out := make([]string, len(d.key))
	for k, i := range d.key {
		if values[i] == nil {
			continue
		}
		b, err := d.plan.csvText(nil, &d.plan.columns[i], values[i])
		if err != nil {
			b = appendText(nil, values[i])
		}
		out[k] = string(b)
	}
	return out
}

// valueTexts returns the display texts of the compared values (see
// ValueChange), in the order of d.cols.
func (d *diffSide) valueTexts(values []schemas.Value) []*string {
	out := make([]*string, len(d.cols))
	for k, i := range d.cols {
		v := values[i]
		if v == nil {
			continue
		}
		s := cutValueText(string(d.text(nil, i, v)[1:]))
		out[k] = &s
	}
	return out
}

// cutValueText cuts a value text longer than maxValueText characters,
// ending it with "…".
func cutValueText(s string) string {
	if r := []rune(s); len(r) > maxValueText {
		return string(r[:maxValueText-1]) + "…"
	}
	return s
}

// diffReleases compares the release in folder newDir (schema ns) with the
// one in prevDir (schema ps; when ps is nil, there is no previous release
// and only the key and empty lists are filled), with spill files in
// spillDir (see diffRows). Releases with the same fields and key are
// compared from their row indexes (see rowIndex); others, and releases
// written before row indexes, by decoding both data.parquet files.
func diffReleases(spillDir, prevDir string, ps *schemas.Schema, newDir string, ns *schemas.Schema) (*Changes, error) {
	c := &Changes{
		Added: [][]string{}, Removed: [][]string{}, Changed: []ChangedRow{},
		ColumnsChanged: map[string]int{},
		Schema:         SchemaChanges{Added: []string{}, Removed: []string{}, Retyped: []Retyped{}},
	}
	np, err := newPlan(ns)
	if err != nil {
		return nil, err
	}
	newSide := &diffSide{plan: np}
	newIdx := map[string]int{}
	for i, f := range ns.Fields {
		newIdx[f.Name] = i
	}
	if ps == nil {
		for i := range ns.Fields {
			newSide.cols = append(newSide.cols, i)
		}
		newSide.key = keyIndexes(ns, newIdx, nil, newSide.cols)
		c.Key = fieldNames(ns, newSide.key)
		return c, nil
	}

	pp, err := newPlan(ps)
	if err != nil {
		return nil, err
	}
	prevSide := &diffSide{plan: pp}
	prevIdx := map[string]int{}
	for i, f := range ps.Fields {
		prevIdx[f.Name] = i
		if j, ok := newIdx[f.Name]; !ok {
			c.Schema.Removed = append(c.Schema.Removed, f.Name)
		} else if from, to := typeName(f.Type), typeName(ns.Fields[j].Type); from != to {
			c.Schema.Retyped = append(c.Schema.Retyped, Retyped{Name: f.Name, From: from, To: to})
		}
	}
	var colNames []string
	for i, f := range ns.Fields {
		j, ok := prevIdx[f.Name]
		if !ok {
			c.Schema.Added = append(c.Schema.Added, f.Name)
			continue
		}
		newSide.cols = append(newSide.cols, i)
		prevSide.cols = append(prevSide.cols, j)
		colNames = append(colNames, f.Name)
	}
	newSide.key = keyIndexes(ns, newIdx, prevIdx, newSide.cols)
	c.Key = fieldNames(ns, newSide.key)
	for _, i := range newSide.key {
		prevSide.key = append(prevSide.key, prevIdx[ns.Fields[i].Name])
	}

	var prevRows, newRows releaseRows
	if pi, ni := indexedSides(prevDir, newDir, np); pi != nil && slices.Equal(colNames, pi.x.Fields) {
		defer pi.x.close()
		defer ni.x.close()
		prevRows, newRows = pi, ni
	} else {
		if pi != nil {
			pi.x.close()
			ni.x.close()
		}
		prevRows = &parquetRows{path: filepath.Join(prevDir, FileParquet), s: ps, side: prevSide, rows: rowsHint(prevDir)}
		newRows = &parquetRows{path: filepath.Join(newDir, FileParquet), s: ns, side: newSide, rows: rowsHint(newDir)}
	}
	return diffRows(c, spillDir, prevRows, newRows, colNames)
}

// keyIndexes returns the indexes of the key fields in s: its primaryKey
// when every key field is compared (in prevIdx too, when not nil),
// otherwise all the compared fields cols.
func keyIndexes(s *schemas.Schema, idx, prevIdx map[string]int, cols []int) []int {
	var key []int
	for _, name := range s.PrimaryKey {
		i, ok := idx[name]
		if !ok {
			return cols
		}
		if prevIdx != nil {
			if _, ok := prevIdx[name]; !ok {
				return cols
			}
		}
		key = append(key, i)
	}
	if len(key) == 0 {
		return cols
	}
	return key
}

func fieldNames(s *schemas.Schema, idx []int) []string {
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = s.Fields[i].Name
	}
	return slices.Clip(out)
}

// typeName returns a Table Schema type, "string" for the empty type.
func typeName(t string) string {
	if t == "" {
		return "string"
	}
	return t
}
