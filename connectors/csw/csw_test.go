package csw

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/connectors/connectortest"
	"github.com/ligerdata/ligerdata/internal/fetch"
)

// getRecords is the part of a GetRecords request body the test server reads.
type getRecords struct {
	XMLName       xml.Name `xml:"http://www.opengis.net/cat/csw/2.0.2 GetRecords"`
	Service       string   `xml:"service,attr"`
	Version       string   `xml:"version,attr"`
	StartPosition int      `xml:"startPosition,attr"`
	MaxRecords    int      `xml:"maxRecords,attr"`
	OutputSchema  string   `xml:"outputSchema,attr"`
	Query         struct {
		TypeNames      string `xml:"typeNames,attr"`
		ElementSetName string `xml:"ElementSetName"`
		CqlText        string `xml:"Constraint>CqlText"`
		SortProperty   string `xml:"SortBy>SortProperty>PropertyName"`
	} `xml:"Query"`
}

// answer is what the test server serves for one request.
type answer struct {
	status      int
	contentType string
	body        string
}

// cswServer serves GetRecords requests with pages(start, max) and records
// the decoded requests.
type cswServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []getRecords
	headers  []http.Header
}

func newCSWServer(t *testing.T, pages func(req getRecords) answer) *cswServer {
	t.Helper()
	s := &cswServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req getRecords
		if r.Method != http.MethodPost || r.URL.Path != cswPath {
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
			http.NotFound(w, r)
			return
		}
		if err := xml.Unmarshal(body, &req); err != nil {
			t.Errorf("request body is not a csw:GetRecords: %v\n%s", err, body)
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.requests = append(s.requests, req)
		s.headers = append(s.headers, r.Header.Clone())
		s.mu.Unlock()
		a := pages(req)
		if a.contentType == "" {
			a.contentType = "application/xml;charset=UTF-8"
		}
		w.Header().Set("Content-Type", a.contentType)
		if a.status == 0 {
			a.status = http.StatusOK
		}
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *cswServer) starts() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int
	for _, r := range s.requests {
		out = append(out, r.StartPosition)
	}
	return out
}

// sheetXML is a minimal ISO 19139 sheet.
func sheetXML(id string) string {
	return `<gmd:MD_Metadata xmlns:gmd="http://www.isotc211.org/2005/gmd" xmlns:gco="http://www.isotc211.org/2005/gco">
      <gmd:fileIdentifier><gco:CharacterString>` + id + `</gco:CharacterString></gmd:fileIdentifier>
      <gmd:identificationInfo><gmd:MD_DataIdentification><gmd:citation><gmd:CI_Citation>
        <gmd:title><gco:CharacterString>Fiche ` + id + `</gco:CharacterString></gmd:title>
      </gmd:CI_Citation></gmd:citation></gmd:MD_DataIdentification></gmd:identificationInfo>
    </gmd:MD_Metadata>`
}

