package output

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ligerdata/ligerdata/schemas"
)

// csvRecord formats one record for the CSV file, into rec (len = fields).
//
// The CSV encoding is canonical, whatever the source looked like: integers
// in decimal; numbers with the shortest representation that round-trips
// ('f' format, no exponent; NaN, INF, -INF for special values); booleans
// true/false; dates YYYY-MM-DD; datetimes RFC 3339 in UTC (fractional
// seconds only when non-zero); times hh:mm:ss[.ffffff]; geopoints "lon,lat"
// (or [lon,lat] / {"lon":…,"lat":…} for the array and object formats);
// objects, arrays and geojson as compact JSON as received; lists joined with
// the field's delimiter (default ","); missing values as the empty string.
func (p *plan) csvRecord(rec []string, values []schemas.Value, scratch *[]byte) error {
	for i := range p.columns {
		c := &p.columns[i]
		v := values[i]
		if v == nil {
			rec[i] = ""
			continue
		}
		if s, ok := v.(string); ok && c.kind == kindString {
			rec[i] = s
			continue
		}
		b, err := p.csvText((*scratch)[:0], c, v)
		if err != nil {
			return err
		}
		rec[i] = string(b)
		*scratch = b
	}
	return nil
}

// csvText appends the canonical CSV text of v (not nil), a value of column
// c, to b, unquoted.
func (p *plan) csvText(b []byte, c *column, v schemas.Value) ([]byte, error) {
	var err error
	switch c.kind {
	case kindInt64:
		n, ok := asInt64(v)
		if !ok {
			return b, fieldError(c, v)
		}
		b = strconv.AppendInt(b, n, 10)
	case kindDouble:
		switch x := v.(type) {
		case float64:
			b = appendFloat(b, x)
		case int64:
			b = strconv.AppendInt(b, x, 10)
		default:
			return b, fieldError(c, v)
		}
	case kindBool:
		x, ok := v.(bool)
		if !ok {
			return b, fieldError(c, v)
		}
		b = strconv.AppendBool(b, x)
	case kindDate:
		t, ok := v.(time.Time)
		if !ok {
			return b, fieldError(c, v)
		}
		b = t.AppendFormat(b, time.DateOnly)
	case kindDatetime:
		t, ok := v.(time.Time)
		if !ok {
			return b, fieldError(c, v)
		}
		b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	case kindTime:
		d, ok := v.(time.Duration)
		if !ok {
			return b, fieldError(c, v)
		}
		b = appendTimeOfDay(b, d)
	case kindGeopoint:
		pt, ok := v.([2]float64)
		if !ok {
			return b, fieldError(c, v)
		}
		b = appendGeopoint(b, pt, c.geoFormat)
	case kindJSON, kindGeoWKB:
		b, err = appendJSON(b, v)
	case kindList:
		b, err = appendList(b, v, c.itemKind, c.delimiter)
	default:
		b = appendText(b, v)
	}
	if err != nil {
		return b, fmt.Errorf("output: field %q: %w", c.name, err)
	}
	return b, nil
}

func asInt64(v schemas.Value) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	}
	return 0, false
}

// daysSinceEpoch returns the calendar date of t (in t's location) as days
// since 1970-01-01.
func daysSinceEpoch(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func appendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "INF"...)
	case math.IsInf(f, -1):
		return append(b, "-INF"...)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// appendTimeOfDay formats a time of day as hh:mm:ss, with the fractional
// seconds (microsecond precision, trailing zeros trimmed) when non-zero.
func appendTimeOfDay(b []byte, d time.Duration) []byte {
	if d < 0 {
		b = append(b, '-')
		d = -d
	}
	us := int64(d / time.Microsecond)
	sec := us / 1e6
	frac := us % 1e6
	b = appendPadded(b, sec/3600, 2)
	b = append(b, ':')
	b = appendPadded(b, sec/60%60, 2)
	b = append(b, ':')
	b = appendPadded(b, sec%60, 2)
	if frac != 0 {
		b = append(b, '.')
		start := len(b)
		b = appendPadded(b, frac, 6)
		end := len(b)
		for end > start && b[end-1] == '0' {
			end--
		}
		b = b[:end]
	}
	return b
}

