package pipelines

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

// pagedServer serves `pages` JSON pages of ten rows each.
func pagedServer(t *testing.T, pages *int, mu *sync.Mutex) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("page"))
		mu.Lock()
		total := *pages
		mu.Unlock()
		if n < 1 || n > total {
			http.NotFound(w, r)
			return
		}
		var rows []map[string]string
		for i := 0; i < 10; i++ {
			rows = append(rows, map[string]string{"id": fmt.Sprintf("p%d-%d", n, i), "nom": "lieu"})
		}
		json.NewEncoder(w).Encode(rows)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func loadPagesDef(t *testing.T, dir, url, extra string) *Definition {
	t.Helper()
	schemaPath := filepath.Join(dir, "pages.json")
	if err := os.WriteFile(schemaPath, []byte(pagesSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprintf("id: pages\ntitle: Pages\ndescription: D\npublisher: P\nlicence: etalab-2.0\nsource_licence: etalab-2.0\nsource:\n  kind: pages\n  url: %s/data\nschema: %s\n%s", url, schemaPath, extra)
	l := &Loader{Registry: connectors.NewRegistry(pagesKind)}
	d, err := l.Load(fstest.MapFS{"pages.yaml": {Data: []byte(text)}}, "pages.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRowDropGateAndApproval(t *testing.T) {
	var mu sync.Mutex
	pages := 3
	srv := pagedServer(t, &pages, &mu)
	dir := t.TempDir()
	def := loadPagesDef(t, dir, srv.URL, "")
	r := newTestRunner(t, filepath.Join(dir, "store"))
	r.ReplayDir, r.AllowLoopback = "", true
	ctx := context.Background()

	first, err := r.Run(ctx, def)
	if err != nil || first.Accepted != 30 {
		t.Fatalf("first run: %v, %+v", err, first)
	}
	public := r.Store.PublicDir()

	// The source suddenly answers one page of three.
	mu.Lock()
	pages = 1
	mu.Unlock()
	def.SourceConfig.(*pagesConfig).Pages = 1
	blocked, err := r.Run(ctx, def)
	if !errors.Is(err, ErrBlocked) || blocked.Outcome != OutcomeBlocked {
		t.Fatalf("want a blocked run, got %v (%s)", err, blocked.Outcome)
	}
	var rowDrop *GateResult
	for i, g := range blocked.Gates {
		if g.Gate == "row_drop" {
			rowDrop = &blocked.Gates[i]
		}
	}
	if rowDrop == nil || rowDrop.Passed || !strings.Contains(rowDrop.Detail, "10 lignes contre 30") {
		t.Fatalf("row_drop verdict: %+v", rowDrop)
	}
	if latest, _ := output.Latest(public, "pages"); latest != first.Release {
		t.Fatalf("latest = %s after a blocked run, want %s", latest, first.Release)
	}

	if _, err := r.Approve(ctx, def, first.RunID, "Camille", "test"); !errors.Is(err, ErrNotBlocked) {
		t.Errorf("approving a published run: %v", err)
	}
	if _, err := r.Approve(ctx, def, blocked.RunID, "", ""); err == nil {
		t.Error("an approval without a name was accepted")
	}

	// Meanwhile the source is down: the approval must not need it.
	srv.Close()
	approved, err := r.Approve(ctx, def, blocked.RunID, "Camille Martin", "fermeture de 20 lieux confirmée par PiNG")
	if err != nil {
		t.Fatal(err)
	}
	if approved.Outcome != OutcomePublished || approved.Accepted != 10 || approved.Approval == nil ||
		approved.Approval.Run != blocked.RunID || approved.Approval.By != "Camille Martin" || len(approved.Approval.Gates) != 1 {
		t.Fatalf("approved run: %+v", approved)
	}
	if latest, _ := output.Latest(public, "pages"); latest != approved.Release {
		t.Errorf("latest = %s, want the approved release %s", latest, approved.Release)
	}
	var saved Manifest
	if err := r.Store.LoadRun(def.ID, blocked.RunID, &saved); err != nil || saved.ApprovedBy != approved.RunID {
		t.Errorf("the blocked run's manifest does not name its approval: %+v, %v", saved.ApprovedBy, err)
	}
	if _, err := r.Approve(ctx, def, blocked.RunID, "Camille", ""); err == nil {
		t.Error("a run was approved twice")
	}
}

func TestSchemaDriftGate(t *testing.T) {
	def := &Definition{TableSchema: mustSchema(t, `{"name":"s","fields":[{"name":"id","type":"string"},{"name":"n","type":"integer"}]}`)}
	prev := &prevRelease{ID: "r1", Rows: 10, Fields: map[string]string{"id": "string", "n": "number", "old": "string"}, Order: []string{"id", "n", "old"}}
	q := output.Quality{Read: 10, Accepted: 10}
	var drift GateResult
	for _, g := range def.gates(q, prev) {
		if g.Gate == "schema_drift" {
			drift = g
		}
	}
	if drift.Passed || !strings.Contains(drift.Detail, "colonnes supprimées : old") || !strings.Contains(drift.Detail, "n (number → integer)") {
		t.Errorf("schema drift verdict: %+v", drift)
	}
	def.Gates.AllowSchemaChange = true
	for _, g := range def.gates(q, prev) {
		if g.Gate == "schema_drift" && !g.Passed {
			t.Errorf("allow_schema_change did not let it pass: %+v", g)
		}
	}
	same := &prevRelease{ID: "r1", Rows: 10, Fields: map[string]string{"id": "string", "n": "integer"}, Order: []string{"id", "n"}}
	def.Gates.AllowSchemaChange = false
	for _, g := range def.gates(q, same) {
		if !g.Passed {
			t.Errorf("gate %s failed on an identical schema: %s", g.Gate, g.Detail)
		}
	}
}

func mustSchema(t *testing.T, text string) *schemas.Schema {
	t.Helper()
	s, err := schemas.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRetentionKeepsTheNewestReleases(t *testing.T) {
	r := newTestRunner(t, t.TempDir())
	r.Full = true
	def := embeddedDef(t, "lieux-mediation-numerique-pdl")
	keep := 2
	def.Retention = &keep
	var ids []string
	for i := 0; i < 4; i++ {
		m, err := r.Run(context.Background(), def)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.Release)
		if i >= 2 && (len(m.Pruned) != 1 || m.Pruned[0] != ids[i-2]) {
			t.Errorf("run %d pruned %v, want [%s]", i+1, m.Pruned, ids[i-2])
		}
	}
	rels, err := output.Releases(r.Store.PublicDir(), def.Dataset)
	if err != nil || fmt.Sprint(rels) != fmt.Sprint(ids[2:]) {
		t.Errorf("releases left: %v (%v), want %v", rels, err, ids[2:])
	}
}

func TestCatalogueFailureKeepsTheReleaseItDescribes(t *testing.T) {
	r := newTestRunner(t, t.TempDir())
	r.Full = true
	def := embeddedDef(t, "lieux-mediation-numerique-pdl")
	keep := 1
	def.Retention = &keep
	first, err := r.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	// A folder where the catalogue goes makes writing it fail.
	catalog := filepath.Join(r.Store.PublicDir(), "catalog.jsonld")
	if err := os.Remove(catalog); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(catalog, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	second, err := r.Run(context.Background(), def)
	if err != nil || second.Outcome != OutcomePublished || second.CatalogError == "" || len(second.Pruned) != 0 {
		t.Fatalf("run with a failing catalogue: %v; outcome %s, catalog_error %q, pruned %v", err, second.Outcome, second.CatalogError, second.Pruned)
	}
	if rels, _ := output.Releases(r.Store.PublicDir(), def.Dataset); len(rels) != 2 {
		t.Errorf("the release the old catalogue names was pruned: %v", rels)
	}
	if err := os.RemoveAll(catalog); err != nil {
		t.Fatal(err)
	}
	third, err := r.Run(context.Background(), def)
	if err != nil || third.CatalogError != "" || len(third.Pruned) != 2 || third.Pruned[0] != first.Release {
		t.Fatalf("run after the repair: %v; catalog_error %q, pruned %v", err, third.CatalogError, third.Pruned)
	}
}

func TestStaleCatalogueRewrittenByAnUnchangedRun(t *testing.T) {
	r := newTestRunner(t, t.TempDir())
	def := embeddedDef(t, "lieux-mediation-numerique-pdl")
	public := r.Store.PublicDir()
	first, err := r.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	// The second (full) run switches a new release in but cannot write the
	// catalogue, which still names the first release.
	catalog := filepath.Join(public, "catalog.jsonld")
	if err := os.Remove(catalog); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(catalog, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.Full = true
	second, err := r.Run(context.Background(), def)
	if err != nil || second.CatalogError == "" || second.Release == first.Release {
		t.Fatalf("second run: %v, catalog_error %q", err, second.CatalogError)
	}
	if !output.CatalogStale(public) {
		t.Fatal("a switch whose catalogue failed left no stale mark")
	}
	if err := os.RemoveAll(catalog); err != nil {
		t.Fatal(err)
	}
	// The source has not changed: the third run publishes nothing, but it
	// rewrites the catalogue, which now names the second release.
	r.Full = false
	third, err := r.Run(context.Background(), def)
	if err != nil || third.Outcome != OutcomeUnchanged {
		t.Fatalf("third run: %v, outcome %s", err, third.Outcome)
	}
	b, err := os.ReadFile(catalog)
	if err != nil {
		t.Fatalf("the unchanged run did not rewrite the catalogue: %v", err)
	}
	if !strings.Contains(string(b), second.Release) || output.CatalogStale(public) {
		t.Errorf("catalogue does not name release %s (stale: %v)", second.Release, output.CatalogStale(public))
	}
	ttl, _ := os.ReadFile(filepath.Join(public, "catalog.ttl"))
	if !strings.Contains(string(ttl), second.Release) {
		t.Errorf("catalog.ttl does not name release %s", second.Release)
	}
}
