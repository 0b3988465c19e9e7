// Package wfs provides the "wfs" connector: it reads the features of one
// layer of an OGC Web Feature Service 2.0 (GeoServer, as on geOrchestra
// platforms such as GEOPAL) with GetFeature requests answered as GeoJSON,
// paged with count and startIndex in a stable sortBy order, and turns each
// feature into a record whose geometry is reprojected to WGS 84.
package wfs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/fetch"
	"github.com/ligerdata/ligerdata/internal/geo"
)

// Defaults of the options.
const (
	DefaultSRSName  = "EPSG:2154"
	DefaultPageSize = 1000
	// MaxPageSize bounds page_size; GeoServer's own default cap is 10000.
	MaxPageSize = 10000
	// Decimals of the WGS 84 coordinates emitted (about a centimetre).
	Decimals = 7
)

// Record fields the connector sets besides the feature's properties.
const (
	FieldID       = "id"
	FieldGeometry = "geometry"
	FieldLon      = "lon"
	FieldLat      = "lat"
	// PropertyPrefix renames a property whose name is one of the fields
	// above: a property "id" becomes "prop_id".
	PropertyPrefix = "prop_"
)

// Kind is the "wfs" connector.
var Kind = connectors.Kind{
	Name:    "wfs",
	Summary: "features of a WFS 2.0 layer (GeoServer, GEOPAL) as GeoJSON, paged, reprojected to WGS 84",
	Options: []connectors.Option{
		{Name: "url", Required: true, Example: "https://www.geopal.org/geoserver/ows",
			Help: "Absolute http(s) URL of the OWS or WFS endpoint, without the GetFeature parameters (a query already in the URL, such as a map key, is kept). " +
				"Each record has the feature id in `id`, every property of the feature at top level (numbers kept exact), " +
				"`geometry` as GeoJSON text in WGS 84 (RFC 7946 longitude, latitude order) and `lon`/`lat`: the point itself, or the centre of the bounding box of any other geometry. " +
				"A property called id, geometry, lon or lat is renamed prop_<name>. A feature whose geometry cannot be read or reprojected is rejected with its reason."},
		{Name: "type_name", Required: true, Example: "geopal:lycees_pdl",
			Help: "The layer to read (WFS typeNames), with its workspace prefix."},
		{Name: "srs_name", Default: DefaultSRSName, Example: "urn:ogc:def:crs:EPSG::2154",
			Help: "CRS asked of the server (srsName), as EPSG:<code>, urn:ogc:def:crs:EPSG::<code> or http://www.opengis.net/def/crs/EPSG/0/<code>. " +
				"The geometries are reprojected from it to WGS 84. With the urn or http forms a geographic CRS (4326, 4258, 4171) is read latitude first, as WFS 2.0 requires. Supported: EPSG 4326, 4258, 4171, 2154, 3942 to 3950 and 3857."},
		{Name: "page_size", Default: strconv.Itoa(DefaultPageSize),
			Help: "Features per GetFeature request (count), 1 to 10000. Keep it at or below the server's CountDefault."},
		{Name: "sort_by", Required: true, Example: "gid",
			Help: "Property giving a stable order to the pages (sortBy), normally the layer's identifier property; `name DESC` sorts downwards. Paging without it may skip or repeat features."},
		{Name: "cql_filter", Example: "code_dept = '44'",
			Help: "Optional GeoServer CQL filter (CQL_FILTER) restricting the features. Not together with bbox."},
		{Name: "bbox", Example: "355000,6689000,430000,6720000,EPSG:2154",
			Help: "Optional bounding box minx,miny,maxx,maxy[,crs] restricting the features, in the axis order of its CRS. Not together with cql_filter."},
		{Name: "max_features", Default: "0",
			Help: "Stop after this many features; 0 reads the whole layer."},
	},
	NewConfig: func() connectors.Config {
		return &Config{SRSName: DefaultSRSName, PageSize: DefaultPageSize}
	},
	Open: connectors.Opener(Open),
}

