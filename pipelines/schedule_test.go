package pipelines

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/store"
)

// gateServer serves one page of rows per request, after the test lets it
// through: each request waits for a token on release (or its end). It
// counts requests in flight, and the most seen at once.
type gateServer struct {
	*httptest.Server
	release  chan struct{}
	inFlight atomic.Int32
	maxSeen  atomic.Int32
	arrived  chan struct{}
}

func newGateServer(t *testing.T) *gateServer {
	g := &gateServer{release: make(chan struct{}, 100), arrived: make(chan struct{}, 100)}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := g.inFlight.Add(1)
		defer g.inFlight.Add(-1)
		for {
			m := g.maxSeen.Load()
			if n <= m || g.maxSeen.CompareAndSwap(m, n) {
				break
			}
		}
		g.arrived <- struct{}{}
		select {
		case <-g.release:
		case <-r.Context().Done():
			return
		}
		if r.URL.Query().Get("page") != "1" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `[{"id": "a", "nom": "lieu"}]`)
	}))
	t.Cleanup(g.Server.Close)
	t.Cleanup(func() { close(g.release) })
	return g
}

// waitArrived waits for a request to reach the server.
func (g *gateServer) waitArrived(t *testing.T) {
	t.Helper()
	select {
	case <-g.arrived:
	case <-time.After(20 * time.Second):
		t.Fatal("no request reached the source")
	}
}

