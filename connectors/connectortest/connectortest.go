// Package connectortest provides the conformance suite that every connector
// kind must pass, in the manner of testing/fstest: Run starts an
// httptest.Server that serves a folder of recorded responses (the replay
// format of internal/fetch), points the connector at it, and checks the
// connectors.Source contract: valid defaults and documented options,
// configuration errors reported all at once, output equal to a golden file
// and stable from one run to the next, emit errors and cancellation
// honoured, retries on 5xx, clear errors on failing, HTML or empty answers,
// and ErrUnchanged on a 304.
//
// It also provides Env, the connector environment of tests. The package is
// meant to be imported from _test.go files only.
package connectortest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/fetch"
)

var update = flag.Bool("update", false, "connectortest: rewrite the golden files of the connector conformance suite")

// Options describes the connector under test.
type Options struct {
	// Kind is the connector kind under test.
	Kind connectors.Kind
	// Config returns a valid configuration whose URLs point at baseURL (the
	// replay server, "http://127.0.0.1:port", no trailing slash), as the
	// pipeline would decode it from YAML: built from Kind.NewConfig() with
	// the options set. Required.
	Config func(baseURL string) connectors.Config
	// Replay is the folder of recorded responses, in the replay format of
	// internal/fetch. The server answers each recorded method, path and
	// query (parameters in any order) with the recorded status, headers and
	// body, plus an ETag when none was recorded; any other request gets a
	// 404 and fails the test. Required.
	Replay string
	// Golden is the JSON file of the records a fetch emits,
	// [{"line":N,"fields":{…}}, …] in emission order; `go test -update`
	// rewrites it. Empty skips the Golden subtest.
	Golden string
	// BadConfigs are configurations that Validate must refuse.
	BadConfigs []BadConfig
	// MinRecords is the least number of records a fetch of the recordings
	// must emit; at least 1.
	MinRecords int
	// Key identifies a record for the NoDuplicates subtest; nil compares
	// the records' whole fields.
	Key func(connectors.Record) string
	// EnvOptions are applied to every environment the suite builds, after
	// its own options.
	EnvOptions []EnvOption
}

// BadConfig is a configuration that Validate must refuse with a
// *connectors.FieldError for each of WantPaths, all in the same error.
type BadConfig struct {
	Name      string
	Config    connectors.Config
	WantPaths []string
}

// Run runs the conformance subtests of the connector described by opt:
//
//   - DefaultsValid: the kind is documented (name, summary, every option
//     with a unique name and a help text, naming a yaml key of the Config
//     type and the other way round), NewConfig returns a fresh pointer,
//     required options are required, and opt.Config validates.
//   - BadConfigRejected: each BadConfig fails Validate with a FieldError
//     for every wanted path, and only FieldErrors, and Kind.Open refuses it.
//   - Records: a fetch emits at least MinRecords records whose values have
//     the types that connectors.Record allows.
//   - Golden: the records equal the golden file.
//   - NoDuplicates: no two records share a key.
//   - SameTwice: two fetches with one Source emit the same records.
//   - ConsumerErrorStops: an emit error ends Fetch, wrapped, without
//     another emit.
//   - Cancellation: cancelling ctx inside the first emit makes Fetch return
//     context.Canceled within 2 s, without another emit.
//   - ServerErrorRetried: two 503 answers before each recording are
//     retried through.
//   - ServerErrorReported: a source always answering 503 or 429 gives an
//     error wrapping *fetch.HTTPError and naming the status and the URL.
//   - Unchanged304: a second fetch with the first one's validators gets a
//     304 and returns connectors.ErrUnchanged, emitting nothing.
//   - HTMLErrorPage: a 200 text/html error page is an error naming the URL,
//     and nothing is emitted.
//   - EmptyBody: an empty 200 is an error naming the URL, and nothing is
//     emitted.
//   - OpenRejectsNil: Kind.Open with a nil Config, or a nil pointer of the
//     type NewConfig returns, is an error, not a panic.
func Run(t *testing.T, opt Options) {
	t.Helper()
	if opt.Config == nil || opt.Replay == "" {
		t.Fatal("connectortest: Options.Config and Options.Replay are required")
	}
	if opt.Kind.NewConfig == nil || opt.Kind.Open == nil {
		t.Fatalf("connectortest: kind %q has no NewConfig or Open", opt.Kind.Name)
	}
	recs, err := loadRecordings(opt.Replay)
	if err != nil {
		t.Fatalf("connectortest: %v", err)
	}
	s := &suite{opt: opt, recs: recs}
	t.Run("DefaultsValid", s.defaultsValid)
	t.Run("BadConfigRejected", s.badConfigRejected)
	t.Run("Records", s.records)
	t.Run("Golden", s.golden)
	t.Run("NoDuplicates", s.noDuplicates)
	t.Run("SameTwice", s.sameTwice)
	t.Run("ConsumerErrorStops", s.consumerErrorStops)
	t.Run("Cancellation", s.cancellation)
	t.Run("ServerErrorRetried", s.serverErrorRetried)
	t.Run("ServerErrorReported", s.serverErrorReported)
	t.Run("Unchanged304", s.unchanged304)
	t.Run("HTMLErrorPage", s.htmlErrorPage)
	t.Run("EmptyBody", s.emptyBody)
	t.Run("OpenRejectsNil", s.openRejectsNil)
}

