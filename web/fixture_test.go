package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// fixtureField is a Table Schema field of a fixture dataset.
type fixtureField struct {
	Name, Title, Type, Description string
	Required                       bool
}

// fixtureDataset describes a dataset the fixture writes.
type fixtureDataset struct {
	Name        string
	Title       string
	Description string
	Fields      []fixtureField
	Releases    []fixtureRelease // oldest first; the last one becomes latest
	NoLatest    bool
}

// fixtureRelease is the content of one release folder.
type fixtureRelease struct {
	ID       string
	Created  string
	CSV      []byte
	Parquet  []byte
	Read     int64
	Accepted int64
	Rejected int64
	ByCode   map[string]int64
	ByField  map[string]int64
}

var sportFields = []fixtureField{
	{Name: "id", Title: "Identifiant", Type: "string", Description: "Identifiant de l'équipement", Required: true},
	{Name: "nom", Title: "Nom", Type: "string", Description: "Nom de l'équipement", Required: true},
	{Name: "commune", Title: "Commune", Type: "string"},
	{Name: "code_postal", Title: "Code postal", Type: "string", Description: "Code postal à 5 chiffres"},
	{Name: "surface", Title: "Surface (m²)", Type: "number"},
	{Name: "date_maj", Title: "Date de mise à jour", Type: "date"},
}

var schoolFields = []fixtureField{
	{Name: "uai", Title: "UAI", Type: "string", Required: true},
	{Name: "nom", Title: "Nom", Type: "string"},
	{Name: "effectif", Title: "Effectif", Type: "integer"},
}

// parquetBytes returns n bytes framed like a Parquet file ("PAR1" at both
// ends) with a deterministic, non-repeating body so that Range tests can tell
// offsets apart.
func parquetBytes(n int, seed byte) []byte {
	b := make([]byte, n)
	copy(b, "PAR1")
	for i := 4; i < n-4; i++ {
		b[i] = byte(i*7) ^ seed ^ byte(i>>8)
	}
	copy(b[n-4:], "PAR1")
	return b
}

const (
	sportDataset  = "equipements-sportifs"
	sportOld      = "20261120T040000Z-a1b2"
	sportLatest   = "20261127T152100Z-3f9a"
	schoolDataset = "ecoles"
	schoolLatest  = "20261201T040000Z-77aa"
)

var sportCSV = []byte("id,nom,commune,code_postal,surface,date_maj\r\n" +
	"E1,Piscine Léo Lagrange,Nantes,44000,1250.5,2026-11-02\r\n" +
	"E2,\"Gymnase \"\"Les Dervallières\"\"\",Nantes,44100,800,2026-10-15\r\n")

// fixtureDatasets is the standard fixture: two good datasets (one with two
// releases), plus broken ones written by writeFixture's extras.
func fixtureDatasets() []fixtureDataset {
	return []fixtureDataset{
		{
			Name:        sportDataset,
			Title:       "Équipements sportifs",
			Description: "Recensement des équipements sportifs de la région Pays de la Loire : piscines, gymnases, stades et terrains de plein air, avec leur commune, leur surface et la date de la dernière mise à jour fournie par les collectivités.\n\nDonnées issues du recensement national.",
			Fields:      sportFields,
			Releases: []fixtureRelease{
				{ID: sportOld, Created: "2026-11-20T04:00:00Z", CSV: []byte("id,nom,commune,code_postal,surface,date_maj\r\n"), Parquet: parquetBytes(4096, 1), Read: 90, Accepted: 90},
				{ID: sportLatest, Created: "2026-11-27T15:21:00Z", CSV: sportCSV, Parquet: parquetBytes(1_234_567, 2),
					Read: 100, Accepted: 97, Rejected: 3,
					ByCode:  map[string]int64{"constraint-error": 2, "type-error": 1},
					ByField: map[string]int64{"code_postal": 1, "nom": 1, "date_maj": 1}},
			},
		},
		{
			Name:        schoolDataset,
			Title:       "Écoles publiques",
			Description: "Liste des écoles publiques.",
			Fields:      schoolFields,
			Releases: []fixtureRelease{
				{ID: schoolLatest, Created: "2026-12-01T04:00:00Z", CSV: []byte("uai,nom,effectif\r\n0440001A,École Jules Verne,212\r\n"), Parquet: parquetBytes(2048, 3), Read: 1, Accepted: 1},
			},
		},
	}
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func hexSum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// switchLatest points <dataset>/latest to release the way output does:
// symlink to a temporary name, then rename over the link.
func switchLatest(t testing.TB, public, dataset, release string) {
	t.Helper()
	dir := filepath.Join(public, "datasets", dataset)
	tmp := filepath.Join(dir, ".latest-tmp")
	_ = os.Remove(tmp)
	if err := os.Symlink(release, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, latestName)); err != nil {
		t.Fatal(err)
	}
}

