package opendatasoft

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ligerdata/ligerdata/connectors"
)

// The readers below turn the body of an export into records, handed one by
// one to add. A row that cannot be read whole but does not compromise the
// others (a malformed CSV line, a JSON element that is not an object)
// becomes a record with connectors.ErrorField. A body that cannot be trusted
// as a whole (truncated, invalid JSON) is an error, and the pipeline
// publishes nothing.

var bom = []byte("\xef\xbb\xbf")

// readCSV reads a CSV export: optional UTF-8 byte-order mark, a header of
// technical field names, then one record per row (quoted cells may span
// lines). The cells of the geoPoints columns ("47.2186, -1.5536") also give
// the fields <name>_lat and <name>_lon.
func readCSV(body []byte, delim rune, geoPoints map[string]bool, add func(connectors.Record) error) error {
	body = bytes.TrimPrefix(body, bom)
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("empty export: no header line")
	}
	if body[len(body)-1] != '\n' {
		return fmt.Errorf("truncated export: the body ends inside line %d, without a line break", bytes.Count(body, []byte("\n"))+1)
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.Comma = delim
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	names := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		names[i] = strings.TrimSpace(h)
		if names[i] == "" {
			return fmt.Errorf("header: column %d has no name", i+1)
		}
		if seen[names[i]] {
			return fmt.Errorf("header: column %q appears twice", names[i])
		}
		seen[names[i]] = true
	}
	if len(names) == 1 && delim != ',' && strings.Contains(names[0], ",") {
		return fmt.Errorf("header: one column %q: the export is not separated by %q", truncate(names[0], 80), delim)
	}
	var pending *connectors.Record // a malformed row, held until we know it is not the end of a truncated body
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if pending != nil {
			if err := add(*pending); err != nil {
				return err
			}
			pending = nil
		}
		fields := make(map[string]any, len(names)+2)
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return err
			}
			fields[connectors.ErrorField] = connectors.CSVReason(pe)
			if errors.Is(pe.Err, csv.ErrQuote) {
				// A quoted cell left open runs to the end of the body:
				// if nothing follows, the export was cut.
				pending = &connectors.Record{Line: pe.StartLine, Fields: fields}
				continue
			}
			if err := add(connectors.Record{Line: pe.StartLine, Fields: fields}); err != nil {
				return err
			}
			continue
		}
		line, _ := r.FieldPos(0)
		for i, v := range rec {
			if i >= len(names) {
				fields[fmt.Sprintf("%s%d", connectors.ExtraFieldPrefix, i+1)] = v
				continue
			}
			fields[names[i]] = v
			if geoPoints[names[i]] {
				if lat, lon, ok := splitPoint(v); ok {
					fields[names[i]+"_lat"] = lat
					fields[names[i]+"_lon"] = lon
				}
			}
		}
		if len(rec) < len(names) {
			fields[connectors.ErrorField] = connectors.CellCountReason(len(rec), len(names))
		}
		if err := add(connectors.Record{Line: line, Fields: fields}); err != nil {
			return err
		}
	}
	if pending != nil {
		return fmt.Errorf("truncated export: a quoted cell opened on line %d is never closed", pending.Line)
	}
	return nil
}

