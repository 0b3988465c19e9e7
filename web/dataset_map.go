package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/ligerdata/ligerdata/web/explore"
)

// The map of a geographic dataset is drawn by Leaflet 1.9.4 (BSD-2-Clause,
// copied from its npm package into static/leaflet, see the README there)
// and static/carte.js, which asks the query API for the points.
//
//go:embed static/leaflet/leaflet.js static/leaflet/leaflet.css static/carte.js
var staticFS embed.FS

// MapTiles are the background tiles of the dataset maps, from the server
// configuration (map_tiles). In production: the IGN's Plan IGN or
// OpenStreetMap France; none in tests (the points are drawn alone).
type MapTiles struct {
	// URL is a Leaflet tile URL template ({z}, {x}, {y}, and {s} for the
	// subdomains a, b, c), https.
	URL string `yaml:"url"`
	// Attribution is the credit shown on the map (plain text).
	Attribution string `yaml:"attribution"`
	// MaxZoom is the deepest zoom level the server has (default 18).
	MaxZoom int `yaml:"max_zoom"`
}

// source is the Content-Security-Policy source of the tile server ("" for
// no tiles): its scheme and host, {s} becoming a wildcard.
func (t MapTiles) source() (string, error) {
	if t.URL == "" {
		return "", nil
	}
	u, err := url.Parse(strings.ReplaceAll(t.URL, "{s}", "s"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("web: map tiles URL %q: want an absolute http(s) URL template", t.URL)
	}
	host := u.Host
	if strings.Contains(t.URL, "{s}.") {
		host = "*" + strings.TrimPrefix(host, "s")
	}
	return u.Scheme + "://" + host, nil
}

// mapView is the map section of a dataset page: the data attributes
// carte.js reads.
type mapView struct {
	// Source is the API export the points come from (JSON records with
	// the label and coordinates, or GeoJSON).
	Source      string
	GeoJSON     bool
	Lat, Lon    string // coordinate fields of a JSON source
	Label       string // field named in the popups
	Tiles       MapTiles
	GeoJSONFile string // the release's data.geojson, if any, for the noscript text
}

// mapPoints bounds the points a map asks for.
const mapPoints = 20000

// mapOf returns the map of a dataset whose schema has coordinates: a
// latitude and a longitude field, else a geopoint or geojson field; nil
// for a dataset without.
func (s *site) mapOf(dataset string, rel *release, fields []schemaField) *mapView {
	var lat, lon, geo, label string
	for _, f := range fields {
		switch n := strings.ToLower(f.Name); {
		case (n == "latitude" || n == "lat") && f.Type == "number":
			lat = f.Name
		case (n == "longitude" || n == "lon" || n == "lng") && f.Type == "number":
			lon = f.Name
		case (f.Type == "geopoint" || f.Type == "geojson") && geo == "":
			geo = f.Name
		case label == "" && (n == "nom" || n == "name" || n == "titre" || n == "title" || n == "libelle"):
			label = f.Name
		}
	}
	api := explore.Prefix + "/catalog/datasets/" + url.PathEscape(dataset) + "/exports/"
	q := url.Values{}
	q.Set("limit", fmt.Sprint(mapPoints))
	m := &mapView{Label: label, Tiles: s.tiles}
	switch {
	case lat != "" && lon != "":
		sel := lat + "," + lon
		if label != "" {
			sel = label + "," + sel
		}
		q.Set("select", sel)
		m.Source, m.Lat, m.Lon = api+"json?"+q.Encode(), lat, lon
	case geo != "":
		m.Source, m.GeoJSON = api+"geojson?"+q.Encode(), true
	default:
		return nil
	}
	if _, ok := rel.sum("data.geojson"); ok {
		m.GeoJSONFile = fileURL(dataset, rel.Name, "data.geojson")
	}
	return m
}

// staticETags are the strong ETags of the embedded static files.
var staticETags = func() map[string]string {
	out := map[string]string{}
	for _, name := range []string{"static/leaflet/leaflet.js", "static/leaflet/leaflet.css", "static/carte.js"} {
		b, _ := staticFS.ReadFile(name)
		sum := sha256.Sum256(b)
		out[name] = `"` + hex.EncodeToString(sum[:]) + `"`
	}
	return out
}()

// staticPath is the versioned address of an embedded static file.
func staticPath(name string) string {
	return "/" + name + "?v=" + strings.Trim(staticETags[name], `"`)[:12]
}

// staticFile serves the embedded scripts and style sheet of the maps.
func (s *site) staticFile(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	etag, ok := staticETags[name]
	if !ok {
		s.notFound(w, r)
		return
	}
	b, _ := staticFS.ReadFile(name)
	h := w.Header()
	if path.Ext(name) == ".js" {
		h.Set("Content-Type", "application/javascript; charset=utf-8")
	} else {
		h.Set("Content-Type", "text/css; charset=utf-8")
	}
	h.Set("ETag", etag)
	if r.URL.RawQuery != "" {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=3600")
	}
	http.ServeContent(w, r, path.Base(name), time.Time{}, bytes.NewReader(b))
}
