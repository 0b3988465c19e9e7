package web

import (
	"path/filepath"
	"strings"

	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/internal/store"
)

// runsPerIndicator is how many computations of an indicator the dashboard
// shows.
const runsPerIndicator = 10

// indicatorRunPrefix starts the store folder of an indicator's runs
// (indicators.RunKey): those folders are not pipelines.
var indicatorRunPrefix = indicators.RunKey("")

// indicatorRunView is one computation of an indicator on the dashboard.
type indicatorRunView struct {
	RunID       string
	Started     string
	Duration    string
	Outcome     string
	OutcomeCode string
	// Error says in French why a computation failed or was blocked;
	// Technical is the program's own text of a failure, shown folded.
	Error      string
	Technical  string
	Rows       string
	Release    string
	ReleaseURL string
	Audits     []gateView
}

// indicatorView is one indicator's computations on the dashboard.
type indicatorView struct {
	ID       string
	Last     string
	LastCode string
	PageURL  string
	Runs     []indicatorRunView
}

// indicatorOutcomes gives the French name of a computation's outcome.
var indicatorOutcomes = map[string]string{
	indicators.OutcomeComputed:    "calculé",
	indicators.OutcomeUnchanged:   "inchangé",
	indicators.OutcomeAuditFailed: "bloqué par un contrôle",
	indicators.OutcomeFailed:      "en échec",
}

// indicatorRuns reads the newest computations of every indicator that has
// one, sorted by indicator id.
func (s *site) indicatorRuns() []indicatorView {
	if s.storeDir == "" {
		return nil
	}
	entries, err := listDir(filepath.Join(s.storeDir, runsDir))
	if err != nil {
		s.log.Warn("dashboard: list indicator runs", "err", err)
		return nil
	}
	st := &store.Store{Root: s.storeDir}
	var out []indicatorView
	for _, e := range entries {
		id, ok := strings.CutPrefix(e.Name(), indicatorRunPrefix)
		if !ok || !e.IsDir() || !validName(id) {
			continue
		}
		ms, err := indicators.Runs(st, id, runsPerIndicator)
		if err != nil || len(ms) == 0 {
			continue
		}
		v := indicatorView{ID: id, PageURL: s.absURL("/indicateurs/" + id)}
		for _, m := range ms {
			v.Runs = append(v.Runs, s.indicatorRunViewOf(m))
		}
		v.Last, v.LastCode = v.Runs[0].Outcome, v.Runs[0].OutcomeCode
		out = append(out, v)
	}
	return out
}

func (s *site) indicatorRunViewOf(m *indicators.RunManifest) indicatorRunView {
	label, ok := indicatorOutcomes[m.Outcome]
	if !ok {
		label = outcomeLabel(m.Outcome)
	}
	v := indicatorRunView{
		RunID: m.RunID, Started: frenchDateTime(m.Started), Duration: frenchDuration(m.DurationMS),
		Outcome: label, OutcomeCode: m.Outcome, Error: m.Error,
		Rows: frenchInt(int64(m.Rows)) + " " + plural(int64(m.Rows), "ligne", "lignes"),
	}
	if m.Outcome == indicators.OutcomeFailed && m.Error != "" {
		// The engine's error (often DuckDB's) is technical: folded away.
		v.Error, v.Technical = "Le calcul a échoué ; la version précédente reste en ligne. Le détail technique aide à en trouver la cause.", m.Error
	}
	if validName(m.Release) && m.Outcome == indicators.OutcomeComputed {
		v.Release = m.Release
		v.ReleaseURL = s.absURL("/indicators/" + m.Indicator + "/" + m.Release + "/" + indicators.FileProvenance)
	}
	for _, a := range m.Audits {
		v.Audits = append(v.Audits, gateView{Label: a.Label, Code: a.Check, Passed: a.Passed, Detail: a.Detail})
	}
	return v
}
