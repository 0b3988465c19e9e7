package output

import (
	"encoding/json"
	"fmt"
	"time"
	"unsafe"

	"github.com/parquet-go/parquet-go"

	"github.com/ligerdata/ligerdata/schemas"
)

// kind is the storage class of a Table Schema field in the published files.
type kind int

const (
	kindString   kind = iota // string, any, yearmonth, duration: UTF-8 text
	kindInt64                // integer, year
	kindDouble               // number
	kindBool                 // boolean
	kindDate                 // date: parquet DATE
	kindDatetime             // datetime: parquet TIMESTAMP(µs, UTC)
	kindTime                 // time: parquet TIME(µs), wall clock
	kindGeopoint             // geopoint: parquet group {lon, lat double}
	kindJSON                 // object, array, geojson: JSON text
	kindList                 // list: parquet LIST of the item type, delimited in CSV
	kindGeoWKB               // the geojson field of a geographic dataset: WKB in Parquet, JSON text in CSV
)

// kindOf maps a Table Schema type to its storage class. Unknown types are
// stored as text, which never loses information.
func kindOf(typ string) kind {
	switch typ {
	case "integer", "year":
		return kindInt64
	case "number":
		return kindDouble
	case "boolean":
		return kindBool
	case "date":
		return kindDate
	case "datetime":
		return kindDatetime
	case "time":
		return kindTime
	case "geopoint":
		return kindGeopoint
	case "object", "array", "geojson":
		return kindJSON
	case "list":
		return kindList
	default:
		return kindString
	}
}

// column describes how one schema field is encoded in both files.
type column struct {
	name      string
	kind      kind
	itemKind  kind   // for lists
	geoFormat string // geopoint format: "default", "array" or "object"
	delimiter string // list delimiter in CSV
	leaf      int    // parquet leaf column index (lon for geopoints)
	leafLat   int    // parquet leaf column index of lat (geopoints only)
}

// fieldExtras holds the descriptor properties that schemas.Field does not
// carry but that the CSV encoding needs (the list delimiter).
type fieldExtras struct {
	Name      string `json:"name"`
	Delimiter string `json:"delimiter"`
}

// plan is the encoding plan of a schema: the parquet schema and, per field
// in schema order, its column.
type plan struct {
	schema  *parquet.Schema
	columns []column
	leaves  int
	geo     *geoPlan // nil when the dataset is not geographic
	layout  layout
}

// layout says how a plan lays data.parquet out; the zero value is the
// current layout. The others are those of older releases, still read by
// ReadRows and compared by the changelog.
type layout struct {
	alphabetical bool // columns sorted by name instead of schema order
	jsonLists    bool // list fields as JSON array text instead of LIST
	noGeo        bool // no WKB geometry column
}

// legacyLayouts are the layouts of the releases published before the
// current one, most recent first.
var legacyLayouts = []layout{
	{noGeo: true}, // before the geometry of latitude/longitude pairs
	{alphabetical: true, jsonLists: true},
	{alphabetical: true, jsonLists: true, noGeo: true},
}

// newPlan builds the parquet schema of a Table Schema. Every field becomes an
// optional top-level column named after the field (required fields too, which
// keeps the files readable if a constraint is relaxed later):
//
//	string, any, yearmonth, duration -> BYTE_ARRAY (STRING)
//	integer, year                    -> INT64
//	number                           -> DOUBLE
//	boolean                          -> BOOLEAN
//	date                             -> INT32 (DATE)
//	datetime                         -> INT64 (TIMESTAMP, microseconds, adjusted to UTC)
//	time                             -> INT64 (TIME, microseconds, local wall clock: not adjusted to UTC)
//	geopoint                         -> group {lon DOUBLE, lat DOUBLE}
//	object, array, geojson           -> BYTE_ARRAY (STRING) holding JSON text
//	list                             -> LIST of optional items of the item
//	                                    type, mapped as above (string default)
//
// Columns are in schema order (then the extra geometry column, if any).
// A geographic dataset (see geoField) also has a WKB geometry column: its
// geojson field becomes a BYTE_ARRAY column of WKB, or, for a geopoint
// field, an extra column (see geometryColumnName) holds the WKB point next
// to the {lon, lat} group.
func newPlan(s *schemas.Schema) (*plan, error) {
	return newPlanLayout(s, layout{})
}