func pagesDefNamed(t *testing.T, dir, id, url, extra string) *Definition {
	t.Helper()
	schemaPath := filepath.Join(dir, "pages.json")
	if err := os.WriteFile(schemaPath, []byte(pagesSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprintf("id: %s\ntitle: Pages\ndescription: D\npublisher: P\nlicence: etalab-2.0\nsource_licence: etalab-2.0\nsource:\n  kind: pages\n  url: %s/data\n  pages: 1\nschema: %s\n%s", id, url, schemaPath, extra)
	l := &Loader{Registry: connectors.NewRegistry(pagesKind)}
	d, err := l.Load(fstest.MapFS{id + ".yaml": {Data: []byte(text)}}, id+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// gatedRunner returns a gate server, a folder for definitions and a runner
// that harvests from the network on loopback.
func gatedRunner(t *testing.T) (*gateServer, string, *Runner) {
	src := newGateServer(t)
	dir := t.TempDir()
	r := newTestRunner(t, filepath.Join(dir, "store"))
	r.ReplayDir, r.AllowLoopback = "", true
	return src, dir, r
}

type finished struct {
	def *Definition
	m   *Manifest
	err error
}

func newTestScheduler(t *testing.T, r *Runner, defs []*Definition, max int) (*Scheduler, chan finished) {
	t.Helper()
	done := make(chan finished, 10)
	s, err := NewScheduler(r, defs, r.Logger, SchedulerOptions{
		MaxConcurrent: max,
		OnFinish:      func(def *Definition, m *Manifest, err error) { done <- finished{def, m, err} },
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, done
}

func waitFinished(t *testing.T, done chan finished) finished {
	t.Helper()
	select {
	case f := <-done:
		return f
	case <-time.After(30 * time.Second):
		t.Fatal("run did not finish")
	}
	return finished{}
}

func TestSchedulerNeverRunsAPipelineTwiceAtOnce(t *testing.T) {
	src, dir, r := gatedRunner(t)
	def := pagesDefNamed(t, dir, "pages", src.URL, "")
	s, done := newTestScheduler(t, r, []*Definition{def}, 2)
	defer s.Stop(context.Background())

	id, err := s.Trigger("pages")
	if err != nil {
		t.Fatal(err)
	}
	src.waitArrived(t)
	// The manifest says "running" while the run goes.
	var m Manifest
	if err := r.Store.LoadRun("pages", id, &m); err != nil || m.Outcome != OutcomeRunning {
		t.Fatalf("manifest during the run: outcome %q, %v", m.Outcome, err)
	}
	if _, err := s.Trigger("pages"); !errors.Is(err, store.ErrAlreadyRunning) {
		t.Fatalf("second trigger: %v, want ErrAlreadyRunning", err)
	}
	if st := s.State(); len(st) != 1 || st[0].RunID != id || !st[0].Running {
		t.Fatalf("state during the run: %+v", st)
	}
	src.release <- struct{}{} // the only page
	f := waitFinished(t, done)
	if f.err != nil || f.m.RunID != id || f.m.Outcome != OutcomePublished || f.m.Accepted != 1 {
		t.Fatalf("run: %+v, %v", f.m, f.err)
	}
	if _, err := s.Trigger("nope"); !errors.Is(err, ErrUnknownPipeline) {
		t.Fatalf("unknown pipeline: %v", err)
	}
}

func TestSchedulerCapsConcurrentRuns(t *testing.T) {
	src, dir, r := gatedRunner(t)
	a := pagesDefNamed(t, dir, "a", src.URL, "")
	b := pagesDefNamed(t, dir, "b", src.URL, "")
	s, done := newTestScheduler(t, r, []*Definition{a, b}, 1)
	defer s.Stop(context.Background())
	if _, err := s.Trigger("a"); err != nil {
		t.Fatal(err)
	}
	src.waitArrived(t)
	if _, err := s.Trigger("b"); err != nil {
		t.Fatal(err)
	}
	// b waits for a's slot: one queued, one request at the source.
	deadline := time.Now().Add(10 * time.Second)
	for s.Queued() != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if q := s.Queued(); q != 1 {
		t.Fatalf("queued = %d, want 1", q)
	}
	for range 2 { // one page for each pipeline
		src.release <- struct{}{}
	}
	for range 2 {
		if f := waitFinished(t, done); f.err != nil {
			t.Fatalf("%s: %v", f.def.ID, f.err)
		}
	}
	if n := src.maxSeen.Load(); n != 1 {
		t.Fatalf("%d requests at once with a cap of one run", n)
	}
}

func TestSchedulerStopCancelsRunsAndRecordsThem(t *testing.T) {
	src, dir, r := gatedRunner(t)
	def := pagesDefNamed(t, dir, "pages", src.URL, "")
	s, done := newTestScheduler(t, r, []*Definition{def}, 1)
	id, err := s.Trigger("pages")
	if err != nil {
		t.Fatal(err)
	}
	src.waitArrived(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if !s.Stop(ctx) {
		t.Fatal("the run did not end within the grace period")
	}
	f := waitFinished(t, done)
	if f.m == nil || f.m.Outcome != OutcomeCancelled {
		t.Fatalf("run after Stop: %+v, %v", f.m, f.err)
	}
	var m Manifest
	if err := r.Store.LoadRun("pages", id, &m); err != nil || m.Outcome != OutcomeCancelled {
		t.Fatalf("stored outcome %q, %v", m.Outcome, err)
	}
	if _, err := s.Trigger("pages"); err == nil {
		t.Fatal("a run started after Stop")
	}
}

// TestSchedulerRunsOnScheduleWithoutOverlap ticks every second against a
// source that answers slower than that: runs follow each other, never
// overlap, and the late ticks are skipped.
func TestSchedulerRunsOnScheduleWithoutOverlap(t *testing.T) {
	var inFlight, maxSeen, requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		requests.Add(1)
		if n > maxSeen.Load() {
			maxSeen.Store(n)
		}
		time.Sleep(1500 * time.Millisecond)
		if r.URL.Query().Get("page") != "1" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `[{"id": "a", "nom": "lieu"}]`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	r := newTestRunner(t, filepath.Join(dir, "store"))
	r.ReplayDir, r.AllowLoopback = "", true
	def := pagesDefNamed(t, dir, "pages", srv.URL, "")
	def.Cron = cron.Every(time.Second)
	s, done := newTestScheduler(t, r, []*Definition{def}, 2)
	s.Start()
	var mu sync.Mutex
	var ends []finished
	for range 2 {
		f := waitFinished(t, done)
		mu.Lock()
		ends = append(ends, f)
		mu.Unlock()
	}
	s.Stop(context.Background())
	if maxSeen.Load() != 1 {
		t.Fatalf("%d requests at once: runs overlapped", maxSeen.Load())
	}
	if ends[0].m.RunID == ends[1].m.RunID || ends[1].m.Started.Before(ends[0].m.Finished) {
		t.Fatalf("second run started before the first ended: %v < %v", ends[1].m.Started, ends[0].m.Finished)
	}
}

func TestScheduleTimeZone(t *testing.T) {
	dir := t.TempDir()
	paris := pagesDefNamed(t, dir, "p", "http://127.0.0.1:1", `schedule: "45 4 * * 1"`)
	ny := pagesDefNamed(t, dir, "n", "http://127.0.0.1:1", "schedule: \"45 4 * * 1\"\ntimezone: America/New_York")
	// Friday 4 December 2026, 12:00 UTC. The next Monday is 7 December;
	// 4:45 in Paris (UTC+1 in winter) is 3:45 UTC; 4:45 in New York (UTC-5)
	// is 9:45 UTC.
	from := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	if got := paris.Cron.Next(from).UTC(); !got.Equal(time.Date(2026, 12, 7, 3, 45, 0, 0, time.UTC)) {
		t.Errorf("Paris: next = %v", got)
	}
	if got := ny.Cron.Next(from).UTC(); !got.Equal(time.Date(2026, 12, 7, 9, 45, 0, 0, time.UTC)) {
		t.Errorf("New York: next = %v", got)
	}
	l := &Loader{Registry: connectors.NewRegistry(pagesKind)}
	_, err := l.Load(fstest.MapFS{"x.yaml": {Data: []byte("id: x\ntitle: T\ndescription: D\npublisher: P\nlicence: etalab-2.0\nsource_licence: etalab-2.0\nsource: {kind: pages, url: http://x}\nschema: " + filepath.Join(dir, "pages.json") + "\ntimezone: Europe/Nantes\n")}}, "x.yaml")
	if err == nil || !strings.Contains(err.Error(), "x.yaml:9:11: timezone: fuseau horaire inconnu « Europe/Nantes » (écrire un nom IANA comme Europe/Paris)") {
		t.Fatalf("bad zone: %v", err)
	}
}

// TestMarkInterrupted: a run found "running" with its lock free was killed
// with its process, and is recorded as interrupted; one whose lock is held
// is still going and is left alone.
func TestMarkInterrupted(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	started := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	for _, p := range []string{"dead", "alive"} {
		if err := st.SaveRun(p, "r1", &Manifest{Pipeline: p, RunID: "r1", Started: started, Outcome: OutcomeRunning}); err != nil {
			t.Fatal(err)
		}
	}
	unlock, err := st.Lock("alive")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	now := started.Add(90 * time.Second)
	marked, err := MarkInterrupted(st, now, newTestRunner(t, st.Root).Logger)
	if err != nil || len(marked) != 1 || marked[0].Pipeline != "dead" {
		t.Fatalf("marked %+v, %v", marked, err)
	}
	var m Manifest
	if err := st.LoadRun("dead", "r1", &m); err != nil {
		t.Fatal(err)
	}
	if m.Outcome != OutcomeInterrupted || m.DurationMS != 90_000 || !m.Finished.Equal(now) {
		t.Fatalf("dead run: %+v", m)
	}
	if err := st.LoadRun("alive", "r1", &m); err != nil || m.Outcome != OutcomeRunning {
		t.Fatalf("alive run: %q, %v", m.Outcome, err)
	}
}

// OnFinish runs once the pipeline is free again: a steward who sees a run
// end (through OnFinish, which feeds the dashboard, alerts and tests) can
// start or approve the next one at once instead of meeting a 409.
func TestSchedulerOnFinishSeesThePipelineIdle(t *testing.T) {
	src, dir, r := gatedRunner(t)
	def := pagesDefNamed(t, dir, "pages", src.URL, "")
	type seen struct {
		state   PipelineState
		queued  int
		trigger error
	}
	got := make(chan seen, 2)
	var s *Scheduler
	s, err := NewScheduler(r, []*Definition{def}, r.Logger, SchedulerOptions{
		MaxConcurrent: 1,
		OnFinish: func(def *Definition, m *Manifest, err error) {
			v := seen{state: s.State()[0], queued: s.Queued()}
			if len(got) == 0 { // the first run starts the second from here
				_, v.trigger = s.Trigger(def.ID)
			}
			got <- v
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop(context.Background())
	if _, err := s.Trigger("pages"); err != nil {
		t.Fatal(err)
	}
	src.release <- struct{}{}
	first := <-got
	if first.state.RunID != "" || first.queued != 0 || first.trigger != nil {
		t.Fatalf("in OnFinish: active run %q, %d queued, trigger error %v; want idle and a new run accepted", first.state.RunID, first.queued, first.trigger)
	}
	src.release <- struct{}{} // the second run, which took the only slot
	if second := <-got; second.state.RunID != "" {
		t.Fatalf("second run still active in OnFinish: %q", second.state.RunID)
	}
}
