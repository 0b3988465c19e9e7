// Package hal provides the "hal" connector: it harvests the bibliographic
// records of HAL, the French open archive, through its Solr search API
// (https://api.archives-ouvertes.fr/search/), with cursorMark deep paging,
// and flattens each document into a record (docid, hal_id, title,
// doc_type, publication_year, structures, doi, uri, open_access, modified,
// version). It is an incremental source: with Env.Since set it asks only
// for the documents modified at or after that mark.
package hal

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/fetch"
)

// Defaults of the options.
const (
	DefaultURL           = "https://api.archives-ouvertes.fr/search/"
	DefaultQuery         = "*:*"
	DefaultRows          = 1000
	MaxRows              = 10000
	DefaultModifiedField = "modifiedDate_tdate"
)

// DefaultFields is the default field list (fl) asked of the search API.
var DefaultFields = []string{
	"docid", "halId_s", "title_s", "docType_s", "publicationDateY_i", "structId_i",
	"doiId_s", "uri_s", "submitType_s", "openAccess_bool", "domain_s", "primaryDomain_s", DefaultModifiedField, "_version_",
}

// Config is the `source:` block of a hal pipeline.
type Config struct {
	// URL is the search endpoint, without query.
	URL string `yaml:"url"`
	// Collection limits the search to a portal (lower case) or a collection
	// (upper case): it is appended to URL as a path segment.
	Collection string `yaml:"collection"`
	// Query is Solr's q.
	Query string `yaml:"query"`
	// Filters are Solr filter queries (fq), sent in order.
	Filters []string `yaml:"filters"`
	// Structures are HAL structure ids (structId_i); a document of any of
	// them (or of one of their sub-structures) is harvested.
	Structures []int64 `yaml:"structures"`
	// Fields is the field list (fl).
	Fields []string `yaml:"fields"`
	// Rows is the page size.
	Rows int `yaml:"rows"`
	// ModifiedField is the Solr date field of the last modification, used
	// for incremental harvests and the watermark.
	ModifiedField string `yaml:"modified_field"`
}

// Kind is the "hal" connector.
var Kind = connectors.Kind{
	Name:    "hal",
	Summary: "HAL open archive: publications from the Solr search API, cursorMark paging, incremental on modifiedDate_tdate",
	Options: []connectors.Option{
		{
			Name: "url",
			Help: "Search endpoint of the HAL API, absolute http(s), without query string. " +
				"Every page is a GET of this URL with q, fq, fl, rows, sort=docid asc, wt=json and cursorMark.",
			Default: DefaultURL,
		},
		{
			Name: "collection",
			Help: "Portal or collection to search in, appended to url: lower case for a portal (\"tel\"), " +
				"upper case for a collection (\"UNIV-NANTES\"). Empty searches the whole of HAL.",
			Example: "UNIV-ANGERS",
		},
		{
			Name:    "query",
			Help:    "Solr query (q), e.g. \"*:*\" for everything or \"docType_s:THESE\". Special characters must be escaped as Solr requires.",
			Default: DefaultQuery,
		},
		{
			Name:    "filters",
			Help:    "List of Solr filter queries (fq), sent in this order, each restricting the result.",
			Example: `["publicationDateY_i:[2015 TO *]", "docType_s:(ART OR COMM)"]`,
		},
		{
			Name: "structures",
			Help: "List of HAL structure ids (structId_i, integers): only the documents of one of these structures " +
				"(laboratories, universities, schools; HAL indexes a document under the parents of its structures too) are harvested. " +
				"Sent as one filter query structId_i:(a OR b …).",
			Example: "[93263, 24140]",
		},
		{
			Name: "fields",
			Help: "Field list (fl) asked of HAL. docid and modified_field are always added. " +
				"The record holds the flattened fields docid (text), hal_id (halId_s), title (first title_s, HTML entities decoded), " +
				"doc_type (docType_s), publication_year (publicationDateY_i), structures (list of structId_i, each once), " +
				"doi (first doiId_s), uri (uri_s), open_access (openAccess_bool when present, else submitType_s = \"file\"), " +
				"modified (modified_field) and version (_version_ as text, every digit kept); " +
				"any other field asked is passed through under its HAL name, and these are always lists even when HAL answers a single value: " +
				strings.Join(ListFields, ", ") + ".",
			Default: strings.Join(DefaultFields, ","),
		},
		{
			Name:    "rows",
			Help:    "Documents per page, 1 to 10000; HAL asks clients to keep pages to about 1000.",
			Default: strconv.Itoa(DefaultRows),
		},
		{
			Name: "modified_field",
			Help: "Solr date field (…_tdate) of the last modification. On an incremental run the filter " +
				"<field>:[<mark> TO *] asks only for what changed at or after the mark of the previous run (the " +
				"documents changed in the same second are not lost; those harvested again are merged by key), and the " +
				"next mark is the latest value of this field harvested, never later than the run's start.",
			Default: DefaultModifiedField,
		},
	},
	NewConfig: func() connectors.Config {
		return &Config{
			URL: DefaultURL, Query: DefaultQuery, Rows: DefaultRows, ModifiedField: DefaultModifiedField,
			Fields: append([]string(nil), DefaultFields...),
		}
	},
	Open: open,
}

