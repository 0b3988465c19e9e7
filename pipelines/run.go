package pipelines

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/fetch"
	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

// Outcomes of a run, as written in its manifest.
const (
	OutcomePublished = "published"
	OutcomeUnchanged = "unchanged"
	OutcomeBlocked   = "blocked"
	OutcomeFailed    = "failed"
	// OutcomeRunning is written when a run starts, so that a run killed
	// with its process leaves a trace; OutcomeInterrupted replaces it when
	// the daemon starts again and finds that run's lock free.
	OutcomeRunning     = "running"
	OutcomeInterrupted = "interrupted"
	// OutcomeCancelled is a run stopped on purpose (the daemon shutting
	// down, a steward's cancellation) before it could publish.
	OutcomeCancelled = "cancelled"
)

// defaultRetention is how many releases a dataset keeps when its
// definition does not say.
const defaultRetention = 20

// ErrBlocked is returned (wrapped, with the gate's reason) when a gate
// stopped a release; the previous release stays published.
var ErrBlocked = errors.New("release blocked by a gate")

// sampleErrors is how many errors quality.json and the manifest keep.
const sampleErrors = 100

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
	Communes   *communeStats   `json:"communes,omitempty"`
	Gates      []GateResult    `json:"gates"`
	Release    string          `json:"release,omitempty"`
	Files      []output.File   `json:"files,omitempty"`
	Rejects    string          `json:"rejected_file,omitempty"`
	// Since and Watermark are the high-water marks of an incremental run:
	// the one it harvested after, and the one the next run will use. Kept
	// counts the rows carried over from the previous release.
	Since     string `json:"since,omitempty"`
	Watermark string `json:"watermark,omitempty"`
	Kept      int    `json:"kept,omitempty"`
	// LocalDigest is the digest of the inputs a connectors.Local source
	// read besides HTTP (an embedded table, a file on disk).
	LocalDigest string `json:"local_digest,omitempty"`
	// CatalogError says why the catalogue could not be rewritten after the
	// release was published.
	CatalogError string `json:"catalog_error,omitempty"`
	// Push says what was sent to the portal after publication.
	Push *PushResult `json:"push,omitempty"`
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

// Runner runs pipelines against a store.
type Runner struct {
	Store  *store.Store
	Logger *slog.Logger
	// DefsDir is the folder of the definitions on disk, for relative file
	// paths; empty for the embedded definitions (paths are then relative to
	// the working folder).
	DefsDir string
	// ReplayDir serves recorded responses instead of the network; RecordDir
	// keeps a copy of every response in the same format.
	ReplayDir, RecordDir string
	// AllowLoopback lets every source live on a loopback address (tests).
	AllowLoopback bool
	// Full ignores "unchanged" detection and processes the source again.
	Full      bool
	Catalog   output.CatalogMeta
	Transport http.RoundTripper
	Now       func() time.Time
	// approval, when set, publishes whatever the gates say, and is recorded
	// in the manifest (see Approve).
	approval *Approval
	// beforeCommit, when set, is called just before a release is switched
	// in; tests use it to stop a run at the worst moment.
	beforeCommit func() error
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC()
	}
	return time.Now().UTC()
}

// Run runs one pipeline: harvest, normalise, gate, publish. It always
// writes a manifest, returns it, and returns an error when the run failed
// (ErrBlocked, wrapped, when a gate stopped the release). A failed or
// blocked run leaves the previous release published.
func (r *Runner) Run(ctx context.Context, def *Definition) (*Manifest, error) {
	return r.RunAs(ctx, def, "")
}

