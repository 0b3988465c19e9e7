// Package opendatasoft reads datasets of an OpenDataSoft portal (Explore
// API v2.1), such as data.paysdelaloire.fr or the higher-education
// ministry's data.enseignementsup-recherche.gouv.fr: for each dataset it
// reads the catalogue metadata, then downloads the full export (CSV, JSON
// lines, JSON or GeoJSON, with technical field names) and hands its rows to
// the pipeline as records.
//
// The export endpoint is used rather than the paged records endpoint, which
// stops at 10 000 rows.
package opendatasoft

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/fetch"
)

// DatasetField is the field added to every record when several datasets
// are harvested into one table: it names the dataset the record comes from.
const DatasetField = "_dataset"

// apiPath is the root of the Explore API v2.1 on a portal.
const apiPath = "/api/explore/v2.1"

// pageSize is the number of records handed to the pipeline at a time.
const pageSize = 1000

// Config is the `source:` block of an opendatasoft pipeline.
type Config struct {
	BaseURL       string            `yaml:"base_url"`
	Dataset       string            `yaml:"dataset"`
	Datasets      []string          `yaml:"datasets"`
	Format        string            `yaml:"format"`
	Where         string            `yaml:"where"`
	Select        string            `yaml:"select"`
	Refine        map[string]string `yaml:"refine"`
	Timezone      string            `yaml:"timezone"`
	APIKey        string            `yaml:"apikey"`
	Delimiter     string            `yaml:"delimiter"`
	ListSeparator string            `yaml:"list_separator"`
}

// Kind registers the opendatasoft connector.
var Kind = connectors.Kind{
	Name:    "opendatasoft",
	Summary: "full exports of datasets of an OpenDataSoft portal (Explore API v2.1)",
	Options: []connectors.Option{
		{Name: "base_url", Required: true, Help: "Root address of the portal, without /api. The connector reads " +
			"/api/explore/v2.1/catalog/datasets/{id} (metadata: title, last modification, licence and record count are logged) " +
			"then /api/explore/v2.1/catalog/datasets/{id}/exports/{format}, with technical field names (never labels).",
			Example: "https://data.paysdelaloire.fr"},
		{Name: "dataset", Help: "Identifier of the dataset on the portal. Give dataset or datasets.",
			Example: "fr-esr-insertion_professionnelle-master"},
		{Name: "datasets", Help: "Several dataset identifiers harvested into one table, in this order; each record then " +
			"gets the field _dataset naming its dataset. Give dataset or datasets.",
			Example: "[234400034_070-006_offre-touristique-hotels-rpdl, 234400034_070-008_offre-touristique-restaurants-rpdl]"},
		{Name: "format", Default: "csv", Help: "Export format: csv, jsonl, json or geojson. In JSON formats a geo_point_2d " +
			"value {lon, lat} also gives the fields <name>_lon and <name>_lat; in CSV a geo_point_2d column (\"lat, lon\", " +
			"known from the metadata) gives them too. In geojson the feature's properties become the fields, its geometry " +
			"the field geometry (an object), and a Point also gives lon and lat."},
		{Name: "where", Help: "ODSQL filter sent as the where parameter of the export.",
			Example: "code_de_l_academie = \"A17\""},
		{Name: "select", Help: "ODSQL select clause: the fields to export, comma-separated; all fields when empty.",
			Example: "nomoffre, commune, latitude, longitude"},
		{Name: "refine", Help: "Facet refinements, field name to value, each sent as refine=field:\"value\".",
			Example: "{departement: Sarthe}"},
		{Name: "timezone", Help: "Time zone in which the portal writes date-times (IANA name); the portal's default is UTC.",
			Example: "Europe/Paris"},
		{Name: "apikey", Help: "API key of a private dataset, sent in the Authorization header (never in the URL). " +
			"Take it from the environment: ${ODS_APIKEY:-}."},
		{Name: "delimiter", Default: ";", Help: "CSV field separator asked of the portal and read back: one character."},
		{Name: "list_separator", Default: "|", Help: "Separator the portal puts between the values of a multivalued " +
			"field in a CSV export: one character."},
	},
	NewConfig: func() connectors.Config {
		return &Config{Format: "csv", Delimiter: ";", ListSeparator: "|"}
	},
	Open: open,
}

