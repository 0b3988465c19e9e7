package pipelines

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/internal/fetch"
)

// The fault server of `make faults` (see faults_test.go): it answers every
// request of a pipeline with the recorded response of testdata/replay, as a
// real server would over TCP, except that a fault may change the answer.

// originalURL is the header in which redirectTransport passes the address
// the connector asked for.
const originalURL = "X-Ligerdata-Original-Url"

// redirectTransport sends every request to the fault server, whatever its
// host, through a plain transport (gzip handled as in production).
type redirectTransport struct {
	to   *url.URL
	base http.RoundTripper
}

func (t redirectTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set(originalURL, req.URL.String())
	r.URL.Scheme, r.URL.Host, r.Host = t.to.Scheme, t.to.Host, t.to.Host
	return t.base.RoundTrip(r)
}

// faultServer serves recordings with one fault.
type faultServer struct {
	t      testing.TB
	replay *fetch.Client
	fault  string
	drift  [2]string // schema drift: a source field renamed (old, new)
	srv    *httptest.Server

	mu        sync.Mutex
	hits      map[string]int       // attempts per request key
	firstAt   map[string]time.Time // when a 429 was sent, per key
	lastPath  string
	lastBody  []byte
	triggered bool     // the fault changed at least one answer
	breaches  []string // what the client did wrong (a 429 not waited for)
}

func newFaultServer(t testing.TB, replayDir, fault string, drift [2]string) *faultServer {
	t.Helper()
	rc, err := fetch.New(fetch.Options{ReplayDir: replayDir})
	if err != nil {
		t.Fatal(err)
	}
	f := &faultServer{t: t, replay: rc, fault: fault, drift: drift, hits: map[string]int{}, firstAt: map[string]time.Time{}}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

// transport points a Runner at the server.
func (f *faultServer) transport() http.RoundTripper {
	u, _ := url.Parse(f.srv.URL)
	return redirectTransport{to: u, base: &http.Transport{DisableKeepAlives: true}}
}

func (f *faultServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqBody, _ := io.ReadAll(r.Body)
	orig := r.Header.Get(originalURL)
	rec, err := f.replay.Do(r.Context(), fetch.Request{Method: r.Method, URL: orig, Body: reqBody})
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	rd, err := rec.Open()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	data, _ := io.ReadAll(rd)
	rd.Close()
	for k, vs := range rec.Header {
		if k != "Content-Length" && k != "Content-Encoding" && k != "Transfer-Encoding" {
			w.Header()[k] = vs
		}
	}
	key := fetch.RequestKey(r.Method, orig, reqBody)
	u, _ := url.Parse(orig)
	f.mu.Lock()
	f.hits[key]++
	n := f.hits[key]
	repeat := f.fault == "repeat" && u.Path == f.lastPath && f.lastBody != nil && !bytes.Equal(f.lastBody, data)
	if repeat {
		data = f.lastBody
	} else {
		f.lastPath, f.lastBody = u.Path, data
	}
	f.triggered = f.triggered || repeat
	f.mu.Unlock()
	f.answer(w, r, key, n, data)
}

// answer writes the response to the n-th attempt of a request.
func (f *faultServer) answer(w http.ResponseWriter, r *http.Request, key string, n int, data []byte) {
	switch f.fault {
	case "reset", "truncated":
		f.mark()
		f.cut(w, data, f.fault == "reset")
		return
	case "503":
		if n == 1 {
			f.mark()
			http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
			return
		}
	case "429":
		if f.tooMany(w, key, n) {
			return
		}
	case "slow":
		f.mark()
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(data[:len(data)/10])
		w.(http.Flusher).Flush()
		select { // stall until the client gives up
		case <-r.Context().Done():
		case <-time.After(2 * time.Minute):
		}
		return
	case "html":
		f.mark()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		data = []byte("<!DOCTYPE html>\n<html lang=\"fr\"><head><title>Maintenance</title></head>\n<body><h1>Site en maintenance</h1><p>Revenez plus tard.</p></body></html>\n")
	case "encoding":
		if bad := latin1(data); !bytes.Equal(bad, data) {
			f.mark()
			data = bad
		}
	case "gzip":
		f.mark()
		w.Header().Set("Content-Encoding", "gzip")
		data = gzipBomb()
	case "drift":
		if d := bytes.ReplaceAll(data, []byte(f.drift[0]), []byte(f.drift[1])); !bytes.Equal(d, data) {
			f.mark()
			data = d
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// tooMany answers the first attempt of a request with 429 and Retry-After:
// 1, and notes a client that comes back sooner.
func (f *faultServer) tooMany(w http.ResponseWriter, key string, n int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n == 1 {
		f.triggered = true
		f.firstAt[key] = time.Now()
		w.Header().Set("Retry-After", "1")
		http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
		return true
	}
	if waited := time.Since(f.firstAt[key]); n == 2 && waited < 900*time.Millisecond {
		f.breaches = append(f.breaches, fmt.Sprintf("retried after %s despite Retry-After: 1", waited.Round(time.Millisecond)))
	}
	return false
}

func (f *faultServer) mark() {
	f.mu.Lock()
	f.triggered = true
	f.mu.Unlock()
}

// cut announces the whole body, sends half of it and closes the
// connection: with a reset (RST) or a normal close (a truncated body).
func (f *faultServer) cut(w http.ResponseWriter, data []byte, reset bool) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		f.t.Errorf("hijack: %v", err)
		return
	}
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", w.Header().Get("Content-Type"), len(data))
	_, _ = buf.Write(data[:len(data)/2])
	_ = buf.Flush()
	if tcp, ok := conn.(*net.TCPConn); ok && reset {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// latin1 rewrites the accented letters of UTF-8 text in ISO-8859-1, as a
// source that changed its encoding without saying so.
func latin1(data []byte) []byte {
	for _, p := range [][2]string{{"é", "\xe9"}, {"è", "\xe8"}, {"à", "\xe0"}, {"ç", "\xe7"}, {"ô", "\xf4"}, {"É", "\xc9"}} {
		data = bytes.ReplaceAll(data, []byte(p[0]), []byte(p[1]))
	}
	return data
}

var bomb = sync.OnceValue(func() []byte {
	var one bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&one, gzip.BestCompression)
	_, _ = zw.Write(make([]byte, 1<<20))
	_ = zw.Close()
	// 4,096 gzip members of 1 MiB of zeros: 4 GiB once decompressed, from
	// about 4 MB on the wire (a gzip reader reads concatenated members).
	return bytes.Repeat(one.Bytes(), 4096)
})

func gzipBomb() []byte { return bomb() }

// note returns whether the fault changed an answer, and the client's
// breaches of the protocol.
func (f *faultServer) note() (bool, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.triggered, append([]string(nil), f.breaches...)
}
