package pipelines

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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

// TestRunRemovesTempFilesInEveryFolder plants what a killed process leaves
// under temporary names in each folder a run writes: its manifests, raw
// bodies and validators, rejected rows, the catalogue and the push state.
// The next run removes them all, even young ones of the catalogue (written
// under the catalogue's lock), except a young file in the shared public/
// folder that is not the catalogue's (another process may be writing it).
func TestRunRemovesTempFilesInEveryFolder(t *testing.T) {
	root := t.TempDir()
	r := newTestRunner(t, root)
	def := embeddedDef(t, "lieux-mediation-numerique-pdl")
	old := time.Now().Add(-time.Hour)
	planted := map[string]bool{ // path → removed by the next run
		filepath.Join("runs", def.ID, ".20260101T000000Z-0001.json.tmp-123"):           true,
		filepath.Join("raw", def.ID, ".validators.json.tmp-456"):                       true,
		filepath.Join("raw", def.ID, "20260101T000000Z-0001", ".0001.meta.json.tmp-7"): true,
		filepath.Join("rejected", def.Dataset, ".20260101T000000Z-0001.csv.tmp-89"):    true,
		filepath.Join("public", ".catalog.jsonld.tmp-12"):                              true,
		filepath.Join("public", ".catalog.ttl.tmp-13"):                                 true,
		filepath.Join("public", ".autre.tmp-14"):                                       false,
		filepath.Join("public", ".ancien.tmp-15"):                                      true,
		filepath.Join("udata", ".state-16"):                                            true,
	}
	for rel := range planted {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
		if young := strings.Contains(rel, ".autre.") || strings.Contains(rel, ".catalog."); !young {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := r.Run(context.Background(), def); err != nil {
		t.Fatal(err)
	}
	for rel, removed := range planted {
		_, err := os.Stat(filepath.Join(root, rel))
		if gone := os.IsNotExist(err); gone != removed {
			t.Errorf("%s: removed %v, want %v", rel, gone, removed)
		}
	}
}
