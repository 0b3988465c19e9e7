package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ligerdata/ligerdata/schemas"
)

// License identifies the licence of a dataset.
type License struct {
	ID    string // as in Data Package licences: etalab-2.0, odc-odbl, cc-by-4.0 …
	Title string // human title; filled from ID for the well-known licences when empty
	URL   string // licence text; filled from ID for the well-known licences when empty
}

// knownLicenses fills the title and URL of the licences used by French open data.
var knownLicenses = map[string]License{
	"etalab-2.0": {ID: "etalab-2.0", Title: "Licence Ouverte / Open Licence version 2.0", URL: "https://www.etalab.gouv.fr/licence-ouverte-open-licence"},
	"odc-odbl":   {ID: "odc-odbl", Title: "Open Data Commons Open Database License (ODbL)", URL: "https://opendatacommons.org/licenses/odbl/1-0/"},
	"cc-by-4.0":  {ID: "cc-by-4.0", Title: "Creative Commons Attribution 4.0", URL: "https://creativecommons.org/licenses/by/4.0/"},
	"cc0-1.0":    {ID: "cc0-1.0", Title: "Creative Commons Zero v1.0 Universal", URL: "https://creativecommons.org/publicdomain/zero/1.0/"},
}

// withDefaults returns l with Title and URL filled for a well-known ID.
func (l License) withDefaults() License {
	if k, ok := knownLicenses[strings.ToLower(l.ID)]; ok {
		if l.Title == "" {
			l.Title = k.Title
		}
		if l.URL == "" {
			l.URL = k.URL
		}
	}
	return l
}

// DatasetMeta describes a dataset. Texts are in French: they are shown to
// data users in datapackage.json, the catalogue and the web site.
type DatasetMeta struct {
	ID, Title, Description string // ID is the folder name under datasets/ (or the Collection's folder)
	// Collection is where the releases go; the zero value is datasets/.
	Collection              Collection
	Keywords                []string
	License                 License
	Publisher, ContactEmail string
	SourceTitle, SourceURL  string
	Pipeline, Schedule      string // pipeline id and cron schedule
	Theme                   string // a DCAT theme URI or EU data-theme code (ENVI, TRAN …), optional
	Spatial                 string // e.g. "Région Pays de la Loire" or a place URI, optional
	// DerivedFrom names the releases an indicator was computed from; the
	// catalogue lists them as prov:wasDerivedFrom and dct:source.
	DerivedFrom []Derivation
	// SourceModified is when the source says its data last changed (its
	// answers' Last-Modified); zero when it does not say. Written as
	// "ligerdata": {"source_modified": RFC 3339} beside the release time.
	SourceModified time.Time
}

// Derivation is one input release of a computed publication.
type Derivation struct {
	Dataset string `json:"dataset"`
	Release string `json:"release"`
	// Collection is where it is published: empty for a dataset,
	// CollectionIndicators for another indicator.
	Collection Collection `json:"collection,omitempty"`
}

// Quality is the quality report of a run, published as quality.json.
// SampleErrors holds at most the first 100 errors. Read = Accepted +
// Rejected counts what the run harvested; Kept counts the rows an
// incremental run carried over from the previous release, so the release
// holds Accepted + Kept rows.
type Quality struct {
	Dataset, Release, RunID     string
	Read, Accepted, Rejected    int
	Kept                        int
	ErrorsByCode, ErrorsByField map[string]int
	HeaderErrors, SampleErrors  []schemas.Error
	// Warnings are those of accepted rows (see FileWarnings).
	Warnings Warnings
}

// MaxSampleErrors is the number of errors kept in quality.json.
const MaxSampleErrors = 100

