package web

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/pipelines"
)

// Metrics are the daemon's Prometheus metrics, served at /metrics. Runs
// feed them through ObserveRun (the scheduler's OnFinish); the queue length
// and the age of every dataset's current release are read at scrape time.
type Metrics struct {
	reg         *prometheus.Registry
	runs        *prometheus.CounterVec
	rows        *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	retries     *prometheus.CounterVec
	statuses    *prometheus.CounterVec
	lastSuccess *prometheus.GaugeVec
}

// NewMetrics registers the metrics. queue gives the number of runs waiting
// for a slot (nil: 0); publicDir is the published tree whose releases'
// age is reported.
func NewMetrics(queue func() int, publicDir string) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ligerdata_runs_total", Help: "Runs finished, by pipeline and outcome (published, unchanged, blocked, failed, cancelled).",
		}, []string{"pipeline", "outcome"}),
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ligerdata_rows_total", Help: "Source rows read, accepted and rejected, by pipeline.",
		}, []string{"pipeline", "kind"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ligerdata_run_duration_seconds", Help: "Duration of runs, by pipeline.",
			Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600},
		}, []string{"pipeline"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ligerdata_fetch_retries_total", Help: "Requests to sources repeated after a 429, a 5xx or a network error, by pipeline.",
		}, []string{"pipeline"}),
		statuses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ligerdata_fetch_responses_total", Help: "Final responses of sources, by pipeline and HTTP status code.",
		}, []string{"pipeline", "code"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "ligerdata_last_success_timestamp_seconds", Help: "Unix time of the end of the last published or unchanged run, by pipeline.",
		}, []string{"pipeline"}),
	}
	if queue == nil {
		queue = func() int { return 0 }
	}
	m.reg.MustRegister(m.runs, m.rows, m.duration, m.retries, m.statuses, m.lastSuccess,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "ligerdata_queue_length", Help: "Runs waiting for a free slot.",
		}, func() float64 { return float64(queue()) }),
		&releaseAges{dir: filepath.Join(publicDir, "datasets")},
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// ObserveRun counts a finished run (nil is ignored).
func (m *Metrics) ObserveRun(r *pipelines.Manifest) {
	if m == nil || r == nil {
		return
	}
	p := r.Pipeline
	m.runs.WithLabelValues(p, r.Outcome).Inc()
	m.rows.WithLabelValues(p, "read").Add(float64(r.Read))
	m.rows.WithLabelValues(p, "accepted").Add(float64(r.Accepted))
	m.rows.WithLabelValues(p, "rejected").Add(float64(r.Rejected))
	m.duration.WithLabelValues(p).Observe(float64(r.DurationMS) / 1000)
	for _, f := range r.Fetches {
		m.statuses.WithLabelValues(p, statusCode(f.Status)).Inc()
		if f.Attempts > 1 {
			m.retries.WithLabelValues(p).Add(float64(f.Attempts - 1))
		}
	}
	if r.Outcome == pipelines.OutcomePublished || r.Outcome == pipelines.OutcomeUnchanged {
		m.lastSuccess.WithLabelValues(p).Set(float64(r.Finished.Unix()))
	}
}

func statusCode(s int) string {
	if s == 0 {
		return "replayed"
	}
	return strconv.Itoa(s)
}

// Seed sets the time of last success of every pipeline from the store's
// manifests, so a restarted daemon does not report sources as never good.
func (m *Metrics) Seed(st *store.Store) {
	ids, err := st.Pipelines()
	if err != nil {
		return
	}
	for _, id := range ids {
		runs, _ := st.ListRuns(id)
		for i := len(runs) - 1; i >= 0; i-- {
			var r pipelines.Manifest
			if st.LoadRun(id, runs[i], &r) == nil && (r.Outcome == pipelines.OutcomePublished || r.Outcome == pipelines.OutcomeUnchanged) {
				m.lastSuccess.WithLabelValues(id).Set(float64(r.Finished.Unix()))
				break
			}
		}
	}
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// releaseAges reports, at scrape time, how old each dataset's current
// release is (from the time its folder was switched in).
type releaseAges struct{ dir string }

var releaseAgeDesc = prometheus.NewDesc("ligerdata_release_age_seconds",
	"Seconds since the current release of each dataset was published.", []string{"dataset"}, nil)

func (c *releaseAges) Describe(ch chan<- *prometheus.Desc) { ch <- releaseAgeDesc }

func (c *releaseAges) Collect(ch chan<- prometheus.Metric) {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	now := time.Now()
	for _, e := range entries {
		if !e.IsDir() || !validName(e.Name()) {
			continue
		}
		fi, err := os.Stat(filepath.Join(c.dir, e.Name(), "latest"))
		if err != nil {
			continue
		}
		ch <- prometheus.MustNewConstMetric(releaseAgeDesc, prometheus.GaugeValue, now.Sub(fi.ModTime()).Seconds(), e.Name())
	}
}

// probeRoutes serves /metrics and /readyz.
func (s *site) probeRoutes(m *Metrics, ready func() error) {
	if m != nil {
		s.mux.Handle("GET /metrics", m.Handler())
	}
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if ready != nil {
			if err := ready(); err != nil {
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte("not ready: " + err.Error()))
				return
			}
		}
		_, _ = w.Write([]byte("ready"))
	})
}
