// Package csw harvests an OGC Catalogue Service for the Web (CSW 2.0.2,
// GeoNetwork, geOrchestra) as records: it pages through GetRecords in ISO
// 19139 (gmd:MD_Metadata) with udata's stopping rules and flattens each
// metadata sheet into the fields a catalogue of geographic data needs
// (identifier, title, organisation, keywords, licence, dates, bounding box,
// online resources with their OGC services).
package csw

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/fetch"
)

// Output schemas the decoder reads.
const (
	SchemaGMD = "http://www.isotc211.org/2005/gmd"
	SchemaGMI = "http://www.isotc211.org/2005/gmi"
)

// MaxPageSize is the largest maxRecords the connector asks for.
const MaxPageSize = 500

const errorField = connectors.ErrorField

// Config is the `source:` block of a csw pipeline.
type Config struct {
	URL          string `yaml:"url"`
	OutputSchema string `yaml:"output_schema"`
	PageSize     int    `yaml:"page_size"`
	Constraint   string `yaml:"constraint"`
	MaxRecords   int    `yaml:"max_records"`
}

// Kind registers the csw connector.
var Kind = connectors.Kind{
	Name:    "csw",
	Summary: "an OGC CSW 2.0.2 catalogue (GeoNetwork) harvested as ISO 19139 metadata sheets",
	Options: []connectors.Option{
		{Name: "url", Required: true, Example: "https://www.geopal.org/geonetwork/srv/fre/csw",
			Help: "Address of the CSW endpoint. The connector POSTs GetRecords requests (CSW 2.0.2, application/xml) sorted by apiso:identifier, " +
				"and follows csw:SearchResults/@nextRecord. It stops, as udata does, when nextRecord is 0, beyond numberOfRecordsMatched, " +
				"not after the start of the page, or when a page is empty; a page with the same identifiers or bytes as the previous one is an error. " +
				"Each gmd:MD_Metadata becomes one record with the fields: identifier (fileIdentifier), title, abstract, hierarchy_level (MD_ScopeCode), " +
				"metadata_date (dateStamp, day only), organisation and contact_email (first point of contact with an organisation name, else the metadata contact), " +
				"keywords (list), themes (list of thesaurus titles), topic_category (list), use_limitation (list), access_constraints (list of restriction codes then other constraints), " +
				"licence (first constraint text naming a licence) and licence_id (etalab-1.0, etalab-2.0, odc-odbl, cc-by-4.0, cc-by-sa-4.0, cc-by-nc-sa-4.0, cc0-1.0, or empty), " +
				"creation_date, publication_date, revision_date (CI_Date by dateType, day only: earliest creation, latest revision), update_frequency (MD_MaintenanceFrequencyCode), " +
				"crs (reference system code, e.g. 2154), bbox_west, bbox_east, bbox_south, bbox_north (numbers; union of the bounding boxes, west/east or south/north swapped back when written the wrong way round) " +
				"and bbox_repaired (true when swapped), online_resources (JSON text: list of {url, protocol, name, description}), " +
				"wfs_url and wfs_layer (first OGC:WFS resource), wms_url and wms_layer (first OGC:WMS resource). Missing values are null. " +
				"Record.Line is the position of the sheet in the result set (1 for the first)."},
		{Name: "output_schema", Default: SchemaGMD,
			Help: "outputSchema of GetRecords: " + SchemaGMD + " (ISO 19139) or " + SchemaGMI + " (ISO 19139-2, gmi:MI_Metadata)."},
		{Name: "page_size", Default: "50",
			Help: "maxRecords of each GetRecords request, from 1 to " + strconv.Itoa(MaxPageSize) + "."},
		{Name: "constraint", Example: "type = 'dataset'",
			Help: "Optional OGC CQL text sent as csw:Constraint/csw:CqlText, e.g. to keep one type of resource or one organisation. Empty harvests the whole catalogue."},
		{Name: "max_records", Default: "0",
			Help: "Safety cap: stop after this many sheets (the last request asks for no more than what is left). 0 means no cap."},
	},
	NewConfig: func() connectors.Config {
		return &Config{OutputSchema: SchemaGMD, PageSize: 50}
	},
	Open: open,
}

// Validate reports every problem of the configuration at once.
func (c *Config) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, &connectors.FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if c.URL == "" {
		add("url", "required")
	} else if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		add("url", "%q is not an http(s) URL", c.URL)
	}
	if c.OutputSchema != SchemaGMD && c.OutputSchema != SchemaGMI {
		add("output_schema", "must be %s or %s (got %q)", SchemaGMD, SchemaGMI, c.OutputSchema)
	}
	if c.PageSize < 1 || c.PageSize > MaxPageSize {
		add("page_size", "must be between 1 and %d (got %d)", MaxPageSize, c.PageSize)
	}
	if c.MaxRecords < 0 {
		add("max_records", "must be 0 (no cap) or more (got %d)", c.MaxRecords)
	}
	if !utf8.ValidString(c.Constraint) || strings.IndexFunc(c.Constraint, func(r rune) bool {
		return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
	}) >= 0 {
		add("constraint", "must be text without control characters")
	} else if len(c.Constraint) > 4000 {
		add("constraint", "longer than 4000 bytes")
	}
	return errors.Join(errs...)
}

type source struct {
	cfg Config
	env connectors.Env
	log *slog.Logger
}

var _ connectors.Source = (*source)(nil)