type qualityJSON struct {
	Dataset       string          `json:"dataset"`
	Release       string          `json:"release"`
	RunID         string          `json:"run_id"`
	Read          int             `json:"read"`
	Accepted      int             `json:"accepted"`
	Rejected      int             `json:"rejected"`
	Kept          int             `json:"kept,omitempty"`
	ErrorsByCode  map[string]int  `json:"errors_by_code"`
	ErrorsByField map[string]int  `json:"errors_by_field"`
	HeaderErrors  []schemas.Error `json:"header_errors"`
	SampleErrors  []schemas.Error `json:"sample_errors"`
	// Warned counts accepted rows that carry warnings; the first
	// MaxSampleErrors warnings are kept as a sample.
	Warned          int             `json:"warned,omitempty"`
	WarningsByCode  map[string]int  `json:"warnings_by_code,omitempty"`
	WarningsByField map[string]int  `json:"warnings_by_field,omitempty"`
	SampleWarnings  []schemas.Error `json:"sample_warnings,omitempty"`
}

func (q Quality) toJSON() qualityJSON {
	out := qualityJSON{
		Dataset: q.Dataset, Release: q.Release, RunID: q.RunID,
		Read: q.Read, Accepted: q.Accepted, Rejected: q.Rejected, Kept: q.Kept,
		ErrorsByCode: q.ErrorsByCode, ErrorsByField: q.ErrorsByField,
		HeaderErrors: q.HeaderErrors, SampleErrors: q.SampleErrors,
		Warned: q.Warnings.Rows, WarningsByCode: q.Warnings.ByCode, WarningsByField: q.Warnings.ByField,
		SampleWarnings: q.Warnings.All,
	}
	if len(out.SampleWarnings) > MaxSampleErrors {
		out.SampleWarnings = out.SampleWarnings[:MaxSampleErrors]
	}
	if out.ErrorsByCode == nil {
		out.ErrorsByCode = map[string]int{}
	}
	if out.ErrorsByField == nil {
		out.ErrorsByField = map[string]int{}
	}
	if out.HeaderErrors == nil {
		out.HeaderErrors = []schemas.Error{}
	}
	if out.SampleErrors == nil {
		out.SampleErrors = []schemas.Error{}
	}
	if len(out.SampleErrors) > MaxSampleErrors {
		out.SampleErrors = out.SampleErrors[:MaxSampleErrors]
	}
	return out
}

// Data Package descriptor, in the order of the frictionless specification.
type dataPackage struct {
	Profile      string       `json:"$schema"`
	Name         string       `json:"name"`
	ID           string       `json:"id"`
	Title        string       `json:"title,omitempty"`
	Description  string       `json:"description,omitempty"`
	Version      string       `json:"version"`
	Created      string       `json:"created"`
	Keywords     []string     `json:"keywords,omitempty"`
	Licenses     []dpLicense  `json:"licenses,omitempty"`
	Sources      []dpSource   `json:"sources,omitempty"`
	Contributors []dpContrib  `json:"contributors,omitempty"`
	Resources    []dpResource `json:"resources"`
	Ligerdata    dpExtension  `json:"ligerdata"`
}

type dpLicense struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
	Path  string `json:"path,omitempty"`
}

type dpSource struct {
	Title string `json:"title,omitempty"`
	Path  string `json:"path,omitempty"`
}

type dpContrib struct {
	Title string   `json:"title"`
	Role  string   `json:"role"`  // Data Package v1, still read by older tools
	Roles []string `json:"roles"` // Data Package v2
	Email string   `json:"email,omitempty"`
}

type dpResource struct {
	Name        string          `json:"name"`
	Path        string          `json:"path"`
	Type        string          `json:"type,omitempty"` // "table" for the CSV files (v2)
	Description string          `json:"description,omitempty"`
	Format      string          `json:"format"`
	MediaType   string          `json:"mediatype"`
	Encoding    string          `json:"encoding,omitempty"`
	Dialect     *dpDialect      `json:"dialect,omitempty"`
	Bytes       int64           `json:"bytes"`
	Hash        string          `json:"hash"`
	Schema      json.RawMessage `json:"schema,omitempty"`
}

// dpDialect is a CSV Dialect (frictionless): only what differs from the
// defaults (comma, CRLF, header row, double quote).
type dpDialect struct {
	Delimiter      string `json:"delimiter,omitempty"`
	LineTerminator string `json:"lineTerminator,omitempty"`
}