// splitPoint splits an ODS geo_point_2d cell, "lat, lon".
func splitPoint(s string) (lat, lon json.Number, ok bool) {
	a, b, found := strings.Cut(s, ",")
	if !found {
		return "", "", false
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if !isNumber(a) || !isNumber(b) {
		return "", "", false
	}
	return json.Number(a), json.Number(b), true
}

// isNumber reports whether s is a JSON number.
func isNumber(s string) bool {
	var n json.Number
	return s != "" && json.Unmarshal([]byte(s), &n) == nil
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// decodeValue decodes one JSON value, numbers as json.Number, and fails on
// trailing data.
func decodeValue(b []byte) (any, error) {
	if err := connectors.CheckUTF8(b); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

// flattenPoints adds <name>_lon and <name>_lat for every field whose value
// is a geo_point_2d object {"lon": …, "lat": …}.
func flattenPoints(fields map[string]any) {
	for k, v := range fields {
		m, ok := v.(map[string]any)
		if !ok || len(m) != 2 {
			continue
		}
		lon, ok1 := m["lon"].(json.Number)
		lat, ok2 := m["lat"].(json.Number)
		if !ok1 || !ok2 {
			continue
		}
		if _, taken := fields[k+"_lon"]; !taken {
			fields[k+"_lon"] = lon
		}
		if _, taken := fields[k+"_lat"]; !taken {
			fields[k+"_lat"] = lat
		}
	}
}

// readJSONL reads a JSON-lines export: one object per line.
func readJSONL(body []byte, add func(connectors.Record) error) error {
	body = bytes.TrimPrefix(body, bom)
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("empty export")
	}
	lines := bytes.Split(body, []byte("\n"))
	for i, ln := range lines {
		ln = bytes.TrimSpace(ln)
		if len(ln) == 0 {
			continue
		}
		v, err := decodeValue(ln)
		if err != nil {
			if i == len(lines)-1 {
				return fmt.Errorf("truncated export: line %d: invalid JSON: %w", i+1, err)
			}
			return fmt.Errorf("line %d: invalid JSON: %w", i+1, err)
		}
		fields, ok := v.(map[string]any)
		if !ok {
			fields = map[string]any{connectors.ErrorField: fmt.Sprintf("line %d is not a JSON object", i+1)}
		} else {
			flattenPoints(fields)
		}
		if err := add(connectors.Record{Line: i + 1, Fields: fields}); err != nil {
			return err
		}
	}
	return nil
}

// readJSON reads a JSON export: an array of objects. Line is the index of
// the element, from 1.
func readJSON(body []byte, add func(connectors.Record) error) error {
	v, err := decodeValue(bytes.TrimPrefix(body, bom))
	if err != nil {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	arr, ok := v.([]any)
	if !ok {
		return fmt.Errorf("expected an array of records, got %s", jsonKind(v))
	}
	for i, item := range arr {
		fields, ok := item.(map[string]any)
		if !ok {
			fields = map[string]any{connectors.ErrorField: fmt.Sprintf("element %d is not an object", i+1)}
		} else {
			flattenPoints(fields)
		}
		if err := add(connectors.Record{Line: i + 1, Fields: fields}); err != nil {
			return err
		}
	}
	return nil
}

// readGeoJSON reads a GeoJSON export: a FeatureCollection whose features
// become records (properties as fields, the geometry object as "geometry",
// and "lon"/"lat" for a Point). Line is the index of the feature, from 1.
func readGeoJSON(body []byte, add func(connectors.Record) error) error {
	v, err := decodeValue(bytes.TrimPrefix(body, bom))
	if err != nil {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	doc, ok := v.(map[string]any)
	if !ok || doc["type"] != "FeatureCollection" {
		return errors.New("expected a GeoJSON FeatureCollection")
	}
	features, ok := doc["features"].([]any)
	if !ok {
		return errors.New("the FeatureCollection has no features array")
	}
	for i, item := range features {
		f, ok := item.(map[string]any)
		if !ok || f["type"] != "Feature" {
			if err := add(connectors.Record{Line: i + 1, Fields: map[string]any{connectors.ErrorField: fmt.Sprintf("feature %d is not a GeoJSON Feature", i+1)}}); err != nil {
				return err
			}
			continue
		}
		fields, _ := f["properties"].(map[string]any)
		if fields == nil {
			fields = map[string]any{}
		}
		flattenPoints(fields)
		geom, _ := f["geometry"].(map[string]any)
		if geom != nil {
			fields["geometry"] = geom
			if geom["type"] == "Point" {
				if c, ok := geom["coordinates"].([]any); ok && len(c) >= 2 {
					lon, ok1 := c[0].(json.Number)
					lat, ok2 := c[1].(json.Number)
					if ok1 && ok2 {
						fields["lon"], fields["lat"] = lon, lat
					}
				}
			}
		} else {
			fields["geometry"] = nil
		}
		if err := add(connectors.Record{Line: i + 1, Fields: fields}); err != nil {
			return err
		}
	}
	return nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}
