package pipelines

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/ligerdata/ligerdata/internal/store"
)

// staleTemp is the age after which a file directly under <store>/tmp (the
// layout before each pipeline had its own folder) is a dead run's.
const staleTemp = 24 * time.Hour

// runTempDir returns the folder of a pipeline's temporary files (spooled
// pages, bodies too large for memory): <store>/tmp/<pipeline>. The caller
// holds the pipeline's lock, so whatever the folder holds was left by a
// killed run of the same pipeline, and is removed. Files directly under
// <store>/tmp older than staleTemp are removed too; younger ones may be a
// live run's of an older binary and are left. Removal problems are logged:
// they never stop the run.
func runTempDir(root, pipeline string, now time.Time, log *slog.Logger) string {
	top := filepath.Join(root, "tmp")
	dir := filepath.Join(top, pipeline)
	var errs []error
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			log.Info("removing a temporary file left by a killed run", "file", e.Name())
			errs = append(errs, os.RemoveAll(filepath.Join(dir, e.Name())))
		}
	}
	if entries, err := os.ReadDir(top); err == nil {
		for _, e := range entries {
			info, err := e.Info()
			if e.IsDir() || err != nil || now.Sub(info.ModTime()) < staleTemp {
				continue
			}
			errs = append(errs, os.Remove(filepath.Join(top, e.Name())))
		}
	}
	if err := errors.Join(errs...); err != nil {
		log.Warn("removing temporary files left by killed runs", "error", err)
	}
	return dir
}

// sharedTempAge is the age after which a temporary file in a folder every
// pipeline writes (public/, udata/) is a dead process's.
const sharedTempAge = 10 * time.Minute

// removeLeftTemp removes the files a killed run left under a temporary
// name in the pipeline's folders (see store.CleanPipelineTemp); the caller
// holds the pipeline's lock. Problems are logged: they never stop the run.
func removeLeftTemp(st *store.Store, def *Definition, now time.Time, log *slog.Logger) {
	removed, err := st.CleanPipelineTemp(def.ID, def.Dataset, sharedTempAge, now)
	for _, p := range removed {
		log.Info("removed a temporary file left by a killed run", "file", p)
	}
	if err != nil {
		log.Warn("removing temporary files left by killed runs", "error", err)
	}
}
