package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// rawGet fetches path without the transport's transparent gzip.
func rawGet(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// TestReuseCompressionAndCORS checks that a text file is served gzip- or
// Brotli-compressed to the same bytes, that Parquet and Range answers are
// not, and that files answer CORS (the dashboard does not).
func TestReuseCompressionAndCORS(t *testing.T) {
	srv, public := apiServer(t)
	csvURL := srv.URL + "/datasets/" + apiDataset + "/" + apiRelease + "/data.csv"
	want, err := os.ReadFile(filepath.Join(public, "datasets", apiDataset, apiRelease, "data.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []string{"gzip", "br"} {
		resp, b := rawGet(t, csvURL, "Accept-Encoding", "deflate, "+enc)
		if resp.Header.Get("Content-Encoding") != enc || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("%s: headers %v", enc, resp.Header)
		}
		var r io.Reader
		if enc == "gzip" {
			if r, err = gzip.NewReader(bytes.NewReader(b)); err != nil {
				t.Fatal(err)
			}
		} else {
			r = brotli.NewReader(bytes.NewReader(b))
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: decoded body differs from data.csv (%v)", enc, err)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.HasPrefix(resp.Header.Get("ETag"), `W/"`) {
			t.Errorf("%s: CORS %q, ETag %q", enc, resp.Header.Get("Access-Control-Allow-Origin"), resp.Header.Get("ETag"))
		}
		if resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("release URL: Cache-Control %q", resp.Header.Get("Cache-Control"))
		}
	}
	resp, b := rawGet(t, csvURL, "Accept-Encoding", "gzip", "Range", "bytes=0-9")
	if resp.StatusCode != http.StatusPartialContent || resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(b, want[:10]) {
		t.Errorf("range: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Encoding"), b)
	}
	resp, _ = rawGet(t, srv.URL+"/datasets/"+apiDataset+"/"+apiRelease+"/data.parquet", "Accept-Encoding", "gzip, br")
	if resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("parquet compressed again: %q", resp.Header.Get("Content-Encoding"))
	}
	resp, _ = rawGet(t, srv.URL+"/datasets/"+apiDataset+"/latest/data.csv")
	if resp.Header.Get("Cache-Control") != "no-cache" || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("latest: Cache-Control %q, CORS %q", resp.Header.Get("Cache-Control"), resp.Header.Get("Access-Control-Allow-Origin"))
	}
	resp, _ = rawGet(t, srv.URL+"/tableau-de-bord")
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("the dashboard answers CORS")
	}
	req, _ := http.NewRequest(http.MethodOptions, csvURL, nil)
	req.Header.Set("Origin", "https://exemple.org")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "range")
	pre, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	pre.Body.Close()
	if pre.StatusCode != http.StatusNoContent || !strings.Contains(pre.Header.Get("Access-Control-Allow-Headers"), "Range") {
		t.Errorf("preflight: %d %v", pre.StatusCode, pre.Header)
	}
}
