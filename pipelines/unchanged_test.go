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
	"reflect"
	"strconv"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/fetch"
	"github.com/ligerdata/ligerdata/output"
)

// pagesConfig configures a test source that reads numbered JSON pages.
type pagesConfig struct {
	URL   string `yaml:"url"`
	Pages int    `yaml:"pages"`
}

func (c *pagesConfig) Validate() error {
	if c.URL == "" {
		return &connectors.FieldError{Path: "url", Msg: "required"}
	}
	return nil
}

type pagesSource struct {
	cfg pagesConfig
	env connectors.Env
}

func (s *pagesSource) Fetch(ctx context.Context, emit func([]connectors.Record) error) error {
	for i := 1; i <= s.cfg.Pages; i++ {
		u := s.cfg.URL + "?page=" + strconv.Itoa(i)
		resp, err := s.env.HTTP.Do(ctx, fetch.Request{URL: u, Prev: s.env.PrevFor("GET", u, nil)})
		if err != nil {
			return err
		}
		var rows []map[string]any
		if err := json.Unmarshal(resp.Body, &rows); err != nil {
			return fmt.Errorf("page %d: %w", i, err)
		}
		page := make([]connectors.Record, len(rows))
		for j, r := range rows {
			page[j] = connectors.Record{Line: j + 1, Fields: r}
		}
		if err := emit(page); err != nil {
			return err
		}
	}
	return nil
}

var pagesKind = connectors.Kind{
	Name:      "pages",
	Summary:   "numbered JSON pages (tests)",
	NewConfig: func() connectors.Config { return &pagesConfig{Pages: 3} },
	Open: func(cfg connectors.Config, env connectors.Env) (connectors.Source, error) {
		return &pagesSource{cfg: *cfg.(*pagesConfig), env: env}, nil
	},
}

const pagesSchema = `{"name": "test-pages", "fields": [
  {"name": "id", "type": "string", "constraints": {"required": true}},
  {"name": "nom", "type": "string"}], "primaryKey": "id"}`

