package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ligerdata/ligerdata/pipelines"
)

// Store folders read by the dashboard (see package internal/store).
const (
	runsDir     = "runs"
	rejectedDir = "rejected"
)

// Dashboard limits.
const (
	maxManifestBytes   = 16 << 20
	runsPerPipeline    = 30
	rejectCellRunes    = 120
	rejectRecordRunes  = 200
	maxRejectFileBytes = 1 << 30 // rows are counted up to this many bytes
)

// runManifest is the part of a run manifest (pipelines.Manifest, stored as
// runs/<pipeline>/<run-id>.json) that the dashboard shows. It is decoded on
// its own so that the site does not depend on package pipelines.
type runManifest struct {
	Pipeline   string    `json:"pipeline"`
	RunID      string    `json:"run_id"`
	Dataset    string    `json:"dataset"`
	Started    time.Time `json:"started"`
	Finished   time.Time `json:"finished"`
	DurationMS int64     `json:"duration_ms"`
	Outcome    string    `json:"outcome"`
	Error      string    `json:"error"`
	Read       int64     `json:"read"`
	Accepted   int64     `json:"accepted"`
	Rejected   int64     `json:"rejected"`
	// Warned counts the accepted rows published with warnings.
	Warned       int64            `json:"warned"`
	WarningsBy   map[string]int64 `json:"warnings_by_code"`
	ErrorsByCode map[string]int64 `json:"errors_by_code"`
	Gates        []runGate        `json:"gates"`
	Release      string           `json:"release"`
	RejectedFile string           `json:"rejected_file"`
	Since        string           `json:"since"`
	Watermark    string           `json:"watermark"`
	Kept         int64            `json:"kept"`
	Approval     *runApproval     `json:"approval"`
	// ApprovedBy is set on a blocked run: the run that published its
	// harvest after a steward's approval.
	ApprovedBy string `json:"approved_by_run"`
	// CatalogError and Push say what happened after the publication.
	CatalogError string   `json:"catalog_error"`
	Push         *runPush `json:"push"`
}

// runPush is what a run sent to a udata portal.
type runPush struct {
	Portal   string   `json:"portal"`
	URL      string   `json:"url"`
	Uploaded []string `json:"uploaded"`
	Replaced []string `json:"replaced"`
	Error    string   `json:"error"`
}

// runGate is the verdict of one publish gate.
type runGate struct {
	Gate   string `json:"gate"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail"`
}

// runApproval records a steward's approval of a blocked release, on the
// run that published it.
type runApproval struct {
	Run    string    `json:"run"` // the blocked run
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
	Gates  []runGate `json:"gates"` // the gates that had blocked it
}

// parseManifest decodes a run manifest; it must be a JSON object.
func parseManifest(b []byte) (*runManifest, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, errors.New("web: decode run manifest: not a JSON object")
	}
	var m runManifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("web: decode run manifest: %w", err)
	}
	return &m, nil
}

// outcomeLabel returns the French name of a run outcome (see
// pipelines.OutcomeLabel).
func outcomeLabel(o string) string { return pipelines.OutcomeLabel(o) }

// gateLabel returns "baisse du nombre de lignes" for a known gate, else the
// gate's name.
func gateLabel(g string) string { return pipelines.GateLabel(g) }

// labelOr returns the label of key in labels, else fallback.
func labelOr(labels map[string]string, key, fallback string) string {
	if l, ok := labels[key]; ok {
		return l
	}
	return fallback
}

// gateView is a gate on the dashboard.
type gateView struct {
	Label  string
	Code   string
	Passed bool
	Detail string
}

// runView is one run on the dashboard.
type runView struct {
	RunID       string
	Started     string
	Duration    string
	Outcome     string
	OutcomeCode string
	// Error says in French why the run failed; Technical is the program's
	// own text, shown folded.
	Error     string
	Technical string
	Counts    string
	// Warned says how many accepted rows carry warnings ("" when none);
	// WarningsURL is the release's warnings.csv when it was published,
	// Warnings the counts by type.
	Warned      string
	WarningsURL string
	Warnings    []countRow
	// Age is "il y a 3 h"; Decision sums up the gates ("règles
	// respectées", "bloquée : part de lignes rejetées").
	Age         string
	Decision    string
	Kept        string
	Blocking    []gateView
	Gates       []gateView
	ReleaseURL  string
	Release     string
	RejectsURL  string
	Approval    string
	ApprovedRun string // the blocked run this run published
	ApprovedBy  string // on a blocked run: the run that published it
	Problem     string
	Incremental string
	// CatalogError and PushError are failures after the publication;
	// Pushed says where the release was sent.
	CatalogError string
	PushError    string
	Pushed       string
	PushedURL    string
	// RunURL is the run's own page; ApproveURL the approval form's target
	// on a blocked run the steward may approve.
	RunURL     string
	ApproveURL string
	// started and the counts feed the quality history.
	started                  time.Time
	read, accepted, rejected int64
}

