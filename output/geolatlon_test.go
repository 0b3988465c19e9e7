package output

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twpayne/go-geom"

	"github.com/ligerdata/ligerdata/schemas"
)

// lieuxLatLonSchema declares its longitude and latitude fields, as the
// places of digital inclusion and the tourism offers do.
const lieuxLatLonSchema = `{"name":"lieux","fields":[
 {"name":"id","type":"string"},
 {"name":"nom","type":"string"},
 {"name":"latitude","type":"number"},
 {"name":"longitude","type":"number"},
 {"name":"services","type":"list","delimiter":"|"},
 {"name":"date_maj","type":"date"}
],"x-ligerdata-geometry":{"longitude":"longitude","latitude":"latitude"}}`

func lieuxLatLonRows() [][]schemas.Value {
	day := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	return [][]schemas.Value{
		{"L1", "Médiathèque de Nantes", 47.2184, -1.5536, []schemas.Value{"Wi-Fi", "Imprimante"}, day},
		{"L2", "EPN d'Angers", 47.4784, -0.554, []schemas.Value{}, day},
		{"L3", "Sans latitude", nil, -1.4265, nil, nil},
		{"L4", "La Roche-sur-Yon", 46.6705, -1.4265, []schemas.Value{"Wi-Fi"}, nil},
	}
}

func TestLatLonDatasetIsGeographic(t *testing.T) {
	s := parseSchema(t, lieuxLatLonSchema)
	if !IsGeographic(s) {
		t.Fatal("a schema declaring its longitude and latitude is geographic")
	}
	public := t.TempDir()
	p := publishWith(t, public, "lieux", "20261205T103000Z-0001", s, lieuxLatLonRows())
	var names []string
	for _, f := range p.Files {
		names = append(names, f.Name)
	}
	if !strings.Contains(strings.Join(names, " "), FileGeoJSON) {
		t.Fatalf("files %v: no %s", names, FileGeoJSON)
	}

	// GeoParquet: an extra WKB point column named geometry, the fields kept.
	path := filepath.Join(p.Dir, FileParquet)
	m, pf := readGeoMetadata(t, path)
	col := m.Columns["geometry"]
	if m.PrimaryColumn != "geometry" || col.Encoding != "WKB" || !reflect.DeepEqual(col.GeometryTypes, []string{"Point"}) {
		t.Errorf("geo metadata %+v", m)
	}
	// Extent of the three points with both coordinates (hand-worked).
	if want := []float64{-1.5536, 46.6705, -0.554, 47.4784}; !reflect.DeepEqual(col.BBox, want) {
		t.Errorf("bbox %v, want %v", col.BBox, want)
	}
	geoms := wkbColumn(t, pf, "geometry")
	if len(geoms) != 4 || geoms[2] != nil {
		t.Fatalf("geometries %v", geoms)
	}
	if pt := geoms[0].(*geom.Point); pt.X() != -1.5536 || pt.Y() != 47.2184 {
		t.Errorf("L1 point %v (x must be the longitude)", pt.Coords())
	}
	checkArrow(t, path, 4)
	checkDuckDBLatLon(t, path)

	// data.geojson: valid RFC 7946, Points [lon, lat], all fields as
	// properties.
	raw, err := os.ReadFile(filepath.Join(p.Dir, FileGeoJSON))
	if err != nil {
		t.Fatal(err)
	}
	checkRFC7946(t, raw)
	fc := readFeatureCollection(t, filepath.Join(p.Dir, FileGeoJSON))
	if len(fc.Features) != 4 {
		t.Fatalf("%d features", len(fc.Features))
	}
	if got := string(fc.Features[0].Geometry.Coordinates); got != "[-1.5536,47.2184]" {
		t.Errorf("L1 coordinates %s", got)
	}
	if fc.Features[2].Geometry != nil {
		t.Errorf("L3 has no latitude: geometry %+v", fc.Features[2].Geometry)
	}
	props := fc.Features[0].Properties
	if props["latitude"] != 47.2184 || props["longitude"] != -1.5536 || !reflect.DeepEqual(props["services"], []any{"Wi-Fi", "Imprimante"}) {
		t.Errorf("L1 properties %v", props)
	}

	// datapackage.json lists data.geojson and names the geometry column.
	var dp struct {
		Resources []struct{ Name, Path, Format, Mediatype string }
		Ligerdata struct {
			Geometry string    `json:"geometry"`
			BBox     []float64 `json:"bbox"`
		}
	}
	b, err := os.ReadFile(filepath.Join(p.Dir, FileDataPackage))
	if err != nil || json.Unmarshal(b, &dp) != nil {
		t.Fatalf("datapackage.json: %v", err)
	}
	found := false
	for _, r := range dp.Resources {
		found = found || (r.Path == FileGeoJSON && r.Mediatype == MediaTypeGeoJSON)
	}
	if !found || dp.Ligerdata.Geometry != "geometry" || len(dp.Ligerdata.BBox) != 4 {
		t.Errorf("datapackage.json: resources %+v, ligerdata %+v", dp.Resources, dp.Ligerdata)
	}

	// The rows read back are those appended (the geometry is derived).
	var got [][]schemas.Value
	err = ReadRows(public, "lieux", "20261205T103000Z-0001", s, func(v []schemas.Value) error {
		got = append(got, append([]schemas.Value(nil), v...))
		return nil
	})
	if err != nil || !reflect.DeepEqual(got, lieuxLatLonRows()) {
		t.Errorf("read back %v, %v", got, err)
	}
}

