package fetch

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The replay folder holds, for each recorded response, a meta file
// <name>.json and a body file next to it:
//
//	{
//	  "method": "GET",
//	  "url": "https://data.example/api?rows=100&start=0",
//	  "status": 200,
//	  "headers": {"Content-Type": ["text/csv"]},
//	  "body_file": "<name>.body",
//	  "request_body_sha256": ""
//	}
//
// method defaults to GET and status to 200; a header value may be a string
// or a list of strings; body_file is relative to the meta file and may be
// omitted for an empty body; request_body_sha256 is the hex SHA-256 of the
// request body of a POST. Other keys are ignored (a "note" is welcome).

// replayMeta is the decoded meta file of a recorded response.
type replayMeta struct {
	Method            string
	URL               string
	Status            int
	Header            http.Header
	BodyFile          string
	RequestBodySHA256 string
}

// recordedMeta is the meta file as Record writes it.
type recordedMeta struct {
	Method            string      `json:"method"`
	URL               string      `json:"url"`
	Status            int         `json:"status"`
	Headers           http.Header `json:"headers,omitempty"`
	BodyFile          string      `json:"body_file,omitempty"`
	RequestBodySHA256 string      `json:"request_body_sha256,omitempty"`
}

// errNotMeta marks a JSON file that is not a replay meta file (a JSON body,
// for instance): a JSON value other than an object, or an object without "url".
var errNotMeta = errors.New("not a replay meta file")

// parseReplayMeta decodes a replay meta file. It returns errNotMeta for
// valid JSON that is not one, and another error for a malformed one.
func parseReplayMeta(data []byte) (replayMeta, error) {
	var m replayMeta
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // editors' BOM
	if !json.Valid(data) {
		return m, errors.New("invalid JSON")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil || obj == nil {
		return m, errNotMeta
	}
	rawURL, ok := obj["url"]
	if !ok {
		return m, errNotMeta
	}
	if err := json.Unmarshal(rawURL, &m.URL); err != nil {
		return m, errors.New(`"url" must be a string`)
	}
	if v, ok := obj["method"]; ok {
		if err := json.Unmarshal(v, &m.Method); err != nil {
			return m, errors.New(`"method" must be a string`)
		}
	}
	if v, ok := obj["status"]; ok {
		if err := json.Unmarshal(v, &m.Status); err != nil {
			return m, errors.New(`"status" must be an integer`)
		}
	}
	if v, ok := obj["body_file"]; ok {
		if err := json.Unmarshal(v, &m.BodyFile); err != nil {
			return m, errors.New(`"body_file" must be a string`)
		}
	}
	if v, ok := obj["request_body_sha256"]; ok {
		if err := json.Unmarshal(v, &m.RequestBodySHA256); err != nil {
			return m, errors.New(`"request_body_sha256" must be a string`)
		}
	}
	if v, ok := obj["headers"]; ok {
		h, err := parseHeaders(v)
		if err != nil {
			return m, err
		}
		m.Header = h
	}
	return m, validateMeta(&m)
}

// parseHeaders accepts {"Name": "value"} and {"Name": ["v1", "v2"]}, and
// canonicalises the names.
func parseHeaders(raw json.RawMessage) (http.Header, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, errors.New(`"headers" must be an object`)
	}
	h := http.Header{}
	for name, v := range obj {
		var one string
		var many []string
		switch {
		case json.Unmarshal(v, &one) == nil:
			many = []string{one}
		case json.Unmarshal(v, &many) == nil:
		default:
			return nil, fmt.Errorf("header %q must be a string or a list of strings", name)
		}
		key := textproto.CanonicalMIMEHeaderKey(name)
		h[key] = append(h[key], many...)
	}
	return h, nil
}