// newPlanLayout is newPlan for the layout lay (see legacyLayouts).
func newPlanLayout(s *schemas.Schema, lay layout) (*plan, error) {
	if s == nil || len(s.Fields) == 0 {
		return nil, fmt.Errorf("output: schema has no fields")
	}
	extras := map[string]fieldExtras{}
	if len(s.Raw) > 0 {
		var d struct {
			Fields []fieldExtras `json:"fields"`
		}
		if err := json.Unmarshal(s.Raw, &d); err == nil {
			for _, f := range d.Fields {
				extras[f.Name] = f
			}
		}
	}
	group := parquet.Group{}
	order := make([]string, 0, len(s.Fields)+1)
	geoIdx := -1
	if !lay.noGeo {
		geoIdx = geoField(s)
	}
	cols := make([]column, len(s.Fields))
	for i, f := range s.Fields {
		if f.Name == "" {
			return nil, fmt.Errorf("output: schema %q: field %d has no name", s.Name, i+1)
		}
		if _, dup := group[f.Name]; dup {
			return nil, fmt.Errorf("output: schema %q: duplicate field %q", s.Name, f.Name)
		}
		c := column{name: f.Name, kind: kindOf(f.Type)}
		if i == geoIdx && f.Type == "geojson" {
			c.kind = kindGeoWKB
		}
		var node parquet.Node
		switch c.kind {
		case kindInt64, kindDouble, kindBool, kindDate, kindDatetime, kindTime:
			node = leafNode(c.kind)
		case kindGeopoint:
			node = parquet.Group{
				"lon": parquet.Leaf(parquet.DoubleType),
				"lat": parquet.Leaf(parquet.DoubleType),
			}
			c.geoFormat = f.Format
		case kindGeoWKB:
			node = parquet.Leaf(parquet.ByteArrayType)
		case kindList:
			c.itemKind = kindOf(f.ItemType)
			c.delimiter = extras[f.Name].Delimiter
			if c.delimiter == "" {
				c.delimiter = ","
			}
			node = parquet.List(parquet.Optional(leafNode(c.itemKind)))
			if lay.jsonLists {
				node = parquet.String()
			}
		default:
			node = parquet.String()
		}
		group[f.Name] = parquet.Optional(node)
		order = append(order, f.Name)
		cols[i] = c
	}
	var gp *geoPlan
	switch {
	case geoIdx >= 0:
		gp = &geoPlan{field: geoIdx, column: cols[geoIdx].name, lon: -1, lat: -1}
		gp.point = cols[geoIdx].kind == kindGeopoint
	case !lay.noGeo && s.Geometry != nil:
		gp = &geoPlan{field: -1, lon: fieldIndex(s, s.Geometry.Longitude), lat: fieldIndex(s, s.Geometry.Latitude), point: true}
		if gp.lon < 0 || gp.lat < 0 {
			return nil, fmt.Errorf("output: schema %q: x-ligerdata-geometry names unknown fields", s.Name)
		}
	}
	if gp != nil && gp.point {
		gp.column = geometryColumnName(s)
		group[gp.column] = parquet.Optional(parquet.Leaf(parquet.ByteArrayType))
		order = append(order, gp.column)
	}
	name := s.Name
	if name == "" {
		name = "ligerdata"
	}
	var root parquet.Node = newOrderedGroup(group, order)
	if lay.alphabetical {
		root = group
	}
	ps := parquet.NewSchema(name, root)
	for i := range cols {
		c := &cols[i]
		if c.kind == kindGeopoint {
			lon, ok1 := ps.Lookup(c.name, "lon")
			lat, ok2 := ps.Lookup(c.name, "lat")
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("output: parquet schema: geopoint %q not found", c.name)
			}
			c.leaf, c.leafLat = lon.ColumnIndex, lat.ColumnIndex
			continue
		}
		path := []string{c.name}
		if c.kind == kindList && !lay.jsonLists {
			path = append(path, "list", "element")
		}
		leaf, ok := ps.Lookup(path...)
		if !ok {
			return nil, fmt.Errorf("output: parquet schema: column %q not found", c.name)
		}
		c.leaf = leaf.ColumnIndex
	}
	if gp != nil {
		leaf, ok := ps.Lookup(gp.column)
		if !ok {
			return nil, fmt.Errorf("output: parquet schema: geometry column %q not found", gp.column)
		}
		gp.leaf = leaf.ColumnIndex
	}
	return &plan{schema: ps, columns: cols, leaves: len(ps.Columns()), geo: gp, layout: lay}, nil
}

