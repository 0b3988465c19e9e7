package alerts

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ligerdata/ligerdata/pipelines"
)

// Kinds of alert.
const (
	KindFailed      = "failed"       // a run failed
	KindBlocked     = "blocked"      // a gate blocked a release
	KindAuditFailed = "audit_failed" // an audit blocked an indicator
	KindDown        = "down"         // a source failed several runs in a row (repeated with back-off)
	KindRecovered   = "recovered"    // a source that had failed works again
)

// Alert is one message, as sent to webhooks (JSON) and by e-mail (Title as
// the subject, Message as the body). Title and Message are in French.
type Alert struct {
	Kind     string    `json:"kind"`
	Pipeline string    `json:"pipeline"`
	Run      string    `json:"run,omitempty"`
	At       time.Time `json:"at"`
	Title    string    `json:"title"`
	Message  string    `json:"message"`
	URL      string    `json:"url,omitempty"`
	// FailuresInARow counts the failed runs of the source so far.
	FailuresInARow int `json:"failures_in_a_row,omitempty"`
}

// Notifier decides which finished runs deserve an alert and sends them.
// It keeps, per pipeline, how many runs failed in a row and when it last
// wrote, so a source that stays down gives one "down" alert, then repeats
// with a doubling wait, and one "rétabli" alert when it works again.
type Notifier struct {
	cfg     Config
	baseURL string
	log     *slog.Logger
	now     func() time.Time
	client  *http.Client
	// tls overrides the TLS settings of STARTTLS (tests trust their own
	// certificate).
	tls *tls.Config

	mu    sync.Mutex
	state map[string]*sourceState
}

type sourceState struct {
	failures int
	alerted  bool // a failure alert went out since the last success
	down     bool
	lastSent time.Time
	wait     time.Duration
}

