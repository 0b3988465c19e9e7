package web

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/ligerdata/ligerdata/pipelines"
)

// TestMetricsScrape serves /metrics after two runs and parses the answer
// with Prometheus' own text parser.
func TestMetricsScrape(t *testing.T) {
	dir := t.TempDir()
	// A dataset whose current release is "latest".
	rel := filepath.Join(dir, "public", "datasets", "lieux", "r1")
	if err := os.MkdirAll(rel, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("r1", filepath.Join(dir, "public", "datasets", "lieux", "latest")); err != nil {
		t.Fatal(err)
	}
	m := NewMetrics(func() int { return 2 }, filepath.Join(dir, "public"))
	end := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	m.ObserveRun(&pipelines.Manifest{Pipeline: "lieux", Outcome: pipelines.OutcomePublished, Read: 10, Accepted: 7, Rejected: 3, DurationMS: 2500, Finished: end,
		Fetches: []pipelines.ManifestFetch{{Status: 200, Attempts: 3}, {Status: 200, Attempts: 1}}})
	m.ObserveRun(&pipelines.Manifest{Pipeline: "lieux", Outcome: pipelines.OutcomeFailed, Read: 4, Accepted: 4, DurationMS: 500,
		Fetches: []pipelines.ManifestFetch{{Status: 503, Attempts: 4}}})
	h, err := New(Options{StoreDir: dir, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	value := func(name string, labels map[string]string) float64 {
		t.Helper()
		f := fams[name]
		if f == nil {
			t.Fatalf("metric %s missing", name)
		}
	next:
		for _, mt := range f.Metric {
			for _, lp := range mt.Label {
				if want, ok := labels[lp.GetName()]; ok && want != lp.GetValue() {
					continue next
				}
			}
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				return mt.Counter.GetValue()
			case dto.MetricType_GAUGE:
				return mt.Gauge.GetValue()
			case dto.MetricType_HISTOGRAM:
				return float64(mt.Histogram.GetSampleCount())
			}
		}
		t.Fatalf("%s%v not found", name, labels)
		return 0
	}
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"ligerdata_runs_total", map[string]string{"pipeline": "lieux", "outcome": "published"}, 1},
		{"ligerdata_runs_total", map[string]string{"pipeline": "lieux", "outcome": "failed"}, 1},
		{"ligerdata_rows_total", map[string]string{"kind": "read"}, 14},     // 10 + 4
		{"ligerdata_rows_total", map[string]string{"kind": "accepted"}, 11}, // 7 + 4
		{"ligerdata_rows_total", map[string]string{"kind": "rejected"}, 3},
		{"ligerdata_run_duration_seconds", map[string]string{"pipeline": "lieux"}, 2}, // two observations
		{"ligerdata_fetch_retries_total", map[string]string{"pipeline": "lieux"}, 5},  // (3-1) + (4-1)
		{"ligerdata_fetch_responses_total", map[string]string{"code": "200"}, 2},
		{"ligerdata_fetch_responses_total", map[string]string{"code": "503"}, 1},
		{"ligerdata_last_success_timestamp_seconds", map[string]string{"pipeline": "lieux"}, float64(end.Unix())},
		{"ligerdata_queue_length", nil, 2},
	}
	for _, c := range checks {
		if got := value(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if age := value("ligerdata_release_age_seconds", map[string]string{"dataset": "lieux"}); age < 0 || age > 3600 {
		t.Errorf("release age %v s for a release made by this test", age)
	}
	// Histogram sum: 2.5 s + 0.5 s.
	if sum := fams["ligerdata_run_duration_seconds"].Metric[0].Histogram.GetSampleSum(); sum != 3 {
		t.Errorf("duration sum %v, want 3", sum)
	}
	for _, probe := range []string{"/healthz", "/readyz"} {
		r, err := http.Get(srv.URL + probe)
		if err != nil || r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %v %v", probe, r.StatusCode, err)
		}
		r.Body.Close()
	}
}