// pipelineView is one pipeline's runs on the dashboard.
type pipelineView struct {
	Pipeline string
	Dataset  string
	Last     string // outcome of the latest run
	LastCode string
	// LastRun is the latest run, for the summary table (nil before any).
	LastRun *runView
	// History charts the rows accepted and rejected run after run.
	History *qualityHistory
	Runs    []runView
	More    string
	// Schedule and Next come from the daemon; RunNowURL is the target of
	// "Lancer maintenant", Active the run queued or going.
	Schedule  string
	Next      string
	RunNowURL string
	Active    string
}

type dashboardPage struct {
	Layout    layoutData
	Steward   *stewardBar
	NoHistory bool
	// Broken lists the problems of the definitions that did not load.
	Broken []brokenDef
	// Scheduled is set when the daemon's schedules are known.
	Scheduled bool
	Pipelines []pipelineView
	// Indicators are the computations of the indicators.
	Indicators []indicatorView
}

// frenchDuration formats a duration in milliseconds: "850 ms", "12,3 s",
// "4 min 05 s".
func frenchDuration(ms int64) string {
	switch {
	case ms < 0:
		return ""
	case ms < 1000:
		return frenchInt(ms) + " ms"
	case ms < 60_000:
		s := fmt.Sprintf("%.1f", float64(ms)/1000)
		return strings.Replace(strings.TrimSuffix(s, ".0"), ".", ",", 1) + " s"
	default:
		sec := ms / 1000
		return frenchInt(sec/60) + " min " + twoDigits(int(sec%60)) + " s"
	}
}

// runViewOf prepares a manifest for the dashboard.
func (s *site) runViewOf(m *runManifest) runView {
	v := runView{
		RunID:       m.RunID,
		Started:     frenchDateTime(m.Started),
		Duration:    frenchDuration(m.DurationMS),
		Outcome:     outcomeLabel(m.Outcome),
		OutcomeCode: m.Outcome,
		Counts:      qualitySentence(m.Read, m.Accepted, m.Rejected),
		started:     m.Started, read: m.Read, accepted: m.Accepted, rejected: m.Rejected,
	}
	if !m.Started.IsZero() && s.now != nil {
		v.Age = frenchAge(s.now().Sub(m.Started))
	}
	if m.Error != "" && m.Outcome != "blocked" { // a blocked run's gates say why
		v.Error, v.Technical = failureSentence(m.Error), m.Error
	}
	v.Kept = keptSentence(m.Kept)
	v.CatalogError = m.CatalogError
	if p := m.Push; p != nil {
		if p.Error != "" {
			v.PushError = p.Error
		} else {
			n := int64(len(p.Uploaded) + len(p.Replaced))
			v.Pushed = fmt.Sprintf("envoyée au portail %s (%s %s)", p.Portal, frenchInt(n), plural(n, "fichier envoyé", "fichiers envoyés"))
			v.PushedURL = p.URL
		}
	}
	if m.Since != "" {
		v.Incremental = "moisson incrémentale après " + m.Since
	}
	for _, g := range m.Gates {
		gv := gateView{Label: gateLabel(g.Gate), Code: g.Gate, Passed: g.Passed, Detail: g.Detail}
		v.Gates = append(v.Gates, gv)
		if !g.Passed {
			v.Blocking = append(v.Blocking, gv)
		}
	}
	v.Decision = gateDecision(v.Gates, v.Blocking, m.Approval != nil)
	if m.Release != "" && validName(m.Release) && validName(m.Dataset) && m.Outcome == "published" {
		v.Release = m.Release
		v.ReleaseURL = s.absURL(releasePageURL(m.Dataset, m.Release))
	}
	if m.Warned > 0 {
		v.Warned = warnedSentence(m.Warned)
		if m.Outcome != "published" {
			v.Warned = acceptedWarnedSentence(m.Warned)
		}
		v.Warnings = countRows(m.WarningsBy, warningCodeLabel)
		if v.ReleaseURL != "" {
			v.WarningsURL = s.absURL(fileURL(m.Dataset, m.Release, "warnings.csv"))
		}
	}
	if m.Rejected > 0 && validName(m.Dataset) && validName(m.RunID) {
		if _, err := s.rejectsFile(m.Dataset, m.RunID); err == nil {
			v.RejectsURL = s.absURL(rejectsPageURL(m.Dataset, m.RunID))
		}
	}
	if a := m.Approval; a != nil {
		v.Approval = "approuvée"
		if a.By != "" {
			v.Approval += " par " + a.By
		}
		if !a.At.IsZero() {
			v.Approval += " le " + frenchDateTime(a.At)
		}
		if a.Reason != "" {
			v.Approval += " : " + a.Reason
		}
		var gates []string
		for _, g := range a.Gates {
			if !g.Passed {
				gates = append(gates, "« "+gateLabel(g.Gate)+" »")
			}
		}
		if len(gates) > 0 {
			v.Approval += " (" + plural(int64(len(gates)), "règle levée", "règles levées") + " : " + strings.Join(gates, ", ") + ")"
		}
		if validName(a.Run) {
			v.ApprovedRun = a.Run
		}
	}
	if validName(m.ApprovedBy) {
		v.ApprovedBy = m.ApprovedBy
	}
	return v
}