// Config is the `source:` block of a wfs pipeline.
type Config struct {
	URL         string `yaml:"url"`
	TypeName    string `yaml:"type_name"`
	SRSName     string `yaml:"srs_name"`
	PageSize    int    `yaml:"page_size"`
	SortBy      string `yaml:"sort_by"`
	CQLFilter   string `yaml:"cql_filter"`
	BBox        string `yaml:"bbox"`
	MaxFeatures int    `yaml:"max_features"`
}

var (
	typeNameRe = regexp.MustCompile(`^[A-Za-z_][\w.\-]*(:[A-Za-z_][\w.\-]*)?$`)
	sortByRe   = regexp.MustCompile(`^[A-Za-z_][\w.\-:]*( (ASC|DESC|A|D))?(,[A-Za-z_][\w.\-:]*( (ASC|DESC|A|D))?)*$`)
	crsRes     = []*regexp.Regexp{
		regexp.MustCompile(`^EPSG:(\d{4,6})$`),
		regexp.MustCompile(`^urn:ogc:def:crs:EPSG:[\d.]*:(\d{4,6})$`),
		regexp.MustCompile(`^https?://www\.opengis\.net/def/crs/EPSG/0/(\d{4,6})$`),
	}
)

// geographic are the geographic CRSs whose authority axis order is
// latitude first.
var geographic = map[int]bool{4326: true, 4258: true, 4171: true}

// crs is a CRS name as understood by the connector.
type crs struct {
	epsg int
	// latFirst is true when positions come latitude first (a geographic
	// CRS named in the urn or http form).
	latFirst bool
}

// parseCRS reads an EPSG CRS name in one of the forms WFS servers use.
func parseCRS(name string) (crs, error) {
	name = strings.TrimSpace(name)
	for i, re := range crsRes {
		m := re.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		code, _ := strconv.Atoi(m[1])
		return crs{epsg: code, latFirst: i > 0 && geographic[code]}, nil
	}
	return crs{}, fmt.Errorf("%q is not an EPSG CRS name (EPSG:2154, urn:ogc:def:crs:EPSG::2154 or http://www.opengis.net/def/crs/EPSG/0/2154)", name)
}

// Validate reports every problem of the configuration as
// *connectors.FieldError values joined with errors.Join, or nil.
func (c *Config) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, &connectors.FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	switch u, err := url.Parse(c.URL); {
	case strings.TrimSpace(c.URL) == "":
		add("url", "is required")
	case err != nil:
		add("url", "is not a valid URL: %v", err)
	case u.Scheme != "http" && u.Scheme != "https":
		add("url", "must be an http or https URL, got %q", c.URL)
	case u.Host == "":
		add("url", "has no host: %q", c.URL)
	default:
		for k := range u.Query() {
			if reservedParam(k) {
				add("url", "must not carry the GetFeature parameter %q: the connector sets it", k)
				break
			}
		}
	}
	switch {
	case strings.TrimSpace(c.TypeName) == "":
		add("type_name", "is required")
	case !typeNameRe.MatchString(c.TypeName):
		add("type_name", "must be a layer name such as workspace:layer, got %q", c.TypeName)
	}
	if c.SRSName == "" {
		add("srs_name", "is required (default %s)", DefaultSRSName)
	} else if _, err := parseCRS(c.SRSName); err != nil {
		add("srs_name", "%v", err)
	} else if err := geo.CheckTransform(mustCRS(c.SRSName).epsg, geo.EPSGWGS84); err != nil {
		add("srs_name", "cannot be reprojected to WGS 84: %v", err)
	}
	if c.PageSize < 1 || c.PageSize > MaxPageSize {
		add("page_size", "must be between 1 and %d, got %d", MaxPageSize, c.PageSize)
	}
	switch {
	case strings.TrimSpace(c.SortBy) == "":
		add("sort_by", "is required for stable paging: give the layer's identifier property")
	case !sortByRe.MatchString(c.SortBy):
		add("sort_by", "must be property names, each optionally followed by ASC or DESC, got %q", c.SortBy)
	}
	if c.BBox != "" {
		if err := checkBBox(c.BBox); err != nil {
			add("bbox", "%v", err)
		}
		if c.CQLFilter != "" {
			add("bbox", "cannot be combined with cql_filter (GeoServer refuses both): put a BBOX(…) in the filter")
		}
	}
	if c.MaxFeatures < 0 {
		add("max_features", "must be 0 (no limit) or more, got %d", c.MaxFeatures)
	}
	return errors.Join(errs...)
}

