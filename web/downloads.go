package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// download serves a file of a release. The release may be "latest", which
// is resolved at request time; only SHA256SUMS and the files it lists are
// served.
func (s *site) download(w http.ResponseWriter, r *http.Request) {
	s.serveReleaseFile(w, r, s.tree, fileURL)
}

// serveReleaseFile serves the file {file} of release {release} of
// {dataset} (path values) from tree t; urlOf gives the URL of a file of a
// release (for Content-Location when the release is "latest").
func (s *site) serveReleaseFile(w http.ResponseWriter, r *http.Request, t tree, urlOf func(dataset, release, file string) string) {
	dataset, rel, file := r.PathValue("dataset"), r.PathValue("release"), r.PathValue("file")
	if !validName(dataset) || !validName(rel) || !validName(file) {
		s.notFound(w, r)
		return
	}
	isLatest := rel == latestName
	if isLatest {
		resolved, err := t.latest(dataset)
		if err != nil {
			if !errors.Is(err, errNotFound) {
				s.log.Warn("resolve latest release", "dataset", dataset, "err", err)
			}
			s.notFound(w, r)
			return
		}
		rel = resolved
	}
	dir, err := t.releaseDir(dataset, rel)
	if err != nil {
		if !errors.Is(err, errNotFound) {
			s.log.Warn("open release", "dataset", dataset, "release", rel, "err", err)
		}
		s.notFound(w, r)
		return
	}
	sums, sumsBytes, err := t.sums(dir)
	if err != nil {
		s.log.Warn("read release checksums", "dataset", dataset, "release", rel, "err", err)
		s.notFound(w, r)
		return
	}
	var etag string
	if file == sumsName {
		h := sha256.Sum256(sumsBytes)
		etag = hex.EncodeToString(h[:])
	} else {
		for _, c := range sums {
			if c.File == file {
				etag = c.Hex
				break
			}
		}
		if etag == "" {
			s.notFound(w, r)
			return
		}
	}
	p := filepath.Join(dir, file)
	lfi, err := os.Lstat(p)
	if err != nil || !lfi.Mode().IsRegular() || !s.tree.contains(p) {
		s.log.Warn("listed file is missing or not a regular file", "path", p, "err", err)
		s.notFound(w, r)
		return
	}
	f, err := os.Open(p)
	if err != nil {
		s.log.Warn("open release file", "path", p, "err", err)
		s.notFound(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		s.log.Warn("stat release file", "path", p, "err", err)
		s.serverError(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType(file))
	h.Set("ETag", `"`+etag+`"`)
	if isLatest {
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Location", urlOf(dataset, rel, file))
	} else {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	// A large file on a slow link takes longer than a page: its deadline
	// grows with its size (at least 1 MiB/s), from the server's WriteTimeout.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(downloadWriteTimeout(fi.Size())))
	http.ServeContent(w, r, file, fi.ModTime(), f)
}

// downloadWriteTimeout is the time allowed to send a file of size bytes:
// two minutes, plus a second per MiB.
func downloadWriteTimeout(size int64) time.Duration {
	return 2*time.Minute + time.Duration(size>>20)*time.Second
}

// fileLink is a downloadable file of a release.
type fileLink struct {
	Name   string
	Format string
	URL    string
	Size   string
	SHA256 string
}

// formatLabel names a file's format for readers.
func formatLabel(name string) string {
	if name == sumsName {
		return "sommes de contrôle SHA-256"
	}
	switch name {
	case "data-fr.csv":
		return "CSV pour tableur (point-virgule, virgule décimale)"
	case "datapackage.json":
		return "JSON (Data Package)"
	case "quality.json":
		return "JSON (rapport de qualité)"
	case changesName:
		return "JSON (journal des modifications)"
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".csv":
		return "CSV"
	case ".parquet":
		return "Parquet"
	case ".geojson":
		return "GeoJSON"
	case ".json":
		return "JSON"
	default:
		return strings.TrimPrefix(strings.ToUpper(path.Ext(name)), ".")
	}
}

// files lists the downloadable files of a release in SHA256SUMS order, then
// SHA256SUMS itself; stat gives sizes (files that cannot be stat'ed are left
// out and logged).
func (s *site) files(rel *release) []fileLink {
	return s.filesWith(rel, fileURL)
}

// filesWith is files with urlOf giving the URL of a file of the release.
func (s *site) filesWith(rel *release, urlOf func(dataset, release, file string) string) []fileLink {
	var out []fileLink
	for _, c := range rel.Sums {
		fi, err := os.Lstat(filepath.Join(rel.Dir, c.File))
		if err != nil || !fi.Mode().IsRegular() {
			s.log.Warn("listed file is missing or not a regular file", "dataset", rel.Dataset,
				"release", rel.Name, "file", c.File, "err", err)
			continue
		}
		out = append(out, fileLink{
			Name:   c.File,
			Format: formatLabel(c.File),
			URL:    s.absURL(urlOf(rel.Dataset, rel.Name, c.File)),
			Size:   frenchSize(fi.Size()),
			SHA256: c.Hex,
		})
	}
	sums := fileLink{
		Name:   sumsName,
		Format: formatLabel(sumsName),
		URL:    s.absURL(urlOf(rel.Dataset, rel.Name, sumsName)),
	}
	if fi, err := os.Stat(filepath.Join(rel.Dir, sumsName)); err == nil {
		sums.Size = frenchSize(fi.Size())
	}
	return append(out, sums)
}

func fileURL(dataset, release, file string) string {
	return "/datasets/" + dataset + "/" + release + "/" + file
}

// releasePageURL is the root-relative URL of a release page.
func releasePageURL(dataset, release string) string {
	return "/jeux-de-donnees/" + dataset + "/versions/" + release
}

// datasetFeedURL is the root-relative URL of a dataset's Atom feed.
func datasetFeedURL(dataset string) string {
	return "/jeux-de-donnees/" + dataset + "/flux.atom"
}
