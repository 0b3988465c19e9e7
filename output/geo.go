package output

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/geojson"
	"github.com/twpayne/go-geom/encoding/wkb"
	"github.com/twpayne/go-geom/encoding/wkbcommon"

	"github.com/ligerdata/ligerdata/schemas"
)

// Geographic datasets.
//
// A dataset is geographic when its schema has a geojson field (other than
// the "topojson" format, which is not a GeoJSON geometry) or a geopoint
// field; when it has several, the first one in schema order is its
// geometry. Without such a field, a schema that declares its longitude and
// latitude number fields (x-ligerdata-geometry) is geographic too: its
// geometry is the point they give (both fields stay columns and
// properties; a row missing either has no geometry). Its data.parquet then follows GeoParquet 1.1: one WKB geometry
// column (the geojson field itself, or for a geopoint field an extra column
// named by geometryColumnName, the {lon, lat} group being kept), described
// by the file key-value metadata "geo" (see GeoMetadata), and the release
// has a data.geojson FeatureCollection (RFC 7946), one Feature per row.
//
// Coordinates are longitude/latitude on WGS 84 (the Table Schema geopoint
// and the RFC 7946 GeoJSON both are), i.e. OGC:CRS84, the GeoParquet
// default: the "crs" key is omitted.
//
// A geojson value that is a Feature contributes its geometry (its
// properties are not kept in the WKB column; they stay in data.csv when the
// value is carried over from the source); a FeatureCollection contributes a
// GeometryCollection of its features' geometries. A geometry that cannot be
// decoded fails the release.

// FileGeoJSON is the GeoJSON export of a geographic dataset.
const FileGeoJSON = "data.geojson"

// MediaTypeGeoJSON is the media type of data.geojson (RFC 7946).
const MediaTypeGeoJSON = "application/geo+json"

// GeoParquetVersion is the GeoParquet version of the "geo" metadata.
const GeoParquetVersion = "1.1.0"

// geoPlan locates the geometry of a geographic dataset.
type geoPlan struct {
	field  int    // index in plan.columns of the geometry field; -1 for a longitude/latitude pair
	lon    int    // index of the longitude field of a pair, else -1
	lat    int    // index of the latitude field of a pair, else -1
	column string // parquet column holding the WKB geometry
	leaf   int    // its parquet leaf index
	point  bool   // a geopoint field or a pair (column is an extra one)
}

// pointOf returns the point of one record (values in schema order) of a
// point dataset: its geopoint, or the [lon, lat] of its longitude and
// latitude fields; nil when missing (either coordinate of a pair missing,
// or not a finite number).
func (g *geoPlan) pointOf(values []schemas.Value) schemas.Value {
	if g.field >= 0 {
		return values[g.field]
	}
	x, okx := asFloat(values[g.lon])
	y, oky := asFloat(values[g.lat])
	if !okx || !oky || math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
		return nil
	}
	return [2]float64{x, y}
}

// asFloat returns the number v (float64 or integer).
func asFloat(v schemas.Value) (float64, bool) {
	if f, ok := v.(float64); ok {
		return f, true
	}
	n, ok := asInt64(v)
	return float64(n), ok
}

// geoField returns the index of the geometry field of s (the first geojson,
// except topojson, or geopoint field), or -1 when s is not geographic.
func geoField(s *schemas.Schema) int {
	for i, f := range s.Fields {
		switch {
		case f.Type == "geopoint", f.Type == "geojson" && f.Format != "topojson":
			return i
		}
	}
	return -1
}

// geometryColumnName returns the name of the extra WKB column of a geopoint
// dataset: "geometry", or "geometry_wkb", "geometry_wkb_2" … when a field
// already has that name.
func geometryColumnName(s *schemas.Schema) string {
	taken := map[string]bool{}
	for _, f := range s.Fields {
		taken[f.Name] = true
	}
	name := "geometry"
	for i := 1; taken[name]; i++ {
		name = "geometry_wkb"
		if i > 1 {
			name = fmt.Sprintf("geometry_wkb_%d", i)
		}
	}
	return name
}

