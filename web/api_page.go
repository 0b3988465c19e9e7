package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/ligerdata/ligerdata/web/explore"
)

// apiPage is the data of the French page that documents the query API.
type apiPage struct {
	Layout  layoutData
	Base    string // absolute root of the site, for the examples
	Dataset string // dataset of the examples
	Field   string // a text field of that dataset, for the examples
	Value   string
	Geo     bool // the example dataset has a GeoJSON export
	Swagger string
}

// apiDoc serves /api: how to query the data with curl, Python, R, DuckDB
// and QGIS, with examples on a published dataset.
func (s *site) apiDoc(w http.ResponseWriter, r *http.Request) {
	page := apiPage{Layout: s.layout(r, "API de requête"), Base: s.baseURL, Dataset: "mon-jeu-de-donnees", Field: "commune", Value: "Nantes"}
	if page.Base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		page.Base = scheme + "://" + r.Host
	}
	page.Swagger = page.Base + explore.Prefix + "/swagger.json"
	if ds, err := (apiCatalog{s}).Datasets(); err == nil && len(ds) > 0 {
		d := ds[0]
		page.Dataset = d.ID
		for _, f := range d.Fields {
			if f.Type == "text" && !f.List {
				page.Field, page.Value = f.Name, "…"
				break
			}
		}
		for _, f := range d.Fields {
			if f.Type == "geo_point_2d" || f.Type == "geo_shape" {
				page.Geo = true
			}
		}
	}
	s.render(w, r, http.StatusOK, "api.html", page)
}

// apiURL writes the address of an API route with its query, for the
// examples.
func (p apiPage) URL(route string, params ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		v.Add(params[i], params[i+1])
	}
	u := p.Base + explore.Prefix + "/catalog/datasets/" + p.Dataset + route
	if len(v) > 0 {
		u += "?" + strings.ReplaceAll(v.Encode(), "+", "%20")
	}
	return u
}

// Where is the example filter.
func (p apiPage) Where() string { return p.Field + ` = "` + p.Value + `"` }
