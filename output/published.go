package output

// This file lists what the published tree holds: datasets and their releases.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// checkName accepts a dataset or release id usable as one path segment
// that is served: not empty, no separator, not hidden, not "latest".
func checkName(s string) error {
	switch {
	case s == "":
		return errors.New("empty")
	case s == latestLink || s == "." || s == "..":
		return fmt.Errorf("%q is reserved", s)
	case strings.HasPrefix(s, "."):
		return fmt.Errorf("%q starts with a dot", s)
	case strings.ContainsAny(s, `/\`+"\x00"):
		return fmt.Errorf("%q contains a path separator", s)
	}
	return nil
}

// Latest returns the release id that <public>/datasets/<dataset>/latest
// points to. The error wraps fs.ErrNotExist when the dataset has no
// published release.
func Latest(publicDir, dataset string) (string, error) {
	return CollectionDatasets.Latest(publicDir, dataset)
}

func latestIn(collDir, dataset string) (string, error) {
	if err := checkName(dataset); err != nil {
		return "", fmt.Errorf("output: latest of %q: %w (%w)", dataset, err, fs.ErrNotExist)
	}
	target, err := os.Readlink(filepath.Join(collDir, dataset, latestLink))
	if err != nil {
		return "", fmt.Errorf("output: latest of %s: %w", dataset, err)
	}
	id := filepath.Base(target)
	if checkName(id) != nil || filepath.Dir(target) != "." {
		return "", fmt.Errorf("output: latest of %s: unexpected target %q", dataset, target)
	}
	return id, nil
}

// Releases returns the published release ids of dataset, oldest first
// (release ids sort by time). Staging and hidden folders are excluded. The
// error wraps fs.ErrNotExist when the dataset does not exist.
func Releases(publicDir, dataset string) ([]string, error) {
	return CollectionDatasets.Releases(publicDir, dataset)
}

func releasesIn(collDir, dataset string) ([]string, error) {
	if err := checkName(dataset); err != nil {
		return nil, fmt.Errorf("output: releases of %q: %w (%w)", dataset, err, fs.ErrNotExist)
	}
	entries, err := os.ReadDir(filepath.Join(collDir, dataset))
	if err != nil {
		return nil, fmt.Errorf("output: releases of %s: %w", dataset, err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() || checkName(e.Name()) != nil {
			continue
		}
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out, nil
}

// Datasets returns the ids of the datasets that have a latest release,
// sorted. A missing public tree yields no datasets and no error.
func Datasets(publicDir string) ([]string, error) {
	return CollectionDatasets.IDs(publicDir)
}

func idsIn(collDir string) ([]string, error) {
	entries, err := os.ReadDir(collDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("output: list datasets: %w", err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() || checkName(e.Name()) != nil {
			continue
		}
		if _, err := latestIn(collDir, e.Name()); err != nil {
			continue
		}
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out, nil
}