// ParquetLayoutCurrent is the "parquet_layout" of the releases written now
// (see dpExtension.ParquetLayout).
const ParquetLayoutCurrent = 2

// The profiles datapackage.json declares: Data Package v2, whose Table
// Schema has the list type our schemas use.
const (
	ProfileDataPackage = "https://datapackage.org/profiles/2.0/datapackage.json"
	ProfileTableSchema = "https://datapackage.org/profiles/2.0/tableschema.json"
)

// stringFormats are the string formats of Table Schema v2; others (our
// opening_hours) are checked on input but not declared in the published
// schema, which must stay valid against the profile.
var stringFormats = map[string]bool{"default": true, "email": true, "uri": true, "binary": true, "uuid": true}

// parquetDescription describes data.parquet (in French, for data users).
func (r *Release) parquetDescription() string {
	d := "Les mêmes lignes au format Apache Parquet, colonnes dans l'ordre du schéma de data.csv et typées " +
		"(entiers INT64, nombres DOUBLE, dates DATE, dates-heures TIMESTAMP UTC, listes LIST)"
	if r.plan.geo != nil {
		d += ", avec la géométrie WKB de la colonne « " + r.plan.geo.column + " » décrite par les métadonnées GeoParquet 1.1 (longitude, latitude WGS 84)"
	}
	return d + "."
}

// dpExtension is the "ligerdata" property of datapackage.json: what the
// catalogue and the web site need beyond the Data Package specification.
type dpExtension struct {
	Pipeline   string `json:"pipeline,omitempty"`
	RunID      string `json:"run_id"`
	Rows       int    `json:"rows"`
	Schema     string `json:"schema,omitempty"`
	SchemaURI  string `json:"schema_uri,omitempty"`
	Schedule   string `json:"schedule,omitempty"`
	Theme      string `json:"theme,omitempty"`
	Spatial    string `json:"spatial,omitempty"`
	License    string `json:"license,omitempty"`
	Publisher  string `json:"publisher,omitempty"`
	ContactEml string `json:"contact_email,omitempty"`
	// SourceModified is DatasetMeta.SourceModified (RFC 3339, UTC).
	SourceModified string `json:"source_modified,omitempty"`
	// Geometry is the WKB geometry column of data.parquet and BBox its
	// extent [xmin, ymin, xmax, ymax] in longitude/latitude, for a
	// geographic dataset.
	Geometry string    `json:"geometry,omitempty"`
	BBox     []float64 `json:"bbox,omitempty"`
	// ParquetLayout is the layout of data.parquet: ParquetLayoutCurrent
	// (columns in schema order, lists as LIST); absent in older releases
	// (columns by name, lists as JSON array text).
	ParquetLayout int `json:"parquet_layout,omitempty"`
	// Changes summarises changes.json.
	Changes *ChangesSummary `json:"changes,omitempty"`
	// DerivedFrom is DatasetMeta.DerivedFrom (indicators).
	DerivedFrom []Derivation `json:"derived_from,omitempty"`
}

