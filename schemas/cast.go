package schemas

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Value is a field's logical value: nil (missing), string, int64 (integer,
// year), float64 (number), bool, time.Time (date: UTC midnight; datetime:
// UTC), time.Duration (time of day since midnight), string "YYYY-MM"
// (yearmonth), string ISO 8601 (duration), [2]float64{lon,lat} (geopoint),
// json.RawMessage compact (object, array, geojson), []Value (list, items
// cast with itemType), string (any).
type Value = any

// caster turns a non-missing cell into its logical value; ok is false when
// the cell is not of the type.
type caster func(cell string) (v Value, ok bool)

// castSpec is a field's compiled type: how to cast and how to say what was
// expected.
type castSpec struct {
	cast caster
	// what completes "n'est pas ..." in a type-error message.
	what string
	// expect is the expected format shown to the user, "" when obvious.
	expect string
	// dt is the compiled strptime pattern for date, time and datetime with a
	// pattern format (nil otherwise).
	dt *dtPattern
	// identity is set when cast always accepts and returns the cell itself
	// as a string (castString): Table.Row then boxes the cell directly.
	identity bool
	// tooLarge, for integer, tells a cell that is an integer beyond 64 bits
	// (the cast refused it for its size, not its syntax).
	tooLarge func(cell string) bool
}

var knownTypes = map[string]bool{
	"string": true, "number": true, "integer": true, "boolean": true, "object": true,
	"array": true, "list": true, "date": true, "time": true, "datetime": true, "year": true,
	"yearmonth": true, "duration": true, "geopoint": true, "geojson": true, "any": true,
}

var listItemTypes = map[string]bool{
	"string": true, "integer": true, "number": true, "boolean": true,
	"date": true, "datetime": true, "time": true,
}

func isDefault(format string) bool { return format == "" || format == "default" }

func castString(s string) (Value, bool) { return s, true }

func castEmail(s string) (Value, bool) {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') || at == len(s)-1 {
		return nil, false
	}
	if strings.ContainsAny(s, " \t\r\n<>()[],;:\"\\") {
		return nil, false
	}
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || domain[0] == '.' || domain[len(domain)-1] == '.' || strings.Contains(domain, "..") {
		return nil, false
	}
	return s, true
}

func castURI(s string) (Value, bool) {
	if strings.ContainsAny(s, " \t\r\n") {
		return nil, false
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "" && u.Path == "") {
		return nil, false
	}
	return s, true
}

func castBinary(s string) (Value, bool) {
	if _, err := base64.StdEncoding.DecodeString(s); err != nil {
		return nil, false
	}
	return s, true
}

func castUUID(s string) (Value, bool) {
	if len(s) != 36 {
		return nil, false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return nil, false
			}
			continue
		}
		if !isHex(c) {
			return nil, false
		}
	}
	return s, true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// numberOptions are the compiled number/integer options of a field.
type numberOptions struct {
	decimal string
	group   string
	bare    bool
	// groups are the strings removed as group separators (a space group
	// separator also removes no-break spaces, common in French sources).
	groups []string
	plain  bool // decimal "." and no group: the cell can be used as is
}

func newNumberOptions(f *Field) (*numberOptions, []string) {
	o := &numberOptions{decimal: f.DecimalChar, group: f.GroupChar, bare: true}
	var problems []string
	if o.decimal == "" {
		o.decimal = "."
	}
	if f.BareNumber != nil {
		o.bare = *f.BareNumber
	}
	if o.group != "" {
		if o.group == o.decimal {
			problems = append(problems, "groupChar et decimalChar sont le même caractère")
		}
		o.groups = []string{o.group}
		if o.group == " " {
			o.groups = append(o.groups, "\u00a0", "\u202f")
		}
	}
	for _, c := range []string{o.decimal, o.group} {
		if c != "" && strings.ContainsAny(c, "0123456789+-eE") {
			problems = append(problems, fmt.Sprintf("le séparateur « %s » serait lu comme un chiffre du nombre", c))
		}
	}
	o.plain = o.decimal == "." && o.group == ""
	return o, problems
}

// stripNonBare removes what surrounds the number when bareNumber is false:
// leading characters up to the first digit, sign or decimal separator and
// trailing characters after the last digit or decimal separator.
func (o *numberOptions) stripNonBare(s string) string {
	start := 0
	for start < len(s) {
		c := s[start]
		if isDigit(c) || c == '+' || c == '-' || strings.HasPrefix(s[start:], o.decimal) {
			break
		}
		_, size := utf8.DecodeRuneInString(s[start:])
		start += size
	}
	end := len(s)
	for end > start {
		c := s[end-1]
		if isDigit(c) || strings.HasSuffix(s[:end], o.decimal) {
			break
		}
		_, size := utf8.DecodeLastRuneInString(s[:end])
		end -= size
	}
	return s[start:end]
}

