package udata

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ligerdata/ligerdata/internal/fetch"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 64 << 10

// maxJSONBody bounds a JSON answer (a dataset with its resources).
const maxJSONBody = 32 << 20

// APIError is a non-2xx answer of the udata API. udata answers errors with
// a JSON object {"message": …, "errors": {field: [messages]}} (flask-restx
// abort, udata/api/__init__.py API.validate); upload errors are
// {"success": false, "error": …}.
type APIError struct {
	Method, Path string
	Status       int
	Message      string
	// Fields holds the validation errors by field name; nested form errors
	// (checksum.type …) are flattened with dots.
	Fields   map[string][]string
	Attempts int
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "udata: %s %s: HTTP %d", e.Method, e.Path, e.Status)
	switch e.Status {
	case http.StatusUnauthorized:
		b.WriteString(" (the API key was refused: check " + EnvAPIKey + ")")
	case http.StatusForbidden:
		b.WriteString(" (the API key's user may not do this: is it a member of the organization that owns the dataset?)")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if len(e.Fields) > 0 {
		names := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			names = append(names, k)
		}
		sort.Strings(names)
		b.WriteString(": invalid fields:")
		for i, k := range names {
			if i > 0 {
				b.WriteByte(';')
			}
			fmt.Fprintf(&b, " %s: %s", k, strings.Join(e.Fields[k], ", "))
		}
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

// parseAPIError decodes an error body; anything that is not udata's JSON
// error shape becomes the (shortened) message.
func parseAPIError(body []byte) (msg string, fields map[string][]string) {
	var v struct {
		Message json.RawMessage `json:"message"`
		Error   json.RawMessage `json:"error"`
		Errors  json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &v) != nil {
		s := strings.Join(strings.Fields(string(body)), " ")
		if len(s) > 300 {
			s = s[:300] + "…"
		}
		return s, nil
	}
	for _, raw := range []json.RawMessage{v.Message, v.Error} {
		var s string
		if json.Unmarshal(raw, &s) == nil && s != "" {
			msg = s
			break
		}
	}
	if len(v.Errors) > 0 {
		var tree any
		if json.Unmarshal(v.Errors, &tree) == nil {
			fields = map[string][]string{}
			flattenErrors("", tree, fields)
			if len(fields) == 0 {
				fields = nil
			}
		}
	}
	return msg, fields
}

// flattenErrors walks a WTForms error tree: {field: [msg]}, {field: msg},
// {form: {field: [msg]}} and lists of nested forms ([{…}, {}]).
func flattenErrors(prefix string, v any, out map[string][]string) {
	key := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch t := v.(type) {
	case map[string]any:
		for k, sub := range t {
			flattenErrors(key(k), sub, out)
		}
	case []any:
		for i, sub := range t {
			switch sub.(type) {
			case map[string]any, []any:
				flattenErrors(key(strconv.Itoa(i)), sub, out)
			default:
				flattenErrors(prefix, sub, out)
			}
		}
	case string:
		name := prefix
		if name == "" {
			name = "_"
		}
		out[name] = append(out[name], t)
	case nil:
	default:
		name := prefix
		if name == "" {
			name = "_"
		}
		out[name] = append(out[name], fmt.Sprint(t))
	}
}

// request is one API call. Body builds a fresh body for each attempt.
type request struct {
	Method, Path string // Path is relative to the API root: /datasets/…
	Query        string
	ContentType  string
	Body         func() (io.ReadCloser, int64, error)
	// Idempotent requests (GET, PUT, replacing a file) are retried on
	// network errors, 429 and 5xx; the others (creations) only on 429 and
	// 503, the two answers given before a request is processed, so that a
	// lost answer never creates a duplicate.
	Idempotent bool
}

// call performs r with retries and decodes a JSON answer into out (when
// not nil).
func (p *Publisher) call(ctx context.Context, r request, out any) error {
	url := p.api + r.Path
	if r.Query != "" {
		url += "?" + r.Query
	}
	for attempt := 1; ; attempt++ {
		status, hdr, body, err := p.attempt(ctx, url, r)
		if ctx.Err() != nil {
			return fmt.Errorf("udata: %s %s: %w", r.Method, r.Path, context.Cause(ctx))
		}
		if err == nil && status >= 200 && status < 300 {
			if out == nil || len(bytes.TrimSpace(body)) == 0 {
				return nil
			}
			if err := json.Unmarshal(body, out); err != nil {
				return fmt.Errorf("udata: %s %s: decode answer: %w", r.Method, r.Path, err)
			}
			return nil
		}
		retry := false
		switch {
		case err != nil:
			retry = r.Idempotent
		case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
			retry = true
		case status >= 500:
			retry = r.Idempotent
		}
		if !retry || attempt >= p.maxAttempts {
			if err != nil {
				return fmt.Errorf("udata: %s %s: after %d attempt(s): %w", r.Method, r.Path, attempt, err)
			}
			msg, fields := parseAPIError(body)
			return &APIError{Method: r.Method, Path: r.Path, Status: status, Message: msg, Fields: fields, Attempts: attempt}
		}
		delay := p.backoff(attempt)
		if err == nil {
			if ra, ok := fetch.RetryAfter(hdr.Get("Retry-After"), time.Now()); ok {
				delay = min(ra, p.maxDelay)
			}
		}
		p.log.Warn("udata: retrying", "method", r.Method, "path", r.Path, "attempt", attempt, "status", status, "err", err, "delay", delay)
		if err := p.sleep(ctx, delay); err != nil {
			return fmt.Errorf("udata: %s %s: waiting to retry: %w", r.Method, r.Path, err)
		}
	}
}

// attempt makes one attempt; the body of a 2xx answer is read up to
// maxJSONBody, that of an error up to maxErrorBody.
func (p *Publisher) attempt(ctx context.Context, url string, r request) (int, http.Header, []byte, error) {
	var body io.ReadCloser
	var size int64
	if r.Body != nil {
		b, n, err := r.Body()
		if err != nil {
			return 0, nil, nil, err
		}
		body, size = b, n
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, url, body)
	if err != nil {
		if body != nil {
			body.Close()
		}
		return 0, nil, nil, err
	}
	if body != nil {
		req.ContentLength = size
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	// Sent on reads too: a private dataset is only visible to its editors.
	req.Header.Set("X-API-KEY", p.apiKey)
	resp, err := p.hc.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	limit := int64(maxErrorBody)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		limit = maxJSONBody
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read answer: %w", err)
	}
	if int64(len(data)) > limit {
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return 0, nil, nil, fmt.Errorf("answer larger than %d bytes", limit)
		}
		data = data[:limit]
	}
	return resp.StatusCode, resp.Header, data, nil
}

