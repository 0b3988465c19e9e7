package connectors

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/internal/fetch"
)

func TestIsHTMLPage(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		want                    bool
	}{
		{"html media type", "text/html; charset=utf-8", `{"a":1}`, true},
		{"html media type upper case, spaces", " Text/HTML ", "a;b\n", true},
		{"xhtml media type", "application/xhtml+xml", "", true},
		{"doctype body without media type", "", "<!DOCTYPE html>\n<html>", true},
		{"html body served as csv", "text/csv", "\n  <HTML lang=\"fr\"><body>Maintenance", true},
		{"html body after a byte-order mark", "text/csv", "\xef\xbb\xbf<!doctype html><title>Erreur</title>", true},
		{"csv", "text/csv", "id;nom\n1;Nantes\n", false},
		{"json", "application/json", `[{"a":"<html>"}]`, false},
		{"xml document", "application/xml", `<?xml version="1.0"?><csw:GetRecordsResponse/>`, false},
		{"htmlx media type is not html", "text/htmlx", "x", false},
		{"short body", "", "<ht", false},
		{"empty", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsHTMLPage(tc.contentType, []byte(tc.body)); got != tc.want {
				t.Errorf("IsHTMLPage(%q, %q) = %v, want %v", tc.contentType, tc.body, got, tc.want)
			}
		})
	}
}

func FuzzIsHTMLPage(f *testing.F) {
	f.Add("text/html", []byte("<html>"))
	f.Add("", []byte("\xef\xbb\xbf  <!DOCTYPE HTML>"))
	f.Add("text/csv; charset=utf-8", []byte("a;b\n1;2\n"))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		_ = IsHTMLPage(ct, body) // must not panic on any input
	})
}

// testConfig is a Config whose Validate fails when URL is empty.
type testConfig struct{ URL string }

func (c *testConfig) Validate() error {
	if c.URL == "" {
		return errors.Join(&FieldError{Path: "url", Msg: "required"})
	}
	return nil
}

// otherConfig is a Config of another kind.
type otherConfig struct{}

func (otherConfig) Validate() error { return nil }

func TestConfigured(t *testing.T) {
	valid := &testConfig{URL: "https://data.example/x.csv"}
	withHTTP := Env{HTTP: &fetch.Client{}}
	tests := []struct {
		name     string
		cfg      Config
		env      Env
		needHTTP bool
		wantErr  string // substring of the error; "" for success
		noHTTP   bool   // the error wraps ErrNoHTTP
		field    string // the error wraps a *FieldError with this Path
	}{
		{name: "valid with client", cfg: valid, env: withHTTP, needHTTP: true},
		{name: "valid without client, none needed", cfg: valid, needHTTP: false},
		{name: "valid with client, none needed", cfg: valid, env: withHTTP},
		{name: "no client but needed", cfg: valid, needHTTP: true,
			wantErr: "demo: open: no HTTP client", noHTTP: true},
		{name: "nil interface", cfg: nil, env: withHTTP, needHTTP: true,
			wantErr: "demo: open: configuration is <nil>, want *connectors.testConfig"},
		{name: "typed nil pointer", cfg: (*testConfig)(nil), env: withHTTP, needHTTP: true,
			wantErr: "demo: open: configuration is *connectors.testConfig, want *connectors.testConfig"},
		{name: "another kind's configuration", cfg: otherConfig{}, env: withHTTP,
			wantErr: "demo: open: configuration is connectors.otherConfig, want *connectors.testConfig"},
		{name: "invalid", cfg: &testConfig{}, env: withHTTP, needHTTP: true,
			wantErr: "demo: open: url: required", field: "url"},
		{name: "invalid is reported before the missing client", cfg: &testConfig{}, needHTTP: true,
			wantErr: "demo: open: url: required", field: "url"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Configured[testConfig]("demo", tc.cfg, tc.env, tc.needHTTP)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Configured = %v, want no error", err)
				}
				if c != tc.cfg {
					t.Errorf("Configured = %p, want the given configuration %p", c, tc.cfg)
				}
				return
			}
			if err == nil {
				t.Fatalf("Configured = %+v, nil; want an error containing %q", c, tc.wantErr)
			}
			if c != nil {
				t.Errorf("Configured returned %+v with its error, want nil", c)
			}
			if !strings.HasPrefix(err.Error(), tc.wantErr) {
				t.Errorf("error %q, want it to start with %q", err, tc.wantErr)
			}
			if got := errors.Is(err, ErrNoHTTP); got != tc.noHTTP {
				t.Errorf("errors.Is(%q, ErrNoHTTP) = %v, want %v", err, got, tc.noHTTP)
			}
			var fe *FieldError
			if got := errors.As(err, &fe); got != (tc.field != "") || (got && fe.Path != tc.field) {
				t.Errorf("errors.As(%q, *FieldError) = %v (%v), want path %q", err, got, fe, tc.field)
			}
		})
	}
}

