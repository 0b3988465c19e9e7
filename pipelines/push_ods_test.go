package pipelines

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ligerdata/ligerdata/output"
)

// TestRunPushesToOpendatasoft checks that a run pushes its release to an
// OpenDataSoft portal (a stub recording the calls), and that a failed push
// is recorded in the manifest without unpublishing anything.
func TestRunPushesToOpendatasoft(t *testing.T) {
	var mu sync.Mutex
	var calls []string
	failPublish := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
		switch {
		case failPublish && strings.HasSuffix(r.URL.Path, "/publish/"):
			http.Error(w, "indisponible", http.StatusBadGateway)
		case r.Method == http.MethodGet:
			w.Write([]byte(`{"total_count": 0, "results": []}`))
		default:
			w.Write([]byte(`{"uid": "da_1", "dataset_id": "lieux-mediation-numerique-pdl"}`))
		}
	}))
	defer srv.Close()
	t.Setenv("ODS_API_KEY", "cle-ods")
	r := newTestRunner(t, t.TempDir())
	r.Full = true
	def := embeddedDef(t, "lieux-mediation-numerique-pdl")
	def.Push = &PushSpec{Opendatasoft: &ODSPush{URL: srv.URL}}

	first, err := r.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	if p := first.PushODS; p == nil || p.Error != "" || p.DatasetID != "da_1" || !p.Created || p.Resource != "added" || !p.Published {
		t.Fatalf("first push: %+v", first.PushODS)
	}
	want := []string{
		"GET /api/automation/v1.0/datasets/ Apikey cle-ods",
		"POST /api/automation/v1.0/datasets/ Apikey cle-ods",
		"GET /api/automation/v1.0/datasets/da_1/resources/ Apikey cle-ods",
		"POST /api/automation/v1.0/datasets/da_1/resources/ Apikey cle-ods",
		"POST /api/automation/v1.0/datasets/da_1/publish/ Apikey cle-ods",
	}
	if strings.Join(calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(calls, "\n"), strings.Join(want, "\n"))
	}

	// The portal fails to publish: the run is still published here.
	mu.Lock()
	failPublish = true
	mu.Unlock()
	second, err := r.Run(context.Background(), def)
	if err != nil || second.Outcome != OutcomePublished {
		t.Fatalf("a failed push must not fail the run: %v, %s", err, second.Outcome)
	}
	if p := second.PushODS; p == nil || !strings.Contains(p.Error, "HTTP 502") {
		t.Errorf("failed push not recorded: %+v", second.PushODS)
	}
	if latest, _ := output.Latest(r.Store.PublicDir(), def.Dataset); latest != second.Release {
		t.Errorf("latest %s, want the release of the run whose push failed (%s)", latest, second.Release)
	}
}

func TestPushODSDefinitionErrors(t *testing.T) {
	text := strings.Replace(goodDef, "id: good", "id: bad-ods", 1) + "push:\n  opendatasoft:\n    url: data.paysdelaloire.fr\n"
	_, err := testLoader(nil).Load(mapFS("bad-ods.yaml", text), "bad-ods.yaml")
	if err == nil || !strings.Contains(err.Error(), "push.opendatasoft.url") {
		t.Errorf("want the push.opendatasoft.url error, got %v", err)
	}
}