func mustCRS(name string) crs { c, _ := parseCRS(name); return c }

// reservedParam reports whether a query parameter is one the connector sets.
func reservedParam(k string) bool {
	switch strings.ToLower(k) {
	case "service", "version", "request", "typename", "typenames", "outputformat", "count", "maxfeatures",
		"startindex", "sortby", "srsname", "cql_filter", "bbox", "resulttype":
		return true
	}
	return false
}

func checkBBox(s string) error {
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 5 {
		return fmt.Errorf("must be minx,miny,maxx,maxy[,crs], got %q", s)
	}
	var v [4]float64
	for i := range 4 {
		f, err := strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
		if err != nil {
			return fmt.Errorf("%q is not a number in %q", parts[i], s)
		}
		v[i] = f
	}
	if v[0] > v[2] || v[1] > v[3] {
		return fmt.Errorf("minimum above maximum in %q", s)
	}
	if len(parts) == 5 {
		if _, err := parseCRS(parts[4]); err != nil {
			return err
		}
	}
	return nil
}

// Source reads the features of one WFS layer.
type Source struct {
	cfg Config
	crs crs
	env connectors.Env
	log *slog.Logger
}

var _ connectors.Source = (*Source)(nil)

// Open returns the source for cfg, which must be a *Config that validates.
// env.HTTP is required.
func Open(cfg connectors.Config, env connectors.Env) (*Source, error) {
	c, err := connectors.Configured[Config]("wfs", cfg, env, true)
	if err != nil {
		return nil, err
	}
	return &Source{cfg: *c, crs: mustCRS(c.SRSName), env: env, log: env.Log("wfs", "type_name", c.TypeName)}, nil
}

