package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// sleeps records the delays a client asked to wait, without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// newTestClient returns a client allowed to reach loopback (httptest), with
// a recording Sleep unless opts has one.
func newTestClient(t *testing.T, opts Options) (*Client, *sleeps) {
	t.Helper()
	sl := &sleeps{}
	if opts.Sleep == nil {
		opts.Sleep = sl.sleep
	}
	opts.Egress.AllowLoopback = true
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c, sl
}

// statusSequence serves the given statuses in turn, then 200 with body.
func statusSequence(t *testing.T, body string, header http.Header, statuses ...int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(hits.Add(1))
		for k, vs := range header {
			w.Header()[k] = vs
		}
		if n <= len(statuses) {
			w.WriteHeader(statuses[n-1])
			fmt.Fprintf(w, "erreur temporaire n°%d", n)
			return
		}
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestRetryThenSuccess(t *testing.T) {
	tests := []struct {
		name     string
		statuses []int
	}{
		{"one 500", []int{500}},
		{"502 then 503", []int{502, 503}},
		{"429 without Retry-After", []int{429}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, hits := statusSequence(t, "code;nom\n44109;Nantes\n", nil, tc.statuses...)
			c, sl := newTestClient(t, Options{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second})
			resp, err := c.Do(context.Background(), Request{URL: srv.URL + "/communes.csv"})
			if err != nil {
				t.Fatal(err)
			}
			wantAttempts := len(tc.statuses) + 1
			if resp.Attempts != wantAttempts || int(hits.Load()) != wantAttempts {
				t.Errorf("Attempts = %d, server hits = %d, want %d", resp.Attempts, hits.Load(), wantAttempts)
			}
			if string(resp.Body) != "code;nom\n44109;Nantes\n" || resp.Status != 200 {
				t.Errorf("got %d %q", resp.Status, resp.Body)
			}
			delays := sl.all()
			if len(delays) != len(tc.statuses) {
				t.Fatalf("slept %d times, want %d", len(delays), len(tc.statuses))
			}
			for i, d := range delays {
				// Full jitter: attempt i+1 waits in [0, base*2^i].
				if ceiling := 100 * time.Millisecond << i; d < 0 || d > ceiling {
					t.Errorf("delay %d = %v, want within [0, %v]", i, d, ceiling)
				}
			}
		})
	}
}

