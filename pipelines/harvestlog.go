package pipelines

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ligerdata/ligerdata/internal/fetch"
	"github.com/ligerdata/ligerdata/internal/store"
)

// harvestLog keeps every response of a run: in the raw store, in the
// manifest's list of fetches, and as validators for the next run's
// conditional requests. Connectors may fetch concurrently.
type harvestLog struct {
	store    *store.Store
	pipeline string
	prev     map[string]store.Validators // of the last good run
	meter    *progressMeter              // counts replayed bodies; may be nil

	mu      sync.Mutex
	m       *Manifest
	seen    map[string]store.Validators
	changed bool  // a response differed from the last good run's
	rawErr  error // the first failure to keep a body
	saving  sync.WaitGroup
}

func (h *harvestLog) observe(resp *fetch.Response) {
	h.meter.observed(resp)
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
	h.saveRaw(meta, resp)
}

// saveRaw streams a body, in memory or on disk, to the raw store; a body
// on disk (a large one) is compressed into it on a goroutine of its own,
// while the connector reads it (see wait). Called with h.mu held.
func (h *harvestLog) saveRaw(meta store.RawMeta, resp *fetch.Response) {
	body, err := resp.Open()
	if err != nil {
		h.failRaw(err)
		return
	}
	save := func() error {
		defer body.Close()
		return h.store.SaveRawFrom(h.pipeline, h.m.RunID, meta, body)
	}
	if !resp.OnDisk() {
		h.failRaw(save())
		return
	}
	// The body opened stays readable when the response's temporary file
	// is removed.
	h.saving.Go(func() {
		if err := save(); err != nil {
			h.mu.Lock()
			h.failRaw(err)
			h.mu.Unlock()
		}
	})
}

// failRaw records the first failure to keep a body (h.mu held).
func (h *harvestLog) failRaw(err error) {
	if err != nil && h.rawErr == nil {
		h.rawErr = err
	}
}

// wait waits for the bodies being kept and returns the first failure to
// keep one.
func (h *harvestLog) wait() error {
	h.saving.Wait()
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.rawErr
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

// sourceModified is the latest Last-Modified the source gave for the
// documents of this run (kept from the last good run for an unchanged
// one); false when it gave none.
func (h *harvestLog) sourceModified() (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var latest time.Time
	for _, v := range h.seen {
		if t, err := http.ParseTime(v.LastModified); err == nil && t.After(latest) {
			latest = t
		}
	}
	return latest, !latest.IsZero()
}