// RunAs is Run with a run id chosen by the caller (the daemon announces it
// before the run starts); an empty runID takes a new one. A manifest with
// outcome "running" is saved as soon as the pipeline's lock is taken, so a
// run killed with its process is found by MarkInterrupted. A run whose ctx
// is cancelled (not timed out) ends with outcome "cancelled".
func (r *Runner) RunAs(ctx context.Context, def *Definition, runID string) (*Manifest, error) {
	unlock, err := r.Store.Lock(def.ID)
	if err != nil {
		return nil, err
	}
	defer unlock()

	started := r.now()
	if runID == "" {
		runID = store.NewRunID(started)
	}
	m := &Manifest{
		Pipeline:   def.ID,
		RunID:      runID,
		Dataset:    def.Dataset,
		Started:    started,
		Definition: def.Digest,
		Source:     ManifestSource{Kind: def.Kind.Name, URL: def.SourceURL},
		ErrorsBy:   map[string]int{},
		Gates:      []GateResult{},
		Fetches:    []ManifestFetch{},
	}
	log := r.Logger.With("pipeline", def.ID, "run", m.RunID)
	log.Info("run started", "kind", def.Kind.Name, "source", def.SourceURL)
	m.Outcome = OutcomeRunning
	if err := r.Store.SaveRun(def.ID, m.RunID, m); err != nil {
		return nil, fmt.Errorf("saving run manifest: %w", err)
	}
	m.Outcome = ""

	ctx, cancel := context.WithTimeout(ctx, def.Timeout)
	defer cancel()
	runErr := r.run(ctx, def, m, log)
	r.refreshCatalog(m, log)

	m.Finished = r.now()
	m.DurationMS = m.Finished.Sub(m.Started).Milliseconds()
	switch {
	case runErr == nil:
	case errors.Is(runErr, ErrBlocked):
		m.Outcome, m.Error = OutcomeBlocked, runErr.Error()
	case errors.Is(ctx.Err(), context.Canceled):
		m.Outcome, m.Error = OutcomeCancelled, runErr.Error()
	default:
		m.Outcome, m.Error = OutcomeFailed, runErr.Error()
	}
	if err := r.Store.SaveRun(def.ID, m.RunID, m); err != nil {
		return m, errors.Join(runErr, fmt.Errorf("saving run manifest: %w", err))
	}
	log.Info("run finished", "outcome", m.Outcome, "read", m.Read, "accepted", m.Accepted, "rejected", m.Rejected, "duration", m.Finished.Sub(m.Started).Round(time.Millisecond))
	return m, runErr
}

// refreshCatalog rewrites the catalogue when a release was switched in
// since it was last written: by a run whose catalogue write failed or that
// died before it, in this process or another. Every run does it, whatever
// its outcome, so that an unchanged source still repairs the catalogue.
func (r *Runner) refreshCatalog(m *Manifest, log *slog.Logger) {
	public := r.Store.PublicDir()
	if !output.CatalogStale(public) {
		return
	}
	if err := output.WriteCatalog(public, r.Catalog); err != nil {
		log.Error("rewriting the stale catalogue failed", "error", err)
		if m.CatalogError == "" {
			m.CatalogError = err.Error()
		}
		return
	}
	log.Info("catalogue rewritten: a release was switched in since it was last written")
}

// compareLocal records the digest of a connectors.Local source's local
// inputs in m. It reports whether the source has local inputs, and
// whether they are the same as in the last good run (comparable says that
// run is one to compare with); a source without local inputs is the same.
func compareLocal(src connectors.Source, m, last *Manifest, comparable bool) (isLocal, same bool, err error) {
	l, ok := src.(connectors.Local)
	if !ok {
		return false, true, nil
	}
	d, err := l.LocalDigest()
	if err != nil {
		return true, false, fmt.Errorf("reading local inputs: %w", err)
	}
	m.LocalDigest = d
	return true, comparable && last.LocalDigest == d, nil
}

// fetchSpooled runs the source's Fetch. Until a response differs from the
// last good run's (*decided), pages are kept aside in sp rather than
// processed, so that an unchanged source is never normalised again.
func fetchSpooled(ctx context.Context, src connectors.Source, hl *harvestLog, decided *bool, sp *spool, process func([]connectors.Record) error) error {
	return src.Fetch(ctx, func(page []connectors.Record) error {
		if !*decided {
			if !hl.anyChanged() {
				return sp.add(page)
			}
			*decided = true
			if err := sp.replay(process); err != nil {
				return err
			}
		}
		return process(page)
	})
}

