package web

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"

	"github.com/ligerdata/ligerdata/internal/odsql"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/web/explore"
)

// apiHandler opens the query API (and its DuckDB database) on its first
// request, so that a site nobody queries costs nothing.
type apiHandler struct {
	site *site
	lim  explore.Limits
	once sync.Once
	h    *explore.Handler
	err  error
}

func (a *apiHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.once.Do(func() {
		a.h, a.err = explore.New(explore.Options{Catalog: apiCatalog{a.site}, Limits: a.lim, BaseURL: a.site.baseURL, Logger: a.site.log})
	})
	if a.err != nil {
		a.site.log.Error("query API unavailable", "err", a.err)
		w.Header().Set("Access-Control-Allow-Origin", "*")
		http.Error(w, "API indisponible", http.StatusServiceUnavailable)
		return
	}
	a.h.ServeHTTP(w, r)
}

// apiCatalog is the published tree as the query API sees it.
type apiCatalog struct{ s *site }

func (c apiCatalog) Datasets() ([]explore.Dataset, error) {
	names, err := c.s.tree.datasets()
	if err != nil {
		return nil, err
	}
	var out []explore.Dataset
	for _, name := range names {
		d, err := c.Dataset(name, "")
		if err != nil {
			c.s.log.Warn("dataset left out of the API catalogue", "dataset", name, "err", err)
			continue
		}
		out = append(out, *d)
	}
	return out, nil
}

func (c apiCatalog) Dataset(id, releaseName string) (*explore.Dataset, error) {
	if !validName(id) {
		return nil, explore.ErrNotFound
	}
	var err error
	if releaseName == "" {
		if releaseName, err = c.s.tree.latest(id); err != nil {
			return nil, notFoundAs(err)
		}
	}
	rel, _, err := c.s.tree.loadRelease(id, releaseName)
	if err != nil {
		return nil, notFoundAs(err)
	}
	if _, ok := rel.sum("data.parquet"); !ok {
		return nil, fmt.Errorf("web: release %s/%s has no data.parquet: %w", id, releaseName, explore.ErrNotFound)
	}
	ts, err := rel.Package.schema()
	if err != nil || ts == nil {
		return nil, fmt.Errorf("web: release %s/%s: no schema: %v: %w", id, releaseName, err, explore.ErrNotFound)
	}
	dp := rel.Package
	d := &explore.Dataset{
		ID: id, Release: rel.Name, Title: rel.title(), Description: dp.Description,
		Keywords: dp.Keywords, Modified: rel.Time, Rows: rel.rows(),
		Parquet: filepath.Join(rel.Dir, "data.parquet"), Page: "/jeux-de-donnees/" + id,
	}
	if len(dp.Licenses) > 0 {
		d.License, d.LicenseURL = licenceTitle(dp), dp.Licenses[0].Path
	}
	for _, ct := range dp.Contributors {
		if ct.Role == "publisher" {
			d.Publisher = ct.Title
		}
	}
	_, hasGeoJSON := rel.sum("data.geojson")
	wkbDone := false
	for _, f := range ts.Fields {
		typ, list := explore.TypeOf(f.Type)
		fd := explore.Field{Field: odsql.Field{Name: f.Name, Type: typ, List: list}, Label: f.Title, Description: f.Description}
		fd.ListJSON = list && dp.Ligerdata.ParquetLayout < output.ParquetLayoutCurrent
		// The first geojson field of a geographic release is stored as WKB
		// (GeoParquet); see output's geoField.
		if (f.Type == "geojson" && f.Format != "topojson" || f.Type == "geopoint") && !wkbDone {
			wkbDone = true
			fd.WKB = f.Type == "geojson" && hasGeoJSON
		}
		if f.Type == "geojson" && f.Format == "topojson" {
			fd.Type = odsql.JSON
		}
		d.Fields = append(d.Fields, fd)
	}
	return d, nil
}

func notFoundAs(err error) error {
	if errors.Is(err, errNotFound) {
		return fmt.Errorf("%v: %w", err, explore.ErrNotFound)
	}
	return err
}