// PageURL returns the GetFeature URL of the page starting at startIndex
// asking for count features.
func (s *Source) PageURL(startIndex, count int) string {
	u, _ := url.Parse(s.cfg.URL) // validated
	q := u.Query()
	q.Set("service", "WFS")
	q.Set("version", "2.0.0")
	q.Set("request", "GetFeature")
	q.Set("typeNames", s.cfg.TypeName)
	q.Set("outputFormat", "application/json")
	q.Set("srsName", s.cfg.SRSName)
	q.Set("count", strconv.Itoa(count))
	q.Set("startIndex", strconv.Itoa(startIndex))
	q.Set("sortBy", s.cfg.SortBy)
	if s.cfg.CQLFilter != "" {
		q.Set("CQL_FILTER", s.cfg.CQLFilter)
	}
	if s.cfg.BBox != "" {
		q.Set("bbox", s.cfg.BBox)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Fetch requests the pages of the layer in sortBy order and emits one page
// of records per GetFeature answer. It stops when the features reach
// numberMatched (when the server counted them), when a page holds fewer
// features than asked (when it did not: totalFeatures "unknown"), on an
// empty page, or at max_features.
//
// It returns connectors.ErrUnchanged when the first page answers 304, and
// an error naming the URL and the page for a failed request, an empty body,
// an HTML page, an OWS exception report, a body that is not GeoJSON, a
// wrong content type, or a page that repeats features already read (the
// server ignoring startIndex, or an unstable order). Nothing is published
// then: the runner discards what was emitted.
func (s *Source) Fetch(ctx context.Context, emit func(page []connectors.Record) error) error {
	seen := map[string]int{} // feature id → page it came on
	var prevDigest [32]byte
	matched := -1 // numberMatched, -1 when unknown
	start := 0
	for page := 1; ; page++ {
		count := s.cfg.PageSize
		if m := s.cfg.MaxFeatures; m > 0 && m-start < count {
			count = m - start
		}
		u := s.PageURL(start, count)
		where := fmt.Sprintf("page %d (startIndex=%d) GET %s", page, start, u)
		resp, err := s.env.HTTP.Do(ctx, fetch.Request{Method: http.MethodGet, URL: u, Prev: s.env.PrevFor(http.MethodGet, u, nil)})
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
				return fmt.Errorf("wfs: %s: %w", where, ctxErr)
			}
			// The fetch error names the method and URL already.
			return fmt.Errorf("wfs: page %d (startIndex=%d): %w", page, start, err)
		}
		if resp.Unchanged && len(resp.Body) == 0 {
			if page == 1 {
				return connectors.ErrUnchanged
			}
			return fmt.Errorf("wfs: %s: the server answered 304 Not Modified to a page that was not asked conditionally", where)
		}
		fc, err := Decode(resp.Header.Get("Content-Type"), resp.Body)
		if err != nil {
			return fmt.Errorf("wfs: %s: %w", where, err)
		}
		digest := sha256.Sum256(fc.idList())
		if page > 1 && len(fc.Features) > 0 && digest == prevDigest {
			return fmt.Errorf("wfs: %s: the page repeats the previous one (same %d features): the server ignores startIndex", where, len(fc.Features))
		}
		prevDigest = digest
		if fc.NumberMatched >= 0 {
			matched = fc.NumberMatched
		}
		records := make([]connectors.Record, 0, len(fc.Features))
		for i, f := range fc.Features {
			if f.ID != "" {
				if p, dup := seen[f.ID]; dup {
					return fmt.Errorf("wfs: %s: feature %q was already on page %d: the order of the pages is not stable, check sort_by", where, f.ID, p)
				}
				seen[f.ID] = page
			}
			records = append(records, s.record(f, start+i+1))
		}
		if len(records) > 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("wfs: %s: %w", where, err)
			}
			if err := emit(records); err != nil {
				return fmt.Errorf("wfs: emit %s: %w", where, err)
			}
		}
		start += len(fc.Features)
		s.log.Debug("wfs: page read", "page", page, "features", len(fc.Features), "number_matched", matched, "start", start)
		switch {
		case len(fc.Features) == 0:
			if matched > start {
				s.log.Warn("wfs: empty page before numberMatched was reached; the layer changed during the harvest?", "page", page, "read", start, "number_matched", matched)
			}
			return ctx.Err()
		case s.cfg.MaxFeatures > 0 && start >= s.cfg.MaxFeatures:
			return ctx.Err()
		case matched >= 0 && start >= matched:
			return ctx.Err()
		case matched < 0 && len(fc.Features) < count:
			return ctx.Err()
		}
		// With numberMatched known, a short page means the server capped
		// count (CountDefault): go on.
	}
}

// record turns a feature into a record.
func (s *Source) record(f Feature, line int) connectors.Record {
	fields := make(map[string]any, len(f.Properties)+4)
	for k, v := range f.Properties {
		switch k {
		case FieldID, FieldGeometry, FieldLon, FieldLat:
			k = PropertyPrefix + k
		}
		fields[k] = v
	}
	if f.ID != "" {
		fields[FieldID] = f.ID
	} else {
		fields[FieldID] = nil
	}
	fields[FieldGeometry], fields[FieldLon], fields[FieldLat] = nil, nil, nil
	if len(f.Geometry) == 0 || string(f.Geometry) == "null" {
		return connectors.Record{Line: line, Fields: fields}
	}
	g, box, err := geo.TransformGeoJSON(s.crs.epsg, geo.EPSGWGS84, f.Geometry, geo.GeoJSONOptions{SwapInput: s.crs.latFirst, Decimals: Decimals})
	if err != nil {
		if errors.Is(err, geo.ErrEmptyGeometry) {
			return connectors.Record{Line: line, Fields: fields}
		}
		s.log.Warn("wfs: unreadable geometry", "id", f.ID, "err", err)
		fields[connectors.ErrorField] = fmt.Sprintf("géométrie de l'objet %q illisible ou non reprojetable depuis EPSG:%d (%v)", f.ID, s.crs.epsg, err)
		return connectors.Record{Line: line, Fields: fields}
	}
	lon, lat := box.Center()
	fields[FieldGeometry] = string(g)
	fields[FieldLon] = number(lon)
	fields[FieldLat] = number(lat)
	return connectors.Record{Line: line, Fields: fields}
}