// fieldIndex returns the position of the field name in s.Fields, or -1.
func fieldIndex(s *schemas.Schema, name string) int {
	for i, f := range s.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// leafNode is the parquet node of a scalar kind; text for the others.
func leafNode(k kind) parquet.Node {
	switch k {
	case kindInt64:
		return parquet.Int(64)
	case kindDouble:
		return parquet.Leaf(parquet.DoubleType)
	case kindBool:
		return parquet.Leaf(parquet.BooleanType)
	case kindDate:
		return parquet.Date()
	case kindDatetime:
		return parquet.Timestamp(parquet.Microsecond)
	case kindTime:
		return parquet.TimeAdjusted(parquet.Microsecond, false) // wall-clock time of day
	}
	return parquet.String()
}

// orderedGroup is a parquet group whose fields come in a given order
// (parquet.Group sorts them by name).
type orderedGroup struct {
	parquet.Group
	fields []parquet.Field
}

// newOrderedGroup returns group with its fields in order, which must name
// each of them once.
func newOrderedGroup(group parquet.Group, order []string) orderedGroup {
	byName := map[string]parquet.Field{}
	for _, f := range group.Fields() {
		byName[f.Name()] = f
	}
	g := orderedGroup{Group: group, fields: make([]parquet.Field, len(order))}
	for i, name := range order {
		g.fields[i] = byName[name]
	}
	return g
}

// Fields returns the fields of g in its order.
func (g orderedGroup) Fields() []parquet.Field { return g.fields }

// fieldError reports a value whose dynamic type does not match its field.
func fieldError(c *column, v schemas.Value) error {
	return fmt.Errorf("output: field %q: unexpected value of type %T", c.name, v)
}

// parquetRow returns the parquet row of one record (values in leaf
// order; a list has one value per item). Text values point into the
// strings of values; other byte arrays are copied into *scratch: the row
// is valid until *scratch is reset. The geometry is added to st (when
// not nil). The encoder writes column by column (parquetColumns); this
// row is for parquet.Writer.WriteRows.
func (p *plan) parquetRow(values []schemas.Value, scratch *[]byte, st *geoStats) (parquet.Row, error) {
	cols := make([][]parquet.Value, p.leaves)
	vals := values
	if err := p.parquetColumns(cols, vals, scratch, st); err != nil {
		return nil, err
	}
	var row parquet.Row
	for _, c := range cols {
		row = append(row, c...)
	}
	return row, nil
}

// pointWKBValue is the value of the extra WKB column of a geopoint dataset
// for the geopoint v (nil or [2]float64): the WKB point, copied to
// *scratch, or null. The point is added to st (when not nil).
func (p *plan) pointWKBValue(v schemas.Value, scratch *[]byte, st *geoStats) parquet.Value {
	l := p.geo.leaf
	pt, ok := v.([2]float64)
	if !ok {
		return parquet.NullValue().Level(0, 0, l)
	}
	start := len(*scratch)
	*scratch = appendPointWKB(*scratch, pt[0], pt[1])
	b := *scratch
	st.addPoint(pt[0], pt[1])
	return parquet.ByteArrayValue(b[start:len(b):len(b)]).Level(0, 1, l)
}

// parquetCell returns the parquet value of v, a value of column c, at its
// leaf's levels; for a geopoint, pv is the lon leaf and lat the lat leaf.
// Byte arrays are copied to *scratch. The geometry of a WKB column is added
// to st (when not nil).
func (p *plan) parquetCell(c *column, v schemas.Value, scratch *[]byte, st *geoStats) (pv, lat parquet.Value, err error) {
	if v == nil {
		pv = parquet.NullValue().Level(0, 0, c.leaf)
		if c.kind == kindGeopoint {
			lat = parquet.NullValue().Level(0, 0, c.leafLat)
		}
		return pv, lat, nil
	}
	switch c.kind {
	case kindInt64:
		n, ok := asInt64(v)
		if !ok {
			return pv, lat, fieldError(c, v)
		}
		pv = parquet.Int64Value(n)
	case kindDouble:
		switch x := v.(type) {
		case float64:
			pv = parquet.DoubleValue(x)
		case int64:
			pv = parquet.DoubleValue(float64(x))
		default:
			return pv, lat, fieldError(c, v)
		}
	case kindBool:
		b, ok := v.(bool)
		if !ok {
			return pv, lat, fieldError(c, v)
		}
		pv = parquet.BooleanValue(b)
	case kindDate:
		t, ok := v.(time.Time)
		if !ok {
			return pv, lat, fieldError(c, v)
		}
		pv = parquet.Int32Value(int32(daysSinceEpoch(t)))
	case kindDatetime:
		t, ok := v.(time.Time)
		if !ok {
			return pv, lat, fieldError(c, v)
		}
		pv = parquet.Int64Value(t.UnixMicro())
	case kindTime:
		d, ok := v.(time.Duration)
		if !ok {
			return pv, lat, fieldError(c, v)
		}
		pv = parquet.Int64Value(d.Microseconds())
	case kindGeopoint:
		pt, ok := v.([2]float64)
		if !ok {
			return pv, lat, fieldError(c, v)
		}
		return parquet.DoubleValue(pt[0]).Level(0, 1, c.leaf), parquet.DoubleValue(pt[1]).Level(0, 1, c.leafLat), nil
	case kindGeoWKB:
		g, err := geometryOf(v)
		if err != nil {
			return pv, lat, fmt.Errorf("output: field %q: %w", c.name, err)
		}
		if g == nil {
			return parquet.NullValue().Level(0, 0, c.leaf), lat, nil
		}
		start := len(*scratch)
		b, err := appendWKB(*scratch, g)
		if err != nil {
			return pv, lat, fmt.Errorf("output: field %q: %w", c.name, err)
		}
		*scratch = b
		st.add(g)
		pv = parquet.ByteArrayValue(b[start:len(b):len(b)])
	case kindJSON, kindList:
		start := len(*scratch)
		b, err := appendJSON(*scratch, v)
		if err != nil {
			return pv, lat, fmt.Errorf("output: field %q: %w", c.name, err)
		}
		*scratch = b
		pv = parquet.ByteArrayValue(b[start:len(b):len(b)])
	default:
		start := len(*scratch)
		b := appendText(*scratch, v)
		*scratch = b
		pv = parquet.ByteArrayValue(b[start:len(b):len(b)])
	}
	return pv.Level(0, 1, c.leaf), lat, nil
}

// parquetColumns appends to cols[leaf], for every parquet leaf column, the
// values of the records of vals (records of len(p.columns) values back to
// back), one value per record: the column-major layout that the parquet
// column writers take, so that no parquet.Row is built and split again.
// Text values are not copied: the values of a text column point into the
// strings of vals, and are valid while vals is; other byte arrays are
// copied to *scratch. The geometries are added to st (when not nil).
func (p *plan) parquetColumns(cols [][]parquet.Value, vals []schemas.Value, scratch *[]byte, st *geoStats) error {
	n := len(p.columns)
	if p.geo != nil && p.geo.point {
		l := p.geo.leaf
		for off := 0; off < len(vals); off += n {
			cols[l] = append(cols[l], p.pointWKBValue(p.geo.pointOf(vals[off:off+n]), scratch, st))
		}
	}
	for i := range p.columns {
		c := &p.columns[i]
		out := cols[c.leaf]
		null := parquet.NullValue().Level(0, 0, c.leaf)
		for off := i; off < len(vals); off += n {
			v := vals[off]
			if v == nil && c.kind != kindGeopoint {
				out = append(out, null)
				continue
			}
			if s, ok := v.(string); ok && c.kind == kindString {
				// The column writer copies the bytes: no copy here.
				out = append(out, parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s))).Level(0, 1, c.leaf))
				continue
			}
			if c.kind == kindList && !p.layout.jsonLists {
				var err error
				if out, err = p.appendListValues(out, c, v, scratch); err != nil {
					return err
				}
				continue
			}
			pv, lat, err := p.parquetCell(c, v, scratch, st)
			if err != nil {
				return err
			}
			out = append(out, pv)
			if c.kind == kindGeopoint {
				cols[c.leafLat] = append(cols[c.leafLat], lat)
			}
		}
		cols[c.leaf] = out
	}
	return nil
}

// appendListValues appends the values of the LIST column c for the list v
// (not nil): one value per item (repetition level 0 for the first, 1 for
// the others; definition level 3 for an item, 2 for a missing item), or a
// single value at definition level 1 for an empty list.
func (p *plan) appendListValues(out []parquet.Value, c *column, v schemas.Value, scratch *[]byte) ([]parquet.Value, error) {
	items, ok := v.([]schemas.Value)
	if !ok {
		return out, fieldError(c, v)
	}
	if len(items) == 0 {
		return append(out, parquet.NullValue().Level(0, 1, c.leaf)), nil
	}
	item := column{name: c.name, kind: c.itemKind, leaf: c.leaf}
	for i, it := range items {
		rep := min(i, 1)
		if it == nil {
			out = append(out, parquet.NullValue().Level(rep, 2, c.leaf))
			continue
		}
		pv, _, err := p.parquetCell(&item, it, scratch, nil)
		if err != nil {
			return out, err
		}
		out = append(out, pv.Level(rep, 3, c.leaf))
	}
	return out, nil
}