// resultsXML is a GetRecordsResponse holding sheets ids; next < 0 leaves
// nextRecord out.
func resultsXML(matched, next int, stamp string, ids ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<csw:GetRecordsResponse xmlns:csw="http://www.opengis.net/cat/csw/2.0.2">
  <csw:SearchStatus timestamp="` + stamp + `" />
  <csw:SearchResults numberOfRecordsMatched="` + fmt.Sprint(matched) + `" numberOfRecordsReturned="` + fmt.Sprint(len(ids)) + `" elementSet="full"`)
	if next >= 0 {
		b.WriteString(` nextRecord="` + fmt.Sprint(next) + `"`)
	}
	b.WriteString(">\n")
	for _, id := range ids {
		b.WriteString("    " + sheetXML(id) + "\n")
	}
	b.WriteString("  </csw:SearchResults>\n</csw:GetRecordsResponse>\n")
	return b.String()
}

// catalogue answers a well-behaved server with n sheets "id-001"….
func catalogue(n int) func(getRecords) answer {
	return func(req getRecords) answer {
		end := min(req.StartPosition+req.MaxRecords-1, n)
		var ids []string
		for i := req.StartPosition; i <= end; i++ {
			ids = append(ids, fmt.Sprintf("id-%03d", i))
		}
		next := end + 1
		if next > n {
			next = 0
		}
		return answer{body: resultsXML(n, next, fmt.Sprintf("2025-03-03T05:12:%02d Z", req.StartPosition%60), ids...)}
	}
}

func openSource(t *testing.T, url string, set func(*Config), opts ...connectortest.EnvOption) connectors.Source {
	t.Helper()
	cfg := Kind.NewConfig().(*Config)
	cfg.URL = url
	if set != nil {
		set(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	src, err := Kind.Open(cfg, connectortest.Env(t, opts...))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func collect(ctx context.Context, src connectors.Source) ([]connectors.Record, int, error) {
	var out []connectors.Record
	pages := 0
	err := src.Fetch(ctx, func(p []connectors.Record) error {
		pages++
		out = append(out, p...)
		return nil
	})
	return out, pages, err
}

func ids(recs []connectors.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, fmt.Sprint(r.Fields["identifier"]))
	}
	return out
}

func TestPagingStops(t *testing.T) {
	tests := []struct {
		name       string
		pageSize   int
		maxRecords int
		pages      func(getRecords) answer
		wantStarts []int
		wantIDs    int
	}{
		{
			name: "nextRecord 0 ends the harvest", pageSize: 2,
			pages:      catalogue(5),
			wantStarts: []int{1, 3, 5}, wantIDs: 5,
		},
		{
			name: "nextRecord beyond numberOfRecordsMatched", pageSize: 2,
			pages: func(req getRecords) answer {
				if req.StartPosition == 1 {
					return answer{body: resultsXML(4, 3, "t1", "a", "b")}
				}
				return answer{body: resultsXML(4, 5, "t2", "c", "d")} // last page, next = matched+1
			},
			wantStarts: []int{1, 3}, wantIDs: 4,
		},
		{
			name: "nextRecord going backwards", pageSize: 2,
			pages: func(req getRecords) answer {
				if req.StartPosition == 1 {
					return answer{body: resultsXML(10, 3, "t1", "a", "b")}
				}
				return answer{body: resultsXML(10, 1, "t2", "c", "d")}
			},
			wantStarts: []int{1, 3}, wantIDs: 4,
		},
		{
			name: "nextRecord not advancing", pageSize: 2,
			pages: func(req getRecords) answer {
				return answer{body: resultsXML(10, 1, "t1", "a", "b")}
			},
			wantStarts: []int{1}, wantIDs: 2,
		},
		{
			name: "empty page", pageSize: 2,
			pages: func(req getRecords) answer {
				if req.StartPosition == 1 {
					return answer{body: resultsXML(10, 3, "t1", "a", "b")}
				}
				return answer{body: resultsXML(10, 5, "t2")}
			},
			wantStarts: []int{1, 3}, wantIDs: 2,
		},
		{
			name: "no nextRecord: go on within the matched count", pageSize: 2,
			pages: func(req getRecords) answer {
				switch req.StartPosition {
				case 1:
					return answer{body: resultsXML(3, -1, "t1", "a", "b")}
				case 3:
					return answer{body: resultsXML(3, -1, "t2", "c")}
				}
				t.Errorf("unexpected startPosition %d", req.StartPosition)
				return answer{status: http.StatusBadRequest}
			},
			wantStarts: []int{1, 3}, wantIDs: 3,
		},
		{
			name: "max_records caps the harvest", pageSize: 10, maxRecords: 15,
			pages:      catalogue(40),
			wantStarts: []int{1, 11}, wantIDs: 15,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newCSWServer(t, tc.pages)
			src := openSource(t, srv.URL+cswPath, func(c *Config) { c.PageSize = tc.pageSize; c.MaxRecords = tc.maxRecords })
			recs, _, err := collect(t.Context(), src)
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if got := srv.starts(); fmt.Sprint(got) != fmt.Sprint(tc.wantStarts) {
				t.Errorf("startPositions requested = %v, want %v", got, tc.wantStarts)
			}
			if len(recs) != tc.wantIDs {
				t.Errorf("emitted %d records (%v), want %d", len(recs), ids(recs), tc.wantIDs)
			}
			seen := map[string]bool{}
			for _, id := range ids(recs) {
				if seen[id] {
					t.Errorf("identifier %s emitted twice", id)
				}
				seen[id] = true
			}
			if tc.maxRecords > 0 {
				last := srv.requests[len(srv.requests)-1]
				if last.MaxRecords != tc.maxRecords-(len(srv.requests)-1)*tc.pageSize {
					t.Errorf("last request asked maxRecords=%d, want what is left under the cap", last.MaxRecords)
				}
			}
		})
	}
}

func TestRequestBody(t *testing.T) {
	srv := newCSWServer(t, catalogue(3))
	constraint := `type = 'dataset' AND title LIKE '%<eau & "zones">%'`
	src := openSource(t, srv.URL+cswPath, func(c *Config) { c.PageSize = 2; c.Constraint = constraint })
	recs, pages, err := collect(t.Context(), src)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || pages != 2 {
		t.Fatalf("got %d records in %d pages, want 3 in 2", len(recs), pages)
	}
	for i, r := range recs {
		if r.Line != i+1 {
			t.Errorf("record %d has Line %d, want its position %d", i, r.Line, i+1)
		}
	}
	for i, req := range srv.requests {
		if req.Service != "CSW" || req.Version != "2.0.2" || req.OutputSchema != SchemaGMD || req.MaxRecords != 2 {
			t.Errorf("request %d: service %q version %q outputSchema %q maxRecords %d", i, req.Service, req.Version, req.OutputSchema, req.MaxRecords)
		}
		if req.Query.TypeNames != "gmd:MD_Metadata" || req.Query.ElementSetName != "full" || req.Query.SortProperty != "apiso:identifier" {
			t.Errorf("request %d: query %+v", i, req.Query)
		}
		if req.Query.CqlText != constraint {
			t.Errorf("request %d: CqlText %q, want %q", i, req.Query.CqlText, constraint)
		}
		if ct := srv.headers[i].Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
			t.Errorf("request %d: Content-Type %q", i, ct)
		}
	}
}

// pageOne is a valid first page of a 4-sheet catalogue in pages of 2.
var pageOne = resultsXML(4, 3, "t1", "a", "b")

func TestFaults(t *testing.T) {
	truncated := resultsXML(4, 0, "t2", "c", "d")
	tests := []struct {
		name string
		page answer
		want string // in the error, besides page and URL
	}{
		{"truncated body", answer{body: truncated[:len(truncated)/2]}, "invalid XML"},
		{"HTML error page served with 200", answer{contentType: "text/html; charset=utf-8", body: "<!DOCTYPE html><html><body><h1>Erreur</h1></body></html>"}, "HTML"},
		{"HTML page labelled as XML", answer{body: "<html><head><title>Maintenance</title></head><body>GeoNetwork est en maintenance</body></html>"}, "HTML"},
		{"invalid XML", answer{body: `<?xml version="1.0"?><csw:GetRecordsResponse xmlns:csw="http://www.opengis.net/cat/csw/2.0.2"><csw:SearchResults numberOfRecordsMatched="4"><gmd:MD_Metadata>`}, "invalid XML"},
		{"wrong content type", answer{contentType: "application/json", body: `{"error":"no"}`}, "Content-Type"},
		{"empty body", answer{body: ""}, "empty body"},
		{"exception report", answer{body: `<?xml version="1.0" encoding="UTF-8"?>
<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows" version="1.2.0">
  <ows:Exception exceptionCode="InvalidParameterValue" locator="startPosition">
    <ows:ExceptionText>startPosition 3 is greater than the number of matches</ows:ExceptionText>
  </ows:Exception>
</ows:ExceptionReport>`}, "InvalidParameterValue (locator startPosition): startPosition 3 is greater than the number of matches"},
		{"no SearchResults", answer{body: `<csw:GetRecordsResponse xmlns:csw="http://www.opengis.net/cat/csw/2.0.2"><csw:SearchStatus timestamp="t"/></csw:GetRecordsResponse>`}, "no csw:SearchResults"},
		{"other root element", answer{body: `<rss version="2.0"><channel/></rss>`}, "not a csw:GetRecordsResponse"},
		{"page repeating the previous one", answer{body: pageOne}, "repeats page 1"},
		{"same identifiers in another body", answer{body: resultsXML(4, 0, "t9", "a", "b")}, "repeats page 1"},
		{"server error", answer{status: http.StatusInternalServerError, body: "java.lang.NullPointerException"}, "HTTP 500"},
	}
	for _, tc := range tests {
		t.Run(tc.name+" on page 2", func(t *testing.T) {
			srv := newCSWServer(t, func(req getRecords) answer {
				if req.StartPosition == 1 {
					return answer{body: pageOne}
				}
				return tc.page
			})
			src := openSource(t, srv.URL+cswPath, func(c *Config) { c.PageSize = 2 })
			recs, _, err := collect(t.Context(), src)
			if err == nil {
				t.Fatalf("Fetch = nil, emitted %v", ids(recs))
			}
			for _, want := range []string{tc.want, "page 2", "startPosition 3", srv.URL + cswPath} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Fetch = %v; want %q in the error", err, want)
				}
			}
			if got := ids(recs); fmt.Sprint(got) != "[a b]" {
				t.Errorf("emitted %v, want only page 1's [a b]", got)
			}
		})
		if strings.HasPrefix(tc.name, "page repeating") || strings.HasPrefix(tc.name, "same identifiers") {
			continue
		}
		t.Run(tc.name+" on page 1", func(t *testing.T) {
			srv := newCSWServer(t, func(getRecords) answer { return tc.page })
			src := openSource(t, srv.URL+cswPath, func(c *Config) { c.PageSize = 2 })
			recs, _, err := collect(t.Context(), src)
			if err == nil {
				t.Fatal("Fetch = nil")
			}
			if len(recs) > 0 {
				t.Errorf("emitted %d records from a faulty first page", len(recs))
			}
			for _, want := range []string{tc.want, "page 1", srv.URL + cswPath} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Fetch = %v; want %q in the error", err, want)
				}
			}
		})
	}
}

func TestExceptionReportIsTyped(t *testing.T) {
	srv := newCSWServer(t, func(getRecords) answer {
		return answer{body: `<ExceptionReport xmlns="http://www.opengis.net/ows/1.1"><Exception exceptionCode="NoApplicableCode"><ExceptionText>Lucene index locked</ExceptionText></Exception></ExceptionReport>`}
	})
	_, _, err := collect(t.Context(), openSource(t, srv.URL+cswPath, nil))
	var ee *ExceptionError
	if !errors.As(err, &ee) {
		t.Fatalf("Fetch = %v, want an *ExceptionError", err)
	}
	if ee.Code != "NoApplicableCode" || ee.Text != "Lucene index locked" {
		t.Errorf("ExceptionError = %+v", ee)
	}
}

func TestConditionalFirstPage(t *testing.T) {
	const etag = `"gn-4f2a"`
	tests := []struct {
		name   string
		status int // answered when If-None-Match is the previous ETag
	}{
		{"304 Not Modified", http.StatusNotModified},
		{"412 Precondition Failed", http.StatusPreconditionFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var inm []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				inm = append(inm, r.Header.Get("If-None-Match"))
				mu.Unlock()
				if r.Header.Get("If-None-Match") == etag {
					w.WriteHeader(tc.status)
					return
				}
				w.Header().Set("Content-Type", "application/xml")
				w.Header().Set("ETag", etag)
				io.WriteString(w, resultsXML(2, 0, "t", "a", "b"))
			}))
			defer srv.Close()
			prev := func(key string) *fetch.Validators {
				if !strings.HasPrefix(key, "POST "+srv.URL+cswPath+" sha256:") {
					t.Errorf("Prev asked for key %q", key)
				}
				return &fetch.Validators{ETag: etag}
			}
			src := openSource(t, srv.URL+cswPath, nil, connectortest.WithPrev(prev))
			recs, _, err := collect(t.Context(), src)
			if !errors.Is(err, connectors.ErrUnchanged) {
				t.Fatalf("Fetch = %v, want ErrUnchanged", err)
			}
			if len(recs) > 0 {
				t.Errorf("emitted %d records", len(recs))
			}
			if len(inm) != 1 || inm[0] != etag {
				t.Errorf("If-None-Match sent: %q", inm)
			}
		})
	}
}

func TestUnchangedBodyStillEmitted(t *testing.T) {
	body := resultsXML(2, 0, "t", "a", "b")
	srv := newCSWServer(t, func(getRecords) answer { return answer{body: body} })
	// The previous run saw the same bytes: the client reports Unchanged
	// with the body, which must be read as usual.
	sum := fmt.Sprintf("%x", sha256.Sum256([]byte(body)))
	prev := func(string) *fetch.Validators { return &fetch.Validators{SHA256: sum} }
	recs, _, err := collect(t.Context(), openSource(t, srv.URL+cswPath, nil, connectortest.WithPrev(prev)))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids(recs)) != "[a b]" {
		t.Errorf("emitted %v, want [a b]", ids(recs))
	}
}

// TestGeopalReplay reads the demo recordings through the replay client,
// which checks that gen.go hashed the very bodies the connector sends.
func TestGeopalReplay(t *testing.T) {
	src := openSource(t, "https://www.geopal.org/geonetwork/srv/fre/csw", func(c *Config) { c.PageSize = 10 },
		connectortest.WithFetchOptions(func(o *fetch.Options) { o.ReplayDir = "../../testdata/replay/geopal-csw" }))
	recs, pages, err := collect(t.Context(), src)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 25 || pages != 3 {
		t.Fatalf("got %d records in %d pages, want 25 in 3", len(recs), pages)
	}
	got := ids(recs)
	for i := 1; i < len(got); i++ {
		if got[i-1] >= got[i] {
			t.Errorf("identifiers not in ascending order: %s then %s", got[i-1], got[i])
		}
	}
	byTitle := map[string]map[string]any{}
	untitled := 0
	for _, r := range recs {
		title, _ := r.Fields["title"].(string)
		if title == "" {
			untitled++
		}
		byTitle[title] = r.Fields
	}
	if untitled != 1 {
		t.Errorf("%d sheets without a title, want the 1 planted", untitled)
	}
	haies := byTitle["Haies bocagères de la Mayenne"]
	if haies == nil {
		t.Fatal("no sheet « Haies bocagères de la Mayenne » (page 2 declares ISO-8859-15 but is UTF-8)")
	}
	if haies["bbox_repaired"] != true || haies["bbox_west"] != json.Number("-1.2384") || haies["bbox_east"] != json.Number("-0.0496") {
		t.Errorf("swapped box: repaired %v west %v east %v", haies["bbox_repaired"], haies["bbox_west"], haies["bbox_east"])
	}
	// Page 3 is encoded in ISO-8859-15.
	found := false
	for title := range byTitle {
		if strings.Contains(title, "BD TOPAGE®") {
			found = true
		}
		if strings.ContainsRune(title, '\uFFFD') || strings.Contains(title, "Ã") {
			t.Errorf("badly decoded title %q", title)
		}
	}
	if !found {
		t.Error("no sheet « Cours d'eau de la BD TOPAGE® … » decoded from page 3")
	}
	wms := byTitle["Service de visualisation WMS de GEOPAL"]
	if wms["hierarchy_level"] != "service" || wms["wms_url"] == nil || wms["wfs_url"] != nil {
		t.Errorf("service sheet: level %v wms %v wfs %v", wms["hierarchy_level"], wms["wms_url"], wms["wfs_url"])
	}
}

func TestEmitErrorAndCancellationBetweenPages(t *testing.T) {
	srv := newCSWServer(t, catalogue(6))
	src := openSource(t, srv.URL+cswPath, func(c *Config) { c.PageSize = 2 })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	calls := 0
	err := src.Fetch(ctx, func([]connectors.Record) error {
		calls++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("Fetch = %v after %d emits, want context.Canceled after 1", err, calls)
	}
	if n := len(srv.starts()); n != 1 {
		t.Errorf("%d requests after cancellation in the first emit, want 1", n)
	}
}