// TestRunUnchangedAcrossPages checks that a paged source whose every page
// is identical to the last good run's is not normalised again, and that a
// change on any page, or a page fewer, is.
func TestRunUnchangedAcrossPages(t *testing.T) {
	var mu sync.Mutex
	version := map[int]string{1: "a", 2: "a", 3: "a"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("page"))
		mu.Lock()
		v, ok := version[n]
		mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		var rows []map[string]string
		for i := 0; i < 10; i++ {
			rows = append(rows, map[string]string{"id": fmt.Sprintf("p%d-%d", n, i), "nom": "lieu " + v})
		}
		json.NewEncoder(w).Encode(rows)
	}))
	defer srv.Close()

	dir := t.TempDir()
	schemaPath := filepath.Join(dir, "pages.json")
	if err := os.WriteFile(schemaPath, []byte(pagesSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	def := fmt.Sprintf(`id: pages
title: Pages
description: Pages de test.
publisher: Test
licence: etalab-2.0
source_licence: etalab-2.0
source:
  kind: pages
  url: %s/data
schema: %s
`, srv.URL, schemaPath)
	l := &Loader{Registry: connectors.NewRegistry(pagesKind)}
	d, err := l.Load(fstest.MapFS{"pages.yaml": {Data: []byte(def)}}, "pages.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := newTestRunner(t, filepath.Join(dir, "store"))
	r.ReplayDir = ""
	r.AllowLoopback = true

	run := func(wantOutcome string, wantRead int) *Manifest {
		t.Helper()
		m, err := r.Run(context.Background(), d)
		if err != nil && !errors.Is(err, ErrBlocked) {
			t.Fatal(err)
		}
		if m.Outcome != wantOutcome || m.Read != wantRead {
			t.Fatalf("outcome %s with %d rows read, want %s with %d", m.Outcome, m.Read, wantOutcome, wantRead)
		}
		return m
	}
	first := run(OutcomePublished, 30)
	second := run(OutcomeUnchanged, 0)
	if second.Release != first.Release || len(second.Fetches) != 3 {
		t.Errorf("unchanged run: release %s (want %s), %d fetches", second.Release, first.Release, len(second.Fetches))
	}

	mu.Lock()
	version[3] = "b"
	mu.Unlock()
	third := run(OutcomePublished, 30)
	if third.Release == first.Release {
		t.Error("a changed last page did not make a new release")
	}
	if latest, _ := output.Latest(r.Store.PublicDir(), "pages"); latest != third.Release {
		t.Errorf("latest = %s, want %s", latest, third.Release)
	}
	run(OutcomeUnchanged, 0)

	mu.Lock()
	delete(version, 3)
	mu.Unlock()
	d.SourceConfig.(*pagesConfig).Pages = 2
	lenient := 0.5 // a third of the rows is gone: let the row-drop gate pass
	d.Gates.MaxRowDrop = &lenient
	run(OutcomePublished, 20)
}

// localSource is a pages source that also reads a local input, whose
// digest is in digest.
type localSource struct {
	pagesSource
	digest *string
}

func (s *localSource) LocalDigest() (string, error) { return *s.digest, nil }

// Fetch emits one record from the local input, then the pages.
func (s *localSource) Fetch(ctx context.Context, emit func([]connectors.Record) error) error {
	if err := emit([]connectors.Record{{Line: 1, Fields: map[string]any{"id": "local", "nom": *s.digest}}}); err != nil {
		return err
	}
	return s.pagesSource.Fetch(ctx, emit)
}

// TestRunUnchangedLocalInputs checks that a source with local inputs and no
// HTTP response is unchanged while their digest stays the same, and that a
// new digest makes a full run even when every response is the same.
func TestRunUnchangedLocalInputs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode([]map[string]string{{"id": "x" + r.URL.Query().Get("page"), "nom": "lieu"}})
	}))
	defer srv.Close()
	digest := "d1"
	kind := connectors.Kind{
		Name:      "local",
		Summary:   "pages plus a local input (tests)",
		NewConfig: func() connectors.Config { return &pagesConfig{} },
		Open: func(cfg connectors.Config, env connectors.Env) (connectors.Source, error) {
			return &localSource{pagesSource: pagesSource{cfg: *cfg.(*pagesConfig), env: env}, digest: &digest}, nil
		},
	}
	dir := t.TempDir()
	schemaPath := filepath.Join(dir, "pages.json")
	if err := os.WriteFile(schemaPath, []byte(pagesSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	load := func(pages int) *Definition {
		def := fmt.Sprintf("id: local\ntitle: Local\ndescription: Test.\npublisher: Test\nlicence: etalab-2.0\nsource_licence: etalab-2.0\nsource:\n  kind: local\n  url: %s/data\n  pages: %d\nschema: %s\n", srv.URL, pages, schemaPath)
		d, err := (&Loader{Registry: connectors.NewRegistry(kind)}).Load(fstest.MapFS{"local.yaml": {Data: []byte(def)}}, "local.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	r := newTestRunner(t, filepath.Join(dir, "store"))
	r.ReplayDir = ""
	r.AllowLoopback = true
	run := func(d *Definition, wantOutcome string, wantRead, wantFetches int) {
		t.Helper()
		m, err := r.Run(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		if m.Outcome != wantOutcome || m.Read != wantRead || len(m.Fetches) != wantFetches || m.LocalDigest != digest {
			t.Fatalf("outcome %s, %d read, %d fetches, digest %q; want %s, %d, %d, %q", m.Outcome, m.Read, len(m.Fetches), m.LocalDigest, wantOutcome, wantRead, wantFetches, digest)
		}
	}
	// No page: only the local input.
	local := load(0)
	run(local, OutcomePublished, 1, 0)
	run(local, OutcomeUnchanged, 0, 0) // nothing fetched, nothing read
	digest = "d2"
	run(local, OutcomePublished, 1, 0)

	// Two identical pages: the same digest is unchanged, a new one is read.
	paged := load(2)
	run(paged, OutcomePublished, 3, 2) // the local record and one a page
	run(paged, OutcomeUnchanged, 0, 2)
	digest = "d3"
	run(paged, OutcomePublished, 3, 2)
}

// TestRunIdenticalRowsNoRelease checks that a source whose bytes change on
// every answer (GeoServer restamps them) but whose rows are the same, in
// another order, makes no new release; a changed value does, and its
// changelog gives the old and new value.
func TestRunIdenticalRowsNoRelease(t *testing.T) {
	var mu sync.Mutex
	calls, nom := 0, "lieu"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		c, v := calls, nom
		mu.Unlock()
		rows := []map[string]string{{"id": "a", "nom": v}, {"id": "b", "nom": "autre"}}
		if c%2 == 0 {
			rows[0], rows[1] = rows[1], rows[0]
		}
		b, _ := json.Marshal(rows)
		fmt.Fprintf(w, "%s\n%*s", b, c, "") // other bytes on every answer
	}))
	defer srv.Close()
	dir := t.TempDir()
	schemaPath := filepath.Join(dir, "pages.json")
	if err := os.WriteFile(schemaPath, []byte(pagesSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	def := fmt.Sprintf("id: restamped\ntitle: Pages\ndescription: Pages de test.\npublisher: Test\nlicence: etalab-2.0\nsource_licence: etalab-2.0\nsource:\n  kind: pages\n  url: %s/data\n  pages: 1\nschema: %s\n", srv.URL, schemaPath)
	d, err := (&Loader{Registry: connectors.NewRegistry(pagesKind)}).Load(fstest.MapFS{"restamped.yaml": {Data: []byte(def)}}, "restamped.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := newTestRunner(t, filepath.Join(dir, "store"))
	r.ReplayDir, r.AllowLoopback = "", true
	run := func(want string) *Manifest {
		t.Helper()
		m, err := r.Run(context.Background(), d)
		if err != nil || m.Outcome != want {
			t.Fatalf("outcome %s (%v), want %s", m.Outcome, err, want)
		}
		return m
	}
	public := r.Store.PublicDir()
	first := run(OutcomePublished)
	second := run(OutcomeUnchanged)
	if second.Release != first.Release || second.Read != 2 {
		t.Errorf("identical rows: release %s (want %s), %d rows read (want 2)", second.Release, first.Release, second.Read)
	}
	if rels, _ := output.Releases(public, "restamped"); len(rels) != 1 {
		t.Errorf("releases after identical rows: %v, want only %s", rels, first.Release)
	}
	if output.CatalogStale(public) {
		t.Error("the catalogue is marked stale after a run that published nothing")
	}

	mu.Lock()
	nom = "lieu renommé"
	mu.Unlock()
	third := run(OutcomePublished)
	ch, err := output.ReadChanges(public, "restamped", third.Release)
	if err != nil {
		t.Fatal(err)
	}
	old, neu := "lieu", "lieu renommé"
	want := []output.ChangedRow{{Key: []string{"a"}, Columns: []string{"nom"}, Values: map[string]output.ValueChange{"nom": {Old: &old, New: &neu}}}}
	if *ch.Previous != first.Release || !reflect.DeepEqual(ch.Changed, want) {
		t.Errorf("changes against %s: %+v, want %+v", *ch.Previous, ch.Changed, want)
	}
}