// gateDecision sums up the publish gates of a run in French.
func gateDecision(gates, blocking []gateView, approved bool) string {
	switch {
	case len(gates) == 0:
		return ""
	case approved:
		return "publication approuvée malgré les règles"
	case len(blocking) == 0:
		return "règles respectées"
	}
	var names []string
	for _, g := range blocking {
		names = append(names, "« "+g.Label+" »")
	}
	return "bloquée par " + joinFrench(names)
}

// frenchAge says how long ago something happened: "il y a 5 min", "il y
// a 3 h", "il y a 2 j"; "" for a negative or zero time.
func frenchAge(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d < time.Minute:
		return "il y a moins d'une minute"
	case d < time.Hour:
		return "il y a " + frenchInt(int64(d/time.Minute)) + " min"
	case d < 48*time.Hour:
		return "il y a " + frenchInt(int64(d/time.Hour)) + " h"
	}
	return "il y a " + frenchInt(int64(d/(24*time.Hour))) + " j"
}

func rejectsPageURL(dataset, run string) string {
	return "/tableau-de-bord/rejets/" + dataset + "/" + run
}

// listDir lists the entries of dir with a valid name; a missing dir is an
// empty list.
func listDir(dir string) ([]os.DirEntry, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := entries[:0]
	for _, e := range entries {
		if validName(e.Name()) {
			out = append(out, e)
		}
	}
	return out, nil
}

// pipelineRuns reads the newest runs of a pipeline.
func (s *site) pipelineRuns(pipeline string) (pipelineView, error) {
	pv := pipelineView{Pipeline: pipeline}
	dir := filepath.Join(s.storeDir, runsDir, pipeline)
	entries, err := listDir(dir)
	if err != nil {
		return pv, fmt.Errorf("web: list runs of %s: %w", pipeline, err)
	}
	var ids []string
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), ".json"); ok && e.Type().IsRegular() && validName(id) {
			ids = append(ids, id)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(ids)))
	if len(ids) > runsPerPipeline {
		n := int64(len(ids) - runsPerPipeline)
		pv.More = frenchInt(n) + " " + plural(n, "exécution plus ancienne", "exécutions plus anciennes")
		ids = ids[:runsPerPipeline]
	}
	for _, id := range ids {
		p := filepath.Join(dir, id+".json")
		b, err := readLimited(p, maxManifestBytes)
		var m *runManifest
		if err == nil {
			m, err = parseManifest(b)
		}
		if err != nil {
			s.log.Warn("dashboard: unreadable run manifest", "path", p, "err", err)
			pv.Runs = append(pv.Runs, runView{RunID: id, Problem: "manifeste illisible"})
			continue
		}
		if m.RunID == "" {
			m.RunID = id
		}
		if pv.Dataset == "" && validName(m.Dataset) {
			pv.Dataset = m.Dataset
		}
		pv.Runs = append(pv.Runs, s.runViewOf(m))
	}
	if len(pv.Runs) > 0 {
		pv.Last, pv.LastCode, pv.LastRun = pv.Runs[0].Outcome, pv.Runs[0].OutcomeCode, &pv.Runs[0]
		pv.History = historyOf(&pv)
		if pv.Runs[0].Problem != "" {
			pv.Last = pv.Runs[0].Problem
		}
	}
	return pv, nil
}

