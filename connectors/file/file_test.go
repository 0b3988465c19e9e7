package file

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/connectors/connectortest"
	"github.com/ligerdata/ligerdata/internal/fetch"
)

const (
	replayDir   = "testdata/replay"
	extractPath = "/fr/datasets/r/lieux-mediation-numerique-pays-de-la-loire.csv"
)

func newConfig(mut func(*Config)) *Config {
	c := Kind.NewConfig().(*Config)
	if mut != nil {
		mut(c)
	}
	return c
}

func TestConformance(t *testing.T) {
	connectortest.Run(t, connectortest.Options{
		Kind: Kind,
		Config: func(baseURL string) connectors.Config {
			return newConfig(func(c *Config) { c.URL = baseURL + extractPath })
		},
		Replay: replayDir,
		Golden: "testdata/lieux-pdl-extrait.golden.json",
		BadConfigs: []connectortest.BadConfig{
			{Name: "neither url nor path", Config: newConfig(nil), WantPaths: []string{"url"}},
			{Name: "everything wrong", Config: newConfig(func(c *Config) {
				c.URL, c.Format, c.Delimiter, c.Encoding, c.RecordsPath, c.PageSize = "ftp://example.org/x.csv", "xml", ";;", "ebcdic", "results", 0
			}), WantPaths: []string{"url", "format", "delimiter", "encoding", "records_path", "page_size"}},
		},
		MinRecords: 5,
		Key:        func(r connectors.Record) string { s, _ := r.Fields["id"].(string); return s },
	})
}

// openSource opens the file source on cfg in a test environment built
// with opts.
func openSource(t *testing.T, cfg *Config, opts ...connectortest.EnvOption) connectors.Source {
	t.Helper()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	src, err := Kind.Open(cfg, connectortest.Env(t, opts...))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// fetchPages runs Fetch and returns the pages, copied.
func fetchPages(t *testing.T, src connectors.Source) ([][]connectors.Record, error) {
	t.Helper()
	var pages [][]connectors.Record
	err := src.Fetch(t.Context(), func(page []connectors.Record) error {
		pages = append(pages, append([]connectors.Record(nil), page...))
		return nil
	})
	return pages, err
}

func flatten(pages [][]connectors.Record) []connectors.Record {
	var out []connectors.Record
	for _, p := range pages {
		out = append(out, p...)
	}
	return out
}

// serveBody serves body with ctype at /data and returns its URL.
func serveBody(t *testing.T, ctype string, body []byte) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/data"
}

// fetchBody serves body and fetches it with cfg (its URL set).
func fetchBody(t *testing.T, cfg *Config, ctype string, body []byte) ([]connectors.Record, error) {
	t.Helper()
	cfg.URL = serveBody(t, ctype, body)
	pages, err := fetchPages(t, openSource(t, cfg))
	return flatten(pages), err
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		mut  func(*Config)
		want []string // paths of the FieldErrors, sorted
	}{
		{"url ok", func(c *Config) { c.URL = "https://www.data.gouv.fr/fr/datasets/r/x" }, nil},
		{"path ok", func(c *Config) { c.Path = "exports/lieux.csv" }, nil},
		{"json with records_path ok", func(c *Config) { c.Path, c.Format, c.RecordsPath = "x.json", "json", "results.items" }, nil},
		{"tab delimiter ok", func(c *Config) { c.Path, c.Delimiter = "x.tsv", `\t` }, nil},
		{"windows-1252 ok", func(c *Config) { c.Path, c.Encoding = "x.csv", "Windows-1252" }, nil},
		{"neither url nor path", nil, []string{"url"}},
		{"url and path both", func(c *Config) { c.URL, c.Path = "https://example.org/x.csv", "x.csv" }, []string{"path"}},
		{"ftp scheme", func(c *Config) { c.URL = "ftp://example.org/x.csv" }, []string{"url"}},
		{"url without host", func(c *Config) { c.URL = "https:///x.csv" }, []string{"url"}},
		{"bad format", func(c *Config) { c.Path, c.Format = "x.xml", "xml" }, []string{"format"}},
		{"two-character delimiter", func(c *Config) { c.Path, c.Delimiter = "x.csv", ";;" }, []string{"delimiter"}},
		{"quote delimiter", func(c *Config) { c.Path, c.Delimiter = "x.csv", `"` }, []string{"delimiter"}},
		{"empty delimiter", func(c *Config) { c.Path, c.Delimiter = "x.csv", "" }, []string{"delimiter"}},
		{"unknown encoding", func(c *Config) { c.Path, c.Encoding = "x.csv", "ebcdic" }, []string{"encoding"}},
		{"records_path on csv", func(c *Config) { c.Path, c.RecordsPath = "x.csv", "results" }, []string{"records_path"}},
		{"page_size 0", func(c *Config) { c.Path, c.PageSize = "x.csv", 0 }, []string{"page_size"}},
		{"page_size too large", func(c *Config) { c.Path, c.PageSize = "x.csv", 100001 }, []string{"page_size"}},
		{"negative max_bytes", func(c *Config) { c.Path, c.MaxBytes = "x.csv", -1 }, []string{"max_bytes"}},
		{"all at once", func(c *Config) {
			c.URL, c.Path, c.Format, c.Delimiter, c.Encoding, c.RecordsPath, c.PageSize = "https://example.org/x.csv", "x.csv", "xls", "", "utf-16", "a.b", -1
		}, []string{"delimiter", "encoding", "format", "page_size", "path", "records_path"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := newConfig(tt.mut).Validate()
			var got []string
			for _, e := range leaves(err) {
				var fe *connectors.FieldError
				if !errors.As(e, &fe) {
					t.Errorf("error %q is a %T, want *connectors.FieldError", e, e)
					continue
				}
				if fe.Msg == "" {
					t.Errorf("FieldError on %q has no message", fe.Path)
				}
				got = append(got, fe.Path)
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Validate() = %v; paths %q, want %q", err, got, tt.want)
			}
		})
	}
}

