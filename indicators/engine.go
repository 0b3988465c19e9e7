package indicators

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
)

// DefaultRetention is how many releases of an indicator stay downloadable.
const DefaultRetention = 20

// Engine computes indicators over the releases published in a store and
// publishes their results in the same store.
type Engine struct {
	Store  *store.Store
	DuckDB Config
	// Catalog describes the catalogue, rewritten after each publication.
	Catalog output.CatalogMeta
	Logger  *slog.Logger
	Now     func() time.Time
	// Retention is how many releases of each indicator are kept; 0 means
	// DefaultRetention, a negative value keeps them all.
	Retention int
	// Force recomputes an indicator even when nothing changed.
	Force bool
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}

func (e *Engine) logger() *slog.Logger {
	if e.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Logger
}

// ComputeAll computes defs one after the other, an indicator after those
// of defs it reads (Order), and returns every manifest.
// The error joins the errors of the computations that did not succeed
// (ErrAuditFailed, wrapped, for those an audit blocked).
func (e *Engine) ComputeAll(ctx context.Context, defs []*Definition) ([]*RunManifest, error) {
	var out []*RunManifest
	var errs []error
	for _, def := range Order(defs) {
		m, err := e.Compute(ctx, def)
		if m != nil {
			out = append(out, m)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", def.ID, err))
		}
	}
	return out, errors.Join(errs...)
}

// Compute computes one indicator: unless its definition and every input
// are those of its current release (outcome unchanged, nothing
// rewritten), it runs the query in a DuckDB of its own, audits the result,
// validates every row against the schema and publishes a release with
// provenance.json. It always records a manifest and returns it; the error
// wraps ErrAuditFailed when an audit blocked publication. A failed or
// blocked computation leaves the previous release online.
func (e *Engine) Compute(ctx context.Context, def *Definition) (*RunManifest, error) {
	unlock, err := e.Store.Lock(RunKey(def.ID))
	if err != nil {
		return nil, err
	}
	defer unlock()
	started := e.now()
	// Under the lock: temporary files left here are a killed computation's.
	if removed, err := e.Store.CleanPipelineTemp(RunKey(def.ID), "", 10*time.Minute, started); err != nil || len(removed) > 0 {
		e.logger().Info("removed temporary files left by a killed computation", "indicator", def.ID, "files", removed, "error", err)
	}
	m := &RunManifest{
		Indicator: def.ID, RunID: store.NewRunID(started), Started: started,
		Definition: def.Digest, Inputs: []InputRelease{}, References: []InputRelease{}, Audits: []AuditResult{},
	}
	log := e.logger().With("indicator", def.ID, "run", m.RunID)
	runErr := e.compute(ctx, def, m, log)
	m.Finished = e.now()
	m.DurationMS = m.Finished.Sub(m.Started).Milliseconds()
	switch {
	case runErr == nil:
	case errors.Is(runErr, ErrAuditFailed):
		m.Outcome, m.Error = OutcomeAuditFailed, auditFailure(m.Audits)
	default:
		m.Outcome, m.Error = OutcomeFailed, runErr.Error()
	}
	if err := e.Store.SaveRun(RunKey(def.ID), m.RunID, m); err != nil {
		return m, errors.Join(runErr, fmt.Errorf("saving run manifest: %w", err))
	}
	log.Info("indicator computed", "outcome", m.Outcome, "rows", m.Rows, "duration", m.Finished.Sub(m.Started).Round(time.Millisecond))
	return m, runErr
}

// auditFailure names the failed audits in French.
func auditFailure(audits []AuditResult) string {
	var failed []string
	for _, a := range audits {
		if !a.Passed {
			failed = append(failed, a.Label+" : "+a.Detail)
		}
	}
	return "publication bloquée par un contrôle : " + joinFrench(failed)
}

func (e *Engine) compute(ctx context.Context, def *Definition, m *RunManifest, log *slog.Logger) error {
	public := e.Store.PublicDir()
	inputs, err := resolveInputs(public, def)
	if err != nil {
		return err
	}
	for _, in := range inputs {
		if in.reference {
			m.References = append(m.References, in.InputRelease)
		} else {
			m.Inputs = append(m.Inputs, in.InputRelease)
		}
	}
	m.InputsSHA256 = inputsDigest(def, inputs)
	if prev := e.current(public, def); prev != nil && prev.InputsSHA256 == m.InputsSHA256 && !e.Force {
		m.Outcome, m.Release, m.Rows = OutcomeUnchanged, prev.Release, prev.Rows
		log.Info("indicator unchanged", "release", prev.Release)
		return nil
	}
	rows, prov, err := e.run(ctx, def, inputs, m)
	if err != nil {
		return err
	}
	prov.InputsSHA256 = m.InputsSHA256
	return e.publish(def, rows, prov, m, log)
}

