// Package web provides the public web site of ligerdata, served by
// `ligerdata serve`: a French home page listing the published datasets, one
// page per dataset (description, licence, quality report, schema, preview of
// the first rows, downloads with size and sha256, releases with their
// changelogs, DCAT entry), one page per release, Atom feeds of new releases
// (site-wide and per dataset), the file downloads of every release with
// caching, Range and conditional requests, the DCAT-AP catalogue (JSON-LD,
// its Hydra pages and Turtle), and a read-only stewards' dashboard of the
// runs recorded in the store, with their rejected rows.
//
// The dashboard has no authentication of its own: in production it must sit
// behind the portal's authentication (or be disabled with
// Options.DisableDashboard).
//
// The site reads the published tree written by package output at request
// time (it does not import output), so a release switched by a run is served
// without a restart. It never serves names starting with "." (staging areas) nor files
// that are not listed in a release's SHA256SUMS.
package web

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/pipelines"
	"github.com/ligerdata/ligerdata/web/explore"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/style.css
var styleCSS []byte

// Options configures the site.
type Options struct {
	// PublicDir is the root of the published tree (required). It may not
	// exist yet: the site then lists no dataset until a run publishes one.
	PublicDir string
	// BaseURL is the absolute http(s) URL of the site, used in links that
	// leave the page (downloads, catalogue, canonical link). Optional: links
	// are root-relative when it is empty.
	BaseURL string
	// Logger receives the access log (Debug) and problems with the tree
	// (Warn/Error). Nil discards logs.
	Logger *slog.Logger
	// Now gives the current time, shown in page footers. Nil means time.Now.
	Now func() time.Time
	// StoreDir is the root of the folder store (runs/, rejected/, public/).
	// When set and PublicDir is empty, PublicDir is StoreDir/public. When
	// empty, the dashboard shows no history.
	StoreDir string
	// DisableDashboard removes the stewards' dashboard (/tableau-de-bord and
	// its rejected-rows pages), which is served by default. The dashboard is
	// read-only but shows run details and rejected source records: it must
	// sit behind the portal's authentication.
	DisableDashboard bool
	// Indicators are the declared indicators whose reports
	// (/rapports/…) and provenance pages (/indicateurs/…) the site
	// serves. Nil means the indicators embedded in the binary.
	Indicators []*indicators.Definition
	// PageCacheTTL is how long the site trusts its last look at the
	// published tree before serving a cached page (see pageCache): a new
	// release shows on the home, dataset and release pages at most this
	// late. Zero means one second; a negative value looks on every request.
	PageCacheTTL time.Duration
	// API bounds the queries of the OpenDataSoft-compatible query API
	// (/api/explore/v2.1/…); zero values take explore's defaults.
	API explore.Limits
	// Metrics, when set, are served at /metrics (Prometheus text format).
	Metrics *Metrics
	// Ready tells /readyz whether the daemon is ready (nil: always once
	// the site answers).
	Ready func() error
	// Steward puts the dashboard behind the stewards' sign-in and adds
	// their actions and JSON API (see StewardOptions).
	Steward *StewardOptions
}

// site is the http.Handler returned by New.
type site struct {
	tree    tree
	baseURL string
	log     *slog.Logger
	now     func() time.Time
	mux     *http.ServeMux
	pages   map[string]*template.Template
	cssPath string // versioned URL of the style sheet
	cssETag string
	// storeDir is the store root, "" when the site has no store.
	storeDir string
	changes  changesCache
	// auth, sched and auditLog serve the stewards (nil without
	// Options.Steward).
	auth     *auth
	sched    *pipelines.Scheduler
	auditLog *auditLog
	// indicators are the declared indicators, sorted by id.
	indicators []*indicators.Definition
	// cache serves the pages that depend only on the published tree.
	cache *pageCache
	// att serves the attendance declarations (nil without a store).
	att *attendanceSite
	// remind sends attendance reminders (StewardOptions.Remind).
	remind func(place, name, month, url string)
}

