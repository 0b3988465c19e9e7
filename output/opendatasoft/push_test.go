package opendatasoft

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

// stubPortal records the Automation API calls and keeps one dataset and
// its resources, as a portal would.
type stubPortal struct {
	mu        sync.Mutex
	calls     []string // "METHOD path"
	bodies    map[string]map[string]any
	keys      []string
	dataset   *portalDataset
	resources []map[string]any
	failOn    string // "METHOD path" answered 500
}

func (s *stubPortal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	call := r.Method + " " + strings.TrimPrefix(r.URL.RequestURI(), apiPath)
	s.calls = append(s.calls, call)
	s.keys = append(s.keys, r.Header.Get("Authorization"))
	var body map[string]any
	if b, _ := io.ReadAll(r.Body); len(b) > 0 {
		json.Unmarshal(b, &body)
		s.bodies[call] = body
	}
	if call == s.failOn {
		http.Error(w, `{"error": "boom"}`, http.StatusInternalServerError)
		return
	}
	p := strings.TrimPrefix(r.URL.Path, apiPath)
	switch {
	case r.Method == "GET" && p == "/datasets/":
		var res []any
		if s.dataset != nil && r.URL.Query().Get("dataset_id") == s.dataset.DatasetID {
			res = append(res, s.dataset)
		}
		json.NewEncoder(w).Encode(map[string]any{"total_count": len(res), "results": res})
	case r.Method == "POST" && p == "/datasets/":
		s.dataset = &portalDataset{UID: "da_abc123", DatasetID: body["dataset_id"].(string)}
		json.NewEncoder(w).Encode(s.dataset)
	case r.Method == "GET" && p == "/datasets/da_abc123/resources/":
		json.NewEncoder(w).Encode(map[string]any{"results": s.resources})
	case r.Method == "POST" && p == "/datasets/da_abc123/resources/":
		body["uid"] = "re_1"
		s.resources = append(s.resources, body)
		json.NewEncoder(w).Encode(body)
	case r.Method == "PUT" && p == "/datasets/da_abc123/resources/re_1/":
		body["uid"] = "re_1"
		s.resources[0] = body
		json.NewEncoder(w).Encode(body)
	case r.Method == "PUT" && p == "/datasets/da_abc123/metadata/":
		json.NewEncoder(w).Encode(body)
	case r.Method == "POST" && p == "/datasets/da_abc123/publish/":
		s.dataset.IsPublished = true
		json.NewEncoder(w).Encode(map[string]any{"status": "queued"})
	default:
		http.NotFound(w, r)
	}
}

func (s *stubPortal) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls
	s.calls = nil
	return c
}

