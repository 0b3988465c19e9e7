package pipelines

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
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

// Runner runs pipelines against a store.
type Runner struct {
	Store  *store.Store
	Logger *slog.Logger
	// ReplayDir serves recorded responses instead of the network; RecordDir
	// keeps a copy of every response in the same format.
	ReplayDir, RecordDir string
	// AllowLoopback lets every source live on a loopback address (tests).
	AllowLoopback bool
	// Full ignores "unchanged" detection and processes the source again.
	Full      bool
	Catalog   output.CatalogMeta
	Transport http.RoundTripper
	// HTTPTimeout bounds each wait for an answer or for the next bytes of
	// a body (fetch.Options.Timeout) when the definition sets no
	// request_timeout; 0 keeps fetch's default (60 s).
	HTTPTimeout time.Duration
	Now         func() time.Time
	// Progress, when set, is called from the run's goroutine after each
	// page of records and before publishing (see Progress).
	Progress func(Progress)
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
	log, logSink := teeRunLog(r.Logger.With("pipeline", def.ID, "run", m.RunID))
	log.Info("run started", "kind", def.Kind.Name, "source", def.SourceURL)
	m.Outcome = OutcomeRunning
	if err := r.Store.SaveRun(def.ID, m.RunID, m); err != nil {
		return nil, fmt.Errorf("saving run manifest: %w", err)
	}
	m.Outcome = ""
	r.markOwnInterrupted(def.ID, m.RunID, log)

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
	logSink.keep(m)
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

// runState is what the steps of one run share.
type runState struct {
	def    *Definition
	m      *Manifest
	log    *slog.Logger
	public string // the store's published tree
	tmp    string // the store's folder of temporary files

	last       *Manifest                   // the last good run, or nil
	comparable bool                        // last is one to compare with
	prev       map[string]store.Validators // of last, for conditional requests
	base       string                      // release an incremental run merges with
	hl         *harvestLog

	src                connectors.Source
	inc                connectors.Incremental // src, when it harvests incrementally
	isLocal, localSame bool                   // src has local inputs; they did not change

	rel        *output.Release
	released   bool // rel was switched in
	rejects    *output.RejectWriter
	rejectPath string
	rejectsOut bool // rejects was closed
	n          *normaliser
	q          output.Quality
	harvested  map[string][sha256.Size]byte // primary key → row digest, of an incremental run
	sameRows   int                          // harvested rows equal to the base's (see sameAsBase)
	meter      *progressMeter               // nil without a Progress hook
	pages      int
	srcFields  map[string]bool // mapped source field → seen in a record
}

// run is one run's steps, in order; see Run for the contract.
func (r *Runner) run(ctx context.Context, def *Definition, m *Manifest, log *slog.Logger) error {
	s := &runState{def: def, m: m, log: log, public: r.Store.PublicDir(), tmp: runTempDir(r.Store.Root, def.ID, r.now(), log), meter: newProgressMeter(r.Progress, def.ID, m.RunID)}
	removeLeftTemp(r.Store, def, r.now(), log)
	// This run holds the pipeline's lock, so any staging folder of its
	// dataset is a crashed run's; others' are removed once they are old.
	if err := errors.Join(output.CleanDatasetStaging(s.public, def.Dataset), output.CleanStaging(s.public)); err != nil {
		log.Warn("cleaning staging folders", "error", err)
	}
	r.compareWithLast(s)
	if err := r.openSource(s); err != nil {
		return err
	}
	defer s.abort()
	if err := r.openOutputs(s); err != nil {
		return err
	}
	if s.comparable {
		// Same definition and schema as the last good run: a release of
		// the same rows (a source that only restamps its answers) is
		// not a new release.
		s.rel.SkipIdentical()
	}
	unchanged, err := r.harvest(ctx, s)
	if err != nil || unchanged {
		return err
	}
	if err := s.mergeBase(); err != nil {
		return err
	}
	if s.sameAsBase() {
		_, err := s.recordHarvest(connectors.ErrUnchanged)
		return err
	}
	if err := r.gate(s); err != nil {
		return err
	}
	s.report(StagePublish)
	return r.publish(ctx, s)
}

// compareWithLast finds the last good run. Conditional requests only make
// sense when it used the same definition and schema and its release is
// still there. On the same conditions an incremental run harvests only
// what changed after that run's watermark, and merges the rest from its
// release.
func (r *Runner) compareWithLast(s *runState) {
	s.last = r.lastGood(s.def.ID)
	if r.Full || s.last == nil || s.last.Definition != s.def.Digest {
		return
	}
	latest, err := output.Latest(s.public, s.def.Dataset)
	if err != nil {
		return
	}
	s.comparable = true
	s.prev, _ = r.Store.LoadValidators(s.def.ID)
	if s.def.Incremental && s.last.Watermark != "" {
		s.m.Since, s.base = s.last.Watermark, latest
	}
}

// openSource opens the definition's connector with an HTTP client that
// keeps every response in the raw store.
func (r *Runner) openSource(s *runState) error {
	s.hl = &harvestLog{store: r.Store, pipeline: s.def.ID, m: s.m, prev: s.prev, seen: map[string]store.Validators{}, meter: s.meter}
	if err := os.MkdirAll(s.tmp, 0o755); err != nil {
		return err
	}
	client, err := fetch.New(fetch.Options{
		TempDir:      s.tmp, // large bodies land next to the raw store
		Timeout:      cmp.Or(s.def.RequestTimeout, r.HTTPTimeout),
		MaxBodyBytes: int64(s.def.MaxBodyMB) * 1e6,
		MaxAttempts:  s.def.attempts(),
		ReplayDir:    r.ReplayDir,
		RecordDir:    r.RecordDir,
		Egress: fetch.Egress{
			AllowLoopback: r.AllowLoopback || s.def.AllowPrivateNetwork,
			AllowPrivate:  s.def.AllowPrivateNetwork,
		},
		Logger:    s.log,
		Transport: r.Transport,
		Now:       r.Now,
		Observe:   s.hl.observe,
		Received:  s.meter.receivedHook(),
	})
	if err != nil {
		return err
	}
	env := connectors.Env{HTTP: client, Dir: s.def.Dir, StoreDir: r.Store.Root, Logger: s.log, Since: s.m.Since, Prev: s.prevValidators}
	if s.src, err = s.def.Kind.Open(s.def.SourceConfig, env); err != nil {
		return err
	}
	if s.isLocal, s.localSame, err = compareLocal(s.src, s.m, s.last, s.comparable); err != nil {
		return err
	}
	if s.comparable && !s.localSame {
		s.prev = nil // local inputs changed: process every response again
	}
	inc, isInc := s.src.(connectors.Incremental)
	if s.def.Incremental && !isInc {
		return fmt.Errorf("connector %s cannot harvest incrementally: remove incremental from the definition", s.def.Kind.Name)
	}
	if isInc {
		s.inc = inc
	}
	return nil
}

// prevValidators gives a connector the last good run's validators of a
// request, or nil.
func (s *runState) prevValidators(key string) *fetch.Validators {
	v, ok := s.prev[key]
	if !ok {
		return nil
	}
	return &fetch.Validators{ETag: v.ETag, LastModified: v.LastModified, SHA256: v.SHA256}
}

// openOutputs opens the staging release and the file of rejected rows.
func (r *Runner) openOutputs(s *runState) error {
	var err error
	if s.rel, err = output.NewRelease(s.public, s.def.datasetMeta(), s.def.TableSchema, s.m.RunID, r.Now); err != nil {
		return err
	}
	s.rejectPath = r.Store.RejectedPath(s.def.Dataset, s.m.RunID)
	if s.rejects, err = output.NewRejectWriter(s.rejectPath); err != nil {
		return err
	}
	s.n = newNormaliser(s.def, r.now().Format("2006-01-02"))
	s.q = output.Quality{Dataset: s.def.Dataset, Release: s.m.RunID, RunID: s.m.RunID, ErrorsByCode: map[string]int{}, ErrorsByField: map[string]int{}, HeaderErrors: []schemas.Error{}, SampleErrors: []schemas.Error{}}
	s.harvested = map[string][sha256.Size]byte{}
	return nil
}

// abort removes what a run that did not publish leaves behind.
func (s *runState) abort() {
	if s.rel != nil && !s.released {
		if err := s.rel.Abort(); err != nil {
			s.log.Warn("removing staging release", "error", err)
		}
	}
	if s.rejects != nil && !s.rejectsOut {
		_ = s.rejects.Abort()
	}
}

// process normalises a page of records into the release or the rejected
// rows.
func (s *runState) process(page []connectors.Record) error {
	q := &s.q
	for _, rec := range page {
		s.noteSourceFields(rec)
		values, errs := s.n.record(rec)
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
			if err := s.rejects.Write(errs, rec.Fields); err != nil {
				return fmt.Errorf("writing rejected rows: %w", err)
			}
			continue
		}
		if s.base != "" {
			s.harvested[s.def.keyOf(values)] = rowDigest(values)
		}
		if err := s.rel.Append(values); err != nil {
			return fmt.Errorf("writing release: %w", err)
		}
		q.Accepted++
		q.Warnings.Add(s.n.warnings)
	}
	s.log.Debug("page normalised", "rows", len(page), "read", q.Read)
	s.pages++
	s.report(StageHarvest)
	return nil
}

