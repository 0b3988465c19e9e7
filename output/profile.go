package output

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/ligerdata/ligerdata/internal/colprofile"
	"github.com/ligerdata/ligerdata/internal/duck"
)

// FileProfile is the column profile of a release (colprofile.Profile):
// nulls, distinct values, minimum, maximum and frequent values of each
// column of data.parquet.
const FileProfile = colprofile.FileName

// profileLimits bound the DuckDB database that profiles a release: it
// spills to the system's temporary folder beyond its memory. 64 MiB keeps
// a run's peak memory flat (`ligerdata run` of 200k rows: 412 MB peak RSS
// with 256 MiB, 260 MB with 64 MiB; go run ./bench/runbench).
var profileLimits = duck.Limits{MemoryBytes: 64 << 20, Threads: 2, TempDir: os.TempDir()}

// writeProfile computes the profile of the staged data.parquet and writes
// it into the staging folder. A profile that cannot be computed is left
// out (ok false): it describes the data, it never holds a release back.
func (r *Release) writeProfile() (f File, ok bool, err error) {
	p, cerr := colprofile.Compute(context.Background(), filepath.Join(r.staging, FileParquet), profileLimits)
	if cerr != nil {
		return File{}, false, nil
	}
	b, err := marshalJSON(p)
	if err != nil {
		return File{}, false, err
	}
	if err := writeFileSync(filepath.Join(r.staging, FileProfile), b); err != nil {
		return File{}, false, err
	}
	return fileOf(FileProfile, MediaTypeJSON, b), true, nil
}

// SetSourceModified records when the source says its data last changed
// (DatasetMeta.SourceModified), known once the harvest is over; call it
// before Commit.
func (r *Release) SetSourceModified(t time.Time) {
	r.meta.SourceModified = t
}