// number formats a coordinate as a json.Number with at most Decimals
// decimals.
func number(f float64) json.Number {
	return json.Number(strconv.FormatFloat(geo.Round(f, Decimals), 'f', -1, 64))
}

// FeatureCollection is a decoded GetFeature answer.
type FeatureCollection struct {
	Features []Feature
	// NumberMatched is the count of features matching the request, from
	// numberMatched or a numeric totalFeatures; -1 when the server did not
	// count them ("unknown", absent).
	NumberMatched int
	// NumberReturned is the numberReturned member, -1 when absent.
	NumberReturned int
	// CRS is the name of the "crs" member, "" when null or absent.
	CRS string
}

// Feature is one GeoJSON feature of a GetFeature answer.
type Feature struct {
	// ID is the feature id ("layer.42"); a numeric id is written in decimal.
	ID string
	// Geometry is the raw GeoJSON geometry, nil or "null" when absent.
	Geometry json.RawMessage
	// Properties holds the feature's properties, numbers as json.Number.
	Properties map[string]any
}

func (fc *FeatureCollection) idList() []byte {
	var b bytes.Buffer
	for _, f := range fc.Features {
		b.WriteString(f.ID)
		b.WriteByte(0)
		if f.ID == "" {
			b.Write(f.Geometry)
			fmt.Fprint(&b, f.Properties)
		}
	}
	return b.Bytes()
}

