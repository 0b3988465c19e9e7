package indicators

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

// testEngine returns an engine over a new store holding the fixture
// datasets, and the fixture indicators.
func testEngine(t *testing.T) (*Engine, []*Definition) {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	publishFixture(t, st.PublicDir(), "lieux", "20261201T100000Z-0001", lieuxRows())
	publishFixture(t, st.PublicDir(), "communes", "20261201T100000Z-0002", communesRows())
	defs, err := (&Loader{Inputs: fixtureInputs(t)}).LoadAll(fixtureDefs(nil))
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	e := &Engine{
		Store: st, DuckDB: Config{MemoryLimit: "256MB", Threads: 1},
		Catalog: output.CatalogMeta{Title: "Catalogue de test", Publisher: "Région Pays de la Loire", BaseURL: "https://data.example.org", Language: "fr", License: "etalab-2.0"},
		// Each computation a second later: run ids, hence release ids, differ.
		Now: func() time.Time { clock = clock.Add(time.Second); return clock },
	}
	return e, defs
}

func byID(defs []*Definition, id string) *Definition {
	for _, d := range defs {
		if d.ID == id {
			return d
		}
	}
	return nil
}

func fileSHA(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestComputePublishes(t *testing.T) {
	e, defs := testEngine(t)
	ms, err := e.ComputeAll(context.Background(), defs)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Outcome != OutcomeComputed || m.Release == "" {
			t.Fatalf("%s: outcome %s (%s)", m.Indicator, m.Outcome, m.Error)
		}
	}
	public := e.Store.PublicDir()

	// Places: Loire-Atlantique has l1, l2 (Nantes) and l3 (Saint-Nazaire),
	// Sarthe l4 and l5 (Le Mans); the region all five.
	lieux := byID(defs, "lieux-par-departement")
	_, rows, err := ReadLatest(public, lieux)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{"departement", "44", "Loire-Atlantique", 3.0},
		{"departement", "72", "Sarthe", 2.0},
		{"region", "52", "Pays de la Loire", 5.0},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("lieux-par-departement = %v, want %v", rows, want)
	}
	// Population: 44 = 320 732 + 72 299 = 393 031; 72 = 145 004;
	// region = 393 031 + 145 004 = 538 035; vintage 2021.
	pop := byID(defs, "population-par-departement")
	_, rows, err = ReadLatest(public, pop)
	if err != nil {
		t.Fatal(err)
	}
	want = []Row{
		{"departement", "44", "Loire-Atlantique", 393031.0, int64(2021)},
		{"departement", "72", "Sarthe", 145004.0, int64(2021)},
		{"region", "52", "Pays de la Loire", 538035.0, int64(2021)},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("population-par-departement = %v, want %v", rows, want)
	}

	// The audits passed and are named in the manifest.
	m := ms[0]
	if len(m.Audits) != 4 || !m.Audits[3].Passed || m.Audits[3].Detail != "total 5, lieux compte 5 lignes" {
		t.Errorf("audits %+v", m.Audits)
	}

	// provenance.json names the exact input files and their checksums.
	prov, err := ReadProvenance(public, lieux.ID, "latest")
	if err != nil {
		t.Fatal(err)
	}
	lieuxParquet := filepath.Join(public, "datasets", "lieux", "20261201T100000Z-0001", "data.parquet")
	if len(prov.Inputs) != 1 || prov.Inputs[0].Dataset != "lieux" || prov.Inputs[0].Release != "20261201T100000Z-0001" ||
		prov.Inputs[0].SHA256 != fileSHA(t, lieuxParquet) || prov.Inputs[0].URL != "/datasets/lieux/20261201T100000Z-0001/data.parquet" {
		t.Errorf("provenance inputs %+v", prov.Inputs)
	}
	if len(prov.References) != 1 || prov.References[0].Dataset != "communes" || prov.References[0].Vintage != "2021" {
		t.Errorf("provenance references %+v", prov.References)
	}
	sqlSum := sha256.Sum256([]byte(lieuxSQL))
	if prov.SQL != lieuxSQL || prov.SQLSHA256 != hex.EncodeToString(sqlSum[:]) || prov.DefinitionSHA256 != lieux.Digest ||
		prov.Rows != 3 || !strings.HasPrefix(prov.DuckDBVersion, "v") || prov.Release != m.Release {
		t.Errorf("provenance %+v", prov)
	}

	// The manifest is stored where the dashboard reads it.
	runs, err := Runs(e.Store, lieux.ID, 0)
	if err != nil || len(runs) != 1 || runs[0].RunID != m.RunID || runs[0].Outcome != OutcomeComputed {
		t.Errorf("stored runs %+v, %v", runs, err)
	}

	// The catalogue lists both indicators, derived from their inputs.
	cat, err := os.ReadFile(filepath.Join(public, output.FileCatalogTurtle))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		"<https://data.example.org/indicators/lieux-par-departement>",
		"<https://data.example.org/indicators/population-par-departement>",
		"prov:wasDerivedFrom <https://data.example.org/datasets/communes>",
		"prov:wasDerivedFrom <https://data.example.org/datasets/lieux>",
	} {
		if !strings.Contains(string(cat), s) {
			t.Errorf("catalog.ttl lacks %s", s)
		}
	}
}