func open(cfg connectors.Config, env connectors.Env) (connectors.Source, error) {
	c, err := connectors.Configured[Config]("csw", cfg, env, true)
	if err != nil {
		return nil, err
	}
	return &source{cfg: *c, env: env, log: env.Log("csw")}, nil
}

// Fetch pages through GetRecords from startPosition 1 and emits the sheets
// of each page as one page of records. Nothing is emitted from a page that
// fails (HTTP error, HTML page, exception report, invalid or truncated XML,
// a page repeating the previous one); the error names the page, its
// startPosition and the URL.
func (s *source) Fetch(ctx context.Context, emit func([]connectors.Record) error) error {
	start, emitted := 1, 0
	var prevIDs string
	var prevSHA [32]byte
	for page := 1; ; page++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("csw: %w", err)
		}
		want := s.cfg.PageSize
		if s.cfg.MaxRecords > 0 {
			want = min(want, s.cfg.MaxRecords-emitted)
		}
		where := fmt.Sprintf("csw: %s: page %d (startPosition %d)", s.cfg.URL, page, start)
		body := GetRecordsBody(s.cfg.OutputSchema, s.cfg.Constraint, start, want)
		req := fetch.Request{
			Method: http.MethodPost,
			URL:    s.cfg.URL,
			Header: http.Header{"Content-Type": {"application/xml; charset=utf-8"}, "Accept": {"application/xml, text/xml"}},
			Body:   body,
			Prev:   s.env.PrevFor(http.MethodPost, s.cfg.URL, body),
		}
		// The client sends conditional headers for GET only; a CSW answers
		// POSTs, so the first page carries the previous ETag itself. A
		// server may answer 304, or 412 as RFC 9110 has it for a POST.
		conditional := page == 1 && req.Prev != nil && req.Prev.ETag != ""
		if conditional {
			req.Header.Set("If-None-Match", req.Prev.ETag)
		}
		resp, err := s.env.HTTP.Do(ctx, req)
		if err != nil {
			var he *fetch.HTTPError
			if conditional && errors.As(err, &he) && he.Status == http.StatusPreconditionFailed {
				return connectors.ErrUnchanged
			}
			// The fetch error names the method and URL already.
			return fmt.Errorf("csw: page %d (startPosition %d): %w", page, start, err)
		}
		if resp.Status == http.StatusNotModified {
			if page == 1 {
				return connectors.ErrUnchanged
			}
			return fmt.Errorf("%s: 304 Not Modified in the middle of the paging", where)
		}
		if err := checkContent(resp); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		p, err := DecodePage(resp.Body)
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if p.Returned != len(p.Records) {
			s.log.Warn("csw: numberOfRecordsReturned differs from the sheets in the page",
				"url", s.cfg.URL, "page", page, "returned", p.Returned, "sheets", len(p.Records))
		}
		if len(p.Records) == 0 {
			if emitted < p.Matched && s.cfg.MaxRecords == 0 {
				s.log.Warn("csw: empty page before the end of the result set", "url", s.cfg.URL, "page", page, "matched", p.Matched, "emitted", emitted)
			}
			return nil
		}
		sum := sha256.Sum256(resp.Body)
		ids := pageIDs(p)
		if page > 1 && (sum == prevSHA || (ids != "" && ids == prevIDs)) {
			return fmt.Errorf("%s: the page repeats page %d (same identifiers): the server ignores startPosition", where, page-1)
		}
		prevSHA, prevIDs = sum, ids
		recs := make([]connectors.Record, len(p.Records))
		for i, f := range p.Records {
			recs[i] = connectors.Record{Line: start + i, Fields: f}
		}
		if err := emit(recs); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		emitted += len(recs)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("csw: %w", err)
		}
		switch next := p.Next; {
		case s.cfg.MaxRecords > 0 && emitted >= s.cfg.MaxRecords:
			s.log.Info("csw: max_records reached", "url", s.cfg.URL, "max_records", s.cfg.MaxRecords, "matched", p.Matched)
			return nil
		case !p.HasNext:
			// No nextRecord: go on from the records received, within
			// the matched count.
			next = start + len(p.Records)
			if next > p.Matched {
				return nil
			}
			start = next
		case next == 0:
			return nil
		case next > p.Matched:
			s.log.Warn("csw: nextRecord beyond numberOfRecordsMatched, stopping", "url", s.cfg.URL, "page", page, "next", next, "matched", p.Matched)
			return nil
		case next <= start:
			s.log.Warn("csw: nextRecord does not advance, stopping", "url", s.cfg.URL, "page", page, "start", start, "next", next)
			return nil
		default:
			start = next
		}
	}
}

// pageIDs is the identifiers of a page's sheets, in order, as one string;
// "" when no sheet has one.
func pageIDs(p *Page) string {
	var b strings.Builder
	found := false
	for _, r := range p.Records {
		id, _ := r["identifier"].(string)
		found = found || id != ""
		b.WriteString(id)
		b.WriteByte(0)
	}
	if !found {
		return ""
	}
	return b.String()
}

// checkContent refuses an empty body and a body that is not XML by its
// Content-Type (an HTML error page served with 200, JSON).
func checkContent(resp *fetch.Response) error {
	if len(resp.Body) == 0 {
		return errors.New("empty body")
	}
	ct := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Type")))
	switch {
	case connectors.IsHTMLPage(ct, resp.Body):
		return fmt.Errorf("got an HTML page (Content-Type %q) where a csw:GetRecordsResponse was expected", ct)
	case ct == "":
	case !strings.Contains(ct, "xml"):
		return fmt.Errorf("unexpected Content-Type %q where XML was expected", ct)
	}
	return nil
}
