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
// time (it uses package output only to describe one dataset in DCAT), so a release switched by a run is served
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
	"path/filepath"
	"strings"
	"time"

	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/output"
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
	// Catalog describes the catalogue for the DCAT descriptions the site
	// answers at each dataset's identifier (its BaseURL is ignored: the
	// site's base is used).
	Catalog output.CatalogMeta
	// MapTiles are the background tiles of the dataset maps; the zero
	// value draws the points without a background.
	MapTiles MapTiles
	// Steward puts the dashboard behind the stewards' sign-in and adds
	// their actions and JSON API (see StewardOptions).
	Steward *StewardOptions
	// DefinitionProblems are the problems of the pipeline definitions the
	// daemon could not load (those pipelines are not scheduled); the
	// dashboard lists them.
	DefinitionProblems pipelines.DefErrors
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
	// catalogMeta describes the catalogue (Options.Catalog).
	catalogMeta output.CatalogMeta
	// tiles are the maps' background (Options.MapTiles).
	tiles MapTiles
	// csp is the Content-Security-Policy of every answer.
	csp string
	// storeDir is the store root, "" when the site has no store.
	storeDir string
	// brokenDefs are the definitions the daemon could not load.
	brokenDefs []brokenDef
	changes    changesCache
	// auth, sched and auditLog serve the stewards (nil without
	// Options.Steward).
	auth     *auth
	sched    *pipelines.Scheduler
	auditLog *auditLog
	// indicators are the declared indicators, sorted by id.
	indicators []*indicators.Definition
	// api is the query API, also asked by the dataset pages.
	query *apiHandler
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
		tree:        tree{dir: opts.PublicDir},
		baseURL:     base,
		log:         log,
		now:         now,
		mux:         http.NewServeMux(),
		cssPath:     "/static/style.css?v=" + hex.EncodeToString(sum[:6]),
		cssETag:     `"` + hex.EncodeToString(sum[:]) + `"`,
		storeDir:    opts.StoreDir,
		brokenDefs:  brokenDefs(opts.DefinitionProblems),
		catalogMeta: opts.Catalog,
		tiles:       opts.MapTiles,
		cache:       newPageCache(opts.PublicDir, cmp.Or(opts.PageCacheTTL, pageCacheTTL), pageCacheBytes),
	}
	s.cache.vary = s.cacheVary
	src, err := opts.MapTiles.source()
	if err != nil {
		return nil, err
	}
	s.csp = contentSecurityPolicy(src)
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	if err := s.setIndicators(opts.Indicators); err != nil {
		return nil, err
	}
	s.routes(opts)
	return forReusers(s), nil
}

// routes registers every page, file and API of the site.
func (s *site) routes(opts Options) {
	// Pages that only depend on the published tree are rendered once per
	// published state (see pageCache).
	s.mux.HandleFunc("GET /{$}", s.cache.wrap(s.home))
	s.mux.HandleFunc("GET /jeux-de-donnees/{dataset}", s.cache.wrap(s.dataset))
	s.mux.HandleFunc("GET /jeux-de-donnees/{dataset}/versions/{release}", s.cache.wrap(s.releasePage))
	s.mux.HandleFunc("GET /jeux-de-donnees/{dataset}/flux.atom", s.cache.wrap(s.datasetFeed))
	s.mux.HandleFunc("GET /flux.atom", s.cache.wrap(s.siteFeed))
	s.mux.HandleFunc("GET /datasets/{dataset}/{release}/{file}", s.download)
	s.dcatRoutes()
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
	s.query = &apiHandler{site: s, lim: opts.API}
	s.mux.Handle(explore.Prefix+"/", s.query)
	s.mux.HandleFunc("GET /api", s.apiDoc)
	s.mux.HandleFunc("GET /recherche", s.search)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.probeRoutes(opts.Metrics, opts.Ready)
	s.mux.HandleFunc("GET /static/style.css", s.style)
	s.mux.HandleFunc("GET /static/{file}", s.staticFile)
	s.mux.HandleFunc("GET /static/leaflet/{file}", s.staticFile)
	s.mux.HandleFunc("/", s.fallback)
}

func (s *site) parseTemplates() error {
	funcs := template.FuncMap{"url": s.absURL}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/warnings_part.html", "templates/attendance_report_part.html", "templates/dataset_parts.html")
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
	setSecurityHeaders(rec.Header(), s.csp)
	if !safePath(r.URL) {
		s.notFound(rec, r)
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// contentSecurityPolicy: the site's only scripts are its own files (the
// bundled map library and its page script), it has no inline script nor
// style; images come from the site or, for the maps, the tile server
// (tileSource, "" without tiles); its pages may not be framed, nor post
// forms elsewhere.
func contentSecurityPolicy(tileSource string) string {
	img := "img-src 'self' data:"
	if tileSource != "" {
		img += " " + tileSource
	}
	return "default-src 'self'; script-src 'self'; object-src 'none'; " + img + "; " +
		"style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

// setSecurityHeaders sets the headers every answer carries, with the
// content security policy csp.
func setSecurityHeaders(h http.Header, csp string) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", csp)
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
	// Description is the page's meta description, OG its Open Graph
	// properties and JSONLD its schema.org description (dataset pages).
	Description string
	OG          *openGraph
	JSONLD      template.JS
	// Styles and Scripts are the page's own style sheets and scripts
	// (the map of a dataset page), after the site's.
	Styles, Scripts []string
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

// canonical is the page's own absolute address, without its query.
func (s *site) canonical(r *http.Request) string {
	return s.base(r) + r.URL.EscapedPath()
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