// normalize returns the cell in Go syntax ("." decimal, no group), using buf
// when a copy is needed.
func (o *numberOptions) normalize(s string, buf []byte) string {
	if !o.bare {
		s = o.stripNonBare(s)
	}
	if o.plain {
		return s
	}
	for _, g := range o.groups {
		if strings.Contains(s, g) {
			s = strings.ReplaceAll(s, g, "")
		}
	}
	if o.decimal != "." {
		if strings.Contains(s, ".") {
			return "\x00" // a "." is not a decimal separator here: invalid
		}
		b := append(buf[:0], s...)
		if i := strings.Index(s, o.decimal); i >= 0 {
			b = append(append(b[:i], '.'), s[i+len(o.decimal):]...)
		}
		return string(b)
	}
	return s
}

// validFloatSyntax accepts [+-]?(d+(.d*)?|.d+)([eE][+-]?d+)?.
func validFloatSyntax(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && isDigit(s[i]) {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && isDigit(s[i]) {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

func validIntSyntax(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	if i == len(s) {
		return false
	}
	for ; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func (o *numberOptions) castNumber(s string) (Value, bool) {
	switch s {
	case "NaN", "nan":
		return math.NaN(), true
	case "INF", "+INF", "inf", "Infinity":
		return math.Inf(1), true
	case "-INF", "-inf", "-Infinity":
		return math.Inf(-1), true
	}
	var buf [64]byte
	n := o.normalize(s, buf[:])
	if !validFloatSyntax(n) {
		return nil, false
	}
	v, err := strconv.ParseFloat(n, 64)
	if err != nil {
		return nil, false
	}
	return v, true
}

func (o *numberOptions) castInteger(s string) (Value, bool) {
	var buf [64]byte
	n := o.normalize(s, buf[:])
	if !validIntSyntax(n) {
		return nil, false
	}
	v, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		return nil, false
	}
	return v, true
}

// integerTooLarge reports whether s has the syntax of an integer but not
// its range (beyond int64).
func (o *numberOptions) integerTooLarge(s string) bool {
	var buf [64]byte
	n := o.normalize(s, buf[:])
	if !validIntSyntax(n) {
		return false
	}
	_, err := strconv.ParseInt(n, 10, 64)
	return errors.Is(err, strconv.ErrRange)
}

// castJSON accepts a JSON document starting with open ('{' or '[') and
// returns it compacted.
func castJSON(s string, open byte) (Value, bool) {
	t := strings.TrimLeft(s, " \t\r\n")
	if t == "" || t[0] != open || !json.Valid([]byte(t)) {
		return nil, false
	}
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(t)); err != nil {
		return nil, false
	}
	return json.RawMessage(b.Bytes()), true
}

var geoJSONTypes = map[string]bool{
	"Point": true, "MultiPoint": true, "LineString": true, "MultiLineString": true,
	"Polygon": true, "MultiPolygon": true, "GeometryCollection": true,
	"Feature": true, "FeatureCollection": true,
}

func castGeoJSON(s string, topo bool) (Value, bool) {
	v, ok := castJSON(s, '{')
	if !ok {
		return nil, false
	}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(v.(json.RawMessage), &head); err != nil {
		return nil, false
	}
	if topo {
		if head.Type != "Topology" {
			return nil, false
		}
	} else if !geoJSONTypes[head.Type] {
		return nil, false
	}
	return v, true
}

func castYear(s string) (Value, bool) {
	t := strings.TrimPrefix(s, "-")
	if len(t) < 4 || len(t) > 9 {
		return nil, false
	}
	for i := 0; i < len(t); i++ {
		if !isDigit(t[i]) {
			return nil, false
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, false
	}
	return v, true
}

func castYearMonth(s string) (Value, bool) {
	if len(s) != 7 || s[4] != '-' {
		return nil, false
	}
	for i, c := range []byte(s) {
		if i != 4 && !isDigit(c) {
			return nil, false
		}
	}
	m := (s[5]-'0')*10 + s[6] - '0'
	if m < 1 || m > 12 {
		return nil, false
	}
	return s, true
}

// castDuration accepts ISO 8601 durations: [-]P[nY][nM][nW][nD][T[nH][nM][n[.n]S]].
func castDuration(s string) (Value, bool) {
	t := strings.TrimPrefix(s, "-")
	if len(t) < 2 || t[0] != 'P' {
		return nil, false
	}
	t = t[1:]
	inTime := false
	any := false
	order := "YMWD"
	for len(t) > 0 {
		if t[0] == 'T' {
			if inTime {
				return nil, false
			}
			inTime = true
			order = "HMS"
			t = t[1:]
			if t == "" {
				return nil, false
			}
			continue
		}
		i := 0
		for i < len(t) && isDigit(t[i]) {
			i++
		}
		if i == 0 {
			return nil, false
		}
		frac := false
		if i < len(t) && (t[i] == '.' || t[i] == ',') {
			frac = true
			i++
			j := i
			for i < len(t) && isDigit(t[i]) {
				i++
			}
			if i == j {
				return nil, false
			}
		}
		if i >= len(t) {
			return nil, false
		}
		unit := t[i]
		k := strings.IndexByte(order, unit)
		if k < 0 || (frac && !(inTime && unit == 'S')) {
			return nil, false
		}
		order = order[k+1:]
		t = t[i+1:]
		any = true
	}
	if !any {
		return nil, false
	}
	return s, true
}

func validLonLat(lon, lat float64) bool {
	return lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90
}

func castGeopointDefault(s string) (Value, bool) {
	i := strings.IndexByte(s, ',')
	if i < 0 {
		return nil, false
	}
	a, b := strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
	if !validFloatSyntax(a) || !validFloatSyntax(b) {
		return nil, false
	}
	lon, err1 := strconv.ParseFloat(a, 64)
	lat, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil || !validLonLat(lon, lat) {
		return nil, false
	}
	return [2]float64{lon, lat}, true
}

func castGeopointArray(s string) (Value, bool) {
	var p []float64
	if err := json.Unmarshal([]byte(s), &p); err != nil || len(p) != 2 || !validLonLat(p[0], p[1]) {
		return nil, false
	}
	return [2]float64{p[0], p[1]}, true
}

func castGeopointObject(s string) (Value, bool) {
	var p struct {
		Lon *float64 `json:"lon"`
		Lat *float64 `json:"lat"`
	}
	if err := json.Unmarshal([]byte(s), &p); err != nil || p.Lon == nil || p.Lat == nil || !validLonLat(*p.Lon, *p.Lat) {
		return nil, false
	}
	return [2]float64{*p.Lon, *p.Lat}, true
}

// castDescriptorValue casts a constraint value read from the descriptor
// (json.Number, string, bool, ...) with the field's caster.
func castDescriptorValue(typ string, spec castSpec, raw any) (Value, bool) {
	switch x := raw.(type) {
	case nil:
		return nil, false
	case string:
		return spec.cast(x)
	case json.Number:
		switch typ {
		case "integer", "year":
			v, err := strconv.ParseInt(string(x), 10, 64)
			return v, err == nil
		case "number":
			v, err := strconv.ParseFloat(string(x), 64)
			return v, err == nil
		}
		return spec.cast(string(x))
	case bool:
		if typ == "boolean" {
			return x, true
		}
		return nil, false
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return nil, false
		}
		switch typ {
		case "object", "array", "geojson":
			var c bytes.Buffer
			if json.Compact(&c, b) != nil {
				return nil, false
			}
			return spec.cast(c.String())
		case "geopoint":
			if arr, ok := x.([]any); ok && len(arr) == 2 {
				lon, e1 := strconv.ParseFloat(fmt.Sprint(arr[0]), 64)
				lat, e2 := strconv.ParseFloat(fmt.Sprint(arr[1]), 64)
				if e1 == nil && e2 == nil && validLonLat(lon, lat) {
					return [2]float64{lon, lat}, true
				}
			}
			return nil, false
		}
		return nil, false
	}
}

// FormatValue writes a logical value of field f back as a cell string in
// the field's own format, so that casting the result gives the value back.
// nil formats as "".
func (f *Field) FormatValue(v Value) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			if len(f.TrueValues) > 0 {
				return f.TrueValues[0]
			}
			return "true"
		}
		if len(f.FalseValues) > 0 {
			return f.FalseValues[0]
		}
		return "false"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		var s string
		switch {
		case math.IsNaN(x):
			return "NaN"
		case math.IsInf(x, 1):
			return "INF"
		case math.IsInf(x, -1):
			return "-INF"
		default:
			s = strconv.FormatFloat(x, 'g', -1, 64)
		}
		if f.DecimalChar != "" && f.DecimalChar != "." {
			s = strings.Replace(s, ".", f.DecimalChar, 1)
		}
		return s
	case time.Time:
		return formatTime(f.Type, f.Format, x)
	case time.Duration:
		return formatTime("time", f.Format, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Add(x))
	case [2]float64:
		lon := strconv.FormatFloat(x[0], 'g', -1, 64)
		lat := strconv.FormatFloat(x[1], 'g', -1, 64)
		switch f.Format {
		case "array":
			return "[" + lon + "," + lat + "]"
		case "object":
			return `{"lon":` + lon + `,"lat":` + lat + "}"
		}
		return lon + ", " + lat
	case json.RawMessage:
		return string(x)
	case []Value:
		item := Field{Type: f.ItemType}
		delim := f.Delimiter
		if delim == "" {
			delim = ","
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = item.FormatValue(e)
		}
		return strings.Join(parts, delim)
	}
	return fmt.Sprint(v)
}
