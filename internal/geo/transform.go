package geo

// Coordinate transformations between the CRSs of crs.go.
//
// Coordinates are always given and returned in "visualisation" order:
// easting then northing for projected systems, longitude then latitude for
// geographic ones (the order of RFC 7946 GeoJSON), whatever the axis order
// of the EPSG definition.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// EPSG codes used across the project.
const (
	// EPSGLambert93 is RGF93 v1 / Lambert-93, the legal projection of
	// metropolitan France and the CRS of most GEOPAL layers.
	EPSGLambert93 = 2154
	// EPSGWGS84 is WGS 84 geographic coordinates (GPS, GeoJSON).
	EPSGWGS84 = 4326
	// EPSGWebMercator is WGS 84 / Pseudo-Mercator, the CRS of web maps.
	EPSGWebMercator = 3857
)

// transformation converts points from one supported CRS to another.
type transformation struct {
	from, to int
	src, dst crs
}

// newTransformation returns the transformation from fromEPSG to toEPSG.
func newTransformation(fromEPSG, toEPSG int) (transformation, error) {
	src, err := lookupCRS(fromEPSG)
	if err != nil {
		return transformation{}, fmt.Errorf("geo: EPSG:%d → EPSG:%d: %w", fromEPSG, toEPSG, err)
	}
	dst, err := lookupCRS(toEPSG)
	if err != nil {
		return transformation{}, fmt.Errorf("geo: EPSG:%d → EPSG:%d: %w", fromEPSG, toEPSG, err)
	}
	return transformation{from: fromEPSG, to: toEPSG, src: src, dst: dst}, nil
}

// apply transforms one point. The same CRS on both sides, or two
// geographic CRSs, leave the point as it is.
func (t transformation) apply(x, y float64) (float64, float64, error) {
	if !finite(x) || !finite(y) {
		return 0, 0, fmt.Errorf("geo: EPSG:%d → EPSG:%d: non-finite coordinates (%v, %v)", t.from, t.to, x, y)
	}
	if t.from == t.to {
		return x, y, nil
	}
	lon, lat, err := t.src.toLonLat(x, y)
	var x2, y2 float64
	if err == nil {
		x2, y2, err = t.dst.fromLonLat(lon, lat)
	}
	if err == nil && !(finite(x2) && finite(y2)) {
		err = errors.New("point outside the domain of the projection")
	}
	if err != nil {
		return 0, 0, fmt.Errorf("geo: EPSG:%d → EPSG:%d of (%v, %v): %w", t.from, t.to, x, y, err)
	}
	return x2, y2, nil
}

// Transform converts the point (x, y) from the CRS fromEPSG to the CRS
// toEPSG. Both pairs are in visualisation order (easting/longitude first).
// It returns an error for an unsupported EPSG code, a point outside the
// domain of the projection, or a non-finite input or result.
func Transform(fromEPSG, toEPSG int, x, y float64) (float64, float64, error) {
	t, err := newTransformation(fromEPSG, toEPSG)
	if err != nil {
		return 0, 0, err
	}
	return t.apply(x, y)
}

// CheckTransform reports whether both CRSs are supported, without
// transforming anything.
func CheckTransform(fromEPSG, toEPSG int) error {
	_, err := newTransformation(fromEPSG, toEPSG)
	return err
}

// Lambert93ToWGS84 converts Lambert-93 (EPSG:2154) easting x and northing y,
// in metres, to WGS 84 longitude and latitude in degrees (RGF93 taken as
// WGS 84: they agree within a metre).
func Lambert93ToWGS84(x, y float64) (lon, lat float64, err error) {
	return Transform(EPSGLambert93, EPSGWGS84, x, y)
}