// leaves returns the errors joined in err.
func leaves(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// TestRecordedExtract checks the records of the recorded export against
// values read by hand in the CSV.
func TestRecordedExtract(t *testing.T) {
	recs, err := func() ([]connectors.Record, error) {
		body, err := os.ReadFile(filepath.Join(replayDir, "lieux-pdl-extrait.csv"))
		if err != nil {
			t.Fatal(err)
		}
		return fetchBody(t, newConfig(nil), "text/csv; charset=utf-8", body)
	}()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 {
		t.Fatalf("%d records, want 5", len(recs))
	}
	for i, r := range recs {
		if r.Line != i+2 {
			t.Errorf("record %d: Line %d, want %d", i, r.Line, i+2)
		}
		if len(r.Fields) != 32 {
			t.Errorf("record %d: %d fields, want the 32 columns of the header", i, len(r.Fields))
		}
		if _, bad := r.Fields[connectors.ErrorField]; bad {
			t.Errorf("record %d: unexpected %s %v", i, connectors.ErrorField, r.Fields[connectors.ErrorField])
		}
	}
	want := map[string]any{
		"id": "pdl-0001", "nom": "Espace public numérique de Nantes", "commune": "Nantes",
		"code_insee": "44109", "latitude": "47.21972", "complement_adresse": "",
		// unquoted column names in the header
		"formations_labels": "", "modalites_acces": "Téléphoner|Contacter par mail",
	}
	for k, v := range want {
		if got := recs[0].Fields[k]; got != v {
			t.Errorf("record 0 field %q = %#v, want %#v", k, got, v)
		}
	}
	if got := recs[4].Fields["id"]; got != "pdl-0005" {
		t.Errorf("record 4 id = %#v, want pdl-0005", got)
	}
}

func TestCSV(t *testing.T) {
	tests := []struct {
		name  string
		mut   func(*Config)
		ctype string
		body  string
		want  []connectors.Record // fields compared whole; ErrorField only for presence
	}{
		{
			name: "bare quote in the middle",
			body: "id,nom\n1,Alpha\n2,Be\"ta\n3,Gamma\n",
			want: []connectors.Record{
				{Line: 2, Fields: map[string]any{"id": "1", "nom": "Alpha"}},
				{Line: 3, Fields: map[string]any{connectors.ErrorField: ""}},
				{Line: 4, Fields: map[string]any{"id": "3", "nom": "Gamma"}},
			},
		},
		{
			name: "quoted field across lines, then a bare quote",
			body: "id,nom\n1,\"Al\npha\"\n2,x\"y\n3,Gamma\n",
			want: []connectors.Record{
				{Line: 2, Fields: map[string]any{"id": "1", "nom": "Al\npha"}},
				{Line: 4, Fields: map[string]any{connectors.ErrorField: ""}},
				{Line: 5, Fields: map[string]any{"id": "3", "nom": "Gamma"}},
			},
		},
		{
			name: "short row",
			body: "id,nom,commune\n1,Alpha,Nantes\n2,Beta\n3,Gamma,Angers\n",
			want: []connectors.Record{
				{Line: 2, Fields: map[string]any{"id": "1", "nom": "Alpha", "commune": "Nantes"}},
				{Line: 3, Fields: map[string]any{"id": "2", "nom": "Beta", connectors.ErrorField: ""}},
				{Line: 4, Fields: map[string]any{"id": "3", "nom": "Gamma", "commune": "Angers"}},
			},
		},
		{
			name: "extra cells",
			body: "id,nom\n1,Alpha,x,y\n2,Beta\n",
			want: []connectors.Record{
				{Line: 2, Fields: map[string]any{"id": "1", "nom": "Alpha", connectors.ExtraFieldPrefix + "3": "x", connectors.ExtraFieldPrefix + "4": "y"}},
				{Line: 3, Fields: map[string]any{"id": "2", "nom": "Beta"}},
			},
		},
		{
			name: "header names trimmed, blank lines skipped, CRLF",
			body: "id , nom\r\n\r\n1,Alpha\r\n\r\n2,Beta\r\n",
			want: []connectors.Record{
				{Line: 3, Fields: map[string]any{"id": "1", "nom": "Alpha"}},
				{Line: 5, Fields: map[string]any{"id": "2", "nom": "Beta"}},
			},
		},
		{
			name: "semicolon, BOM, utf-8",
			mut:  func(c *Config) { c.Delimiter = ";" },
			body: "\xef\xbb\xbfid;commune\n1;Besné\n",
			want: []connectors.Record{{Line: 2, Fields: map[string]any{"id": "1", "commune": "Besné"}}},
		},
		{
			name: "semicolon, BOM, windows-1252",
			mut:  func(c *Config) { c.Delimiter, c.Encoding = ";", "windows-1252" },
			body: "\xef\xbb\xbfid;commune;prix\n1;Besn\xe9;5 \x80\n2;Pr\xe9failles;\n",
			want: []connectors.Record{
				{Line: 2, Fields: map[string]any{"id": "1", "commune": "Besné", "prix": "5 €"}},
				{Line: 3, Fields: map[string]any{"id": "2", "commune": "Préfailles", "prix": ""}},
			},
		},
		{
			name: "tab, iso-8859-15",
			mut:  func(c *Config) { c.Delimiter, c.Encoding = `\t`, "iso-8859-15" },
			body: "id\tcommune\n1\tSaint-Herblain \xa4\n",
			want: []connectors.Record{{Line: 2, Fields: map[string]any{"id": "1", "commune": "Saint-Herblain €"}}},
		},
		{
			name: "header only",
			body: "id,nom\n",
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctype := tt.ctype
			if ctype == "" {
				ctype = "text/csv"
			}
			got, err := fetchBody(t, newConfig(tt.mut), ctype, []byte(tt.body))
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			compareRecords(t, got, tt.want)
		})
	}
}

