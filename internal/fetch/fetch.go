// Package fetch provides the polite HTTP client through which every
// connector reaches the network: an identifying User-Agent, a per-attempt
// timeout, retries with exponential backoff and full jitter on network
// errors, 429 and 5xx (honouring Retry-After), a cap on concurrent requests
// per host, conditional GET with ETag / Last-Modified, a body size limit, an
// egress policy checked on the resolved address at dial time, and a record
// and replay folder format so that tests and stewards can run pipelines
// without the network.
package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults applied by New to zero Options fields.
const (
	DefaultTimeout      = 60 * time.Second
	DefaultMaxAttempts  = 4
	DefaultBaseDelay    = 500 * time.Millisecond
	DefaultMaxDelay     = 30 * time.Second
	DefaultMaxBodyBytes = 512 << 20
	DefaultMaxDiskBytes = 64 << 30
	DefaultPerHost      = 2
)

// snippetBytes is how much of an error response body HTTPError keeps.
const snippetBytes = 512

// Options configures a Client. Zero fields take the documented defaults.
type Options struct {
	// UserAgent is sent with every request; default
	// "ligerdata/<version> (+https://github.com/ligerdata/ligerdata)".
	UserAgent string
	// Timeout bounds the wait for an answer's headers and every silence
	// while its body is read: a large body may take longer as long as data
	// keeps coming. Default 60s.
	Timeout time.Duration
	// MaxAttempts is the number of attempts of a request, first one
	// included; default 4 (1 + 3 retries).
	MaxAttempts int
	// BaseDelay and MaxDelay shape the backoff between attempts: attempt n
	// waits a random duration in [0, min(MaxDelay, BaseDelay*2^(n-1))]
	// ("full jitter"). Defaults 500ms and 30s. MaxDelay also caps
	// Retry-After.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxBodyBytes limits a response body; a larger one is an error
	// (matching ErrBodyTooLarge) naming the limit and the URL. Default 512 MiB.
	MaxBodyBytes int64
	// MaxDiskBytes limits a body kept on disk (Request.ToDisk) when the
	// request does not set its own MaxBytes; default 64 GiB.
	MaxDiskBytes int64
	// TempDir is where bodies kept on disk are written; default os.TempDir().
	TempDir string
	// PerHost is the maximum number of concurrent requests to one host
	// (host:port); default 2.
	PerHost int
	// RecordDir, when set, receives every final response (except 304, which
	// has no body to replay) in the replay format. It is created if missing.
	RecordDir string
	// ReplayDir, when set, cuts the network off: responses come from the
	// recorded responses in this folder and its subfolders, and a request
	// that was not recorded fails with ErrNotRecorded. Exclusive with
	// RecordDir.
	ReplayDir string
	// Egress says which destination addresses may be dialled. It is enforced
	// by the default transport only, and not in replay mode.
	Egress Egress
	// Logger receives retry and record logs; default: discarded.
	Logger *slog.Logger
	// Transport replaces the default transport (for tests). The default is
	// a clone of http.DefaultTransport whose dialer enforces Egress.
	Transport http.RoundTripper
	// Sleep waits between attempts; it must return ctx.Err() early when ctx
	// is done. Default: a timer honouring ctx.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now gives the time of FetchedAt and of Retry-After dates; default time.Now.
	Now func() time.Time
	// Observe, when set, is called once per successful Do with the final
	// response (fetched, 304 or replayed), before Do returns; the pipeline
	// runner uses it to keep every body in the raw store. It is not called
	// when Do returns an error. Concurrent Do calls may call it concurrently.
	Observe func(resp *Response)
	// Received, when set, is called while the body of a successful
	// response comes in from the network, with the bytes of each read
	// (not for replayed responses, nor for error bodies): a caller may
	// show a large download's progress. Concurrent Do calls may call it
	// concurrently; it must return quickly.
	Received func(n int64)
}

// Validators are what is remembered of a previous response of the same
// request: its ETag and Last-Modified headers, and the hex SHA-256 of its body.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	SHA256       string `json:"sha256,omitempty"`
}

