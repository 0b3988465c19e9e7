package wfs

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/connectors/connectortest"
)

const (
	replayDir = "../../testdata/replay/geopal-wfs"
	owsPath   = "/geoserver/ows"
	layer     = "rpdl:lycees_publics"
)

func newConfig(mut func(*Config)) *Config {
	c := Kind.NewConfig().(*Config)
	if mut != nil {
		mut(c)
	}
	return c
}

func recordedConfig(baseURL string) *Config {
	return newConfig(func(c *Config) {
		c.URL, c.TypeName, c.PageSize, c.SortBy = baseURL+owsPath, layer, 12, "gid"
	})
}

func TestConformance(t *testing.T) {
	connectortest.Run(t, connectortest.Options{
		Kind:   Kind,
		Config: func(baseURL string) connectors.Config { return recordedConfig(baseURL) },
		Replay: replayDir,
		Golden: "testdata/lycees.golden.json",
		BadConfigs: []connectortest.BadConfig{
			{Name: "nothing set", Config: newConfig(nil), WantPaths: []string{"url", "type_name", "sort_by"}},
			{Name: "everything wrong", Config: newConfig(func(c *Config) {
				c.URL, c.TypeName, c.SRSName, c.PageSize, c.SortBy, c.BBox, c.CQLFilter, c.MaxFeatures =
					"ftp://example.org/ows", "a b", "Lambert93", 0, "gid;drop", "1,2,3", "x = 1", -1
			}), WantPaths: []string{"url", "type_name", "srs_name", "page_size", "sort_by", "bbox", "max_features"}},
		},
		MinRecords: 30,
		Key:        func(r connectors.Record) string { s, _ := r.Fields["id"].(string); return s },
	})
}

func TestConfigValidate(t *testing.T) {
	ok := func(c *Config) { c.URL, c.TypeName, c.SortBy = "https://www.geopal.org/geoserver/ows", layer, "gid" }
	tests := []struct {
		name string
		mut  func(*Config)
		want []string // paths of the FieldErrors, sorted
	}{
		{"minimal", ok, nil},
		{"urn srs", func(c *Config) { ok(c); c.SRSName = "urn:ogc:def:crs:EPSG::4326" }, nil},
		{"http srs", func(c *Config) { ok(c); c.SRSName = "http://www.opengis.net/def/crs/EPSG/0/3857" }, nil},
		{"sort descending on two keys", func(c *Config) { ok(c); c.SortBy = "commune ASC,gid DESC" }, nil},
		{"cql filter", func(c *Config) { ok(c); c.CQLFilter = "code_dept = '44'" }, nil},
		{"bbox with crs", func(c *Config) { ok(c); c.BBox = "355000,6689000,430000,6720000,EPSG:2154" }, nil},
		{"url keeps a key", func(c *Config) { ok(c); c.URL += "?authkey=abc" }, nil},
		{"layer without workspace", func(c *Config) { ok(c); c.TypeName = "lycees" }, nil},
		{"max features", func(c *Config) { ok(c); c.MaxFeatures = 100 }, nil},
		{"nothing", nil, []string{"sort_by", "type_name", "url"}},
		{"url with GetFeature parameters", func(c *Config) { ok(c); c.URL += "?service=WFS&typeNames=x" }, []string{"url"}},
		{"url without host", func(c *Config) { ok(c); c.URL = "https:///ows" }, []string{"url"}},
		{"type name with a space", func(c *Config) { ok(c); c.TypeName = "rpdl:lycées publics" }, []string{"type_name"}},
		{"srs not EPSG", func(c *Config) { ok(c); c.SRSName = "CRS:84" }, []string{"srs_name"}},
		{"srs not supported", func(c *Config) { ok(c); c.SRSName = "EPSG:999999" }, []string{"srs_name"}},
		{"srs empty", func(c *Config) { ok(c); c.SRSName = "" }, []string{"srs_name"}},
		{"page size too large", func(c *Config) { ok(c); c.PageSize = MaxPageSize + 1 }, []string{"page_size"}},
		{"sort injection", func(c *Config) { ok(c); c.SortBy = "gid&startIndex=0" }, []string{"sort_by"}},
		{"bbox inverted", func(c *Config) { ok(c); c.BBox = "430000,6689000,355000,6720000" }, []string{"bbox"}},
		{"bbox with bad crs", func(c *Config) { ok(c); c.BBox = "1,2,3,4,WGS84" }, []string{"bbox"}},
		{"bbox and cql", func(c *Config) { ok(c); c.BBox, c.CQLFilter = "1,2,3,4", "a = 1" }, []string{"bbox"}},
		{"negative max", func(c *Config) { ok(c); c.MaxFeatures = -5 }, []string{"max_features"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := newConfig(tt.mut).Validate()
			var got []string
			for _, e := range leaves(err) {
				var fe *connectors.FieldError
				if !errors.As(e, &fe) {
					t.Errorf("error %q is a %T, want *connectors.FieldError", e, e)
					continue
				}
				got = append(got, fe.Path)
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Validate() = %v; paths %q, want %q", err, got, tt.want)
			}
		})
	}
}