// compareRecords compares records; a wanted ErrorField only needs to be
// present with a non-empty message.
func compareRecords(t *testing.T, got, want []connectors.Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d records, want %d: %v", len(got), len(want), got)
	}
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		if g.Line != w.Line {
			t.Errorf("record %d: Line %d, want %d", i, g.Line, w.Line)
		}
		gf := map[string]any{}
		for k, v := range g.Fields {
			gf[k] = v
		}
		if _, wantErr := w.Fields[connectors.ErrorField]; wantErr {
			msg, _ := gf[connectors.ErrorField].(string)
			if msg == "" {
				t.Errorf("record %d (line %d): no %s message in %v", i, g.Line, connectors.ErrorField, g.Fields)
			}
			gf[connectors.ErrorField] = ""
		}
		if !reflect.DeepEqual(gf, w.Fields) {
			t.Errorf("record %d (line %d): fields %#v, want %#v", i, g.Line, g.Fields, w.Fields)
		}
	}
}

func TestJSON(t *testing.T) {
	tests := []struct {
		name        string
		recordsPath string
		body        string
		want        []connectors.Record
		wantErr     string // part of the error; "" for none
	}{
		{
			name: "top-level array",
			body: `[{"id": 1, "nom": "Alpha"}, {"id": 2.50, "ok": true, "tags": ["a"], "x": null}]`,
			want: []connectors.Record{
				{Line: 1, Fields: map[string]any{"id": json.Number("1"), "nom": "Alpha"}},
				{Line: 2, Fields: map[string]any{"id": json.Number("2.50"), "ok": true, "tags": []any{"a"}, "x": nil}},
			},
		},
		{
			name:        "records_path and a non-object element",
			recordsPath: "result.records",
			body:        `{"total": 3, "result": {"records": [{"id": "a"}, "oops", {"id": "c"}]}}`,
			want: []connectors.Record{
				{Line: 1, Fields: map[string]any{"id": "a"}},
				{Line: 2, Fields: map[string]any{connectors.ErrorField: ""}},
				{Line: 3, Fields: map[string]any{"id": "c"}},
			},
		},
		{name: "empty array", body: `[]`},
		{name: "object, not an array", body: `{"records": []}`, wantErr: "expected an array"},
		{name: "records_path to an object", recordsPath: "result", body: `{"result": {"id": 1}}`, wantErr: "expected an array"},
		{name: "records_path key missing", recordsPath: "result.rows", body: `{"result": {"records": []}}`, wantErr: `no key "rows"`},
		{name: "records_path through an array", recordsPath: "result.records", body: `{"result": [1]}`, wantErr: "not inside an object"},
		{name: "invalid JSON", body: `[{"id": 1},`, wantErr: "invalid JSON"},
		{name: "a second document after the array", body: "[{\"id\": 1}]\n[{\"id\": 2}]\n", wantErr: "after the JSON document"},
		{name: "white space after the array", body: "[{\"id\": 1}]\n\n", want: []connectors.Record{{Line: 1, Fields: map[string]any{"id": json.Number("1")}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := newConfig(func(c *Config) { c.Format, c.RecordsPath = "json", tt.recordsPath })
			got, err := fetchBody(t, cfg, "application/json", []byte(tt.body))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), cfg.URL) {
					t.Fatalf("Fetch = %v, want an error with %q and the URL", err, tt.wantErr)
				}
				if len(got) > 0 {
					t.Errorf("emitted %d records before the error", len(got))
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			compareRecords(t, got, tt.want)
		})
	}
}

