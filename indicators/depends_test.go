package indicators

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ligerdata/ligerdata/internal/store"
)

// chainDefs are two fixture indicators: lieux-par-departement (the
// fixture's) and total-departements, which reads it and sums its
// départements; with cycle, the first also reads the second.
func chainDefs(cycle bool) fstest.MapFS {
	up := lieuxYAML
	if cycle {
		up = strings.Replace(up, "datasets: [lieux]", "datasets: [lieux]\n  indicators: [total-departements]", 1)
	}
	down := strings.Replace(lieuxYAML, "id: lieux-par-departement", "id: total-departements", 1)
	down = strings.Replace(down, "datasets: [lieux]", "datasets: [lieux]\n  indicators: [lieux-par-departement]", 1)
	down = strings.Replace(down, "  - {check: total, field: valeur, where: \"niveau = 'departement'\", equals_count_of: lieux}\n", "", 1)
	return fixtureDefs(map[string]string{
		"lieux-par-departement.yaml": up,
		"total-departements.yaml":    down,
		// The sum of the département rows of the upstream indicator, as a
		// regional row (the upstream's region row aside).
		"total-departements.sql": "SELECT 'region' AS niveau, '52' AS code, 'Pays de la Loire' AS libelle,\n" +
			"       sum(valeur) AS valeur\nFROM lieux_par_departement WHERE niveau = 'departement'\n",
	})
}

func TestLintRejectsACycleOfIndicators(t *testing.T) {
	l := &Loader{Inputs: fixtureInputs(t), Prepare: true, Prelude: fixturePrelude}
	_, err := l.LoadAll(chainDefs(true))
	if err == nil || !strings.Contains(err.Error(), "lieux-par-departement.yaml: inputs.indicators: dépendance circulaire entre indicateurs : lieux-par-departement → total-departements → lieux-par-departement") {
		t.Fatalf("got %v", err)
	}
}

// TestIndicatorReadsIndicator: the downstream indicator is computed after
// the upstream one (whatever the order given), reads its latest release,
// names it among its inputs, and is recomputed when (and only when) that
// release changed.
func TestIndicatorReadsIndicator(t *testing.T) {
	l := &Loader{Inputs: fixtureInputs(t), Prepare: true, Prelude: fixturePrelude}
	defs, err := l.LoadAll(chainDefs(false))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	publishFixture(t, st.PublicDir(), "lieux", "20261201T100000Z-0001", lieuxRows())
	publishFixture(t, st.PublicDir(), "communes", "20261201T100000Z-0002", communesRows())
	// A clock that moves: two computations at the same instant could draw
	// the same run id (4 random bits) and collide on the release folder.
	clock := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	e := &Engine{Store: st, DuckDB: Config{MemoryLimit: "256MB", Threads: 1}, Now: func() time.Time { clock = clock.Add(time.Second); return clock }}
	byID := indexByID(defs)
	up, down := byID["lieux-par-departement"], byID["total-departements"]
	defs = []*Definition{up, down}
	ms, err := e.ComputeAll(context.Background(), []*Definition{down, up})
	if err != nil {
		t.Fatal(err)
	}
	if ms[0].Indicator != up.ID || ms[1].Indicator != down.ID {
		t.Fatalf("order %s, %s", ms[0].Indicator, ms[1].Indicator)
	}
	_, rows, err := ReadLatest(st.PublicDir(), down)
	if err != nil {
		t.Fatal(err)
	}
	// Départements: 44 has l1 l2 l3 (3), 72 has l4 l5 (2): 3 + 2 = 5.
	if len(rows) != 1 || down.Value(rows[0], "valeur") != 5.0 {
		t.Fatalf("rows %v, want one regional row of 5", rows)
	}
	in := ms[1].Inputs
	if len(in) != 2 || in[1].Dataset != up.ID || !in[1].Indicator || in[1].Release != ms[0].Release ||
		in[1].URL != "/indicators/"+up.ID+"/"+ms[0].Release+"/data.parquet" {
		t.Fatalf("inputs %+v", in)
	}
	// Nothing changed: both unchanged. Then a new upstream release with
	// other content (one place less) recomputes the downstream one.
	ms, _ = e.ComputeAll(context.Background(), defs)
	if ms[0].Outcome != OutcomeUnchanged || ms[1].Outcome != OutcomeUnchanged {
		t.Fatalf("outcomes %s, %s", ms[0].Outcome, ms[1].Outcome)
	}
	publishFixture(t, st.PublicDir(), "lieux", "20261203T100000Z-0003", lieuxRows()[:4])
	ms, _ = e.ComputeAll(context.Background(), Dependents(defs, []string{"lieux"}))
	if len(ms) != 2 || ms[0].Outcome != OutcomeComputed || ms[1].Outcome != OutcomeComputed {
		t.Fatalf("after a change of lieux: %+v", ms)
	}
	if _, rows, _ = ReadLatest(st.PublicDir(), down); down.Value(rows[0], "valeur") != 4.0 {
		t.Errorf("valeur %v, want 4 (3 + 1)", down.Value(rows[0], "valeur"))
	}
}