// TestPublishedTypesInDuckDB reads the published Parquet file in DuckDB:
// the columns have the declared types.
func TestPublishedTypesInDuckDB(t *testing.T) {
	e, defs := testEngine(t)
	pop := byID(defs, "population-par-departement")
	m, err := e.Compute(context.Background(), pop)
	if err != nil {
		t.Fatal(err)
	}
	d, err := openDuck(context.Background(), e.DuckDB)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	path := filepath.Join(e.Store.PublicDir(), "indicators", pop.ID, m.Release, "data.parquet")
	cols, err := d.describe(context.Background(), "SELECT * FROM read_parquet("+quoteString(path)+")")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range cols {
		got[c.name] = c.typ
	}
	want := map[string]string{"niveau": "VARCHAR", "code": "VARCHAR", "libelle": "VARCHAR", "valeur": "DOUBLE", "annee": "BIGINT"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DuckDB reads %v, want %v", got, want)
	}
	var sum sql.NullFloat64
	if err := d.conn.QueryRowContext(context.Background(), "SELECT sum(valeur) FROM read_parquet("+quoteString(path)+") WHERE niveau = 'departement'").Scan(&sum); err != nil || sum.Float64 != 538035 {
		t.Errorf("sum of départements = %v, %v; want 538035", sum, err)
	}
}

// fileIDs records the inode and modification time of every file under dir.
func fileIDs(t *testing.T, dir string) map[string][2]int64 {
	t.Helper()
	out := map[string][2]int64{}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		st, _ := info.Sys().(*syscall.Stat_t)
		var ino int64
		if st != nil {
			ino = int64(st.Ino)
		}
		out[path] = [2]int64{ino, info.ModTime().UnixNano()}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestUnchangedRewritesNothing(t *testing.T) {
	e, defs := testEngine(t)
	ctx := context.Background()
	if _, err := e.ComputeAll(ctx, defs); err != nil {
		t.Fatal(err)
	}
	before := fileIDs(t, e.Store.PublicDir())
	// A new release of communes with the same rows: same content, same
	// figures.
	publishFixture(t, e.Store.PublicDir(), "communes", "20261201T110000Z-0003", communesRows())
	before2 := fileIDs(t, e.Store.PublicDir())
	ms, err := e.ComputeAll(ctx, defs)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Outcome != OutcomeUnchanged {
			t.Errorf("%s: outcome %s, want unchanged", m.Indicator, m.Outcome)
		}
	}
	after := fileIDs(t, e.Store.PublicDir())
	if !reflect.DeepEqual(before2, after) {
		t.Error("an unchanged computation rewrote files of the public tree")
	}
	if len(after) == len(before) {
		t.Error("the new communes release was not published (test set-up)")
	}
}