// Request is one HTTP request.
type Request struct {
	// Method defaults to GET.
	Method string
	// URL is absolute, http or https.
	URL string
	// Header is sent as given, except User-Agent, which is always the
	// client's.
	Header http.Header
	// Body is the request body (POST, e.g. a CSW GetRecords).
	Body []byte
	// Prev holds the validators of the previous response of this request.
	// For GET and HEAD, its ETag and LastModified are sent as If-None-Match
	// and If-Modified-Since, and a 304 answer gives Response.Unchanged with
	// an empty Body. For any method, a body whose SHA-256 equals Prev.SHA256
	// gives Response.Unchanged too (with the Body).
	Prev *Validators
	// ToDisk asks for the body of a successful response on disk rather
	// than in memory: it is streamed to a temporary file in TempDir as it
	// arrives, its SHA-256 computed on the way, and Response.Body stays
	// nil. Read it with Response.Open; Response.Close removes the file.
	ToDisk bool
	// MaxBytes bounds a body kept on disk; 0 means Options.MaxDiskBytes.
	// A larger body is an error matching ErrBodyTooLarge.
	MaxBytes int64
}

// Response is the final response of a request.
type Response struct {
	Method, URL string
	Status      int
	Header      http.Header
	// Body is the body, unless the request asked for it on disk (see
	// Request.ToDisk and Open).
	Body []byte
	// Size is the size of the body in bytes, in memory or on disk.
	Size int64
	// SHA256 is the hex SHA-256 of the body; for a 304 (empty Body) it is
	// Prev.SHA256, the hash of the body the source still has.
	SHA256    string
	FetchedAt time.Time
	// Unchanged is true for a 304, or for a body whose SHA-256 equals
	// Prev.SHA256.
	Unchanged bool
	// Replayed is true when the response came from the replay folder.
	Replayed bool
	// Attempts is the number of attempts made (1 when replayed).
	Attempts int
	// Key is RequestKey of the request (method, URL and body hash): the
	// key under which to remember this response's validators.
	Key string

	prev *Validators
	// file holds the body when it is on disk; owned says Close removes it
	// (a replayed body is read in place).
	file  string
	owned bool
}

// Validators returns what to remember of this response for the next
// conditional request: its ETag and Last-Modified headers (for a 304 that
// omits them, those of Prev) and SHA256.
func (r *Response) Validators() Validators {
	v := Validators{ETag: r.Header.Get("ETag"), LastModified: r.Header.Get("Last-Modified"), SHA256: r.SHA256}
	if r.Status == http.StatusNotModified && r.prev != nil {
		if v.ETag == "" {
			v.ETag = r.prev.ETag
		}
		if v.LastModified == "" {
			v.LastModified = r.prev.LastModified
		}
	}
	return v
}

// HTTPError is a final response whose status is neither 2xx nor 304.
type HTTPError struct {
	Method, URL string
	Status      int
	// Snippet is the start of the response body, at most 512 bytes.
	Snippet  string
	Attempts int
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("fetch: %s %s: HTTP %d %s after %d attempt(s)", e.Method, e.URL, e.Status, http.StatusText(e.Status), e.Attempts)
	if s := strings.Join(strings.Fields(e.Snippet), " "); s != "" {
		if len(s) > 200 {
			s = s[:200] + "…"
		}
		msg += ": " + s
	}
	return msg
}

var (
	// ErrNotRecorded is returned in replay mode for a request that has no
	// recorded response.
	ErrNotRecorded = errors.New("fetch: request not recorded")
	// ErrEgressDenied is returned when the destination address is refused
	// by the egress policy.
	ErrEgressDenied = errors.New("fetch: destination address not allowed")
	// ErrBodyTooLarge is returned when a response body exceeds MaxBodyBytes.
	ErrBodyTooLarge = errors.New("fetch: response body too large")
)

// Client performs requests politely. It is safe for concurrent use.
type Client struct {
	opts   Options
	hc     *http.Client
	log    *slog.Logger
	replay *replayIndex

	mu    sync.Mutex
	hosts map[string]chan struct{} // per-host semaphores
}