// harvest fetches the source and normalises what it returns. It reports
// unchanged (and records it in the manifest) when there is nothing to
// publish.
func (r *Runner) harvest(ctx context.Context, s *runState) (unchanged bool, err error) {
	// With validators from the last good run, the source may not have
	// changed: keep the pages aside until a response differs, so that an
	// unchanged source is never normalised again.
	decided := len(s.prev) == 0
	var sp *spool
	if !decided {
		if sp, err = newSpool(s.tmp); err != nil {
			return false, err
		}
		defer sp.close()
	}
	// Pages are normalised on a goroutine of their own while the
	// connector reads and parses the next ones.
	st := newStage(s.process)
	if s.isLocal && s.localSame && len(s.prev) == 0 {
		// Only local inputs, and they did not change: nothing to read.
		err = connectors.ErrUnchanged
	} else {
		err = fetchSpooled(ctx, s.src, s.hl, &decided, sp, st.send)
	}
	if err == nil && !decided {
		if s.hl.anyChanged() || !sameKeys(s.hl.seen, s.prev) {
			err = sp.replay(st.send)
		} else {
			err = connectors.ErrUnchanged
		}
	}
	if serr := st.close(); err == nil {
		err = serr
	}
	return s.recordHarvest(err)
}

// recordHarvest records the harvest's counts and outcome in the manifest.
func (s *runState) recordHarvest(err error) (unchanged bool, _ error) {
	m, q := s.m, &s.q
	m.Read, m.Accepted, m.Rejected, m.ErrorsBy = q.Read, q.Accepted, q.Rejected, q.ErrorsByCode
	m.Warned, m.WarningsBy = q.Warnings.Rows, q.Warnings.ByCode
	if s.def.Communes != nil {
		m.Communes = &s.n.communes
	}
	if rawErr := s.hl.wait(); rawErr != nil {
		return false, fmt.Errorf("keeping raw responses: %w", rawErr)
	}
	if err == nil && s.base != "" && q.Read == 0 {
		err = connectors.ErrUnchanged // nothing modified since the watermark
	}
	if errors.Is(err, connectors.ErrUnchanged) {
		m.Outcome = OutcomeUnchanged
		if s.last != nil {
			m.Release, m.Watermark = s.last.Release, s.last.Watermark
		}
		s.log.Info("source unchanged, nothing to publish")
		return true, nil
	}
	err = s.def.explainBodyLimit(err)
	if err != nil {
		// Connectors name themselves in their errors ("hal: page 3: …");
		// the kind is added only to those that do not.
		if strings.HasPrefix(err.Error(), s.def.Kind.Name+": ") {
			return false, err
		}
		return false, fmt.Errorf("%s: %w", s.def.Kind.Name, err)
	}
	if s.inc != nil {
		m.Watermark = nextWatermark(s.inc, m.Since, m.Started)
	}
	return false, nil
}

