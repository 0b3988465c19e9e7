package pipelines

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/fetch"
)

// getSource fetches one URL through the host's client and emits nothing:
// the body limit is the client's, whatever the connector.
type getSource struct {
	env connectors.Env
	url string
}

func (s *getSource) Fetch(ctx context.Context, _ func([]connectors.Record) error) error {
	_, err := s.env.HTTP.Do(ctx, fetch.Request{URL: s.url})
	return err
}

// TestMaxBodyPerSource: a definition's max_body_mb bounds every response
// of its source; a larger body fails the run with a French reason naming
// the limit, and a body under it passes.
func TestMaxBodyPerSource(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, strings.Repeat("x", 1_500_000)) // 1.5 MB, no Content-Length
		w.(http.Flusher).Flush()
	}))
	defer srv.Close()
	kind := connectors.Kind{
		Name:      "get",
		Summary:   "one GET",
		NewConfig: func() connectors.Config { return &changesConfig{} },
		Open: func(_ connectors.Config, env connectors.Env) (connectors.Source, error) {
			return &getSource{env: env, url: srv.URL}, nil
		},
	}
	dir := t.TempDir()
	schemaPath := filepath.Join(dir, "pages.json")
	if err := os.WriteFile(schemaPath, []byte(pagesSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		mb       int
		tooLarge bool
	}{{1, true}, {2, false}} {
		def := fmt.Sprintf("id: get\ntitle: T\ndescription: D\npublisher: P\nlicence: etalab-2.0\nsource_licence: etalab-2.0\nmax_body_mb: %d\nsource:\n  kind: get\nschema: %s\n", tt.mb, schemaPath)
		d, err := (&Loader{Registry: connectors.NewRegistry(kind)}).Load(fstest.MapFS{"get.yaml": {Data: []byte(def)}}, "get.yaml")
		if err != nil {
			t.Fatal(err)
		}
		r := newTestRunner(t, filepath.Join(dir, fmt.Sprint("store", tt.mb)))
		r.ReplayDir, r.AllowLoopback = "", true
		_, err = r.Run(context.Background(), d)
		if got := errors.Is(err, fetch.ErrBodyTooLarge); got != tt.tooLarge {
			t.Errorf("max_body_mb %d: body too large %v, want %v (%v)", tt.mb, got, tt.tooLarge, err)
		}
		if tt.tooLarge && (err == nil || !strings.Contains(err.Error(), "la limite de 1 Mo fixée par max_body_mb")) {
			t.Errorf("max_body_mb 1: reason %v, want the limit named in French", err)
		}
	}
}

// diskSource fetches one URL with its body on disk, and releases the
// response (its temporary file) at once, as the file connector does once
// it has read it.
type diskSource struct {
	env connectors.Env
	url string
}

func (s *diskSource) Fetch(ctx context.Context, _ func([]connectors.Record) error) error {
	resp, err := s.env.HTTP.Do(ctx, fetch.Request{URL: s.url, ToDisk: true})
	if err != nil {
		return err
	}
	return resp.Close()
}

// TestRawBodyOnDiskKept: a body fetched to disk is compressed into the raw
// store on a goroutine of its own; the run waits for it, and the raw store
// gives back every byte, even though the connector removed its temporary
// file at once.
func TestRawBodyOnDiskKept(t *testing.T) {
	body := strings.Repeat("0123456789abcdef", 200_000) // 3.2 MB
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }))
	defer srv.Close()
	kind := connectors.Kind{
		Name: "disk", Summary: "one GET to disk",
		NewConfig: func() connectors.Config { return &changesConfig{} },
		Open: func(_ connectors.Config, env connectors.Env) (connectors.Source, error) {
			return &diskSource{env: env, url: srv.URL}, nil
		},
	}
	dir := t.TempDir()
	schemaPath := filepath.Join(dir, "pages.json")
	if err := os.WriteFile(schemaPath, []byte(pagesSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	def := "id: disk\ntitle: T\ndescription: D\npublisher: P\nlicence: etalab-2.0\nsource_licence: etalab-2.0\nsource:\n  kind: disk\nschema: " + schemaPath + "\n"
	d, err := (&Loader{Registry: connectors.NewRegistry(kind)}).Load(fstest.MapFS{"disk.yaml": {Data: []byte(def)}}, "disk.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := newTestRunner(t, filepath.Join(dir, "store"))
	r.ReplayDir, r.AllowLoopback = "", true
	m, _ := r.Run(context.Background(), d)
	rc, err := r.Store.OpenRaw(d.ID, m.RunID, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil || string(got) != body {
		t.Errorf("raw body: %d bytes (%v), want the %d bytes served", len(got), err, len(body))
	}
}
