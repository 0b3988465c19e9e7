package pipelines

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ligerdata/ligerdata/internal/store"
)

// Approval records a steward's decision to publish a release that a gate
// had blocked.
type Approval struct {
	Run    string    `json:"run"` // the blocked run whose harvest was published
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
	// Gates lists the gates that had blocked it.
	Gates []GateResult `json:"gates"`
}

// ErrNotBlocked is returned by Approve for a run that was not blocked.
var ErrNotBlocked = errors.New("run was not blocked by a gate")

// Approve publishes the harvest of a blocked run as it was fetched: the
// bodies kept in the raw store are replayed (no network), normalised with
// the same definition, and published whatever the gates say. The new run's
// manifest carries the approval; the blocked run's manifest names the run
// that released it. A definition changed since the blocked run is refused:
// the steward would not be approving what they saw.
func (r *Runner) Approve(ctx context.Context, def *Definition, runID, by, reason string) (*Manifest, error) {
	var blocked Manifest
	if err := r.Store.LoadRun(def.ID, runID, &blocked); err != nil {
		return nil, fmt.Errorf("approve %s %s: %w", def.ID, runID, err)
	}
	if blocked.Outcome != OutcomeBlocked {
		return nil, fmt.Errorf("approve %s %s: %w (outcome %s)", def.ID, runID, ErrNotBlocked, blocked.Outcome)
	}
	if blocked.ApprovedBy != "" {
		return nil, fmt.Errorf("approve %s %s: already approved by run %s", def.ID, runID, blocked.ApprovedBy)
	}
	if blocked.Definition != def.Digest {
		return nil, fmt.Errorf("approve %s %s: the pipeline definition or its schema changed since that run; run it again instead", def.ID, runID)
	}
	if strings.TrimSpace(by) == "" {
		return nil, errors.New("approve: say who approves (--by)")
	}
	replay, err := os.MkdirTemp(r.Store.Root, "tmp-approve-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(replay)
	if err := r.exportRaw(def.ID, runID, replay); err != nil {
		return nil, fmt.Errorf("approve %s %s: %w", def.ID, runID, err)
	}
	var failed []GateResult
	for _, g := range blocked.Gates {
		if !g.Passed {
			failed = append(failed, g)
		}
	}
	approver := *r
	approver.ReplayDir, approver.RecordDir, approver.Full = replay, "", true
	approver.approval = &Approval{Run: runID, By: by, At: r.now(), Reason: reason, Gates: failed}
	m, err := approver.Run(ctx, def)
	if err != nil {
		return m, err
	}
	blocked.ApprovedBy = m.RunID
	if err := r.Store.SaveRun(def.ID, runID, &blocked); err != nil {
		return m, fmt.Errorf("recording the approval on run %s: %w", runID, err)
	}
	return m, nil
}

// exportRaw writes the responses a run kept in the raw store as a replay
// folder. A 304 answer has no body of its own: the body comes from the run
// that last fetched it.
func (r *Runner) exportRaw(pipeline, runID, dir string) error {
	metas, err := r.Store.ListRaw(pipeline, runID)
	if err != nil {
		return err
	}
	if len(metas) == 0 {
		return fmt.Errorf("the raw store has no response of run %s", runID)
	}
	for _, meta := range metas {
		body, err := r.rawBody(pipeline, runID, meta)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("%04d", meta.Seq)
		status := meta.Status
		if status == 304 {
			status = 200
		}
		rec := map[string]any{
			"method": meta.Method, "url": meta.URL, "status": status, "headers": meta.Header,
			"body_file": name + ".body", "request_body_sha256": meta.RequestSHA256,
		}
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name+".json"), b, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name+".body"), body, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (r *Runner) rawBody(pipeline, runID string, meta store.RawMeta) ([]byte, error) {
	if meta.Status != 304 {
		return readRaw(r.Store, pipeline, runID, meta.Seq)
	}
	runs, err := r.Store.ListRuns(pipeline)
	if err != nil {
		return nil, err
	}
	for i := len(runs) - 1; i >= 0; i-- {
		if runs[i] >= runID {
			continue
		}
		older, err := r.Store.ListRaw(pipeline, runs[i])
		if err != nil {
			continue
		}
		for _, o := range older {
			if o.Method == meta.Method && o.URL == meta.URL && o.RequestSHA256 == meta.RequestSHA256 && o.Status != 304 && o.SHA256 == meta.SHA256 {
				return readRaw(r.Store, pipeline, runs[i], o.Seq)
			}
		}
	}
	return nil, fmt.Errorf("no body kept for %s %s (answered 304 in run %s)", meta.Method, meta.URL, runID)
}

func readRaw(st *store.Store, pipeline, runID string, seq int) ([]byte, error) {
	rc, err := st.OpenRaw(pipeline, runID, seq)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}
