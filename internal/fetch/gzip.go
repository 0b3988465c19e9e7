package fetch

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Compressed bodies. The client asks for gzip itself and decompresses the
// body, instead of leaving it to net/http, so that it can see how many
// bytes came over the wire: a body that decompresses to more than
// MaxGzipRatio times its compressed size, beyond gzipSlack bytes, is a
// decompression bomb and fails with ErrGzipBomb (which also matches
// ErrBodyTooLarge, and is not retried). Text data compresses 5 to 30
// times; a stream of zeros about 1,000 times.
const (
	MaxGzipRatio = 200
	gzipSlack    = 8 << 20
)

// ErrGzipBomb is returned for a compressed body that grows beyond
// MaxGzipRatio times its size once decompressed.
var ErrGzipBomb = fmt.Errorf("%w: decompressed body more than %d times its compressed size (gzip bomb?)", ErrBodyTooLarge, MaxGzipRatio)

// askGzip asks for a gzip body when the caller did not choose an encoding
// or a range itself; it reports whether it did.
func askGzip(h http.Header, method string) bool {
	if method == http.MethodHead || h.Get("Accept-Encoding") != "" || h.Get("Range") != "" {
		return false
	}
	h.Set("Accept-Encoding", "gzip")
	return true
}

// gunzip replaces a gzip body of resp by its decompressed stream, bounded
// by MaxGzipRatio, and drops the headers that described the compressed
// form (as net/http does when it decompresses).
func gunzip(resp *http.Response) error {
	if !strings.EqualFold(strings.TrimSpace(resp.Header.Get("Content-Encoding")), "gzip") {
		return nil
	}
	wire := &countingReader{r: resp.Body}
	zr, err := gzip.NewReader(wire)
	if err != nil {
		return fmt.Errorf("gzip body: %w", err)
	}
	resp.Body = &bombGuard{zr: zr, wire: wire, closer: resp.Body}
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.ContentLength = -1
	resp.Uncompressed = true
	return nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// bombGuard reads a decompressed body and fails once it outgrows its
// compressed size by MaxGzipRatio.
type bombGuard struct {
	zr     *gzip.Reader
	wire   *countingReader
	closer io.Closer
	out    int64
}

func (b *bombGuard) Read(p []byte) (int, error) {
	n, err := b.zr.Read(p)
	b.out += int64(n)
	if b.out > gzipSlack && b.out > MaxGzipRatio*b.wire.n {
		return n, fmt.Errorf("%w (%d bytes from %d)", ErrGzipBomb, b.out, b.wire.n)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		err = fmt.Errorf("gzip body: %w", err)
	}
	return n, err
}

func (b *bombGuard) Close() error { return b.closer.Close() }