func leaves(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestPageURL(t *testing.T) {
	src, err := Open(newConfig(func(c *Config) {
		c.URL, c.TypeName, c.SortBy, c.PageSize = "https://www.geopal.org/geoserver/ows?authkey=k", layer, "gid DESC", 500
		c.SRSName, c.CQLFilter = "urn:ogc:def:crs:EPSG::2154", "commune = 'Laval'"
	}), connectortest.Env(t))
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(src.PageURL(1500, 500))
	if err != nil {
		t.Fatal(err)
	}
	if u.Host != "www.geopal.org" || u.Path != "/geoserver/ows" {
		t.Errorf("PageURL endpoint %s%s", u.Host, u.Path)
	}
	want := url.Values{
		"authkey": {"k"}, "service": {"WFS"}, "version": {"2.0.0"}, "request": {"GetFeature"},
		"typeNames": {layer}, "outputFormat": {"application/json"}, "srsName": {"urn:ogc:def:crs:EPSG::2154"},
		"count": {"500"}, "startIndex": {"1500"}, "sortBy": {"gid DESC"}, "CQL_FILTER": {"commune = 'Laval'"},
	}
	if got := u.Query(); !reflect.DeepEqual(got, want) {
		t.Errorf("PageURL query = %v, want %v", got, want)
	}
}

// fetchAll runs Fetch and returns the records, the number of pages emitted
// and the error.
func fetchAll(t *testing.T, src connectors.Source) ([]connectors.Record, int, error) {
	t.Helper()
	var out []connectors.Record
	pages := 0
	err := src.Fetch(t.Context(), func(p []connectors.Record) error {
		pages++
		out = append(out, p...)
		return nil
	})
	return out, pages, err
}

// serveRecorded serves the recorded pages at /geoserver/ows.
func serveRecorded(t *testing.T) string {
	t.Helper()
	pages := map[string][]byte{}
	for i, start := range []string{"0", "12", "24"} {
		b, err := os.ReadFile(filepath.Join(replayDir, fmt.Sprintf("lycees-page-%d.geojson", i+1)))
		if err != nil {
			t.Fatal(err)
		}
		pages[start] = b
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := pages[r.URL.Query().Get("startIndex")]
		if !ok || r.URL.Path != owsPath || r.URL.Query().Get("count") != "12" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestRecordedLycees checks the records of the recordings against the
// WGS 84 positions the generator started from (testdata/replay/geopal-wfs/
// gen.go projected them with its own formula) and the faults it planted.
func TestRecordedLycees(t *testing.T) {
	src, err := Open(recordedConfig(serveRecorded(t)), connectortest.Env(t))
	if err != nil {
		t.Fatal(err)
	}
	recs, pages, err := fetchAll(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 30 || pages != 3 {
		t.Fatalf("%d records in %d pages, want 30 in 3", len(recs), pages)
	}
	byID := map[string]connectors.Record{}
	for i, r := range recs {
		if r.Line != i+1 {
			t.Errorf("record %d: Line %d, want %d", i, r.Line, i+1)
		}
		id, _ := r.Fields["id"].(string)
		byID[id] = r
		if _, ok := r.Fields["gid"].(json.Number); !ok {
			t.Errorf("%s: gid is %T, want json.Number", id, r.Fields["gid"])
		}
	}
	positions := []struct {
		id       string
		lon, lat float64
	}{
		{"lycees_publics.1", -1.5487, 47.2203},
		{"lycees_publics.7", -2.2132, 47.2789},
		{"lycees_publics.14", -0.0770, 47.2540},
		{"lycees_publics.25", 0.3720, 48.3520},
		{"lycees_publics.27", 2.3470, 48.8460},
		{"lycees_publics.30", -1.1650, 46.4530},
	}
	for _, p := range positions {
		t.Run(p.id, func(t *testing.T) {
			r, ok := byID[p.id]
			if !ok {
				t.Fatal("missing")
			}
			lon, lat := num(t, r.Fields["lon"]), num(t, r.Fields["lat"])
			// The recording rounds Lambert-93 to the centimetre.
			if math.Abs(lon-p.lon) > 1e-6 || math.Abs(lat-p.lat) > 1e-6 {
				t.Errorf("lon, lat = %v, %v; want %v, %v", lon, lat, p.lon, p.lat)
			}
			var g struct {
				Type        string
				Coordinates []float64
			}
			if err := json.Unmarshal([]byte(r.Fields["geometry"].(string)), &g); err != nil {
				t.Fatal(err)
			}
			if g.Type != "Point" || len(g.Coordinates) != 2 || g.Coordinates[0] != lon || g.Coordinates[1] != lat {
				t.Errorf("geometry %v does not match lon, lat %v, %v", r.Fields["geometry"], lon, lat)
			}
		})
	}
	if r := byID["lycees_publics.8"]; r.Fields["geometry"] != nil || r.Fields["lon"] != nil || r.Fields["lat"] != nil {
		t.Errorf("feature without geometry: geometry %v lon %v lat %v, want nil", r.Fields["geometry"], r.Fields["lon"], r.Fields["lat"])
	}
	if r := byID["lycees_publics.12"]; r.Fields["nom"] != nil {
		t.Errorf("nom of 12 = %v, want nil (null in the source)", r.Fields["nom"])
	}
	if v := byID["lycees_publics.5"].Fields["effectif"]; v != json.Number("1390") {
		t.Errorf("effectif of 5 = %#v, want json.Number 1390", v)
	}
}

func num(t *testing.T, v any) float64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%#v is not a json.Number", v)
	}
	f, err := n.Float64()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// pageServer answers each GetFeature by calling answer with the page's
// startIndex and count.
type pageServer struct {
	srv      *httptest.Server
	mu       sync.Mutex
	requests []url.Values
}

func newPageServer(t *testing.T, answer func(w http.ResponseWriter, start, count int)) *pageServer {
	t.Helper()
	ps := &pageServer{}
	ps.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		ps.mu.Lock()
		ps.requests = append(ps.requests, q)
		ps.mu.Unlock()
		start, _ := strconv.Atoi(q.Get("startIndex"))
		count, _ := strconv.Atoi(q.Get("count"))
		answer(w, start, count)
	}))
	t.Cleanup(ps.srv.Close)
	return ps
}

