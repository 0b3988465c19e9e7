package output

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/parquet-go/parquet-go"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/wkb"

	"github.com/ligerdata/ligerdata/schemas"
)

// communesRaw is a geographic schema whose geometry is a geojson field.
const communesRaw = `{
  "name": "communes-geo",
  "fields": [
    {"name": "code", "type": "string"},
    {"name": "nom", "type": "string"},
    {"name": "population", "type": "integer"},
    {"name": "surface", "type": "number"},
    {"name": "maj", "type": "date"},
    {"name": "contour", "type": "geojson"},
    {"name": "centre", "type": "geopoint"}
  ],
  "primaryKey": ["code"]
}`

func parseSchema(t testing.TB, raw string) *schemas.Schema {
	t.Helper()
	s, err := schemas.Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func communesRows() [][]schemas.Value {
	return [][]schemas.Value{
		{"44109", "Nantes", int64(320732), 65.19, day1,
			json.RawMessage(`{"type":"Polygon","coordinates":[[[-1.64,47.18],[-1.47,47.18],[-1.47,47.30],[-1.64,47.30],[-1.64,47.18]]]}`),
			[2]float64{-1.5536, 47.2184}},
		{"49007", "Angers", int64(157175), 42.7, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
			json.RawMessage(`{"type":"Feature","properties":{"x":1},"geometry":{"type":"Point","coordinates":[-0.5540,47.4784]}}`),
			nil},
		{"85191", "La Roche-sur-Yon", nil, nil, nil,
			json.RawMessage(`{"type":"LineString","coordinates":[[-1.43,46.67,70],[-1.42,46.68,75.5]]}`),
			[2]float64{-1.4265, 46.6705}},
		{"72181", "Le Mans", int64(145004), 52.81, day1, nil, nil},
	}
}

// publishWith publishes rows of schema s as dataset/release.
func publishWith(t testing.TB, public, dataset, release string, s *schemas.Schema, rows [][]schemas.Value) Published {
	t.Helper()
	r, err := NewRelease(public, testMeta(dataset), s, release, func() time.Time { return ts1 })
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if err := r.Append(row); err != nil {
			r.Abort()
			t.Fatal(err)
		}
	}
	p, err := r.Commit(Quality{})
	if err != nil {
		r.Abort()
		t.Fatal(err)
	}
	return p
}

// readGeoMetadata returns the "geo" metadata of a parquet file, checked
// against the keys the GeoParquet 1.1 specification requires.
func readGeoMetadata(t *testing.T, path string) (GeoMetadata, *parquet.File) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := pf.Lookup("geo")
	if !ok {
		t.Fatalf("%s: no geo metadata", path)
	}
	var generic map[string]any
	if err := json.Unmarshal([]byte(raw), &generic); err != nil {
		t.Fatalf("geo metadata is not JSON: %v", err)
	}
	for _, k := range []string{"version", "primary_column", "columns"} {
		if _, ok := generic[k]; !ok {
			t.Errorf("geo metadata: no %q", k)
		}
	}
	var m GeoMetadata
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	if m.Version != "1.1.0" {
		t.Errorf("geo version %q", m.Version)
	}
	cols := generic["columns"].(map[string]any)
	for name, cv := range cols {
		col := cv.(map[string]any)
		for _, k := range []string{"encoding", "geometry_types"} {
			if _, ok := col[k]; !ok {
				t.Errorf("geo column %s: no %q", name, k)
			}
		}
		if _, ok := col["crs"]; ok {
			t.Errorf("geo column %s: crs present, OGC:CRS84 is meant", name)
		}
		if bb, ok := col["bbox"].([]any); ok && len(bb) != 4 && len(bb) != 6 {
			t.Errorf("geo column %s: bbox %v", name, bb)
		}
		leaf, ok := pf.Schema().Lookup(name)
		if !ok {
			t.Errorf("geo column %s is not in the file", name)
		} else if leaf.Node.Type().Kind() != parquet.ByteArray || leaf.Node.Repeated() {
			t.Errorf("geo column %s: %v", name, leaf.Node.Type())
		}
	}
	if _, ok := m.Columns[m.PrimaryColumn]; !ok {
		t.Errorf("primary column %q not described", m.PrimaryColumn)
	}
	return m, pf
}

