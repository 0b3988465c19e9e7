package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
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

// readParquetRows is ReadRows on the data.parquet at path. A file written
// before geographic datasets had a WKB geometry column (its geojson field
// as JSON text, no extra geometry column) is read too.
func readParquetRows(path string, s *schemas.Schema, fn func(values []schemas.Value) error) error {
	p, err := newPlan(s)
	if err != nil {
		return err
	}
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
	if !parquet.SameNodes(pf.Schema(), p.schema) {
		legacy, err := newPlanGeo(s, false)
		if err != nil || p.geo == nil || !parquet.SameNodes(pf.Schema(), legacy.schema) {
			return fmt.Errorf("output: read %s: its columns do not match schema %q", path, s.Name)
		}
		p = legacy
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	rows := make([]parquet.Row, 64)
	values := make([]schemas.Value, len(p.columns))
	byLeaf := make([]parquet.Value, p.leaves)
	for {
		n, err := r.ReadRows(rows)
		for _, row := range rows[:n] {
			for _, v := range row {
				byLeaf[v.Column()] = v
			}
			for i := range p.columns {
				val, err := p.columns[i].decode(byLeaf)
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

// decode turns the parquet value(s) of one column back into a logical
// value.
func (c *column) decode(leaves []parquet.Value) (schemas.Value, error) {
	v := leaves[c.leaf]
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
		lat := leaves[c.leafLat]
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

// decodeList reads the JSON array text a list column holds.
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