func TestEnvLog(t *testing.T) {
	tests := []struct {
		name  string
		kind  string
		attrs []any
		want  string // the attributes of a record logged with msg=m
	}{
		{"kind only", "csw", nil, "connector=csw"},
		{"kind and source", "ping", []any{"url", "http://x.example/l.js"}, "connector=ping url=http://x.example/l.js"},
		{"several attributes", "wfs", []any{"type_name", "ns:layer", "page", 2}, "connector=wfs type_name=ns:layer page=2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			base := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
				ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
					if a.Key == slog.TimeKey && len(groups) == 0 {
						return slog.Attr{}
					}
					return a
				},
			}))
			env := Env{Logger: base}
			env.Log(tc.kind, tc.attrs...).Info("m")
			if got, want := strings.TrimSpace(buf.String()), "level=INFO msg=m "+tc.want; got != want {
				t.Errorf("logged %q, want %q", got, want)
			}
			buf.Reset()
			base.Info("m")
			if got, want := strings.TrimSpace(buf.String()), "level=INFO msg=m"; got != want {
				t.Errorf("env.Logger changed: it logs %q, want %q", got, want)
			}
			// Without a logger, Log discards instead of panicking.
			quiet := Env{}.Log(tc.kind, tc.attrs...)
			if quiet == nil {
				t.Fatal("Env{}.Log = nil, want a logger that discards")
			}
			quiet.Warn("dropped")
			if quiet.Enabled(t.Context(), slog.LevelError) {
				t.Error("Env{}.Log is enabled, want it to discard")
			}
		})
	}
}

// testSource is a Source of its own type, as a kind's exported Open returns.
type testSource struct{}

func (*testSource) Fetch(context.Context, func([]Record) error) error { return nil }

func TestOpener(t *testing.T) {
	failure := errors.New("demo: open: refused")
	tests := []struct {
		name    string
		src     *testSource
		err     error
		wantNil bool
	}{
		{name: "source", src: &testSource{}},
		{name: "error with a typed nil", src: nil, err: failure, wantNil: true},
		{name: "error with a source", src: &testSource{}, err: failure, wantNil: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var gotCfg Config
			var gotEnv Env
			open := Opener(func(cfg Config, env Env) (*testSource, error) {
				gotCfg, gotEnv = cfg, env
				return tc.src, tc.err
			})
			cfg, env := &testConfig{URL: "u"}, Env{Dir: "defs"}
			src, err := open(cfg, env)
			if gotCfg != Config(cfg) || gotEnv.Dir != env.Dir {
				t.Errorf("open got %v, %+v; want the arguments %v, %+v", gotCfg, gotEnv, cfg, env)
			}
			if err != tc.err {
				t.Errorf("error = %v, want %v", err, tc.err)
			}
			if tc.wantNil {
				if src != nil {
					t.Errorf("Source = %#v, want a nil interface", src)
				}
				return
			}
			if s, ok := src.(*testSource); !ok || s != tc.src {
				t.Errorf("Source = %#v, want %p", src, tc.src)
			}
		})
	}
}

// CheckUTF8 names the line and byte of the first invalid sequence.
func TestCheckUTF8(t *testing.T) {
	if err := CheckUTF8([]byte("{\"nom\": \"Nantes é\"}")); err != nil {
		t.Errorf("valid text: %v", err)
	}
	err := CheckUTF8([]byte("{\n\"nom\": \"Cr\xe9teil\"}"))
	want := "the body is not valid UTF-8 (line 2, byte 13: 0xe9); has the source changed its encoding?"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}
