package odsql

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// parseNumber reads a number literal (or a string holding one).
func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

var partialDate = regexp.MustCompile(`^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$`)

// parseDate reads an ODSQL date: an ISO 8601 date or date-time, or a
// slash-separated YYYY/MM/DD, possibly shortened to a year or a month
// (which stand for their first day). A date-time without a zone is read in
// loc.
func parseDate(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if m := partialDate.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, d := 1, 1
		if m[2] != "" {
			mo, _ = strconv.Atoi(m[2])
		}
		if m[3] != "" {
			d, _ = strconv.Atoi(m[3])
		}
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc)
		if mo < 1 || mo > 12 || t.Day() != d {
			return time.Time{}, false
		}
		return t, true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// distanceUnits converts ODSQL distance units to metres.
var distanceUnits = map[string]float64{
	"": 1, "m": 1, "km": 1000, "cm": 0.01, "mm": 0.001,
	"mi": 1609.344, "yd": 0.9144, "ft": 0.3048,
}

var wktPoint = regexp.MustCompile(`(?i)^\s*POINT\s*\(\s*(-?[0-9.eE+-]+)\s+(-?[0-9.eE+-]+)\s*\)\s*$`)

// parsePoint reads geom'POINT(lon lat)' (WKT) or a GeoJSON Point.
func parsePoint(s string) (lon, lat float64, ok bool) {
	if m := wktPoint.FindStringSubmatch(s); m != nil {
		lon, ok1 := parseNumber(m[1])
		lat, ok2 := parseNumber(m[2])
		return lon, lat, ok1 && ok2 && validLonLat(lon, lat)
	}
	var pt struct {
		Type        string    `json:"type"`
		Coordinates []float64 `json:"coordinates"`
	}
	if err := jsonUnmarshal(s, &pt); err == nil && pt.Type == "Point" && len(pt.Coordinates) == 2 {
		return pt.Coordinates[0], pt.Coordinates[1], validLonLat(pt.Coordinates[0], pt.Coordinates[1])
	}
	return 0, 0, false
}

func validLonLat(lon, lat float64) bool {
	return lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90
}

// escapeLike escapes the LIKE wildcards of s (the escape character is \).
func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