// New returns a notifier for cfg. baseURL (the site's public address)
// makes links to the dashboard absolute; now may be nil (time.Now).
func New(cfg Config, baseURL string, log *slog.Logger, now func() time.Time) *Notifier {
	if cfg.FailuresInARow <= 0 {
		cfg.FailuresInARow = 3
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Hour
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Notifier{cfg: cfg, baseURL: strings.TrimRight(baseURL, "/"), log: log, now: now,
		client: &http.Client{Timeout: 15 * time.Second}, state: map[string]*sourceState{}}
}

// maxBackoff caps the wait between two alerts for a source still down.
const maxBackoff = 24 * time.Hour

// RunFinished looks at a finished run and sends what it calls for: one
// digest per event. Cancelled and interrupted runs are not the source's
// fault and change nothing.
func (n *Notifier) RunFinished(m *pipelines.Manifest) {
	if n == nil || m == nil {
		return
	}
	if a := n.decide(m); a != nil {
		n.send(*a)
	}
}

func (n *Notifier) decide(m *pipelines.Manifest) *Alert {
	n.mu.Lock()
	defer n.mu.Unlock()
	st := n.state[m.Pipeline]
	if st == nil {
		st = &sourceState{}
		n.state[m.Pipeline] = st
	}
	now := n.now()
	switch m.Outcome {
	case pipelines.OutcomePublished, pipelines.OutcomeUnchanged:
		if !st.alerted {
			*st = sourceState{}
			return nil
		}
		a := n.recovered(m, st.failures)
		*st = sourceState{}
		return a
	case pipelines.OutcomeBlocked:
		st.alerted = true
		return n.blocked(m)
	case pipelines.OutcomeFailed:
		st.failures++
		switch {
		case st.down:
			if now.Sub(st.lastSent) < st.wait {
				n.log.Info("alert held back: source still down", "pipeline", m.Pipeline, "run", m.RunID, "failures", st.failures)
				return nil
			}
			st.wait = min(st.wait*2, maxBackoff)
		case st.failures >= n.cfg.FailuresInARow:
			st.down, st.wait = true, n.cfg.Backoff
		}
		st.alerted, st.lastSent = true, now
		if st.down {
			return n.down(m, st.failures)
		}
		return n.failed(m, st.failures)
	}
	return nil
}

func (n *Notifier) runURL(m *pipelines.Manifest) string {
	return n.baseURL + "/tableau-de-bord/executions/" + m.Pipeline + "/" + m.RunID
}

func (n *Notifier) failed(m *pipelines.Manifest, failures int) *Alert {
	var b strings.Builder
	fmt.Fprintf(&b, "La moisson de la chaîne %s (exécution %s) a échoué. La version publiée précédente reste en ligne.\n\n", m.Pipeline, m.RunID)
	fmt.Fprintf(&b, "Erreur : %s\n", m.Error)
	writeCounts(&b, m)
	fmt.Fprintf(&b, "\nDétail : %s\n", n.runURL(m))
	return &Alert{Kind: KindFailed, Pipeline: m.Pipeline, Run: m.RunID, At: n.now().UTC(), FailuresInARow: failures,
		Title: "[ligerdata] Échec de la moisson " + m.Pipeline, Message: b.String(), URL: n.runURL(m)}
}

func (n *Notifier) down(m *pipelines.Manifest, failures int) *Alert {
	a := n.failed(m, failures)
	a.Kind = KindDown
	a.Title = fmt.Sprintf("[ligerdata] La source de %s est en panne (%d échecs de suite)", m.Pipeline, failures)
	a.Message = fmt.Sprintf("Les %d dernières moissons de la chaîne %s ont échoué. Les prochains échecs ne seront signalés qu'à intervalles croissants ; un message dira quand la source sera rétablie.\n\n", failures, m.Pipeline) + a.Message
	return a
}

func (n *Notifier) blocked(m *pipelines.Manifest) *Alert {
	var b strings.Builder
	fmt.Fprintf(&b, "Une règle de publication a bloqué la nouvelle version de la chaîne %s (exécution %s). La version précédente reste en ligne.\n\n", m.Pipeline, m.RunID)
	for _, g := range m.Gates {
		if !g.Passed {
			fmt.Fprintf(&b, "Règle non respectée : %s — %s\n", g.Gate, g.Detail)
		}
	}
	writeCounts(&b, m)
	fmt.Fprintf(&b, "\nPour publier quand même, depuis le tableau de bord (%s) ou en ligne de commande :\n  ligerdata release approve %s %s --by VOTRE_NOM --reason \"…\"\n", n.runURL(m), m.Pipeline, m.RunID)
	return &Alert{Kind: KindBlocked, Pipeline: m.Pipeline, Run: m.RunID, At: n.now().UTC(),
		Title: "[ligerdata] Publication bloquée : " + m.Pipeline, Message: b.String(), URL: n.runURL(m)}
}

func (n *Notifier) recovered(m *pipelines.Manifest, failures int) *Alert {
	msg := fmt.Sprintf("La chaîne %s fonctionne de nouveau : l'exécution %s s'est bien terminée", m.Pipeline, m.RunID)
	if failures > 0 {
		msg += fmt.Sprintf(" après %d %s", failures, plural(failures, "échec", "échecs"))
	}
	msg += ".\n"
	return &Alert{Kind: KindRecovered, Pipeline: m.Pipeline, Run: m.RunID, At: n.now().UTC(),
		Title: "[ligerdata] Rétabli : " + m.Pipeline, Message: msg, URL: n.runURL(m)}
}

// AuditFailed reports an indicator whose audits blocked publication;
// detail is the computation's French error.
func (n *Notifier) AuditFailed(indicator, run, detail string) {
	if n == nil {
		return
	}
	n.send(Alert{Kind: KindAuditFailed, Pipeline: "indicator-" + indicator, Run: run, At: n.now().UTC(),
		Title:   "[ligerdata] Contrôle en échec : indicateur " + indicator,
		Message: fmt.Sprintf("Un contrôle a bloqué la publication de l'indicateur %s (calcul %s). La version précédente reste en ligne.\n\n%s\n", indicator, run, detail)})
}

// writeCounts adds the rows and the most frequent error codes: a digest,
// not one line per error.
func writeCounts(b *strings.Builder, m *pipelines.Manifest) {
	if m.Read == 0 {
		return
	}
	fmt.Fprintf(b, "\nLignes : %d lues, %d acceptées, %d rejetées.\n", m.Read, m.Accepted, m.Rejected)
	codes := make([]string, 0, len(m.ErrorsBy))
	for c := range m.ErrorsBy {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool {
		if m.ErrorsBy[codes[i]] != m.ErrorsBy[codes[j]] {
			return m.ErrorsBy[codes[i]] > m.ErrorsBy[codes[j]]
		}
		return codes[i] < codes[j]
	})
	for i, c := range codes {
		if i == 5 {
			fmt.Fprintf(b, "  … et %d autres types d'erreur\n", len(codes)-5)
			break
		}
		fmt.Fprintf(b, "  %s : %d\n", c, m.ErrorsBy[c])
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// KindAttendanceReminder is a steward's reminder to a place that has not
// declared its attendance for a month.
const KindAttendanceReminder = "attendance_reminder"

// Remind sends a reminder that place (named name) has not declared its
// attendance for month; url is the place's declaration page. It goes to
// the configured webhooks and e-mail, whose owners relay it to the place.
func (n *Notifier) Remind(place, name, month, url string) {
	n.send(Alert{Kind: KindAttendanceReminder, Pipeline: "frequentation-lieux-mediation", At: n.now().UTC(), URL: url,
		Title:   "Rappel : fréquentation de " + name + " pour " + month,
		Message: "Le lieu « " + name + " » (" + place + ") n'a pas encore déclaré sa fréquentation du mois " + month + ". Déclaration : " + url})
}
