package output

// This file removes the staging folders that crashed or interrupted runs left.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// CleanStaging removes the leftover .staging-* folders (and temporary
// `latest` links) of crashed runs that have not been modified for an hour
// (the folder and its files), so that a run in progress is left alone.
// Call it at run start.
func CleanStaging(publicDir string) error {
	return CleanStagingOlderThan(publicDir, time.Hour)
}

// CleanStagingOlderThan is CleanStaging with a chosen minimum age; 0
// removes every staging folder (only when no run is in progress).
func CleanStagingOlderThan(publicDir string, age time.Duration) error {
	cutoff := time.Now().Add(-age)
	var errs []error
	for _, c := range []Collection{CollectionDatasets, CollectionIndicators} {
		root := c.dir(publicDir)
		dsets, err := os.ReadDir(root)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("output: clean staging: %w", err)
		}
		for _, d := range dsets {
			if !d.IsDir() {
				continue
			}
			if err := cleanDataset(filepath.Join(root, d.Name()), age, cutoff); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// CleanDatasetStaging removes every leftover staging folder of one
// dataset, whatever its age. The caller must be the only writer of that
// dataset (it holds the run lock of the pipeline that publishes it).
func CleanDatasetStaging(publicDir, dataset string) error {
	return CollectionDatasets.CleanStaging(publicDir, dataset)
}

// CleanStaging is CleanDatasetStaging for a publication of collection c.
func (c Collection) CleanStaging(publicDir, id string) error {
	if err := checkName(id); err != nil {
		return err
	}
	return cleanDataset(filepath.Join(c.dir(publicDir), id), 0, time.Now())
}

func cleanDataset(dir string, age time.Duration, cutoff time.Time) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("output: clean staging: %w", err)
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		isTmpLink := strings.HasPrefix(name, ".latest-") && strings.HasSuffix(name, ".tmp")
		if !strings.HasPrefix(name, stagingPrefix) && !isTmpLink {
			continue
		}
		if age > 0 && newestModTime(filepath.Join(dir, name)).After(cutoff) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			errs = append(errs, fmt.Errorf("output: clean staging: %w", err))
		}
	}
	return errors.Join(errs...)
}

// newestModTime returns the latest modification time of path and, for a
// folder, of its entries: the data files of a long run keep changing while
// the folder's own time stays that of their creation.
func newestModTime(path string) time.Time {
	info, err := os.Lstat(path)
	if err != nil {
		return time.Time{}
	}
	newest := info.ModTime()
	if !info.IsDir() {
		return newest
	}
	entries, _ := os.ReadDir(path)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && fi.ModTime().After(newest) {
			newest = fi.ModTime()
		}
	}
	return newest
}