// dataPackage returns datapackage.json. Its resources are, in this order,
// data.csv (with the published schema), data-fr.csv (the same schema with
// decimalChar "," on the number fields, datetimes without "Z", dialect
// delimiter ";", encoding utf-8-sig: UTF-8 with a BOM, and a description of
// what differs from data.csv, see csvfrench.go), data.parquet and data.geojson (geographic
// datasets); their lines end with LF (dialect lineTerminator). Unlike the
// data files, it carries the release id (version, run_id) and the creation
// time: that is its job.
func (r *Release) dataPackage(q Quality, files []File, ch *Changes) ([]byte, error) {
	m := r.meta
	schema, err := publishedSchema(r.schema)
	if err != nil {
		return nil, err
	}
	schemaFR, err := frenchSchema(schema)
	if err != nil {
		return nil, err
	}
	lic := m.License.withDefaults()
	dp := dataPackage{
		Profile:     ProfileDataPackage,
		Name:        m.ID,
		ID:          m.ID,
		Title:       m.Title,
		Description: m.Description,
		Version:     r.id,
		Created:     r.now().UTC().Truncate(time.Second).Format(time.RFC3339),
		Keywords:    m.Keywords,
		Ligerdata: dpExtension{
			Pipeline: m.Pipeline, RunID: q.RunID, Rows: r.rows,
			Schema: r.schema.Name, SchemaURI: schemaURI(r.schema),
			Schedule: m.Schedule, Theme: m.Theme, Spatial: m.Spatial,
			License: lic.URL, Publisher: m.Publisher, ContactEml: m.ContactEmail,
			DerivedFrom: m.DerivedFrom, ParquetLayout: ParquetLayoutCurrent,
		},
	}
	if !m.SourceModified.IsZero() {
		dp.Ligerdata.SourceModified = m.SourceModified.UTC().Format(time.RFC3339)
	}
	if ch != nil {
		sum := ch.Summary()
		dp.Ligerdata.Changes = &sum
	}
	if r.plan.geo != nil {
		dp.Ligerdata.Geometry = r.plan.geo.column
		if r.geoStats != nil && r.geoStats.seen {
			dp.Ligerdata.BBox = r.geoStats.bbox[:]
		}
	}
	if lic.ID != "" {
		dp.Licenses = []dpLicense{{Name: lic.ID, Title: lic.Title, Path: lic.URL}}
	}
	if m.SourceURL != "" || m.SourceTitle != "" {
		dp.Sources = []dpSource{{Title: m.SourceTitle, Path: m.SourceURL}}
	}
	if m.Publisher != "" {
		dp.Contributors = []dpContrib{{Title: m.Publisher, Role: "publisher", Roles: []string{"publisher"}, Email: m.ContactEmail}}
	}
	for _, f := range files {
		switch f.Name {
		case FileCSV:
			dp.Resources = append(dp.Resources, dpResource{
				Name: "data-csv", Path: FileCSV, Type: "table", Format: "csv", MediaType: MediaTypeCSV, Encoding: "utf-8",
				Dialect: &dpDialect{LineTerminator: "\n"},
				Bytes:   f.Bytes, Hash: "sha256:" + f.SHA256, Schema: schema,
			})
		case FileCSVFR:
			dp.Resources = append(dp.Resources, dpResource{
				Name: "data-fr-csv", Path: FileCSVFR, Type: "table", Description: frenchCSVDescription,
				Format: "csv", MediaType: MediaTypeCSV, Encoding: "utf-8-sig",
				Dialect: &dpDialect{Delimiter: ";", LineTerminator: "\n"},
				Bytes:   f.Bytes, Hash: "sha256:" + f.SHA256, Schema: schemaFR,
			})
		case FileGeoJSON:
			dp.Resources = append(dp.Resources, dpResource{
				Name: "data-geojson", Path: FileGeoJSON, Format: "geojson", MediaType: MediaTypeGeoJSON, Encoding: "utf-8",
				Bytes: f.Bytes, Hash: "sha256:" + f.SHA256,
			})
		case FileParquet:
			dp.Resources = append(dp.Resources, dpResource{
				Name: "data-parquet", Path: FileParquet, Description: r.parquetDescription(),
				Format: "parquet", MediaType: MediaTypeParquet,
				Bytes: f.Bytes, Hash: "sha256:" + f.SHA256,
			})
		}
	}
	b, err := marshalJSON(dp)
	if err != nil {
		return nil, fmt.Errorf("output: encode datapackage.json: %w", err)
	}
	return b, nil
}