// writeRelease writes one release folder following the output contract and
// returns the sha256 of each file.
func writeRelease(t testing.TB, public string, ds fixtureDataset, r fixtureRelease) map[string]string {
	t.Helper()
	dir := filepath.Join(public, "datasets", ds.Name, r.ID)
	var fields []map[string]any
	for _, f := range ds.Fields {
		m := map[string]any{"name": f.Name, "title": f.Title, "type": f.Type}
		if f.Description != "" {
			m["description"] = f.Description
		}
		if f.Required {
			m["constraints"] = map[string]any{"required": true}
		}
		fields = append(fields, m)
	}
	dp := map[string]any{
		"profile": "data-package", "name": ds.Name, "id": ds.Name,
		"title": ds.Title, "description": ds.Description, "version": r.ID, "created": r.Created,
		"keywords":     []string{"sport", "équipements"},
		"licenses":     []map[string]string{{"name": "etalab-2.0", "title": "Licence Ouverte / Open Licence version 2.0", "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence"}},
		"sources":      []map[string]string{{"title": "Portail open data de la Région", "path": "https://data.paysdelaloire.fr/explore/dataset/" + ds.Name}},
		"contributors": []map[string]string{{"title": "Région Pays de la Loire", "role": "publisher", "email": "opendata@paysdelaloire.fr"}},
		"resources": []map[string]any{
			{"name": "data-csv", "path": "data.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
				"bytes": len(r.CSV), "hash": "sha256:" + hexSum(r.CSV), "schema": map[string]any{"fields": fields, "primaryKey": ds.Fields[0].Name}},
			{"name": "data-parquet", "path": "data.parquet", "format": "parquet", "mediatype": "application/vnd.apache.parquet",
				"bytes": len(r.Parquet), "hash": "sha256:" + hexSum(r.Parquet)},
		},
		"ligerdata": map[string]any{"pipeline": ds.Name, "run_id": r.ID, "rows": r.Accepted, "schema": ds.Name, "schedule": "0 4 * * *"},
	}
	dpBytes, err := json.MarshalIndent(dp, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	var samples []map[string]any
	for code, n := range r.ByCode {
		for i := int64(0); i < n; i++ {
			samples = append(samples, map[string]any{"code": code, "row": 5 + i, "line": 6 + i, "field": "code_postal", "value": "4400", "message": "la valeur « 4400 » ne respecte pas le motif attendu"})
		}
	}
	q := map[string]any{
		"dataset": ds.Name, "release": r.ID, "run_id": r.ID,
		"read": r.Read, "accepted": r.Accepted, "rejected": r.Rejected,
		"errors_by_code": r.ByCode, "errors_by_field": r.ByField,
		"header_errors": []any{}, "sample_errors": samples,
	}
	qBytes, err := json.MarshalIndent(q, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"data.csv": r.CSV, "data.parquet": r.Parquet, "datapackage.json": dpBytes, "quality.json": qBytes,
	}
	sums := make(map[string]string)
	var names []string
	for name, b := range files {
		writeFile(t, filepath.Join(dir, name), b)
		sums[name] = hexSum(b)
		names = append(names, name)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	for _, n := range names {
		fmt.Fprintf(&buf, "%s  %s\n", sums[n], n)
	}
	writeFile(t, filepath.Join(dir, sumsName), buf.Bytes())
	return sums
}

// fixture is a public tree written in a temp dir.
type fixture struct {
	Dir      string
	Datasets []fixtureDataset
	Sums     map[string]map[string]string // "<dataset>/<release>" -> file -> sha256
}

// writeFixture writes the standard fixture plus the broken cases: a dataset
// whose latest link dangles, one without latest, one with a corrupt
// datapackage.json, a staging folder, an unlisted file, a release whose
// listed file is a symlink leaving the tree, and catalog.jsonld.
func writeFixture(t testing.TB) *fixture {
	t.Helper()
	public := t.TempDir()
	fx := &fixture{Dir: public, Datasets: fixtureDatasets(), Sums: map[string]map[string]string{}}
	for _, ds := range fx.Datasets {
		for _, r := range ds.Releases {
			fx.Sums[ds.Name+"/"+r.ID] = writeRelease(t, public, ds, r)
		}
		if !ds.NoLatest {
			switchLatest(t, public, ds.Name, ds.Releases[len(ds.Releases)-1].ID)
		}
	}
	sportDir := filepath.Join(public, "datasets", sportDataset)
	// A staging area with a complete release: never served.
	staging := fixtureDatasets()[0]
	writeRelease(t, public, fixtureDataset{Name: sportDataset, Title: "En préparation", Fields: staging.Fields},
		fixtureRelease{ID: ".staging-20261128T040000Z-beef", CSV: []byte("secret\n"), Parquet: parquetBytes(64, 9)})
	// A file present in a release but not listed in SHA256SUMS.
	writeFile(t, filepath.Join(sportDir, sportLatest, "secret.txt"), []byte("not published\n"))
	writeFile(t, filepath.Join(sportDir, sportLatest, ".hidden"), []byte("hidden\n"))

	// Dangling latest.
	dangling := filepath.Join(public, "datasets", "orphelin")
	if err := os.MkdirAll(dangling, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("20261101T000000Z-dead", filepath.Join(dangling, latestName)); err != nil {
		t.Fatal(err)
	}
	// A release without latest.
	writeRelease(t, public, fixtureDataset{Name: "sans-version", Title: "Sans version courante", Fields: schoolFields},
		fixtureRelease{ID: "20261101T000000Z-0001", CSV: []byte("uai\r\n"), Parquet: parquetBytes(64, 4)})
	// Corrupt datapackage.json.
	corrupt := fixtureDataset{Name: "corrompu", Title: "Corrompu", Fields: schoolFields}
	writeRelease(t, public, corrupt, fixtureRelease{ID: "20261101T000000Z-0002", CSV: []byte("uai\r\n"), Parquet: parquetBytes(64, 5)})
	writeFile(t, filepath.Join(public, "datasets", "corrompu", "20261101T000000Z-0002", "datapackage.json"), []byte(`{"title": "Corrompu",`))
	switchLatest(t, public, "corrompu", "20261101T000000Z-0002")
	// A release whose listed data.csv is a symlink to a file outside the tree.
	outside := filepath.Join(t.TempDir(), "passwd")
	writeFile(t, outside, []byte("root:x:0:0\n"))
	evil := filepath.Join(public, "datasets", "piege", "20261101T000000Z-0003")
	if err := os.MkdirAll(evil, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(evil, "data.csv")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(evil, sumsName), []byte(hexSum([]byte("root:x:0:0\n"))+"  data.csv\n"))
	writeFile(t, filepath.Join(evil, "datapackage.json"), []byte(`{"name":"piege","title":"Piège"}`))
	switchLatest(t, public, "piege", "20261101T000000Z-0003")

	writeFile(t, filepath.Join(public, "catalog.jsonld"), []byte(`{"@context":"https://www.w3.org/ns/dcat","@type":"dcat:Catalog","dct:title":"Données ouvertes des Pays de la Loire"}`))
	return fx
}

// logBuffer is a concurrency-safe sink for slog in tests.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func testLogger(t testing.TB) (*slog.Logger, *logBuffer) {
	t.Helper()
	lb := &logBuffer{}
	return slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})), lb
}

// countOccurrences counts non-overlapping occurrences of sub in s.
func countOccurrences(s, sub string) int { return strings.Count(s, sub) }