var (
	collectionPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)
	fieldPattern      = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*|\*)$`)
	datePattern       = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*_tdate$`)
)

// Validate reports every problem of the configuration at once.
func (c *Config) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, &connectors.FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	u, err := url.Parse(c.URL)
	switch {
	case c.URL == "":
		add("url", "is required")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		add("url", "%q is not an absolute http(s) URL", c.URL)
	case u.RawQuery != "" || u.Fragment != "":
		add("url", "%q must not carry a query string or fragment: use query and filters", c.URL)
	}
	if c.Collection != "" && !collectionPattern.MatchString(c.Collection) {
		add("collection", "%q is not a portal or collection code (letters, digits, - and _)", c.Collection)
	}
	if strings.TrimSpace(c.Query) == "" {
		add("query", "is empty: use \"*:*\" for every document")
	}
	for i, f := range c.Filters {
		if strings.TrimSpace(f) == "" {
			add("filters", "filter %d is empty", i+1)
		}
	}
	seen := map[int64]bool{}
	for _, s := range c.Structures {
		if s <= 0 {
			add("structures", "%d is not a HAL structure id (a positive integer)", s)
		} else if seen[s] {
			add("structures", "%d is listed twice", s)
		}
		seen[s] = true
	}
	if len(c.Fields) == 0 {
		add("fields", "is empty")
	}
	for _, f := range c.Fields {
		if !fieldPattern.MatchString(f) {
			add("fields", "%q is not a HAL field name", f)
		}
	}
	if c.Rows < 1 || c.Rows > MaxRows {
		add("rows", "must be between 1 and %d (got %d)", MaxRows, c.Rows)
	}
	if !datePattern.MatchString(c.ModifiedField) {
		add("modified_field", "%q is not a Solr date field (name ending in _tdate)", c.ModifiedField)
	}
	return errors.Join(errs...)
}

// endpoint returns the search URL, collection appended.
func (c *Config) endpoint() string {
	if c.Collection == "" {
		return c.URL
	}
	return strings.TrimSuffix(c.URL, "/") + "/" + url.PathEscape(c.Collection) + "/"
}

// fieldList returns fl: the configured fields, then docid and the
// modified field when missing.
func (c *Config) fieldList() string {
	fl := append([]string(nil), c.Fields...)
	has := map[string]bool{}
	for _, f := range fl {
		has[f] = true
	}
	for _, must := range []string{"docid", c.ModifiedField} {
		if !has[must] && !has["*"] {
			fl = append(fl, must)
		}
	}
	return strings.Join(fl, ",")
}

// filterQueries returns the fq values: filters, structures, then the
// incremental bound when since is set.
func (c *Config) filterQueries(since string) []string {
	fq := append([]string(nil), c.Filters...)
	if len(c.Structures) > 0 {
		ids := make([]string, len(c.Structures))
		for i, s := range c.Structures {
			ids[i] = strconv.FormatInt(s, 10)
		}
		fq = append(fq, "structId_i:("+strings.Join(ids, " OR ")+")")
	}
	if since != "" {
		fq = append(fq, c.ModifiedField+":["+since+" TO *]")
	}
	return fq
}