// New returns the handler of the public site for opts. It fails when both
// PublicDir and StoreDir are empty, when PublicDir is not a directory, when
// BaseURL is not an absolute http(s) URL, or when the embedded templates do
// not parse.
func New(opts Options) (http.Handler, error) {
	if opts.PublicDir == "" && opts.StoreDir != "" {
		opts.PublicDir = filepath.Join(opts.StoreDir, "public")
	}
	if opts.PublicDir == "" {
		return nil, errors.New("web: public directory is required")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if fi, err := os.Stat(opts.PublicDir); err == nil {
		if !fi.IsDir() {
			return nil, fmt.Errorf("web: public directory %s is not a directory", opts.PublicDir)
		}
	} else if errors.Is(err, fs.ErrNotExist) {
		log.Warn("public directory does not exist yet", "dir", opts.PublicDir)
	} else {
		return nil, fmt.Errorf("web: stat public directory: %w", err)
	}
	base := strings.TrimRight(opts.BaseURL, "/")
	if base != "" {
		u, err := url.Parse(base)
		if err != nil {
			return nil, fmt.Errorf("web: base URL: %w", err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("web: base URL %q: want an absolute http(s) URL", opts.BaseURL)
		}
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	sum := sha256.Sum256(styleCSS)
	s := &site{
		tree:     tree{dir: opts.PublicDir},
		baseURL:  base,
		log:      log,
		now:      now,
		mux:      http.NewServeMux(),
		cssPath:  "/static/style.css?v=" + hex.EncodeToString(sum[:6]),
		cssETag:  `"` + hex.EncodeToString(sum[:]) + `"`,
		storeDir: opts.StoreDir,
		cache:    newPageCache(opts.PublicDir, cmp.Or(opts.PageCacheTTL, pageCacheTTL), pageCacheBytes),
	}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	if err := s.setIndicators(opts.Indicators); err != nil {
		return nil, err
	}
	// Pages that only depend on the published tree are rendered once per
	// published state (see pageCache).
	s.mux.HandleFunc("GET /{$}", s.cache.wrap(s.home))
	s.mux.HandleFunc("GET /jeux-de-donnees/{dataset}", s.cache.wrap(s.dataset))
	s.mux.HandleFunc("GET /jeux-de-donnees/{dataset}/versions/{release}", s.cache.wrap(s.releasePage))
	s.mux.HandleFunc("GET /jeux-de-donnees/{dataset}/flux.atom", s.cache.wrap(s.datasetFeed))
	s.mux.HandleFunc("GET /flux.atom", s.cache.wrap(s.siteFeed))
	s.mux.HandleFunc("GET /datasets/{dataset}/{release}/{file}", s.download)
	s.reportRoutes()
	// The catalogue is read and compressed once per published state.
	s.mux.HandleFunc("GET /catalog.jsonld", s.cache.wrap(s.catalog))
	s.mux.HandleFunc("GET /catalog.ttl", s.cache.wrap(s.catalog))
	if !opts.DisableDashboard {
		s.setSteward(opts.Steward, opts.StoreDir)
		s.mux.HandleFunc("GET /tableau-de-bord", s.stewardPage(s.dashboard))
		s.mux.HandleFunc("GET /tableau-de-bord/rejets/{dataset}/{run}", s.stewardPage(s.rejects))
		s.mux.HandleFunc("GET /tableau-de-bord/executions/{pipeline}/{run}", s.stewardPage(s.runPageHandler))
	}
	s.attendanceRoutes()
	s.mux.Handle(explore.Prefix+"/", &apiHandler{site: s, lim: opts.API})
	s.mux.HandleFunc("GET /api", s.apiDoc)
	s.mux.HandleFunc("GET /recherche", s.search)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.probeRoutes(opts.Metrics, opts.Ready)
	s.mux.HandleFunc("GET /static/style.css", s.style)
	s.mux.HandleFunc("/", s.fallback)
	return forReusers(s), nil
}

func (s *site) parseTemplates() error {
	funcs := template.FuncMap{"url": s.absURL}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/warnings_part.html", "templates/attendance_report_part.html")
	if err != nil {
		return fmt.Errorf("web: parse layout template: %w", err)
	}
	s.pages = make(map[string]*template.Template)
	for _, name := range []string{"home.html", "dataset.html", "release.html", "dashboard.html", "rejects.html", "error.html", "signin.html", "run.html",
		"reports.html", "report.html", "indicator.html", "indicators.html", "api.html", "search.html",
		"attendance.html", "attendance_result.html", "attendance_dashboard.html"} {
		c, err := base.Clone()
		if err != nil {
			return fmt.Errorf("web: clone layout template: %w", err)
		}
		if _, err := c.ParseFS(templateFS, "templates/"+name); err != nil {
			return fmt.Errorf("web: parse template %s: %w", name, err)
		}
		s.pages[name] = c
	}
	return nil
}

// absURL prefixes a root-relative path with the base URL, when set.
func (s *site) absURL(p string) string {
	return s.baseURL + p
}

// ServeHTTP refuses hidden names and traversal before routing, recovers
// from panics and writes the access log.
func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic while serving", "path", r.URL.Path, "panic", fmt.Sprint(v))
			if !rec.wroteHeader {
				http.Error(rec, "erreur interne", http.StatusInternalServerError)
			}
		}
		s.log.Debug("http request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"bytes", rec.bytes, "duration", time.Since(start), "remote", r.RemoteAddr)
	}()
	setSecurityHeaders(rec.Header())
	if !safePath(r.URL) {
		s.notFound(rec, r)
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// contentSecurityPolicy: the site has no script and no inline style; its
// pages may not be framed, nor post forms elsewhere.
const contentSecurityPolicy = "default-src 'self'; script-src 'none'; object-src 'none'; img-src 'self' data:; " +
	"style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// setSecurityHeaders sets the headers every answer carries.
func setSecurityHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
}

// safePath reports whether the request path has no hidden or ".." segment,
// no backslash or NUL, and no encoded slash. Such requests get a 404 rather
// than the mux's redirect to a cleaned path.
func safePath(u *url.URL) bool {
	if strings.Contains(strings.ToLower(u.RawPath), "%2f") || strings.Contains(strings.ToLower(u.RawPath), "%5c") {
		return false
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if strings.HasPrefix(seg, ".") || strings.ContainsAny(seg, "\\\x00") {
			return false
		}
	}
	return true
}

// recorder captures the status and size of a response for the access log.
type recorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status = code
		r.wroteHeader = true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wroteHeader = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// ReadFrom keeps the underlying writer's sendfile path for downloads.
func (r *recorder) ReadFrom(src io.Reader) (int64, error) {
	r.wroteHeader = true
	if rf, ok := r.ResponseWriter.(io.ReaderFrom); ok {
		n, err := rf.ReadFrom(src)
		r.bytes += n
		return n, err
	}
	n, err := io.Copy(struct{ io.Writer }{r.ResponseWriter}, src)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// render executes a page template into a buffer and writes it with status.
func (s *site) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("render page", "page", page, "path", r.URL.Path, "err", err)
		http.Error(w, "erreur interne du serveur", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if h.Get("Cache-Control") == "" { // steward pages set no-store
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("Content-Length", fmt.Sprint(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// layoutData is shared by every page.
type layoutData struct {
	Title     string
	CSS       string
	Canonical string
	Generated string
	Catalog   string
	// Feeds are the Atom feeds announced in the page head: the site's,
	// then the dataset's on dataset and release pages.
	Feeds []link
	// NoIndex asks robots not to index the page (dashboard).
	NoIndex bool
}

func (s *site) layout(r *http.Request, title string) layoutData {
	return layoutData{
		Title:     title,
		CSS:       s.cssPath,
		Canonical: s.canonical(r),
		Generated: frenchDateTime(s.now()),
		Catalog:   s.absURL("/catalog.jsonld"),
		Feeds:     []link{{Title: "Nouvelles versions des jeux de données", URL: s.absURL("/flux.atom")}},
	}
}

// datasetLayout is the layout of a dataset's pages: it also announces the
// dataset's own feed.
func (s *site) datasetLayout(r *http.Request, title, dataset, datasetTitle string) layoutData {
	l := s.layout(r, title)
	l.Feeds = append(l.Feeds, link{Title: "Nouvelles versions : " + datasetTitle, URL: s.absURL(datasetFeedURL(dataset))})
	return l
}

func (s *site) canonical(r *http.Request) string {
	if s.baseURL == "" {
		return ""
	}
	return s.baseURL + r.URL.EscapedPath()
}

// errorPage is the data of the French error page.
type errorPage struct {
	Layout  layoutData
	Heading string
	Message string
}

func (s *site) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "error.html", errorPage{
		Layout:  s.layout(r, "Page introuvable"),
		Heading: "Page introuvable",
		Message: "La page ou le fichier demandé n'existe pas, ou n'est plus publié.",
	})
}

func (s *site) serverError(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusInternalServerError, "error.html", errorPage{
		Layout:  s.layout(r, "Erreur du serveur"),
		Heading: "Erreur du serveur",
		Message: "Une erreur est survenue en lisant les données publiées. Merci de réessayer plus tard.",
	})
}

func (s *site) fallback(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "méthode non autorisée", http.StatusMethodNotAllowed)
		return
	}
	if isCatalogPage(strings.TrimPrefix(r.URL.Path, "/")) {
		s.cache.wrap(s.catalog)(w, r)
		return
	}
	s.notFound(w, r)
}

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

func (s *site) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, "ok")
}

