// Package store provides the local folder store of ligerdata: fetched raw
// bodies with their metadata, conditional-GET validators, run manifests,
// rejected-row files and the public folder, all under one root directory,
// plus an atomic file writer and an inter-process lock per pipeline.
//
// Layout under the root:
//
//	raw/<pipeline>/<run-id>/<NNNN>.body.zst  fetched body, zstd-compressed (.body.gz, gzip, in older runs)
//	raw/<pipeline>/<run-id>/<NNNN>.meta.json its RawMeta
//	raw/<pipeline>/validators.json           last validators per request key
//	runs/<pipeline>/<run-id>.json            run manifest
//	runs/<pipeline>/.lock                    lock file of a running pipeline
//	rejected/<dataset>/<run-id>.csv          rejected rows
//	public/                                  what reusers see
//
// Every file the store writes is written atomically (temporary file in the
// same folder, fsync, rename, fsync of the folder), so a crash never leaves a
// half-written file under its final name.
package store

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Folder names under the root.
const (
	rawDir      = "raw"
	runsDir     = "runs"
	rejectedDir = "rejected"
	publicDir   = "public"
)

// Store is the folder store rooted at Root. Its methods are safe for
// concurrent use as long as two goroutines do not write the same file.
type Store struct {
	// Root is the absolute path of the store's root folder.
	Root string
}

// Open returns the store rooted at root (made absolute), creating the root
// and its raw, runs, rejected and public subfolders when missing.
func Open(root string) (*Store, error) {
	if root == "" {
		return nil, errors.New("store: empty root")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("store: resolve root %s: %w", root, err)
	}
	for _, sub := range []string{rawDir, runsDir, rejectedDir, publicDir} {
		if err := os.MkdirAll(filepath.Join(abs, sub), 0o755); err != nil {
			return nil, fmt.Errorf("store: create %s: %w", sub, err)
		}
	}
	return &Store{Root: abs}, nil
}

// runIDLayout is the time part of a run id: UTC, to the second, so that run
// ids sort lexically in time order.
const runIDLayout = "20060102T150405Z"

// NewRunID returns a new run id such as "20261127T152100Z-1273": the UTC
// time of now to the second, a dash, the milliseconds as three digits and
// one random hexadecimal digit. Run ids sort lexically by time to the
// millisecond, so that runs of one pipeline (which never overlap) sort in
// the order they started; the random digit separates runs of different
// pipelines started in the same millisecond.
func NewRunID(now time.Time) string {
	var b [1]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	now = now.UTC()
	return fmt.Sprintf("%s-%03d%x", now.Format(runIDLayout), now.Nanosecond()/1e6, b[0]&0xf)
}

// PublicDir returns the folder that holds what reusers see.
func (s *Store) PublicDir() string {
	return filepath.Join(s.Root, publicDir)
}

// RejectedPath returns the path of the rejected-rows CSV of a dataset for a
// run, rejected/<dataset>/<run-id>.csv, creating its folder. The caller
// writes the file. Characters of dataset or runID that could leave the
// folder (path separators, a leading dot) are replaced by "_". When the folder
// cannot be created, the caller's own create of the file reports it.
func (s *Store) RejectedPath(dataset, runID string) string {
	dir := filepath.Join(s.Root, rejectedDir, sanitizeName(dataset))
	_ = os.MkdirAll(dir, 0o755)
	return filepath.Join(dir, sanitizeName(runID)+".csv")
}

// SaveRun writes the manifest of a run as indented JSON to
// runs/<pipeline>/<run-id>.json, atomically, replacing a previous one.
func (s *Store) SaveRun(pipeline, runID string, manifest any) error {
	if err := checkNames(pipeline, runID); err != nil {
		return fmt.Errorf("store: save run: %w", err)
	}
	data, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return fmt.Errorf("store: save run %s/%s: encode: %w", pipeline, runID, err)
	}
	data = append(data, '\n')
	dir := filepath.Join(s.Root, runsDir, pipeline)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("store: save run %s/%s: %w", pipeline, runID, err)
	}
	if err := WriteFileAtomic(filepath.Join(dir, runID+".json"), data, 0o644); err != nil {
		return fmt.Errorf("store: save run %s/%s: %w", pipeline, runID, err)
	}
	return nil
}

// ListRuns returns the ids of the saved runs of a pipeline, oldest first. A
// pipeline without runs gives an empty list and no error.
func (s *Store) ListRuns(pipeline string) ([]string, error) {
	if err := checkName(pipeline); err != nil {
		return nil, fmt.Errorf("store: list runs: %w", err)
	}
	entries, err := os.ReadDir(filepath.Join(s.Root, runsDir, pipeline))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: list runs of %s: %w", pipeline, err)
	}
	var ids []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".json") {
			continue
		}
		ids = append(ids, strings.TrimSuffix(name, ".json"))
	}
	sort.Strings(ids)
	return ids, nil
}

// LoadRun decodes the manifest of a run into into (a pointer). A missing run
// gives an error that matches fs.ErrNotExist.
func (s *Store) LoadRun(pipeline, runID string, into any) error {
	if err := checkNames(pipeline, runID); err != nil {
		return fmt.Errorf("store: load run: %w", err)
	}
	data, err := os.ReadFile(filepath.Join(s.Root, runsDir, pipeline, runID+".json"))
	if err != nil {
		return fmt.Errorf("store: load run %s/%s: %w", pipeline, runID, err)
	}
	if err := json.Unmarshal(data, into); err != nil {
		return fmt.Errorf("store: load run %s/%s: decode: %w", pipeline, runID, err)
	}
	return nil
}

// Pipelines returns, sorted, the names of the pipelines that have at least
// one saved run.
func (s *Store) Pipelines() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(s.Root, runsDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: list pipelines: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		runs, err := s.ListRuns(e.Name())
		if err != nil {
			return nil, err
		}
		if len(runs) > 0 {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// checkName reports whether name can be used as one path element of the
// store: not empty, not "." or "..", no leading dot, no path separator and
// no NUL byte.
func checkName(name string) error {
	switch {
	case name == "":
		return errors.New("empty name")
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("invalid name %q: leading dot", name)
	case strings.ContainsAny(name, `/\`+"\x00"):
		return fmt.Errorf("invalid name %q: path separator or NUL", name)
	}
	return nil
}

func checkNames(names ...string) error {
	for _, n := range names {
		if err := checkName(n); err != nil {
			return err
		}
	}
	return nil
}

// sanitizeName turns s into a valid name for checkName.
func sanitizeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '/', '\\', 0:
			return '_'
		}
		return r
	}, s)
	if s == "" || strings.HasPrefix(s, ".") {
		s = "_" + s
	}
	return s
}