// mergeBase carries over, as they were published, the rows of the
// previous release that an incremental run did not harvest again.
func (s *runState) mergeBase() error {
	if s.base == "" {
		return nil
	}
	err := output.ReadRows(s.public, s.def.Dataset, s.base, s.def.TableSchema, func(values []schemas.Value) error {
		if d, again := s.harvested[s.def.keyOf(values)]; again {
			if d == rowDigest(values) {
				s.sameRows++
			}
			return nil
		}
		s.q.Kept++
		return s.rel.Append(values)
	})
	if err != nil {
		return fmt.Errorf("merging with release %s: %w", s.base, err)
	}
	s.m.Kept = s.q.Kept
	return nil
}

// gate closes the rejected rows and applies the gates: a failed gate
// blocks the release unless a steward approved it.
func (r *Runner) gate(s *runState) error {
	// Rejected rows are kept even when a gate blocks the release: they are
	// what the steward needs to fix the source.
	if err := s.rejects.Close(); err != nil {
		return fmt.Errorf("writing rejected rows: %w", err)
	}
	s.rejectsOut = true
	if s.q.Rejected > 0 {
		s.m.Rejects = s.rejectPath
	}
	s.m.Gates = s.def.gates(s.q, previousRelease(s.public, s.def.Dataset))
	s.m.SourceFields = s.seenSourceFields()
	if g := s.sourceFieldsGate(); g != nil {
		s.m.Gates = append(s.m.Gates, *g)
	}
	if r.approval != nil {
		s.m.Approval = r.approval
		return nil
	}
	for _, g := range s.m.Gates {
		if !g.Passed {
			return fmt.Errorf("%w: %s: %s", ErrBlocked, g.Gate, g.Detail)
		}
	}
	return nil
}

