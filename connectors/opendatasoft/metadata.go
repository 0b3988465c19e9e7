package opendatasoft

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/fetch"
)

// Metadata is what the connector keeps of a dataset's catalogue entry
// (GET /api/explore/v2.1/catalog/datasets/{id}).
type Metadata struct {
	ID           string
	Title        string
	Modified     string // metas.default.modified, as the portal writes it
	License      string // metas.default.license, free text such as "Licence Ouverte v2.0 (Etalab)"
	LicenseURL   string
	Publisher    string
	RecordsCount int
	// Fields are the dataset's columns with their ODS types (text, int,
	// double, date, datetime, geo_point_2d, geo_shape, file…).
	Fields []MetaField
}

// MetaField is one column of a dataset, as the catalogue describes it.
type MetaField struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Type  string `json:"type"`
}

// metaDoc is the JSON of the catalogue entry: flat in v2.1, under
// "dataset" in v2.0.
type metaDoc struct {
	DatasetID string          `json:"dataset_id"`
	Dataset   json.RawMessage `json:"dataset"`
	Fields    []MetaField     `json:"fields"`
	Metas     struct {
		Default struct {
			Title        string          `json:"title"`
			Modified     string          `json:"modified"`
			License      string          `json:"license"`
			LicenseURL   string          `json:"license_url"`
			Publisher    string          `json:"publisher"`
			RecordsCount json.RawMessage `json:"records_count"`
		} `json:"default"`
	} `json:"metas"`
}

// ParseMetadata decodes a catalogue entry of the Explore API (v2.1, or
// v2.0 with its "dataset" wrapper). It fails on invalid JSON and on an
// entry without dataset_id.
func ParseMetadata(body []byte) (*Metadata, error) {
	var doc metaDoc
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if doc.DatasetID == "" && len(doc.Dataset) > 0 && doc.Dataset[0] == '{' {
		if err := json.Unmarshal(doc.Dataset, &doc); err != nil {
			return nil, fmt.Errorf("invalid JSON in dataset: %w", err)
		}
	}
	if doc.DatasetID == "" {
		return nil, errors.New("no dataset_id in the catalogue entry")
	}
	d := doc.Metas.Default
	m := &Metadata{ID: doc.DatasetID, Title: d.Title, Modified: d.Modified, License: d.License,
		LicenseURL: d.LicenseURL, Publisher: d.Publisher, Fields: doc.Fields}
	if len(d.RecordsCount) > 0 {
		var n json.Number
		if json.Unmarshal(d.RecordsCount, &n) == nil {
			if v, err := n.Int64(); err == nil {
				m.RecordsCount = int(v)
			}
		}
	}
	return m, nil
}

// geoPoints returns the names of the geo_point_2d fields, whose CSV cells
// ("lat, lon") the CSV reader splits.
func (m *Metadata) geoPoints() map[string]bool {
	if m == nil {
		return nil
	}
	var out map[string]bool
	for _, f := range m.Fields {
		if f.Type == "geo_point_2d" {
			if out == nil {
				out = map[string]bool{}
			}
			out[f.Name] = true
		}
	}
	return out
}

// metadata reads the catalogue entry of dataset id. It is fetched without
// validators, every run: it is small, and its title, date, licence and
// count are logged for the steward.
func (s *source) metadata(ctx context.Context, id string) (*Metadata, error) {
	u := s.cfg.metadataURL(id)
	resp, err := s.env.HTTP.Do(ctx, fetch.Request{URL: u, Header: s.header()})
	if err != nil {
		var he *fetch.HTTPError
		if errors.As(err, &he) && he.Status == http.StatusNotFound {
			return nil, fmt.Errorf("opendatasoft: dataset %s: unknown on %s (or not public: set apikey): %w", id, s.cfg.BaseURL, err)
		}
		return nil, fmt.Errorf("opendatasoft: dataset %s: metadata: %w", id, explain(err))
	}
	if err := checkContent(resp, "json"); err != nil {
		return nil, fmt.Errorf("opendatasoft: dataset %s: metadata %s: %w", id, u, err)
	}
	m, err := ParseMetadata(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("opendatasoft: dataset %s: metadata %s: %w", id, u, err)
	}
	if m.ID != id {
		return nil, fmt.Errorf("opendatasoft: dataset %s: metadata %s: describes dataset %q", id, u, m.ID)
	}
	s.log.Info("dataset metadata", "dataset", id, "title", m.Title, "modified", m.Modified,
		"license", m.License, "records", m.RecordsCount, "fields", len(m.Fields))
	if l := strings.ToLower(m.License + " " + m.LicenseURL); strings.Contains(l, "odbl") || strings.Contains(l, "-sa") || strings.Contains(l, "-nc") {
		s.log.Warn("dataset under a share-alike or non-commercial licence: republish it under the same licence", "dataset", id, "license", m.License)
	}
	return m, nil
}

// contentTypes lists the media types accepted for each format; an empty
// Content-Type is accepted and the body is judged by its parser.
var contentTypes = map[string][]string{
	"csv":     {"text/csv", "application/csv", "text/comma-separated-values", "text/plain", "application/octet-stream", "application/vnd.ms-excel"},
	"jsonl":   {"application/jsonl", "application/x-ndjson", "application/x-jsonlines", "application/json-lines", "application/json", "text/plain", "application/octet-stream"},
	"json":    {"application/json", "text/json", "application/octet-stream"},
	"geojson": {"application/geo+json", "application/vnd.geo+json", "application/json", "application/octet-stream"},
}

// checkContent refuses an HTML page (a portal's error or login page served
// with 200), an empty body, and a media type that is not the expected
// format.
func checkContent(resp *fetch.Response, format string) error {
	ct := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Type")))
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.TrimSpace(mt)
	if connectors.IsHTMLPage(ct, resp.Body) {
		return fmt.Errorf("got an HTML page (Content-Type %q) where %s data was expected", ct, format)
	}
	if len(resp.Body) == 0 {
		return errors.New("empty body")
	}
	if mt == "" {
		return nil
	}
	for _, ok := range contentTypes[format] {
		if mt == ok {
			return nil
		}
	}
	return fmt.Errorf("unexpected Content-Type %q for %s data", ct, format)
}