// WGS84ToLambert93 converts WGS 84 longitude and latitude in degrees to
// Lambert-93 (EPSG:2154) easting and northing in metres.
func WGS84ToLambert93(lon, lat float64) (x, y float64, err error) {
	return Transform(EPSGWGS84, EPSGLambert93, lon, lat)
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// BBox is the bounding box of a geometry, in the coordinates of its CRS.
type BBox struct {
	MinX, MinY, MaxX, MaxY float64
}

// Center returns the middle of the box, the representative point of a
// geometry that is not a point.
func (b BBox) Center() (x, y float64) {
	return (b.MinX + b.MaxX) / 2, (b.MinY + b.MaxY) / 2
}

func (b *BBox) extend(x, y float64, first bool) {
	if first {
		*b = BBox{x, y, x, y}
		return
	}
	b.MinX, b.MaxX = math.Min(b.MinX, x), math.Max(b.MaxX, x)
	b.MinY, b.MaxY = math.Min(b.MinY, y), math.Max(b.MaxY, y)
}

// ErrEmptyGeometry is returned by TransformGeoJSON for a geometry without
// any position (an empty coordinates array, an empty collection).
var ErrEmptyGeometry = errors.New("geo: geometry has no position")

// GeoJSONOptions tune TransformGeoJSON.
type GeoJSONOptions struct {
	// SwapInput says that the input positions are in the authority axis
	// order of a geographic CRS (latitude first), as WFS servers send them
	// when asked for "urn:ogc:def:crs:EPSG::4326".
	SwapInput bool
	// Decimals rounds the output coordinates; 0 keeps them unrounded. 7
	// decimals of a degree are about a centimetre.
	Decimals int
}

// maxGeoJSONDepth bounds the nesting of GeometryCollections.
const maxGeoJSONDepth = 8

// TransformGeoJSON reprojects a GeoJSON geometry object (Point, MultiPoint,
// LineString, MultiLineString, Polygon, MultiPolygon or GeometryCollection)
// from fromEPSG to toEPSG, in visualisation order (RFC 7946 when toEPSG is
// 4326). It returns the compact GeoJSON text of the new geometry, holding
// only "type" and "coordinates" (or "geometries"), and the bounding box of
// its positions in the target CRS. A third coordinate (height) is kept as
// is. A malformed geometry, an unknown type, a position with fewer than two
// numbers or one that cannot be projected is an error; a geometry with no
// position is ErrEmptyGeometry.
func TransformGeoJSON(fromEPSG, toEPSG int, geometry []byte, opt GeoJSONOptions) ([]byte, BBox, error) {
	tr, err := newTransformation(fromEPSG, toEPSG)
	if err != nil {
		return nil, BBox{}, err
	}
	t := geoTransform{tr: tr, opt: opt}
	var buf bytes.Buffer
	if err := t.geometry(&buf, geometry, 0); err != nil {
		return nil, BBox{}, err
	}
	if t.n == 0 {
		return nil, BBox{}, ErrEmptyGeometry
	}
	return buf.Bytes(), t.box, nil
}

type geoTransform struct {
	tr  transformation
	opt GeoJSONOptions
	box BBox
	n   int // positions seen
}

// coordinate nesting depth of each geometry type: 0 is a position.
var geoJSONDepth = map[string]int{
	"Point": 0, "MultiPoint": 1, "LineString": 1,
	"MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3,
}

func (t *geoTransform) geometry(buf *bytes.Buffer, raw []byte, level int) error {
	var g struct {
		Type        string            `json:"type"`
		Coordinates json.RawMessage   `json:"coordinates"`
		Geometries  []json.RawMessage `json:"geometries"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return fmt.Errorf("geo: GeoJSON geometry: %w", err)
	}
	if g.Type == "GeometryCollection" {
		if level >= maxGeoJSONDepth {
			return errors.New("geo: GeoJSON geometry: GeometryCollections nested too deep")
		}
		buf.WriteString(`{"type":"GeometryCollection","geometries":[`)
		for i, sub := range g.Geometries {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := t.geometry(buf, sub, level+1); err != nil {
				return err
			}
		}
		buf.WriteString("]}")
		return nil
	}
	depth, ok := geoJSONDepth[g.Type]
	if !ok {
		return fmt.Errorf("geo: GeoJSON geometry: unknown type %q", g.Type)
	}
	if len(g.Coordinates) == 0 || string(g.Coordinates) == "null" {
		return fmt.Errorf("geo: GeoJSON %s without coordinates", g.Type)
	}
	var coords any
	if err := json.Unmarshal(g.Coordinates, &coords); err != nil {
		return fmt.Errorf("geo: GeoJSON %s coordinates: %w", g.Type, err)
	}
	buf.WriteString(`{"type":`)
	buf.WriteString(strconv.Quote(g.Type))
	buf.WriteString(`,"coordinates":`)
	if err := t.coords(buf, coords, depth); err != nil {
		return fmt.Errorf("geo: GeoJSON %s: %w", g.Type, err)
	}
	buf.WriteByte('}')
	return nil
}

// coords writes the transformed array v, expected at the given nesting depth.
func (t *geoTransform) coords(buf *bytes.Buffer, v any, depth int) error {
	arr, ok := v.([]any)
	if !ok {
		return fmt.Errorf("coordinates: expected an array, got %s", jsonKind(v))
	}
	if depth == 0 {
		return t.position(buf, arr)
	}
	buf.WriteByte('[')
	for i, item := range arr {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := t.coords(buf, item, depth-1); err != nil {
			return err
		}
	}
	buf.WriteByte(']')
	return nil
}

func (t *geoTransform) position(buf *bytes.Buffer, pos []any) error {
	if len(pos) < 2 {
		return fmt.Errorf("position with %d number(s), want at least 2", len(pos))
	}
	nums := make([]float64, len(pos))
	for i, p := range pos {
		f, ok := p.(float64)
		if !ok {
			return fmt.Errorf("position: expected a number, got %s", jsonKind(p))
		}
		nums[i] = f
	}
	x, y := nums[0], nums[1]
	if t.opt.SwapInput {
		x, y = y, x
	}
	x, y, err := t.tr.apply(x, y)
	if err != nil {
		return err
	}
	if d := t.opt.Decimals; d > 0 {
		x, y = Round(x, d), Round(y, d)
	}
	t.box.extend(x, y, t.n == 0)
	t.n++
	nums[0], nums[1] = x, y
	buf.WriteByte('[')
	for i, f := range nums {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(strconv.FormatFloat(f, 'f', -1, 64))
	}
	buf.WriteByte(']')
	return nil
}

// Round rounds f to the given number of decimals.
func Round(f float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(f*p) / p
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
