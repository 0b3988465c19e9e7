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
	h, m := publishPing(t)
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

// TestDashboardAndRunPageShowWarnings checks that the rows published with
// warnings are counted apart from rejected rows in both lists of the
// dashboard (the pipelines' summary and the pipeline's runs) and on the
// run's page, with their types and the release's warnings.csv.
func TestDashboardAndRunPageShowWarnings(t *testing.T) {
	h, m := publishPing(t)
	csvLink := `href="/datasets/ping-lieux-mediation/` + m.Release + `/warnings.csv"`
	code, body := get(t, h, "/tableau-de-bord")
	if code != http.StatusOK {
		t.Fatalf("dashboard: %d", code)
	}
	// The summary row of the pipeline and the row of its only run.
	if n := strings.Count(body, `<span class="warned">2 lignes publiées avec des avertissements (<a `+csvLink); n != 2 {
		t.Errorf("dashboard: %d mentions of the 2 warned rows with their link, want 2", n)
	}
	code, body = get(t, h, runPageURL("ping-lieux-mediation", m.RunID))
	if code != http.StatusOK {
		t.Fatalf("run page: %d", code)
	}
	mustContain(t, body, "run page",
		`<h3 id="avertissements">Avertissements</h3>`,
		"<li>2 lignes publiées avec des avertissements</li>",
		"<tr><td>latitude et longitude inversées</td><td><code>coordinates-swapped</code></td><td class=\"num\">1</td></tr>",
		"<tr><td>coordonnées 0,0, position non publiée</td><td><code>coordinates-zero</code></td><td class=\"num\">1</td></tr>",
		csvLink,
		// The run's log, folded away as technical detail.
		"<h2>Journal de l'exécution</h2>", "<td>information</td><td><code lang=\"en\">run started kind=ping source=")
}

// publishPing publishes PiNG's map from the recorded responses (its 0,0
// place and its swapped pair are kept with a warning) and serves the store
// without sign-in.
func publishPing(t *testing.T) (http.Handler, *pipelines.Manifest) {
	t.Helper()
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
	if m.Warned != 2 {
		t.Fatalf("PiNG's recorded map: %d rows with warnings, want 2", m.Warned)
	}
	h, err := New(Options{StoreDir: st.Root, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	return h, m
}