func (s *suite) openRejectsNil(t *testing.T) {
	env := Env(t, s.opt.EnvOptions...)
	typedNil := reflect.Zero(reflect.TypeOf(s.opt.Kind.NewConfig())).Interface().(connectors.Config)
	for name, cfg := range map[string]connectors.Config{"nil Config": nil, "nil pointer": typedNil} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("Kind.Open(%s) panics: %v", name, r)
				}
			}()
			if src, err := s.opt.Kind.Open(cfg, env); err == nil {
				t.Errorf("Kind.Open(%s) = %v, nil; want an error", name, src)
			}
		}()
	}
}

type suite struct {
	opt  Options
	recs map[string]*recording
}

// open starts a replay server with fault f and opens the source on it.
func (s *suite) open(t *testing.T, f fault, opts ...EnvOption) (connectors.Source, *server) {
	t.Helper()
	srv := startServer(t, s.recs, f)
	env := Env(t, append(opts, s.opt.EnvOptions...)...)
	cfg := s.opt.Config(srv.URL())
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Options.Config(%q) does not validate: %v", srv.URL(), err)
	}
	src, err := s.opt.Kind.Open(cfg, env)
	if err != nil {
		t.Fatalf("Kind.Open: %v", err)
	}
	if src == nil {
		t.Fatal("Kind.Open returned a nil Source and no error")
	}
	return src, srv
}

// collect runs Fetch and returns the records emitted (copied out of the
// pages, which the connector may reuse) and the number of pages.
func collect(ctx context.Context, src connectors.Source) ([]connectors.Record, int, error) {
	var out []connectors.Record
	pages := 0
	err := src.Fetch(ctx, func(page []connectors.Record) error {
		pages++
		out = append(out, page...)
		return nil
	})
	return out, pages, err
}

// mustCollect runs Fetch and fails the test on an error.
func mustCollect(t *testing.T, src connectors.Source) []connectors.Record {
	t.Helper()
	recs, _, err := collect(t.Context(), src)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	return recs
}

