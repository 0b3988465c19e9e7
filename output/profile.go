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
// spills to the system's temporary folder beyond its memory. The profile
// groups one column at a time (colprofile.Compute); 256 MiB is what the
// unique text columns of 1M rows of the national places schema need
// (64 MiB runs out of memory there).
var profileLimits = duck.Limits{MemoryBytes: 256 << 20, Threads: 2, TempDir: os.TempDir()}

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
