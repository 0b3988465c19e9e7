package web

import (
	"errors"
	"io/fs"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/ligerdata/ligerdata/output"
)

// dcatRoutes makes the DCAT identifiers of datasets and indicators
// (<base>/datasets/<id>, <base>/indicators/<id>) resolve, and the usual
// variants of the site's addresses (a trailing slash, a release named
// latest) lead to the page they mean.
func (s *site) dcatRoutes() {
	s.mux.HandleFunc("GET /datasets/{dataset}", s.dcatIdentifier(output.CollectionDatasets, "/jeux-de-donnees/"))
	s.mux.HandleFunc("GET /indicators/{dataset}", s.dcatIdentifier(output.CollectionIndicators, "/indicateurs/"))
	s.mux.HandleFunc("GET /datasets/{dataset}/{$}", s.redirectTo(func(r *http.Request) string { return "/datasets/" + r.PathValue("dataset") }))
	s.mux.HandleFunc("GET /datasets/{dataset}/{release}", s.releaseFolder)
	s.mux.HandleFunc("GET /datasets/{dataset}/{release}/{$}", s.releaseFolder)
	s.mux.HandleFunc("GET /jeux-de-donnees/{$}", s.redirectTo(func(*http.Request) string { return "/" }))
	s.mux.HandleFunc("GET /jeux-de-donnees/{dataset}/{$}", s.redirectTo(func(r *http.Request) string { return "/jeux-de-donnees/" + r.PathValue("dataset") }))
	s.mux.HandleFunc("GET /jeux-de-donnees/{dataset}/versions/{release}/{$}", s.releaseFolder)
	s.mux.HandleFunc("GET /indicateurs/{dataset}/{$}", s.redirectTo(func(r *http.Request) string { return "/indicateurs/" + r.PathValue("dataset") }))
	s.mux.HandleFunc("GET /indicators/{dataset}/{$}", s.redirectTo(func(r *http.Request) string { return "/indicators/" + r.PathValue("dataset") }))
	s.mux.HandleFunc("GET /rapports/{dataset}/{$}", s.redirectTo(func(r *http.Request) string { return "/rapports/" + r.PathValue("dataset") }))
	s.mux.HandleFunc("GET /jeux-de-donnees/{dataset}/versions/{$}", s.redirectTo(func(r *http.Request) string { return "/jeux-de-donnees/" + r.PathValue("dataset") + "#versions" }))
}

// redirectTo answers 301 to the root-relative address to(r), keeping the
// query, when the path values are valid names.
func (s *site) redirectTo(to func(*http.Request) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if d := r.PathValue("dataset"); d != "" && !validName(d) {
			s.notFound(w, r)
			return
		}
		target := to(r)
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
	}
}

// releaseFolder sends the address of a release folder (/datasets/<id>/<release>,
// with or without a trailing slash, and a release page with one) to the
// release's page; latest goes to the page of the release it designates now
// (302: it moves with each release).
func (s *site) releaseFolder(w http.ResponseWriter, r *http.Request) {
	dataset, rel := r.PathValue("dataset"), r.PathValue("release")
	if !validName(dataset) || !validName(rel) {
		s.notFound(w, r)
		return
	}
	status := http.StatusMovedPermanently
	if rel == latestName {
		resolved, err := s.tree.latest(dataset)
		if err != nil {
			s.notFound(w, r)
			return
		}
		rel, status = resolved, http.StatusFound
	}
	if _, err := s.tree.releaseDir(dataset, rel); err != nil {
		s.notFound(w, r)
		return
	}
	http.Redirect(w, r, releasePageURL(dataset, rel), status)
}

// dcatIdentifier resolves the DCAT identifier of a dataset of collection c
// by content negotiation: its DCAT-AP description in Turtle for
// text/turtle, in JSON-LD for application/ld+json (or JSON), else a 303 to
// its page (pagePrefix + id) for a browser. The description's addresses
// are under the base the request is served from.
func (s *site) dcatIdentifier(c output.Collection, pagePrefix string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("dataset")
		if !validName(id) {
			s.notFound(w, r)
			return
		}
		w.Header().Add("Vary", "Accept")
		format := negotiateRDF(r.Header.Get("Accept"))
		if format == "" {
			http.Redirect(w, r, pagePrefix+id, http.StatusSeeOther)
			return
		}
		meta := s.catalogMeta
		meta.BaseURL = s.base(r)
		b, err := output.DatasetDocument(s.tree.dir, c, id, meta, format == turtleType)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				s.log.Warn("DCAT description unavailable", "collection", c.Path(), "id", id, "err", err)
			}
			s.notFound(w, r)
			return
		}
		h := w.Header()
		if format == turtleType {
			h.Set("Content-Type", "text/turtle; charset=utf-8")
		} else {
			h.Set("Content-Type", "application/ld+json")
		}
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Length", strconv.Itoa(len(b)))
		if r.Method != http.MethodHead {
			_, _ = w.Write(b)
		}
	}
}

const (
	turtleType = "text/turtle"
	jsonldType = "application/ld+json"
)

// negotiateRDF picks the RDF serialisation an Accept header prefers:
// turtleType, jsonldType (also for application/json), or "" when HTML (or
// anything else) is preferred or weighs as much. Weights (q) are honoured;
// an unweighted type counts 1.
func negotiateRDF(accept string) string {
	best, bestQ := "", 0.0
	htmlQ := 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		var kind string
		switch mt {
		case turtleType, "application/x-turtle":
			kind = turtleType
		case jsonldType, "application/json":
			kind = jsonldType
		case "text/html", "application/xhtml+xml":
			htmlQ = max(htmlQ, q)
			continue
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = kind, q
		}
	}
	if best == "" || bestQ <= 0 || htmlQ >= bestQ {
		return ""
	}
	return best
}
