package geo

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// lambert93Forward is an independent implementation of the Lambert
// conformal conic projection with two standard parallels (IGN notes
// NTG_71 / ALG0003, ALG0019, ALG0054) on the GRS 80 ellipsoid, with the
// EPSG:2154 parameters. RGF93 is taken equal to WGS 84, as PROJ does for
// this pair. It checks PROJ's results against numbers derived without it.
func lambert93Forward(lon, lat float64) (x, y float64) {
	const (
		a      = 6378137.0
		invF   = 298.257222101
		lon0   = 3.0
		lat0   = 46.5
		lat1   = 44.0
		lat2   = 49.0
		x0, y0 = 700000.0, 6600000.0
	)
	f := 1 / invF
	e := math.Sqrt(2*f - f*f)
	rad := math.Pi / 180
	m := func(phi float64) float64 { s := math.Sin(phi); return math.Cos(phi) / math.Sqrt(1-e*e*s*s) }
	t := func(phi float64) float64 {
		s := math.Sin(phi)
		return math.Tan(math.Pi/4-phi/2) / math.Pow((1-e*s)/(1+e*s), e/2)
	}
	p1, p2 := lat1*rad, lat2*rad
	n := (math.Log(m(p1)) - math.Log(m(p2))) / (math.Log(t(p1)) - math.Log(t(p2)))
	F := m(p1) / (n * math.Pow(t(p1), n))
	rho := func(phi float64) float64 { return a * F * math.Pow(t(phi), n) }
	theta := n * (lon - lon0) * rad
	r := rho(lat * rad)
	return x0 + r*math.Sin(theta), y0 + rho(lat0*rad) - r*math.Cos(theta)
}

// Real places of the region, WGS 84 positions read on a map.
var regionPlaces = []struct {
	name     string
	lon, lat float64
}{
	{"Nantes, château des ducs de Bretagne", -1.5497, 47.2160},
	{"Angers, château", -0.5600, 47.4700},
	{"Le Mans, cathédrale Saint-Julien", 0.1989, 48.0077},
	{"Laval, château", -0.7725, 48.0691},
	{"La Roche-sur-Yon, place Napoléon", -1.4264, 46.6705},
	{"Saint-Nazaire, base sous-marine", -2.2063, 47.2736},
	{"Noirmoutier-en-l'Île, château", -2.2490, 47.0086},
	{"Mamers, place Carnot", 0.3683, 48.3497},
}

func TestLambert93Origin(t *testing.T) {
	lon, lat, err := Lambert93ToWGS84(700000, 6600000)
	if err != nil {
		t.Fatal(err)
	}
	// The IGN defines the false origin of Lambert-93 at 3°E, 46°30'N.
	if math.Abs(lon-3) > 1e-9 || math.Abs(lat-46.5) > 1e-9 {
		t.Errorf("Lambert93ToWGS84(700000, 6600000) = (%.12f, %.12f), want (3, 46.5)", lon, lat)
	}
	x, y, err := WGS84ToLambert93(3, 46.5)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(x-700000) > 1e-4 || math.Abs(y-6600000) > 1e-4 {
		t.Errorf("WGS84ToLambert93(3, 46.5) = (%.6f, %.6f), want (700000, 6600000)", x, y)
	}
}

// Points on the central meridian have x = 700000, and the northing grows
// with the latitude.
func TestLambert93CentralMeridian(t *testing.T) {
	prevY := math.Inf(-1)
	for lat := 42.0; lat <= 51.0; lat += 0.5 {
		t.Run(fmt.Sprintf("lat %.1f", lat), func(t *testing.T) {
			x, y, err := WGS84ToLambert93(3, lat)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(x-700000) > 1e-6 {
				t.Errorf("x = %.9f, want 700000 on the central meridian", x)
			}
			if y <= prevY {
				t.Errorf("y = %.3f, not above %.3f at the previous latitude", y, prevY)
			}
			prevY = y
		})
	}
}