// New returns a client with opts, defaults filled in. In replay mode it
// indexes ReplayDir and reports malformed or duplicate recordings.
func New(opts Options) (*Client, error) {
	if opts.Timeout < 0 || opts.MaxAttempts < 0 || opts.BaseDelay < 0 || opts.MaxDelay < 0 || opts.MaxBodyBytes < 0 || opts.MaxDiskBytes < 0 || opts.PerHost < 0 {
		return nil, errors.New("fetch: negative option")
	}
	if opts.RecordDir != "" && opts.ReplayDir != "" {
		return nil, errors.New("fetch: RecordDir and ReplayDir cannot both be set")
	}
	if opts.UserAgent == "" {
		opts.UserAgent = defaultUserAgent()
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxAttempts == 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.BaseDelay == 0 {
		opts.BaseDelay = DefaultBaseDelay
	}
	if opts.MaxDelay == 0 {
		opts.MaxDelay = DefaultMaxDelay
	}
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.MaxDiskBytes == 0 {
		opts.MaxDiskBytes = DefaultMaxDiskBytes
	}
	if opts.TempDir == "" {
		opts.TempDir = os.TempDir()
	}
	if opts.PerHost == 0 {
		opts.PerHost = DefaultPerHost
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Client{opts: opts, log: log, hosts: map[string]chan struct{}{}}
	if opts.ReplayDir != "" {
		idx, err := loadReplay(opts.ReplayDir)
		if err != nil {
			return nil, err
		}
		c.replay = idx
		return c, nil
	}
	if opts.RecordDir != "" {
		if err := mkdirAll(opts.RecordDir); err != nil {
			return nil, fmt.Errorf("fetch: record folder: %w", err)
		}
	}
	rt := opts.Transport
	if rt == nil {
		rt = egressTransport(opts.Egress)
	}
	c.hc = &http.Client{Transport: rt}
	return c, nil
}

func defaultUserAgent() string {
	version := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		version = bi.Main.Version
	}
	return "ligerdata/" + version + " (+https://github.com/ligerdata/ligerdata)"
}

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

// RequestKey returns the stable key of a request, under which validators
// and recordings are filed: the upper-cased method (GET when empty), a
// space and the URL normalised as for replay (scheme and host lower-cased,
// fragment dropped, query parameters sorted by name), followed, when body is
// not empty, by " sha256:" and the hex SHA-256 of body.
func RequestKey(method, url string, body []byte) string {
	var bodySHA string
	if len(body) > 0 {
		bodySHA = sha256Hex(body)
	}
	return requestKey(method, url, bodySHA)
}

func requestKey(method, rawURL, bodySHA string) string {
	k := normMethod(method) + " " + normalizeURL(rawURL)
	if bodySHA != "" {
		k += " sha256:" + strings.ToLower(bodySHA)
	}
	return k
}

func normMethod(m string) string {
	if m == "" {
		return http.MethodGet
	}
	return strings.ToUpper(m)
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Do performs the request with retries on network errors, 429 and 5xx
// (honouring Retry-After in seconds or HTTP-date, capped by MaxDelay), not
// on other 4xx. A final status other than 2xx and 304 is an *HTTPError.
// Errors name the method and URL. The body is read fully, up to
// MaxBodyBytes. Cancelling ctx stops waits and requests promptly; Do then
// returns an error matching ctx.Err(). In replay mode no network is used.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	req.Method = normMethod(req.Method)
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, fmt.Errorf("fetch: %s %s: invalid URL: %w", req.Method, req.URL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("fetch: %s %s: not an absolute http(s) URL", req.Method, req.URL)
	}
	var resp *Response
	if c.replay != nil {
		resp, err = c.doReplay(ctx, req)
	} else {
		resp, err = c.doNetwork(ctx, req, u.Host)
	}
	if err != nil {
		return nil, err
	}
	if c.opts.Observe != nil {
		c.opts.Observe(resp)
	}
	return resp, nil
}

// finish fills the fields common to fetched and replayed responses.
func (c *Client) finish(req Request, status int, header http.Header, body payload, attempts int, replayed bool) *Response {
	r := &Response{
		Method: req.Method, URL: req.URL, Status: status, Header: header, Body: body.mem,
		FetchedAt: c.opts.Now().UTC(), Replayed: replayed, Attempts: attempts, prev: req.Prev,
		Key: RequestKey(req.Method, req.URL, req.Body),
	}
	if status == http.StatusNotModified {
		body.discard()
		r.Body = nil
		r.Unchanged = true
		if req.Prev != nil {
			r.SHA256 = req.Prev.SHA256
		}
		return r
	}
	r.file, r.owned, r.Size, r.SHA256 = body.file, body.owned, body.size(), body.sha
	if r.SHA256 == "" {
		r.SHA256 = sha256Hex(body.mem)
	}
	r.Unchanged = req.Prev != nil && req.Prev.SHA256 != "" && strings.EqualFold(req.Prev.SHA256, r.SHA256)
	return r
}

func isSuccess(status int) bool {
	return (status >= 200 && status < 300) || status == http.StatusNotModified
}

func isRetryableStatus(status int) bool {
	return status == http.StatusTooManyRequests || (status >= 500 && status <= 599)
}

// attemptResult is the outcome of one attempt.
type attemptResult struct {
	status int
	header http.Header
	body   payload // whole body on success, a snippet otherwise
	err    error   // transport or body error (status is then 0)
}

func (c *Client) doNetwork(ctx context.Context, req Request, host string) (*Response, error) {
	for attempt := 1; ; attempt++ {
		res := c.attempt(ctx, req, host)
		if ctx.Err() != nil {
			res.body.discard()
			return nil, fmt.Errorf("fetch: %s %s: %w", req.Method, req.URL, context.Cause(ctx))
		}
		if res.err == nil && !isRetryableStatus(res.status) {
			return c.final(req, res, attempt)
		}
		if res.err != nil && !retryableErr(res.err) {
			return nil, fmt.Errorf("fetch: %s %s: %w", req.Method, req.URL, res.err)
		}
		if attempt >= c.opts.MaxAttempts {
			if res.err != nil {
				return nil, fmt.Errorf("fetch: %s %s: after %d attempt(s): %w", req.Method, req.URL, attempt, res.err)
			}
			return c.final(req, res, attempt)
		}
		res.body.discard()
		delay := c.backoff(attempt)
		if res.err == nil {
			if ra, ok := RetryAfter(res.header.Get("Retry-After"), c.opts.Now()); ok {
				delay = min(ra, c.opts.MaxDelay)
			}
		}
		c.log.Warn("fetch: retrying", "method", req.Method, "url", req.URL, "attempt", attempt,
			"status", res.status, "err", res.err, "delay", delay)
		if err := c.opts.Sleep(ctx, delay); err != nil {
			return nil, fmt.Errorf("fetch: %s %s: waiting to retry: %w", req.Method, req.URL, err)
		}
	}
}

// final turns the last attempt into a Response or an *HTTPError, and records
// it when recording.
func (c *Client) final(req Request, res attemptResult, attempts int) (*Response, error) {
	if c.opts.RecordDir != "" && res.status != http.StatusNotModified {
		if err := c.record(req, res.status, res.header, res.body); err != nil {
			res.body.discard()
			return nil, fmt.Errorf("fetch: %s %s: record: %w", req.Method, req.URL, err)
		}
	}
	if !isSuccess(res.status) {
		res.body.discard()
		return nil, &HTTPError{Method: req.Method, URL: req.URL, Status: res.status, Snippet: snippet(res.body.mem), Attempts: attempts}
	}
	return c.finish(req, res.status, res.header, res.body, attempts, false), nil
}

func snippet(b []byte) string {
	if len(b) > snippetBytes {
		b = b[:snippetBytes]
	}
	return string(b)
}

// backoff returns the full-jitter delay after attempt n (from 1).
func (c *Client) backoff(n int) time.Duration { return Backoff(n, c.opts.BaseDelay, c.opts.MaxDelay) }

// Backoff returns a full-jitter delay after attempt n (from 1): a random
// duration between 0 and min(maxDelay, base·2ⁿ⁻¹), without overflow. It is
// shared by every HTTP client of the project that retries.
func Backoff(n int, base, maxDelay time.Duration) time.Duration {
	ceiling := maxDelay
	if n-1 < 62 {
		if d := base << (n - 1); d > 0 && d>>(n-1) == base && d < ceiling {
			ceiling = d
		}
	}
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling + 1)
}

