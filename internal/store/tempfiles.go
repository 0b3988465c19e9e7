package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// IsTempName reports whether name is one of the temporary names the program
// writes before renaming a file into place: ".<name>.tmp-<random>" (atomic
// writes of the store, the catalogue, rejected rows, raw bodies),
// "<name>.tmp-<pid>" (attendance submissions), "<name>.tmp" (attendance
// lists, the latest link being switched) and ".state-<random>" (portal
// push state). A file with such a name that stays is a killed process's.
func IsTempName(name string) bool {
	return strings.Contains(name, ".tmp-") || strings.HasSuffix(name, ".tmp") || strings.HasPrefix(name, ".state-")
}

// RemoveTemp removes the files with a temporary name (see IsTempName) in
// dir and, down to depth levels, in its subfolders, when they were last
// modified more than minAge before now (every one with minAge 0: the
// caller knows no live process writes there). It returns the paths
// removed; a missing dir is not an error.
func RemoveTemp(dir string, depth int, minAge time.Duration, now time.Time) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			if depth > 0 {
				sub, err := RemoveTemp(p, depth-1, minAge, now)
				removed, errs = append(removed, sub...), append(errs, err)
			}
			continue
		}
		if !IsTempName(e.Name()) {
			continue
		}
		if info, err := e.Info(); err != nil || (minAge > 0 && now.Sub(info.ModTime()) < minAge) {
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, p)
	}
	return removed, errors.Join(errs...)
}

// CleanPipelineTemp removes what killed runs of a pipeline left under
// temporary names in its own folders — runs/<pipeline>, raw/<pipeline>
// and its run folders, rejected/<dataset> — whatever their age: the caller
// holds the pipeline's lock. In the shared folders written by every
// pipeline — public/ (the catalogue) and udata/ (push state) — only files
// older than sharedAge are removed, so as not to take a live write of
// another process. An empty dataset (an indicator's computation, which
// writes no rejected rows) skips rejected/.
func (s *Store) CleanPipelineTemp(pipeline, dataset string, sharedAge time.Duration, now time.Time) ([]string, error) {
	var removed []string
	var errs []error
	for _, d := range []struct {
		dir   string
		depth int
		age   time.Duration
	}{
		{filepath.Join(s.Root, runsDir, pipeline), 0, 0},
		{filepath.Join(s.Root, rawDir, pipeline), 1, 0},
		{filepath.Join(s.Root, rejectedDir, sanitizeName(dataset)), 0, 0},
		{filepath.Join(s.Root, publicDir), 0, sharedAge},
		{filepath.Join(s.Root, "udata"), 1, sharedAge},
	} {
		if dataset == "" && strings.HasPrefix(d.dir, filepath.Join(s.Root, rejectedDir)) {
			continue
		}
		r, err := RemoveTemp(d.dir, d.depth, d.age, now)
		removed, errs = append(removed, r...), append(errs, err)
	}
	return removed, errors.Join(errs...)
}
