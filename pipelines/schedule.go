package pipelines

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// Scheduler runs pipelines on their cron schedules, in the Europe/Paris
// time zone. A run that is still going when its next time comes is not
// started twice: the late tick is skipped and logged.
type Scheduler struct {
	runner *Runner
	cron   *cron.Cron
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
}

// NewScheduler registers every definition that has a schedule.
func NewScheduler(r *Runner, defs []*Definition, logger *slog.Logger) (*Scheduler, error) {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	s := &Scheduler{runner: r, log: logger}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.cron = cron.New(cron.WithLocation(loc), cron.WithChain(cron.SkipIfStillRunning(cronLogger{logger})))
	for _, def := range defs {
		if def.Schedule == "" {
			continue
		}
		def := def
		if _, err := s.cron.AddFunc(def.Schedule, func() { s.runOne(def) }); err != nil {
			return nil, fmt.Errorf("scheduler: %s: %w", def.ID, err)
		}
		logger.Info("pipeline scheduled", "pipeline", def.ID, "schedule", def.Schedule)
	}
	return s, nil
}

func (s *Scheduler) runOne(def *Definition) {
	_, err := s.runner.Run(s.ctx, def)
	switch {
	case err == nil:
	case errors.Is(err, ErrBlocked):
		s.log.Warn("scheduled run blocked", "pipeline", def.ID, "error", err)
	default:
		s.log.Error("scheduled run failed", "pipeline", def.ID, "error", err)
	}
}

// Start starts the schedule in the background.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops scheduling, cancels running pipelines and waits for them
// until ctx is done.
func (s *Scheduler) Stop(ctx context.Context) {
	done := s.cron.Stop()
	s.cancel()
	select {
	case <-done.Done():
	case <-ctx.Done():
	}
}

// Next returns the next run time of each scheduled pipeline.
func (s *Scheduler) Next() []time.Time {
	var out []time.Time
	for _, e := range s.cron.Entries() {
		out = append(out, e.Next)
	}
	return out
}

// cronLogger adapts slog to cron's logger interface.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "error", err)...)
}