// RetryAfter parses a Retry-After value: delay-seconds (capped at a day)
// or an HTTP-date (relative to now, never negative). ok is false for an
// empty, negative or unreadable value.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// retryableErr tells transport errors worth retrying from the others.
func retryableErr(err error) bool {
	var certErr *tls.CertificateVerificationError
	switch {
	case errors.Is(err, ErrEgressDenied), errors.Is(err, ErrBodyTooLarge), errors.Is(err, context.Canceled):
		return false
	case errors.As(err, &certErr):
		return false
	}
	return true
}

func (c *Client) acquire(ctx context.Context, host string) (release func(), err error) {
	host = strings.ToLower(host)
	c.mu.Lock()
	sem, ok := c.hosts[host]
	if !ok {
		sem = make(chan struct{}, c.opts.PerHost)
		c.hosts[host] = sem
	}
	c.mu.Unlock()
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// attempt makes one attempt under the per-host limit, reading the body
// (fully on success, a snippet otherwise); it fails after Options.Timeout
// without an answer or without new bytes of the body.
func (c *Client) attempt(ctx context.Context, req Request, host string) attemptResult {
	release, err := c.acquire(ctx, host)
	if err != nil {
		return attemptResult{err: err}
	}
	defer release()
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	idle := time.AfterFunc(c.opts.Timeout, func() { cancel(errIdle) })
	defer idle.Stop()
	res := c.exchange(actx, req, idle)
	if res.err != nil && ctx.Err() == nil && errors.Is(context.Cause(actx), errIdle) {
		res.err = fmt.Errorf("%w (%s)", errIdle, c.opts.Timeout)
	}
	return res
}

// errIdle is an attempt that waited Options.Timeout for an answer or for
// the next bytes of its body; it is retried as a timeout is.
var errIdle = fmt.Errorf("no answer or no data for too long: %w", context.DeadlineExceeded)

// idleBody pushes back the attempt's timer at every read that returns
// data, and reports the bytes read to received when it is set.
type idleBody struct {
	io.ReadCloser
	timer    *time.Timer
	d        time.Duration
	received func(n int64)
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.timer.Reset(b.d)
		if b.received != nil {
			b.received(int64(n))
		}
	}
	return n, err
}

