package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of the page cache.
const (
	// pageCacheTTL is how long a look at the published tree is trusted: a
	// release switched by a run shows on cached pages at most this late.
	pageCacheTTL = time.Second
	// pageCacheBytes bounds the memory held by rendered pages.
	pageCacheBytes = 64 << 20
	// pageCacheMaxQuery is the longest query string whose page is kept; a
	// page with a longer one is rendered on each request.
	pageCacheMaxQuery = 256
)

// pageCache keeps rendered pages in memory for one published state: a page
// whose content only depends on the published tree (home, dataset, release,
// report pages, feeds) is rendered once per state, then served from memory
// with a strong ETag (gzip-compressed for clients that accept it), and
// answered 304 when the client has it.
//
// The state is a digest of what a run changes when it publishes: the
// modification times of the public folder, of its datasets/ and
// indicators/ folders and of each dataset or indicator folder, and the
// target of each latest link. A release switched in, a latest link moved
// and a release pruned all change it. It is taken again at most once per
// TTL, so a request costs a map look-up, and a new release is shown at most
// a TTL late. Any handler can use it: wrap it with cache.wrap when
// registering the route.
type pageCache struct {
	dir      string
	ttl      time.Duration
	maxBytes int
	now      func() time.Time
	// vary, when set, gives what a page depends on besides its path and
	// query (the base address a page is served under); it joins the key.
	vary func(*http.Request) string

	refreshing atomic.Bool // a request is taking the state again

	mu      sync.RWMutex
	gen     uint64    // counts the states seen, for store
	state   string    // digest of the published state the pages belong to
	checked time.Time // when state was last computed
	pages   map[string]*cachedPage
	bytes   int
	// renders counts pages rendered into the cache (for tests).
	renders int
}

// cachedPage is one rendered response, and its gzip encoding when worth it.
type cachedPage struct {
	status int
	header http.Header
	body   []byte
	etag   string
	gz     []byte // nil when the page is small or already encoded
	gzETag string
}

// gzipMinBytes is the smallest page worth compressing.
const gzipMinBytes = 1024

func newPageCache(dir string, ttl time.Duration, maxBytes int) *pageCache {
	return &pageCache{dir: dir, ttl: ttl, maxBytes: maxBytes, now: time.Now, pages: map[string]*cachedPage{}}
}

// wrap returns h served from the cache. Only GET and HEAD requests with a
// short query and no Range are cached, and only the answers 200 and 404 that set no
// cookie and are not no-store (a page showing a passing failure); anything else goes to h on each request.
func (c *pageCache) wrap(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || len(r.URL.RawQuery) > pageCacheMaxQuery || r.Header.Get("Range") != "" {
			h(w, r)
			return
		}
		key := r.URL.Path + "?" + r.URL.RawQuery
		if c.vary != nil {
			key = c.vary(r) + " " + key
		}
		p, gen := c.lookup(key)
		if p == nil {
			p = c.render(h, r)
			if p.status != http.StatusOK && p.status != http.StatusNotFound || p.header.Get("Set-Cookie") != "" ||
				strings.Contains(p.header.Get("Cache-Control"), "no-store") {
				p.write(w, r)
				return
			}
			c.store(key, p, gen)
		}
		p.write(w, r)
	}
}

// lookup returns the page kept under key for the current state, or nil,
// and the generation of that state (for store).
func (c *pageCache) lookup(key string) (*cachedPage, uint64) {
	c.refresh()
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.pages[key], c.gen
}

// refresh takes the published state again once it is a TTL old. One
// request does it, outside the lock (it reads every dataset folder); the
// others meanwhile keep being served the pages of the last state taken.
func (c *pageCache) refresh() {
	now := c.now()
	c.mu.RLock()
	due := now.Sub(c.checked) >= c.ttl || now.Before(c.checked)
	c.mu.RUnlock()
	if !due || !c.refreshing.CompareAndSwap(false, true) {
		return
	}
	defer c.refreshing.Store(false)
	st := publishedState(c.dir)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.checked = now
	if st != c.state {
		c.state, c.pages, c.bytes = st, map[string]*cachedPage{}, 0
		c.gen++
	}
}