// collection is a GeoServer-like page of n point features numbered from
// first, with counts as given (matched < 0 writes totalFeatures "unknown").
func collection(first, n, matched int) string {
	var feats []string
	for i := first; i < first+n; i++ {
		x, y := 355000+float64(i)*100, 6689000+float64(i)*50
		feats = append(feats, fmt.Sprintf(`{"type":"Feature","id":"couche.%d","geometry":{"type":"Point","coordinates":[%v,%v]},"geometry_name":"the_geom","properties":{"gid":%d,"nom":"Lieu %d"}}`, i, x, y, i, i))
	}
	counts := `"totalFeatures":"unknown",`
	if matched >= 0 {
		counts = fmt.Sprintf(`"totalFeatures":%d,"numberMatched":%d,`, matched, matched)
	}
	return fmt.Sprintf(`{"type":"FeatureCollection","features":[%s],%s"numberReturned":%d,"timeStamp":"2025-10-14T06:12:03.512Z","crs":null}`, strings.Join(feats, ","), counts, n)
}

func writeJSON(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Write([]byte(body))
}

func TestPaging(t *testing.T) {
	tests := []struct {
		name       string
		pageSize   int
		max        int
		answer     func(w http.ResponseWriter, start, count int)
		wantStarts []int // startIndex of each request
		wantCounts []int // count of each request; nil: all pageSize
		wantN      int
	}{
		{"numberMatched reached on a full page", 10, 0,
			func(w http.ResponseWriter, start, count int) {
				writeJSON(w, collection(start, min(count, 20-start), 20))
			},
			[]int{0, 10}, nil, 20},
		{"unknown count, short last page", 10, 0,
			func(w http.ResponseWriter, start, count int) {
				writeJSON(w, collection(start, min(count, 25-start), -1))
			},
			[]int{0, 10, 20}, nil, 25},
		{"unknown count, empty last page", 10, 0,
			func(w http.ResponseWriter, start, count int) {
				writeJSON(w, collection(start, min(count, 20-start), -1))
			},
			[]int{0, 10, 20}, nil, 20},
		{"server caps count below page_size", 10, 0,
			func(w http.ResponseWriter, start, count int) { writeJSON(w, collection(start, min(4, 9-start), 9)) },
			[]int{0, 4, 8}, nil, 9},
		{"max_features cuts the last page", 10, 15,
			func(w http.ResponseWriter, start, count int) { writeJSON(w, collection(start, count, 100)) },
			[]int{0, 10}, []int{10, 5}, 15},
		{"empty layer", 10, 0,
			func(w http.ResponseWriter, start, count int) { writeJSON(w, collection(0, 0, 0)) },
			[]int{0}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := newPageServer(t, tt.answer)
			src, err := Open(newConfig(func(c *Config) {
				c.URL, c.TypeName, c.SortBy, c.PageSize, c.MaxFeatures = ps.srv.URL+owsPath, "ws:couche", "gid", tt.pageSize, tt.max
			}), connectortest.Env(t))
			if err != nil {
				t.Fatal(err)
			}
			recs, _, err := fetchAll(t, src)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != tt.wantN {
				t.Errorf("%d records, want %d", len(recs), tt.wantN)
			}
			var starts, counts []int
			for _, q := range ps.requests {
				s, _ := strconv.Atoi(q.Get("startIndex"))
				c, _ := strconv.Atoi(q.Get("count"))
				starts, counts = append(starts, s), append(counts, c)
			}
			if !reflect.DeepEqual(starts, tt.wantStarts) {
				t.Errorf("startIndex of the requests %v, want %v", starts, tt.wantStarts)
			}
			if tt.wantCounts != nil && !reflect.DeepEqual(counts, tt.wantCounts) {
				t.Errorf("count of the requests %v, want %v", counts, tt.wantCounts)
			}
			for i, r := range recs {
				if want := fmt.Sprintf("couche.%d", i); r.Fields["id"] != want {
					t.Errorf("record %d id %v, want %s", i, r.Fields["id"], want)
					break
				}
			}
		})
	}
}

