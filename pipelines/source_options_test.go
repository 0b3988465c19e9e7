package pipelines

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ligerdata/ligerdata/connectors"
)

// A definition's retries bound how often a failing request is sent: with
// retries: 1, a source that always answers 503 is asked twice (1 + 1),
// then the run fails; request_timeout is read as the definition's.
func TestDefinitionRetries(t *testing.T) {
	var hits atomic.Int32
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "indisponible", http.StatusServiceUnavailable)
	}))
	t.Cleanup(src.Close)
	_, dir, r := gatedRunner(t)
	def := pagesDefNamed(t, dir, "pages", src.URL, "retries: 1\nrequest_timeout: 2s\n")
	if def.RequestTimeout != 2*time.Second || def.attempts() != 2 {
		t.Fatalf("request_timeout %s, attempts %d; want 2s and 2", def.RequestTimeout, def.attempts())
	}
	if _, err := r.Run(context.Background(), def); err == nil {
		t.Fatal("the run succeeded against a source that always answers 503")
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("%d requests, want 2 (retries: 1)", n)
	}
}

// Out-of-range values are definition errors naming the key.
func TestDefinitionSourceOptionsChecked(t *testing.T) {
	for extra, want := range map[string]string{
		"retries: 11\n":           "retries: doit être entre 0 et 10 (trouvé 11)",
		"retries: -1\n":           "retries: doit être entre 0 et 10 (trouvé -1)",
		"request_timeout: -5s\n":  "request_timeout: durée invalide « -5s » (exemples : 30s, 5m, 1h30m)",
		"request_timeout: vite\n": "request_timeout",
	} {
		text := "id: x\ntitle: T\ndescription: D\npublisher: P\nlicence: etalab-2.0\nsource_licence: etalab-2.0\nsource:\n  kind: pages\n  url: http://127.0.0.1/data\n  pages: 1\nschema: lieux-mediation-numerique\n" + extra
		l := &Loader{Registry: connectors.NewRegistry(pagesKind)}
		_, err := l.Load(fstest.MapFS{"x.yaml": {Data: []byte(text)}}, "x.yaml")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", extra, err, want)
		}
	}
}
