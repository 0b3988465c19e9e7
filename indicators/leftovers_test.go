package indicators

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// A computation removes the manifest written half-way by a killed one of
// the same indicator (a temporary name in runs/indicator-<id>).
func TestComputeRemovesTempFilesOfKilledComputations(t *testing.T) {
	e, defs := testEngine(t)
	def := byID(defs, "lieux-par-departement")
	dir := filepath.Join(e.Store.Root, "runs", RunKey(def.ID))
	left := filepath.Join(dir, ".20261201T000000Z-0001.json.tmp-42")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(left, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Compute(context.Background(), def); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Errorf("%s still there after the next computation (%v)", left, err)
	}
}
