package pipelines

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ligerdata/ligerdata/internal/store"
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
	runs, err := st.ListRuns(pipeline)
	if err != nil {
		return nil, err
	}
	var marked []*Manifest
	for _, id := range runs {
		var m Manifest
		if err := st.LoadRun(pipeline, id, &m); err != nil || m.Outcome != OutcomeRunning {
			continue
		}
		m.Outcome, m.Error = OutcomeInterrupted, interruptedError
		m.Finished = now.UTC()
		m.DurationMS = m.Finished.Sub(m.Started).Milliseconds()
		if err := st.SaveRun(pipeline, id, &m); err != nil {
			return marked, fmt.Errorf("marking run %s/%s interrupted: %w", pipeline, id, err)
		}
		marked = append(marked, &m)
	}
	return marked, nil
}
