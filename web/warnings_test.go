package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/connectors/all"
	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/pipelines"
)

// TestDatasetPageShowsWarnings publishes PiNG's map from the recorded
// responses (its 0,0 place and its swapped pair are kept with a warning)
// and checks that the dataset page shows them apart from rejected rows,
// with a link to warnings.csv that is served.
func TestDatasetPageShowsWarnings(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	def, err := (&pipelines.Loader{Registry: all.Registry()}).Load(pipelines.Embedded, "ping-lieux-mediation.yaml")
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	runner := &pipelines.Runner{Store: st, Logger: logger, ReplayDir: "../testdata/replay",
		Catalog: output.CatalogMeta{Title: "T", Description: "D", Publisher: "P", BaseURL: "http://127.0.0.1"}}
	m, err := runner.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{StoreDir: st.Root, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	code, body := get(t, h, "/jeux-de-donnees/ping-lieux-mediation")
	if code != http.StatusOK {
		t.Fatalf("dataset page: %d", code)
	}
	mustContain(t, body, "dataset page",
		`<h3 id="avertissements">Avertissements</h3>`,
		"2 lignes publiées avec des avertissements",
		"latitude et longitude inversées", "coordonnées 0,0, position non publiée",
		`href="/datasets/ping-lieux-mediation/`+m.Release+`/warnings.csv"`)
	code, csv := get(t, h, "/datasets/ping-lieux-mediation/"+m.Release+"/warnings.csv")
	if code != http.StatusOK || !strings.HasPrefix(csv, "line,row,field,value,code,message\n") || strings.Count(csv, "\n") != 3 {
		t.Errorf("warnings.csv:\n%s", csv)
	}
}
