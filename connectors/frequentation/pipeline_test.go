package frequentation_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/attendance"
	"github.com/ligerdata/ligerdata/connectors/all"
	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/pipelines"
	"github.com/ligerdata/ligerdata/schemas"
)

// TestPipelinePublishesDeclarations runs the embedded pipeline after a
// place of the recorded regional export declared two months.
func TestPipelinePublishesDeclarations(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	l := &pipelines.Loader{Registry: all.Registry()}
	runner := &pipelines.Runner{Store: st, Logger: slog.New(slog.DiscardHandler), ReplayDir: "../../testdata/replay",
		Catalog: output.CatalogMeta{Title: "T", Description: "D", Publisher: "P", BaseURL: "http://127.0.0.1"}}
	run := func(id string) *pipelines.Manifest {
		def, err := l.Load(pipelines.Embedded, id+".yaml")
		if err != nil {
			t.Fatal(err)
		}
		m, err := runner.Run(context.Background(), def)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		return m
	}
	run("lieux-mediation-numerique-pdl")
	places, err := attendance.LoadPlaces(st.PublicDir())
	if err != nil || !places.Known("pdl-0001") {
		t.Fatalf("places %d, %v", len(places), err)
	}
	csv := "id;mois;visites;visiteurs_distincts;ateliers;visites_jeunes;visites_etudiants;visites_familles_enfants;visites_seniors;visites_femmes;commentaire\n" +
		"pdl-0001;2026-01;120;40;6;2;;30;;60;\npdl-0001;2026-02;90;;5;;;;;;fermé 3 jours\n"
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	rows, problems, err := attendance.Check(context.Background(), []byte(csv), "pdl-0001", places, now)
	if err != nil || problems != nil {
		t.Fatalf("%v %v", problems, err)
	}
	if _, err := (&attendance.Store{Root: st.Root}).Save("pdl-0001", "site", []byte(csv), rows, now); err != nil {
		t.Fatal(err)
	}
	m := run("frequentation-lieux-mediation")
	if m.Accepted != 2 || m.Rejected != 0 {
		t.Fatalf("accepted %d, rejected %d", m.Accepted, m.Rejected)
	}
	s, err := schemas.Load("frequentation-lieux-mediation-publiee")
	if err != nil {
		t.Fatal(err)
	}
	var got [][]schemas.Value
	err = output.ReadRows(st.PublicDir(), "frequentation-lieux-mediation", m.Release, s, func(v []schemas.Value) error {
		got = append(got, append([]schemas.Value(nil), v...))
		return nil
	})
	if err != nil || len(got) != 2 {
		t.Fatalf("rows %d, %v", len(got), err)
	}
	field := func(row int, name string) any { return got[row][s.FieldIndex(name)] }
	// January: 2 young people masked, 30 families and 60 women shown.
	if field(0, "nom") != "Espace public numérique de Nantes" || field(0, "code_insee") != "44109" || field(0, "visites") != int64(120) ||
		field(0, "visites_jeunes") != "< 5" || field(0, "visites_familles_enfants") != "30" || field(0, "visiteurs_distincts") != "40" {
		t.Errorf("January = %v", got[0])
	}
	if field(1, "mois") != "2026-02" || field(1, "visiteurs_distincts") != nil || field(1, "ateliers") != int64(5) {
		t.Errorf("February = %v", got[1])
	}
	if again := run("frequentation-lieux-mediation"); again.Outcome != pipelines.OutcomeUnchanged {
		t.Errorf("second run without a new declaration: %s", again.Outcome)
	}
}