// exchange sends the request under actx, which idle cancels after
// Options.Timeout without progress, and reads the body.
func (c *Client) exchange(actx context.Context, req Request, idle *time.Timer) attemptResult {
	var body io.Reader
	if len(req.Body) > 0 {
		body = bytes.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(actx, req.Method, req.URL, body)
	if err != nil {
		return attemptResult{err: err}
	}
	for k, vs := range req.Header {
		hreq.Header[k] = append([]string(nil), vs...)
	}
	hreq.Header.Set("User-Agent", c.opts.UserAgent)
	gz := askGzip(hreq.Header, req.Method)
	if req.Prev != nil && (req.Method == http.MethodGet || req.Method == http.MethodHead) {
		if req.Prev.ETag != "" {
			hreq.Header.Set("If-None-Match", req.Prev.ETag)
		}
		if req.Prev.LastModified != "" {
			hreq.Header.Set("If-Modified-Since", req.Prev.LastModified)
		}
	}
	hresp, err := c.hc.Do(hreq)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the url.Error repeats method and URL
		}
		return attemptResult{err: err}
	}
	defer hresp.Body.Close()
	idle.Reset(c.opts.Timeout)
	ib := &idleBody{ReadCloser: hresp.Body, timer: idle, d: c.opts.Timeout}
	hresp.Body = ib
	if gz {
		if err := gunzip(hresp); err != nil {
			return attemptResult{err: err}
		}
	}

	if !isSuccess(hresp.StatusCode) {
		snip, _ := io.ReadAll(io.LimitReader(hresp.Body, snippetBytes))
		return attemptResult{status: hresp.StatusCode, header: hresp.Header, body: payload{mem: snip}}
	}
	ib.received = c.opts.Received
	limit := c.opts.MaxBodyBytes
	if req.ToDisk {
		limit = c.diskLimit(req)
	}
	if hresp.ContentLength > limit {
		return attemptResult{err: fmt.Errorf("%w: Content-Length %d exceeds the limit of %d bytes", ErrBodyTooLarge, hresp.ContentLength, limit)}
	}
	if req.ToDisk {
		body, err := c.spill(hresp.Body, limit)
		if err != nil {
			return attemptResult{err: err}
		}
		return attemptResult{status: hresp.StatusCode, header: hresp.Header, body: body}
	}
	data, err := io.ReadAll(io.LimitReader(hresp.Body, limit+1))
	if err != nil {
		return attemptResult{err: fmt.Errorf("read body: %w", err)}
	}
	if int64(len(data)) > limit {
		return attemptResult{err: fmt.Errorf("%w: body exceeds the limit of %d bytes", ErrBodyTooLarge, limit)}
	}
	return attemptResult{status: hresp.StatusCode, header: hresp.Header, body: payload{mem: data}}
}

// egressTransport clones http.DefaultTransport with a dialer that refuses
// destinations the policy does not allow, checked on the resolved address.
func egressTransport(e Egress) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: e.control}
	t.DialContext = d.DialContext
	return t
}