func (s *site) style(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/css; charset=utf-8")
	h.Set("ETag", s.cssETag)
	if r.URL.RawQuery != "" {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=3600")
	}
	http.ServeContent(w, r, "style.css", time.Time{}, bytes.NewReader(styleCSS))
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

// loadLatest loads the latest release of a dataset; err wraps errNotFound
// when the dataset or its latest release does not exist.
func (s *site) loadLatest(dataset string) (*release, error) {
	name, err := s.tree.latest(dataset)
	if err != nil {
		return nil, err
	}
	rel, qerr, err := s.tree.loadRelease(dataset, name)
	if err != nil {
		return nil, err
	}
	if qerr != nil {
		s.log.Warn("quality report unavailable", "dataset", dataset, "release", name, "err", qerr)
	}
	return rel, nil
}

// card is one dataset on the home page.
type card struct {
	Dataset     string
	Title       string
	URL         string
	Description string
	Rows        string
	Updated     string
	Licence     string
	Downloads   []fileLink
	sortKey     string
}

type homePage struct {
	Layout layoutData
	Cards  []card
}

func (s *site) home(w http.ResponseWriter, r *http.Request) {
	names, err := s.tree.datasets()
	if err != nil {
		s.log.Error("list datasets", "err", err)
		s.serverError(w, r)
		return
	}
	page := homePage{Layout: s.layout(r, "Données ouvertes des Pays de la Loire")}
	for _, name := range names {
		rel, err := s.loadLatest(name)
		if err != nil {
			s.log.Warn("dataset skipped on home page: latest release unavailable", "dataset", name, "err", err)
			continue
		}
		c := card{
			Dataset:     name,
			Title:       rel.title(),
			URL:         "/jeux-de-donnees/" + name,
			Description: excerpt(rel.Package.Description, 200),
			Rows:        frenchInt(rel.rows()) + " " + plural(rel.rows(), "ligne", "lignes"),
			Updated:     frenchDate(rel.Time),
			Licence:     licenceTitle(rel.Package),
			sortKey:     sortKey(rel.title()),
		}
		for _, f := range []string{"data.csv", "data.parquet"} {
			if _, ok := rel.sum(f); ok {
				c.Downloads = append(c.Downloads, fileLink{
					Name: f, Format: formatLabel(f), URL: s.absURL(fileURL(name, rel.Name, f)),
				})
			}
		}
		page.Cards = append(page.Cards, c)
	}
	sort.SliceStable(page.Cards, func(i, j int) bool { return page.Cards[i].sortKey < page.Cards[j].sortKey })
	s.render(w, r, http.StatusOK, "home.html", page)
}

// rows is the number of published rows: the run's count, else the quality
// report's accepted rows.
func (r *release) rows() int64 {
	if r.Package.Ligerdata.Rows > 0 || r.Quality == nil {
		return r.Package.Ligerdata.Rows
	}
	return r.Quality.Accepted
}

// sortKey folds case and the common French accents so that "École" sorts
// with "ecole".
func sortKey(s string) string {
	return accentFolder.Replace(strings.ToLower(s))
}

var accentFolder = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "ÿ", "y",
	"œ", "oe", "æ", "ae",
)