func TestOnlyChangedInputRecomputes(t *testing.T) {
	e, defs := testEngine(t)
	ctx := context.Background()
	first, err := e.ComputeAll(ctx, defs)
	if err != nil {
		t.Fatal(err)
	}
	// One more place in Le Mans: only the indicator reading lieux changes.
	more := append(lieuxRows(), []schemas.Value{"l6", "Repair café", "72181", "Tiers-lieu"})
	publishFixture(t, e.Store.PublicDir(), "lieux", "20261201T120000Z-0004", more)
	ms, err := e.ComputeAll(ctx, Dependents(defs, []string{"lieux"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Indicator != "lieux-par-departement" || ms[0].Outcome != OutcomeComputed || ms[0].Release == first[0].Release {
		t.Fatalf("dependents of lieux: %+v", ms)
	}
	ms, err = e.ComputeAll(ctx, defs)
	if err != nil {
		t.Fatal(err)
	}
	if ms[0].Outcome != OutcomeUnchanged || ms[1].Outcome != OutcomeUnchanged {
		t.Errorf("outcomes %s, %s; want unchanged twice", ms[0].Outcome, ms[1].Outcome)
	}
	// Sarthe now has l4, l5 and l6: 3; the region 6.
	_, rows, err := ReadLatest(e.Store.PublicDir(), defs[0])
	if err != nil {
		t.Fatal(err)
	}
	if rows[1][3] != 3.0 || rows[2][3] != 6.0 {
		t.Errorf("rows %v", rows)
	}
}

// TestFailedAuditKeepsPreviousRelease publishes a place whose commune is
// not in the reference table: it is counted for the region but for no
// département, so the départements' total (5) no longer equals the number
// of places (6).
func TestFailedAuditKeepsPreviousRelease(t *testing.T) {
	e, defs := testEngine(t)
	ctx := context.Background()
	lieux := byID(defs, "lieux-par-departement")
	first, err := e.Compute(ctx, lieux)
	if err != nil {
		t.Fatal(err)
	}
	more := append(lieuxRows(), []schemas.Value{"l6", "Lieu hors région", "35238", "EPN"})
	publishFixture(t, e.Store.PublicDir(), "lieux", "20261201T120000Z-0004", more)
	m, err := e.Compute(ctx, lieux)
	if !errors.Is(err, ErrAuditFailed) {
		t.Fatalf("got %v, want ErrAuditFailed", err)
	}
	if m.Outcome != OutcomeAuditFailed || m.Release != "" {
		t.Errorf("outcome %s, release %q", m.Outcome, m.Release)
	}
	wantErr := "publication bloquée par un contrôle : total de valeur (niveau = 'departement') égal au nombre de lignes de lieux : total 5, lieux compte 6 lignes"
	if m.Error != wantErr {
		t.Errorf("error %q, want %q", m.Error, wantErr)
	}
	rel, err := output.CollectionIndicators.Latest(e.Store.PublicDir(), lieux.ID)
	if err != nil || rel != first.Release {
		t.Errorf("latest = %s, %v; want the previous release %s", rel, err, first.Release)
	}
	runs, _ := Runs(e.Store, lieux.ID, 1)
	if len(runs) != 1 || runs[0].Outcome != OutcomeAuditFailed || runs[0].Error != wantErr {
		t.Errorf("stored manifest %+v", runs)
	}
}

// TestInvalidRowFails: a query whose result breaks the schema (a missing
// required niveau) publishes nothing and says which row, in French.
func TestInvalidRowFails(t *testing.T) {
	e, _ := testEngine(t)
	badSQL := strings.Replace(populationSQL, "SELECT 'region',", "SELECT NULL,", 1)
	defs, err := Load(fixtureDefs(map[string]string{"population-par-departement.sql": badSQL}))
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.Compute(context.Background(), byID(defs, "population-par-departement"))
	if err == nil || m.Outcome != OutcomeFailed {
		t.Fatalf("outcome %s, err %v", m.Outcome, err)
	}
	// The row is named by its place in the result; the schema engine's
	// French message names the field.
	if !strings.Contains(m.Error, "1 ligne du résultat ne respecte pas le schéma de l'indicateur : ligne ") || !strings.Contains(m.Error, "niveau") {
		t.Errorf("error %q", m.Error)
	}
	if _, err := output.CollectionIndicators.Latest(e.Store.PublicDir(), "population-par-departement"); err == nil {
		t.Error("an invalid result was published")
	}
}

// TestIdenticalInputsIdenticalFiles recomputes on the same inputs (Force):
// the new release's data files are the same bytes.
func TestIdenticalInputsIdenticalFiles(t *testing.T) {
	e, defs := testEngine(t)
	ctx := context.Background()
	a, err := e.Compute(ctx, defs[0])
	if err != nil {
		t.Fatal(err)
	}
	e.Force = true
	b, err := e.Compute(ctx, defs[0])
	if err != nil {
		t.Fatal(err)
	}
	if a.Release == b.Release {
		t.Fatal("no new release")
	}
	dir := filepath.Join(e.Store.PublicDir(), "indicators", defs[0].ID)
	for _, f := range []string{"data.parquet", "data.csv", "data-fr.csv"} {
		if fileSHA(t, filepath.Join(dir, a.Release, f)) != fileSHA(t, filepath.Join(dir, b.Release, f)) {
			t.Errorf("%s differs between two computations on the same inputs", f)
		}
	}
}

func TestMissingInputFails(t *testing.T) {
	e, defs := testEngine(t)
	os.Remove(filepath.Join(e.Store.PublicDir(), "datasets", "communes", "latest"))
	m, err := e.Compute(context.Background(), defs[1])
	if err == nil || m.Outcome != OutcomeFailed || !strings.Contains(m.Error, "jeu de données non publié : communes") {
		t.Errorf("outcome %s, error %q", m.Outcome, m.Error)
	}
}