// lastGood returns the manifest of the pipeline's last published or
// unchanged run, or nil.
func (r *Runner) lastGood(id string) *Manifest {
	runs, err := r.Store.ListRuns(id)
	if err != nil {
		return nil
	}
	for i := len(runs) - 1; i >= 0; i-- {
		var m Manifest
		if err := r.Store.LoadRun(id, runs[i], &m); err != nil {
			continue
		}
		if m.Outcome == OutcomePublished || m.Outcome == OutcomeUnchanged {
			return &m
		}
	}
	return nil
}

func (r *Runner) run(ctx context.Context, def *Definition, m *Manifest, log *slog.Logger) error {
	public := r.Store.PublicDir()
	// This run holds the pipeline's lock, so any staging folder of its
	// dataset is a crashed run's; others' are removed once they are old.
	if err := errors.Join(output.CleanDatasetStaging(public, def.Dataset), output.CleanStaging(public)); err != nil {
		log.Warn("cleaning staging folders", "error", err)
	}

	// Conditional requests only make sense when the last good run used the
	// same definition and schema and its release is still there. On the
	// same conditions an incremental run harvests only what changed after
	// that run's watermark, and merges the rest from its release.
	var prev map[string]store.Validators
	var base string // release an incremental run merges with
	last := r.lastGood(def.ID)
	comparable := false // the last good run is one to compare with
	if !r.Full && last != nil && last.Definition == def.Digest {
		if latest, err := output.Latest(public, def.Dataset); err == nil {
			comparable = true
			prev, _ = r.Store.LoadValidators(def.ID)
			if def.Incremental && last.Watermark != "" {
				m.Since, base = last.Watermark, latest
			}
		}
	}
	hl := &harvestLog{store: r.Store, pipeline: def.ID, m: m, prev: prev, seen: map[string]store.Validators{}}
	tmp := filepath.Join(r.Store.Root, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	client, err := fetch.New(fetch.Options{
		TempDir:   tmp, // large bodies land next to the raw store
		ReplayDir: r.ReplayDir,
		RecordDir: r.RecordDir,
		Egress: fetch.Egress{
			AllowLoopback: r.AllowLoopback || def.AllowPrivateNetwork,
			AllowPrivate:  def.AllowPrivateNetwork,
		},
		Logger:    log,
		Transport: r.Transport,
		Now:       r.Now,
		Observe:   hl.observe,
	})
	if err != nil {
		return err
	}
	env := connectors.Env{
		HTTP:   client,
		Dir:    r.DefsDir,
		Logger: log,
		Since:  m.Since,
		Prev: func(key string) *fetch.Validators {
			v, ok := prev[key]
			if !ok {
				return nil
			}
			return &fetch.Validators{ETag: v.ETag, LastModified: v.LastModified, SHA256: v.SHA256}
		},
	}
	src, err := def.Kind.Open(def.SourceConfig, env)
	if err != nil {
		return err
	}
	isLocal, localSame, err := compareLocal(src, m, last, comparable)
	if err != nil {
		return err
	}
	if comparable && !localSame {
		prev = nil // local inputs changed: process every response again
	}
	inc, isInc := src.(connectors.Incremental)
	if def.Incremental && !isInc {
		return fmt.Errorf("connector %s cannot harvest incrementally: remove incremental from the definition", def.Kind.Name)
	}

	meta := def.datasetMeta()
	rel, err := output.NewRelease(public, meta, def.TableSchema, m.RunID, r.Now)
	if err != nil {
		return err
	}
	released := false
	defer func() {
		if !released {
			if err := rel.Abort(); err != nil {
				log.Warn("removing staging release", "error", err)
			}
		}
	}()
	rejectPath := r.Store.RejectedPath(def.Dataset, m.RunID)
	rejects, err := output.NewRejectWriter(rejectPath)
	if err != nil {
		return err
	}
	rejectsDone := false
	defer func() {
		if !rejectsDone {
			_ = rejects.Abort()
		}
	}()

	n := newNormaliser(def, r.now().Format("2006-01-02"))
	q := output.Quality{Dataset: def.Dataset, Release: m.RunID, RunID: m.RunID, ErrorsByCode: map[string]int{}, ErrorsByField: map[string]int{}, HeaderErrors: []schemas.Error{}, SampleErrors: []schemas.Error{}}
	harvested := map[string]bool{} // primary keys harvested by an incremental run
	process := func(page []connectors.Record) error {
		for _, rec := range page {
			values, errs := n.record(rec)
			q.Read++
			if len(errs) > 0 {
				q.Rejected++
				for _, e := range errs {
					q.ErrorsByCode[e.Code]++
					if e.Field != "" {
						q.ErrorsByField[e.Field]++
					}
					if len(q.SampleErrors) < sampleErrors {
						q.SampleErrors = append(q.SampleErrors, e)
					}
				}
				if err := rejects.Write(errs, rec.Fields); err != nil {
					return fmt.Errorf("writing rejected rows: %w", err)
				}
				continue
			}
			if base != "" {
				harvested[def.keyOf(values)] = true
			}
			if err := rel.Append(values); err != nil {
				return fmt.Errorf("writing release: %w", err)
			}
			q.Accepted++
		}
		log.Debug("page normalised", "rows", len(page), "read", q.Read)
		return nil
	}

	// With validators from the last good run, the source may not have
	// changed: keep the pages aside until a response differs, so that an
	// unchanged source is never normalised again.
	decided := len(prev) == 0
	var sp *spool
	if !decided {
		if sp, err = newSpool(tmp); err != nil {
			return err
		}
		defer sp.close()
	}
	if isLocal && localSame && len(prev) == 0 {
		// Only local inputs, and they did not change: nothing to read.
		err = connectors.ErrUnchanged
	} else {
		err = fetchSpooled(ctx, src, hl, &decided, sp, process)
	}
	if err == nil && !decided {
		if hl.anyChanged() || !sameKeys(hl.seen, prev) {
			err = sp.replay(process)
		} else {
			err = connectors.ErrUnchanged
		}
	}
	m.Read, m.Accepted, m.Rejected, m.ErrorsBy = q.Read, q.Accepted, q.Rejected, q.ErrorsByCode
	if def.Communes != nil {
		m.Communes = &n.communes
	}
	if hl.rawErr != nil {
		return fmt.Errorf("keeping raw responses: %w", hl.rawErr)
	}
	if err == nil && base != "" && q.Read == 0 {
		err = connectors.ErrUnchanged // nothing modified since the watermark
	}
	if errors.Is(err, connectors.ErrUnchanged) {
		m.Outcome = OutcomeUnchanged
		if last != nil {
			m.Release, m.Watermark = last.Release, last.Watermark
		}
		log.Info("source unchanged, nothing to publish")
		return nil
	}
	if err != nil {
		// Connectors name themselves in their errors ("hal: page 3: …");
		// the kind is added only to those that do not.
		if strings.HasPrefix(err.Error(), def.Kind.Name+": ") {
			return err
		}
		return fmt.Errorf("%s: %w", def.Kind.Name, err)
	}
	if isInc {
		m.Watermark = inc.Watermark()
		if m.Watermark == "" {
			m.Watermark = m.Since
		}
	}
	if base != "" {
		// Rows of the previous release that were not harvested again are
		// carried over as they were published.
		err := output.ReadRows(public, def.Dataset, base, def.TableSchema, func(values []schemas.Value) error {
			if harvested[def.keyOf(values)] {
				return nil
			}
			q.Kept++
			return rel.Append(values)
		})
		if err != nil {
			return fmt.Errorf("merging with release %s: %w", base, err)
		}
		m.Kept = q.Kept
	}

	// Rejected rows are kept even when a gate blocks the release: they are
	// what the steward needs to fix the source.
	if err := rejects.Close(); err != nil {
		return fmt.Errorf("writing rejected rows: %w", err)
	}
	rejectsDone = true
	if q.Rejected > 0 {
		m.Rejects = rejectPath
	}

	m.Gates = def.gates(q, previousRelease(public, def.Dataset))
	if r.approval != nil {
		m.Approval = r.approval
	} else {
		for _, g := range m.Gates {
			if !g.Passed {
				return fmt.Errorf("%w: %s: %s", ErrBlocked, g.Gate, g.Detail)
			}
		}
	}
	if r.beforeCommit != nil {
		if err := r.beforeCommit(); err != nil {
			return err
		}
	}
	// The mark makes a later run rewrite the catalogue if this one cannot
	// (or dies before it does).
	if err := output.MarkCatalogStale(public, m.RunID); err != nil {
		return fmt.Errorf("publishing: %w", err)
	}
	pub, err := rel.Commit(q)
	if err != nil {
		return fmt.Errorf("publishing: %w", err)
	}
	released = true
	m.Outcome, m.Release, m.Files = OutcomePublished, pub.Release, pub.Files
	// Validators are saved only once the release is out, so that a failed
	// run never makes the next one believe nothing changed.
	if err := r.Store.SaveValidators(def.ID, hl.seen); err != nil {
		log.Warn("saving validators", "error", err)
	}
	// The catalogue follows the switch at once, and old releases are
	// pruned only after it, so that it never names a removed release. If
	// it cannot be written it keeps describing the previous release, which
	// is then kept too, and the next run writes it again.
	if err := output.WriteCatalog(public, r.Catalog); err != nil {
		m.CatalogError = err.Error()
		log.Error("writing the catalogue failed; it still describes the previous release", "error", err)
	} else {
		keep := defaultRetention
		if def.Retention != nil {
			keep = *def.Retention
		}
		if m.Pruned, err = output.Prune(public, def.Dataset, keep); err != nil {
			log.Warn("removing old releases", "error", err)
		}
	}
	m.Push = r.push(ctx, def, pub.Release, log)
	return nil
}

// harvestLog keeps every response of a run: in the raw store, in the
// manifest's list of fetches, and as validators for the next run's
// conditional requests. Connectors may fetch concurrently.
type harvestLog struct {
	store    *store.Store
	pipeline string
	prev     map[string]store.Validators // of the last good run

	mu      sync.Mutex
	m       *Manifest
	seen    map[string]store.Validators
	changed bool  // a response differed from the last good run's
	rawErr  error // the first failure to keep a body
}

func (h *harvestLog) observe(resp *fetch.Response) {
	h.mu.Lock()
	defer h.mu.Unlock()
	seq := len(h.m.Fetches) + 1
	outcome := store.OutcomeFetched
	switch {
	case resp.Unchanged:
		outcome = store.OutcomeUnchanged
	case resp.Replayed:
		outcome = store.OutcomeReplayed
	}
	h.m.Fetches = append(h.m.Fetches, ManifestFetch{Seq: seq, Method: resp.Method, URL: resp.URL, Status: resp.Status, Bytes: int(resp.Size), SHA256: resp.SHA256, Outcome: outcome, Attempts: resp.Attempts})
	rv := resp.Validators()
	h.seen[resp.Key] = store.Validators{ETag: rv.ETag, LastModified: rv.LastModified, SHA256: rv.SHA256, RunID: h.m.RunID}
	// The run decides by itself whether a body changed, from the last good
	// run's checksums: a connector may fetch some documents (metadata, a
	// first page) without asking for conditional answers.
	if p, ok := h.prev[resp.Key]; !resp.Unchanged && (!ok || p.SHA256 == "" || p.SHA256 != resp.SHA256) {
		h.changed = true
	}
	_, reqSHA, _ := strings.Cut(resp.Key, " sha256:")
	meta := store.RawMeta{Seq: seq, Method: resp.Method, URL: resp.URL, RequestSHA256: reqSHA, Status: resp.Status, Header: resp.Header, FetchedAt: resp.FetchedAt, SHA256: resp.SHA256, Bytes: resp.Size, Outcome: outcome}
	if err := h.saveRaw(meta, resp); err != nil && h.rawErr == nil {
		h.rawErr = err
	}
}

// saveRaw streams a body, in memory or on disk, to the raw store.
func (h *harvestLog) saveRaw(meta store.RawMeta, resp *fetch.Response) error {
	body, err := resp.Open()
	if err != nil {
		return err
	}
	defer body.Close()
	return h.store.SaveRawFrom(h.pipeline, h.m.RunID, meta, body)
}

func (h *harvestLog) anyChanged() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.changed
}

