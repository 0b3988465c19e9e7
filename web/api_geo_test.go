package web

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

// TestAPIGeographicRelease: a release with a geojson field is GeoParquet (a WKB
// geometry column DuckDB would read as GEOMETRY); its records and its
// GeoJSON export answer the point, and its page shows the map and the
// preview from the API.
func TestAPIGeographicRelease(t *testing.T) {
	public := filepath.Join(t.TempDir(), "public")
	s, err := schemas.Parse([]byte(`{"fields": [{"name": "id", "type": "string"}, {"name": "nom", "type": "string"},
		{"name": "position", "type": "geojson"}], "primaryKey": "id"}`))
	if err != nil {
		t.Fatal(err)
	}
	meta := output.DatasetMeta{ID: "lycees-geo", Title: "Lycées", License: output.License{ID: "etalab-2.0"}}
	rel, err := output.NewRelease(public, meta, s, "20260301T080000Z-0001", func() time.Time { return datetime(2026, 3, 1, 8, 0) })
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range [][]schemas.Value{
		{"A", "Lycée Clemenceau", json.RawMessage(`{"type":"Point","coordinates":[-1.5536,47.2186]}`)},
		{"B", "Lycée Joachim du Bellay", json.RawMessage(`{"type":"Point","coordinates":[-0.5632,47.4784]}`)},
	} {
		if err := rel.Append(row); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rel.Commit(output.Quality{Read: 2, Accepted: 2}); err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{PublicDir: public})
	if err != nil {
		t.Fatal(err)
	}
	api := "/api/explore/v2.1/catalog/datasets/lycees-geo/"
	rec := do(t, h, http.MethodGet, api+"records?where=id%3D%22B%22", nil)
	var ans struct {
		Results []struct {
			Position struct {
				Type        string    `json:"type"`
				Coordinates []float64 `json:"coordinates"`
			} `json:"position"`
		} `json:"results"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil || rec.Code != http.StatusOK || len(ans.Results) != 1 {
		t.Fatalf("records: %d %v %s", rec.Code, err, rec.Body)
	}
	if p := ans.Results[0].Position; p.Type != "Point" || len(p.Coordinates) != 2 || p.Coordinates[0] != -0.5632 || p.Coordinates[1] != 47.4784 {
		t.Errorf("position %+v, want the point -0.5632, 47.4784", p)
	}
	rec = do(t, h, http.MethodGet, api+"exports/geojson", nil)
	var fc struct {
		Features []struct {
			Geometry struct {
				Type        string    `json:"type"`
				Coordinates []float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &fc); err != nil || rec.Code != http.StatusOK || len(fc.Features) != 2 {
		t.Fatalf("GeoJSON export: %d %v %.300s", rec.Code, err, rec.Body)
	}
	if g := fc.Features[0].Geometry; g.Type != "Point" || len(g.Coordinates) != 2 || g.Coordinates[0] != -1.5536 {
		t.Errorf("first feature %+v", g)
	}
	body := do(t, h, http.MethodGet, "/jeux-de-donnees/lycees-geo", nil).Body.String()
	if !strings.Contains(body, `data-geojson="true"`) || !strings.Contains(body, "Lignes 1 à 2 sur 2 lignes.") {
		t.Errorf("page lacks the GeoJSON map or the API preview")
	}
}