// pageURL returns the URL of the page at cursor.
func (c *Config) pageURL(since, cursor string) string {
	v := url.Values{}
	v.Set("q", c.Query)
	for _, f := range c.filterQueries(since) {
		v.Add("fq", f)
	}
	v.Set("fl", c.fieldList())
	v.Set("rows", strconv.Itoa(c.Rows))
	v.Set("sort", "docid asc")
	v.Set("wt", "json")
	v.Set("cursorMark", cursor)
	return c.endpoint() + "?" + v.Encode()
}

type source struct {
	cfg Config
	env connectors.Env
	log *slog.Logger

	mu        sync.Mutex
	watermark string
}

var (
	_ connectors.Source      = (*source)(nil)
	_ connectors.Incremental = (*source)(nil)
)

func open(cfg connectors.Config, env connectors.Env) (connectors.Source, error) {
	c, err := connectors.Configured[Config]("hal", cfg, env, true)
	if err != nil {
		return nil, err
	}
	cp := *c
	cp.Filters = append([]string(nil), c.Filters...)
	cp.Structures = append([]int64(nil), c.Structures...)
	cp.Fields = append([]string(nil), c.Fields...)
	return &source{cfg: cp, env: env, log: env.Log("hal")}, nil
}

// Watermark returns the latest modified date of the documents harvested by
// the last successful Fetch, in RFC 3339 (UTC), or "" when that Fetch
// harvested no dated document (the previous mark should then be kept).
func (s *source) Watermark() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.watermark
}

// sinceMark checks Env.Since and returns it in Solr's date syntax.
func sinceMark(since string) (string, error) {
	since = strings.TrimSpace(since)
	if since == "" {
		return "", nil
	}
	t, err := time.Parse(time.RFC3339Nano, since)
	if err != nil {
		return "", fmt.Errorf("high-water mark %q is not an RFC 3339 date: %w", since, err)
	}
	return formatMark(t), nil
}

// formatMark writes t as Solr and the watermark want it: UTC, "Z",
// fractional seconds only when present.
func formatMark(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// maxExtraPages bounds the pages beyond what numFound announces before a
// cursor that never ends is reported.
const maxExtraPages = 10

// Fetch harvests every document matching the configuration, one page of
// records per page of the API, in docid order, until nextCursorMark
// repeats the cursor sent or a page holds fewer than rows documents. With
// Env.Since set, only the documents modified after it are asked for. It
// returns
// connectors.ErrUnchanged when the first page answers 304. A page that
// does not decode (truncated, HTML, not JSON, a Solr error), a page that
// repeats docids already harvested, or a cursor that does not end is an
// error naming the URL and the page; nothing of a failed harvest should be
// published.
func (s *source) Fetch(ctx context.Context, emit func([]connectors.Record) error) error {
	since, err := sinceMark(s.env.Since)
	if err != nil {
		return fmt.Errorf("hal: %w", err)
	}
	s.mu.Lock()
	s.watermark = ""
	s.mu.Unlock()
	cursor := "*"
	seen := map[string]int{} // docid → page
	var prevDigest [sha256.Size]byte
	var latest time.Time
	var numFound int64 = -1
	line := 0
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("hal: page %d: %w", n, err)
		}
		u := s.cfg.pageURL(since, cursor)
		body, err := s.get(ctx, u, n)
		if err != nil {
			return err
		}
		p, err := decodePage(body)
		if err != nil {
			return fmt.Errorf("hal: page %d: %s: %w", n, u, err)
		}
		if !p.hasNext {
			return fmt.Errorf("hal: page %d: %s: no nextCursorMark in the answer: the server ignored cursorMark", n, u)
		}
		if numFound < 0 {
			numFound = p.numFound
		}
		if limit := numFound/int64(s.cfg.Rows) + 1 + maxExtraPages; int64(n) > limit {
			return fmt.Errorf("hal: page %d: %s: the cursor does not end: %d pages for %d documents announced", n, u, n, numFound)
		}
		drs := make([]docRecord, len(p.docs))
		h := sha256.New()
		keyed := false
		for i, d := range p.docs {
			line++
			drs[i] = toRecord(d, line, s.cfg.ModifiedField)
			keyed = keyed || drs[i].docid != ""
			h.Write([]byte(drs[i].docid))
			h.Write([]byte{0})
		}
		var digest [sha256.Size]byte
		copy(digest[:], h.Sum(nil))
		if keyed && n > 1 && digest == prevDigest {
			return fmt.Errorf("hal: page %d: %s: the page repeats page %d (same docids)", n, u, n-1)
		}
		prevDigest = digest
		recs := make([]connectors.Record, len(drs))
		for i, dr := range drs {
			if dr.docid != "" {
				if at, dup := seen[dr.docid]; dup {
					return fmt.Errorf("hal: page %d: %s: docid %s was already harvested on page %d: the pages overlap", n, u, dr.docid, at)
				}
				seen[dr.docid] = n
			}
			if dr.modified.After(latest) {
				latest = dr.modified
			}
			recs[i] = dr.rec
		}
		if len(recs) > 0 {
			if err := emit(recs); err != nil {
				return fmt.Errorf("hal: page %d: %w", n, err)
			}
		}
		// Solr's end of a cursor is a nextCursorMark equal to the one sent;
		// a page shorter than rows is the end as well, which saves the
		// request of an empty last page.
		if p.next == cursor || len(p.docs) < s.cfg.Rows {
			break
		}
		cursor = p.next
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("hal: %w", err)
	}
	if int64(line) != numFound {
		s.log.Warn("hal: harvested count differs from numFound (the index changed during the harvest?)",
			"harvested", line, "numFound", numFound)
	}
	mark := ""
	if !latest.IsZero() {
		mark = formatMark(latest)
	}
	s.mu.Lock()
	s.watermark = mark
	s.mu.Unlock()
	s.log.Info("hal: harvest done", "documents", line, "since", since, "watermark", mark)
	return nil
}