// publishedSchema returns the Table Schema descriptor of data.csv: the
// descriptor as declared, with the options that describe how the source
// wrote its values replaced by the canonical encoding of data.csv (so that
// the published CSV validates against the published schema): missing values
// are "", dates/datetimes/times use the default format, numbers have no
// decimalChar/groupChar, booleans use true/false. When the schema has no raw
// descriptor, one is built from its fields.
func publishedSchema(s *schemas.Schema) (json.RawMessage, error) {
	var d map[string]any
	if len(s.Raw) > 0 {
		dec := json.NewDecoder(bytes.NewReader(s.Raw))
		dec.UseNumber()
		if err := dec.Decode(&d); err != nil {
			return nil, fmt.Errorf("output: schema %q descriptor: %w", s.Name, err)
		}
	}
	if d == nil {
		d = map[string]any{}
		if s.Name != "" {
			d["name"] = s.Name
		}
		if s.Title != "" {
			d["title"] = s.Title
		}
		if s.Description != "" {
			d["description"] = s.Description
		}
		if s.Version != "" {
			d["version"] = s.Version
		}
		fields := make([]any, len(s.Fields))
		for i, f := range s.Fields {
			fd := map[string]any{"name": f.Name, "type": f.Type}
			for k, v := range map[string]string{"title": f.Title, "description": f.Description, "format": f.Format, "itemType": f.ItemType} {
				if v != "" {
					fd[k] = v
				}
			}
			if f.Constraints.Required {
				fd["constraints"] = map[string]any{"required": true}
			}
			fields[i] = fd
		}
		d["fields"] = fields
		if len(s.PrimaryKey) > 0 {
			d["primaryKey"] = s.PrimaryKey
		}
	}
	d["missingValues"] = []string{""}
	d["$schema"] = ProfileTableSchema
	fields, _ := d["fields"].([]any)
	for _, fv := range fields {
		f, ok := fv.(map[string]any)
		if !ok {
			continue
		}
		if ex, ok := f["example"]; ok {
			if _, isText := ex.(string); !isText {
				b, _ := json.Marshal(ex)
				f["example"] = string(b) // v2: an example is a string
			}
		}
		typ, _ := f["type"].(string)
		switch typ {
		case "", "string":
			if fm, _ := f["format"].(string); fm != "" && !stringFormats[fm] {
				delete(f, "format")
			}
		case "date", "datetime", "time":
			delete(f, "format")
		case "number", "integer":
			delete(f, "decimalChar")
			delete(f, "groupChar")
		case "boolean":
			delete(f, "trueValues")
			delete(f, "falseValues")
		case "list":
			if it, _ := f["itemType"].(string); it == "date" || it == "datetime" || it == "time" {
				delete(f, "format")
			}
		}
	}
	b, err := marshalJSON(d)
	if err != nil {
		return nil, fmt.Errorf("output: schema %q descriptor: %w", s.Name, err)
	}
	return json.RawMessage(bytes.TrimSpace(b)), nil
}

// frenchSchema returns the schema of data-fr.csv: the published schema
// with decimalChar "," on the number fields and format "any" on the
// datetime fields (written YYYY-MM-DDThh:mm:ss[.ffffff], UTC, no "Z").
func frenchSchema(published json.RawMessage) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(published))
	dec.UseNumber()
	var d map[string]any
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("output: french schema: %w", err)
	}
	fields, _ := d["fields"].([]any)
	for _, fv := range fields {
		f, ok := fv.(map[string]any)
		switch {
		case ok && f["type"] == "number":
			f["decimalChar"] = ","
		case ok && f["type"] == "datetime":
			f["format"] = "any"
		}
	}
	b, err := marshalJSON(d)
	if err != nil {
		return nil, fmt.Errorf("output: french schema: %w", err)
	}
	return json.RawMessage(bytes.TrimSpace(b)), nil
}

// schemaURI returns the URL where the schema is published, when its
// descriptor declares one ("path", "$id" or "homepage" as an http(s) URL).
func schemaURI(s *schemas.Schema) string {
	if len(s.Raw) == 0 {
		return ""
	}
	var d map[string]any
	if json.Unmarshal(s.Raw, &d) != nil {
		return ""
	}
	for _, k := range []string{"uri", "path", "$id", "homepage"} {
		if u, ok := d[k].(string); ok && (strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) {
			return u
		}
	}
	return ""
}

// marshalJSON encodes v indented, without HTML escaping, with a final newline.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