// duckParquet opens an in-memory DuckDB (closed with the test) and returns
// the table expression that reads the Parquet file at path.
func duckParquet(t *testing.T, path string) (*sql.DB, string) {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, "read_parquet('" + strings.ReplaceAll(path, "'", "''") + "')"
}

// checkDuckDBLatLon reads data.parquet in DuckDB with the declared types:
// the LIST of text, the date, the numbers and the GeoParquet geometry.
func checkDuckDBLatLon(t *testing.T, path string) {
	t.Helper()
	db, src := duckParquet(t, path)
	rows, err := db.Query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ` + src + `)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var n, typ string
		if err := rows.Scan(&n, &typ); err != nil {
			t.Fatal(err)
		}
		got = append(got, n+" "+typ)
	}
	// DuckDB reads the GeoParquet metadata: the column is a GEOMETRY in
	// longitude/latitude (OGC:CRS84), not a bare BLOB.
	want := []string{"id VARCHAR", "nom VARCHAR", "latitude DOUBLE", "longitude DOUBLE", "services VARCHAR[]", "date_maj DATE", "geometry GEOMETRY('OGC:CRS84')"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("duckdb columns %v, want %v", got, want)
	}
	var wkt string
	var n int
	err = db.QueryRow(`SELECT CAST(geometry AS VARCHAR), len(services) FROM `+src+` WHERE id = 'L1'`).Scan(&wkt, &n)
	if err != nil || wkt != "POINT (-1.5536 47.2184)" || n != 2 {
		t.Errorf("duckdb L1: geometry %q, %d services, %v", wkt, n, err)
	}
}

// checkRFC7946 checks a GeoJSON document against what RFC 7946 requires of
// a FeatureCollection of points: the members and their types, positions
// of two or three finite numbers with the longitude in [-180, 180] and the
// latitude in [-90, 90], properties an object or null, no "crs" member.
func checkRFC7946(t *testing.T, raw []byte) {
	t.Helper()
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("geojson: %v", err)
	}
	if _, ok := doc["crs"]; ok {
		t.Error("geojson: RFC 7946 has no crs member")
	}
	var typ string
	var features []map[string]json.RawMessage
	if json.Unmarshal(doc["type"], &typ) != nil || typ != "FeatureCollection" || json.Unmarshal(doc["features"], &features) != nil || features == nil {
		t.Fatalf("geojson: not a FeatureCollection with a features array")
	}
	for i, f := range features {
		var ft string
		if json.Unmarshal(f["type"], &ft) != nil || ft != "Feature" {
			t.Errorf("feature %d: type %s", i, f["type"])
		}
		if p := bytes.TrimSpace(f["properties"]); p == nil || (p[0] != '{' && string(p) != "null") {
			t.Errorf("feature %d: properties %s", i, p)
		}
		g, ok := f["geometry"]
		if !ok {
			t.Errorf("feature %d: no geometry member", i)
			continue
		}
		if string(g) == "null" {
			continue
		}
		var pt struct {
			Type        string    `json:"type"`
			Coordinates []float64 `json:"coordinates"`
		}
		if err := json.Unmarshal(g, &pt); err != nil || pt.Type != "Point" || len(pt.Coordinates) < 2 || len(pt.Coordinates) > 3 {
			t.Errorf("feature %d: geometry %s", i, g)
			continue
		}
		lon, lat := pt.Coordinates[0], pt.Coordinates[1]
		if math.Abs(lon) > 180 || math.Abs(lat) > 90 {
			t.Errorf("feature %d: position %v out of range", i, pt.Coordinates)
		}
	}
}
