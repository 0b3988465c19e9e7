package web

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// isCatalogPage reports whether name is a Hydra page of the catalogue,
// "catalog-<n>.jsonld" with n a positive decimal number without leading
// zero.
func isCatalogPage(name string) bool {
	n, ok := strings.CutPrefix(name, "catalog-")
	if !ok {
		return false
	}
	n, ok = strings.CutSuffix(n, ".jsonld")
	if !ok || n == "" || len(n) > 9 || n[0] == '0' {
		return false
	}
	for i := 0; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			return false
		}
	}
	return true
}

// catalog serves the catalogue files written at the root of the public
// tree: catalog.jsonld, its Hydra pages catalog-<n>.jsonld and catalog.ttl.
func (s *site) catalog(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name != "catalog.jsonld" && name != "catalog.ttl" && !isCatalogPage(name) {
		s.notFound(w, r)
		return
	}
	p := filepath.Join(s.tree.dir, name)
	if !s.tree.contains(p) {
		s.log.Warn("catalogue file resolves outside the published tree", "path", p)
		s.notFound(w, r)
		return
	}
	f, err := os.Open(p)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("open catalogue", "path", p, "err", err)
		}
		s.notFound(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		s.log.Warn("catalogue is not a readable regular file", "path", p, "err", err)
		s.notFound(w, r)
		return
	}
	b, err := io.ReadAll(io.LimitReader(f, maxCatalogBytes+1))
	if err != nil || len(b) > maxCatalogBytes {
		s.log.Warn("catalogue unreadable or too large", "path", p, "err", err)
		s.serverError(w, r)
		return
	}
	b = rebase(b, s.base(r))
	h := w.Header()
	h.Set("Content-Type", contentType(name))
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, fi.ModTime(), bytes.NewReader(b))
}

// maxCatalogBytes bounds a catalogue file the site loads to serve.
const maxCatalogBytes = 256 << 20

// catalogIDSuffix ends the IRI of the catalogue node a run writes,
// <base>/catalog.jsonld#catalog, in every catalogue file.
const catalogIDSuffix = "/catalog.jsonld#catalog"

// rebase rewrites the addresses of a catalogue file written under another
// base (the run's LIGERDATA_BASE_URL) to base, the one it is served from:
// every IRI starting with the written base and a slash. The written base is
// read from the catalogue node's IRI; a catalogue with relative IRIs, or
// already under base, is returned as it is.
func rebase(b []byte, base string) []byte {
	i := bytes.Index(b, []byte(catalogIDSuffix))
	if i < 0 {
		return b
	}
	start := bytes.LastIndexAny(b[:i], "\"<")
	if start < 0 {
		return b
	}
	written := string(b[start+1 : i])
	if written == "" || written == base || !strings.Contains(written, "://") {
		return b
	}
	return bytes.ReplaceAll(b, []byte(written+"/"), []byte(base+"/"))
}

// contentType returns the media type of a published file from its name.
func contentType(name string) string {
	if name == sumsName {
		return "text/plain; charset=utf-8"
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".parquet":
		return "application/vnd.apache.parquet"
	case ".json":
		return "application/json"
	case ".jsonld":
		return "application/ld+json"
	case ".geojson":
		return "application/geo+json"
	case ".ttl":
		return "text/turtle; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	default:
		return "application/octet-stream"
	}
}
