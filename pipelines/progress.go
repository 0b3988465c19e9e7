package pipelines

import (
	"sync"
	"time"

	"github.com/ligerdata/ligerdata/internal/fetch"
)

// Progress is where a run stands, for a display on a terminal: its stage
// ("harvest" while pages come in, "publish" once the harvest is over), the
// pages of records normalised, the rows read and rejected so far and the
// bytes of response bodies received from the source, counted while each
// body downloads (a replayed body counts once it is read, a 304 counts
// nothing).
type Progress struct {
	Pipeline, RunID, Stage string
	Pages, Rows, Rejected  int
	Bytes                  int64
}

// Stages of a run's progress.
const (
	StageHarvest = "harvest"
	StagePublish = "publish"
)

// progressEvery spaces the reports made while a body downloads; the
// reports after a page and before publishing are always made.
const progressEvery = 200 * time.Millisecond

// progressMeter serialises a run's progress reports: the run's goroutine
// reports its pages, the HTTP client (from any goroutine) the bytes of the
// bodies as they come in. A nil meter reports nothing.
type progressMeter struct {
	mu   sync.Mutex
	hook func(Progress)
	p    Progress
	last time.Time // of the latest report
}

func newProgressMeter(hook func(Progress), pipeline, runID string) *progressMeter {
	if hook == nil {
		return nil
	}
	return &progressMeter{hook: hook, p: Progress{Pipeline: pipeline, RunID: runID, Stage: StageHarvest}}
}

// received counts n bytes of a body coming from the network, and reports
// when the latest report is older than progressEvery.
func (pm *progressMeter) received(n int64) {
	pm.mu.Lock()
	defer pm.mu.Unlock()
	pm.p.Bytes += n
	if now := time.Now(); now.Sub(pm.last) >= progressEvery {
		pm.last = now
		pm.hook(pm.p)
	}
}

// observed counts the body of a replayed response, which did not come
// from the network piece by piece.
func (pm *progressMeter) observed(resp *fetch.Response) {
	if pm == nil || !resp.Replayed {
		return
	}
	pm.mu.Lock()
	defer pm.mu.Unlock()
	pm.p.Bytes += resp.Size
}

// receivedHook is the HTTP client's Received option: nil without a meter.
func (pm *progressMeter) receivedHook() func(int64) {
	if pm == nil {
		return nil
	}
	return pm.received
}

// report calls the runner's Progress hook, if any, with the run's stage
// and counts.
func (s *runState) report(stage string) {
	pm := s.meter
	if pm == nil {
		return
	}
	pm.mu.Lock()
	defer pm.mu.Unlock()
	pm.p.Stage, pm.p.Pages, pm.p.Rows, pm.p.Rejected = stage, s.pages, s.q.Read, s.q.Rejected
	pm.last = time.Now()
	pm.hook(pm.p)
}