func publish(t *testing.T, public, release string) {
	t.Helper()
	s, err := schemas.Parse([]byte(`{"fields": [{"name": "id", "type": "string"}], "primaryKey": ["id"]}`))
	if err != nil {
		t.Fatal(err)
	}
	meta := output.DatasetMeta{ID: "lieux", Title: "Lieux de test", Description: "Des lieux.", Keywords: []string{"numérique"},
		License: output.License{ID: "etalab-2.0"}, Publisher: "Région Pays de la Loire"}
	rel, err := output.NewRelease(public, meta, s, release, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := rel.Append([]schemas.Value{"A-" + release}); err != nil {
		t.Fatal(err)
	}
	if _, err := rel.Commit(output.Quality{}); err != nil {
		t.Fatal(err)
	}
}

func TestPushIsIdempotent(t *testing.T) {
	stub := &stubPortal{bodies: map[string]map[string]any{}}
	srv := httptest.NewServer(stub)
	defer srv.Close()
	t.Setenv(EnvAPIKey, "secret-key")
	public := filepath.Join(t.TempDir(), "public")
	const r1, r2 = "20261201T040000Z-0001", "20261202T040000Z-0002"
	publish(t, public, r1)
	p, err := New(Options{BaseURL: srv.URL, PublicBaseURL: "https://donnees.example.org/"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// First push: created, resource added by URL, published.
	res, err := p.Push(ctx, public, "lieux", r1)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"GET /datasets/?dataset_id=lieux", "POST /datasets/", "GET /datasets/da_abc123/resources/", "POST /datasets/da_abc123/resources/", "POST /datasets/da_abc123/publish/"}
	if got := stub.take(); !reflect.DeepEqual(got, want) || res != (Result{UID: "da_abc123", Created: true, Resource: "added", Published: true}) {
		t.Errorf("first push: %+v, calls %q", res, got)
	}
	for _, k := range stub.keys {
		if k != "Apikey secret-key" {
			t.Fatalf("Authorization %q", k)
		}
	}
	created := stub.bodies["POST /datasets/"]
	def := created["metadata"].(map[string]any)["default"].(map[string]any)
	if created["dataset_id"] != "lieux" || created["is_restricted"] != false ||
		def["title"].(map[string]any)["value"] != "Lieux de test" ||
		def["license"].(map[string]any)["value"] != "Licence Ouverte / Open Licence version 2.0" ||
		def["publisher"].(map[string]any)["value"] != "Région Pays de la Loire" ||
		def["references"].(map[string]any)["value"] != "https://donnees.example.org/jeux-de-donnees/lieux" {
		t.Errorf("created with %v", created)
	}
	ds := stub.bodies["POST /datasets/da_abc123/resources/"]["datasource"].(map[string]any)
	if ds["type"] != "http" || ds["url"] != "https://donnees.example.org/datasets/lieux/"+r1+"/data.csv" {
		t.Errorf("resource datasource %v", ds)
	}

	// The same release again: metadata sent, nothing else changes.
	res, err = p.Push(ctx, public, "lieux", r1)
	want = []string{"GET /datasets/?dataset_id=lieux", "PUT /datasets/da_abc123/metadata/", "GET /datasets/da_abc123/resources/"}
	if got := stub.take(); err != nil || !reflect.DeepEqual(got, want) || res.Resource != "unchanged" || res.Published || res.Created {
		t.Errorf("second push: %+v (%v), calls %q", res, err, got)
	}

	// A new release: the same resource points to it, published again.
	publish(t, public, r2)
	res, err = p.Push(ctx, public, "lieux", r2)
	want = []string{"GET /datasets/?dataset_id=lieux", "PUT /datasets/da_abc123/metadata/", "GET /datasets/da_abc123/resources/", "PUT /datasets/da_abc123/resources/re_1/", "POST /datasets/da_abc123/publish/"}
	if got := stub.take(); err != nil || !reflect.DeepEqual(got, want) || res.Resource != "updated" || !res.Published {
		t.Errorf("third push: %+v (%v), calls %q", res, err, got)
	}
	if u := stub.resources[0]["datasource"].(map[string]any)["url"]; len(stub.resources) != 1 || u != "https://donnees.example.org/datasets/lieux/"+r2+"/data.csv" {
		t.Errorf("resources %v", stub.resources)
	}

	// A failing portal: the error names the call and the status.
	stub.failOn = "POST /datasets/da_abc123/publish/"
	stub.dataset.IsPublished = false
	_, err = p.Push(ctx, public, "lieux", r2)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 500 || !strings.Contains(err.Error(), "publish lieux") {
		t.Errorf("failed publish: %v", err)
	}
}

func TestNewNeedsKeyAndPublicURL(t *testing.T) {
	t.Setenv(EnvAPIKey, "")
	if _, err := New(Options{BaseURL: "https://portal.example.org", PublicBaseURL: "https://donnees.example.org"}); !errors.Is(err, ErrNoAPIKey) {
		t.Errorf("without key: %v", err)
	}
	if _, err := New(Options{BaseURL: "https://portal.example.org", APIKey: "k"}); err == nil {
		t.Error("without public URL: no error")
	}
	if _, err := New(Options{BaseURL: "portal.example.org", APIKey: "k", PublicBaseURL: "https://donnees.example.org"}); err == nil {
		t.Error("relative portal URL: no error")
	}
}
