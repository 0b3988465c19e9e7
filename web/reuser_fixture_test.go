package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// addReleaseFile writes a file into a release of the fixture and lists it
// in the release's SHA256SUMS (kept sorted by name), the way output does.
func addReleaseFile(t testing.TB, public, dataset, release, name string, content []byte) {
	t.Helper()
	dir := filepath.Join(public, "datasets", dataset, release)
	writeFile(t, filepath.Join(dir, name), content)
	b, err := os.ReadFile(filepath.Join(dir, sumsName))
	if err != nil {
		t.Fatal(err)
	}
	list, err := parseSums(b)
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{name: hexSum(content)}
	for _, c := range list {
		if c.File != name {
			sums[c.File] = c.Hex
		}
	}
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	for _, n := range names {
		fmt.Fprintf(&buf, "%s  %s\n", sums[n], n)
	}
	writeFile(t, filepath.Join(dir, sumsName), buf.Bytes())
}

// sportChanges is the changelog of the sport dataset's latest release: 12
// rows added, 3 removed (one key needs escaping), 5 changed, a column added
// and one retyped.
const sportChanges = `{
  "previous": "` + sportOld + `",
  "key": ["id"],
  "rows": {"added": 12, "removed": 3, "changed": 5, "unchanged": 80},
  "added": [["E10"], ["E11"], ["E12"], ["E13"], ["E14"], ["E15"], ["E16"], ["E17"], ["E18"], ["E19"], ["E20"], ["E21"]],
  "removed": [["E90"], ["E91"], ["<b>E92</b>"]],
  "changed": [
    {"key": ["E1"], "columns": ["nom", "adresse"], "values": {"nom": {"old": "Piscine", "new": "Piscine <b>municipale</b>"}, "adresse": {"old": null, "new": "2 rue du Port"}}},
    {"key": ["E2"], "columns": ["nom"]},
    {"key": ["E3"], "columns": ["nom", "adresse"]},
    {"key": ["E4"], "columns": []},
    {"key": ["E5"], "columns": []}
  ],
  "columns_changed": {"adresse": 2, "nom": 3},
  "schema": {"added": ["code_insee"], "removed": [], "retyped": [{"name": "surface", "from": "integer", "to": "number"}]}
}`

// sportChangesSentence is the French summary expected for sportChanges.
const sportChangesSentence = "12 lignes ajoutées, 3 supprimées, 5 modifiées (colonnes : nom ×3, adresse ×2) ; " +
	"colonne ajoutée : code_insee ; colonne retypée : surface (nombre entier → nombre décimal)"

// sportOldChanges is the changelog of the first release.
const sportOldChanges = `{"previous": null, "key": ["id"], "rows": {"added": 90, "removed": 0, "changed": 0, "unchanged": 0},
  "added": [], "removed": [], "changed": [], "columns_changed": {}, "schema": {"added": [], "removed": [], "retyped": []}}`

// addChangelogs writes changes.json into both sport releases.
func addChangelogs(t testing.TB, fx *fixture) {
	t.Helper()
	addReleaseFile(t, fx.Dir, sportDataset, sportLatest, changesName, []byte(sportChanges))
	addReleaseFile(t, fx.Dir, sportDataset, sportOld, changesName, []byte(sportOldChanges))
}

// Run ids of the store fixture.
const (
	runPublished = "20261127T152100Z-3f9a"
	runBlocked   = "20261128T040000Z-1231"
	runFailed    = "20261129T040000Z-0002"
	runApproved  = "20261126T040000Z-0005"
	// runApprovedBlocked was blocked, then published by runApproved.
	runApprovedBlocked = "20261125T040000Z-0004"
	runCorrupt         = "20261130T040000Z-0003"
	runSchools         = "20261201T040000Z-77aa"
)

// blockedDetail is the reason of the blocked run.
const blockedDetail = "48 rows against 97 in the previous release (-50.5%, limit -20%)"

// rejectsCSV is the rejected rows file of the published run: three errors,
// one with markup in its value and a long source record.
var rejectsCSV = "line,row,field,value,code,constraint,message,record\n" +
	"6,5,code_postal,4400,constraint-error,pattern,la valeur « 4400 » ne respecte pas le motif attendu,\"{\"\"id\"\":\"\"E7\"\",\"\"code_postal\"\":\"\"4400\"\"}\"\n" +
	"7,6,nom,<script>alert(1)</script>,required-error,required,valeur obligatoire absente,\"{\"\"id\"\":\"\"E8\"\"}\"\n" +
	"9,8,date_maj,hier,type-error,,la valeur « hier » n'est pas une date,\"{\"\"id\"\":\"\"E9\"\",\"\"commentaire\"\":\"\"" + longText(300) + "\"\"}\"\n"