// publish switches the release in, then writes the catalogue, prunes old
// releases and pushes to the portals.
func (r *Runner) publish(ctx context.Context, s *runState) error {
	if r.beforeCommit != nil {
		if err := r.beforeCommit(); err != nil {
			return err
		}
	}
	// The mark makes a later run rewrite the catalogue if this one cannot
	// (or dies before it does).
	if err := output.MarkCatalogStale(s.public, s.m.RunID); err != nil {
		return fmt.Errorf("publishing: %w", err)
	}
	if err := addWarnings(s.rel, &s.q.Warnings); err != nil {
		return fmt.Errorf("publishing: %w", err)
	}
	if t, ok := s.hl.sourceModified(); ok {
		s.rel.SetSourceModified(t)
	}
	pub, err := s.rel.Commit(s.q)
	if errors.Is(err, output.ErrIdentical) {
		return r.keepIdentical(s, pub)
	}
	if err != nil {
		return fmt.Errorf("publishing: %w", err)
	}
	s.released = true
	m, log := s.m, s.log
	m.Outcome, m.Release, m.Files = OutcomePublished, pub.Release, pub.Files
	// Validators are saved only once the release is out, so that a failed
	// run never makes the next one believe nothing changed.
	if err := r.Store.SaveValidators(s.def.ID, s.hl.seen); err != nil {
		log.Warn("saving validators", "error", err)
	}
	// The catalogue follows the switch at once, and old releases are
	// pruned only after it, so that it never names a removed release. If
	// it cannot be written it keeps describing the previous release, which
	// is then kept too, and the next run writes it again.
	if err := output.WriteCatalog(s.public, r.Catalog); err != nil {
		m.CatalogError = err.Error()
		log.Error("writing the catalogue failed; it still describes the previous release", "error", err)
	} else {
		keep := defaultRetention
		if s.def.Retention != nil {
			keep = *s.def.Retention
		}
		if m.Pruned, err = output.Prune(s.public, s.def.Dataset, keep); err != nil {
			log.Warn("removing old releases", "error", err)
		}
	}
	m.Push = r.push(ctx, s.def, pub.Release, log)
	m.PushODS = r.pushODS(ctx, s.def, pub.Release, log)
	return nil
}

// keepIdentical ends a run whose rows are those of the release it would
// replace (output.ErrIdentical): the run is unchanged and names that
// release; the responses' validators are kept for the next run's
// conditional requests.
func (r *Runner) keepIdentical(s *runState, prev output.Published) error {
	m := s.m
	m.Outcome, m.Release = OutcomeUnchanged, prev.Release
	if err := output.UnmarkCatalogStale(s.public, m.RunID); err != nil {
		s.log.Warn("removing the catalogue mark", "error", err)
	}
	if err := r.Store.SaveValidators(s.def.ID, s.hl.seen); err != nil {
		s.log.Warn("saving validators", "error", err)
	}
	s.log.Info("same rows as the published release, nothing to publish", "release", prev.Release)
	return nil
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
