package web

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	"github.com/ligerdata/ligerdata/pipelines"
)

// runPage is the page of one run: what happened, step by step, with the
// technical detail folded away.
type runPage struct {
	Layout     layoutData
	Steward    *stewardBar
	Pipeline   string
	Run        runView
	Summary    string // the outcome in a French sentence
	Technical  string // the error as the program wrote it
	Timeline   []timelineStep
	Fetches    []fetchView
	ApproveURL string
	Running    bool
	// Log is the run's log, technical (the program's English), folded
	// away; LogMore says how many lines were not kept.
	Log     []logLineView
	LogMore string
}

// logLineView is one line of a run's log.
type logLineView struct{ Time, Level, Text string }

// logLevels name the log levels in French.
var logLevels = map[string]string{"info": "information", "warn": "avertissement", "error": "erreur"}

type timelineStep struct{ When, What string }

type fetchView struct {
	Seq      int
	Method   string
	URL      string
	Status   string
	Size     string
	Attempts string
	Outcome  string
}

var fetchOutcomes = map[string]string{"fetched": "téléchargée", "unchanged": "inchangée", "replayed": "rejouée (enregistrement)"}

func (s *site) runPageHandler(w http.ResponseWriter, r *http.Request) {
	pipeline, run := r.PathValue("pipeline"), r.PathValue("run")
	m, err := s.loadRun(pipeline, run)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errRunNotFound) {
			s.notFound(w, r)
			return
		}
		s.log.Error("run page", "pipeline", pipeline, "run", run, "error", err)
		s.serverError(w, r)
		return
	}
	rm := manifestView(m)
	page := runPage{Layout: s.layout(r, "Exécution "+run), Pipeline: pipeline, Run: s.runViewOf(rm)}
	page.Layout.NoIndex = true
	page.Summary, page.Technical = runSentence(m)
	page.Running = m.Outcome == pipelines.OutcomeRunning
	page.Timeline = append(page.Timeline, timelineStep{frenchDateTime(m.Started), "début de l'exécution"})
	for _, f := range m.Fetches {
		page.Fetches = append(page.Fetches, fetchView{
			Seq: f.Seq, Method: f.Method, URL: f.URL, Status: fmt.Sprint(f.Status),
			Size: frenchSize(int64(f.Bytes)), Attempts: fmt.Sprint(max(f.Attempts, 1)), Outcome: cmpLabel(fetchOutcomes, f.Outcome),
		})
	}
	if n := len(m.Fetches); n > 0 {
		page.Timeline = append(page.Timeline, timelineStep{"", fmt.Sprintf("%s %s à la source", frenchInt(int64(n)), plural(int64(n), "réponse reçue", "réponses reçues"))})
	}
	if m.Read > 0 {
		page.Timeline = append(page.Timeline, timelineStep{"", qualitySentence(int64(m.Read), int64(m.Accepted), int64(m.Rejected))})
	}
	if page.Run.Warned != "" {
		page.Timeline = append(page.Timeline, timelineStep{"", page.Run.Warned})
	}
	for _, g := range m.Gates {
		if !g.Passed {
			page.Timeline = append(page.Timeline, timelineStep{"", "règle « " + gateLabel(g.Gate) + " » non respectée : " + g.Detail})
		}
	}
	if !m.Finished.IsZero() {
		page.Timeline = append(page.Timeline, timelineStep{frenchDateTime(m.Finished), "fin : " + outcomeLabel(m.Outcome)})
	}
	for _, l := range m.Log {
		text := l.Message
		if l.Attrs != "" {
			text += " " + l.Attrs
		}
		page.Log = append(page.Log, logLineView{Time: l.Time.In(parisLocation).Format("15:04:05"), Level: cmpLabel(logLevels, l.Level), Text: text})
	}
	if m.LogDropped > 0 {
		n := int64(m.LogDropped)
		page.LogMore = frenchInt(n) + " " + plural(n, "ligne suivante non conservée", "lignes suivantes non conservées")
	}
	if sess := s.stewardSession(r); sess != nil {
		page.Steward = &stewardBar{Name: sess.steward.Name, CSRF: sess.csrf}
		if m.Outcome == pipelines.OutcomeBlocked && m.ApprovedBy == "" && s.sched != nil && sess.steward.mayAct(pipeline) {
			page.ApproveURL = runPageURL(pipeline, run) + "/approuver"
		}
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	if page.Running {
		w.Header().Set("Refresh", "3") // the page follows the run until it ends
	}
	s.render(w, r, http.StatusOK, "run.html", page)
}

