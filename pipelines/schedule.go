package pipelines

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ligerdata/ligerdata/internal/store"
)

// ErrUnknownPipeline is returned by the scheduler for a pipeline id it does
// not know.
var ErrUnknownPipeline = errors.New("unknown pipeline")

// SchedulerOptions tunes the daemon. Zero values take the defaults.
type SchedulerOptions struct {
	// MaxConcurrent caps the runs going at once, all pipelines together;
	// the others wait in a queue. Default 2.
	MaxConcurrent int
	// RunTimeout bounds every run on top of its definition's own timeout
	// (the shorter wins); 0 keeps the definitions' timeouts.
	RunTimeout time.Duration
	// OnFinish is called after each run and approval with its manifest
	// (nil when the run could not start) and error, from the run's
	// goroutine, once the pipeline is free again (a run may be started or
	// approved from it). Alerts, metrics and indicators hang here.
	OnFinish func(def *Definition, m *Manifest, err error)
	// Now gives the time of run ids; default time.Now.
	Now func() time.Time
}

// Scheduler is the daemon's engine: it runs pipelines on their cron
// schedules (each in its definition's time zone) and on demand, never two
// runs of one pipeline at once (a tick that finds the pipeline still
// running or queued is skipped and logged; the store's lock also excludes
// other processes), at most MaxConcurrent runs at a time, and stops them
// cleanly: Stop cancels the running ones, which record themselves as
// "cancelled".
type Scheduler struct {
	runner *Runner
	cron   *cron.Cron
	log    *slog.Logger
	opts   SchedulerOptions
	defs   map[string]*Definition
	ctx    context.Context
	cancel context.CancelFunc
	sem    chan struct{}
	wg     sync.WaitGroup

	mu     sync.Mutex
	active map[string]*activeRun // by pipeline: queued or running
}

type activeRun struct {
	runID   string
	running bool // false while waiting for a slot
}

// PipelineState is what the scheduler knows of one pipeline right now.
type PipelineState struct {
	Def *Definition
	// Next is the next scheduled start (zero without a schedule).
	Next time.Time
	// RunID is the run queued or going, "" when idle; Running tells which.
	RunID   string
	Running bool
}

// NewScheduler registers every definition that has a schedule. Definitions
// without one can still be started with Trigger.
func NewScheduler(r *Runner, defs []*Definition, logger *slog.Logger, opts SchedulerOptions) (*Scheduler, error) {
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = 2
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Scheduler{
		runner: r, log: logger, opts: opts,
		defs:   map[string]*Definition{},
		sem:    make(chan struct{}, opts.MaxConcurrent),
		active: map[string]*activeRun{},
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.cron = cron.New(cron.WithLogger(cronLogger{logger}))
	for _, def := range defs {
		s.defs[def.ID] = def
		if def.Cron == nil {
			continue
		}
		def := def
		s.cron.Schedule(def.Cron, cron.FuncJob(func() {
			if _, err := s.Trigger(def.ID); err != nil {
				logger.Warn("scheduled run skipped", "pipeline", def.ID, "error", err)
			}
		}))
		logger.Info("pipeline scheduled", "pipeline", def.ID, "schedule", def.Schedule, "timezone", def.Timezone)
	}
	return s, nil
}

// Start starts the schedule in the background.
func (s *Scheduler) Start() { s.cron.Start() }

// Trigger queues a run of the pipeline now and returns its run id. It
// refuses (with an error matching store.ErrAlreadyRunning) a pipeline that
// is already queued or running, and fails after Stop.
func (s *Scheduler) Trigger(id string) (string, error) {
	def, ok := s.defs[id]
	if !ok {
		return "", fmt.Errorf("%w %q", ErrUnknownPipeline, id)
	}
	a, err := s.reserve(id)
	if err != nil {
		return "", err
	}
	go func() {
		defer s.wg.Done()
		m, err := s.inSlot(id, func(ctx context.Context) (*Manifest, error) {
			return s.runner.RunAs(ctx, def, a.runID)
		})
		s.finish(def, m, err)
	}()
	return a.runID, nil
}

// Approve publishes a blocked run's harvest (see Runner.Approve) in a slot
// of the scheduler, waiting for it; the pipeline may not be running.
func (s *Scheduler) Approve(id, runID, by, reason string) (*Manifest, error) {
	def, ok := s.defs[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownPipeline, id)
	}
	if _, err := s.reserve(id); err != nil {
		return nil, err
	}
	defer s.wg.Done()
	m, err := s.inSlot(id, func(ctx context.Context) (*Manifest, error) {
		return s.runner.Approve(ctx, def, runID, by, reason)
	})
	if m != nil {
		s.finish(def, m, err)
	}
	return m, err
}