// Decode reads a GetFeature answer in GeoJSON. contentType is the
// response's Content-Type header. It returns an error, in English for the
// operator, for an empty body, an HTML page, an OWS exception report (with
// its exception texts), another XML document, a content type that is not
// JSON, invalid or truncated JSON, or a document that is not a
// FeatureCollection of Features.
func Decode(contentType string, body []byte) (*FeatureCollection, error) {
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if len(trimmed) == 0 {
		return nil, errors.New("empty answer where a GeoJSON FeatureCollection was expected")
	}
	media, _, _ := mime.ParseMediaType(contentType)
	media = strings.ToLower(media)
	if connectors.IsHTMLPage(contentType, trimmed) {
		return nil, fmt.Errorf("got an HTML page (Content-Type %q) where a GeoJSON FeatureCollection was expected", contentType)
	}
	if trimmed[0] == '<' {
		if msg, ok := owsException(trimmed); ok {
			return nil, fmt.Errorf("the server answered an OWS exception: %s", msg)
		}
		return nil, fmt.Errorf("got an XML document (Content-Type %q) where a GeoJSON FeatureCollection was expected", contentType)
	}
	switch media {
	case "", "application/json", "application/geo+json", "application/vnd.geo+json", "text/json", "text/plain":
	default:
		return nil, fmt.Errorf("unexpected Content-Type %q where application/json was expected", contentType)
	}
	var raw struct {
		Type           string             `json:"type"`
		Features       *[]json.RawMessage `json:"features"`
		TotalFeatures  json.RawMessage    `json:"totalFeatures"`
		NumberMatched  json.RawMessage    `json:"numberMatched"`
		NumberReturned json.RawMessage    `json:"numberReturned"`
		CRS            json.RawMessage    `json:"crs"`
	}
	if err := strictJSON(trimmed, &raw); err != nil {
		return nil, fmt.Errorf("invalid GeoJSON: %w", err)
	}
	if raw.Type != "FeatureCollection" {
		return nil, fmt.Errorf("invalid GeoJSON: type %q, want FeatureCollection", raw.Type)
	}
	if raw.Features == nil {
		return nil, errors.New("invalid GeoJSON: FeatureCollection without a features array")
	}
	fc := &FeatureCollection{NumberMatched: count(raw.NumberMatched), NumberReturned: count(raw.NumberReturned)}
	if fc.NumberMatched < 0 {
		fc.NumberMatched = count(raw.TotalFeatures)
	}
	if len(raw.CRS) > 0 && string(raw.CRS) != "null" {
		var c struct {
			Properties struct {
				Name string `json:"name"`
			} `json:"properties"`
		}
		if json.Unmarshal(raw.CRS, &c) == nil {
			fc.CRS = c.Properties.Name
		}
	}
	fc.Features = make([]Feature, 0, len(*raw.Features))
	for i, r := range *raw.Features {
		var f struct {
			Type       string          `json:"type"`
			ID         json.RawMessage `json:"id"`
			Geometry   json.RawMessage `json:"geometry"`
			Properties map[string]any  `json:"properties"`
		}
		if err := strictJSON(r, &f); err != nil {
			return nil, fmt.Errorf("invalid GeoJSON: feature %d: %w", i+1, err)
		}
		if f.Type != "Feature" {
			return nil, fmt.Errorf("invalid GeoJSON: feature %d has type %q, want Feature", i+1, f.Type)
		}
		feat := Feature{Geometry: f.Geometry, Properties: f.Properties}
		if len(f.ID) > 0 && string(f.ID) != "null" {
			var id any
			_ = strictJSON(f.ID, &id)
			switch v := id.(type) {
			case string:
				feat.ID = v
			case json.Number:
				feat.ID = v.String()
			default:
				return nil, fmt.Errorf("invalid GeoJSON: feature %d: id must be a string or a number, got %s", i+1, f.ID)
			}
		}
		fc.Features = append(fc.Features, feat)
	}
	if fc.NumberReturned >= 0 && fc.NumberReturned != len(fc.Features) {
		return nil, fmt.Errorf("numberReturned is %d but the page holds %d features: truncated answer?", fc.NumberReturned, len(fc.Features))
	}
	return fc, nil
}

// strictJSON decodes one JSON value with numbers as json.Number and
// refuses trailing data.
func strictJSON(data []byte, v any) error {
	if err := connectors.CheckUTF8(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON document")
	}
	if _, err := dec.Token(); err == nil {
		return errors.New("data after the JSON document")
	}
	return nil
}

// count reads a numberMatched-like member: a non-negative integer, or -1
// for "unknown", null or absent.
func count(raw json.RawMessage) int {
	n, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// owsException extracts the texts of an ows:ExceptionReport (or a WFS 1.0
// ServiceExceptionReport).
func owsException(body []byte) (string, bool) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var texts []string
	isReport := false
	var inText bool
	var code string
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "ExceptionReport", "ServiceExceptionReport":
				isReport = true
			case "Exception", "ServiceException":
				for _, a := range t.Attr {
					if a.Name.Local == "exceptionCode" || a.Name.Local == "code" {
						code = a.Value
					}
				}
				inText = t.Name.Local == "ServiceException"
			case "ExceptionText":
				inText = true
			}
		case xml.EndElement:
			if t.Name.Local == "ExceptionText" || t.Name.Local == "ServiceException" {
				inText = false
			}
		case xml.CharData:
			if inText {
				if s := strings.Join(strings.Fields(string(t)), " "); s != "" {
					texts = append(texts, s)
				}
			}
		}
	}
	if !isReport {
		return "", false
	}
	msg := strings.Join(texts, "; ")
	if code != "" {
		msg = code + ": " + msg
	}
	if msg == "" {
		msg = "(no exception text)"
	}
	return msg, true
}
