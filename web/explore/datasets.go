package explore

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/ligerdata/ligerdata/internal/odsql"
)

// datasetJSON is a catalogue entry in the shape of the Explore API v2.1.
type datasetJSON struct {
	DatasetID          string      `json:"dataset_id"`
	DatasetUID         string      `json:"dataset_uid"`
	HasRecords         bool        `json:"has_records"`
	DataVisible        bool        `json:"data_visible"`
	Features           []string    `json:"features"`
	Attachments        []any       `json:"attachments"`
	AlternativeExports []any       `json:"alternative_exports"`
	Fields             []fieldJSON `json:"fields"`
	Metas              struct {
		Default metasJSON `json:"default"`
	} `json:"metas"`
	// Release is ligerdata's own: the release this entry describes.
	Release string     `json:"release"`
	Links   []linkJSON `json:"links"`
}

type fieldJSON struct {
	Name        string         `json:"name"`
	Label       string         `json:"label"`
	Type        string         `json:"type"`
	Description *string        `json:"description"`
	Annotations map[string]any `json:"annotations"`
}

type metasJSON struct {
	Title        string   `json:"title"`
	Description  string   `json:"description"`
	Keyword      []string `json:"keyword"`
	Theme        []string `json:"theme"`
	License      string   `json:"license"`
	LicenseURL   string   `json:"license_url"`
	Language     string   `json:"language"`
	Modified     string   `json:"modified"`
	Publisher    string   `json:"publisher"`
	RecordsCount int64    `json:"records_count"`
}

type linkJSON struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
}