const owsExceptionReport = `<?xml version="1.0" encoding="UTF-8"?><ows:ExceptionReport xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:ows="http://www.opengis.net/ows/1.1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="2.0.0" xsi:schemaLocation="http://www.opengis.net/ows/1.1 https://www.geopal.org/geoserver/schemas/ows/1.1.0/owsAll.xsd">
<ows:Exception exceptionCode="InvalidParameterValue" locator="typeName">
<ows:ExceptionText>Feature type rpdl:lycees_publics unknown</ows:ExceptionText>
</ows:Exception>
</ows:ExceptionReport>`

// TestFaults checks that each fault of the second page fails the fetch
// with an error naming the page and the URL.
func TestFaults(t *testing.T) {
	tests := []struct {
		name  string
		page2 func(w http.ResponseWriter)
		want  string
	}{
		{"HTML page with 200", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"))
		}, "HTML page"},
		{"HTML without content type", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte("\n<html><head><title>Maintenance</title></head></html>"))
		}, "HTML page"},
		{"OWS exception report", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/xml")
			w.Write([]byte(owsExceptionReport))
		}, "InvalidParameterValue: Feature type rpdl:lycees_publics unknown"},
		{"other XML", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/xml")
			w.Write([]byte(`<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0"/>`))
		}, "XML document"},
		{"truncated body", func(w http.ResponseWriter) {
			writeJSON(w, collection(10, 10, 30)[:300])
		}, "invalid GeoJSON"},
		{"invalid JSON", func(w http.ResponseWriter) {
			writeJSON(w, `{"type":"FeatureCollection","features":[{"type":"Feature",}]}`)
		}, "invalid GeoJSON"},
		{"trailing garbage", func(w http.ResponseWriter) {
			writeJSON(w, collection(10, 10, 30)+`{"x":1}`)
		}, "invalid GeoJSON"},
		{"wrong content type", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write([]byte(collection(10, 10, 30)))
		}, "unexpected Content-Type"},
		{"empty body", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
		}, "empty answer"},
		{"not a FeatureCollection", func(w http.ResponseWriter) {
			writeJSON(w, `{"type":"Feature","geometry":null,"properties":{}}`)
		}, "want FeatureCollection"},
		{"features missing", func(w http.ResponseWriter) {
			writeJSON(w, `{"type":"FeatureCollection","totalFeatures":30}`)
		}, "without a features array"},
		{"numberReturned disagrees", func(w http.ResponseWriter) {
			writeJSON(w, strings.Replace(collection(10, 10, 30), `"numberReturned":10`, `"numberReturned":12`, 1))
		}, "truncated answer"},
		{"page repeats the previous one", func(w http.ResponseWriter) {
			writeJSON(w, collection(0, 10, 30))
		}, "repeats the previous one"},
		{"page overlaps the previous one", func(w http.ResponseWriter) {
			writeJSON(w, collection(5, 10, 30))
		}, "already on page 1"},
		{"server error", func(w http.ResponseWriter) {
			http.Error(w, "java.lang.OutOfMemoryError", http.StatusInternalServerError)
		}, "HTTP 500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := newPageServer(t, func(w http.ResponseWriter, start, count int) {
				if start == 0 {
					writeJSON(w, collection(0, 10, 30))
					return
				}
				tt.page2(w)
			})
			src, err := Open(newConfig(func(c *Config) {
				c.URL, c.TypeName, c.SortBy, c.PageSize = ps.srv.URL+owsPath, "ws:couche", "gid", 10
			}), connectortest.Env(t))
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = fetchAll(t, src)
			if err == nil {
				t.Fatal("Fetch = nil, want an error")
			}
			msg := err.Error()
			for _, want := range []string{tt.want, "page 2 (startIndex=10)", ps.srv.URL + owsPath + "?"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not contain %q", msg, want)
				}
			}
		})
	}
}

