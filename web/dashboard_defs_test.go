package web

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/pipelines"
)

// The dashboard lists the definitions that did not load, in French: the
// file, the position, the key and the problem, the checker's common
// messages said in French and the others marked as English.
func TestDashboardListsBrokenDefinitions(t *testing.T) {
	h, err := New(Options{StoreDir: t.TempDir(), DefinitionProblems: pipelines.DefErrors{
		{File: "casse.yaml", Line: 8, Col: 9, Path: "source.kind", Msg: `unknown connector kind "nulle-part" (known: file, hal)`},
		{File: "casse.yaml", Line: 10, Col: 1, Path: "titel", Msg: "clé inconnue « titel » — vouliez-vous dire « title » ?"},
		{File: "casse.yaml", Line: 12, Col: 11, Path: "retries", Msg: "doit être entre 0 et 10 (trouvé 12)"},
		{File: "casse.yaml", Line: 14, Col: 11, Path: "schedule", Msg: "expression cron invalide « the day » (format : minute heure jour mois jour-de-semaine, par exemple « 45 4 * * 1 » ; détail technique : expected exactly 5 fields, found 2: [the day])"},
		{File: "autre.yaml", Line: 3, Col: 5, Path: "source.url", Msg: "must be an absolute http(s) URL"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	rec := do(t, h, http.MethodGet, "/tableau-de-bord", nil)
	body := html.UnescapeString(rec.Body.String())
	for _, want := range []string{
		"Définitions de chaînes en erreur",
		"5 problèmes empêchent de charger des définitions de chaînes : ces chaînes ne sont pas planifiées ; les autres tournent normalement.",
		"<tr><td><code>casse.yaml</code></td><td>ligne 8, colonne 9</td><td><code>source.kind</code></td><td>type de connecteur « nulle-part » inconnu (connus : file, hal)</td></tr>",
		"<td>clé inconnue « titel » — vouliez-vous dire « title » ?</td>",
		"<td>doit être entre 0 et 10 (trouvé 12)</td>",
		"<td>expression cron invalide « the day » (format : minute heure jour mois jour-de-semaine, par exemple « 45 4 * * 1 » ; détail technique : expected exactly 5 fields, found 2: [the day])</td>",
		`<span lang="en">must be an absolute http(s) URL</span> <span class="muted">(message du vérificateur, en anglais)</span>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	// Only the connector's message is English; the French ones, even
	// quoting an English value or technical detail, are not marked.
	if n := strings.Count(body, "(message du vérificateur, en anglais)"); n != 1 {
		t.Errorf("%d messages marked as English, want 1", n)
	}
	h, _ = New(Options{StoreDir: t.TempDir()})
	if body := do(t, h, http.MethodGet, "/tableau-de-bord", nil).Body.String(); strings.Contains(body, "en erreur") {
		t.Error("a dashboard without problems shows the broken definitions section")
	}
}
