package pipelines

import (
	"context"
	"errors"
	"sync"

	"github.com/ligerdata/ligerdata/indicators"
)

// Indicators computes, after pipeline runs, the indicators that read the
// datasets they publish. Computations run one at a time.
type Indicators struct {
	Engine *indicators.Engine
	Defs   []*indicators.Definition
	mu     sync.Mutex
}

// After computes the indicators that read at least one of datasets and
// whose inputs all have a published release (the others are left for a
// later run). An indicator whose inputs did not change is recorded as
// unchanged and nothing is rewritten. The error joins the failed
// computations (indicators.ErrAuditFailed, wrapped, for blocked ones).
func (ix *Indicators) After(ctx context.Context, datasets []string) ([]*indicators.RunManifest, error) {
	if ix == nil {
		return nil, nil
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	public := ix.Engine.Store.PublicDir()
	var ready []*indicators.Definition
	deps := indicators.Dependents(ix.Defs, datasets)
	for _, def := range deps {
		if missing := indicators.Waiting(public, def, deps); len(missing) > 0 {
			if ix.Engine.Logger != nil {
				ix.Engine.Logger.Info("indicator waits for its inputs", "indicator", def.ID, "unpublished", missing)
			}
			continue
		}
		ready = append(ready, def)
	}
	return ix.Engine.ComputeAll(ctx, ready)
}

// OnFinish is a SchedulerOptions.OnFinish: after a run that published a
// release, it computes the indicators that read its dataset.
func (ix *Indicators) OnFinish(def *Definition, m *Manifest, _ error) {
	if ix == nil || m == nil || m.Outcome != OutcomePublished {
		return
	}
	_, err := ix.After(context.Background(), []string{def.Dataset})
	log := ix.Engine.Logger
	switch {
	case err == nil || log == nil:
	case errors.Is(err, indicators.ErrAuditFailed):
		log.Warn("indicator blocked by an audit", "pipeline", def.ID, "error", err)
	default:
		log.Error("indicators failed", "pipeline", def.ID, "error", err)
	}
}