// inSlot waits for a free slot for the reserved pipeline id, runs f in it
// and frees both the slot and the pipeline before returning, so that
// OnFinish, called afterwards, sees the pipeline idle: a steward (or a
// test) reacting to a finished run may start or approve the next one at
// once.
func (s *Scheduler) inSlot(id string, f func(context.Context) (*Manifest, error)) (*Manifest, error) {
	defer s.release(id)
	if !s.acquire(id) {
		return nil, context.Cause(s.ctx)
	}
	defer func() { <-s.sem }()
	ctx, cancel := s.runContext()
	defer cancel()
	return f(ctx)
}

// reserve marks the pipeline queued under a new run id and counts it in
// the wait group (under the lock Stop takes, so none is added after Stop).
func (s *Scheduler) reserve(id string) (*activeRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx.Err() != nil {
		return nil, errors.New("scheduler: stopping, no new run")
	}
	if a := s.active[id]; a != nil {
		return nil, fmt.Errorf("%w (run %s)", store.ErrAlreadyRunning, a.runID)
	}
	a := &activeRun{runID: store.NewRunID(s.opts.Now())}
	s.active[id] = a
	s.wg.Add(1)
	return a, nil
}

// acquire waits for a free slot; false when the scheduler stopped first.
func (s *Scheduler) acquire(id string) bool {
	select {
	case s.sem <- struct{}{}:
	case <-s.ctx.Done():
		return false
	}
	s.mu.Lock()
	s.active[id].running = true
	s.mu.Unlock()
	return true
}

func (s *Scheduler) release(id string) {
	s.mu.Lock()
	delete(s.active, id)
	s.mu.Unlock()
}

func (s *Scheduler) runContext() (context.Context, context.CancelFunc) {
	if s.opts.RunTimeout > 0 {
		return context.WithTimeout(s.ctx, s.opts.RunTimeout)
	}
	return context.WithCancel(s.ctx)
}

func (s *Scheduler) finish(def *Definition, m *Manifest, err error) {
	log := s.log.With("pipeline", def.ID)
	if m != nil {
		log = log.With("run", m.RunID)
	}
	switch {
	case err == nil:
	case errors.Is(err, ErrBlocked):
		log.Warn("run blocked", "error", err)
	default:
		log.Error("run failed", "error", err)
	}
	if s.opts.OnFinish != nil {
		s.opts.OnFinish(def, m, err)
	}
}

// Queued returns how many runs wait for a free slot.
func (s *Scheduler) Queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, a := range s.active {
		if !a.running {
			n++
		}
	}
	return n
}

// State returns every pipeline's state, sorted by id.
func (s *Scheduler) State() []PipelineState {
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]PipelineState, 0, len(s.defs))
	for id, def := range s.defs {
		st := PipelineState{Def: def}
		if def.Cron != nil {
			st.Next = def.Cron.Next(now)
		}
		if a := s.active[id]; a != nil {
			st.RunID, st.Running = a.runID, a.running
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Def.ID < out[j].Def.ID })
	return out
}

// Definition returns the definition of a pipeline the scheduler knows.
func (s *Scheduler) Definition(id string) (*Definition, bool) {
	def, ok := s.defs[id]
	return def, ok
}

// Stop stops scheduling, cancels the queued and running runs (they record
// themselves as "cancelled") and waits for them until ctx is done. It
// returns false when runs were still going at that point.
func (s *Scheduler) Stop(ctx context.Context) bool {
	s.mu.Lock()
	s.cancel()
	s.mu.Unlock()
	<-s.cron.Stop().Done()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// cronLogger adapts slog to cron's logger interface.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "error", err)...)
}
