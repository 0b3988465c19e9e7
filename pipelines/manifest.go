package pipelines

import (
	"time"

	"github.com/ligerdata/ligerdata/output"
)

// Manifest is the record of one run, kept in the store under
// runs/<pipeline>/<run-id>.json.
type Manifest struct {
	Pipeline   string          `json:"pipeline"`
	RunID      string          `json:"run_id"`
	Dataset    string          `json:"dataset"`
	Started    time.Time       `json:"started"`
	Finished   time.Time       `json:"finished"`
	DurationMS int64           `json:"duration_ms"`
	Outcome    string          `json:"outcome"`
	Error      string          `json:"error,omitempty"`
	Definition string          `json:"definition_sha256"`
	Source     ManifestSource  `json:"source"`
	Fetches    []ManifestFetch `json:"fetches"`
	Read       int             `json:"read"`
	Accepted   int             `json:"accepted"`
	Rejected   int             `json:"rejected"`
	ErrorsBy   map[string]int  `json:"errors_by_code"`
	// Warned counts accepted rows with warnings (release file warnings.csv).
	Warned     int            `json:"warned,omitempty"`
	WarningsBy map[string]int `json:"warnings_by_code,omitempty"`
	// Log is the run's log at Info and above (the first maxRunLog lines;
	// LogDropped counts the others), for the run's page.
	Log        []LogLine     `json:"log,omitempty"`
	LogDropped int           `json:"log_dropped,omitempty"`
	Communes   *communeStats `json:"communes,omitempty"`
	Gates      []GateResult  `json:"gates"`
	Release    string        `json:"release,omitempty"`
	Files      []output.File `json:"files,omitempty"`
	Rejects    string        `json:"rejected_file,omitempty"`
	// Since and Watermark are the high-water marks of an incremental run:
	// the one it harvested after, and the one the next run will use. Kept
	// counts the rows carried over from the previous release.
	Since     string `json:"since,omitempty"`
	Watermark string `json:"watermark,omitempty"`
	Kept      int    `json:"kept,omitempty"`
	// LocalDigest is the digest of the inputs a connectors.Local source
	// read besides HTTP (an embedded table, a file on disk).
	LocalDigest string `json:"local_digest,omitempty"`
	// SourceFields lists the source fields read by the mappings that at
	// least one record carried (see the gate source_fields).
	SourceFields []string `json:"source_fields,omitempty"`
	// CatalogError says why the catalogue could not be rewritten after the
	// release was published.
	CatalogError string `json:"catalog_error,omitempty"`
	// Push says what was sent to the portal after publication.
	Push *PushResult `json:"push,omitempty"`
	// PushODS is the push to an OpenDataSoft portal (push.opendatasoft).
	PushODS *PushResult `json:"push_opendatasoft,omitempty"`
	// Pruned lists the old releases removed by the retention policy.
	Pruned []string `json:"pruned,omitempty"`
	// Approval is set on a run that published a blocked run's harvest on a
	// steward's decision; ApprovedBy on the blocked run it released.
	Approval   *Approval `json:"approval,omitempty"`
	ApprovedBy string    `json:"approved_by_run,omitempty"`
}

// ManifestSource says where the data came from.
type ManifestSource struct {
	Kind string `json:"kind"`
	URL  string `json:"url,omitempty"`
}

// ManifestFetch is one HTTP exchange of the run; its body is in the raw store.
type ManifestFetch struct {
	Seq     int    `json:"seq"`
	Method  string `json:"method"`
	URL     string `json:"url"`
	Status  int    `json:"status"`
	Bytes   int    `json:"bytes"`
	SHA256  string `json:"sha256"`
	Outcome string `json:"outcome"`
	// Attempts is how many requests it took (retries on 429, 5xx and
	// network errors); 0 or 1 when the first answer was kept.
	Attempts int `json:"attempts,omitempty"`
}

// GateResult is the verdict of one publish gate.
type GateResult struct {
	Gate   string `json:"gate"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail"`
}