func (s *suite) defaultsValid(t *testing.T) {
	k := s.opt.Kind
	if strings.TrimSpace(k.Name) == "" {
		t.Error("Kind.Name is empty")
	}
	if strings.TrimSpace(k.Summary) == "" {
		t.Error("Kind.Summary is empty")
	}
	names := map[string]bool{}
	for i, o := range k.Options {
		if strings.TrimSpace(o.Name) == "" {
			t.Errorf("Options[%d] has no Name", i)
			continue
		}
		if names[o.Name] {
			t.Errorf("option %q is documented twice", o.Name)
		}
		names[o.Name] = true
		if strings.TrimSpace(o.Help) == "" {
			t.Errorf("option %q has no Help", o.Name)
		}
	}

	c1, c2 := k.NewConfig(), k.NewConfig()
	v1 := reflect.ValueOf(c1)
	if c1 == nil || v1.Kind() != reflect.Pointer || v1.IsNil() || v1.Elem().Kind() != reflect.Struct {
		t.Fatalf("NewConfig() = %T, want a non-nil pointer to a struct", c1)
	}
	if v1.Pointer() == reflect.ValueOf(c2).Pointer() {
		t.Error("NewConfig returns the same pointer twice; each call must return a fresh Config")
	}
	keys := yamlKeys(v1.Elem().Type())
	for _, o := range k.Options {
		top, _, _ := strings.Cut(o.Name, ".")
		if o.Name != "" && !keys[top] {
			t.Errorf("option %q names no yaml key of %T (keys: %s)", o.Name, c1, strings.Join(sortedKeys(keys), ", "))
		}
	}
	documented := map[string]bool{}
	for n := range names {
		top, _, _ := strings.Cut(n, ".")
		documented[top] = true
	}
	for _, key := range sortedKeys(keys) {
		if !documented[key] {
			t.Errorf("yaml key %q of %T has no Option documenting it", key, c1)
		}
	}

	// A required option left unset must be reported on its own path.
	if err := c1.Validate(); err != nil {
		paths := fieldErrorPaths(err)
		for _, o := range k.Options {
			if o.Required && !paths[o.Name] {
				t.Errorf("NewConfig().Validate() = %v; want a FieldError for the required option %q", err, o.Name)
			}
		}
	} else {
		for _, o := range k.Options {
			if o.Required {
				t.Errorf("NewConfig().Validate() = nil, but option %q is documented as required", o.Name)
			}
		}
	}

	cfg := s.opt.Config("http://127.0.0.1:9")
	if reflect.TypeOf(cfg) != reflect.TypeOf(c1) {
		t.Errorf("Options.Config returns %T, NewConfig %T", cfg, c1)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("Options.Config(...).Validate() = %v, want nil", err)
	}
}

// yamlKeys returns the yaml keys of a Config struct, as the pipeline
// decoder reads them: exported fields with a yaml tag other than "-".
func yamlKeys(typ reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		tag := f.Tag.Get("yaml")
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		keys[name] = true
	}
	return keys
}

// fieldErrors returns the *connectors.FieldError leaves of err (a tree of
// errors.Join and %w wrappings) and the leaves that are not FieldErrors.
func fieldErrors(err error) (fes []*connectors.FieldError, others []error) {
	var walk func(error)
	walk = func(e error) {
		if fe, ok := e.(*connectors.FieldError); ok {
			fes = append(fes, fe)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			if c := u.Unwrap(); c != nil {
				walk(c)
				return
			}
			others = append(others, e)
		default:
			others = append(others, e)
		}
	}
	if err != nil {
		walk(err)
	}
	return fes, others
}

func fieldErrorPaths(err error) map[string]bool {
	fes, _ := fieldErrors(err)
	paths := map[string]bool{}
	for _, fe := range fes {
		paths[fe.Path] = true
	}
	return paths
}

func (s *suite) badConfigRejected(t *testing.T) {
	if len(s.opt.BadConfigs) == 0 {
		t.Skip("no Options.BadConfigs")
	}
	for _, bc := range s.opt.BadConfigs {
		t.Run(bc.Name, func(t *testing.T) {
			if bc.Config == nil {
				t.Fatal("BadConfig.Config is nil")
			}
			err := bc.Config.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil, want FieldErrors for %v", bc.WantPaths)
			}
			fes, others := fieldErrors(err)
			for _, o := range others {
				t.Errorf("Validate() error %q (%T) is not a *connectors.FieldError", o, o)
			}
			got := map[string]bool{}
			for _, fe := range fes {
				got[fe.Path] = true
				if strings.TrimSpace(fe.Msg) == "" {
					t.Errorf("FieldError on %q has no message", fe.Path)
				}
			}
			for _, p := range bc.WantPaths {
				if !got[p] {
					t.Errorf("Validate() = %v; no FieldError on %q", err, p)
				}
			}
			// Open checks the configuration too, so that a source is never
			// opened on one that does not validate.
			if src, err := s.opt.Kind.Open(bc.Config, Env(t, s.opt.EnvOptions...)); err == nil || src != nil {
				t.Errorf("Kind.Open accepted the bad configuration (source %v, error %v)", src, err)
			}
		})
	}
}

