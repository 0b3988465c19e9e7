package indicators

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ligerdata/ligerdata/output"
)

// FileProvenance is the name of the provenance file of an indicator release.
const FileProvenance = "provenance.json"

// Provenance is provenance.json, published in every indicator release: the
// definition and the exact query, the input releases and their checksums,
// and how and when the figures were computed. It is what the page
// /indicateurs/<id> shows.
type Provenance struct {
	Indicator  string `json:"indicator"`
	Release    string `json:"release"`
	Title      string `json:"title"`
	Theme      string `json:"theme"`
	Unit       string `json:"unit"`
	Definition string `json:"definition"`
	Method     string `json:"method"`
	Period     string `json:"period,omitempty"`
	// SQL is the query as run; SQLSHA256 its sha256.
	SQL       string `json:"sql"`
	SQLSHA256 string `json:"sql_sha256"`
	// Prelude is the SQL prelude (the engine's macros) the query ran
	// after; PreludeSHA256 its sha256.
	Prelude       string `json:"prelude,omitempty"`
	PreludeSHA256 string `json:"prelude_sha256,omitempty"`
	// DefinitionSHA256 is the sha256 of the YAML and SQL files and the
	// prelude together
	// (Definition.Digest): the same value means the same indicator.
	DefinitionSHA256 string `json:"definition_sha256"`
	// Inputs are the dataset releases read; References the reference
	// tables (with their vintage when they declare one).
	Inputs     []InputRelease `json:"inputs"`
	References []InputRelease `json:"references"`
	// InputsSHA256 sums the definition digest and every input's data.parquet
	// sha256: the next run recomputes only when it differs.
	InputsSHA256  string        `json:"inputs_sha256"`
	ComputedAt    time.Time     `json:"computed_at"`
	Duration      time.Duration `json:"duration_ns"`
	DuckDBVersion string        `json:"duckdb_version"`
	Rows          int           `json:"rows"`
}

// InputRelease is one input release of a computation.
type InputRelease struct {
	Dataset string `json:"dataset"`
	Release string `json:"release"`
	// Published is the creation time of the release (its datapackage.json).
	Published time.Time `json:"published"`
	// File is the file read (data.parquet) and SHA256 its sha256.
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	// URL is the path of that exact file on the site:
	// /datasets/<dataset>/<release>/data.parquet.
	URL string `json:"url"`
	// Indicator is set when the input is the release of another indicator
	// (URL then is /indicators/<id>/<release>/data.parquet).
	Indicator bool `json:"indicator,omitempty"`
	// Vintage is the year of the reference data (population_annee), when
	// a reference table says it.
	Vintage string `json:"vintage,omitempty"`
}

// ReadProvenance reads provenance.json of one release of indicator id
// ("latest" is accepted for the current release).
func ReadProvenance(publicDir, id, release string) (*Provenance, error) {
	if release == "latest" {
		rel, err := output.CollectionIndicators.Latest(publicDir, id)
		if err != nil {
			return nil, fmt.Errorf("indicators: provenance of %s: %w", id, err)
		}
		release = rel
	}
	dir, err := output.CollectionIndicators.ReleaseDir(publicDir, id, release)
	if err != nil {
		return nil, fmt.Errorf("indicators: provenance: %w", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, FileProvenance))
	if err != nil {
		return nil, fmt.Errorf("indicators: provenance of %s/%s: %w", id, release, err)
	}
	var p Provenance
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("indicators: provenance of %s/%s: %w", id, release, err)
	}
	return &p, nil
}