func TestBackoffBounds(t *testing.T) {
	c, _ := newTestClient(t, Options{BaseDelay: 500 * time.Millisecond, MaxDelay: 3 * time.Second})
	tests := []struct {
		name    string
		attempt int
		ceiling time.Duration
	}{
		{"first", 1, 500 * time.Millisecond},
		{"second doubles", 2, time.Second},
		{"third", 3, 2 * time.Second},
		{"capped", 4, 3 * time.Second},
		{"huge attempt does not overflow", 200, 3 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var maxSeen time.Duration
			for range 200 {
				d := c.backoff(tc.attempt)
				if d < 0 || d > tc.ceiling {
					t.Fatalf("backoff(%d) = %v, want within [0, %v]", tc.attempt, d, tc.ceiling)
				}
				maxSeen = max(maxSeen, d)
			}
			if maxSeen < tc.ceiling/4 {
				t.Errorf("200 draws never exceeded %v: no jitter up to the ceiling %v", maxSeen, tc.ceiling)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 15, 21, 0, 0, time.UTC)
	tests := []struct {
		name       string
		retryAfter string
		want       time.Duration
	}{
		{"seconds", "2", 2 * time.Second},
		{"http date", now.Add(5 * time.Second).Format(http.TimeFormat), 5 * time.Second},
		{"date in the past", now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"capped by MaxDelay", "120", 30 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := statusSequence(t, "ok", http.Header{"Retry-After": {tc.retryAfter}}, 429)
			c, sl := newTestClient(t, Options{Now: func() time.Time { return now }})
			if _, err := c.Do(context.Background(), Request{URL: srv.URL}); err != nil {
				t.Fatal(err)
			}
			if got := sl.all(); len(got) != 1 || got[0] != tc.want {
				t.Errorf("slept %v, want [%v]", got, tc.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, in string
		want     time.Duration
		ok       bool
	}{
		{"empty", "", 0, false},
		{"zero", "0", 0, true},
		{"spaces", " 7 ", 7 * time.Second, true},
		{"negative", "-3", 0, false},
		{"garbage", "soon", 0, false},
		{"rfc850 date", "Thursday, 01-Jan-26 00:00:09 GMT", 9 * time.Second, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := RetryAfter(tc.in, now)
			if got != tc.want || ok != tc.ok {
				t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestNoRetryOnClientError(t *testing.T) {
	tests := []struct {
		name   string
		status int
	}{
		{"404", http.StatusNotFound},
		{"400", http.StatusBadRequest},
		{"403", http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, hits := statusSequence(t, "never", nil, tc.status, tc.status)
			c, sl := newTestClient(t, Options{})
			_, err := c.Do(context.Background(), Request{URL: srv.URL + "/absent"})
			var he *HTTPError
			if !errors.As(err, &he) {
				t.Fatalf("err = %v, want *HTTPError", err)
			}
			if he.Status != tc.status || he.Attempts != 1 || hits.Load() != 1 || len(sl.all()) != 0 {
				t.Errorf("status %d attempts %d hits %d sleeps %d; want %d, 1, 1, 0", he.Status, he.Attempts, hits.Load(), len(sl.all()), tc.status)
			}
		})
	}
}

func TestFinal503IsHTTPError(t *testing.T) {
	srv, hits := statusSequence(t, "never", nil, 503, 503, 503, 503, 503)
	c, sl := newTestClient(t, Options{MaxAttempts: 3})
	url := srv.URL + "/api/records?rows=10"
	resp, err := c.Do(context.Background(), Request{URL: url})
	if resp != nil {
		t.Errorf("resp = %+v, want nil", resp)
	}
	var he *HTTPError
	if !errors.As(err, &he) {
		t.Fatalf("err = %v, want *HTTPError", err)
	}
	if he.Status != 503 || he.URL != url || he.Method != "GET" || he.Attempts != 3 {
		t.Errorf("HTTPError = %+v", he)
	}
	if he.Snippet != "erreur temporaire n°3" {
		t.Errorf("Snippet = %q, want the last body", he.Snippet)
	}
	if hits.Load() != 3 || len(sl.all()) != 2 {
		t.Errorf("hits %d sleeps %d, want 3 and 2", hits.Load(), len(sl.all()))
	}
	for _, part := range []string{"GET", url, "503", "3 attempt"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not mention %q", err, part)
		}
	}
}

func TestSnippetIsCapped(t *testing.T) {
	long := strings.Repeat("x", 2000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusGone)
		io.WriteString(w, long)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Options{})
	_, err := c.Do(context.Background(), Request{URL: srv.URL})
	var he *HTTPError
	if !errors.As(err, &he) || len(he.Snippet) != 512 {
		t.Fatalf("err = %v; want an HTTPError with a 512-byte snippet", err)
	}
	if len(err.Error()) > 400 {
		t.Errorf("error message is %d characters long", len(err.Error()))
	}
}

func TestConditionalGet(t *testing.T) {
	const etag, lastMod = `"v42"`, "Wed, 21 Oct 2026 07:28:00 GMT"
	var gotINM, gotIMS atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotINM.Store(r.Header.Get("If-None-Match"))
		gotIMS.Store(r.Header.Get("If-Modified-Since"))
		if r.Header.Get("If-None-Match") == etag {
			w.Header().Set("ETag", etag)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v43"`)
		w.Header().Set("Last-Modified", lastMod)
		io.WriteString(w, "nouveau contenu")
	}))
	defer srv.Close()
	prevSHA := sha256Hex([]byte("ancien contenu"))

	tests := []struct {
		name          string
		method        string
		prev          *Validators
		wantINM       string
		wantIMS       string
		wantStatus    int
		wantUnchanged bool
		wantBody      string
		wantSHA       string
		wantETag      string
	}{
		{"304 maps to Unchanged", "GET", &Validators{ETag: etag, LastModified: lastMod, SHA256: prevSHA},
			etag, lastMod, 304, true, "", prevSHA, etag},
		{"changed source", "GET", &Validators{ETag: `"v41"`, SHA256: prevSHA},
			`"v41"`, "", 200, false, "nouveau contenu", sha256Hex([]byte("nouveau contenu")), `"v43"`},
		{"no previous validators", "GET", nil,
			"", "", 200, false, "nouveau contenu", sha256Hex([]byte("nouveau contenu")), `"v43"`},
		{"POST sends no precondition", "POST", &Validators{ETag: etag, SHA256: prevSHA},
			"", "", 200, false, "nouveau contenu", sha256Hex([]byte("nouveau contenu")), `"v43"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newTestClient(t, Options{})
			var body []byte
			if tc.method == "POST" {
				body = []byte("<csw:GetRecords/>")
			}
			resp, err := c.Do(context.Background(), Request{Method: tc.method, URL: srv.URL, Prev: tc.prev, Body: body})
			if err != nil {
				t.Fatal(err)
			}
			if gotINM.Load() != tc.wantINM || gotIMS.Load() != tc.wantIMS {
				t.Errorf("sent If-None-Match %q If-Modified-Since %q; want %q %q", gotINM.Load(), gotIMS.Load(), tc.wantINM, tc.wantIMS)
			}
			if resp.Status != tc.wantStatus || resp.Unchanged != tc.wantUnchanged || string(resp.Body) != tc.wantBody || resp.SHA256 != tc.wantSHA {
				t.Errorf("resp = %d unchanged=%v body=%q sha=%s", resp.Status, resp.Unchanged, resp.Body, resp.SHA256)
			}
			v := resp.Validators()
			if v.ETag != tc.wantETag || v.SHA256 != tc.wantSHA {
				t.Errorf("Validators() = %+v, want ETag %s SHA %s", v, tc.wantETag, tc.wantSHA)
			}
		})
	}
}

func TestNotModifiedKeepsPrevLastModified(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotModified)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Options{})
	prev := &Validators{LastModified: "Mon, 02 Jan 2026 10:00:00 GMT", SHA256: "abc"}
	resp, err := c.Do(context.Background(), Request{URL: srv.URL, Prev: prev})
	if err != nil {
		t.Fatal(err)
	}
	if v := resp.Validators(); v != *prev {
		t.Errorf("Validators() = %+v, want the previous %+v", v, *prev)
	}
}

func TestUnchangedBySHA(t *testing.T) {
	body := "id,nom\n1,Angers\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, body) // no validators at all
	}))
	defer srv.Close()
	tests := []struct {
		name string
		prev *Validators
		want bool
	}{
		{"same hash", &Validators{SHA256: sha256Hex([]byte(body))}, true},
		{"same hash in upper case", &Validators{SHA256: strings.ToUpper(sha256Hex([]byte(body)))}, true},
		{"other hash", &Validators{SHA256: sha256Hex([]byte("autre"))}, false},
		{"no hash", &Validators{ETag: `"x"`}, false},
		{"no prev", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newTestClient(t, Options{})
			resp, err := c.Do(context.Background(), Request{URL: srv.URL, Prev: tc.prev})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Unchanged != tc.want || string(resp.Body) != body {
				t.Errorf("Unchanged = %v (body %q), want %v with the body", resp.Unchanged, resp.Body, tc.want)
			}
		})
	}
}

func TestMaxBodyBytes(t *testing.T) {
	body := strings.Repeat("a", 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("chunked") != "" {
			// Flushing before writing hides the length: chunked encoding.
			w.(http.Flusher).Flush()
		}
		io.WriteString(w, body)
	}))
	defer srv.Close()
	tests := []struct {
		name    string
		query   string
		limit   int64
		wantErr bool
	}{
		{"content-length over the limit", "", 999, true},
		{"chunked over the limit", "?chunked=1", 999, true},
		{"exactly the limit", "?chunked=1", 1000, false},
		{"under the limit", "", 5000, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, sl := newTestClient(t, Options{MaxBodyBytes: tc.limit})
			url := srv.URL + "/big" + tc.query
			resp, err := c.Do(context.Background(), Request{URL: url})
			if !tc.wantErr {
				if err != nil || len(resp.Body) != 1000 {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if !errors.Is(err, ErrBodyTooLarge) {
				t.Fatalf("err = %v, want ErrBodyTooLarge", err)
			}
			if !strings.Contains(err.Error(), url) || !strings.Contains(err.Error(), fmt.Sprint(tc.limit)) {
				t.Errorf("error %q should name the URL and the limit", err)
			}
			if len(sl.all()) != 0 {
				t.Error("a too-large body was retried")
			}
		})
	}
}

func TestCancelDuringBackoff(t *testing.T) {
	srv, hits := statusSequence(t, "ok", http.Header{"Retry-After": {"10"}}, 503, 503, 503)
	c, err := New(Options{Egress: Egress{AllowLoopback: true}}) // real Sleep
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err = c.Do(ctx, Request{URL: srv.URL})
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Do returned after %v, want promptly after cancel", elapsed)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if hits.Load() != 1 {
		t.Errorf("server hit %d times, want 1", hits.Load())
	}
}

func TestCancelDuringRequest(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c, _ := newTestClient(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Do(ctx, Request{URL: srv.URL})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 3*time.Second {
		t.Errorf("err = %v after %v; want DeadlineExceeded promptly", err, time.Since(start))
	}
}

func TestPerAttemptTimeoutIsRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		io.WriteString(w, "enfin")
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Options{Timeout: 200 * time.Millisecond})
	resp, err := c.Do(context.Background(), Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Attempts != 2 || string(resp.Body) != "enfin" {
		t.Errorf("attempts %d body %q", resp.Attempts, resp.Body)
	}
}

func TestNetworkErrorRetriedThenReported(t *testing.T) {
	// A listener that is closed: connection refused on every attempt.
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/gone"
	srv.Close()
	c, sl := newTestClient(t, Options{MaxAttempts: 3})
	_, err := c.Do(context.Background(), Request{URL: url})
	if err == nil {
		t.Fatal("no error")
	}
	if len(sl.all()) != 2 {
		t.Errorf("slept %d times, want 2 (3 attempts)", len(sl.all()))
	}
	if !strings.Contains(err.Error(), "GET "+url) || !strings.Contains(err.Error(), "3 attempt") {
		t.Errorf("error %q should name the method, the URL and the attempts", err)
	}
}

func TestEgress(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "ok")
	}))
	defer srv.Close()

	t.Run("loopback denied by default", func(t *testing.T) {
		sl := &sleeps{}
		c, err := New(Options{Sleep: sl.sleep})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Do(context.Background(), Request{URL: srv.URL})
		if !errors.Is(err, ErrEgressDenied) {
			t.Fatalf("err = %v, want ErrEgressDenied", err)
		}
		if !strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("error %q should name the address", err)
		}
		if hits.Load() != 0 || len(sl.all()) != 0 {
			t.Errorf("server hit %d times, %d retries; want none", hits.Load(), len(sl.all()))
		}
	})
	t.Run("name resolving to loopback denied", func(t *testing.T) {
		c, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
		_, err = c.Do(context.Background(), Request{URL: "http://localhost:" + port + "/"})
		if !errors.Is(err, ErrEgressDenied) {
			t.Fatalf("err = %v, want ErrEgressDenied", err)
		}
	})
	t.Run("private allowed does not allow loopback", func(t *testing.T) {
		c, err := New(Options{Egress: Egress{AllowPrivate: true}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err = c.Do(context.Background(), Request{URL: srv.URL}); !errors.Is(err, ErrEgressDenied) {
			t.Fatalf("err = %v, want ErrEgressDenied", err)
		}
	})
	t.Run("loopback allowed", func(t *testing.T) {
		c, err := New(Options{Egress: Egress{AllowLoopback: true}})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Do(context.Background(), Request{URL: srv.URL})
		if err != nil || string(resp.Body) != "ok" {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestEgressAllows(t *testing.T) {
	tests := []struct {
		addr             string
		none, loop, priv bool
	}{
		{"8.8.8.8", true, true, true},
		{"2a01:e0a:1::1", true, true, true},
		{"193.252.133.1", true, true, true},
		{"127.0.0.1", false, true, false},
		{"127.8.9.10", false, true, false},
		{"::1", false, true, false},
		{"::ffff:127.0.0.1", false, true, false},
		{"10.1.2.3", false, false, true},
		{"172.16.0.1", false, false, true},
		{"192.168.1.1", false, false, true},
		{"::ffff:192.168.1.1", false, false, true},
		{"100.64.0.1", false, false, true},
		{"fd00::1", false, false, true},
		{"169.254.169.254", false, false, true},
		{"fe80::1%eth0", false, false, true},
		{"0.0.0.0", false, false, false},
		{"0.1.2.3", false, false, false},
		{"::", false, false, false},
		{"224.0.0.1", false, false, false},
		{"ff02::1", false, false, false},
		{"255.255.255.255", false, false, false},
		// IPv6 addresses that carry an IPv4 one (NAT64, 6to4) are judged
		// by the IPv4 address they reach.
		{"64:ff9b::7f00:1", false, true, false},
		{"64:ff9b::10.1.2.3", false, false, true},
		{"64:ff9b::169.254.169.254", false, false, true},
		{"64:ff9b::8.8.8.8", true, true, true},
		{"2002:a01:203::1", false, false, true},
		{"2002:7f00:1::", false, true, false},
		{"2002:808:808::1", true, true, true},
		{"2a01:cb00::1", true, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			a := netip.MustParseAddr(tc.addr)
			got := []bool{Egress{}.allows(a), Egress{AllowLoopback: true}.allows(a), Egress{AllowPrivate: true}.allows(a)}
			want := []bool{tc.none, tc.loop, tc.priv}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("policy %d: allows = %v, want %v", i, got[i], want[i])
				}
			}
		})
	}
	if err := (Egress{}).control("tcp", "not an address", nil); !errors.Is(err, ErrEgressDenied) {
		t.Errorf("control with an unparsable address: %v", err)
	}
}

func TestUserAgentAndHeaders(t *testing.T) {
	var gotUA, gotAccept atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUA.Store(r.UserAgent())
		gotAccept.Store(r.Header.Get("Accept"))
	}))
	defer srv.Close()
	tests := []struct {
		name, ua, reqUA, wantPrefix string
	}{
		{"default", "", "", "ligerdata/"},
		{"custom", "ligerdata/1.2.3 (+https://github.com/ligerdata/ligerdata)", "", "ligerdata/1.2.3 "},
		{"request cannot override", "ligerdata/1.2.3", "curl/8", "ligerdata/1.2.3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newTestClient(t, Options{UserAgent: tc.ua})
			h := http.Header{"Accept": {"text/csv"}}
			if tc.reqUA != "" {
				h.Set("User-Agent", tc.reqUA)
			}
			if _, err := c.Do(context.Background(), Request{URL: srv.URL, Header: h}); err != nil {
				t.Fatal(err)
			}
			ua := gotUA.Load().(string)
			if !strings.HasPrefix(ua, tc.wantPrefix) || !strings.Contains(ua, "ligerdata") {
				t.Errorf("User-Agent = %q, want prefix %q", ua, tc.wantPrefix)
			}
			if tc.ua == "" && !strings.HasSuffix(ua, "(+https://github.com/ligerdata/ligerdata)") {
				t.Errorf("default User-Agent %q lacks the project URL", ua)
			}
			if gotAccept.Load() != "text/csv" {
				t.Errorf("Accept = %q, request header not sent", gotAccept.Load())
			}
		})
	}
}

func TestPostBodyResentOnRetry(t *testing.T) {
	var bodies []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, r.Method+" "+string(b))
		n := len(bodies)
		mu.Unlock()
		if n == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		io.WriteString(w, "<csw:GetRecordsResponse/>")
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Options{})
	resp, err := c.Do(context.Background(), Request{Method: "post", URL: srv.URL, Body: []byte("<csw:GetRecords/>")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"POST <csw:GetRecords/>", "POST <csw:GetRecords/>"}
	if fmt.Sprint(bodies) != fmt.Sprint(want) {
		t.Errorf("server got %q, want %q", bodies, want)
	}
	if resp.Method != "POST" {
		t.Errorf("Method = %q, want POST", resp.Method)
	}
}

func TestPerHostLimit(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(30 * time.Millisecond)
		inFlight.Add(-1)
	}))
	defer srv.Close()
	tests := []struct {
		name    string
		perHost int
	}{
		{"default 2", 0},
		{"one at a time", 1},
		{"three", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			peak.Store(0)
			c, _ := newTestClient(t, Options{PerHost: tc.perHost})
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := c.Do(context.Background(), Request{URL: fmt.Sprintf("%s/page/%d", srv.URL, i)}); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			want := int32(tc.perHost)
			if want == 0 {
				want = DefaultPerHost
			}
			if peak.Load() > want {
				t.Errorf("peak concurrency %d, want at most %d", peak.Load(), want)
			}
			if want > 1 && peak.Load() < 2 {
				t.Errorf("peak concurrency %d: requests were not concurrent at all", peak.Load())
			}
		})
	}
}

func TestObserve(t *testing.T) {
	srv, _ := statusSequence(t, "corps", nil, 500)
	var seen []*Response
	c, _ := newTestClient(t, Options{Observe: func(r *Response) { seen = append(seen, r) }})
	resp, err := c.Do(context.Background(), Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0] != resp {
		t.Errorf("Observe saw %d responses, want exactly the final one", len(seen))
	}
	// Not called on error.
	srv404, _ := statusSequence(t, "", nil, 404)
	if _, err := c.Do(context.Background(), Request{URL: srv404.URL}); err == nil {
		t.Fatal("want an error")
	}
	if len(seen) != 1 {
		t.Errorf("Observe called on an error")
	}
}

func TestDoRejectsBadURLs(t *testing.T) {
	c, _ := newTestClient(t, Options{})
	tests := []struct{ name, url string }{
		{"relative", "/data.csv"},
		{"ftp", "ftp://example.org/x"},
		{"file", "file:///etc/passwd"},
		{"unparsable", "http://[::1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Do(context.Background(), Request{URL: tc.url})
			if err == nil || !strings.Contains(err.Error(), "GET "+tc.url) {
				t.Errorf("err = %v, want an error naming GET %s", err, tc.url)
			}
		})
	}
}

func TestNewOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr bool
	}{
		{"zero is fine", Options{}, false},
		{"negative attempts", Options{MaxAttempts: -1}, true},
		{"record and replay", Options{RecordDir: t.TempDir(), ReplayDir: t.TempDir()}, true},
		{"missing replay folder", Options{ReplayDir: filepath.Join(t.TempDir(), "absent")}, true},
		{"replay is a file", Options{ReplayDir: writeTemp(t, "x.txt", "x")}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.opts)
			if (err != nil) != tc.wantErr {
				t.Errorf("New err = %v, wantErr %v", err, tc.wantErr)
			}
		})
	}
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	o := c.opts
	if o.Timeout != DefaultTimeout || o.MaxAttempts != 4 || o.BaseDelay != 500*time.Millisecond || o.MaxDelay != 30*time.Second ||
		o.MaxBodyBytes != 512<<20 || o.PerHost != 2 || !strings.HasPrefix(o.UserAgent, "ligerdata/") {
		t.Errorf("defaults not applied: %+v", o)
	}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRequestKey(t *testing.T) {
	body := []byte("<GetRecords/>")
	tests := []struct {
		name        string
		method, url string
		body        []byte
		want        string
	}{
		{"plain GET", "GET", "https://data.example/a.csv", nil, "GET https://data.example/a.csv"},
		{"default method", "", "https://data.example/a.csv", nil, "GET https://data.example/a.csv"},
		{"lower-case method", "get", "https://data.example/a.csv", nil, "GET https://data.example/a.csv"},
		{"sorted query", "GET", "https://data.example/api?rows=10&start=0&q=x", nil, "GET https://data.example/api?q=x&rows=10&start=0"},
		{"POST with body", "POST", "https://csw.example/csw", body, "POST https://csw.example/csw sha256:" + sha256Hex(body)},
		{"empty body adds nothing", "POST", "https://csw.example/csw", []byte{}, "POST https://csw.example/csw"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := RequestKey(tc.method, tc.url, tc.body); got != tc.want {
				t.Errorf("RequestKey = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNormalizeURL(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"already normal", "https://data.example/a?b=2&c=3", "https://data.example/a?b=2&c=3"},
		{"reordered", "https://data.example/a?c=3&b=2", "https://data.example/a?b=2&c=3"},
		{"repeated name keeps value order", "https://x.example/s?fq=b&a=1&fq=a", "https://x.example/s?a=1&fq=b&fq=a"},
		{"host and scheme case", "HTTPS://Data.Example/Path", "https://data.example/Path"},
		{"fragment dropped", "https://x.example/p?a=1#top", "https://x.example/p?a=1"},
		{"empty path", "https://x.example", "https://x.example/"},
		{"space encodings agree", "https://x.example/?q=a%20b", "https://x.example/?q=a+b"},
		{"comma encodings agree", "https://x.example/?fields=a,b", "https://x.example/?fields=a%2Cb"},
		{"lower-case percent", "https://x.example/?fields=a%2cb", "https://x.example/?fields=a%2Cb"},
		{"empty pieces dropped", "https://x.example/?&a=1&&", "https://x.example/?a=1"},
		{"name without value", "https://x.example/?b&a=", "https://x.example/?a=&b"},
		{"trailing question mark", "https://x.example/p?", "https://x.example/p"},
		{"bad escape kept", "https://x.example/?a=%zz", "https://x.example/?a=%zz"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := normalizeURL(tc.in); got != tc.want {
				t.Errorf("normalizeURL(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSlugAndRecordName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"host and path", "data.paysdelaloire.fr/api/explore/v2.1/records", "data-paysdelaloire-fr-api-explore-v2-1-records"},
		{"accents and case", "Exemple.FR/Données", "exemple-fr-donn-es"},
		{"empty", "", "request"},
		{"only symbols", "///", "request"},
		{"cut at 60 without trailing dash", strings.Repeat("abcd/", 20), strings.TrimRight(strings.Repeat("abcd-", 12), "-")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := slug(tc.in, 60)
			if got != tc.want || len(got) > 60 {
				t.Errorf("slug(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	a := recordName("https://x.example/a?p=1", RequestKey("GET", "https://x.example/a?p=1", nil))
	b := recordName("https://x.example/a?p=2", RequestKey("GET", "https://x.example/a?p=2", nil))
	if a == b || !strings.HasPrefix(a, "x-example-a-") || len(a) != len("x-example-a-")+8 {
		t.Errorf("record names %q and %q: want distinct, slug + 8 hex", a, b)
	}
}

func TestErrorsNameMethodAndURL(t *testing.T) {
	he := &HTTPError{Method: "POST", URL: "https://csw.example/csw", Status: 500, Snippet: "<html>\n  <body>Erreur   interne</body>\n</html>", Attempts: 4}
	msg := he.Error()
	for _, part := range []string{"POST https://csw.example/csw", "HTTP 500", "4 attempt", "<html> <body>Erreur interne</body> </html>"} {
		if !strings.Contains(msg, part) {
			t.Errorf("%q does not contain %q", msg, part)
		}
	}
	if !bytes.Equal([]byte(snippet(bytes.Repeat([]byte("é"), 400))), bytes.Repeat([]byte("é"), 256)) {
		t.Error("snippet does not keep the first 512 bytes")
	}
}

func TestResponseKeyNamesTheRequestBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<ok/>")) }))
	defer srv.Close()
	c, err := New(Options{Egress: Egress{AllowLoopback: true}})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, body := range []string{"<page start='1'/>", "<page start='51'/>"} {
		resp, err := c.Do(t.Context(), Request{Method: "POST", URL: srv.URL + "/csw", Body: []byte(body)})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Key != RequestKey("POST", srv.URL+"/csw", []byte(body)) {
			t.Errorf("Key %q is not the request's key", resp.Key)
		}
		keys[resp.Key] = true
	}
	if len(keys) != 2 {
		t.Error("two POSTs to one URL with different bodies share a key")
	}
}

// A body that keeps coming may take longer than Timeout in all; one that
// stops for longer than Timeout fails the attempt, which is retried.
func TestTimeoutIsIdleNotTotal(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stall := hits.Add(1) == 1
		w.Header().Set("Content-Length", "8")
		for i := 0; i < 8; i++ {
			io.WriteString(w, "x")
			w.(http.Flusher).Flush()
			d := 100 * time.Millisecond
			if stall && i == 3 {
				d = 2 * time.Second
			}
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return
			}
		}
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Options{Timeout: 400 * time.Millisecond})
	resp, err := c.Do(context.Background(), Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	// The second attempt streams for about 800ms, twice the timeout.
	if resp.Attempts != 2 || string(resp.Body) != "xxxxxxxx" {
		t.Errorf("attempts %d body %q, want 2 and 8 bytes", resp.Attempts, resp.Body)
	}
}

func TestIdleTimeoutError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "8")
		io.WriteString(w, "x")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Options{Timeout: 200 * time.Millisecond, MaxAttempts: 2})
	_, err := c.Do(context.Background(), Request{URL: srv.URL})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no data") {
		t.Errorf("err = %v, want an idle timeout", err)
	}
}

// TestReceivedDuringBody checks that Received reports the bytes of a body
// while it is still coming: the server sends 6 bytes, waits until the
// client has reported them, then sends the last 4. A 500 before it counts
// nothing (its body is an error page, not data).
func TestReceivedDuringBody(t *testing.T) {
	var sent atomic.Int32
	firstSeen := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sent.Add(1) == 1 {
			http.Error(w, "panne", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Length", "10")
		io.WriteString(w, "lignes")
		w.(http.Flusher).Flush()
		select {
		case <-firstSeen:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, "1234")
	}))
	t.Cleanup(srv.Close)
	var mu sync.Mutex
	var total int64
	received := func(n int64) {
		mu.Lock()
		defer mu.Unlock()
		total += n
		if total == 6 {
			close(firstSeen)
		}
	}
	for _, toDisk := range []bool{false, true} {
		sent.Store(0)
		total, firstSeen = 0, make(chan struct{})
		c, _ := newTestClient(t, Options{Received: received, TempDir: t.TempDir()})
		resp, err := c.Do(context.Background(), Request{URL: srv.URL, ToDisk: toDisk})
		if err != nil {
			t.Fatal(err)
		}
		resp.Close()
		if total != 10 || resp.Size != 10 {
			t.Errorf("ToDisk %v: received %d bytes, size %d, want 10 and 10", toDisk, total, resp.Size)
		}
	}
}
