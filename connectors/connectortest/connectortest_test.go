package connectortest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/fetch"
)

// The "lines" kind is a small connector made for the suite's own tests: one
// record {"ville": line} per line of a text file, pages of page_size. A
// flaw, set through the environment of a child test process, breaks one
// rule of the contract to show that the suite catches it.

type linesConfig struct {
	URL      string `yaml:"url"`
	PageSize int    `yaml:"page_size"`
}

func (c *linesConfig) Validate() error {
	var errs []error
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, &connectors.FieldError{Path: "url", Msg: "doit être une adresse http(s)"})
	}
	if c.PageSize < 1 {
		if flaw() == "plainValidateError" {
			errs = append(errs, errors.New("page_size: must be positive"))
		} else {
			errs = append(errs, &connectors.FieldError{Path: "page_size", Msg: "doit être au moins 1"})
		}
	}
	return errors.Join(errs...)
}

const flawEnv = "CONNECTORTEST_FLAW"

func flaw() string { return os.Getenv(flawEnv) }

func linesKind() connectors.Kind {
	k := connectors.Kind{
		Name:    "lines",
		Summary: "one record per line of a text file (connectortest's own tests)",
		Options: []connectors.Option{
			{Name: "url", Help: "Address of the file.", Required: true},
			{Name: "page_size", Help: "Records per page.", Default: "2"},
		},
		NewConfig: func() connectors.Config { return &linesConfig{PageSize: 2} },
		Open: func(cfg connectors.Config, env connectors.Env) (connectors.Source, error) {
			c, err := connectors.Configured[linesConfig]("lines", cfg, env, true)
			if err != nil && flaw() != "openAcceptsBadConfig" {
				return nil, err
			}
			if c == nil {
				if c, _ = cfg.(*linesConfig); c == nil {
					return nil, fmt.Errorf("lines: configuration is %T", cfg)
				}
			}
			return &linesSource{cfg: *c, env: env}, nil
		},
	}
	if flaw() == "undocumentedOption" {
		k.Options = k.Options[:1]
	}
	return k
}

type linesSource struct {
	cfg  linesConfig
	env  connectors.Env
	runs int
}

func (s *linesSource) Fetch(ctx context.Context, emit func([]connectors.Record) error) error {
	s.runs++
	u := s.cfg.URL
	req := fetch.Request{URL: u}
	if flaw() != "noPrev" {
		req.Prev = s.env.PrevFor("GET", u, nil)
	}
	resp, err := s.env.HTTP.Do(ctx, req)
	if err != nil {
		return fmt.Errorf("lines: %w", err)
	}
	if resp.Unchanged {
		return connectors.ErrUnchanged
	}
	if flaw() == "unrecordedRequest" {
		if _, err := s.env.HTTP.Do(ctx, fetch.Request{URL: u + "&page=2"}); err == nil {
			return errors.New("lines: the unrecorded page was served")
		}
	}
	if flaw() != "acceptsHTML" && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		return fmt.Errorf("lines: GET %s: got an HTML page", u)
	}
	if len(resp.Body) == 0 {
		return fmt.Errorf("lines: GET %s: empty body", u)
	}
	var page []connectors.Record
	sc := bufio.NewScanner(bytes.NewReader(resp.Body))
	for line := 1; sc.Scan(); line++ {
		f := map[string]any{"ville": sc.Text()}
		switch flaw() {
		case "badValue":
			f["n"] = line
		case "nondeterministic":
			f["run"] = fmt.Sprint(s.runs)
		case "duplicates":
			f["ville"] = "Nantes"
		}
		page = append(page, connectors.Record{Line: line, Fields: f})
		if len(page) == s.cfg.PageSize {
			if flaw() != "ignoresCancel" {
				if err := ctx.Err(); err != nil {
					return fmt.Errorf("lines: %w", err)
				}
			}
			if err := emit(page); err != nil && flaw() != "swallowsEmitError" {
				return fmt.Errorf("lines: %w", err)
			}
			page = nil
		}
	}
	if len(page) > 0 {
		if err := emit(page); err != nil && flaw() != "swallowsEmitError" {
			return fmt.Errorf("lines: %w", err)
		}
	}
	if flaw() == "ignoresCancel" {
		return nil
	}
	return ctx.Err()
}

func linesOptions() Options {
	return Options{
		Kind: linesKind(),
		Config: func(baseURL string) connectors.Config {
			// Query in another order than recorded.
			return &linesConfig{URL: baseURL + "/api/villes?format=txt&region=52", PageSize: 2}
		},
		Replay: "testdata/replay",
		Golden: "testdata/lines.golden.json",
		BadConfigs: []BadConfig{
			{Name: "all wrong", Config: &linesConfig{URL: "ftp://x", PageSize: 0}, WantPaths: []string{"url", "page_size"}},
		},
		MinRecords: 5,
	}
}

func TestRunLines(t *testing.T) {
	if flaw() != "" {
		t.Skip("child process of TestSuiteCatchesFlaws")
	}
	Run(t, linesOptions())
}

// TestFlawedLines is run by TestSuiteCatchesFlaws in a child process.
func TestFlawedLines(t *testing.T) {
	if flaw() == "" {
		t.Skip("run by TestSuiteCatchesFlaws")
	}
	Run(t, linesOptions())
}