func (s *site) stewardSession(r *http.Request) *session {
	if s.auth == nil {
		return nil
	}
	return s.auth.session(r)
}

func cmpLabel(labels map[string]string, code string) string {
	if l, ok := labels[code]; ok {
		return l
	}
	return code
}

// manifestView turns the run manifest into the dashboard's view of it.
func manifestView(m *pipelines.Manifest) *runManifest {
	rm := &runManifest{
		Pipeline: m.Pipeline, RunID: m.RunID, Dataset: m.Dataset, Started: m.Started, Finished: m.Finished,
		DurationMS: m.DurationMS, Outcome: m.Outcome, Error: m.Error, Read: int64(m.Read), Accepted: int64(m.Accepted),
		Rejected: int64(m.Rejected), Release: m.Release, RejectedFile: m.Rejects, Since: m.Since, Watermark: m.Watermark,
		Kept: int64(m.Kept), ApprovedBy: m.ApprovedBy, CatalogError: m.CatalogError, Warned: int64(m.Warned),
	}
	if len(m.WarningsBy) > 0 {
		rm.WarningsBy = make(map[string]int64, len(m.WarningsBy))
		for code, n := range m.WarningsBy {
			rm.WarningsBy[code] = int64(n)
		}
	}
	for _, g := range m.Gates {
		rm.Gates = append(rm.Gates, runGate{Gate: g.Gate, Passed: g.Passed, Detail: g.Detail})
	}
	if a := m.Approval; a != nil {
		rm.Approval = &runApproval{Run: a.Run, By: a.By, At: a.At, Reason: a.Reason}
		for _, g := range a.Gates {
			rm.Approval.Gates = append(rm.Approval.Gates, runGate{Gate: g.Gate, Passed: g.Passed, Detail: g.Detail})
		}
	}
	return rm
}

// runSentence says in French what became of a run, and returns the
// program's own error text apart, for the folded technical detail.
func runSentence(m *pipelines.Manifest) (summary, technical string) {
	technical = m.Error
	switch m.Outcome {
	case pipelines.OutcomePublished:
		return "La moisson a publié une nouvelle version.", technical
	case pipelines.OutcomeUnchanged:
		return "La source n'a pas changé depuis la dernière moisson : rien n'a été republié.", technical
	case pipelines.OutcomeRunning:
		return "La moisson est en cours ; cette page se met à jour toute seule.", technical
	case pipelines.OutcomeCancelled:
		return "La moisson a été annulée (arrêt du service) avant de publier ; la version précédente reste en ligne.", technical
	case pipelines.OutcomeInterrupted:
		return "La moisson a été interrompue par l'arrêt brutal du service ; la version précédente reste en ligne.", ""
	case pipelines.OutcomeBlocked:
		for _, g := range m.Gates {
			if !g.Passed {
				return "La publication a été bloquée par la règle « " + gateLabel(g.Gate) + " » : " + g.Detail + ". La version précédente reste en ligne ; un responsable peut approuver cette publication.", ""
			}
		}
		return "La publication a été bloquée par une règle ; la version précédente reste en ligne.", ""
	}
	return failureSentence(m.Error), technical
}

// failureSentence says in French why a run failed, from the program's
// error text (kept apart, behind a "détails" fold).
func failureSentence(errText string) string {
	if cause := pipelines.FailureCause(errText); cause != "" {
		return strings.ToUpper(cause[:1]) + cause[1:] + " ; la version précédente reste en ligne."
	}
	return "La moisson a échoué ; la version précédente reste en ligne. Le détail technique aide à en trouver la cause."
}