func TestLambert93AgainstIndependentFormula(t *testing.T) {
	for _, p := range regionPlaces {
		t.Run(p.name, func(t *testing.T) {
			wantX, wantY := lambert93Forward(p.lon, p.lat)
			x, y, err := WGS84ToLambert93(p.lon, p.lat)
			if err != nil {
				t.Fatal(err)
			}
			if d := math.Hypot(x-wantX, y-wantY); d > 0.01 {
				t.Errorf("WGS84ToLambert93 = (%.3f, %.3f), formula (%.3f, %.3f): %.3f m apart", x, y, wantX, wantY, d)
			}
			lon, lat, err := Lambert93ToWGS84(wantX, wantY)
			if err != nil {
				t.Fatal(err)
			}
			// 1e-7 degree is about a centimetre.
			if math.Abs(lon-p.lon) > 1e-7 || math.Abs(lat-p.lat) > 1e-7 {
				t.Errorf("Lambert93ToWGS84(%.3f, %.3f) = (%.9f, %.9f), want (%v, %v)", wantX, wantY, lon, lat, p.lon, p.lat)
			}
		})
	}
}

func TestLambert93RoundTrip(t *testing.T) {
	for lon := -2.6; lon <= 0.95; lon += 0.25 {
		for lat := 46.25; lat <= 48.6; lat += 0.25 {
			x, y, err := WGS84ToLambert93(lon, lat)
			if err != nil {
				t.Fatal(err)
			}
			lon2, lat2, err := Lambert93ToWGS84(x, y)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(lon2-lon) > 1e-9 || math.Abs(lat2-lat) > 1e-9 {
				t.Errorf("(%v, %v) → (%.3f, %.3f) → (%.12f, %.12f)", lon, lat, x, y, lon2, lat2)
			}
		}
	}
}

