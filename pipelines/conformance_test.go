package pipelines

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/internal/nodetest"
)

// agencyCheck feeds every row to the national agency's library
// (@gouvfr-anct/lieux-de-mediation-numerique, pinned in tools/browser) as
// its schema reader does, and every non-empty horaires to the OSM reference
// parser (opening_hours); it prints one line per refusal.
const agencyCheck = `
const lib = require('@gouvfr-anct/lieux-de-mediation-numerique');
const oh = require('opening_hours');
const rows = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = [];
for (const r of rows) {
  try { lib.fromSchemaLieuDeMediationNumerique(r); } catch (e) { out.push(r.id + ': ' + e.constructor.name + ': ' + e.message); }
  if (r.horaires) {
    try { new oh(r.horaires, null, {}); } catch (e) { out.push(r.id + ': opening_hours: ' + e); }
  }
}
process.stdout.write(JSON.stringify(out));`

// TestPlacesConformToAgencyLibrary runs both places pipelines on the
// recorded responses and checks every published row as the national tools
// would, then checks that no published position lies outside the region.
func TestPlacesConformToAgencyLibrary(t *testing.T) {
	root := t.TempDir()
	r := newTestRunner(t, root)
	var rows []map[string]any
	for _, id := range []string{"lieux-mediation-numerique-pdl", "ping-lieux-mediation"} {
		def := embeddedDef(t, id)
		if _, err := r.Run(context.Background(), def); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		rows = append(rows, publishedPlaces(t, filepath.Join(root, "public", "datasets", id, "latest", "data.csv"))...)
	}
	var q struct {
		Warned         int            `json:"warned"`
		WarningsByCode map[string]int `json:"warnings_by_code"`
	}
	b, err := os.ReadFile(filepath.Join(root, "public", "datasets", "ping-lieux-mediation", "latest", "quality.json"))
	if err != nil || json.Unmarshal(b, &q) != nil {
		t.Fatalf("PiNG quality.json: %v", err)
	}
	// The Ernée placeholder (0,0: position dropped) and the Saumur swapped
	// pair (repaired), both kept with a warning.
	if q.Warned != 2 || q.WarningsByCode["coordinates-zero"] != 1 || q.WarningsByCode["coordinates-swapped"] != 1 {
		t.Errorf("PiNG warnings: %d rows, %v; want the 2 faulty positions", q.Warned, q.WarningsByCode)
	}
	if len(rows) < 160 {
		t.Fatalf("%d published places, want the demo's 97 + 67", len(rows))
	}
	in, _ := json.Marshal(rows)
	var refusals []string
	if err := json.Unmarshal(nodetest.Run(t, agencyCheck, in, "@gouvfr-anct/lieux-de-mediation-numerique", "opening_hours"), &refusals); err != nil {
		t.Fatal(err)
	}
	for _, r := range refusals {
		t.Error(r)
	}
	for _, r := range rows {
		lat, okLat := r["latitude"].(float64)
		lon, okLon := r["longitude"].(float64)
		if okLat && okLon && !(lat > 46.17 && lat < 48.66 && lon > -2.77 && lon < 1.06) {
			t.Errorf("%s published at %g, %g, outside the region's box and its 10 km margin", r["id"], lat, lon)
		}
	}
}

// publishedPlaces reads a data.csv as the agency's library expects its
// rows: empty cells left out, coordinates as numbers.
func publishedPlaces(t *testing.T, path string) []map[string]any {
	t.Helper()
	recs := readCSV(t, path)
	var out []map[string]any
	for _, rec := range recs[1:] {
		row := map[string]any{}
		for i, name := range recs[0] {
			switch v := strings.TrimSpace(rec[i]); {
			case v == "":
			case name == "latitude" || name == "longitude":
				n, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatalf("%s: %s %q: %v", path, name, v, err)
				}
				row[name] = n
			default:
				row[name] = v
			}
		}
		out = append(out, row)
	}
	return out
}