func appendPadded(b []byte, n int64, width int) []byte {
	s := strconv.FormatInt(n, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func appendGeopoint(b []byte, pt [2]float64, format string) []byte {
	switch format {
	case "array":
		b = append(b, '[')
		b = appendFloat(b, pt[0])
		b = append(b, ',')
		b = appendFloat(b, pt[1])
		return append(b, ']')
	case "object":
		b = append(b, `{"lon":`...)
		b = appendFloat(b, pt[0])
		b = append(b, `,"lat":`...)
		b = appendFloat(b, pt[1])
		return append(b, '}')
	}
	b = appendFloat(b, pt[0])
	b = append(b, ',')
	return appendFloat(b, pt[1])
}

// appendJSON appends the JSON text of v: json.RawMessage as received,
// anything else marshalled (time.Time as RFC 3339, durations as time of day).
func appendJSON(b []byte, v schemas.Value) ([]byte, error) {
	switch x := v.(type) {
	case json.RawMessage:
		return append(b, x...), nil
	case []byte:
		return append(b, x...), nil
	case []schemas.Value:
		b = append(b, '[')
		for i, item := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSON(b, item); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case string:
		return appendJSONString(b, x)
	case nil:
		return append(b, "null"...), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return appendJSONString(b, string(appendFloat(nil, x)))
		}
		return strconv.AppendFloat(b, x, 'f', -1, 64), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case time.Time, time.Duration, [2]float64:
		return appendJSONString(b, string(appendText(nil, x)))
	}
	enc, err := json.Marshal(v)
	if err != nil {
		return b, err
	}
	return append(b, enc...), nil
}

func appendJSONString(b []byte, s string) ([]byte, error) {
	enc, err := json.Marshal(s)
	if err != nil {
		return b, err
	}
	return append(b, enc...), nil
}

// appendList joins the items of a list value with delim, each item in the
// canonical text of the list's item type.
func appendList(b []byte, v schemas.Value, item kind, delim string) ([]byte, error) {
	items, ok := v.([]schemas.Value)
	if !ok {
		if s, ok := v.(string); ok {
			return append(b, s...), nil
		}
		return b, fmt.Errorf("unexpected list value of type %T", v)
	}
	for i, it := range items {
		if i > 0 {
			b = append(b, delim...)
		}
		if it == nil {
			continue
		}
		switch t := it.(type) {
		case time.Time:
			if item == kindDate {
				b = t.AppendFormat(b, time.DateOnly)
			} else {
				b = t.UTC().AppendFormat(b, time.RFC3339Nano)
			}
		default:
			b = appendText(b, it)
		}
	}
	return b, nil
}

// appendText appends the canonical text of a value of any dynamic type (used
// for text columns, "any" fields and list items).
func appendText(b []byte, v schemas.Value) []byte {
	switch x := v.(type) {
	case nil:
		return b
	case string:
		return append(b, x...)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case float64:
		return appendFloat(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case time.Time:
		if x.Location() == time.UTC && x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.AppendFormat(b, time.DateOnly)
		}
		return x.UTC().AppendFormat(b, time.RFC3339Nano)
	case time.Duration:
		return appendTimeOfDay(b, x)
	case [2]float64:
		return appendGeopoint(b, x, "")
	case json.RawMessage:
		return append(b, x...)
	case []schemas.Value:
		out, err := appendJSON(b, x)
		if err != nil {
			return append(b, fmt.Sprint(x)...)
		}
		return out
	case fmt.Stringer:
		return append(b, x.String()...)
	}
	return append(b, strings.TrimSpace(fmt.Sprint(v))...)
}

// cloneValue returns a copy of v that shares no mutable memory with the
// caller (byte slices and lists are copied; strings are immutable).
func cloneValue(v schemas.Value) schemas.Value {
	switch x := v.(type) {
	case json.RawMessage:
		return json.RawMessage(append([]byte(nil), x...))
	case []byte:
		return append([]byte(nil), x...)
	case []schemas.Value:
		out := make([]schemas.Value, len(x))
		for i, it := range x {
			out[i] = cloneValue(it)
		}
		return out
	}
	return v
}
