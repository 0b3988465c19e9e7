package web

import (
	"compress/gzip"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/andybalholm/brotli"
)

// forReusers wraps the site with what lets any tool reuse it: CORS, so
// that a page on another origin can fetch files, catalogue and API
// (everything but the stewards' dashboard), and compression of text
// answers (Brotli when the client accepts it, else gzip).
func forReusers(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/tableau-de-bord") {
			hd := w.Header()
			hd.Set("Access-Control-Allow-Origin", "*")
			hd.Set("Access-Control-Expose-Headers", "ETag, Content-Length, Content-Range, Content-Disposition, Ligerdata-Release")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				hd.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
				hd.Set("Access-Control-Allow-Headers", "Range, If-None-Match, If-Modified-Since, Authorization")
				hd.Set("Access-Control-Max-Age", "86400")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		enc := chooseEncoding(r)
		if enc == "" {
			h.ServeHTTP(w, r)
			return
		}
		cw := &compressWriter{ResponseWriter: w, enc: enc}
		defer cw.Close()
		h.ServeHTTP(cw, r)
	})
}

// chooseEncoding picks br or gzip from Accept-Encoding, "" for none (or
// for a Range request, whose byte offsets are of the identity body).
func chooseEncoding(r *http.Request) string {
	if r.Header.Get("Range") != "" || r.Method == http.MethodHead {
		return ""
	}
	var br, gz bool
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.ReplaceAll(strings.TrimSpace(params), " ", "") == "q=0" {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "br":
			br = true
		case "gzip":
			gz = true
		}
	}
	switch {
	case br:
		return "br"
	case gz:
		return "gzip"
	}
	return ""
}

// compressible reports whether a media type is text worth compressing.
func compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	if strings.HasPrefix(mt, "text/") {
		return true
	}
	switch mt {
	case "application/json", "application/ld+json", "application/geo+json", "application/jsonl",
		"application/atom+xml", "application/xml", "image/svg+xml", "application/javascript":
		return true
	}
	return false
}

// compressWriter compresses the body when, at WriteHeader, the answer is
// a full (200) text answer without an encoding of its own.
type compressWriter struct {
	http.ResponseWriter
	enc     string
	decided bool
	w       io.WriteCloser // nil: identity
}

func (c *compressWriter) WriteHeader(status int) {
	if !c.decided {
		c.decided = true
		h := c.Header()
		if status == http.StatusOK && h.Get("Content-Encoding") == "" && compressible(h.Get("Content-Type")) {
			h.Del("Content-Length")
			h.Set("Content-Encoding", c.enc)
			h.Add("Vary", "Accept-Encoding")
			if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
				h.Set("ETag", "W/"+et) // the bytes differ from the identity body
			}
			if c.enc == "br" {
				c.w = brotli.NewWriterLevel(c.ResponseWriter, 4)
			} else {
				c.w, _ = gzip.NewWriterLevel(c.ResponseWriter, gzip.BestSpeed)
			}
		}
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *compressWriter) Write(b []byte) (int, error) {
	if !c.decided {
		if c.Header().Get("Content-Type") == "" {
			c.Header().Set("Content-Type", http.DetectContentType(b))
		}
		c.WriteHeader(http.StatusOK)
	}
	if c.w != nil {
		return c.w.Write(b)
	}
	return c.ResponseWriter.Write(b)
}

// Flush sends what is compressed so far (streamed exports).
func (c *compressWriter) Flush() {
	if f, ok := c.w.(interface{ Flush() error }); ok {
		_ = f.Flush()
	}
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Close ends the compressed stream.
func (c *compressWriter) Close() error {
	if c.w != nil {
		return c.w.Close()
	}
	return nil
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (c *compressWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