var (
	datasetID  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.\-]*$`)
	fieldName  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	timezoneRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$`)
)

// Validate reports every problem of the configuration at once.
func (c *Config) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, &connectors.FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if c.BaseURL == "" {
		add("base_url", "required: the root address of the portal, e.g. https://data.paysdelaloire.fr")
	} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		add("base_url", "%q is not an http(s) URL", c.BaseURL)
	} else if u.RawQuery != "" || u.Fragment != "" || strings.Contains(u.Path, "/api/") {
		add("base_url", "%q must be the root of the portal, without /api, query or fragment", c.BaseURL)
	}
	switch {
	case c.Dataset == "" && len(c.Datasets) == 0:
		add("dataset", "give dataset or datasets")
	case c.Dataset != "" && len(c.Datasets) > 0:
		add("datasets", "give dataset or datasets, not both")
	case c.Dataset != "":
		if !datasetID.MatchString(c.Dataset) {
			add("dataset", "%q is not a dataset identifier (letters, digits, _ . -)", c.Dataset)
		}
	default:
		seen := map[string]bool{}
		for i, id := range c.Datasets {
			switch {
			case !datasetID.MatchString(id):
				add(fmt.Sprintf("datasets[%d]", i), "%q is not a dataset identifier (letters, digits, _ . -)", id)
			case seen[id]:
				add(fmt.Sprintf("datasets[%d]", i), "%q is listed twice", id)
			}
			seen[id] = true
		}
	}
	switch c.Format {
	case "csv", "jsonl", "json", "geojson":
	default:
		add("format", "must be csv, jsonl, json or geojson (got %q)", c.Format)
	}
	if oneChar(c.Delimiter) == 0 {
		add("delimiter", "must be one character other than a quote or a line break (got %q)", c.Delimiter)
	}
	if oneChar(c.ListSeparator) == 0 {
		add("list_separator", "must be one character other than a quote or a line break (got %q)", c.ListSeparator)
	}
	if c.Timezone != "" && !timezoneRe.MatchString(c.Timezone) {
		add("timezone", "%q is not a time zone name such as Europe/Paris", c.Timezone)
	}
	for _, k := range sortedKeys(c.Refine) {
		if !fieldName.MatchString(k) {
			add("refine."+k, "%q is not a field name", k)
		} else if strings.TrimSpace(c.Refine[k]) == "" {
			add("refine."+k, "empty value")
		}
	}
	if strings.ContainsAny(c.APIKey, " \t\r\n") {
		add("apikey", "must not contain spaces or line breaks")
	}
	return errors.Join(errs...)
}