func validateMeta(m *replayMeta) error {
	m.Method = normMethod(strings.TrimSpace(m.Method))
	if m.Status == 0 {
		m.Status = http.StatusOK
	}
	if m.Status < 100 || m.Status > 599 {
		return fmt.Errorf("status %d out of range", m.Status)
	}
	u, err := url.Parse(m.URL)
	if err != nil {
		return fmt.Errorf("url: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("url %q is not an absolute http(s) URL", m.URL)
	}
	if m.BodyFile != "" {
		if filepath.IsAbs(m.BodyFile) || strings.HasPrefix(m.BodyFile, "/") {
			return fmt.Errorf("body_file %q must be relative to the meta file", m.BodyFile)
		}
		for _, el := range strings.FieldsFunc(m.BodyFile, func(r rune) bool { return r == '/' || r == '\\' }) {
			if el == ".." {
				return fmt.Errorf("body_file %q must not leave the folder", m.BodyFile)
			}
		}
	}
	m.RequestBodySHA256 = strings.ToLower(strings.TrimSpace(m.RequestBodySHA256))
	if s := m.RequestBodySHA256; s != "" {
		if b, err := hex.DecodeString(s); err != nil || len(b) != 32 {
			return fmt.Errorf("request_body_sha256 %q is not a hex SHA-256", s)
		}
	}
	return nil
}

// replayEntry is one indexed recording.
type replayEntry struct {
	meta     replayMeta
	metaPath string
	bodyPath string // "" for an empty body
}

// replayIndex maps request keys to recordings.
type replayIndex struct {
	dir     string
	entries map[string]replayEntry
}

// loadReplay indexes every meta file under dir, recursively. A .json file
// that does not parse is an error unless a meta file names it as its body;
// so are a missing body file and two recordings of the same request.
func loadReplay(dir string) (*replayIndex, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("fetch: replay folder: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("fetch: replay folder %s is not a folder", dir)
	}
	var metas []replayEntry
	broken := map[string]error{} // path -> parse error
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
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
		m, err := parseReplayMeta(data)
		switch {
		case errors.Is(err, errNotMeta):
		case err != nil:
			broken[path] = err
		default:
			e := replayEntry{meta: m, metaPath: path}
			if m.BodyFile != "" {
				e.bodyPath = filepath.Join(filepath.Dir(path), filepath.FromSlash(m.BodyFile))
			}
			metas = append(metas, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("fetch: replay folder %s: %w", dir, err)
	}
	bodies := map[string]bool{}
	for _, e := range metas {
		if e.bodyPath != "" {
			bodies[filepath.Clean(e.bodyPath)] = true
		}
	}
	var problems []error
	for path, perr := range broken {
		if !bodies[filepath.Clean(path)] {
			problems = append(problems, fmt.Errorf("fetch: replay file %s: %w", path, perr))
		}
	}
	idx := &replayIndex{dir: dir, entries: map[string]replayEntry{}}
	for _, e := range metas {
		if bodies[filepath.Clean(e.metaPath)] {
			continue // a JSON body that happens to have a "url" key
		}
		if e.bodyPath != "" {
			if bfi, err := os.Stat(e.bodyPath); err != nil || !bfi.Mode().IsRegular() {
				problems = append(problems, fmt.Errorf("fetch: replay file %s: body_file %s is missing or not a file", e.metaPath, e.meta.BodyFile))
				continue
			}
		}
		key := requestKey(e.meta.Method, e.meta.URL, e.meta.RequestBodySHA256)
		if prev, dup := idx.entries[key]; dup {
			problems = append(problems, fmt.Errorf("fetch: replay files %s and %s record the same request %s", prev.metaPath, e.metaPath, key))
			continue
		}
		idx.entries[key] = e
	}
	if len(problems) > 0 {
		sort.Slice(problems, func(i, j int) bool { return problems[i].Error() < problems[j].Error() })
		return nil, errors.Join(problems...)
	}
	return idx, nil
}

func (c *Client) doReplay(ctx context.Context, req Request) (*Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fetch: %s %s: %w", req.Method, req.URL, err)
	}
	var bodySHA string
	if len(req.Body) > 0 {
		bodySHA = sha256Hex(req.Body)
	}
	e, ok := c.replay.entries[requestKey(req.Method, req.URL, bodySHA)]
	if !ok {
		return nil, fmt.Errorf("%w: %s %s (replay folder %s)", ErrNotRecorded, req.Method, req.URL, c.replay.dir)
	}
	body, err := c.replayBody(req, e, isSuccess(e.meta.Status))
	if err != nil {
		return nil, fmt.Errorf("fetch: %s %s: %w", req.Method, req.URL, err)
	}
	if !isSuccess(e.meta.Status) {
		return nil, &HTTPError{Method: req.Method, URL: req.URL, Status: e.meta.Status, Snippet: snippet(body.mem), Attempts: 1}
	}
	header := e.meta.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	return c.finish(req, e.meta.Status, header, body, 1, true), nil
}

// replayBody reads a recorded body, or, for a successful answer to a
// request that wants it on disk, hashes it where it lies.
func (c *Client) replayBody(req Request, e replayEntry, success bool) (payload, error) {
	if e.bodyPath == "" {
		return payload{}, nil
	}
	fi, err := os.Stat(e.bodyPath)
	if err != nil {
		return payload{}, fmt.Errorf("replay body: %w", err)
	}
	limit := c.opts.MaxBodyBytes
	if req.ToDisk && success {
		limit = c.diskLimit(req)
	}
	if fi.Size() > limit {
		return payload{}, fmt.Errorf("%w: replayed body of %d bytes exceeds the limit of %d bytes", ErrBodyTooLarge, fi.Size(), limit)
	}
	if req.ToDisk && success {
		sha, err := hashFile(e.bodyPath)
		if err != nil {
			return payload{}, fmt.Errorf("replay body: %w", err)
		}
		return payload{file: e.bodyPath, fileSize: fi.Size(), sha: sha}, nil
	}
	body, err := os.ReadFile(e.bodyPath)
	if err != nil {
		return payload{}, fmt.Errorf("replay body: %w", err)
	}
	return payload{mem: body}, nil
}

// record writes a response to RecordDir in the replay format.
func (c *Client) record(req Request, status int, header http.Header, body payload) error {
	key := RequestKey(req.Method, req.URL, req.Body)
	name := recordName(req.URL, key)
	m := recordedMeta{Method: req.Method, URL: req.URL, Status: status, Headers: header.Clone()}
	m.Headers.Del("Set-Cookie")
	if len(req.Body) > 0 {
		m.RequestBodySHA256 = sha256Hex(req.Body)
	}
	if body.size() > 0 {
		m.BodyFile = name + ".body"
		r, err := body.open()
		if err != nil {
			return err
		}
		err = writeFileAtomic(filepath.Join(c.opts.RecordDir, m.BodyFile), r)
		r.Close()
		if err != nil {
			return err
		}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(c.opts.RecordDir, name+".json"), bytes.NewReader(append(data, '\n'))); err != nil {
		return err
	}
	c.log.Debug("fetch: recorded", "method", req.Method, "url", req.URL, "file", name+".json")
	return nil
}

// recordName is a slug of host and path, at most 60 characters, a dash and
// 8 hex digits of the key's hash.
func recordName(rawURL, key string) string {
	var hostPath string
	if u, err := url.Parse(rawURL); err == nil {
		hostPath = u.Host + u.Path
	}
	return slug(hostPath, 60) + "-" + sha256Hex([]byte(key))[:8]
}

// slug lower-cases s and turns each run of characters other than a-z and
// 0-9 into one dash, trimmed, cut to max bytes; "request" when empty.
func slug(s string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	out := b.String()
	if len(out) > max {
		out = strings.TrimRight(out[:max], "-")
	}
	if out == "" {
		return "request"
	}
	return out
}

// normalizeURL returns the form of a URL used in request keys: scheme and
// host lower-cased, fragment dropped, an empty path made "/", and the query
// parameters re-encoded and stably sorted by name (so the order of values
// of a repeated name is kept). A URL that does not parse is returned as is.
func normalizeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" && u.Host != "" {
		u.Path, u.RawPath = "/", ""
	}
	u.RawQuery = normalizeQuery(u.RawQuery)
	u.ForceQuery = false
	return u.String()
}

// normalizeQuery re-encodes each name and value canonically ("%20" and "+"
// become "+", "%2c" and "," become "%2C") and stably sorts by name. Empty
// pieces ("a=1&&b=2") are dropped; a piece that does not decode is kept
// verbatim.
func normalizeQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type param struct{ name, enc string }
	var params []param
	for _, piece := range strings.Split(raw, "&") {
		if piece == "" {
			continue
		}
		k, v, hasValue := strings.Cut(piece, "=")
		name := reencode(k)
		enc := name
		if hasValue {
			enc += "=" + reencode(v)
		}
		params = append(params, param{name, enc})
	}
	sort.SliceStable(params, func(i, j int) bool { return params[i].name < params[j].name })
	parts := make([]string, len(params))
	for i, p := range params {
		parts[i] = p.enc
	}
	return strings.Join(parts, "&")
}

func reencode(s string) string {
	d, err := url.QueryUnescape(s)
	if err != nil {
		return s
	}
	return url.QueryEscape(d)
}