func licenceTitle(dp *dataPackage) string {
	if len(dp.Licenses) == 0 {
		return "licence non précisée"
	}
	l := dp.Licenses[0]
	if l.Title != "" {
		return l.Title
	}
	return l.Name
}

// link is a titled hyperlink.
type link struct {
	Title string
	URL   string
}

type fieldRow struct {
	Name        string
	Title       string
	Type        string
	Required    string
	Description string
}

type countRow struct {
	Label string
	Code  string
	Count string
}

type sampleRow struct {
	Line    string
	Field   string
	Value   string
	Label   string
	Message string
}

type qualityView struct {
	Sentence     string
	ByCode       []countRow
	ByField      []countRow
	HeaderErrors []sampleRow
	Samples      []sampleRow
	Warnings     *warningsView // nil when no row has a warning
}

type releaseRow struct {
	Name    string
	URL     string // release page
	Date    string
	Latest  bool
	Files   []fileLink
	Problem string
	Changes *changeView // nil when the release has no changes.json
}

type datasetPage struct {
	Layout       layoutData
	Dataset      string
	Title        string
	Paragraphs   []string
	Keywords     []string
	Licences     []link
	Sources      []link
	Publishers   []link
	Release      string
	Updated      string
	Rows         string
	Schedule     string
	Quality      *qualityView
	Fields       []fieldRow
	FieldCount   string
	SchemaName   string
	Files        []fileLink
	LatestURLCSV string
	Releases     []releaseRow
	MoreReleases int
	Preview      *preview
	DCAT         dcatLinks
	FeedURL      string
}

