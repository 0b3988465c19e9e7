package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// The catalogue is shared by every run of every pipeline, which may be in
// different processes (a daemon, `ligerdata run` started by hand, CronJobs):
//
//   - a lock file (catalogLockFile, flock) serialises across processes what
//     reads the published tree to rebuild the catalogue and what removes
//     releases from it (WriteCatalog, Prune), so that a catalogue is never
//     made from a half-pruned tree nor renamed over a newer one built from a
//     tree that already had another run's release;
//   - a run marks the catalogue stale (MarkCatalogStale) before switching a
//     release in; WriteCatalog clears the marks that existed when it read the
//     tree. A mark left by a run whose catalogue write failed, or that died
//     between its switch and its catalogue, makes the next run rewrite it
//     (CatalogStale), even when that run publishes nothing.
//
// Both files are hidden (dot files): the site never serves them.
const (
	catalogLockFile    = ".catalog.lock"
	catalogStalePrefix = ".catalog-stale-"
)

// catalogMu serialises the catalogue within a process (flock locks are per
// open file, so two goroutines need this as well).
var catalogMu sync.Mutex

// lockCatalog takes the catalogue lock of publicDir, in and across
// processes, and returns its release.
func lockCatalog(publicDir string) (func(), error) {
	catalogMu.Lock()
	if err := os.MkdirAll(publicDir, 0o755); err != nil {
		catalogMu.Unlock()
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(publicDir, catalogLockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		catalogMu.Unlock()
		return nil, fmt.Errorf("catalogue lock: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		catalogMu.Unlock()
		return nil, fmt.Errorf("catalogue lock: %w", err)
	}
	return func() {
		unlockFile(f)
		f.Close()
		catalogMu.Unlock()
	}, nil
}

// MarkCatalogStale records that the run runID is about to switch a release
// in, so that the catalogue must be rebuilt (see CatalogStale). The mark is
// on disk before the function returns.
func MarkCatalogStale(publicDir, runID string) error {
	if err := os.MkdirAll(publicDir, 0o755); err != nil {
		return fmt.Errorf("output: mark catalogue stale: %w", err)
	}
	f, err := os.Create(filepath.Join(publicDir, catalogStalePrefix+filepath.Base(runID)))
	if err == nil {
		err = f.Sync()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("output: mark catalogue stale: %w", err)
	}
	return syncDir(publicDir)
}

// UnmarkCatalogStale removes the mark of the run runID when it switched no
// release in after all (its rows were those of the previous release).
func UnmarkCatalogStale(publicDir, runID string) error {
	err := os.Remove(filepath.Join(publicDir, catalogStalePrefix+filepath.Base(runID)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("output: unmark catalogue stale: %w", err)
	}
	return nil
}

// CatalogStale reports whether a release was switched in since the
// catalogue was last written (a mark of MarkCatalogStale is left).
func CatalogStale(publicDir string) bool {
	return len(staleMarks(publicDir)) > 0
}

func staleMarks(publicDir string) []string {
	entries, err := os.ReadDir(publicDir)
	if err != nil {
		return nil
	}
	var marks []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), catalogStalePrefix) {
			marks = append(marks, filepath.Join(publicDir, e.Name()))
		}
	}
	return marks
}

// removeCatalogTemps removes the temporary files of a catalogue write that
// a killed process left in publicDir (".catalog.jsonld.tmp-…"); the caller
// holds the catalogue lock, so no live write owns them.
func removeCatalogTemps(publicDir string) {
	entries, _ := os.ReadDir(publicDir)
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, ".catalog") && strings.Contains(n, ".tmp-") && !e.IsDir() {
			_ = os.Remove(filepath.Join(publicDir, n))
		}
	}
}
