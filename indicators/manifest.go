package indicators

import (
	"errors"
	"time"

	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
)

// Outcomes of a computation.
const (
	OutcomeComputed    = "computed"     // a new release was published
	OutcomeUnchanged   = "unchanged"    // same definition and inputs as the current release: nothing rewritten
	OutcomeAuditFailed = "audit_failed" // an audit failed: the previous release stays online
	OutcomeFailed      = "failed"       // the computation failed: the previous release stays online
)

// ErrAuditFailed is wrapped by the error of a computation whose audits
// blocked publication.
var ErrAuditFailed = errors.New("indicators: audit failed")

// RunManifest is the record of one computation of an indicator, kept in the
// store under runs/indicator-<id>/<run-id>.json (see RunKey). Error and the
// audits' Label and Detail are in French: the stewards' dashboard shows
// them.
type RunManifest struct {
	Indicator  string    `json:"indicator"`
	RunID      string    `json:"run_id"`
	Started    time.Time `json:"started"`
	Finished   time.Time `json:"finished"`
	DurationMS int64     `json:"duration_ms"`
	Outcome    string    `json:"outcome"`
	Error      string    `json:"error,omitempty"`
	// Definition is the sha256 of the YAML and SQL files; InputsSHA256 sums
	// it with the sha256 of every input's data.parquet (Provenance.InputsSHA256).
	Definition   string         `json:"definition_sha256"`
	InputsSHA256 string         `json:"inputs_sha256,omitempty"`
	Inputs       []InputRelease `json:"inputs"`
	References   []InputRelease `json:"references"`
	Rows         int            `json:"rows"`
	Audits       []AuditResult  `json:"audits"`
	// Release is the release published by this run, or for an unchanged
	// run the current one.
	Release string        `json:"release,omitempty"`
	Files   []output.File `json:"files,omitempty"`
	// CatalogError says why the catalogue could not be rewritten.
	CatalogError string   `json:"catalog_error,omitempty"`
	Pruned       []string `json:"pruned,omitempty"`
}

// AuditResult is the verdict of one audit. Label names the audit and Detail
// says what was found, in French.
type AuditResult struct {
	Check  string `json:"check"`
	Label  string `json:"label"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail"`
}

// RunKey is the name under which the runs of an indicator are stored
// (store.SaveRun, ListRuns, Lock): "indicator-<id>".
func RunKey(id string) string { return "indicator-" + id }

// Runs returns the manifests of the last computations of an indicator,
// newest first, at most limit (all when limit <= 0).
func Runs(st *store.Store, id string, limit int) ([]*RunManifest, error) {
	ids, err := st.ListRuns(RunKey(id))
	if err != nil {
		return nil, err
	}
	var out []*RunManifest
	for i := len(ids) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		var m RunManifest
		if err := st.LoadRun(RunKey(id), ids[i], &m); err != nil {
			continue
		}
		out = append(out, &m)
	}
	return out, nil
}
