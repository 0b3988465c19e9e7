package web

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

// apiDataset is the dataset the query API tests publish: six places with
// every kind of column the API renders.
const apiDataset = "lieux-api"

const apiRelease = "20260301T080000Z-a1b2"

const apiSchema = `{
  "name": "lieux-api",
  "fields": [
    {"name": "id", "type": "string", "constraints": {"required": true}},
    {"name": "nom", "type": "string"},
    {"name": "departement", "type": "string"},
    {"name": "code_postal", "type": "string"},
    {"name": "capacite", "type": "integer"},
    {"name": "note", "type": "number"},
    {"name": "ouvert", "type": "boolean"},
    {"name": "debut", "type": "date"},
    {"name": "maj", "type": "datetime"},
    {"name": "labels", "type": "list", "delimiter": "|"},
    {"name": "latitude", "type": "number"},
    {"name": "longitude", "type": "number"}
  ],
  "primaryKey": "id"
}`

// apiRows are the rows, in file order. Hand-worked facts the tests use:
// departement 44 has L1, L2, L5 (capacities 10 + 25 + null = 35); 49 has
// L3 and L6 (40 + 5 = 45); 85 has L4 (12). "Fablab" appears (any case, any
// accent) in L2 ("FabLab de Rezé") and L5 ("Atelier fablab ; « Pôle »").
// No list is empty: an empty list reads back as a missing value from any
// text format (an empty CSV cell), so it could not round-trip.
var apiRows = [][]schemas.Value{
	{"L1", "Médiathèque Jacques Demy", "44", "44000", int64(10), 4.5, true, date(2021, 3, 1), datetime(2024, 1, 15, 9, 30), []any{"Wi-Fi", "Accessible"}, 47.2186, -1.5536},
	{"L2", "FabLab de Rezé", "44", "44400", int64(25), 3.0, false, date(2019, 6, 20), datetime(2024, 7, 1, 22, 0), []any{"Impression 3D"}, 47.1833, -1.55},
	{"L3", "Espace numérique d'Angers", "49", "49000", int64(40), nil, true, date(2020, 1, 2), nil, nil, 47.4784, -0.5632},
	{"L4", "Cyber-base \"La Roche\"", "85", "85000", int64(12), 2.25, nil, nil, datetime(2023, 12, 31, 23, 59), []any{"Wi-Fi"}, 46.6705, -1.426},
	{"L5", "Atelier fablab ; « Pôle »\nsecond line", "44", "44100", nil, 5.0, true, date(2022, 11, 30), datetime(2024, 2, 29, 12, 0), nil, 47.2065, -1.5794},
	{"L6", "Tiers-lieu de Saumur", "49", "49400", int64(5), 1.5, false, date(2018, 5, 5), datetime(2022, 8, 1, 6, 15), []any{"Accessible", "Wi-Fi", "Café"}, 47.26, -0.0769},
}

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
func datetime(y, m, d, hh, mm int) time.Time {
	return time.Date(y, time.Month(m), d, hh, mm, 0, 0, time.UTC)
}

// publishAPIDataset publishes apiRows as a release of apiDataset under
// public, with output (the real writer).
func publishAPIDataset(t testing.TB, public string) {
	t.Helper()
	s, err := schemas.Parse([]byte(apiSchema))
	if err != nil {
		t.Fatal(err)
	}
	meta := output.DatasetMeta{ID: apiDataset, Title: "Lieux pour l'API", Description: "Lieux de test de l'API.",
		Keywords: []string{"fablab", "numérique"}, License: output.License{ID: "etalab-2.0"}, Publisher: "Région Pays de la Loire"}
	rel, err := output.NewRelease(public, meta, s, apiRelease, func() time.Time { return datetime(2026, 3, 1, 8, 0) })
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range apiRows {
		if err := rel.Append(row); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rel.Commit(output.Quality{Read: len(apiRows), Accepted: len(apiRows)}); err != nil {
		t.Fatal(err)
	}
}

// apiServer publishes the API dataset and serves the site over it.
func apiServer(t testing.TB) (*httptest.Server, string) {
	t.Helper()
	public := filepath.Join(t.TempDir(), "public")
	publishAPIDataset(t, public)
	h, err := New(Options{PublicDir: public})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, public
}

// publishedSchemaFile writes the Table Schema of the published release
// (datapackage.json) to a file and returns its path.
func publishedSchemaFile(t testing.TB, public, dataset, release string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(public, "datasets", dataset, release, "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dp struct {
		Resources []struct {
			Path   string          `json:"path"`
			Schema json.RawMessage `json:"schema"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &dp); err != nil {
		t.Fatal(err)
	}
	for _, r := range dp.Resources {
		if r.Path == "data.csv" {
			p := filepath.Join(t.TempDir(), "schema.json")
			writeFile(t, p, r.Schema)
			return p
		}
	}
	t.Fatal("no data.csv resource in datapackage.json")
	return ""
}
