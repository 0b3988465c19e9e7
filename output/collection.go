package output

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ligerdata/ligerdata/schemas"
)

// Collection is a top-level folder of the public tree holding one sort of
// publication: datasets (harvested by pipelines) or indicators (computed
// from datasets). Releases of both are built, switched, read, compared and
// pruned the same way; only the folder differs.
type Collection string

// The collections of the public tree.
const (
	CollectionDatasets   Collection = "datasets"
	CollectionIndicators Collection = "indicators"
)

// dir returns <public>/<collection>, datasets for the zero Collection.
func (c Collection) dir(publicDir string) string {
	if c == "" {
		c = CollectionDatasets
	}
	return filepath.Join(publicDir, string(c))
}

// Path is the URL path of the collection's folder in the public tree
// ("datasets" or "indicators").
func (c Collection) Path() string {
	if c == "" {
		return string(CollectionDatasets)
	}
	return string(c)
}

// ReleaseDir returns the folder of one release of a publication of c.
func (c Collection) ReleaseDir(publicDir, id, release string) (string, error) {
	if err := errors.Join(checkName(id), checkName(release)); err != nil {
		return "", fmt.Errorf("output: release %s/%s: %w", id, release, err)
	}
	return filepath.Join(c.dir(publicDir), id, release), nil
}

// Latest is Latest for a publication of collection c.
func (c Collection) Latest(publicDir, id string) (string, error) {
	return latestIn(c.dir(publicDir), id)
}

// Releases is Releases for a publication of collection c.
func (c Collection) Releases(publicDir, id string) ([]string, error) {
	return releasesIn(c.dir(publicDir), id)
}

// IDs returns the ids of the publications of c that have a latest
// release, sorted. A missing folder yields none and no error.
func (c Collection) IDs(publicDir string) ([]string, error) {
	return idsIn(c.dir(publicDir))
}

// ReadRows is ReadRows for a release of a publication of collection c.
func (c Collection) ReadRows(publicDir, id, release string, s *schemas.Schema, fn func(values []schemas.Value) error) error {
	dir, err := c.ReleaseDir(publicDir, id, release)
	if err != nil {
		return err
	}
	return readParquetRows(filepath.Join(dir, FileParquet), s, fn)
}

// ReadChanges is ReadChanges for a release of a publication of collection c.
func (c Collection) ReadChanges(publicDir, id, release string) (*Changes, error) {
	return readChangesIn(c.dir(publicDir), id, release)
}

// Prune is Prune for a publication of collection c.
//
// It holds the catalogue lock, so that no catalogue is built from a tree
// being pruned.
func (c Collection) Prune(publicDir, id string, keep int) ([]string, error) {
	unlock, err := lockCatalog(publicDir)
	if err != nil {
		return nil, fmt.Errorf("output: prune: %w", err)
	}
	defer unlock()
	return pruneIn(c.dir(publicDir), id, keep)
}

// ReleaseInfo is what a published release says of itself.
type ReleaseInfo struct {
	// Dir is the release folder.
	Dir string
	// Created is the creation time in its datapackage.json (zero when
	// unreadable).
	Created time.Time
	// SHA256 maps each file of the release to its sha256 (SHA256SUMS).
	SHA256 map[string]string
}

// Info reads the checksums and creation time of a release of a
// publication of collection c.
func (c Collection) Info(publicDir, id, release string) (*ReleaseInfo, error) {
	dir, err := c.ReleaseDir(publicDir, id, release)
	if err != nil {
		return nil, err
	}
	sums, err := os.ReadFile(filepath.Join(dir, FileSums))
	if err != nil {
		return nil, fmt.Errorf("output: release %s/%s: %w", id, release, err)
	}
	info := &ReleaseInfo{Dir: dir, SHA256: parseSums(sums)}
	var dp struct {
		Created string `json:"created"`
	}
	if raw, err := os.ReadFile(filepath.Join(dir, FileDataPackage)); err == nil && json.Unmarshal(raw, &dp) == nil {
		info.Created, _ = time.Parse(time.RFC3339, dp.Created)
	}
	return info, nil
}