func TestLocalPath(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "exports"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "exports", "lieux.csv"), []byte("id,commune\n1,Nantes\n2,Angers\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := []connectors.Record{
		{Line: 2, Fields: map[string]any{"id": "1", "commune": "Nantes"}},
		{Line: 3, Fields: map[string]any{"id": "2", "commune": "Angers"}},
	}
	t.Run("relative to env.Dir", func(t *testing.T) {
		pages, err := fetchPages(t, openSource(t, newConfig(func(c *Config) { c.Path = "exports/lieux.csv" }), connectortest.WithDir(dir)))
		if err != nil {
			t.Fatal(err)
		}
		compareRecords(t, flatten(pages), want)
	})
	t.Run("absolute", func(t *testing.T) {
		abs := filepath.Join(dir, "exports", "lieux.csv")
		pages, err := fetchPages(t, openSource(t, newConfig(func(c *Config) { c.Path = abs }), connectortest.WithDir(t.TempDir())))
		if err != nil {
			t.Fatal(err)
		}
		compareRecords(t, flatten(pages), want)
	})
	t.Run("missing", func(t *testing.T) {
		_, err := fetchPages(t, openSource(t, newConfig(func(c *Config) { c.Path = "exports/absent.csv" }), connectortest.WithDir(dir)))
		if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "absent.csv") {
			t.Fatalf("Fetch = %v, want a not-exist error naming the file", err)
		}
	})
}

