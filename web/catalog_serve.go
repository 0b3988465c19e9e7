package web

import (
	"errors"
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
	h := w.Header()
	h.Set("Content-Type", contentType(name))
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, fi.ModTime(), f)
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
