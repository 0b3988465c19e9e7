package pipelines

// Progress is where a run stands, for a display on a terminal: its stage
// ("harvest" while pages come in, "publish" once the harvest is over), the
// pages of records normalised, the rows read and rejected so far and the
// bytes received from the source.
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

// bytes sums the bodies received so far.
func (h *harvestLog) bytes() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	var n int64
	for _, f := range h.m.Fetches {
		n += int64(f.Bytes)
	}
	return n
}

// report calls the runner's Progress hook, if any.
func (s *runState) report(stage string) {
	if s.progress == nil {
		return
	}
	p := Progress{Pipeline: s.def.ID, RunID: s.m.RunID, Stage: stage, Pages: s.pages, Rows: s.q.Read, Rejected: s.q.Rejected}
	if s.hl != nil {
		p.Bytes = s.hl.bytes()
	}
	s.progress(p)
}