// IsGeographic reports whether a dataset of schema s is geographic (has a
// geojson or geopoint field, or declares longitude and latitude fields)
// and so has data.geojson and GeoParquet metadata.
func IsGeographic(s *schemas.Schema) bool {
	return s != nil && (geoField(s) >= 0 || s.Geometry != nil)
}

// GeoMetadata is the GeoParquet 1.1 file metadata, stored as JSON under the
// "geo" key of data.parquet.
type GeoMetadata struct {
	Version       string                       `json:"version"`
	PrimaryColumn string                       `json:"primary_column"`
	Columns       map[string]GeoColumnMetadata `json:"columns"`
}

// GeoColumnMetadata describes one geometry column. CRS is omitted, which
// means OGC:CRS84 (longitude, latitude on WGS 84).
type GeoColumnMetadata struct {
	Encoding      string    `json:"encoding"`
	GeometryTypes []string  `json:"geometry_types"`
	BBox          []float64 `json:"bbox,omitempty"` // [xmin, ymin, xmax, ymax]; omitted when no geometry
}

// geoStats accumulates the geometry types and the bounding box of the
// geometries written. Its methods accept a nil receiver (no-op).
type geoStats struct {
	types map[string]bool
	bbox  [4]float64
	seen  bool // bbox holds at least one coordinate
}

func newGeoStats() *geoStats { return &geoStats{types: map[string]bool{}} }

func (s *geoStats) addPoint(x, y float64) {
	if s == nil {
		return
	}
	s.types["Point"] = true
	s.extend(x, y)
}

func (s *geoStats) extend(x, y float64) {
	if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
		return
	}
	if !s.seen {
		s.bbox = [4]float64{x, y, x, y}
		s.seen = true
		return
	}
	s.bbox[0] = min(s.bbox[0], x)
	s.bbox[1] = min(s.bbox[1], y)
	s.bbox[2] = max(s.bbox[2], x)
	s.bbox[3] = max(s.bbox[3], y)
}

// add records the type of g and extends the bounding box with its
// coordinates.
func (s *geoStats) add(g geom.T) {
	if s == nil || g == nil {
		return
	}
	s.types[geometryTypeName(g)] = true
	s.extendGeom(g)
}

func (s *geoStats) extendGeom(g geom.T) {
	if gc, ok := g.(*geom.GeometryCollection); ok {
		for _, sub := range gc.Geoms() {
			s.extendGeom(sub)
		}
		return
	}
	flat, stride := g.FlatCoords(), g.Stride()
	for i := 0; stride >= 2 && i+1 < len(flat); i += stride {
		s.extend(flat[i], flat[i+1])
	}
}

// metadata returns the "geo" metadata of a file written with plan p.
func (s *geoStats) metadata(p *plan) GeoMetadata {
	types := make([]string, 0, len(s.types))
	for t := range s.types {
		types = append(types, t)
	}
	sort.Strings(types)
	col := GeoColumnMetadata{Encoding: "WKB", GeometryTypes: types}
	if s.seen {
		col.BBox = s.bbox[:]
	}
	return GeoMetadata{
		Version: GeoParquetVersion, PrimaryColumn: p.geo.column,
		Columns: map[string]GeoColumnMetadata{p.geo.column: col},
	}
}

// geometryTypeName returns the GeoParquet name of g's type: Point,
// LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon or
// GeometryCollection, with a " Z", " M" or " ZM" suffix for other layouts
// than XY.
func geometryTypeName(g geom.T) string {
	var name string
	switch g.(type) {
	case *geom.Point:
		name = "Point"
	case *geom.LineString:
		name = "LineString"
	case *geom.Polygon:
		name = "Polygon"
	case *geom.MultiPoint:
		name = "MultiPoint"
	case *geom.MultiLineString:
		name = "MultiLineString"
	case *geom.MultiPolygon:
		name = "MultiPolygon"
	case *geom.GeometryCollection:
		name = "GeometryCollection"
	default:
		name = fmt.Sprintf("%T", g)
	}
	switch g.Layout() {
	case geom.XYZ:
		name += " Z"
	case geom.XYM:
		name += " M"
	case geom.XYZM:
		name += " ZM"
	}
	return name
}