// dashboard serves GET /tableau-de-bord: the runs of every pipeline, newest
// first, with their outcome, the gates that blocked them and their rejected
// rows.
func (s *site) dashboard(w http.ResponseWriter, r *http.Request) {
	page := dashboardPage{Layout: s.layout(r, "Tableau de bord des moissons")}
	page.Layout.NoIndex = true
	if s.storeDir != "" {
		entries, err := listDir(filepath.Join(s.storeDir, runsDir))
		if err != nil {
			s.log.Error("dashboard: list pipelines", "err", err)
			s.serverError(w, r)
			return
		}
		for _, e := range entries {
			if !e.IsDir() || strings.HasPrefix(e.Name(), indicatorRunPrefix) {
				continue
			}
			pv, err := s.pipelineRuns(e.Name())
			if err != nil {
				s.log.Warn("dashboard: pipeline skipped", "pipeline", e.Name(), "err", err)
				continue
			}
			if len(pv.Runs) > 0 {
				page.Pipelines = append(page.Pipelines, pv)
			}
		}
	}
	page.Indicators = s.indicatorRuns()
	s.stewardView(r, &page)
	page.Scheduled = s.sched != nil
	page.Broken = s.brokenDefs
	page.NoHistory = len(page.Pipelines) == 0 && len(page.Indicators) == 0
	w.Header().Set("X-Robots-Tag", "noindex")
	s.render(w, r, http.StatusOK, "dashboard.html", page)
}

// rejectsFile returns the path of the rejected rows of a run after checking
// that it is a regular file of the store.
func (s *site) rejectsFile(dataset, run string) (string, error) {
	if s.storeDir == "" || !validName(dataset) || !validName(run) {
		return "", errNotFound
	}
	p := filepath.Join(s.storeDir, rejectedDir, dataset, run+".csv")
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return "", errNotFound
	}
	if err != nil {
		return "", fmt.Errorf("web: stat %s: %w", p, err)
	}
	if !fi.Mode().IsRegular() {
		return "", errNotFound
	}
	return p, nil
}

// rejectRow is one line of a rejected-rows file.
type rejectRow struct {
	Line, Row, Field string
	Value            cell
	Label, Code      string
	Constraint       string
	Message          string
	Record           cell
}

// rejectsView is one page of the error lines of a rejected-rows file.
type rejectsView struct {
	Rows     []rejectRow
	Total    int64 // error lines in the file
	Matching int64 // those the filter keeps
	// Fields and Codes are the distinct fields and error codes met, for
	// the filter's choices.
	Fields  []string
	Codes   []codeChoice
	Partial bool // the file was not read to its end (malformed or too large)
}

// readRejects reads the rejected-rows CSV written by package output
// (columns line,row,field,value,code,constraint,message,record, in the
// order of its header), keeping the first n lines and counting the others.
func readRejects(r io.Reader, n int) (*rejectsView, error) {
	return readRejectsPage(r, rejectFilter{Page: 1}, n)
}

// readRejectsPage keeps the n error lines of page f.Page among those
// matching f, and counts them all.
func readRejectsPage(r io.Reader, f rejectFilter, n int) (*rejectsView, error) {
	v := &rejectsView{}
	skip := int64(max(f.Page-1, 0) * n)
	fields, codes := map[string]bool{}, map[string]bool{}
	err := scanRejects(r, func(row rejectRow) {
		v.Total++
		fields[row.Field], codes[row.Code] = true, true
		if !f.match(row.Field, row.Code) {
			return
		}
		v.Matching++
		if v.Matching > skip && len(v.Rows) < n {
			v.Rows = append(v.Rows, row)
		}
	})
	if errors.Is(err, errPartialRejects) {
		v.Partial, err = true, nil
	}
	if err != nil {
		return nil, err
	}
	v.Fields = sortedKeys(fields)
	for _, c := range sortedKeys(codes) {
		v.Codes = append(v.Codes, codeChoice{Code: c, Label: errorCodeLabel(c)})
	}
	return v, nil
}

// codeChoice is an error code in the filter, with its French name.
type codeChoice struct{ Code, Label string }

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