// store keeps p under key, dropping other pages when the cache is full. A
// page rendered for an older generation of the state is not kept.
func (c *pageCache) store(key string, p *cachedPage, gen uint64) {
	size := len(p.body) + len(p.gz) + len(key)
	c.mu.Lock()
	defer c.mu.Unlock()
	if size > c.maxBytes || gen != c.gen {
		return
	}
	if old, ok := c.pages[key]; ok {
		c.bytes -= len(old.body) + len(old.gz) + len(key)
	}
	for k, old := range c.pages { // random eviction: cheap and fair enough
		if c.bytes+size <= c.maxBytes {
			break
		}
		c.bytes -= len(old.body) + len(old.gz) + len(k)
		delete(c.pages, k)
	}
	c.pages[key] = p
	c.bytes += size
	c.renders++
}

// render runs h into a buffer.
func (c *pageCache) render(h http.HandlerFunc, r *http.Request) *cachedPage {
	bw := &bufferWriter{header: http.Header{}}
	get := r.Clone(r.Context())
	get.Method = http.MethodGet // a HEAD fills the cache with the full page
	for _, k := range []string{"If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range"} {
		get.Header.Del(k) // the cache keeps the full page and answers these itself
	}
	h(bw, get)
	if bw.status == 0 {
		bw.status = http.StatusOK
	}
	sum := sha256.Sum256(bw.body.Bytes())
	tag := hex.EncodeToString(sum[:16])
	p := &cachedPage{status: bw.status, header: bw.header, body: bw.body.Bytes(), etag: `"` + tag + `"`}
	p.header.Del("Content-Length")
	if len(p.body) >= gzipMinBytes && p.header.Get("Content-Encoding") == "" {
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
		_, _ = zw.Write(p.body)
		if zw.Close() == nil {
			p.gz, p.gzETag = gz.Bytes(), `"`+tag+`-gzip"`
		}
	}
	return p
}

// write answers r with the page: 304 when If-None-Match names its ETag.
// A client that accepts gzip gets the compressed page, with its own ETag.
func (p *cachedPage) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range p.header {
		h[k] = v
	}
	body, etag := p.body, p.etag
	if p.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag = p.gz, p.gzETag
			h.Set("Content-Encoding", "gzip")
		}
	}
	if p.status == http.StatusOK {
		h.Set("ETag", etag)
		if etagMatches(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(p.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// acceptsGzip reports whether an Accept-Encoding value accepts gzip: it
// names gzip or "*" without q=0.
func acceptsGzip(ae string) bool {
	for _, part := range strings.Split(ae, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		if q == "q=0" || strings.HasPrefix(q, "q=0.") && strings.Trim(q[4:], "0") == "" {
			return false
		}
		return true
	}
	return false
}

// etagMatches reports whether an If-None-Match value names etag (weak
// comparison, as RFC 9110 asks for If-None-Match) or is "*".
func etagMatches(inm, etag string) bool {
	for inm != "" {
		var tag string
		tag, inm, _ = cutETag(inm)
		if tag == "*" || tag == etag || tag == "W/"+etag {
			return true
		}
	}
	return false
}

// cutETag splits the first entity tag off a comma-separated list.
func cutETag(s string) (tag, rest string, ok bool) {
	s = trimOWS(s)
	end := len(s)
	inQuote := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			inQuote = !inQuote
		case ',':
			if !inQuote {
				end = i
				return trimOWS(s[:end]), s[end+1:], true
			}
		}
	}
	return trimOWS(s), "", true
}

func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// bufferWriter is the http.ResponseWriter a page is rendered into.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }

func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// publishedState digests what a publication changes in the tree under dir
// (see pageCache). Unreadable parts count as absent: the digest then changes
// when they come back.
func publishedState(dir string) string {
	h := sha256.New()
	var buf [8]byte
	stamp := func(path string) {
		fi, err := os.Lstat(path)
		if err != nil {
			h.Write([]byte{0})
			return
		}
		binary.LittleEndian.PutUint64(buf[:], uint64(fi.ModTime().UnixNano()))
		h.Write(buf[:])
	}
	stamp(dir)
	for _, sub := range []string{"datasets", "indicators"} {
		parent := filepath.Join(dir, sub)
		stamp(parent)
		entries, err := os.ReadDir(parent)
		if err != nil {
			continue
		}
		for _, e := range entries {
			p := filepath.Join(parent, e.Name())
			h.Write([]byte(e.Name()))
			stamp(p)
			target, _ := os.Readlink(filepath.Join(p, latestName))
			h.Write([]byte(target))
			h.Write([]byte{0})
		}
	}
	return string(h.Sum(nil))
}