func TestTransformErrors(t *testing.T) {
	tests := []struct {
		name     string
		from, to int
		x, y     float64
	}{
		{"unknown EPSG code", 999999, EPSGWGS84, 1, 2},
		{"zero EPSG code", 0, EPSGWGS84, 1, 2},
		{"NaN", EPSGLambert93, EPSGWGS84, math.NaN(), 6600000},
		{"infinity", EPSGLambert93, EPSGWGS84, 700000, math.Inf(1)},
		{"latitude beyond the pole", EPSGWGS84, EPSGLambert93, 3, 95},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y, err := Transform(tt.from, tt.to, tt.x, tt.y)
			if err == nil {
				t.Fatalf("Transform = (%v, %v), nil; want an error", x, y)
			}
			if !strings.HasPrefix(err.Error(), "geo: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

// Web Mercator through Transform, against the closed formula of the
// spherical Mercator.
func TestTransformWebMercator(t *testing.T) {
	const r = 6378137.0
	for _, p := range regionPlaces[:3] {
		t.Run(p.name, func(t *testing.T) {
			x, y, err := Transform(EPSGWGS84, 3857, p.lon, p.lat)
			if err != nil {
				t.Fatal(err)
			}
			wantX := r * p.lon * math.Pi / 180
			wantY := r * math.Log(math.Tan(math.Pi/4+p.lat*math.Pi/360))
			if math.Abs(x-wantX) > 1e-3 || math.Abs(y-wantY) > 1e-3 {
				t.Errorf("Transform = (%.3f, %.3f), want (%.3f, %.3f)", x, y, wantX, wantY)
			}
		})
	}
}

// l93 returns the position of regionPlaces[i] in Lambert-93, by the
// independent formula, as GeoJSON text.
func l93(i int) string {
	x, y := lambert93Forward(regionPlaces[i].lon, regionPlaces[i].lat)
	return fmt.Sprintf("[%.3f,%.3f]", x, y)
}

func TestTransformGeoJSON(t *testing.T) {
	p := regionPlaces
	ring := fmt.Sprintf("[%s,%s,%s,%s]", l93(0), l93(1), l93(4), l93(0))
	tests := []struct {
		name string
		in   string
		opt  GeoJSONOptions
		// want is the expected geometry with the WGS 84 positions of
		// regionPlaces, by index.
		wantType string
		want     any // nested []int of place indexes; for a collection, []any of sub-wants
		wantBox  [4]float64
	}{
		{"Point", `{"type":"Point","coordinates":` + l93(0) + `}`, GeoJSONOptions{}, "Point", 0,
			[4]float64{p[0].lon, p[0].lat, p[0].lon, p[0].lat}},
		{"Point with height and extra members", `{"type":"Point","bbox":[1,2,3,4],"coordinates":` + strings.TrimSuffix(l93(2), "]") + `,57.5]}`, GeoJSONOptions{}, "Point", 2,
			[4]float64{p[2].lon, p[2].lat, p[2].lon, p[2].lat}},
		{"MultiPoint", `{"type":"MultiPoint","coordinates":[` + l93(0) + `,` + l93(2) + `]}`, GeoJSONOptions{}, "MultiPoint", []any{0, 2},
			[4]float64{p[0].lon, p[0].lat, p[2].lon, p[2].lat}},
		{"LineString", `{"type":"LineString","coordinates":[` + l93(5) + `,` + l93(0) + `,` + l93(1) + `]}`, GeoJSONOptions{}, "LineString", []any{5, 0, 1},
			[4]float64{p[5].lon, p[0].lat, p[1].lon, p[1].lat}},
		{"MultiLineString", `{"type":"MultiLineString","coordinates":[[` + l93(3) + `,` + l93(2) + `],[` + l93(6) + `,` + l93(5) + `]]}`, GeoJSONOptions{}, "MultiLineString", []any{[]any{3, 2}, []any{6, 5}},
			[4]float64{p[6].lon, p[6].lat, p[2].lon, p[3].lat}},
		{"Polygon", `{"type":"Polygon","coordinates":[` + ring + `]}`, GeoJSONOptions{}, "Polygon", []any{[]any{0, 1, 4, 0}},
			[4]float64{p[0].lon, p[4].lat, p[1].lon, p[1].lat}},
		{"MultiPolygon", `{"type":"MultiPolygon","coordinates":[[` + ring + `],[[` + l93(2) + `,` + l93(7) + `,` + l93(3) + `,` + l93(2) + `]]]}`, GeoJSONOptions{}, "MultiPolygon",
			[]any{[]any{[]any{0, 1, 4, 0}}, []any{[]any{2, 7, 3, 2}}},
			[4]float64{p[0].lon, p[4].lat, p[7].lon, p[7].lat}},
		{"GeometryCollection", `{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":` + l93(1) + `},{"type":"LineString","coordinates":[` + l93(0) + `,` + l93(3) + `]}]}`, GeoJSONOptions{}, "GeometryCollection", nil,
			[4]float64{p[0].lon, p[0].lat, p[1].lon, p[3].lat}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, box, err := TransformGeoJSON(EPSGLambert93, EPSGWGS84, []byte(tt.in), GeoJSONOptions{Decimals: 7})
			if err != nil {
				t.Fatal(err)
			}
			var g struct {
				Type        string            `json:"type"`
				Coordinates any               `json:"coordinates"`
				Geometries  []json.RawMessage `json:"geometries"`
				BBox        any               `json:"bbox"`
			}
			if err := json.Unmarshal(out, &g); err != nil {
				t.Fatalf("output %s is not JSON: %v", out, err)
			}
			if g.Type != tt.wantType {
				t.Errorf("type %q, want %q", g.Type, tt.wantType)
			}
			if g.BBox != nil {
				t.Errorf("output %s keeps the input bbox, in the old CRS", out)
			}
			if tt.want != nil {
				checkPositions(t, g.Coordinates, tt.want, "coordinates")
			} else if len(g.Geometries) != 2 {
				t.Errorf("collection of %d geometries, want 2: %s", len(g.Geometries), out)
			}
			got := [4]float64{box.MinX, box.MinY, box.MaxX, box.MaxY}
			for i := range got {
				if math.Abs(got[i]-tt.wantBox[i]) > 1e-7 {
					t.Errorf("bbox %v, want %v", got, tt.wantBox)
					break
				}
			}
			if strings.Contains(tt.name, "height") && !strings.Contains(string(out), ",57.5]") {
				t.Errorf("height lost: %s", out)
			}
		})
	}
}

// checkPositions compares decoded GeoJSON coordinates with the WGS 84
// positions of the places indexed in want.
func checkPositions(t *testing.T, got, want any, path string) {
	t.Helper()
	switch w := want.(type) {
	case int:
		pos, ok := got.([]any)
		if !ok || len(pos) < 2 {
			t.Errorf("%s = %v, want a position", path, got)
			return
		}
		lon, _ := pos[0].(float64)
		lat, _ := pos[1].(float64)
		if math.Abs(lon-regionPlaces[w].lon) > 1e-7 || math.Abs(lat-regionPlaces[w].lat) > 1e-7 {
			t.Errorf("%s = (%v, %v), want %s (%v, %v)", path, lon, lat, regionPlaces[w].name, regionPlaces[w].lon, regionPlaces[w].lat)
		}
	case []any:
		arr, ok := got.([]any)
		if !ok || len(arr) != len(w) {
			t.Errorf("%s = %v, want %d items", path, got, len(w))
			return
		}
		for i := range w {
			checkPositions(t, arr[i], w[i], fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

func TestTransformGeoJSONSwapInput(t *testing.T) {
	// A WFS asked for urn:ogc:def:crs:EPSG::4326 sends latitude first.
	p := regionPlaces[3]
	in := fmt.Sprintf(`{"type":"Point","coordinates":[%v,%v]}`, p.lat, p.lon)
	out, _, err := TransformGeoJSON(EPSGWGS84, EPSGWGS84, []byte(in), GeoJSONOptions{SwapInput: true})
	if err != nil {
		t.Fatal(err)
	}
	var g struct{ Coordinates []float64 }
	if err := json.Unmarshal(out, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Coordinates) != 2 || math.Abs(g.Coordinates[0]-p.lon) > 1e-9 || math.Abs(g.Coordinates[1]-p.lat) > 1e-9 {
		t.Errorf("swapped point = %s, want [%v,%v]", out, p.lon, p.lat)
	}
}

func TestTransformGeoJSONErrors(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantEmpty bool
	}{
		{"not JSON", `{"type":"Point","coordinates":[1,`, false},
		{"not an object", `[700000,6600000]`, false},
		{"unknown type", `{"type":"Circle","coordinates":[700000,6600000]}`, false},
		{"Feature is not a geometry", `{"type":"Feature","geometry":null}`, false},
		{"missing coordinates", `{"type":"Point"}`, false},
		{"null coordinates", `{"type":"Point","coordinates":null}`, false},
		{"position too short", `{"type":"Point","coordinates":[700000]}`, false},
		{"string in a position", `{"type":"Point","coordinates":["700000","6600000"]}`, false},
		{"depth too shallow for a Polygon", `{"type":"Polygon","coordinates":[[700000,6600000]]}`, false},
		{"depth too deep for a Point", `{"type":"Point","coordinates":[[700000,6600000]]}`, false},
		{"empty LineString", `{"type":"LineString","coordinates":[]}`, true},
		{"empty collection", `{"type":"GeometryCollection","geometries":[]}`, true},
		{"collection with a bad member", `{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1]}]}`, false},
		{"collections nested too deep", strings.Repeat(`{"type":"GeometryCollection","geometries":[`, 10) + strings.Repeat(`]}`, 10), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := TransformGeoJSON(EPSGLambert93, EPSGWGS84, []byte(tt.in), GeoJSONOptions{})
			if err == nil {
				t.Fatalf("TransformGeoJSON = %s, nil; want an error", out)
			}
			if got := errors.Is(err, ErrEmptyGeometry); got != tt.wantEmpty {
				t.Errorf("errors.Is(%v, ErrEmptyGeometry) = %v, want %v", err, got, tt.wantEmpty)
			}
		})
	}
}

func FuzzTransformGeoJSON(f *testing.F) {
	seeds := []string{
		`{"type":"Point","coordinates":[355872.4,6689262.1]}`,
		`{"type":"MultiPoint","coordinates":[[355872.4,6689262.1],[431038.1,6718434.9]]}`,
		`{"type": "Polygon","coordinates": [[[1121268.689,481286.634],[1121313.079,481348.863],[1121288.326,481374.623],[1121224.966,481286.119],[1121268.689,481286.634]]]}`,
		`{"type":"MultiLineString","coordinates":[[[355872.4,6689262.1,12],[431038.1,6718434.9,40]]]}`,
		`{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[700000,6600000]}]}`,
		`{"type":"Point","coordinates":[]}`,
		`null`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, in []byte, swap bool) {
		out, box, err := TransformGeoJSON(EPSGLambert93, EPSGWGS84, in, GeoJSONOptions{SwapInput: swap, Decimals: 7})
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON output %q for %q", out, in)
		}
		if box.MinX > box.MaxX || box.MinY > box.MaxY || !finite(box.MinX) || !finite(box.MaxY) {
			t.Fatalf("bad bbox %+v for %q", box, in)
		}
		// The output is itself a geometry in WGS 84: transforming it from
		// 4326 to 4326 keeps it.
		again, _, err := TransformGeoJSON(EPSGWGS84, EPSGWGS84, out, GeoJSONOptions{Decimals: 7})
		if err != nil {
			t.Fatalf("output %s does not transform again: %v", out, err)
		}
		if string(again) != string(out) {
			t.Fatalf("identity transform changed %s into %s", out, again)
		}
	})
}

// TestAgainstPROJ compares every transformation with the values PROJ 9
// computed for testdata/proj-points.csv (see proj-points.sh): 1 mm for a
// projected position, 1e-8 degree (about 1 mm) for a geographic one.
func TestAgainstPROJ(t *testing.T) {
	f, err := os.Open("testdata/proj-points.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, r := range rows[1:] {
		epsg, _ := strconv.Atoi(r[0])
		var v [4]float64
		for i := range v {
			if v[i], err = strconv.ParseFloat(r[2+i], 64); err != nil {
				t.Fatalf("row %v: %v", r, err)
			}
		}
		lon, lat, x, y := v[0], v[1], v[2], v[3]
		seen[r[0]+" "+r[1]]++
		if r[1] == "forward" {
			gx, gy, err := Transform(EPSGWGS84, epsg, lon, lat)
			if err != nil || math.Abs(gx-x) > 1e-3 || math.Abs(gy-y) > 1e-3 {
				t.Errorf("EPSG:%d forward (%v, %v) = (%.4f, %.4f, %v), PROJ (%v, %v)", epsg, lon, lat, gx, gy, err, x, y)
			}
			continue
		}
		glon, glat, err := Transform(epsg, EPSGWGS84, x, y)
		if err != nil || math.Abs(glon-lon) > 1e-8 || math.Abs(glat-lat) > 1e-8 {
			t.Errorf("EPSG:%d inverse (%v, %v) = (%.10f, %.10f, %v), PROJ (%v, %v)", epsg, x, y, glon, glat, err, lon, lat)
		}
	}
	// Every CRS in both directions, so a truncated file cannot pass.
	for _, code := range []string{"2154", "3942", "3946", "3950", "3857"} {
		if seen[code+" forward"] < 20 || seen[code+" inverse"] < 20 {
			t.Errorf("EPSG:%s: %d forward and %d inverse reference points", code, seen[code+" forward"], seen[code+" inverse"])
		}
	}
}
