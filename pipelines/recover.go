package pipelines

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
)

// interruptedError is the message of a run found "running" with no process
// holding its lock: the daemon (or `ligerdata run`) died during the run.
const interruptedError = "le processus s'est arrêté pendant cette exécution (arrêt brutal ou panne) ; la publication précédente est restée en ligne"

// MarkInterrupted finds the runs whose manifest still says "running" while
// their pipeline's lock is free — runs killed with their process — and
// records them as "interrupted", with now as their end. A run whose lock is
// held (running in another process) is left alone. It returns the manifests
// it changed; problems with one pipeline are joined and the others still
// processed.
func MarkInterrupted(st *store.Store, now time.Time, log *slog.Logger) ([]*Manifest, error) {
	pipelines, err := st.Pipelines()
	if err != nil {
		return nil, err
	}
	var marked []*Manifest
	var errs []error
	for _, p := range pipelines {
		ms, err := markPipeline(st, p, now)
		marked = append(marked, ms...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	for _, m := range marked {
		log.Warn("run marked interrupted", "pipeline", m.Pipeline, "run", m.RunID)
	}
	return marked, errors.Join(errs...)
}

func markPipeline(st *store.Store, pipeline string, now time.Time) ([]*Manifest, error) {
	unlock, err := st.Lock(pipeline)
	if errors.Is(err, store.ErrAlreadyRunning) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer unlock()
	return markRuns(st, pipeline, "", now)
}

// switchedError is the message of an interrupted run whose release had
// been switched in: it is the one served.
const switchedError = "le processus s'est arrêté juste après la mise en ligne de cette publication, avant la fin de l'exécution (arrêt brutal ou panne) ; la publication est en ligne et complète"

// markRuns marks interrupted the runs of pipeline still "running", but
// skip; the caller holds the pipeline's lock. A run whose release is the
// one latest points to (it died after the switch, before its manifest was
// written) gets that release in its manifest, so that the manifest always
// names the release being served.
func markRuns(st *store.Store, pipeline, skip string, now time.Time) ([]*Manifest, error) {
	runs, err := st.ListRuns(pipeline)
	if err != nil {
		return nil, err
	}
	var marked []*Manifest
	for _, id := range runs {
		var m Manifest
		if id == skip {
			continue
		}
		if err := st.LoadRun(pipeline, id, &m); err != nil || m.Outcome != OutcomeRunning {
			continue
		}
		m.Outcome, m.Error = OutcomeInterrupted, interruptedError
		if m.Dataset != "" {
			if latest, err := output.Latest(st.PublicDir(), m.Dataset); err == nil && latest == m.RunID {
				m.Release, m.Error = latest, switchedError
			}
		}
		m.Finished = now.UTC()
		m.DurationMS = m.Finished.Sub(m.Started).Milliseconds()
		if err := st.SaveRun(pipeline, id, &m); err != nil {
			return marked, fmt.Errorf("marking run %s/%s interrupted: %w", pipeline, id, err)
		}
		marked = append(marked, &m)
	}
	return marked, nil
}

// markOwnInterrupted marks the runs of the pipeline left "running" by a
// killed process, at the start of run runID, which holds the lock. A
// problem is logged: it never stops the run.
func (r *Runner) markOwnInterrupted(pipeline, runID string, log *slog.Logger) {
	marked, err := markRuns(r.Store, pipeline, runID, r.now())
	for _, m := range marked {
		log.Warn("run marked interrupted", "interrupted", m.RunID, "release", m.Release)
	}
	if err != nil {
		log.Warn("marking interrupted runs", "error", err)
	}
}