// TestFeatureRecords checks how features become records: axis order of
// urn CRS names, renamed properties, other geometries, unreadable ones.
func TestFeatureRecords(t *testing.T) {
	tests := []struct {
		name    string
		srs     string
		feature string
		check   func(t *testing.T, f map[string]any)
	}{
		{"urn EPSG 4326 is latitude first", "urn:ogc:def:crs:EPSG::4326",
			`{"type":"Feature","id":"a.1","geometry":{"type":"Point","coordinates":[47.4722,-0.5488]},"properties":{}}`,
			func(t *testing.T, f map[string]any) {
				if f["lon"] != json.Number("-0.5488") || f["lat"] != json.Number("47.4722") {
					t.Errorf("lon, lat = %v, %v", f["lon"], f["lat"])
				}
			}},
		{"EPSG:4326 is longitude first", "EPSG:4326",
			`{"type":"Feature","id":"a.1","geometry":{"type":"Point","coordinates":[-0.5488,47.4722]},"properties":{}}`,
			func(t *testing.T, f map[string]any) {
				if f["lon"] != json.Number("-0.5488") || f["lat"] != json.Number("47.4722") {
					t.Errorf("lon, lat = %v, %v", f["lon"], f["lat"])
				}
			}},
		{"reserved property names renamed", "EPSG:2154",
			`{"type":"Feature","id":"a.1","geometry":null,"properties":{"id":7,"lon":"x","lat":null,"geometry":"POINT(1 2)","nom":"N","tags":["a","b"],"meta":{"k":1.50}}}`,
			func(t *testing.T, f map[string]any) {
				want := map[string]any{"id": "a.1", "prop_id": json.Number("7"), "prop_lon": "x", "prop_lat": nil, "prop_geometry": "POINT(1 2)",
					"nom": "N", "tags": []any{"a", "b"}, "meta": map[string]any{"k": json.Number("1.50")}, "geometry": nil, "lon": nil, "lat": nil}
				if !reflect.DeepEqual(f, want) {
					t.Errorf("fields %#v, want %#v", f, want)
				}
			}},
		{"numeric feature id", "EPSG:2154",
			`{"type":"Feature","id":12345678901234567,"geometry":null,"properties":{}}`,
			func(t *testing.T, f map[string]any) {
				if f["id"] != "12345678901234567" {
					t.Errorf("id %#v", f["id"])
				}
			}},
		{"polygon: centre of its box", "EPSG:4326",
			`{"type":"Feature","id":"a.1","geometry":{"type":"Polygon","coordinates":[[[-1,47],[-0.5,47],[-0.5,47.5],[-1,47]]]},"properties":{}}`,
			func(t *testing.T, f map[string]any) {
				if f["lon"] != json.Number("-0.75") || f["lat"] != json.Number("47.25") {
					t.Errorf("lon, lat = %v, %v", f["lon"], f["lat"])
				}
				if g, _ := f["geometry"].(string); !strings.HasPrefix(g, `{"type":"Polygon","coordinates":[[[-1,47],`) {
					t.Errorf("geometry %v", f["geometry"])
				}
			}},
		{"unreadable geometry", "EPSG:2154",
			`{"type":"Feature","id":"a.1","geometry":{"type":"Point","coordinates":["x","y"]},"properties":{"nom":"N"}}`,
			func(t *testing.T, f map[string]any) {
				msg, _ := f[connectors.ErrorField].(string)
				if !strings.Contains(msg, "géométrie") || !strings.Contains(msg, `"a.1"`) {
					t.Errorf("%s = %q, want a French reason naming the feature", connectors.ErrorField, msg)
				}
				if f["nom"] != "N" {
					t.Errorf("properties lost: %v", f)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"type":"FeatureCollection","features":[` + tt.feature + `],"totalFeatures":1,"numberMatched":1,"numberReturned":1,"crs":null}`
			ps := newPageServer(t, func(w http.ResponseWriter, _, _ int) { writeJSON(w, body) })
			src, err := Open(newConfig(func(c *Config) {
				c.URL, c.TypeName, c.SortBy, c.SRSName = ps.srv.URL+owsPath, "ws:couche", "gid", tt.srs
			}), connectortest.Env(t))
			if err != nil {
				t.Fatal(err)
			}
			recs, _, err := fetchAll(t, src)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 1 {
				t.Fatalf("%d records, want 1", len(recs))
			}
			tt.check(t, recs[0].Fields)
		})
	}
}

func TestDecodeRealSample(t *testing.T) {
	b, err := os.ReadFile("testdata/geoserver-getfeature-json-bcgov-openmaps.json")
	if err != nil {
		t.Fatal(err)
	}
	fc, err := Decode("application/json;charset=UTF-8", b)
	if err != nil {
		t.Fatal(err)
	}
	if fc.NumberMatched != 1573818 || fc.NumberReturned != 1 || fc.CRS != "urn:ogc:def:crs:EPSG::3005" || len(fc.Features) != 1 {
		t.Fatalf("Decode = matched %d returned %d crs %q features %d", fc.NumberMatched, fc.NumberReturned, fc.CRS, len(fc.Features))
	}
	f := fc.Features[0]
	if f.ID != "WHSE_CADASTRE.PMBC_PARCEL_FABRIC_POLY_SVW.fid--7b8e502a_1677cdee8cf_498b" {
		t.Errorf("ID %q", f.ID)
	}
	if f.Properties["OBJECTID"] != json.Number("77398905") || f.Properties["PIN"] != nil || f.Properties["FEATURE_AREA_SQM"] != json.Number("3260.4354") {
		t.Errorf("properties %v", f.Properties)
	}
}

func FuzzDecode(f *testing.F) {
	for _, p := range []string{
		"testdata/geoserver-getfeature-json-bcgov-openmaps.json",
		replayDir + "/lycees-page-1.geojson",
		replayDir + "/lycees-page-3.geojson",
	} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add("application/json;charset=UTF-8", b)
	}
	f.Add("application/json", []byte(`{"type":"FeatureCollection","features":[],"totalFeatures":0,"numberMatched":0,"numberReturned":0,"timeStamp":"2020-02-27T04:44:49.909Z","crs":null}`))
	f.Add("application/xml", []byte(owsExceptionReport))
	f.Add("text/html", []byte("<html></html>"))
	f.Fuzz(func(t *testing.T, ctype string, body []byte) {
		fc, err := Decode(ctype, body)
		if err != nil {
			return
		}
		if fc.NumberReturned >= 0 && fc.NumberReturned != len(fc.Features) {
			t.Fatalf("numberReturned %d with %d features accepted", fc.NumberReturned, len(fc.Features))
		}
		if fc.NumberMatched < -1 {
			t.Fatalf("NumberMatched %d", fc.NumberMatched)
		}
	})
}