func TestSuiteCatchesFlaws(t *testing.T) {
	if flaw() != "" {
		t.Skip("child process")
	}
	if testing.Short() {
		t.Skip("starts child processes")
	}
	tests := []struct {
		flaw    string
		subtest string // the subtest that must fail
		msg     string // part of its failure message
	}{
		{"ignoresCancel", "Cancellation", "want an error wrapping context.Canceled"},
		{"swallowsEmitError", "ConsumerErrorStops", "want an error wrapping emit's error"},
		{"noPrev", "Unchanged304", "want connectors.ErrUnchanged"},
		{"acceptsHTML", "HTMLErrorPage", "Fetch = nil for an HTML error page"},
		{"unrecordedRequest", "Records", "unrecorded request: GET http://127.0.0.1:"},
		{"badValue", "Records", `field "n": value of type int`},
		{"nondeterministic", "SameTwice", "differs between two fetches"},
		{"duplicates", "NoDuplicates", "are duplicates"},
		{"undocumentedOption", "DefaultsValid", `yaml key "page_size" of *connectortest.linesConfig has no Option`},
		{"plainValidateError", "BadConfigRejected/all_wrong", "is not a *connectors.FieldError"},
		{"openAcceptsBadConfig", "BadConfigRejected/all_wrong", "Kind.Open accepted the bad configuration"},
	}
	for _, tt := range tests {
		t.Run(tt.flaw, func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestFlawedLines$", "-test.v")
			cmd.Env = append(os.Environ(), flawEnv+"="+tt.flaw)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a connector with the flaw %s:\n%s", tt.flaw, out)
			}
			if !bytes.Contains(out, []byte("--- FAIL: TestFlawedLines/"+tt.subtest+" ")) {
				t.Errorf("subtest %s did not fail:\n%s", tt.subtest, out)
			}
			if !bytes.Contains(out, []byte(tt.msg)) {
				t.Errorf("output lacks %q:\n%s", tt.msg, out)
			}
		})
	}
}

func TestLoadRecordings(t *testing.T) {
	recs, err := loadRecordings("testdata/replay")
	if err != nil {
		t.Fatal(err)
	}
	get := fetch.RequestKey("GET", keyHost+"/api/villes?region=52&format=txt", nil)
	post := fetch.RequestKey("POST", keyHost+"/api/search", []byte("{}"))
	if len(recs) != 2 || recs[get] == nil || recs[post] == nil {
		t.Fatalf("keys %q, want %q and %q (body.json is a body, not a meta file)", sortedKeys(recs), get, post)
	}
	r := recs[get]
	if r.status != 200 || r.header.Get("Content-Type") != "text/plain; charset=utf-8" || !strings.HasPrefix(string(r.body), "Nantes\n") {
		t.Errorf("GET recording = %d %v %q", r.status, r.header, r.body)
	}
	if !strings.HasPrefix(r.etag, `"ct-`) {
		t.Errorf("made-up ETag %q", r.etag)
	}
}

func TestLoadRecordingsErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"empty folder", nil, "holds no recording"},
		{"missing body", map[string]string{"a.json": `{"url": "https://x.org/a", "body_file": "a.body"}`}, "body_file"},
		{"relative url", map[string]string{"a.json": `{"url": "/a"}`}, "not an absolute http(s) URL"},
		{"same request twice", map[string]string{
			"a.json": `{"url": "https://x.org/a?p=1&q=2"}`,
			"b.json": `{"url": "https://y.org/a?q=2&p=1"}`,
		}, "record the same request"},
		{"bad header", map[string]string{"a.json": `{"url": "https://x.org/a", "headers": {"X": 1}}`}, `header "X"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				if err := os.WriteFile(dir+"/"+name, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := loadRecordings(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("loadRecordings = %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestEtagMatches(t *testing.T) {
	tests := []struct {
		name, header, etag string
		want               bool
	}{
		{"none", "", `"a"`, false},
		{"same", `"a"`, `"a"`, true},
		{"other", `"b"`, `"a"`, false},
		{"list", `"b", "a"`, `"a"`, true},
		{"weak", `W/"a"`, `"a"`, true},
		{"star", `*`, `"a"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := etagMatches(tt.header, tt.etag); got != tt.want {
				t.Errorf("etagMatches(%q, %q) = %v, want %v", tt.header, tt.etag, got, tt.want)
			}
		})
	}
}

func TestEnvDefaults(t *testing.T) {
	env := Env(t, WithDir("/srv/pipelines"), WithPrev(func(string) *fetch.Validators { return &fetch.Validators{ETag: `"x"`} }))
	if env.HTTP == nil || env.Logger == nil {
		t.Fatal("Env has no HTTP client or no logger")
	}
	if env.Dir != "/srv/pipelines" {
		t.Errorf("Dir = %q", env.Dir)
	}
	if v := env.PrevFor("GET", "http://x.org/", nil); v == nil || v.ETag != `"x"` {
		t.Errorf("PrevFor = %v", v)
	}
	// Loopback is allowed, and a 503 is retried up to 3 attempts in all.
	var attempts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	_, err := env.HTTP.Do(t.Context(), fetch.Request{URL: srv.URL + "/x"})
	var he *fetch.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusServiceUnavailable || attempts.Load() != 3 {
		t.Errorf("Do = %v after %d attempts, want an HTTP 503 after 3", err, attempts.Load())
	}
}