func (s *suite) records(t *testing.T) {
	src, _ := s.open(t, nil)
	recs := mustCollect(t, src)
	if least := max(s.opt.MinRecords, 1); len(recs) < least {
		t.Fatalf("Fetch emitted %d records, want at least %d", len(recs), least)
	}
	for i, r := range recs {
		if r.Fields == nil {
			t.Errorf("record %d (line %d) has nil Fields", i, r.Line)
		}
		if r.Line < 0 {
			t.Errorf("record %d has a negative Line %d", i, r.Line)
		}
		for k, v := range r.Fields {
			if err := checkValue(v); err != nil {
				t.Errorf("record %d (line %d), field %q: %v", i, r.Line, k, err)
			}
		}
	}
}

// checkValue reports a value of a type that connectors.Record does not
// allow: string, json.Number, bool, nil, []any or map[string]any.
func checkValue(v any) error {
	switch x := v.(type) {
	case nil, string, json.Number, bool:
		return nil
	case []any:
		for i, e := range x {
			if err := checkValue(e); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		return nil
	case map[string]any:
		for k, e := range x {
			if err := checkValue(e); err != nil {
				return fmt.Errorf("%q: %w", k, err)
			}
		}
		return nil
	}
	return fmt.Errorf("value of type %T; want string, json.Number, bool, nil, []any or map[string]any", v)
}

// goldenRecord is a record in a golden file.
type goldenRecord struct {
	Line   int            `json:"line"`
	Fields map[string]any `json:"fields"`
}

// encodeRecord returns the compact JSON of a record, HTML characters
// unescaped, keys sorted.
func encodeRecord(r connectors.Record) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(goldenRecord{Line: r.Line, Fields: r.Fields}); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func encodeRecords(t *testing.T, recs []connectors.Record) [][]byte {
	t.Helper()
	out := make([][]byte, len(recs))
	for i, r := range recs {
		b, err := encodeRecord(r)
		if err != nil {
			t.Fatalf("record %d (line %d) does not encode to JSON: %v", i, r.Line, err)
		}
		out[i] = b
	}
	return out
}

// goldenFile returns the golden file content for recs: an indented JSON
// array, one record per element, in emission order.
func goldenFile(recs []connectors.Record) ([]byte, error) {
	g := make([]goldenRecord, len(recs))
	for i, r := range recs {
		g[i] = goldenRecord{Line: r.Line, Fields: r.Fields}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(g); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (s *suite) golden(t *testing.T) {
	if s.opt.Golden == "" {
		t.Skip("no Options.Golden")
	}
	src, _ := s.open(t, nil)
	recs := mustCollect(t, src)
	if *update {
		data, err := goldenFile(recs)
		if err != nil {
			t.Fatalf("encoding the golden file: %v", err)
		}
		if err := os.MkdirAll(filepath.Dir(s.opt.Golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(s.opt.Golden, data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d records)", s.opt.Golden, len(recs))
		return
	}
	data, err := os.ReadFile(s.opt.Golden)
	if err != nil {
		t.Fatalf("golden file: %v (run `go test -update` to write it)", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var want []goldenRecord
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("golden file %s: %v", s.opt.Golden, err)
	}
	wantRecs := make([]connectors.Record, len(want))
	for i, g := range want {
		wantRecs[i] = connectors.Record{Line: g.Line, Fields: g.Fields}
	}
	got, exp := encodeRecords(t, recs), encodeRecords(t, wantRecs)
	if len(got) != len(exp) {
		t.Errorf("Fetch emitted %d records, the golden file %s holds %d", len(got), s.opt.Golden, len(exp))
	}
	shown := 0
	for i := 0; i < min(len(got), len(exp)) && shown < 3; i++ {
		if !bytes.Equal(got[i], exp[i]) {
			t.Errorf("record %d differs from %s:\n got: %s\nwant: %s", i, s.opt.Golden, got[i], exp[i])
			shown++
		}
	}
	if t.Failed() {
		t.Log("if the change is intended, rewrite the golden file with -update")
	}
}

func (s *suite) noDuplicates(t *testing.T) {
	src, _ := s.open(t, nil)
	recs := mustCollect(t, src)
	seen := map[string]int{}
	for i, r := range recs {
		var key string
		if s.opt.Key != nil {
			key = s.opt.Key(r)
		} else {
			b, err := encodeRecord(connectors.Record{Fields: r.Fields})
			if err != nil {
				t.Fatalf("record %d: %v", i, err)
			}
			key = string(b)
		}
		if j, dup := seen[key]; dup {
			t.Errorf("records %d (line %d) and %d (line %d) are duplicates: %s", j, recs[j].Line, i, r.Line, key)
			continue
		}
		seen[key] = i
	}
}

func (s *suite) sameTwice(t *testing.T) {
	src, _ := s.open(t, nil)
	first := encodeRecords(t, mustCollect(t, src))
	second := encodeRecords(t, mustCollect(t, src))
	if len(first) != len(second) {
		t.Fatalf("first Fetch emitted %d records, the second %d", len(first), len(second))
	}
	for i := range first {
		if !bytes.Equal(first[i], second[i]) {
			t.Fatalf("record %d differs between two fetches:\n first: %s\nsecond: %s", i, first[i], second[i])
		}
	}
}

// errConsumer is what emit returns in ConsumerErrorStops.
var errConsumer = errors.New("connectortest: the consumer refuses the page")

func (s *suite) consumerErrorStops(t *testing.T) {
	src, _ := s.open(t, nil)
	calls := 0
	err := src.Fetch(t.Context(), func([]connectors.Record) error {
		calls++
		return errConsumer
	})
	if !errors.Is(err, errConsumer) {
		t.Errorf("Fetch = %v, want an error wrapping emit's error", err)
	}
	if calls != 1 {
		t.Errorf("emit called %d times after returning an error, want 1", calls)
	}
}

func (s *suite) cancellation(t *testing.T) {
	src, _ := s.open(t, nil)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	cancelled := make(chan struct{})
	var mu sync.Mutex
	calls := 0
	done := make(chan error, 1)
	go func() {
		done <- src.Fetch(ctx, func([]connectors.Record) error {
			mu.Lock()
			defer mu.Unlock()
			calls++
			if calls == 1 {
				cancel()
				close(cancelled)
			}
			return nil
		})
	}()
	var err error
	select {
	case err = <-done:
		select {
		case <-cancelled:
		default:
			t.Fatalf("Fetch = %v without emitting anything", err)
		}
	case <-cancelled:
		select {
		case err = <-done:
		case <-time.After(2 * time.Second):
			t.Fatal("Fetch did not return within 2 s of the cancellation of its context")
		}
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Fetch = %v, want an error wrapping context.Canceled", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls != 1 {
		t.Errorf("emit called %d times, want 1: Fetch went on after its context was cancelled", calls)
	}
}

func (s *suite) serverErrorRetried(t *testing.T) {
	const failures = 2
	base, _ := s.open(t, nil)
	want := encodeRecords(t, mustCollect(t, base))

	src, srv := s.open(t, func(w http.ResponseWriter, _ *recording, n int) bool {
		if n > failures {
			return false
		}
		http.Error(w, "service temporarily unavailable", http.StatusServiceUnavailable)
		return true
	}, WithFetchOptions(func(o *fetch.Options) { o.MaxAttempts = failures + 1 }))
	got := encodeRecords(t, mustCollect(t, src))
	hits := srv.hitCounts()
	if len(hits) == 0 {
		t.Fatal("no request reached the server")
	}
	for _, k := range sortedKeys(hits) {
		if hits[k] < failures+1 {
			t.Errorf("%s: %d requests, want at least %d (%d answered 503, then the recording)", k, hits[k], failures+1, failures)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("after retries Fetch emitted %d records, without failures %d", len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("record %d differs after retries:\n got: %s\nwant: %s", i, got[i], want[i])
		}
	}
}

func (s *suite) serverErrorReported(t *testing.T) {
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			src, srv := s.open(t, func(w http.ResponseWriter, _ *recording, _ int) bool {
				if status == http.StatusTooManyRequests {
					w.Header().Set("Retry-After", "0")
				}
				http.Error(w, http.StatusText(status), status)
				return true
			})
			recs, _, err := collect(t.Context(), src)
			if err == nil {
				t.Fatalf("Fetch = nil with every request answered %d", status)
			}
			if len(recs) > 0 {
				t.Errorf("Fetch emitted %d records with every request answered %d", len(recs), status)
			}
			var he *fetch.HTTPError
			if !errors.As(err, &he) {
				t.Errorf("Fetch = %v; want an error wrapping *fetch.HTTPError", err)
			} else if he.Status != status {
				t.Errorf("HTTPError.Status = %d, want %d", he.Status, status)
			}
			if !strings.Contains(err.Error(), strconv.Itoa(status)) {
				t.Errorf("Fetch = %v; the error does not mention the status %d", err, status)
			}
			s.checkNamesURL(t, srv, err)
		})
	}
}

// checkNamesURL fails the test when err does not name the URL of the first
// request (query left out), or names it more than once.
func (s *suite) checkNamesURL(t *testing.T, srv *server, err error) {
	t.Helper()
	u, uerr := srv.firstURL()
	if uerr != nil {
		t.Error(uerr)
		return
	}
	if n := strings.Count(err.Error(), u); n == 0 {
		t.Errorf("Fetch = %v; the error does not name the URL %s", err, u)
	} else if n > 1 {
		t.Errorf("Fetch = %v; the error names the URL %s %d times (each layer repeats it): once is enough", err, u, n)
	}
}

func (s *suite) unchanged304(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]fetch.Validators{}
	observe := func(r *fetch.Response) {
		mu.Lock()
		defer mu.Unlock()
		seen[fetch.RequestKey(r.Method, r.URL, nil)] = r.Validators()
	}
	// The key of a request with a body carries its hash, which the
	// response does not give back: look validators up by method and URL.
	prev := func(key string) *fetch.Validators {
		if i := strings.Index(key, " sha256:"); i >= 0 {
			key = key[:i]
		}
		mu.Lock()
		defer mu.Unlock()
		v, ok := seen[key]
		if !ok {
			return nil
		}
		return &v
	}
	src, srv := s.open(t, nil, WithFetchOptions(func(o *fetch.Options) { o.Observe = observe }), WithPrev(prev))
	if recs := mustCollect(t, src); len(recs) == 0 {
		t.Fatal("the first Fetch emitted nothing")
	}
	recs, _, err := collect(t.Context(), src)
	if !errors.Is(err, connectors.ErrUnchanged) {
		t.Errorf("second Fetch with the validators of the first = %v, want connectors.ErrUnchanged", err)
	}
	if len(recs) > 0 {
		t.Errorf("second Fetch emitted %d records, want none", len(recs))
	}
	if srv.notModifiedCount() == 0 {
		t.Error("the server answered no 304: the connector sent no If-None-Match with the previous ETag (use Env.PrevFor)")
	}
}

// htmlPage is the body of the HTMLErrorPage subtest, as a portal serves
// when its back end is down.
const htmlPage = `<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Erreur</title></head>
<body><h1>Le service est momentanément indisponible</h1><p>Veuillez réessayer plus tard.</p></body></html>
`

func (s *suite) htmlErrorPage(t *testing.T) {
	src, srv := s.open(t, func(w http.ResponseWriter, _ *recording, _ int) bool {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(htmlPage))
		return true
	})
	recs, _, err := collect(t.Context(), src)
	if err == nil {
		t.Fatal("Fetch = nil for an HTML error page served with status 200")
	}
	if len(recs) > 0 {
		t.Errorf("Fetch emitted %d records from an HTML error page", len(recs))
	}
	s.checkNamesURL(t, srv, err)
}

func (s *suite) emptyBody(t *testing.T) {
	src, srv := s.open(t, func(w http.ResponseWriter, rec *recording, _ int) bool {
		if ct := rec.header.Get("Content-Type"); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return true
	})
	recs, _, err := collect(t.Context(), src)
	if err == nil {
		t.Fatal("Fetch = nil for an empty body served with status 200")
	}
	if len(recs) > 0 {
		t.Errorf("Fetch emitted %d records from an empty body", len(recs))
	}
	s.checkNamesURL(t, srv, err)
}
