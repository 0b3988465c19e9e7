package pipelines

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestRunRemovesTempFilesOfKilledRuns plants what a run killed during its
// harvest leaves (a spooled page file and a body spooled to disk in its
// pipeline's temporary folder, and an old file of the former layout), then
// runs the pipeline: they are gone, and a fresh file of another run is not
// touched.
func TestRunRemovesTempFilesOfKilledRuns(t *testing.T) {
	root := t.TempDir()
	r := newTestRunner(t, root)
	def := embeddedDef(t, "lieux-mediation-numerique-pdl")
	top := filepath.Join(root, "tmp")
	own := filepath.Join(top, def.ID)
	if err := os.MkdirAll(own, 0o755); err != nil {
		t.Fatal(err)
	}
	left := []string{filepath.Join(own, "spool-123.jsonl"), filepath.Join(own, "body-456"), filepath.Join(top, "spool-789.jsonl")}
	live := filepath.Join(top, "body-live")
	for _, p := range append(left, live) {
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleTemp)
	if err := os.Chtimes(left[2], old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Run(context.Background(), def); err != nil {
		t.Fatal(err)
	}
	for _, p := range left {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s still there after the next run (%v)", p, err)
		}
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("a fresh file of another run was removed: %v", err)
	}
	entries, _ := os.ReadDir(own)
	if len(entries) != 0 {
		t.Errorf("the run left %d temporary files in %s", len(entries), own)
	}
}