// wkbColumn returns the geometries of a column of pf (nil for nulls).
func wkbColumn(t *testing.T, pf *parquet.File, name string) []geom.T {
	t.Helper()
	leaf, _ := pf.Schema().Lookup(name)
	rows := make([]parquet.Row, pf.NumRows())
	rd := parquet.NewReader(pf)
	n, _ := rd.ReadRows(rows)
	var out []geom.T
	for _, row := range rows[:n] {
		v := leafValues(row, leaf.ColumnIndex)[0]
		if v.IsNull() {
			out = append(out, nil)
			continue
		}
		g, err := wkb.Unmarshal(v.ByteArray())
		if err != nil {
			t.Fatalf("column %s: %v", name, err)
		}
		out = append(out, g)
	}
	return out
}

// leafValues returns the values of row in leaf column i (several for a
// list).
func leafValues(row parquet.Row, i int) []parquet.Value {
	var out []parquet.Value
	for _, v := range row {
		if v.Column() == i {
			out = append(out, v)
		}
	}
	return out
}

// xy returns the x, y pairs of every coordinate of g.
func xy(g geom.T) [][2]float64 {
	if gc, ok := g.(*geom.GeometryCollection); ok {
		var out [][2]float64
		for _, sub := range gc.Geoms() {
			out = append(out, xy(sub)...)
		}
		return out
	}
	var out [][2]float64
	flat, stride := g.FlatCoords(), g.Stride()
	for i := 0; stride >= 2 && i+1 < len(flat); i += stride {
		out = append(out, [2]float64{flat[i], flat[i+1]})
	}
	return out
}

func inBBox(bb []float64, g geom.T) bool {
	for _, p := range xy(g) {
		if p[0] < bb[0] || p[1] < bb[1] || p[0] > bb[2] || p[1] > bb[3] {
			return false
		}
	}
	return true
}

