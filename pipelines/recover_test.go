package pipelines

import (
	"context"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
)

// TestInterruptedAfterTheSwitch: a run killed after its release was
// switched in, before its manifest was written, left a manifest saying
// "running" and no release. Marked interrupted, its manifest names the
// release being served.
func TestInterruptedAfterTheSwitch(t *testing.T) {
	r := newTestRunner(t, t.TempDir())
	def := embeddedDef(t, "lieux-mediation-numerique-pdl")
	m, err := r.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	// The manifest as the run saved it when it started.
	m.Outcome, m.Release, m.Files, m.Finished = OutcomeRunning, "", nil, time.Time{}
	if err := r.Store.SaveRun(def.ID, m.RunID, m); err != nil {
		t.Fatal(err)
	}
	marked, err := MarkInterrupted(r.Store, time.Now(), r.Logger)
	if err != nil || len(marked) != 1 {
		t.Fatalf("marked %+v, %v", marked, err)
	}
	latest, _ := output.Latest(r.Store.PublicDir(), def.Dataset)
	if got := marked[0]; got.Outcome != OutcomeInterrupted || got.Release != latest || got.Release != m.RunID || got.Error != switchedError {
		t.Errorf("manifest after marking: outcome %s, release %q (served %q), error %q", got.Outcome, got.Release, latest, got.Error)
	}
}

// TestRunMarksItsPipelinesKilledRuns: `ligerdata run` (no daemon) finds a
// run of its pipeline left "running" by a killed process and marks it
// interrupted; it had switched nothing in, so it names no release.
func TestRunMarksItsPipelinesKilledRuns(t *testing.T) {
	r := newTestRunner(t, t.TempDir())
	def := embeddedDef(t, "lieux-mediation-numerique-pdl")
	dead := &Manifest{Pipeline: def.ID, RunID: store.NewRunID(time.Now().Add(-time.Hour)), Dataset: def.Dataset, Outcome: OutcomeRunning, Started: time.Now().Add(-time.Hour)}
	if err := r.Store.SaveRun(def.ID, dead.RunID, dead); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Run(context.Background(), def); err != nil {
		t.Fatal(err)
	}
	var got Manifest
	if err := r.Store.LoadRun(def.ID, dead.RunID, &got); err != nil {
		t.Fatal(err)
	}
	if got.Outcome != OutcomeInterrupted || got.Release != "" || got.Error != interruptedError {
		t.Errorf("killed run after the next run: outcome %s, release %q, error %q", got.Outcome, got.Release, got.Error)
	}
}