// TestOpen checks what Open accepts: a local path needs no HTTP client, a
// url does, and a configuration that does not validate is refused.
func TestOpen(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lieux.csv"), []byte("id\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cfg     connectors.Config
		env     connectors.Env
		wantErr string // prefix of the error; "" when Open must succeed
		noHTTP  bool   // the error wraps connectors.ErrNoHTTP
	}{
		{name: "local path without HTTP client", cfg: newConfig(func(c *Config) { c.Path = "lieux.csv" }), env: connectors.Env{Dir: dir}},
		{name: "url without HTTP client", cfg: newConfig(func(c *Config) { c.URL = "https://data.example/lieux.csv" }),
			wantErr: "file: open: url https://data.example/lieux.csv: no HTTP client", noHTTP: true},
		{name: "neither url nor path", cfg: newConfig(nil), env: connectors.Env{Dir: dir},
			wantErr: "file: open: url: give url or path"},
		{name: "invalid local path config", cfg: newConfig(func(c *Config) { c.Path, c.Format = "lieux.csv", "xml" }), env: connectors.Env{Dir: dir},
			wantErr: "file: open: format: must be csv or json"},
		{name: "nil configuration", cfg: (*Config)(nil), wantErr: "file: open: configuration is *file.Config, want *file.Config"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := Kind.Open(tc.cfg, tc.env)
			if tc.wantErr != "" {
				if err == nil || src != nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Fatalf("Open = %v, %v; want nil and an error starting with %q", src, err, tc.wantErr)
				}
				if got := errors.Is(err, connectors.ErrNoHTTP); got != tc.noHTTP {
					t.Errorf("errors.Is(%q, ErrNoHTTP) = %v, want %v", err, got, tc.noHTTP)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			pages, err := fetchPages(t, src)
			if err != nil {
				t.Fatal(err)
			}
			compareRecords(t, flatten(pages), []connectors.Record{{Line: 2, Fields: map[string]any{"id": "1"}}})
		})
	}
}

func TestPageSize(t *testing.T) {
	csvBody := "id\n1\n2\n3\n4\n5\n"
	jsonBody := `[{"id":1},{"id":2},{"id":3},{"id":4},{"id":5}]`
	tests := []struct {
		name, format, body string
		pageSize           int
		wantSizes          []int
		firstLine          int
	}{
		{"csv by 2", "csv", csvBody, 2, []int{2, 2, 1}, 2},
		{"csv by 5", "csv", csvBody, 5, []int{5}, 2},
		{"csv by 1000", "csv", csvBody, 1000, []int{5}, 2},
		{"json by 2", "json", jsonBody, 2, []int{2, 2, 1}, 1},
		{"json by 1", "json", jsonBody, 1, []int{1, 1, 1, 1, 1}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := newConfig(func(c *Config) { c.Format, c.PageSize = tt.format, tt.pageSize })
			cfg.URL = serveBody(t, "text/plain", []byte(tt.body))
			pages, err := fetchPages(t, openSource(t, cfg))
			if err != nil {
				t.Fatal(err)
			}
			var sizes []int
			for _, p := range pages {
				sizes = append(sizes, len(p))
			}
			if !reflect.DeepEqual(sizes, tt.wantSizes) {
				t.Errorf("page sizes %v, want %v", sizes, tt.wantSizes)
			}
			// The pages are copies taken at emit time: a page reused by the
			// connector would show here as repeated records.
			for i, r := range flatten(pages) {
				if r.Line != tt.firstLine+i {
					t.Errorf("record %d: Line %d, want %d", i, r.Line, tt.firstLine+i)
				}
			}
		})
	}
}

func TestUnchanged(t *testing.T) {
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Write([]byte("id\n1\n"))
	}))
	defer srv.Close()
	u := srv.URL + "/lieux.csv"
	var asked []string
	prev := func(key string) *fetch.Validators {
		asked = append(asked, key)
		return &fetch.Validators{ETag: `"v1"`}
	}
	src := openSource(t, newConfig(func(c *Config) { c.URL = u }), connectortest.WithPrev(prev))
	emitted := 0
	err := src.Fetch(t.Context(), func([]connectors.Record) error { emitted++; return nil })
	if !errors.Is(err, connectors.ErrUnchanged) {
		t.Fatalf("Fetch = %v, want connectors.ErrUnchanged", err)
	}
	if emitted != 0 {
		t.Errorf("emit called %d times, want 0", emitted)
	}
	if want := fetch.RequestKey("GET", u, nil); len(asked) != 1 || asked[0] != want {
		t.Errorf("Prev asked for %q, want [%q]", asked, want)
	}
	if requests != 1 {
		t.Errorf("%d requests, want 1", requests)
	}
}