func (h *Handler) entry(d *Dataset) datasetJSON {
	e := datasetJSON{DatasetID: d.ID, DatasetUID: d.ID, HasRecords: d.Rows > 0, DataVisible: true,
		Features: []string{"analyze"}, Attachments: []any{}, AlternativeExports: []any{}, Release: d.Release}
	if d.geographic() {
		e.Features = append(e.Features, "geo")
	}
	for _, f := range d.Fields {
		fj := fieldJSON{Name: f.Name, Label: f.Label, Type: string(f.Type), Annotations: map[string]any{}}
		if fj.Label == "" {
			fj.Label = f.Name
		}
		if f.Description != "" {
			desc := f.Description
			fj.Description = &desc
		}
		if f.List {
			fj.Annotations["multivalued"] = []string{","}
		}
		if f.Type == odsql.JSON {
			fj.Type = "text"
		}
		e.Fields = append(e.Fields, fj)
	}
	if e.Fields == nil {
		e.Fields = []fieldJSON{}
	}
	m := &e.Metas.Default
	m.Title, m.Description, m.Publisher = d.Title, d.Description, d.Publisher
	m.Keyword, m.Theme = nonNil(d.Keywords), nonNil(d.Themes)
	m.License, m.LicenseURL, m.Language = d.License, d.LicenseURL, "fr"
	if !d.Modified.IsZero() {
		m.Modified = d.Modified.UTC().Format("2006-01-02T15:04:05+00:00")
	}
	m.RecordsCount = d.Rows
	self := h.baseURL + Prefix + "/catalog/datasets/" + d.ID
	e.Links = []linkJSON{{Rel: "self", Href: self}, {Rel: "records", Href: self + "/records"}, {Rel: "exports", Href: self + "/exports"}}
	if d.Page != "" {
		e.Links = append(e.Links, linkJSON{Rel: "page", Href: h.baseURL + d.Page})
	}
	return e
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// dataset answers /catalog/datasets/{id}.
func (h *Handler) dataset(w http.ResponseWriter, r *http.Request) {
	d, err := h.lookup(r)
	if err != nil {
		h.writeError(w, err)
		return
	}
	if answerHeaders(w, r, d) {
		return
	}
	writeJSON(w, h.entry(d))
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// catalogSchema is what where and order_by may use on the catalogue (its
// lists are JSON array text).
var catalogSchema = odsql.Schema{
	{Name: "dataset_id", Type: odsql.Text}, {Name: "title", Type: odsql.Text},
	{Name: "description", Type: odsql.Text}, {Name: "publisher", Type: odsql.Text},
	{Name: "license", Type: odsql.Text}, {Name: "keyword", Type: odsql.Text, List: true, ListJSON: true},
	{Name: "theme", Type: odsql.Text, List: true, ListJSON: true}, {Name: "modified", Type: odsql.DateTime},
	{Name: "records_count", Type: odsql.Int}, {Name: "features", Type: odsql.Text, List: true, ListJSON: true},
}

// datasets answers /catalog/datasets: the catalogue filtered by where,
// ordered by order_by and paged by limit and offset; the query runs on a
// table of the catalogue's metadata built from parameters.
func (h *Handler) datasets(w http.ResponseWriter, r *http.Request) {
	all, err := h.cat.Datasets()
	if err != nil {
		h.writeError(w, err)
		return
	}
	qv := r.URL.Query()
	req, err := queryParams(qv)
	if err != nil {
		h.writeError(w, err)
		return
	}
	if req.Select != "" || req.GroupBy != "" {
		h.writeError(w, badParam("select et group_by ne sont pas pris en charge sur le catalogue"))
		return
	}
	if req.Limit < 0 {
		req.Limit = defaultLimit
	}
	if req.Limit > maxLimit {
		h.writeError(w, badParam("limit doit être compris entre 0 et %d (reçu %d)", maxLimit, req.Limit))
		return
	}
	req.Select = "dataset_id"
	if req.OrderBy == "" {
		req.OrderBy = "dataset_id"
	}
	total, ids, err := h.queryCatalog(r.Context(), all, req)
	if err != nil {
		h.writeError(w, err)
		return
	}
	byID := map[string]*Dataset{}
	for i := range all {
		byID[all[i].ID] = &all[i]
	}
	out := struct {
		TotalCount int64         `json:"total_count"`
		Results    []datasetJSON `json:"results"`
	}{TotalCount: total, Results: []datasetJSON{}}
	for _, id := range ids {
		out.Results = append(out.Results, h.entry(byID[id]))
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	writeJSON(w, out)
}

// queryCatalog runs req over the metadata of the datasets and returns the
// number matched and the ids of the page.
func (h *Handler) queryCatalog(ctx context.Context, all []Dataset, req odsql.Request) (int64, []string, error) {
	if len(all) == 0 {
		// Still compile, so that a bad clause is reported.
		_, err := odsql.Compile(catalogSchema, "(SELECT 1)", nil, req, odsql.Options{})
		return 0, nil, err
	}
	var rows []string
	var args []any
	for _, d := range all {
		rows = append(rows, "(?, ?, ?, ?, ?, ?, ?, CAST(? AS TIMESTAMPTZ), CAST(? AS BIGINT), ?)")
		kw, _ := json.Marshal(nonNil(d.Keywords))
		th, _ := json.Marshal(nonNil(d.Themes))
		features := `["analyze"]`
		if d.geographic() {
			features = `["analyze","geo"]`
		}
		args = append(args, d.ID, d.Title, d.Description, d.Publisher, d.License, string(kw), string(th),
			d.Modified.UTC().Format("2006-01-02 15:04:05.999999Z07:00"), d.Rows, features)
	}
	cols := make([]string, len(catalogSchema))
	for i, f := range catalogSchema {
		cols[i] = f.Name
	}
	table := "(SELECT * FROM (VALUES " + strings.Join(rows, ", ") + ") t(" + strings.Join(cols, ", ") + "))"
	q, err := odsql.Compile(catalogSchema, table, args, req, odsql.Options{Format: odsql.FormatJSON, JSONText: true})
	if err != nil {
		return 0, nil, err
	}
	total, objs, err := h.runRecords(ctx, "", q)
	if err != nil {
		return 0, nil, err
	}
	ids := make([]string, len(objs))
	for i, o := range objs {
		var v struct {
			ID string `json:"dataset_id"`
		}
		if err := json.Unmarshal([]byte(o), &v); err != nil {
			return 0, nil, fmt.Errorf("explore: catalogue row: %w", err)
		}
		ids[i] = v.ID
	}
	return total, ids, nil
}