// current returns the provenance of the current release of def, nil when
// there is none or it cannot be read (the indicator is then recomputed).
func (e *Engine) current(public string, def *Definition) *Provenance {
	p, err := ReadProvenance(public, def.ID, "latest")
	if err != nil {
		return nil
	}
	return p
}

// run computes the rows in a DuckDB of its own: views over the inputs'
// Parquet files, the query into a temporary table, the audits, then the
// rows, read as Arrow record batches and validated against the schema.
func (e *Engine) run(ctx context.Context, def *Definition, inputs []input, m *RunManifest) ([]Row, *Provenance, error) {
	start := time.Now()
	d, err := openDuck(ctx, e.DuckDB)
	if err != nil {
		return nil, nil, err
	}
	defer d.close()
	for _, in := range inputs {
		if err := d.viewParquet(ctx, in.Dataset, in.path); err != nil {
			return nil, nil, fmt.Errorf("lecture de %s : %s", in.Dataset, withoutPosition(err))
		}
	}
	if err := def.Prelude.create(ctx, d, false); err != nil {
		return nil, nil, fmt.Errorf("le prélude SQL a échoué : %v", err)
	}
	for i := range m.References {
		m.References[i].Vintage = d.vintage(ctx, m.References[i].Dataset)
	}
	query := queryText(def.SQL)
	if _, err := d.conn.ExecContext(ctx, "CREATE TEMP TABLE "+resultTable+" AS\n"+query); err != nil {
		return nil, nil, fmt.Errorf("la requête a échoué : %v", queryError(def, 1, err))
	}
	cols, err := d.describe(ctx, "SELECT * FROM "+resultTable)
	if err != nil {
		return nil, nil, err
	}
	if msg := checkResultColumns(def.TableSchema, cols); msg != "" {
		return nil, nil, fmt.Errorf("le résultat ne correspond pas au schéma : %s", msg)
	}
	if m.Audits, err = d.runAudits(ctx, def); err != nil {
		return nil, nil, err
	}
	for _, a := range m.Audits {
		if !a.Passed {
			return nil, nil, ErrAuditFailed
		}
	}
	rows, err := d.readRows(ctx, def)
	if err != nil {
		return nil, nil, err
	}
	sqlSum := sha256.Sum256([]byte(def.SQL))
	return rows, &Provenance{
		Indicator: def.ID, Release: m.RunID, Title: def.Title, Theme: def.Theme, Unit: def.Unit,
		Definition: def.Definition, Method: def.Method, Period: def.Period,
		SQL: def.SQL, SQLSHA256: hex.EncodeToString(sqlSum[:]), DefinitionSHA256: def.Digest,
		Prelude: def.Prelude.text(), PreludeSHA256: def.Prelude.SHA256(),
		Inputs: m.Inputs, References: m.References,
		ComputedAt: m.Started, Duration: time.Since(start), DuckDBVersion: d.version(ctx), Rows: len(rows),
	}, nil
}

// readRows reads the result table in primary-key order (the same rows
// always come out in the same order) as validated rows.
func (d *duck) readRows(ctx context.Context, def *Definition) ([]Row, error) {
	rr, err := newRowReader(def)
	if err != nil {
		return nil, err
	}
	query := "SELECT * FROM " + resultTable + " ORDER BY " + identList(def.TableSchema.PrimaryKey)
	if err := d.scanArrow(ctx, query, rr.add); err != nil {
		return nil, fmt.Errorf("lecture du résultat : %v", err)
	}
	return rr.rows, rr.err()
}

// vintage returns the year of a reference table's data, from a
// population_annee or millesime column (the largest value), "" when it has
// neither.
func (d *duck) vintage(ctx context.Context, dataset string) string {
	for _, col := range []string{"population_annee", "millesime"} {
		var v *string
		q := fmt.Sprintf("SELECT max(%s)::VARCHAR FROM %s", quoteIdent(col), quoteIdent(ViewName(dataset)))
		if err := d.conn.QueryRowContext(ctx, q).Scan(&v); err == nil && v != nil {
			return *v
		}
	}
	return ""
}