// oneChar returns the single rune of s, or 0 when s is not one rune usable
// as a CSV separator.
func oneChar(s string) rune {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || size != len(s) || r == '"' || r == '\n' || r == '\r' || r == utf8.RuneError {
		return 0
	}
	return r
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ids returns the datasets to harvest, in order.
func (c *Config) ids() []string {
	if c.Dataset != "" {
		return []string{c.Dataset}
	}
	return c.Datasets
}

// metadataURL is the catalogue entry of dataset id.
func (c *Config) metadataURL(id string) string {
	return strings.TrimRight(c.BaseURL, "/") + apiPath + "/catalog/datasets/" + url.PathEscape(id)
}

// exportURL is the full export of dataset id in the configured format.
func (c *Config) exportURL(id string) string {
	q := url.Values{}
	if c.Format == "csv" {
		q.Set("delimiter", c.Delimiter)
		q.Set("list_separator", c.ListSeparator)
		q.Set("quote_all", "false")
		q.Set("with_bom", "true")
	}
	if c.Where != "" {
		q.Set("where", c.Where)
	}
	if c.Select != "" {
		q.Set("select", c.Select)
	}
	for _, k := range sortedKeys(c.Refine) {
		q.Add("refine", k+":"+quoteODSQL(c.Refine[k]))
	}
	if c.Timezone != "" {
		q.Set("timezone", c.Timezone)
	}
	u := c.metadataURL(id) + "/exports/" + c.Format
	if enc := q.Encode(); enc != "" {
		u += "?" + enc
	}
	return u
}

// quoteODSQL writes s as an ODSQL string literal.
func quoteODSQL(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

type source struct {
	cfg Config
	env connectors.Env
	log *slog.Logger
}

var _ connectors.Source = (*source)(nil)

func open(cfg connectors.Config, env connectors.Env) (connectors.Source, error) {
	c, err := connectors.Configured[Config]("opendatasoft", cfg, env, true)
	if err != nil {
		return nil, err
	}
	cc := *c
	cc.Datasets = append([]string(nil), c.Datasets...)
	return &source{cfg: cc, env: env, log: env.Log("opendatasoft")}, nil
}

// header returns the request headers: the API key, when there is one.
func (s *source) header() map[string][]string {
	if s.cfg.APIKey == "" {
		return nil
	}
	return map[string][]string{"Authorization": {"Apikey " + s.cfg.APIKey}}
}

// export is the downloaded export of one dataset.
type export struct {
	id     string
	url    string
	meta   *Metadata
	resp   *fetch.Response
	status int
}

// Fetch reads the metadata of every dataset, downloads every export, and
// only then parses and emits the records, dataset after dataset, so that a
// fault in any export is reported before anything is emitted. It returns
// connectors.ErrUnchanged when every export answered 304 Not Modified.
func (s *source) Fetch(ctx context.Context, emit func([]connectors.Record) error) error {
	ids := s.cfg.ids()
	exports := make([]*export, len(ids))
	for i, id := range ids {
		meta, err := s.metadata(ctx, id)
		if err != nil {
			return err
		}
		exports[i] = &export{id: id, url: s.cfg.exportURL(id), meta: meta}
	}
	unchanged := 0
	for _, ex := range exports {
		if err := s.download(ctx, ex, s.env.PrevFor("GET", ex.url, nil)); err != nil {
			return err
		}
		if ex.status == 304 {
			unchanged++
		}
	}
	if unchanged == len(exports) {
		s.log.Info("exports unchanged since the previous run", "datasets", len(exports))
		return connectors.ErrUnchanged
	}
	// Some exports changed, others did not: the unchanged ones are needed
	// whole to publish the table, so they are downloaded again.
	for _, ex := range exports {
		if ex.status != 304 {
			continue
		}
		if err := s.download(ctx, ex, nil); err != nil {
			return err
		}
		if ex.status == 304 {
			return fmt.Errorf("opendatasoft: dataset %s: %s: 304 Not Modified to an unconditional request", ex.id, ex.url)
		}
	}
	// A portal that answers every export with the same body (a maintenance
	// page in CSV, a redirect to one dataset) would publish duplicates.
	for i := 1; i < len(exports); i++ {
		for j := range i {
			if exports[i].resp.SHA256 == exports[j].resp.SHA256 {
				return fmt.Errorf("opendatasoft: dataset %s: %s: the export is identical to the one of dataset %s: the portal answered the same body twice",
					exports[i].id, exports[i].url, exports[j].id)
			}
		}
	}
	for _, ex := range exports {
		if err := s.emitExport(ctx, ex, emit); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// download fetches the export of ex with prev validators and checks that
// the body is data of the configured format.
func (s *source) download(ctx context.Context, ex *export, prev *fetch.Validators) error {
	resp, err := s.env.HTTP.Do(ctx, fetch.Request{URL: ex.url, Header: s.header(), Prev: prev})
	if err != nil {
		return fmt.Errorf("opendatasoft: dataset %s: export: %w", ex.id, explain(err))
	}
	ex.resp, ex.status = resp, resp.Status
	if resp.Status == 304 {
		return nil
	}
	if err := checkContent(resp, s.cfg.Format); err != nil {
		return fmt.Errorf("opendatasoft: dataset %s: %s: %w", ex.id, ex.url, err)
	}
	s.log.Info("export downloaded", "dataset", ex.id, "bytes", len(resp.Body), "unchanged", resp.Unchanged)
	return nil
}

// emitExport parses the body of ex and emits its records.
func (s *source) emitExport(ctx context.Context, ex *export, emit func([]connectors.Record) error) error {
	var tag string
	if len(s.cfg.Datasets) > 0 {
		tag = ex.id
	}
	p := &pager{ctx: ctx, emit: emit, dataset: tag}
	var err error
	switch s.cfg.Format {
	case "csv":
		err = readCSV(ex.resp.Body, oneChar(s.cfg.Delimiter), ex.meta.geoPoints(), p.add)
	case "jsonl":
		err = readJSONL(ex.resp.Body, p.add)
	case "json":
		err = readJSON(ex.resp.Body, p.add)
	case "geojson":
		err = readGeoJSON(ex.resp.Body, p.add)
	}
	if err == nil {
		err = p.flush()
	}
	if err != nil {
		return fmt.Errorf("opendatasoft: dataset %s: %s: %w", ex.id, ex.url, err)
	}
	if ex.meta != nil && ex.meta.RecordsCount > 0 && s.cfg.Where == "" && len(s.cfg.Refine) == 0 && p.total != ex.meta.RecordsCount {
		s.log.Warn("export and metadata disagree on the number of records", "dataset", ex.id, "export", p.total, "metadata", ex.meta.RecordsCount)
	}
	s.log.Info("export read", "dataset", ex.id, "records", p.total)
	return nil
}

// pager groups records into pages for emit.
type pager struct {
	ctx     context.Context
	emit    func([]connectors.Record) error
	dataset string
	page    []connectors.Record
	total   int
}

func (p *pager) add(r connectors.Record) error {
	if p.dataset != "" {
		r.Fields[DatasetField] = p.dataset
	}
	p.page = append(p.page, r)
	p.total++
	if len(p.page) >= pageSize {
		return p.flush()
	}
	return nil
}

func (p *pager) flush() error {
	if len(p.page) == 0 {
		return nil
	}
	if err := p.ctx.Err(); err != nil {
		return err
	}
	if err := p.emit(p.page); err != nil {
		return err
	}
	p.page = p.page[:0]
	return nil
}

// apiError is the JSON body of an ODS error response.
type apiError struct {
	ErrorCode string `json:"error_code"`
	Message   string `json:"message"`
	ResetTime string `json:"reset_time"`
	CallLimit int    `json:"call_limit"`
	LimitUnit string `json:"limit_time_unit"`
}

// explain adds to an HTTP error what the portal said in its JSON body: the
// time a quota resets (429), the ODSQL error of a bad where clause (400).
// The result still wraps err.
func explain(err error) error {
	var he *fetch.HTTPError
	if !errors.As(err, &he) {
		return err
	}
	var ae apiError
	if json.Unmarshal([]byte(he.Snippet), &ae) != nil {
		return err
	}
	switch {
	case he.Status == 429 && ae.ResetTime != "":
		unit := ""
		if ae.CallLimit > 0 && ae.LimitUnit != "" {
			unit = fmt.Sprintf(" (%d calls per %s)", ae.CallLimit, ae.LimitUnit)
		}
		return fmt.Errorf("quota of the portal exhausted%s, it resets at %s: %w", unit, ae.ResetTime, err)
	case he.Status == 400 && ae.Message != "":
		return fmt.Errorf("the portal refused the request (%s: %s): %w", ae.ErrorCode, ae.Message, err)
	}
	return err
}
