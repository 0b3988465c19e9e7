package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/internal/store"
)

// TestDashboardIndicators stores two computations of an indicator, the
// newest blocked by an audit, and a pipeline run: the dashboard shows the
// indicator with its audits in French, apart from the pipelines.
func TestDashboardIndicators(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	started := time.Date(2026, 12, 1, 4, 0, 0, 0, time.UTC)
	runs := []*indicators.RunManifest{
		{Indicator: "lieux-par-territoire", RunID: "20261201T040000Z-0001", Started: started, DurationMS: 420, Outcome: indicators.OutcomeComputed,
			Rows: 12, Release: "20261201T040000Z-0001",
			Audits: []indicators.AuditResult{{Check: "not_null", Label: "valeurs renseignées (niveau, code, valeur)", Passed: true, Detail: "aucune valeur manquante"}}},
		{Indicator: "lieux-par-territoire", RunID: "20261202T040000Z-0002", Started: started.Add(24 * time.Hour), DurationMS: 380, Outcome: indicators.OutcomeAuditFailed,
			Error:  "publication bloquée par un contrôle : total de valeur égal au nombre de lignes de lieux : total 5, lieux compte 6 lignes",
			Audits: []indicators.AuditResult{{Check: "total", Label: "total de valeur égal au nombre de lignes de lieux", Passed: false, Detail: "total 5, lieux compte 6 lignes"}}},
	}
	for _, m := range runs {
		if err := st.SaveRun(indicators.RunKey(m.Indicator), m.RunID, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SaveRun("p", "20261201T030000Z-0001", map[string]any{"pipeline": "p", "run_id": "20261201T030000Z-0001", "dataset": "d", "outcome": "published"}); err != nil {
		t.Fatal(err)
	}
	h, _ := newStoreSite(t, st.Root, st.PublicDir(), false)
	rec := do(t, h, http.MethodGet, "/tableau-de-bord", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	body := rec.Body.String()
	if strings.Contains(body, `id="chaine-indicator-`) {
		t.Error("the runs of an indicator are shown as a pipeline")
	}
	sec := between(t, body, `<section class="indicator-runs" id="indicateur-lieux-par-territoire"`, "</section>")
	for _, want := range []string{
		`dernier calcul : <span class="outcome outcome-audit_failed">bloqué par un contrôle</span>`,
		`<strong>non respecté</strong> : total de valeur égal au nombre de lignes de lieux — total 5, lieux compte 6 lignes`,
		`respecté : valeurs renseignées (niveau, code, valeur) — aucune valeur manquante`,
		`href="/indicators/lieux-par-territoire/20261201T040000Z-0001/provenance.json"`,
		`12 lignes`,
	} {
		if !strings.Contains(sec, want) {
			t.Errorf("indicator section lacks %q:\n%s", want, sec)
		}
	}
	if strings.Index(sec, "20261202T040000Z-0002") > strings.Index(sec, "20261201T040000Z-0001") {
		t.Error("the newest computation is not first")
	}
}

// A failed computation is said in French; the engine's own words (here
// DuckDB's) are folded away as technical detail.
func TestDashboardIndicatorFailureInFrench(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m := &indicators.RunManifest{Indicator: "part-rurale", RunID: "20261203T040000Z-0003", Started: time.Date(2026, 12, 3, 4, 0, 0, 0, time.UTC),
		Outcome: indicators.OutcomeFailed, Error: `Binder Error: Referenced column "x" not found`}
	if err := st.SaveRun(indicators.RunKey(m.Indicator), m.RunID, m); err != nil {
		t.Fatal(err)
	}
	h, _ := newStoreSite(t, st.Root, st.PublicDir(), false)
	body := do(t, h, http.MethodGet, "/tableau-de-bord", nil).Body.String()
	want := "<p class=\"run-error\">Le calcul a échoué ; la version précédente reste en ligne. Le détail technique aide à en trouver la cause.</p>\n" +
		"<details class=\"technical\"><summary>Détails techniques</summary><pre>Binder Error: Referenced column &#34;x&#34; not found</pre></details>"
	if !strings.Contains(body, want) {
		t.Errorf("dashboard lacks %q", want)
	}
}
