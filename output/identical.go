package output

import (
	"errors"
	"os"
	"path/filepath"
)

// ErrIdentical is returned by Commit when the release was created with
// SkipIdentical and its rows are those of the previous release: nothing is
// published, the staging folder is removed and Published names the
// previous release.
var ErrIdentical = errors.New("output: same rows as the previous release, nothing published")

// SkipIdentical makes Commit publish nothing when the release's rows and
// fields are those of the previous release (the one `latest` pointed to at
// NewRelease), in any order, even if the source's bytes changed: no new
// release folder, no changelog entry, no retention slot used. The previous
// release must have compared cleanly (changes.json without error) and hold
// the same data files (a new file kind, such as data.geojson, is a new
// release). Call it before Commit.
func (r *Release) SkipIdentical() { r.skipIdentical = true }

// identicalTo reports whether the changelog ch says the release repeats the
// previous one, and the release would write the same data files.
func (r *Release) identicalTo(ch *Changes, files []File) bool {
	if !r.skipIdentical || r.previous == "" || ch.Previous == nil || ch.Error != "" {
		return false
	}
	if ch.Rows.Added+ch.Rows.Removed+ch.Rows.Changed > 0 {
		return false
	}
	if s := ch.Schema; len(s.Added)+len(s.Removed)+len(s.Retyped) > 0 {
		return false
	}
	for _, f := range files {
		if _, err := os.Lstat(filepath.Join(r.datasetDir, r.previous, f.Name)); err != nil {
			return false
		}
	}
	if r.plan.geo == nil {
		// A release that stopped writing data.geojson is a new release.
		if _, err := os.Lstat(filepath.Join(r.datasetDir, r.previous, FileGeoJSON)); err == nil {
			return false
		}
	}
	return true
}

// dropIdentical removes the staging folder of a release found identical to
// the previous one and returns what Commit answers.
func (r *Release) dropIdentical() (Published, error) {
	r.closeFiles()
	r.state = stateAborted
	if err := os.RemoveAll(r.staging); err != nil {
		return Published{}, errors.Join(ErrIdentical, err)
	}
	return Published{Dataset: r.meta.ID, Release: r.previous, Dir: filepath.Join(r.datasetDir, r.previous), Rows: r.rows}, ErrIdentical
}