// dcatLinks locate a dataset in the DCAT-AP catalogue.
type dcatLinks struct {
	// ID is the IRI of the dataset's dcat:Dataset node.
	ID     string
	JSONLD string
	Turtle string // "" when catalog.ttl is not published
}

// dcatOf returns the catalogue links of a dataset; the node IRI follows
// package output: BaseURL + "/datasets/<id>".
func (s *site) dcatOf(dataset string) dcatLinks {
	d := dcatLinks{ID: s.absURL("/datasets/" + dataset), JSONLD: s.absURL("/catalog.jsonld")}
	if fi, err := os.Stat(filepath.Join(s.tree.dir, "catalog.ttl")); err == nil && fi.Mode().IsRegular() {
		d.Turtle = s.absURL("/catalog.ttl")
	}
	return d
}

// maxReleasesShown bounds the release list of a dataset page.
const maxReleasesShown = 60

func (s *site) dataset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("dataset")
	if !validName(name) {
		s.notFound(w, r)
		return
	}
	rel, err := s.loadLatest(name)
	if err != nil {
		if !errors.Is(err, errNotFound) {
			s.log.Warn("dataset page: latest release unavailable", "dataset", name, "err", err)
		}
		s.notFound(w, r)
		return
	}
	dp := rel.Package
	page := datasetPage{
		Layout:     s.datasetLayout(r, rel.title(), name, rel.title()),
		Dataset:    name,
		Title:      rel.title(),
		Paragraphs: paragraphs(dp.Description),
		Keywords:   dp.Keywords,
		Release:    rel.Name,
		Updated:    frenchDate(rel.Time),
		Rows:       frenchInt(rel.rows()) + " " + plural(rel.rows(), "ligne", "lignes"),
		Schedule:   dp.Ligerdata.Schedule,
		SchemaName: dp.Ligerdata.Schema,
		Files:      s.files(rel),
		DCAT:       s.dcatOf(name),
		FeedURL:    s.absURL(datasetFeedURL(name)),
	}
	if pv, err := previewOf(rel); err != nil {
		s.log.Warn("dataset page: preview unavailable", "dataset", name, "release", rel.Name, "err", err)
	} else {
		page.Preview = pv
	}
	for _, l := range dp.Licenses {
		t := l.Title
		if t == "" {
			t = l.Name
		}
		page.Licences = append(page.Licences, link{Title: t, URL: l.Path})
	}
	for _, src := range dp.Sources {
		t := src.Title
		if t == "" {
			t = src.Path
		}
		page.Sources = append(page.Sources, link{Title: t, URL: src.Path})
	}
	for _, c := range dp.Contributors {
		if c.Role != "publisher" && c.Role != "" {
			continue
		}
		u := c.Path
		if u == "" && c.Email != "" {
			u = "mailto:" + c.Email
		}
		page.Publishers = append(page.Publishers, link{Title: c.Title, URL: u})
	}
	if _, ok := rel.sum("data.csv"); ok {
		page.LatestURLCSV = s.absURL(fileURL(name, latestName, "data.csv"))
	}
	if rel.Quality != nil {
		page.Quality = qualityViewOf(rel.Quality)
	}
	schema, err := dp.schema()
	if err != nil {
		s.log.Warn("dataset page: schema unavailable", "dataset", name, "release", rel.Name, "err", err)
	}
	if schema != nil {
		pk := make(map[string]bool)
		for _, k := range schema.primaryKey() {
			pk[k] = true
		}
		for _, f := range schema.Fields {
			req := "non"
			if f.Constraints.Required || pk[f.Name] {
				req = "oui"
			}
			page.Fields = append(page.Fields, fieldRow{
				Name: f.Name, Title: f.Title, Type: fieldTypeLabel(f.Type),
				Required: req, Description: f.Description,
			})
		}
		n := int64(len(page.Fields))
		page.FieldCount = frenchInt(n) + " " + plural(n, "champ", "champs")
	}
	page.Releases, page.MoreReleases = s.releaseRows(name, rel.Name)
	s.render(w, r, http.StatusOK, "dataset.html", page)
}

