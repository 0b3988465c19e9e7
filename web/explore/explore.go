// Package explore serves ligerdata's query API, compatible with the
// OpenDataSoft Explore API v2.1 for what reusers use:
//
//	GET /api/explore/v2.1/catalog/datasets                     where, order_by, limit, offset
//	GET /api/explore/v2.1/catalog/datasets/{id}
//	GET /api/explore/v2.1/catalog/datasets/{id}/records        select, where, group_by, order_by, limit (≤ 100), offset, refine, exclude, lang, timezone
//	GET /api/explore/v2.1/catalog/datasets/{id}/exports/{fmt}  the same, csv, json, jsonl, geojson or parquet, without row limit
//	GET /api/explore/v2.1/swagger.json                         the OpenAPI description
//
// Queries are ODSQL, parsed and compiled by package odsql to parameterised
// DuckDB SQL over the release's data.parquet. Every dataset route takes
// ?release=ID to query an older release; answers carry the release id
// (header Ligerdata-Release) and an ETag. Errors have the ODS shape with a
// French message. Queries run a bounded number at a time, each with a
// timeout, within one memory limit (see Limits).
package explore

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/ligerdata/ligerdata/internal/odsql"
)

// Prefix is the root of the API.
const Prefix = "/api/explore/v2.1"

// Records limits, as in ODS: limit at most 100 (default 10), and offset +
// limit at most 10 000 (exports have no limit).
const (
	defaultLimit = 10
	maxLimit     = 100
	maxWindow    = 10000
)

// Options configures the API.
type Options struct {
	Catalog Catalog
	Limits  Limits
	// BaseURL is the absolute URL of the site, used in links; optional.
	BaseURL string
	Logger  *slog.Logger
}

// Handler serves the API; Close releases its DuckDB database.
type Handler struct {
	cat     Catalog
	eng     *engine
	baseURL string
	log     *slog.Logger
	mux     *http.ServeMux
}

// New returns the API handler. It fails when DuckDB cannot be opened.
func New(opts Options) (*Handler, error) {
	if opts.Catalog == nil {
		return nil, fmt.Errorf("explore: a catalog is required")
	}
	eng, err := newEngine(opts.Limits)
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{cat: opts.Catalog, eng: eng, baseURL: strings.TrimRight(opts.BaseURL, "/"), log: log, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET "+Prefix+"/catalog/datasets", h.datasets)
	h.mux.HandleFunc("GET "+Prefix+"/catalog/datasets/{id}", h.dataset)
	h.mux.HandleFunc("GET "+Prefix+"/catalog/datasets/{id}/records", h.records)
	h.mux.HandleFunc("GET "+Prefix+"/catalog/datasets/{id}/exports/{format}", h.export)
	h.mux.HandleFunc("GET "+Prefix+"/swagger.json", h.swagger)
	h.mux.HandleFunc(Prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			h.writeError(w, &apiError{Status: http.StatusMethodNotAllowed, Code: "MethodNotAllowed", Message: "Seule la méthode GET est permise."})
			return
		}
		h.writeError(w, notFound("Adresse inconnue de l'API. Voir "+Prefix+"/swagger.json."))
	})
	return h, nil
}

// Close closes the DuckDB database.
func (h *Handler) Close() error { return h.eng.Close() }

// ServeHTTP serves the API routes (paths under Prefix).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	h.mux.ServeHTTP(w, r)
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// lookup finds the dataset release a request asks for (?release=ID, else
// the latest).
func (h *Handler) lookup(r *http.Request) (*Dataset, error) {
	id := r.PathValue("id")
	d, err := h.cat.Dataset(id, r.URL.Query().Get("release"))
	if err != nil {
		if rel := r.URL.Query().Get("release"); rel != "" {
			return nil, fmt.Errorf("dataset %s release %s: %w", id, rel, err)
		}
		return nil, fmt.Errorf("dataset %s: %w", id, err)
	}
	return d, nil
}

// queryParams reads the ODSQL parameters shared by records and exports.
func queryParams(q url.Values) (odsql.Request, error) {
	for _, k := range []string{"select", "where", "group_by", "order_by", "timezone", "lang", "limit", "offset", "release"} {
		if len(q[k]) > 1 {
			return odsql.Request{}, badParam("le paramètre %s est donné plusieurs fois", k)
		}
	}
	req := odsql.Request{
		Select: q.Get("select"), Where: q.Get("where"), GroupBy: q.Get("group_by"), OrderBy: q.Get("order_by"),
		Refine: q["refine"], Exclude: q["exclude"], Timezone: q.Get("timezone"), Limit: -1,
	}
	if lang := q.Get("lang"); lang != "" && !validLang(lang) {
		return req, badParam("langue inconnue « %s » (fr, en…)", lang)
	}
	var err error
	if req.Offset, err = intParam(q, "offset", 0); err != nil {
		return req, err
	}
	if req.Offset < 0 {
		return req, badParam("offset doit être positif ou nul")
	}
	if req.Limit, err = intParam(q, "limit", -1); err != nil {
		return req, err
	}
	return req, nil
}

func validLang(s string) bool {
	if len(s) != 2 {
		return false
	}
	return s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z'
}

func intParam(q url.Values, name string, def int64) (int64, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, badParam("%s doit être un nombre entier (reçu « %s »)", name, s)
	}
	return n, nil
}

// etag identifies the answer to a request on a release: releases never
// change, so the same query gives the same bytes.
func etag(d *Dataset, r *http.Request) string {
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	hs := sha256.New()
	fmt.Fprintf(hs, "%s\x00%s\x00%s\x00", r.URL.Path, d.ID, d.Release)
	for _, k := range keys {
		for _, v := range q[k] {
			fmt.Fprintf(hs, "%s=%s\x00", k, v)
		}
	}
	return `"` + d.Release + "-" + hex.EncodeToString(hs.Sum(nil))[:16] + `"`
}

// answerHeaders sets the release id, ETag and caching of an answer; it
// reports true (and answers 304) when the client already has it.
func answerHeaders(w http.ResponseWriter, r *http.Request, d *Dataset) bool {
	tag := etag(d, r)
	hd := w.Header()
	hd.Set("ETag", tag)
	hd.Set("Ligerdata-Release", d.Release)
	if r.URL.Query().Get("release") != "" {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "public, max-age=300")
	}
	// Weak comparison: a compressed answer carries the tag as W/"…".
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == tag || t == "*" {
			w.WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}
