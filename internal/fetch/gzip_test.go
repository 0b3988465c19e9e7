package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A gzip body is asked for, decompressed, and kept decompressed; one that
// grows more than MaxGzipRatio times fails at once, on disk as in memory,
// without being retried.
func TestGzipBodiesAndBombs(t *testing.T) {
	text := bytes.Repeat([]byte("code_insee,nom\n44109,Nantes\n"), 1000)
	// 64 MiB of zeros from about 64 KB: more than 200 times.
	bomb := bytes.Repeat(gzipped(t, make([]byte, 1<<20)), 64)
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		if r.Header.Get("Accept-Encoding") != "gzip" {
			t.Errorf("Accept-Encoding = %q, want gzip", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Encoding", "gzip")
		if r.URL.Path == "/bomb" {
			_, _ = w.Write(bomb)
			return
		}
		_, _ = w.Write(gzipped(t, text))
	}))
	defer srv.Close()
	c, _ := newTestClient(t, Options{})
	resp, err := c.Do(context.Background(), Request{URL: srv.URL + "/text"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(resp.Body, text) || resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("body of %d bytes (want %d decompressed), Content-Encoding %q", len(resp.Body), len(text), resp.Header.Get("Content-Encoding"))
	}
	for _, disk := range []bool{false, true} {
		hits = 0
		_, err := c.Do(context.Background(), Request{URL: srv.URL + "/bomb", ToDisk: disk})
		if !errors.Is(err, ErrGzipBomb) || !errors.Is(err, ErrBodyTooLarge) {
			t.Errorf("disk %v: err = %v, want ErrGzipBomb", disk, err)
		}
		if hits != 1 {
			t.Errorf("disk %v: %d attempts, want 1 (a bomb is not retried)", disk, hits)
		}
	}
}