// keysOnDatasetPage bounds the row keys listed per kind for each release
// on a dataset page; the release page lists them all.
const keysOnDatasetPage = 20

// releaseRows lists the most recent published releases of a dataset with
// their files and changelogs.
func (s *site) releaseRows(dataset, latest string) ([]releaseRow, int) {
	names, err := s.publishedReleases(dataset, latest)
	if err != nil {
		s.log.Warn("list releases", "dataset", dataset, "err", err)
		return nil, 0
	}
	more := 0
	if len(names) > maxReleasesShown {
		more = len(names) - maxReleasesShown
		names = names[:maxReleasesShown]
	}
	var rows []releaseRow
	for _, n := range names {
		row := releaseRow{Name: n, Latest: n == latest, URL: s.absURL(releasePageURL(dataset, n))}
		if t, ok := releaseTime(n); ok {
			row.Date = frenchDateTime(t)
		}
		dir, err := s.tree.releaseDir(dataset, n)
		if err == nil {
			var sums []checksum
			sums, _, err = s.tree.sums(dir)
			for _, c := range sums {
				row.Files = append(row.Files, fileLink{Name: c.File, URL: s.absURL(fileURL(dataset, n, c.File))})
			}
			if err == nil {
				c, cerr := s.changes.load(&release{Dataset: dataset, Name: n, Dir: dir, Sums: sums})
				if cerr != nil {
					s.log.Warn("changelog unavailable", "dataset", dataset, "release", n, "err", cerr)
				} else if c != nil {
					row.Changes = s.changeViewOf(dataset, c, keysOnDatasetPage)
				}
			}
		}
		if err != nil {
			s.log.Warn("release listed without files", "dataset", dataset, "release", n, "err", err)
			row.Problem = "fichiers indisponibles"
		}
		rows = append(rows, row)
	}
	return rows, more
}

// qualityViewOf prepares the French quality summary of a report.
func qualityViewOf(q *quality) *qualityView {
	v := &qualityView{Sentence: releaseQualitySentence(q), Warnings: warningsViewOf(q)}
	v.ByCode = countRows(q.ErrorsByCode, func(code string) string { return errorCodeLabel(code) })
	v.ByField = countRows(q.ErrorsByField, func(field string) string { return field })
	for _, e := range q.HeaderErrors {
		v.HeaderErrors = append(v.HeaderErrors, sampleRowOf(e))
	}
	for _, e := range q.SampleErrors {
		v.Samples = append(v.Samples, sampleRowOf(e))
	}
	return v
}

func sampleRowOf(e qualityError) sampleRow {
	line := ""
	if e.Line > 0 {
		line = frenchInt(e.Line)
	} else if e.Row > 0 {
		line = frenchInt(e.Row)
	}
	return sampleRow{
		Line: line, Field: e.Field, Value: excerpt(e.valueText(), 80),
		Label: errorCodeLabel(e.Code), Message: e.Message,
	}
}

// countRows sorts a count map by decreasing count, then key.
func countRows(m map[string]int64, label func(string) string) []countRow {
	keys := make([]string, 0, len(m))
	for k, n := range m {
		if n > 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	out := make([]countRow, 0, len(keys))
	for _, k := range keys {
		out = append(out, countRow{Label: label(k), Code: k, Count: frenchInt(m[k])})
	}
	return out
}
