package connectortest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/ligerdata/ligerdata/internal/fetch"
)

// keyHost replaces the scheme and host of every URL in the request keys of
// the replay server, so that recordings made against any host match the
// requests made to the test server.
const keyHost = "http://connectortest.invalid"

// recording is one recorded response of the replay folder.
type recording struct {
	method  string
	url     string // as recorded
	status  int
	header  http.Header
	body    []byte
	etag    string // recorded ETag, or one the suite made up
	metaRel string // meta file, relative to the replay folder
}

// metaFile is the part of a replay meta file the suite reads.
type metaFile struct {
	Method            string                     `json:"method"`
	URL               *string                    `json:"url"`
	Status            int                        `json:"status"`
	Headers           map[string]json.RawMessage `json:"headers"`
	BodyFile          string                     `json:"body_file"`
	RequestBodySHA256 string                     `json:"request_body_sha256"`
}

// loadRecordings reads every meta file under dir (recursively), in the
// replay format of internal/fetch, and indexes the recordings by request
// key, scheme and host replaced by keyHost.
func loadRecordings(dir string) (map[string]*recording, error) {
	type found struct {
		path string
		meta metaFile
	}
	var metas []found
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".json") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		var m metaFile
		if json.Unmarshal(data, &m) != nil || m.URL == nil {
			return nil // a JSON body, not a meta file
		}
		metas = append(metas, found{path, m})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("replay folder %s: %w", dir, err)
	}
	bodies := map[string]bool{}
	for _, f := range metas {
		if f.meta.BodyFile != "" {
			bodies[filepath.Clean(filepath.Join(filepath.Dir(f.path), filepath.FromSlash(f.meta.BodyFile)))] = true
		}
	}
	out := map[string]*recording{}
	for _, f := range metas {
		if bodies[filepath.Clean(f.path)] {
			continue // a JSON body that happens to have a "url" key
		}
		rel, _ := filepath.Rel(dir, f.path)
		rec, key, err := f.meta.recording(filepath.Dir(f.path))
		if err != nil {
			return nil, fmt.Errorf("replay file %s: %w", f.path, err)
		}
		rec.metaRel = rel
		if prev, dup := out[key]; dup {
			return nil, fmt.Errorf("replay files %s and %s record the same request %s", prev.metaRel, rel, key)
		}
		out[key] = rec
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("replay folder %s holds no recording", dir)
	}
	return out, nil
}

// recording turns a meta file into a recording and its request key.
func (m metaFile) recording(dir string) (*recording, string, error) {
	u, err := url.Parse(*m.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", fmt.Errorf("url %q is not an absolute http(s) URL", *m.URL)
	}
	rec := &recording{method: strings.ToUpper(m.Method), url: *m.URL, status: m.Status, header: http.Header{}}
	if rec.method == "" {
		rec.method = http.MethodGet
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	for name, raw := range m.Headers {
		var one string
		var many []string
		switch {
		case json.Unmarshal(raw, &one) == nil:
			many = []string{one}
		case json.Unmarshal(raw, &many) == nil:
		default:
			return nil, "", fmt.Errorf("header %q must be a string or a list of strings", name)
		}
		k := textproto.CanonicalMIMEHeaderKey(name)
		rec.header[k] = append(rec.header[k], many...)
	}
	if m.BodyFile != "" {
		if rec.body, err = os.ReadFile(filepath.Join(dir, filepath.FromSlash(m.BodyFile))); err != nil {
			return nil, "", fmt.Errorf("body_file: %w", err)
		}
	}
	rec.etag = rec.header.Get("ETag")
	if rec.etag == "" {
		sum := sha256.Sum256(rec.body)
		rec.etag = `"ct-` + hex.EncodeToString(sum[:8]) + `"`
	}
	key := fetch.RequestKey(rec.method, keyHost+u.RequestURI(), nil)
	if s := strings.ToLower(strings.TrimSpace(m.RequestBodySHA256)); s != "" {
		key += " sha256:" + s
	}
	return rec, key, nil
}

// fault lets a subtest answer a recorded request otherwise than as
// recorded. n counts the requests for the same key, from 1. It returns
// false to serve the recording.
type fault func(w http.ResponseWriter, rec *recording, n int) bool

// server is the replay server of one subtest.
type server struct {
	t     testing.TB
	srv   *httptest.Server
	recs  map[string]*recording
	fault fault

	mu          sync.Mutex
	hits        map[string]int // per request key
	requested   []string       // "METHOD URL" of every request, in order
	notModified int
}

// startServer serves recs until the end of the test.
func startServer(t testing.TB, recs map[string]*recording, f fault) *server {
	t.Helper()
	s := &server{t: t, recs: recs, fault: f, hits: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	key := fetch.RequestKey(r.Method, keyHost+r.URL.RequestURI(), body)
	s.mu.Lock()
	s.hits[key]++
	n := s.hits[key]
	s.requested = append(s.requested, r.Method+" "+s.srv.URL+r.URL.RequestURI())
	s.mu.Unlock()

	rec, ok := s.recs[key]
	if !ok {
		s.t.Errorf("unrecorded request: %s %s%s (key %s)", r.Method, s.srv.URL, r.URL.RequestURI(), key)
		http.Error(w, "connectortest: unrecorded request", http.StatusNotFound)
		return
	}
	if s.fault != nil && s.fault(w, rec, n) {
		return
	}
	h := w.Header()
	for k, vs := range rec.header {
		h[k] = append([]string(nil), vs...)
	}
	h.Del("Content-Length")
	h.Set("ETag", rec.etag)
	if etagMatches(r.Header.Get("If-None-Match"), rec.etag) && rec.status == http.StatusOK {
		s.mu.Lock()
		s.notModified++
		s.mu.Unlock()
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(rec.status)
	w.Write(rec.body)
}

// etagMatches reports whether an If-None-Match header names etag (weak
// comparison).
func etagMatches(ifNoneMatch, etag string) bool {
	if ifNoneMatch == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, v := range strings.Split(ifNoneMatch, ",") {
		v = strings.TrimSpace(v)
		if v == "*" || strings.TrimPrefix(v, "W/") == want {
			return true
		}
	}
	return false
}

// URL returns the base URL of the server, without a trailing slash.
func (s *server) URL() string { return s.srv.URL }

// requests returns "METHOD URL" of the requests served so far.
func (s *server) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requested...)
}

// hitCounts returns the number of requests per key.
func (s *server) hitCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.hits))
	for k, v := range s.hits {
		out[k] = v
	}
	return out
}

func (s *server) notModifiedCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notModified
}

// firstURL returns the URL, without its query, of the first request; the
// connector's errors are expected to name it.
func (s *server) firstURL() (string, error) {
	reqs := s.requests()
	if len(reqs) == 0 {
		return "", errors.New("the connector made no request")
	}
	_, u, _ := strings.Cut(reqs[0], " ")
	u, _, _ = strings.Cut(u, "?")
	return u, nil
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