type rejectsPage struct {
	Layout      layoutData
	Dataset     string
	Run         string
	Started     string
	DownloadURL string
	// SpreadsheetURL is the same file for a French spreadsheet.
	SpreadsheetURL string
	// Summary is "12 erreurs" or "erreurs 101 à 200 sur 1 234".
	Summary string
	Rejects *rejectsView
	Filter  rejectFilter
	Groups  []rejectGroup
	// PrevURL and NextURL page through the matching errors.
	PrevURL, NextURL string
}

// rejectsSummary says which errors of how many a page shows.
func rejectsSummary(shown int, from, matching, total int64) string {
	if shown == 0 {
		return ""
	}
	s := frenchInt(matching) + " " + plural(matching, "erreur", "erreurs")
	if int64(shown) < matching {
		s = "erreurs " + frenchInt(from) + " à " + frenchInt(from+int64(shown)-1) + " sur " + frenchInt(matching)
	}
	if matching < total {
		s += " " + plural(matching, "retenue", "retenues") + " par le filtre (" + frenchInt(total) + " en tout)"
	}
	return s
}

// rejects serves GET /tableau-de-bord/rejets/{dataset}/{run}, the rejected
// rows of a run as a French table (filtered by ?champ= and ?code=, paged by
// ?page=, with the errors grouped by code and field), and .../{run}.csv,
// the file itself (?tableur=1: for a French spreadsheet).
func (s *site) rejects(w http.ResponseWriter, r *http.Request) {
	dataset, run := r.PathValue("dataset"), r.PathValue("run")
	run, download := strings.CutSuffix(run, ".csv")
	p, err := s.rejectsFile(dataset, run)
	if err != nil {
		if !errors.Is(err, errNotFound) {
			s.log.Warn("rejected rows unavailable", "dataset", dataset, "run", run, "err", err)
		}
		s.notFound(w, r)
		return
	}
	f, err := os.Open(p)
	if err != nil {
		s.log.Warn("open rejected rows", "path", p, "err", err)
		s.notFound(w, r)
		return
	}
	defer f.Close()
	w.Header().Set("X-Robots-Tag", "noindex")
	if download {
		s.downloadRejects(w, r, f, dataset, run)
		return
	}
	filter := filterOf(r.URL.Query())
	v, err := readRejectsPage(f, filter, rejectsPerPage)
	var groups []rejectGroup
	if err == nil {
		if _, err = f.Seek(0, io.SeekStart); err == nil {
			groups, err = groupRejects(f)
			if errors.Is(err, errPartialRejects) {
				err = nil
			}
		}
	}
	if err != nil {
		s.log.Warn("read rejected rows", "path", p, "err", err)
		s.serverError(w, r)
		return
	}
	base := s.absURL(rejectsPageURL(dataset, run))
	from := int64((filter.Page-1)*rejectsPerPage) + 1
	page := rejectsPage{
		Layout:         s.layout(r, "Lignes rejetées — "+dataset),
		Dataset:        dataset,
		Run:            run,
		DownloadURL:    base + ".csv",
		SpreadsheetURL: base + ".csv?tableur=1",
		Summary:        rejectsSummary(len(v.Rows), from, v.Matching, v.Total),
		Rejects:        v,
		Filter:         filter,
		Groups:         groups,
	}
	if filter.Page > 1 {
		page.PrevURL = base + filter.query(filter.Page-1)
	}
	if from-1+int64(len(v.Rows)) < v.Matching {
		page.NextURL = base + filter.query(filter.Page+1)
	}
	page.Layout.NoIndex = true
	if t, ok := releaseTime(run); ok {
		page.Started = frenchDateTime(t)
	}
	s.render(w, r, http.StatusOK, "rejects.html", page)
}

// downloadRejects serves the rejected-rows file as written, or with
// ?tableur=1 as a French spreadsheet opens it.
func (s *site) downloadRejects(w http.ResponseWriter, r *http.Request, f *os.File, dataset, run string) {
	fi, err := f.Stat()
	if err != nil {
		s.log.Warn("stat rejected rows", "path", f.Name(), "err", err)
		s.serverError(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	if r.URL.Query().Get("tableur") != "" {
		h.Set("Content-Disposition", `attachment; filename="rejets-`+dataset+"-"+run+`-tableur.csv"`)
		if err := writeSpreadsheetCSV(w, f); err != nil {
			s.log.Warn("rejected rows for a spreadsheet", "path", f.Name(), "err", err)
		}
		return
	}
	h.Set("Content-Disposition", `attachment; filename="rejets-`+dataset+"-"+run+`.csv"`)
	http.ServeContent(w, r, run+".csv", fi.ModTime(), f)
}
