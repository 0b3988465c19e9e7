package output

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/ligerdata/ligerdata/schemas"
)

// ReadRows reads the rows of a published release back as logical values,
// in file order, from its data.parquet: the inverse of Append for the same
// schema (the geometry field of a geographic dataset, stored as WKB, comes
// back as GeoJSON geometry text: a Feature's properties are not kept). values is reused between calls to fn. It is how an incremental
// run carries the rows it did not harvest again into its new release.
func ReadRows(publicDir, dataset, release string, s *schemas.Schema, fn func(values []schemas.Value) error) error {
	return CollectionDatasets.ReadRows(publicDir, dataset, release, s, fn)
}

// readParquetRows is ReadRows on the data.parquet at path. Files written
// in an older layout (see legacyLayouts) are read too.
func readParquetRows(path string, s *schemas.Schema, fn func(values []schemas.Value) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("output: read release: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return fmt.Errorf("output: read %s: %w", path, err)
	}
	p, err := planOfFile(pf.Schema(), s)
	if err != nil {
		return fmt.Errorf("output: read %s: %w", path, err)
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	rows := make([]parquet.Row, 64)
	values := make([]schemas.Value, len(p.columns))
	byLeaf := make([][]parquet.Value, p.leaves)
	for {
		n, err := r.ReadRows(rows)
		for _, row := range rows[:n] {
			for i := range byLeaf {
				byLeaf[i] = byLeaf[i][:0]
			}
			for _, v := range row {
				byLeaf[v.Column()] = append(byLeaf[v.Column()], v)
			}
			for i := range p.columns {
				val, err := p.columns[i].decode(byLeaf, p.layout.jsonLists)
				if err != nil {
					return fmt.Errorf("output: read %s: %w", path, err)
				}
				values[i] = val
			}
			if err := fn(values); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("output: read %s: %w", path, err)
		}
	}
}

// planOfFile returns the plan of schema s whose layout (current or legacy)
// is that of the file schema fs.
func planOfFile(fs *parquet.Schema, s *schemas.Schema) (*plan, error) {
	p, err := newPlan(s)
	if err != nil {
		return nil, err
	}
	if parquet.EqualNodes(fs, p.schema) {
		return p, nil
	}
	for _, lay := range legacyLayouts {
		if lp, err := newPlanLayout(s, lay); err == nil && parquet.EqualNodes(fs, lp.schema) {
			return lp, nil
		}
	}
	return nil, fmt.Errorf("its columns do not match schema %q", s.Name)
}

// decode turns the parquet value(s) of one column back into a logical
// value.
func (c *column) decode(leaves [][]parquet.Value, jsonLists bool) (schemas.Value, error) {
	if len(leaves[c.leaf]) == 0 {
		return nil, fmt.Errorf("column %q: no value", c.name)
	}
	v := leaves[c.leaf][0]
	if c.kind == kindList && !jsonLists {
		return c.decodeList(leaves[c.leaf])
	}
	if v.IsNull() {
		return nil, nil
	}
	switch c.kind {
	case kindInt64:
		return v.Int64(), nil
	case kindDouble:
		return v.Double(), nil
	case kindBool:
		return v.Boolean(), nil
	case kindDate:
		return time.Unix(int64(v.Int32())*86400, 0).UTC(), nil
	case kindDatetime:
		return time.UnixMicro(v.Int64()).UTC(), nil
	case kindTime:
		return time.Duration(v.Int64()) * time.Microsecond, nil
	case kindGeopoint:
		if len(leaves[c.leafLat]) == 0 {
			return nil, fmt.Errorf("column %q: no latitude", c.name)
		}
		lat := leaves[c.leafLat][0]
		if lat.IsNull() {
			return nil, nil
		}
		return [2]float64{v.Double(), lat.Double()}, nil
	case kindJSON:
		return json.RawMessage(bytes.Clone(v.ByteArray())), nil
	case kindGeoWKB:
		g, err := wkbToGeoJSON(v.ByteArray())
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", c.name, err)
		}
		return g, nil
	case kindList:
		return decodeList(v.ByteArray(), c.itemKind)
	default:
		return string(v.ByteArray()), nil
	}
}

// decodeList reads the values of a LIST column of one row back as a list
// (see appendListValues for the levels).
func (c *column) decodeList(vs []parquet.Value) (schemas.Value, error) {
	switch def := vs[0].DefinitionLevel(); {
	case def == 0:
		return nil, nil
	case def == 1:
		return []schemas.Value{}, nil
	}
	item := column{name: c.name, kind: c.itemKind, leaf: 0}
	out := make([]schemas.Value, len(vs))
	one := [][]parquet.Value{nil}
	for i, v := range vs {
		if v.DefinitionLevel() < 3 {
			continue
		}
		one[0] = vs[i : i+1]
		x, err := item.decode(one, false)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// decodeList reads the JSON array text a list column holds (layout
// jsonLists).
func decodeList(b []byte, item kind) (schemas.Value, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var raw []any
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("list column: %w", err)
	}
	out := make([]schemas.Value, len(raw))
	for i, x := range raw {
		switch y := x.(type) {
		case json.Number:
			if item == kindInt64 {
				n, err := y.Int64()
				if err != nil {
					return nil, err
				}
				out[i] = n
			} else {
				f, err := y.Float64()
				if err != nil {
					return nil, err
				}
				out[i] = f
			}
		case string:
			switch item {
			case kindDate:
				t, err := time.Parse(time.DateOnly, y)
				if err != nil {
					return nil, err
				}
				out[i] = t
			case kindDatetime:
				t, err := time.Parse(time.RFC3339Nano, y)
				if err != nil {
					return nil, err
				}
				out[i] = t.UTC()
			default:
				out[i] = y
			}
		default:
			out[i] = y
		}
	}
	return out, nil
}

// LegacyListFields returns the list fields of the release in dir whose
// data.parquet column holds JSON array text instead of a LIST (releases
// written before ParquetLayoutCurrent, as its datapackage.json says), by
// name, with their item type ("string" when not declared); nil for a
// release in the current layout.
func LegacyListFields(dir string) (map[string]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, FileDataPackage))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // not a release: nothing says its layout is old
	}
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	var dp struct {
		Resources []struct {
			Schema *struct {
				Fields []struct {
					Name     string `json:"name"`
					Type     string `json:"type"`
					ItemType string `json:"itemType"`
				} `json:"fields"`
			} `json:"schema"`
		} `json:"resources"`
		Ligerdata struct {
			ParquetLayout int `json:"parquet_layout"`
		} `json:"ligerdata"`
	}
	if err := json.Unmarshal(b, &dp); err != nil {
		return nil, fmt.Errorf("output: %s: %w", FileDataPackage, err)
	}
	if dp.Ligerdata.ParquetLayout >= ParquetLayoutCurrent {
		return nil, nil
	}
	out := map[string]string{}
	for _, r := range dp.Resources {
		if r.Schema == nil {
			continue
		}
		for _, f := range r.Schema.Fields {
			if f.Type == "list" {
				out[f.Name] = cmp.Or(f.ItemType, "string")
			}
		}
		break
	}
	return out, nil
}
