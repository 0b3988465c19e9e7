package output

import (
	"math"
	"strconv"
	"time"

	"github.com/ligerdata/ligerdata/schemas"
)

// data.geojson is a FeatureCollection (RFC 7946) written as a stream: the
// header, then one Feature per row in row order, then the footer, one
// Feature per line:
//
//	{"type":"FeatureCollection","features":[
//	{"type":"Feature","geometry":{…},"properties":{…}},
//	…
//	]}
//
// The geometry is the dataset's geometry field (see geoField): a geopoint
// as a Point, a geojson value as its geometry (see geometryJSON), or the
// Point of its declared longitude and latitude fields; null when missing.
// The properties are the other fields (all of them for a pair), in schema order, as typed
// JSON: integers and numbers as numbers (NaN and infinities, which JSON
// cannot represent, as null), booleans as booleans, dates as "YYYY-MM-DD",
// datetimes as RFC 3339 strings in UTC, times as "hh:mm:ss[.ffffff]",
// other geopoints as [lon, lat], objects, arrays and geojson values as
// JSON, lists as JSON arrays, text as strings; missing values as null.

const (
	geoJSONHeader = `{"type":"FeatureCollection","features":[` + "\n"
	geoJSONFooter = "\n]}\n"
)

// appendFeature appends the Feature of one record (values in schema field
// order) to dst; first tells whether it is the first Feature of the file.
func (p *plan) appendFeature(dst []byte, values []schemas.Value, first bool) ([]byte, error) {
	if !first {
		dst = append(dst, ",\n"...)
	}
	dst = append(dst, `{"type":"Feature","geometry":`...)
	var gv schemas.Value
	if p.geo.point {
		gv = p.geo.pointOf(values)
	} else {
		gv = values[p.geo.field]
	}
	switch {
	case gv == nil:
		dst = append(dst, "null"...)
	case p.geo.point:
		pt, ok := gv.([2]float64)
		if !ok {
			return dst, fieldError(&p.columns[p.geo.field], gv)
		}
		dst = append(dst, `{"type":"Point","coordinates":[`...)
		dst = appendJSONNumber(dst, pt[0])
		dst = append(dst, ',')
		dst = appendJSONNumber(dst, pt[1])
		dst = append(dst, "]}"...)
	default:
		g, err := geometryJSON(gv)
		if err != nil {
			return dst, err
		}
		if g == nil {
			dst = append(dst, "null"...)
		} else {
			dst = append(dst, g...)
		}
	}
	dst = append(dst, `,"properties":{`...)
	n := 0
	for i := range p.columns {
		if i == p.geo.field {
			continue
		}
		c := &p.columns[i]
		if n > 0 {
			dst = append(dst, ',')
		}
		n++
		var err error
		if dst, err = appendJSONString(dst, c.name); err != nil {
			return dst, err
		}
		dst = append(dst, ':')
		if dst, err = p.appendPropertyJSON(dst, c, values[i]); err != nil {
			return dst, err
		}
	}
	return append(dst, "}}"...), nil
}

// appendPropertyJSON appends the typed JSON of the value v of column c.
func (p *plan) appendPropertyJSON(dst []byte, c *column, v schemas.Value) ([]byte, error) {
	if v == nil {
		return append(dst, "null"...), nil
	}
	switch c.kind {
	case kindInt64:
		n, ok := asInt64(v)
		if !ok {
			return dst, fieldError(c, v)
		}
		return strconv.AppendInt(dst, n, 10), nil
	case kindDouble:
		switch x := v.(type) {
		case float64:
			return appendJSONNumber(dst, x), nil
		case int64:
			return strconv.AppendInt(dst, x, 10), nil
		}
		return dst, fieldError(c, v)
	case kindBool:
		b, ok := v.(bool)
		if !ok {
			return dst, fieldError(c, v)
		}
		return strconv.AppendBool(dst, b), nil
	case kindDate:
		t, ok := v.(time.Time)
		if !ok {
			return dst, fieldError(c, v)
		}
		dst = append(dst, '"')
		return append(t.AppendFormat(dst, time.DateOnly), '"'), nil
	case kindGeopoint:
		pt, ok := v.([2]float64)
		if !ok {
			return dst, fieldError(c, v)
		}
		dst = append(dst, '[')
		dst = appendJSONNumber(dst, pt[0])
		dst = append(dst, ',')
		dst = appendJSONNumber(dst, pt[1])
		return append(dst, ']'), nil
	case kindJSON, kindGeoWKB:
		return appendJSON(dst, v)
	case kindList:
		return appendJSON(dst, v)
	case kindString:
		if s, ok := v.(string); ok {
			return appendJSONString(dst, s)
		}
		return appendJSON(dst, v)
	}
	// datetime, time: their canonical text as a string.
	b, err := p.csvText(nil, c, v)
	if err != nil {
		return dst, err
	}
	return appendJSONString(dst, string(b))
}

// appendJSONNumber appends f as a JSON number, null for NaN and infinities.
func appendJSONNumber(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}