// appendPointWKB appends the ISO WKB (little endian) of the point (x, y).
func appendPointWKB(b []byte, x, y float64) []byte {
	b = append(b, 1)                           // little endian
	b = binary.LittleEndian.AppendUint32(b, 1) // Point
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(y))
}

// appendWKB appends the ISO WKB (little endian) of g.
func appendWKB(b []byte, g geom.T) ([]byte, error) {
	enc, err := wkb.Marshal(g, binary.LittleEndian, wkbcommon.WKBOptionEmptyPointHandling(wkbcommon.EmptyPointHandlingNaN))
	if err != nil {
		return b, fmt.Errorf("wkb: %w", err)
	}
	return append(b, enc...), nil
}

// geoJSONHead is the part of a GeoJSON object that geometryJSON looks at.
type geoJSONHead struct {
	Type     string          `json:"type"`
	Geometry json.RawMessage `json:"geometry"`
	Features []struct {
		Geometry json.RawMessage `json:"geometry"`
	} `json:"features"`
}

// geometryJSON returns the GeoJSON geometry of a geojson value: the value
// itself when it is a geometry, a Feature's geometry, or a
// GeometryCollection of a FeatureCollection's geometries. It returns nil
// for a null geometry.
func geometryJSON(v schemas.Value) ([]byte, error) {
	var raw []byte
	switch x := v.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		raw = x
	case []byte:
		raw = x
	case string:
		raw = []byte(x)
	default:
		return nil, fmt.Errorf("geojson: unexpected value of type %T", v)
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var h geoJSONHead
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, fmt.Errorf("geojson: %w", err)
	}
	switch h.Type {
	case "Feature":
		g := bytes.TrimSpace(h.Geometry)
		if len(g) == 0 || string(g) == "null" {
			return nil, nil
		}
		return g, nil
	case "FeatureCollection":
		b := []byte(`{"type":"GeometryCollection","geometries":[`)
		n := 0
		for _, f := range h.Features {
			g := bytes.TrimSpace(f.Geometry)
			if len(g) == 0 || string(g) == "null" {
				continue
			}
			if n > 0 {
				b = append(b, ',')
			}
			b = append(b, g...)
			n++
		}
		return append(b, "]}"...), nil
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection":
		return raw, nil
	}
	return nil, fmt.Errorf("geojson: %q is not a GeoJSON geometry, Feature or FeatureCollection", h.Type)
}

// geometryOf decodes the geometry of a geojson value (nil for a null
// geometry).
func geometryOf(v schemas.Value) (geom.T, error) {
	raw, err := geometryJSON(v)
	if raw == nil || err != nil {
		return nil, err
	}
	var g geom.T
	if err := geojson.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Errorf("geojson: %w", err)
	}
	if g == nil {
		return nil, errors.New("geojson: no geometry")
	}
	return g, nil
}

// wkbToGeoJSON turns a WKB geometry back into GeoJSON text.
func wkbToGeoJSON(b []byte) (json.RawMessage, error) {
	g, err := wkb.Unmarshal(b, wkbcommon.WKBOptionEmptyPointHandling(wkbcommon.EmptyPointHandlingNaN))
	if err != nil {
		return nil, fmt.Errorf("wkb: %w", err)
	}
	out, err := geojson.Marshal(g)
	if err != nil {
		return nil, fmt.Errorf("geojson: %w", err)
	}
	return json.RawMessage(out), nil
}

// geoMetadataJSON encodes the "geo" metadata (compact, keys in a fixed
// order: the output is deterministic).
func geoMetadataJSON(m GeoMetadata) (string, error) {
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return "", fmt.Errorf("output: encode geo metadata: %w", err)
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}