// backoff returns the full-jitter delay after attempt n (from 1).
func (p *Publisher) backoff(n int) time.Duration { return fetch.Backoff(n, p.baseDelay, p.maxDelay) }

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// jsonBody returns a body factory for v, encoded once.
func jsonBody(v any) (func() (io.ReadCloser, int64, error), error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return func() (io.ReadCloser, int64, error) {
		return io.NopCloser(bytes.NewReader(b)), int64(len(b)), nil
	}, nil
}

// multipartFile returns the content type and a body factory for a
// multipart/form-data body with one part "file" (the field udata's
// upload_parser reads) holding the file at path under filename. The file is
// streamed, reopened at each attempt, with an exact Content-Length.
func multipartFile(path, filename, mediaType string) (string, func() (io.ReadCloser, int64, error), error) {
	var rnd [16]byte
	if _, err := crand.Read(rnd[:]); err != nil {
		return "", nil, err
	}
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	if err := mw.SetBoundary("ligerdata-" + hex.EncodeToString(rnd[:])); err != nil {
		return "", nil, err
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
	if mediaType == "" {
		mediaType = "application/octet-stream"
	}
	h.Set("Content-Type", mediaType)
	if _, err := mw.CreatePart(h); err != nil {
		return "", nil, err
	}
	headBytes := slices.Clone(head.Bytes())
	head.Reset()
	if err := mw.Close(); err != nil {
		return "", nil, err
	}
	tail := slices.Clone(head.Bytes()) // "\r\n--boundary--\r\n"
	ctype := mw.FormDataContentType()
	return ctype, func() (io.ReadCloser, int64, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, 0, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, err
		}
		r := io.MultiReader(bytes.NewReader(headBytes), f, bytes.NewReader(tail))
		return readCloser{r, f}, int64(len(headBytes)) + st.Size() + int64(len(tail)), nil
	}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// errNoAPIKey is wrapped by New when no API key is available.
var errNoAPIKey = errors.New("udata: no API key: set " + EnvAPIKey + " (a data.gouv.fr API key, from the profile settings of an account that is a member of the publishing organization)")
