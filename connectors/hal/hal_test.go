package hal

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/connectors/connectortest"
	"github.com/ligerdata/ligerdata/internal/fetch"
)

func newConfig(mut func(*Config)) *Config {
	c := Kind.NewConfig().(*Config)
	if mut != nil {
		mut(c)
	}
	return c
}

// leaves returns the paths of the FieldErrors joined in err, sorted.
func fieldPaths(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var out []string
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("Validate error %v is not a join", err)
	}
	for _, e := range j.Unwrap() {
		var fe *connectors.FieldError
		if !errors.As(e, &fe) || fe.Msg == "" {
			t.Errorf("error %q is not a *connectors.FieldError with a message", e)
			continue
		}
		out = append(out, fe.Path)
	}
	sort.Strings(out)
	return out
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		mut  func(*Config)
		want []string
	}{
		{"defaults", nil, nil},
		{"collection and filters", func(c *Config) {
			c.Collection, c.Filters = "UNIV-ANGERS", []string{"docType_s:(ART OR COMM)", "publicationDateY_i:[2015 TO *]"}
		}, nil},
		{"portal", func(c *Config) { c.Collection = "tel" }, nil},
		{"all fields", func(c *Config) { c.Fields = []string{"*"} }, nil},
		{"rows at the maximum", func(c *Config) { c.Rows = 10000 }, nil},
		{"empty url", func(c *Config) { c.URL = "" }, []string{"url"}},
		{"relative url", func(c *Config) { c.URL = "/search/" }, []string{"url"}},
		{"url with query", func(c *Config) { c.URL = "https://api.archives-ouvertes.fr/search/?q=x" }, []string{"url"}},
		{"collection with a slash", func(c *Config) { c.Collection = "UNIV-NANTES/x" }, []string{"collection"}},
		{"empty query", func(c *Config) { c.Query = "  " }, []string{"query"}},
		{"blank filter", func(c *Config) { c.Filters = []string{"docType_s:ART", " "} }, []string{"filters"}},
		{"negative structure", func(c *Config) { c.Structures = []int64{24140, -3} }, []string{"structures"}},
		{"structure twice", func(c *Config) { c.Structures = []int64{24140, 24140} }, []string{"structures"}},
		{"no fields", func(c *Config) { c.Fields = nil }, []string{"fields"}},
		{"bad field", func(c *Config) { c.Fields = []string{"docid", "title_s&wt=xml"} }, []string{"fields"}},
		{"rows 0", func(c *Config) { c.Rows = 0 }, []string{"rows"}},
		{"rows too large", func(c *Config) { c.Rows = 10001 }, []string{"rows"}},
		{"modified field not a date", func(c *Config) { c.ModifiedField = "modifiedDate_s" }, []string{"modified_field"}},
		{"several at once", func(c *Config) { c.URL, c.Query, c.Rows = "mailto:x", "", -1 }, []string{"query", "rows", "url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fieldPaths(t, newConfig(tt.mut).Validate())
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Validate paths %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPageURL(t *testing.T) {
	tests := []struct {
		name, since, cursor string
		mut                 func(*Config)
		wantPath            string
		want                url.Values
	}{
		{
			name: "defaults, first page", cursor: "*",
			wantPath: "/search/",
			want: url.Values{
				"q": {"*:*"}, "fl": {strings.Join(DefaultFields, ",")}, "rows": {"1000"},
				"sort": {"docid asc"}, "wt": {"json"}, "cursorMark": {"*"},
			},
		},
		{
			name: "collection, filters, structures, incremental", since: "2025-10-13T09:14:52Z", cursor: "AoE/x+1=",
			mut: func(c *Config) {
				c.Collection, c.Filters, c.Structures = "UNIV-ANGERS", []string{"docType_s:ART"}, []int64{24140, 301088}
				c.Fields, c.Rows = []string{"title_s"}, 50
			},
			wantPath: "/search/UNIV-ANGERS/",
			want: url.Values{
				"q": {"*:*"}, "fl": {"title_s,docid,modifiedDate_tdate"}, "rows": {"50"},
				"fq":   {"docType_s:ART", "structId_i:(24140 OR 301088)", "modifiedDate_tdate:[2025-10-13T09:14:52Z TO *]"},
				"sort": {"docid asc"}, "wt": {"json"}, "cursorMark": {"AoE/x+1="},
			},
		},
		{
			name: "all fields, other modified field", cursor: "*", since: "2024-01-01T00:00:00Z",
			mut: func(c *Config) {
				c.URL, c.Fields, c.ModifiedField = "https://api.archives-ouvertes.fr/search", []string{"*"}, "submittedDate_tdate"
			},
			wantPath: "/search",
			want: url.Values{
				"q": {"*:*"}, "fl": {"*"}, "rows": {"1000"}, "fq": {"submittedDate_tdate:[2024-01-01T00:00:00Z TO *]"},
				"sort": {"docid asc"}, "wt": {"json"}, "cursorMark": {"*"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newConfig(tt.mut)
			u, err := url.Parse(c.pageURL(tt.since, tt.cursor))
			if err != nil {
				t.Fatal(err)
			}
			if u.Host != "api.archives-ouvertes.fr" || u.Path != tt.wantPath {
				t.Errorf("host %q path %q, want api.archives-ouvertes.fr %q", u.Host, u.Path, tt.wantPath)
			}
			if got := u.Query(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("query %v\nwant  %v", got, tt.want)
			}
		})
	}
}

// replayEnv returns an environment whose HTTP client answers from the
// recordings of the demo.
func replayEnv(t *testing.T, since string) connectors.Env {
	t.Helper()
	env := connectortest.Env(t, connectortest.WithFetchOptions(func(o *fetch.Options) { o.ReplayDir = replayDir }))
	env.Since = since
	return env
}

func openSource(t *testing.T, cfg *Config, env connectors.Env) *source {
	t.Helper()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	src, err := Kind.Open(cfg, env)
	if err != nil {
		t.Fatal(err)
	}
	return src.(*source)
}

// fetchAll runs Fetch and returns the pages, copied.
func fetchAll(t *testing.T, src connectors.Source) ([][]connectors.Record, error) {
	t.Helper()
	var pages [][]connectors.Record
	err := src.Fetch(t.Context(), func(p []connectors.Record) error {
		pages = append(pages, append([]connectors.Record(nil), p...))
		return nil
	})
	return pages, err
}

func byDocID(pages [][]connectors.Record) map[string]connectors.Record {
	m := map[string]connectors.Record{}
	for _, p := range pages {
		for _, r := range p {
			m[fmt.Sprint(r.Fields[FieldDocID])] = r
		}
	}
	return m
}

// TestNoLogger checks that a harvest with no env.Logger logs nowhere
// instead of panicking on its closing "harvest done" line (Fetch logs
// through the logger Open made, without nil checks).
func TestNoLogger(t *testing.T) {
	env := replayEnv(t, "")
	env.Logger = nil
	pages, err := fetchAll(t, openSource(t, pipelineConfig(DefaultURL), env))
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(pages) == 0 {
		t.Error("Fetch emitted no page")
	}
}

// TestRecordedFullHarvest checks the demo's full harvest against values
// read by hand in the recorded bodies (testdata/replay/hal/full-page-*.body).
func TestRecordedFullHarvest(t *testing.T) {
	src := openSource(t, pipelineConfig(DefaultURL), replayEnv(t, ""))
	pages, err := fetchAll(t, src)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	var sizes []int
	for _, p := range pages {
		sizes = append(sizes, len(p))
	}
	if !reflect.DeepEqual(sizes, []int{15, 15, 10}) {
		t.Fatalf("page sizes %v, want [15 15 10]", sizes)
	}
	recs := byDocID(pages)
	tests := []struct {
		docid string
		field string
		want  any
	}{
		// _version_ above 2^53: every digit kept.
		{"3012457", FieldVersion, "1846000315491609153"},
		{"3012457", FieldStructures, []any{json.Number("473973"), json.Number("1041"), json.Number("1100589")}},
		// title_s and doiId_s scalar in one record, arrays in another.
		{"3108834", FieldTitle, "Microalgae cultivation in photobioreactors: scale-up of a continuous process"},
		{"3108834", FieldDOI, "10.1016/j.biortech.2021.124956"},
		{"3012457", FieldDOI, "10.1016/j.mechmachtheory.2020.103912"},
		// structId_i as a single number.
		{"3721433", FieldStructures, []any{json.Number("93263")}},
		// HTML entities decoded.
		{"3301456", FieldTitle, "Microplastiques dans l'estuaire de la Loire : sources & devenir"},
		// first of two titles.
		{"3402977", FieldTitle, "Antennes reconfigurables pour les communications 5G en bande millimétrique"},
		// no title at all.
		{"3478854", FieldTitle, nil},
		// open access: openAccess_bool wins (embargoed file), else submitType_s.
		{"3845117", FieldOpenAccess, false},
		{"3456102", FieldOpenAccess, false},
		{"3025871", FieldOpenAccess, true},
		{"3025871", FieldDOI, nil},
		{"3025871", FieldHalID, "tel-03025871"},
		{"3025871", FieldDocType, "THESE"},
		{"3025871", FieldPublicationYear, json.Number("2020")},
		{"3025871", FieldURI, "https://hal.archives-ouvertes.fr/tel-03025871"},
		{"4502318", FieldModified, "2025-10-13T09:14:52Z"},
	}
	for _, tt := range tests {
		t.Run(tt.docid+"/"+tt.field, func(t *testing.T) {
			r, ok := recs[tt.docid]
			if !ok {
				t.Fatalf("no record with docid %s", tt.docid)
			}
			if got := r.Fields[tt.field]; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s = %#v, want %#v", tt.field, got, tt.want)
			}
		})
	}
	if len(recs) != 40 {
		t.Errorf("%d distinct docids, want 40", len(recs))
	}
	if r := recs["3012457"]; r.Line != 1 {
		t.Errorf("first record Line %d, want 1", r.Line)
	}
	if r := recs["4502318"]; r.Line != 40 {
		t.Errorf("last record Line %d, want 40", r.Line)
	}
	if got := src.Watermark(); got != "2025-10-13T09:14:52Z" {
		t.Errorf("Watermark() = %q, want the greatest modifiedDate_tdate 2025-10-13T09:14:52Z", got)
	}
}

// TestRecordedIncremental runs the demo's incremental harvest: the mark of
// the full harvest gives the recorded filter query (lower bound included)
// and 3 documents: 4502318, modified at the mark itself, again, and the 2
// modified after it.
func TestRecordedIncremental(t *testing.T) {
	tests := []struct {
		name  string
		since string
	}{
		{"mark as given", "2025-10-13T09:14:52Z"},
		{"same instant with an offset", "2025-10-13T11:14:52+02:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := openSource(t, pipelineConfig(DefaultURL), replayEnv(t, tt.since))
			pages, err := fetchAll(t, src)
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			recs := byDocID(pages)
			if len(pages) != 1 || len(recs) != 3 {
				t.Fatalf("%d pages, %d records, want 1 page of 3", len(pages), len(recs))
			}
			if _, ok := recs["4502318"]; !ok {
				t.Error("document 4502318, modified at the mark, missing")
			}
			if got := recs["3456102"].Fields[FieldOpenAccess]; got != true {
				t.Errorf("modified document 3456102: open_access %v, want true", got)
			}
			if _, ok := recs["4518842"]; !ok {
				t.Error("new document 4518842 missing")
			}
			if got := src.Watermark(); got != "2025-10-21T08:30:05Z" {
				t.Errorf("Watermark() = %q, want 2025-10-21T08:30:05Z", got)
			}
		})
	}
}

// page is a scripted answer of the fake search API.
type answer struct {
	status int
	ctype  string
	body   string
}

// fakeAPI serves answers by cursorMark and records the requests.
type fakeAPI struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	answers map[string]answer
	queries []url.Values
}

func newFakeAPI(t *testing.T, answers map[string]answer) *fakeAPI {
	f := &fakeAPI{t: t, answers: answers}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f.mu.Lock()
		f.queries = append(f.queries, q)
		f.mu.Unlock()
		a, ok := f.answers[q.Get("cursorMark")]
		if !ok {
			t.Errorf("unexpected cursorMark %q", q.Get("cursorMark"))
			http.Error(w, "no such page", http.StatusNotFound)
			return
		}
		if a.ctype == "" {
			a.ctype = "application/json; charset=utf-8"
		}
		w.Header().Set("Content-Type", a.ctype)
		if a.status == 0 {
			a.status = http.StatusOK
		}
		w.WriteHeader(a.status)
		w.Write([]byte(a.body))
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) url() string { return f.srv.URL + "/search/" }

// solrPage writes a search answer holding docs (JSON objects) and the
// next cursor.
func solrPage(numFound int, next string, docs ...string) string {
	return fmt.Sprintf(`{"response":{"numFound":%d,"start":0,"docs":[%s]},"nextCursorMark":%q}`, numFound, strings.Join(docs, ","), next)
}

func doc(docid int, modified string) string {
	return fmt.Sprintf(`{"docid":"%d","halId_s":"hal-%08d","title_s":["Titre %d"],"docType_s":"ART","modifiedDate_tdate":%q,"_version_":1846000000000000001}`, docid, docid, docid, modified)
}

func TestPaging(t *testing.T) {
	api := newFakeAPI(t, map[string]answer{
		"*":  {body: solrPage(5, "c1", doc(11, "2024-01-01T00:00:00Z"), doc(12, "2025-03-04T05:06:07.5Z"))},
		"c1": {body: solrPage(5, "c2", doc(13, "2024-06-01T00:00:00Z"), doc(14, "2023-01-01T00:00:00Z"))},
		"c2": {body: solrPage(5, "c3", doc(15, "2024-02-01T00:00:00Z"))},
		"c3": {body: solrPage(5, "c3")},
	})
	cfg := newConfig(func(c *Config) { c.URL, c.Rows = api.url(), 2 })
	src := openSource(t, cfg, connectortest.Env(t))
	pages, err := fetchAll(t, src)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range pages {
		for _, r := range p {
			ids = append(ids, r.Fields[FieldDocID].(string))
		}
	}
	if want := []string{"11", "12", "13", "14", "15"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("docids %v, want %v", ids, want)
	}
	var cursors []string
	for _, q := range api.queries {
		cursors = append(cursors, q.Get("cursorMark"))
		if q.Get("sort") != "docid asc" || q.Get("rows") != "2" || q.Has("fq") {
			t.Errorf("request %v: want sort=docid asc, rows=2 and no fq on a full harvest", q)
		}
	}
	// The third page is short (1 < rows): no request for c3.
	if want := []string{"*", "c1", "c2"}; !reflect.DeepEqual(cursors, want) {
		t.Errorf("cursors sent %v, want %v", cursors, want)
	}
	if got := src.Watermark(); got != "2025-03-04T05:06:07.5Z" {
		t.Errorf("Watermark() = %q, want 2025-03-04T05:06:07.5Z", got)
	}
}

func TestPagingEndsOnRepeatedCursor(t *testing.T) {
	api := newFakeAPI(t, map[string]answer{
		"*":  {body: solrPage(2, "c1", doc(1, "2024-01-01T00:00:00Z"), doc(2, "2024-01-02T00:00:00Z"))},
		"c1": {body: solrPage(2, "c1")},
	})
	src := openSource(t, newConfig(func(c *Config) { c.URL, c.Rows = api.url(), 2 }), connectortest.Env(t))
	pages, err := fetchAll(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || len(api.queries) != 2 {
		t.Errorf("%d pages emitted after %d requests, want 1 page and 2 requests", len(pages), len(api.queries))
	}
}

func TestIncrementalFilter(t *testing.T) {
	tests := []struct {
		name, since, wantFq string
		wantErr             string
	}{
		{"utc", "2025-10-13T09:14:52Z", "modifiedDate_tdate:[2025-10-13T09:14:52Z TO *]", ""},
		{"offset made utc", "2025-10-13T11:14:52+02:00", "modifiedDate_tdate:[2025-10-13T09:14:52Z TO *]", ""},
		{"fraction kept", "2025-10-13T09:14:52.25Z", "modifiedDate_tdate:[2025-10-13T09:14:52.25Z TO *]", ""},
		{"not a date", "hier", "", "not an RFC 3339 date"},
		{"date only", "2025-10-13", "", "not an RFC 3339 date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, map[string]answer{"*": {body: solrPage(0, "*")}})
			env := connectortest.Env(t)
			env.Since = tt.since
			src := openSource(t, newConfig(func(c *Config) { c.URL = api.url() }), env)
			_, err := fetchAll(t, src)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Fetch = %v, want an error with %q", err, tt.wantErr)
				}
				if len(api.queries) != 0 {
					t.Errorf("%d requests made with a bad mark", len(api.queries))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(api.queries) != 1 || !reflect.DeepEqual(api.queries[0]["fq"], []string{tt.wantFq}) {
				t.Errorf("requests %v, want one with fq %q", api.queries, tt.wantFq)
			}
			if got := src.Watermark(); got != "" {
				t.Errorf("Watermark() = %q after an empty harvest, want \"\" (keep the previous mark)", got)
			}
		})
	}
}

func TestWatermarkResetByFailedFetch(t *testing.T) {
	ok := map[string]answer{"*": {body: solrPage(1, "c1", doc(1, "2024-05-06T07:08:09Z"))}}
	api := newFakeAPI(t, ok)
	src := openSource(t, newConfig(func(c *Config) { c.URL = api.url() }), connectortest.Env(t))
	if _, err := fetchAll(t, src); err != nil {
		t.Fatal(err)
	}
	if got := src.Watermark(); got != "2024-05-06T07:08:09Z" {
		t.Fatalf("Watermark() = %q", got)
	}
	api.answers = map[string]answer{"*": {body: `{"response":{"numFound":1,`}}
	if _, err := fetchAll(t, src); err == nil {
		t.Fatal("Fetch of a truncated page = nil")
	}
	if got := src.Watermark(); got != "" {
		t.Errorf("Watermark() = %q after a failed Fetch, want \"\"", got)
	}
}

// truncatedSample is the real answer that its author cut with "...".
func truncatedSample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "samples", "osuny-hal-response-2.json"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFaults(t *testing.T) {
	page1 := solrPage(6, "c1", doc(1, "2024-01-01T00:00:00Z"), doc(2, "2024-01-02T00:00:00Z"))
	tests := []struct {
		name     string
		answers  map[string]answer
		wantPage int
		want     []string // parts of the error
		wantHTTP int      // status of a wrapped *fetch.HTTPError, 0 for none
	}{
		{
			name:     "truncated body on page 2",
			answers:  map[string]answer{"*": {body: page1}, "c1": {body: page1[:len(page1)/2]}},
			wantPage: 2, want: []string{"invalid JSON", "truncated"},
		},
		{
			name:     "real sample truncated by its author",
			answers:  map[string]answer{"*": {body: truncatedSample(t)}},
			wantPage: 1, want: []string{"invalid JSON"},
		},
		{
			name:     "HTML error page with status 200",
			answers:  map[string]answer{"*": {ctype: "text/html; charset=utf-8", body: "<!DOCTYPE html><html><body><h1>Maintenance de HAL</h1></body></html>"}},
			wantPage: 1, want: []string{"HTML page"},
		},
		{
			name:     "HTML announced as JSON",
			answers:  map[string]answer{"*": {body: page1}, "c1": {body: "<html><body>Erreur</body></html>"}},
			wantPage: 2, want: []string{"HTML page"},
		},
		{
			name:     "XML content type",
			answers:  map[string]answer{"*": {ctype: "text/xml; charset=utf-8", body: `<?xml version="1.0"?><response><result numFound="0"/></response>`}},
			wantPage: 1, want: []string{`unexpected Content-Type "text/xml; charset=utf-8"`},
		},
		{
			name:     "empty body",
			answers:  map[string]answer{"*": {body: ""}},
			wantPage: 1, want: []string{"empty body"},
		},
		{
			name: "Solr error with 400",
			answers: map[string]answer{"*": {status: 400, body: `{"error":{"metadata":["error-class","org.apache.solr.common.SolrException"],` +
				`"msg":"undefined field publicationDateY","code":400}}`}},
			wantPage: 1, want: []string{"Solr error 400: undefined field publicationDateY", "HTTP 400"}, wantHTTP: 400,
		},
		{
			name: "Solr error with 400, long trace cut in the snippet",
			answers: map[string]answer{"*": {status: 400, body: `{"error":{"msg":"Cannot parse 'structId_i:(24140': Encountered \"<EOF>\"",` +
				`"trace":"` + strings.Repeat("at org.apache.solr.search.QParser.getQuery(QParser.java:173) ", 20) + `","code":400}}`}},
			wantPage: 1, want: []string{`Solr error: Cannot parse 'structId_i:(24140': Encountered "<EOF>"`}, wantHTTP: 400,
		},
		{
			name:     "Solr error with 200",
			answers:  map[string]answer{"*": {body: `{"error":{"msg":"Cannot parse 'docType_s:(ART'","code":400}}`}},
			wantPage: 1, want: []string{"Solr error 400: Cannot parse"},
		},
		{
			name:     "page repeating the previous one",
			answers:  map[string]answer{"*": {body: page1}, "c1": {body: strings.Replace(page1, `"c1"`, `"c2"`, 1)}},
			wantPage: 2, want: []string{"repeats page 1"},
		},
		{
			name: "overlapping pages",
			answers: map[string]answer{"*": {body: page1}, "c1": {body: solrPage(6, "c2",
				doc(2, "2024-01-02T00:00:00Z"), doc(3, "2024-01-03T00:00:00Z"))}},
			wantPage: 2, want: []string{"docid 2 was already harvested on page 1"},
		},
		{
			name:     "no nextCursorMark",
			answers:  map[string]answer{"*": {body: `{"response":{"numFound":2,"start":0,"docs":[` + doc(1, "2024-01-01T00:00:00Z") + `]}}`}},
			wantPage: 1, want: []string{"no nextCursorMark"},
		},
		{
			name:     "no response object",
			answers:  map[string]answer{"*": {body: `{"responseHeader":{"status":0}}`}},
			wantPage: 1, want: []string{`no "response" object`},
		},
		{
			name: "cursor that never ends",
			answers: func() map[string]answer {
				m := map[string]answer{}
				prev := "*"
				for i := 1; i <= 20; i++ { // 2 announced, rows 2: page 13 is one too many
					next := fmt.Sprintf("c%d", i)
					m[prev] = answer{body: solrPage(2, next, doc(2*i, "2024-01-01T00:00:00Z"), doc(2*i+1, "2024-01-01T00:00:00Z"))}
					prev = next
				}
				return m
			}(),
			wantPage: 13, want: []string{"cursor does not end"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, tt.answers)
			src := openSource(t, newConfig(func(c *Config) { c.URL, c.Rows = api.url(), 2 }), connectortest.Env(t))
			pages, err := fetchAll(t, src)
			if err == nil {
				t.Fatalf("Fetch = nil after %d pages", len(pages))
			}
			msg := err.Error()
			for _, w := range append(tt.want, api.url(), fmt.Sprintf("page %d", tt.wantPage)) {
				if !strings.Contains(msg, w) {
					t.Errorf("Fetch = %v\nwant the error to contain %q", err, w)
				}
			}
			if len(pages) != tt.wantPage-1 {
				t.Errorf("%d pages emitted before the fault on page %d", len(pages), tt.wantPage)
			}
			var he *fetch.HTTPError
			if got := errors.As(err, &he); got != (tt.wantHTTP != 0) || (got && he.Status != tt.wantHTTP) {
				t.Errorf("Fetch = %v; HTTPError wrapped %v, want status %d", err, got, tt.wantHTTP)
			}
			if got := src.Watermark(); got != "" {
				t.Errorf("Watermark() = %q after a failed Fetch", got)
			}
		})
	}
}