// checkArrow reads a parquet file with arrow-go.
func checkArrow(t *testing.T, path string, rows int64) {
	t.Helper()
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatalf("arrow-go: %v", err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatalf("arrow-go: %v", err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatalf("arrow-go: read %s: %v", path, err)
	}
	defer tbl.Release()
	if tbl.NumRows() != rows {
		t.Errorf("arrow-go: %d rows, want %d", tbl.NumRows(), rows)
	}
}

func TestGeoJSONFieldDataset(t *testing.T) {
	public := t.TempDir()
	s := parseSchema(t, communesRaw)
	p := publishWith(t, public, "communes", "20261127T152100Z-0001", s, communesRows())
	path := filepath.Join(p.Dir, FileParquet)
	m, pf := readGeoMetadata(t, path)
	if m.PrimaryColumn != "contour" {
		t.Fatalf("primary column %q, want the first geographic field contour", m.PrimaryColumn)
	}
	col := m.Columns["contour"]
	if col.Encoding != "WKB" {
		t.Errorf("encoding %q", col.Encoding)
	}
	if want := []string{"LineString Z", "Point", "Polygon"}; !reflect.DeepEqual(col.GeometryTypes, want) {
		t.Errorf("geometry_types %v, want %v", col.GeometryTypes, want)
	}
	if want := []float64{-1.64, 46.67, -0.554, 47.4784}; !reflect.DeepEqual(col.BBox, want) {
		t.Errorf("bbox %v, want %v", col.BBox, want)
	}
	if _, ok := pf.Schema().Lookup("geometry"); ok {
		t.Error("a geojson dataset must not get an extra geometry column")
	}
	geoms := wkbColumn(t, pf, "contour")
	if len(geoms) != 4 || geoms[3] != nil {
		t.Fatalf("geometries %v", geoms)
	}
	wantTypes := []string{"Polygon", "Point", "LineString Z"}
	for i, g := range geoms[:3] {
		if got := geometryTypeName(g); got != wantTypes[i] {
			t.Errorf("row %d: %s, want %s", i, got, wantTypes[i])
		}
		if !inBBox(col.BBox, g) {
			t.Errorf("row %d outside the bbox", i)
		}
	}
	if pt := geoms[1].(*geom.Point); pt.X() != -0.554 || pt.Y() != 47.4784 {
		t.Errorf("feature geometry = %v", pt.Coords())
	}

	checkArrow(t, path, 4)
	checkDuckDBGeo(t, path, "contour", 4)

	// data.geojson
	fc := readFeatureCollection(t, filepath.Join(p.Dir, FileGeoJSON))
	if len(fc.Features) != 4 {
		t.Fatalf("%d features", len(fc.Features))
	}
	f0 := fc.Features[0]
	if f0.Geometry == nil || f0.Geometry.Type != "Polygon" {
		t.Errorf("feature 0 geometry %+v", f0.Geometry)
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"string property", fc.Features[0].Properties["nom"], "Nantes"},
		{"integer as number", fc.Features[0].Properties["population"], 320732.0},
		{"number as number", fc.Features[1].Properties["surface"], 42.7},
		{"date", fc.Features[0].Properties["maj"], "2026-11-27"},
		{"missing", fc.Features[2].Properties["population"], nil},
		{"other geopoint", fc.Features[0].Properties["centre"], []any{-1.5536, 47.2184}},
		{"geometry not a property", hasKey(fc.Features[0].Properties, "contour"), false},
		{"feature point", string(fc.Features[1].Geometry.Coordinates), "[-0.5540,47.4784]"},
		{"3d line", string(fc.Features[2].Geometry.Coordinates), "[[-1.43,46.67,70],[-1.42,46.68,75.5]]"},
		{"null geometry", fc.Features[3].Geometry == nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v, want %#v", tt.got, tt.want)
			}
		})
	}

	// ReadRows gives the geometry back as GeoJSON.
	var got []string
	err := ReadRows(public, "communes", p.Release, s, func(values []schemas.Value) error {
		if values[5] == nil {
			got = append(got, "")
		} else {
			got = append(got, string(values[5].(json.RawMessage)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"type":"Polygon","coordinates":[[[-1.64,47.18],[-1.47,47.18],[-1.47,47.3],[-1.64,47.3],[-1.64,47.18]]]}`,
		`{"type":"Point","coordinates":[-0.554,47.4784]}`,
		`{"type":"LineString","coordinates":[[-1.43,46.67,70],[-1.42,46.68,75.5]]}`,
		"",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadRows geometries:\n got %q\nwant %q", got, want)
	}
}

func hasKey(m map[string]any, k string) bool { _, ok := m[k]; return ok }

type featureCollection struct {
	Type     string `json:"type"`
	Features []struct {
		Type     string `json:"type"`
		Geometry *struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

func readFeatureCollection(t *testing.T, path string) featureCollection {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fc featureCollection
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fc); err != nil {
		t.Fatalf("data.geojson: %v", err)
	}
	if fc.Type != "FeatureCollection" {
		t.Errorf("type %q", fc.Type)
	}
	for i, f := range fc.Features {
		if f.Type != "Feature" || f.Properties == nil {
			t.Errorf("feature %d: type %q properties %v", i, f.Type, f.Properties)
		}
	}
	return fc
}

func checkDuckDBGeo(t *testing.T, path, col string, rows int) {
	t.Helper()
	db, src := duckParquet(t, path)
	var n, geoms int
	if err := db.QueryRow(`SELECT count(*), count(`+col+`) FROM `+src).Scan(&n, &geoms); err != nil {
		t.Fatalf("duckdb: %v", err)
	}
	if n != rows || geoms == 0 {
		t.Errorf("duckdb: %d rows, %d geometries", n, geoms)
	}
	// DuckDB reads the "geo" metadata back.
	var meta string
	err := db.QueryRow(`SELECT decode(value) FROM parquet_kv_metadata('` + strings.ReplaceAll(path, "'", "''") + `') WHERE decode(key) = 'geo'`).Scan(&meta)
	if err != nil || !json.Valid([]byte(meta)) {
		t.Errorf("duckdb geo metadata %q: %v", meta, err)
	}
}

func TestGeopointDataset(t *testing.T) {
	public := t.TempDir()
	p := publish(t, public, "communes", "20261127T152100Z-0001", allTypesRows(), Quality{})
	path := filepath.Join(p.Dir, FileParquet)
	m, pf := readGeoMetadata(t, path)
	if m.PrimaryColumn != "geometry" {
		t.Fatalf("primary column %q", m.PrimaryColumn)
	}
	col := m.Columns["geometry"]
	if !reflect.DeepEqual(col.GeometryTypes, []string{"Point"}) || !reflect.DeepEqual(col.BBox, []float64{-1.5536, 47.2184, -1.5536, 47.2184}) {
		t.Errorf("geometry column %+v", col)
	}
	if _, ok := pf.Schema().Lookup("position", "lon"); !ok {
		t.Error("the geopoint group is kept")
	}
	geoms := wkbColumn(t, pf, "geometry")
	if len(geoms) != 3 || geoms[1] != nil || geoms[2] != nil {
		t.Fatalf("geometries %v", geoms)
	}
	if pt := geoms[0].(*geom.Point); pt.X() != -1.5536 || pt.Y() != 47.2184 {
		t.Errorf("point %v", pt.Coords())
	}
	checkArrow(t, path, 3)
	checkDuckDBGeo(t, path, "geometry", 3)
	fc := readFeatureCollection(t, filepath.Join(p.Dir, FileGeoJSON))
	if len(fc.Features) != 3 || string(fc.Features[0].Geometry.Coordinates) != "[-1.5536,47.2184]" || fc.Features[1].Geometry != nil {
		t.Errorf("features %+v", fc.Features)
	}
	if hasKey(fc.Features[0].Properties, "position") || fc.Features[0].Properties["ouvert"] != true || fc.Features[0].Properties["horodatage"] != "2026-11-27T15:21:00Z" {
		t.Errorf("properties %v", fc.Features[0].Properties)
	}
}

func TestNonGeographicDataset(t *testing.T) {
	public := t.TempDir()
	s := parseSchema(t, `{"fields":[{"name":"code","type":"string"},{"name":"taux","type":"number"},{"name":"forme","type":"geojson","format":"topojson"}]}`)
	p := publishWith(t, public, "taux", "20261127T152100Z-0001", s, [][]schemas.Value{{"a", 0.5, nil}, {"b", -12.25, nil}})
	for _, f := range p.Files {
		if f.Name == FileGeoJSON {
			t.Error("a dataset without geometry has no data.geojson")
		}
	}
	path := filepath.Join(p.Dir, FileParquet)
	data, _ := os.ReadFile(path)
	pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := pf.Lookup("geo"); ok {
		t.Error("geo metadata on a non geographic file")
	}
	checkArrow(t, path, 2)
}

func TestGeoColumnName(t *testing.T) {
	tests := []struct {
		name   string
		fields []string
		want   string
	}{
		{"free", []string{"pos"}, "geometry"},
		{"taken", []string{"pos", "geometry"}, "geometry_wkb"},
		{"both taken", []string{"pos", "geometry", "geometry_wkb"}, "geometry_wkb_2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &schemas.Schema{}
			for _, f := range tt.fields {
				s.Fields = append(s.Fields, schemas.Field{Name: f, Type: "geopoint"})
			}
			if got := geometryColumnName(s); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFrenchCSV(t *testing.T) {
	public := t.TempDir()
	p := publish(t, public, "communes", "20261127T152100Z-0001", allTypesRows(), Quality{})
	b, err := os.ReadFile(filepath.Join(p.Dir, FileCSVFR))
	if err != nil {
		t.Fatal(err)
	}
	body, ok := bytes.CutPrefix(b, []byte("\xEF\xBB\xBF"))
	if !ok {
		t.Fatal("data-fr.csv does not start with a BOM")
	}
	rd := csv.NewReader(bytes.NewReader(body))
	rd.Comma = ';'
	recs, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Same values as data.csv, except the number column prix (decimal
	// comma) and the datetimes horodatage (UTC without "Z").
	want := make([][]string, len(allTypesCSV))
	for i, rec := range allTypesCSV {
		want[i] = slices.Clone(rec)
	}
	want[1][4] = "12,5"
	want[2][4] = "0,1"
	want[1][7] = "2026-11-27T15:21:00"
	want[2][7] = "2026-01-02T03:04:05.123456"
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("data-fr.csv:\n got %q\nwant %q", recs, want)
	}
	// Text cells are quoted (the postal codes too), typed ones are not.
	wantLine := `"01000";"Bourg-en-Bresse";42;2024;12,5;true;2026-11-27;2026-11-27T15:21:00;15:04:05;"2026-11";"P1D";"-1.5536,47.2184";"{""a"":1}";"x;y";"libre"` + "\n"
	if !bytes.Contains(body, []byte("\n"+wantLine)) {
		t.Errorf("quoting: %s", body)
	}
}

func TestAppendCSVRecordFR(t *testing.T) {
	tests := []struct {
		name string
		rec  []string
		want string
	}{
		{"plain", []string{"a", "b"}, "a;b\n"},
		{"comma not quoted", []string{"1,5", "x"}, "1,5;x\n"},
		{"semicolon quoted", []string{"a;b"}, "\"a;b\"\n"},
		{"quote doubled", []string{`dit "oui"`}, "\"dit \"\"oui\"\"\"\n"},
		{"newline", []string{"a\nb"}, "\"a\nb\"\n"},
		{"leading space", []string{" a"}, "\" a\"\n"},
		{"long with semicolon late", []string{"abcdefghijklmnop;q"}, "\"abcdefghijklmnop;q\"\n"},
		{"empty", []string{"", ""}, ";\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(appendCSVRecord(nil, tt.rec, ';')); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzAppendCSVRecordFR(f *testing.F) {
	f.Add("44109", "Nantes; centre", "12,5")
	f.Add(" espace", "guillemet \"x\"", "ligne\r\nsuite")
	f.Add(`\.`, "", "é;à")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		rec := []string{a, b, c}
		line := appendCSVRecord(nil, rec, ';')
		rd := csv.NewReader(bytes.NewReader(line))
		rd.Comma = ';'
		got, err := rd.Read()
		if err != nil {
			return // encoding/csv rejects some inputs we write (bare CR…)
		}
		for i := range rec {
			// encoding/csv turns \r\n into \n inside quoted fields.
			if strings.ReplaceAll(rec[i], "\r\n", "\n") != got[i] && !strings.Contains(rec[i], "\r") {
				t.Fatalf("field %d: wrote %q, read %q (line %q)", i, rec[i], got[i], line)
			}
		}
	})
}

func FuzzGeometryJSON(f *testing.F) {
	f.Add(`{"type":"Point","coordinates":[-1.55,47.21]}`)
	f.Add(`{"type":"Polygon","coordinates":[[[-1.64,47.18],[-1.47,47.18],[-1.47,47.3],[-1.64,47.18]]]}`)
	f.Add(`{"type":"Feature","properties":{"nom":"Nantes"},"geometry":{"type":"Point","coordinates":[-1.55,47.21,12]}}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{}},{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}`)
	f.Add(`{"type":"MultiPolygon","coordinates":[]}`)
	f.Add(`{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		g, err := geometryOf(json.RawMessage(s))
		if err != nil || g == nil {
			return
		}
		b, err := appendWKB(nil, g)
		if err != nil {
			return
		}
		back, err := wkbToGeoJSON(b)
		if err != nil {
			t.Fatalf("WKB of %s does not decode: %v", s, err)
		}
		g2, err := geometryOf(back)
		if err != nil {
			t.Fatalf("%s: GeoJSON %s does not decode: %v", s, back, err)
		}
		if geometryTypeName(g2) != geometryTypeName(g) || !slices.EqualFunc(xy(g2), xy(g), func(a, b [2]float64) bool { return a == b || a != a || b != b }) {
			t.Fatalf("%s: round trip gives %s", s, back)
		}
		st := newGeoStats()
		st.add(g)
		if st.seen && !inBBox(st.bbox[:], g) && !slices.ContainsFunc(xy(g), func(p [2]float64) bool {
			return p != p || p[0] > 1e308 || p[0] < -1e308 || p[1] > 1e308 || p[1] < -1e308
		}) {
			t.Fatalf("%s: bbox %v does not contain the geometry", s, st.bbox)
		}
	})
}

func TestDeterministicFiles(t *testing.T) {
	tests := []struct {
		name   string
		schema func(t testing.TB) *schemas.Schema
		rows   func() [][]schemas.Value
	}{
		{"all types", allTypesSchema, allTypesRows},
		{"geojson", func(t testing.TB) *schemas.Schema { return parseSchema(t, communesRaw) }, communesRows},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sums := map[string][]string{}
			for i, rel := range []string{"20261127T152100Z-0001", "20261128T040000Z-0002"} {
				public := t.TempDir()
				r, err := NewRelease(public, testMeta("d"), tt.schema(t), rel, func() time.Time { return ts1.Add(time.Duration(i) * time.Hour) })
				if err != nil {
					t.Fatal(err)
				}
				for _, row := range tt.rows() {
					if err := r.Append(row); err != nil {
						t.Fatal(err)
					}
				}
				p, err := r.Commit(Quality{})
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range p.Files {
					sums[f.Name] = append(sums[f.Name], f.SHA256)
				}
				verifySums(t, p.Dir)
			}
			for _, name := range []string{FileCSV, FileCSVFR, FileParquet, FileGeoJSON} {
				if s := sums[name]; len(s) != 2 || s[0] != s[1] {
					t.Errorf("%s differs between two releases of the same rows: %v", name, s)
				}
			}
			if s := sums[FileDataPackage]; len(s) != 2 || s[0] == s[1] {
				t.Errorf("datapackage.json carries the release id: %v", s)
			}
		})
	}
}