// longText returns n runes of French text.
func longText(n int) string {
	r := []rune("Équipement rénové en été, très fréquenté ; ")
	out := make([]rune, n)
	for i := range out {
		out[i] = r[i%len(r)]
	}
	return string(out)
}

// writeStore writes a store with run manifests of two pipelines (a
// published, a blocked, a failed, an approved and a corrupt run for the
// sport pipeline) and the rejected rows of the published run; its public
// folder is the standard fixture.
func writeStore(t testing.TB) (store string, fx *fixture) {
	t.Helper()
	store = t.TempDir()
	fx = writeFixture(t)
	manifest := func(pipeline, dataset, run, outcome string, started time.Time, extra map[string]any) {
		m := map[string]any{
			"pipeline": pipeline, "run_id": run, "dataset": dataset,
			"started": started.Format(time.RFC3339Nano), "finished": started.Add(12300 * time.Millisecond).Format(time.RFC3339Nano),
			"duration_ms": 12300, "outcome": outcome, "definition_sha256": hexSum([]byte(pipeline)),
			"source":  map[string]any{"kind": "opendatasoft", "url": "https://data.paysdelaloire.fr"},
			"fetches": []any{}, "read": 100, "accepted": 97, "rejected": 3,
			"errors_by_code": map[string]int{"constraint-error": 2, "type-error": 1},
			"gates": []map[string]any{
				{"gate": "empty", "passed": true, "detail": "97 rows in the release"},
				{"gate": "rejected_share", "passed": true, "detail": "3 of 100 rows rejected (3.0%, limit 50.0%)"},
			},
		}
		for k, v := range extra {
			m[k] = v
		}
		b, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(store, "runs", pipeline, run+".json"), b)
	}
	day := func(s string) time.Time {
		ts, ok := releaseTime(s)
		if !ok {
			t.Fatalf("bad run id %s", s)
		}
		return ts
	}
	manifest(sportDataset, sportDataset, runPublished, "published", day(runPublished), map[string]any{
		"release": sportLatest, "rejected_file": filepath.Join(store, "rejected", sportDataset, runPublished+".csv"),
	})
	manifest(sportDataset, sportDataset, runBlocked, "blocked", day(runBlocked), map[string]any{
		"read": 50, "accepted": 48, "rejected": 2,
		"error": "release blocked by a gate: row_drop: " + blockedDetail,
		"gates": []map[string]any{
			{"gate": "empty", "passed": true, "detail": "48 rows in the release"},
			{"gate": "rejected_share", "passed": true, "detail": "2 of 50 rows rejected (4.0%, limit 50.0%)"},
			{"gate": "row_drop", "passed": false, "detail": blockedDetail},
		},
	})
	manifest(sportDataset, sportDataset, runFailed, "failed", day(runFailed), map[string]any{
		"read": 0, "accepted": 0, "rejected": 0, "gates": []any{},
		"error": "harvest: GET https://data.paysdelaloire.fr/api: 503 Service Unavailable",
	})
	manifest(sportDataset, sportDataset, runApproved, "published", day(runApproved), map[string]any{
		"release": sportOld,
		"approval": map[string]any{"run": runApprovedBlocked, "by": "Camille Martin", "at": "2026-11-26T09:30:00Z", "reason": "baisse attendue : fermeture de 40 équipements",
			"gates": []map[string]any{{"gate": "row_drop", "passed": false, "detail": "50 lignes contre 90"}}},
	})
	manifest(sportDataset, sportDataset, runApprovedBlocked, "blocked", day(runApprovedBlocked), map[string]any{
		"approved_by_run": runApproved,
		"gates":           []map[string]any{{"gate": "row_drop", "passed": false, "detail": "50 lignes contre 90"}},
	})
	writeFile(t, filepath.Join(store, "runs", sportDataset, runCorrupt+".json"), []byte(`{"pipeline": "equipements-sportifs", `))
	writeFile(t, filepath.Join(store, "runs", sportDataset, ".lock"), nil)
	manifest(schoolDataset, schoolDataset, runSchools, "unchanged", day(runSchools), map[string]any{"rejected": 0})
	writeFile(t, filepath.Join(store, "rejected", sportDataset, runPublished+".csv"), []byte(rejectsCSV))
	return store, fx
}

// newStoreSite serves the store fixture.
func newStoreSite(t *testing.T, store, public string, disable bool) (http.Handler, *logBuffer) {
	t.Helper()
	logger, logs := testLogger(t)
	h, err := New(Options{PublicDir: public, StoreDir: store, Logger: logger, DisableDashboard: disable,
		Now: func() time.Time { return fixedNow }, PageCacheTTL: -1})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return h, logs
}
