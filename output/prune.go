package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Prune applies a retention policy to dataset: it keeps the keep most
// recent releases (release ids sort by time) and the release `latest`
// points to, and removes the others, oldest first, returning the removed
// ids. keep <= 0 keeps everything. Each release folder is first renamed to
// a hidden staging name (so that it disappears from the public tree at
// once, and a crash leaves only what CleanStaging removes), then deleted.
// The caller must be the only writer of the dataset.
func Prune(publicDir, dataset string, keep int) ([]string, error) {
	return CollectionDatasets.Prune(publicDir, dataset, keep)
}

func pruneIn(collDir, dataset string, keep int) ([]string, error) {
	if keep <= 0 {
		return nil, nil
	}
	rels, err := releasesIn(collDir, dataset)
	if err != nil {
		return nil, fmt.Errorf("output: prune: %w", err)
	}
	latest, err := latestIn(collDir, dataset)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("output: prune: %w", err)
	}
	dir := filepath.Join(collDir, dataset)
	var removed []string
	for _, rel := range rels[:max(0, len(rels)-keep)] {
		if rel == latest {
			continue
		}
		tmp := filepath.Join(dir, stagingPrefix+"pruned-"+rel)
		if err := os.Rename(filepath.Join(dir, rel), tmp); err != nil {
			return removed, fmt.Errorf("output: prune %s/%s: %w", dataset, rel, err)
		}
		removed = append(removed, rel)
		if err := os.RemoveAll(tmp); err != nil {
			return removed, fmt.Errorf("output: prune %s/%s: %w", dataset, rel, err)
		}
	}
	if len(removed) > 0 {
		if err := syncDir(dir); err != nil {
			return removed, err
		}
	}
	return removed, nil
}