// TestNotModified checks conditional GETs: a 304 on the first page is
// ErrUnchanged; a 304 on a later page (the first one changed) makes the
// page be asked again without validators; a body equal to last time's is
// parsed normally.
func TestNotModified(t *testing.T) {
	bodies := map[string]string{
		"*":  solrPage(3, "c1", doc(1, "2024-01-01T00:00:00Z"), doc(2, "2024-01-02T00:00:00Z")),
		"c1": solrPage(3, "c2", doc(3, "2024-01-03T00:00:00Z")),
	}
	tests := []struct {
		name         string
		notModified  map[string]bool // cursors answered 304 when validators are sent
		wantErr      error
		wantRecords  int
		wantRequests int
	}{
		{"first page unchanged", map[string]bool{"*": true, "c1": true}, connectors.ErrUnchanged, 0, 1},
		{"later page unchanged", map[string]bool{"c1": true}, nil, 3, 3},
		{"same bodies, no 304", nil, nil, 3, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			requests := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				requests++
				mu.Unlock()
				c := r.URL.Query().Get("cursorMark")
				etag := `"` + c + `"`
				if r.Header.Get("If-None-Match") == etag && tt.notModified[c] {
					w.WriteHeader(http.StatusNotModified)
					return
				}
				w.Header().Set("ETag", etag)
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(bodies[c]))
			}))
			defer srv.Close()
			cfg := newConfig(func(c *Config) { c.URL, c.Rows = srv.URL+"/search/", 2 })
			prev := func(key string) *fetch.Validators {
				u, _ := url.Parse(strings.TrimPrefix(key, "GET "))
				c := u.Query().Get("cursorMark")
				return &fetch.Validators{ETag: `"` + c + `"`, SHA256: sha(bodies[c])}
			}
			src := openSource(t, cfg, connectortest.Env(t, connectortest.WithPrev(prev)))
			pages, err := fetchAll(t, src)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Fetch = %v, want %v", err, tt.wantErr)
			}
			n := 0
			for _, p := range pages {
				n += len(p)
			}
			if n != tt.wantRecords || requests != tt.wantRequests {
				t.Errorf("%d records after %d requests, want %d after %d", n, requests, tt.wantRecords, tt.wantRequests)
			}
		})
	}
}