// sameKeys reports whether a run made exactly the requests of the last
// good run: a source that now has fewer pages has changed even if every
// page it still serves is identical.
func sameKeys(seen, prev map[string]store.Validators) bool {
	if len(seen) != len(prev) {
		return false
	}
	for k := range seen {
		if _, ok := prev[k]; !ok {
			return false
		}
	}
	return true
}

func (def *Definition) datasetMeta() output.DatasetMeta {
	_, lic, _ := lookupLicence(def.Licence)
	title := def.SourceTitle
	if title == "" {
		title = def.Publisher
	}
	return output.DatasetMeta{
		ID:           def.Dataset,
		Title:        def.Title,
		Description:  strings.TrimSpace(def.Description),
		Keywords:     def.Keywords,
		License:      lic,
		Publisher:    def.Publisher,
		ContactEmail: def.ContactEmail,
		SourceTitle:  title,
		SourceURL:    def.SourceURL,
		Pipeline:     def.ID,
		Schedule:     def.Schedule,
		Spatial:      def.Spatial,
	}
}

// keyOf renders the primary key of a row (all fields when the schema has
// none) as one comparable string.
func (def *Definition) keyOf(values []schemas.Value) string {
	var b strings.Builder
	ts := def.TableSchema
	for i, name := range ts.PrimaryKey {
		if i > 0 {
			b.WriteByte(0x1f)
		}
		fmt.Fprint(&b, values[ts.FieldIndex(name)])
	}
	return b.String()
}