func TestBadAnswers(t *testing.T) {
	tests := []struct {
		name, ctype, body, want string
	}{
		{"html served as csv", "text/csv", "<!DOCTYPE html><html><body>Maintenance</body></html>", "HTML page"},
		{"html content type", "text/html; charset=utf-8", "id\n1\n", "HTML page"},
		{"html after a byte-order mark", "text/csv", "\xef\xbb\xbf<!DOCTYPE html><html><body>Maintenance</body></html>", "HTML page"},
		{"xhtml content type", "application/xhtml+xml", "id\n1\n", "HTML page"},
		{"header names a column twice", "text/csv", "id,nom,id\n1,Alpha,2\n", `column "id" appears twice`},
		{"empty", "text/csv", "", "empty body"},
		{"BOM only", "text/csv", "\xef\xbb\xbf", "no header line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := newConfig(nil)
			recs, err := fetchBody(t, cfg, tt.ctype, []byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), cfg.URL) {
				t.Fatalf("Fetch = %v, want an error with %q and the URL", err, tt.want)
			}
			if len(recs) > 0 {
				t.Errorf("emitted %d records", len(recs))
			}
		})
	}
}

func FuzzFileCSV(f *testing.F) {
	extract, err := os.ReadFile(filepath.Join(replayDir, "lieux-pdl-extrait.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(extract, false)
	f.Add([]byte("id,nom\n1,Alpha\n2,Be\"ta\n3,Gamma\n"), false)
	f.Add([]byte("id,nom\n1,\"Al\npha\"\n2,\"x\"y\"\n3,\"open\n"), false)
	f.Add([]byte("\xef\xbb\xbfid;commune\r\n1;Besn\xc3\xa9\r\n\r\n2;Angers;en trop\r\n3\r\n"), true)
	f.Add([]byte("id;nom\n"), true)
	f.Add([]byte(""), false)
	f.Fuzz(func(t *testing.T, data []byte, semicolon bool) {
		cfg := newConfig(func(c *Config) { c.Path, c.PageSize = "fuzz.csv", 3 })
		if semicolon {
			cfg.Delimiter = ";"
		}
		s := &source{cfg: *cfg}
		last := 0
		count := 0
		err := s.emitCSV(context.Background(), bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))), func(page []connectors.Record) error {
			if len(page) == 0 || len(page) > cfg.PageSize {
				t.Fatalf("page of %d records with page_size %d", len(page), cfg.PageSize)
			}
			for _, r := range page {
				count++
				if r.Line <= last {
					t.Fatalf("record %d: Line %d after %d", count, r.Line, last)
				}
				last = r.Line
				if r.Fields == nil {
					t.Fatalf("record %d: nil Fields", count)
				}
			}
			return nil
		})
		if err == nil && count > bytes.Count(data, []byte("\n"))+1 {
			t.Fatalf("%d records from %d lines", count, bytes.Count(data, []byte("\n"))+1)
		}
	})
}

// A file over HTTP goes to disk, not to memory: a file larger than the
// client's in-memory limit is read whole, max_bytes bounds it per source,
// and no temporary file is left either way.
func TestLargeFileGoesToDisk(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("id;nom\n")
	for i := range 20000 { // 20,000 lines of 12 to 16 bytes: over 256 KiB
		fmt.Fprintf(&b, "%d;commune %d\n", i, i)
	}
	url := serveBody(t, "text/csv", b.Bytes())
	tmp := t.TempDir()
	limits := connectortest.WithFetchOptions(func(o *fetch.Options) { o.MaxBodyBytes, o.TempDir = 64<<10, tmp })

	src := openSource(t, newConfig(func(c *Config) { c.URL, c.Delimiter = url, ";" }), limits)
	pages, err := fetchPages(t, src)
	if err != nil {
		t.Fatal(err)
	}
	recs := flatten(pages)
	if len(recs) != 20000 || recs[19999].Fields["nom"] != "commune 19999" {
		t.Fatalf("%d records, last %v", len(recs), recs[len(recs)-1].Fields)
	}

	src = openSource(t, newConfig(func(c *Config) { c.URL, c.Delimiter, c.MaxBytes = url, ";", int64(b.Len()-1) }), limits)
	pages, err = fetchPages(t, src)
	if !errors.Is(err, fetch.ErrBodyTooLarge) || len(pages) != 0 {
		t.Errorf("max_bytes one byte short: %d pages, err %v; want none and ErrBodyTooLarge", len(pages), err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