// get fetches one page and checks that it looks like JSON. A 304 on the
// first page is ErrUnchanged; on a later page (the first one changed) the
// page is asked again without validators.
func (s *source) get(ctx context.Context, u string, n int) ([]byte, error) {
	resp, err := s.env.HTTP.Do(ctx, fetch.Request{URL: u, Prev: s.env.PrevFor("GET", u, nil)})
	if err != nil {
		return nil, pageError(n, err)
	}
	if resp.Unchanged && len(resp.Body) == 0 {
		if n == 1 {
			return nil, connectors.ErrUnchanged
		}
		resp, err = s.env.HTTP.Do(ctx, fetch.Request{URL: u})
		if err != nil {
			return nil, pageError(n, err)
		}
	}
	if err := checkContent(resp); err != nil {
		return nil, fmt.Errorf("hal: page %d: %s: %w", n, u, err)
	}
	return resp.Body, nil
}

// pageError wraps a fetch error, with Solr's message when the body of an
// HTTP error is a Solr error object (a 400 for a bad query).
func pageError(n int, err error) error {
	var he *fetch.HTTPError
	if errors.As(err, &he) {
		if se := solrErrorIn(he.Snippet); se != nil {
			return fmt.Errorf("hal: page %d: %s: %w", n, se, err)
		}
	}
	return fmt.Errorf("hal: page %d: %w", n, err)
}

// checkContent refuses an empty body, an HTML page (a portal's error page
// served with 200) and a body announced as anything but JSON or text.
func checkContent(resp *fetch.Response) error {
	ct := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Type")))
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.TrimSpace(mt)
	switch {
	case connectors.IsHTMLPage(ct, resp.Body):
		return fmt.Errorf("got an HTML page (Content-Type %q) where JSON was expected", ct)
	case len(resp.Body) == 0:
		return errors.New("empty body where JSON was expected")
	case mt == "" || mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "text/json" ||
		mt == "text/plain" || mt == "application/javascript" || mt == "text/javascript":
		return nil
	}
	return fmt.Errorf("unexpected Content-Type %q where JSON was expected", ct)
}