// normaliser turns source records into schema rows.
type normaliser struct {
	def      *Definition
	table    *schemas.Table
	cells    []string
	runDate  string
	n        int
	communes communeStats
}

func newNormaliser(def *Definition, runDate string) *normaliser {
	t, _ := def.TableSchema.NewTable(nil)
	return &normaliser{def: def, table: t, cells: make([]string, len(def.TableSchema.Fields)), runDate: runDate}
}

// record maps and validates one record. Its row number is its position in
// the source plus one, so that the first record is row 2 as in a CSV with
// a header; errors also carry the record's line in the fetched body.
func (n *normaliser) record(rec connectors.Record) ([]schemas.Value, []schemas.Error) {
	n.n++
	row := n.n + 1
	if msg, bad := rec.Fields[connectors.ErrorField]; bad {
		return nil, []schemas.Error{{Code: "source-error", Row: row, Line: rec.Line, Message: fmt.Sprintf("Ligne %d illisible : %s.", rec.Line, stringOf(msg, "|"))}}
	}
	var extra []schemas.Error
	for k, v := range rec.Fields {
		if strings.HasPrefix(k, connectors.ExtraFieldPrefix) {
			extra = append(extra, schemas.Error{Code: "extra-cell", Row: row, Line: rec.Line, Value: stringOf(v, "|"), Message: fmt.Sprintf("Ligne %d : cellule en trop (colonne %s) sans en-tête.", rec.Line, strings.TrimPrefix(k, connectors.ExtraFieldPrefix))})
		}
	}
	n.def.enrich(rec)
	ts := n.def.TableSchema
	for i := range n.cells {
		n.cells[i] = ""
	}
	for _, name := range n.def.Order {
		fm := n.def.Fields[name]
		n.cells[ts.FieldIndex(name)] = fm.apply(rec.Fields, n.runDate)
	}
	n.def.resolveCommune(n.cells, &n.communes)
	values, errs := n.table.Row(row, rec.Line, n.cells)
	if len(extra) > 0 {
		sort.Slice(extra, func(i, j int) bool { return extra[i].Message < extra[j].Message })
		errs = append(errs, extra...)
	}
	return values, errs
}
