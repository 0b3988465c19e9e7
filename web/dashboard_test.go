package web

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseManifest(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		wantErr bool
		check   func(*runManifest) string
	}{
		{"blocked with gate", `{"pipeline":"p","run_id":"20261128T040000Z-1231","outcome":"blocked","read":50,"gates":[{"gate":"row_drop","passed":false,"detail":"d"}]}`, false,
			func(m *runManifest) string {
				if m.Outcome != "blocked" || m.Read != 50 || len(m.Gates) != 1 || m.Gates[0].Passed || m.Gates[0].Gate != "row_drop" {
					return fmt.Sprintf("%+v", m)
				}
				return ""
			}},
		{"approval", `{"outcome":"published","approval":{"by":"Camille","at":"2026-11-26T09:30:00Z","reason":"ok"}}`, false,
			func(m *runManifest) string {
				if m.Approval == nil || m.Approval.By != "Camille" || m.Approval.At.IsZero() {
					return fmt.Sprintf("%+v", m.Approval)
				}
				return ""
			}},
		{"unknown members ignored", `{"outcome":"failed","fetches":[{"seq":1}],"communes":{"x":1}}`, false, nil},
		{"not an object", `[1]`, true, nil},
		{"empty", ``, true, nil},
		{"truncated", `{"outcome":`, true, nil},
		{"wrong type", `{"read":"cent"}`, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := parseManifest([]byte(tc.in))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if tc.check != nil {
				if msg := tc.check(m); msg != "" {
					t.Errorf("decoded %s", msg)
				}
			}
		})
	}
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"pipeline":"p","run_id":"r","dataset":"d","outcome":"blocked","gates":[{"gate":"row_drop","passed":false,"detail":"48 rows"}]}`))
	f.Add([]byte(`{"started":"2026-11-27T15:21:00.123Z","duration_ms":12,"approval":{"by":"x","at":"2026-11-27T15:21:00Z"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseManifest(b)
		if err != nil {
			return
		}
		s := &site{}
		v := s.runViewOf(m)
		if v.Outcome == "" {
			t.Fatal("empty outcome label")
		}
		for _, g := range v.Blocking {
			if g.Passed {
				t.Fatal("a passed gate listed as blocking")
			}
		}
	})
}

func TestFrenchDuration(t *testing.T) {
	for _, tc := range []struct {
		ms   int64
		want string
	}{
		{0, "0 ms"}, {850, "850 ms"}, {1000, "1 s"}, {12300, "12,3 s"}, {59_940, "59,9 s"},
		{60_000, "1 min 00 s"}, {245_000, "4 min 05 s"}, {-1, ""},
	} {
		if got := frenchDuration(tc.ms); got != tc.want {
			t.Errorf("frenchDuration(%d) = %q, want %q", tc.ms, got, tc.want)
		}
	}
}

func TestOutcomeAndGateLabels(t *testing.T) {
	for in, want := range map[string]string{
		"published": "publiée", "unchanged": "inchangée", "blocked": "bloquée", "failed": "en échec", "": "inconnue", "weird": "weird",
	} {
		if got := outcomeLabel(in); got != want {
			t.Errorf("outcomeLabel(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"row_drop": "baisse du nombre de lignes", "rejected_share": "part de lignes rejetées", "empty": "jeu vide", "other_gate": "other_gate",
	} {
		if got := gateLabel(in); got != want {
			t.Errorf("gateLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadRejects(t *testing.T) {
	v, err := readRejects(strings.NewReader(rejectsCSV), 2)
	if err != nil {
		t.Fatal(err)
	}
	if v.Total != 3 || len(v.Rows) != 2 || v.Partial {
		t.Fatalf("total %d, rows %d, partial %v; want 3, 2, false", v.Total, len(v.Rows), v.Partial)
	}
	r := v.Rows[0]
	if r.Line != "6" || r.Row != "5" || r.Field != "code_postal" || r.Value.Text != "4400" || r.Code != "constraint-error" ||
		r.Label != "contrainte non respectée" || r.Constraint != "pattern" || r.Record.Text != `{"id":"E7","code_postal":"4400"}` {
		t.Errorf("first row = %+v", r)
	}
	for _, tc := range []struct {
		name, in            string
		wantTotal, wantRows int
		wantPartial         bool
		wantErr             bool
	}{
		{"header only", "line,row,field,value,code,constraint,message,record\n", 0, 0, false, false},
		{"empty", "", 0, 0, false, false},
		{"columns in another order", "code,line\ntype-error,4\n", 1, 1, false, false},
		{"no code column", "a,b\n1,2\n", 0, 0, false, true},
		{"malformed line", "line,code\n1,type-error\n\"2,x\n", 1, 1, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := readRejects(strings.NewReader(tc.in), 10)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if v.Total != int64(tc.wantTotal) || len(v.Rows) != tc.wantRows || v.Partial != tc.wantPartial {
				t.Errorf("total %d rows %d partial %v, want %d %d %v", v.Total, len(v.Rows), v.Partial, tc.wantTotal, tc.wantRows, tc.wantPartial)
			}
		})
	}
}

func FuzzReadRejects(f *testing.F) {
	f.Add([]byte(rejectsCSV))
	f.Add([]byte("line,row,field,value,code,constraint,message,record\n1,1,,,blank-row,,ligne vide,null\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := readRejects(bytes.NewReader(b), 5)
		if err != nil {
			return
		}
		if len(v.Rows) > 5 || int64(len(v.Rows)) > v.Total {
			t.Fatalf("rows %d, total %d", len(v.Rows), v.Total)
		}
	})
}

func TestDashboard(t *testing.T) {
	store, fx := writeStore(t)
	h, logs := newStoreSite(t, store, fx.Dir, false)
	rec := do(t, h, http.MethodGet, "/tableau-de-bord", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	if rec.Header().Get("X-Robots-Tag") != "noindex" {
		t.Error("dashboard is indexable")
	}
	body := rec.Body.String()
	sport := between(t, body, `<section class="pipeline" id="chaine-`+sportDataset+`"`, "</section>")
	// Newest first: corrupt, failed, blocked, published, approved.
	order := []string{runCorrupt, runFailed, runBlocked, runPublished, runApproved, runApprovedBlocked}
	last := -1
	for _, id := range order {
		i := strings.Index(sport, `id="run-`+id+`"`)
		if i < 0 {
			t.Fatalf("run %s not shown", id)
		}
		if i < last {
			t.Errorf("run %s is not in newest-first order", id)
		}
		last = i
	}
	row := func(id string) string {
		return between(t, sport, `id="run-`+id+`">`, "</tr>")
	}
	blocked := row(runBlocked)
	for _, want := range []string{
		`<td class="outcome">bloquée</td>`,
		"Bloquée par la règle « baisse du nombre de lignes » (<code>row_drop</code>) : " + blockedDetail,
		"50 lignes lues, 48 acceptées, 2 rejetées",
		"28 novembre 2026 à 5 h 00, 12,3 s",
	} {
		if !strings.Contains(blocked, want) {
			t.Errorf("blocked run lacks %q:\n%s", want, blocked)
		}
	}
	if strings.Contains(blocked, "Voir les lignes rejetées") {
		t.Error("blocked run links rejected rows that are not in the store")
	}
	published := row(runPublished)
	for _, want := range []string{
		`<td class="outcome">publiée</td>`,
		`<a href="/jeux-de-donnees/` + sportDataset + `/versions/` + sportLatest + `"><code>` + sportLatest + `</code></a>`,
		`<a href="/tableau-de-bord/rejets/` + sportDataset + `/` + runPublished + `">Voir les lignes rejetées</a>`,
	} {
		if !strings.Contains(published, want) {
			t.Errorf("published run lacks %q:\n%s", want, published)
		}
	}
	if strings.Contains(published, "Bloquée") {
		t.Error("published run shows a blocking gate")
	}
	if !strings.Contains(row(runFailed), "<td class=\"outcome\">en échec</td>") || !strings.Contains(row(runFailed), `<p class="run-error">La source a répondu par une erreur de son serveur ; la version précédente reste en ligne.</p>`) ||
		!strings.Contains(row(runFailed), `<summary>Détails techniques</summary><pre>harvest: GET https://data.paysdelaloire.fr/api: 503 Service Unavailable</pre>`) {
		t.Errorf("failed run:\n%s", row(runFailed))
	}
	if !strings.Contains(row(runApproved), "Publication approuvée par Camille Martin le 26 novembre 2026 à 10 h 30 : baisse attendue : fermeture de 40 équipements"+
		" (règle levée : « baisse du nombre de lignes ») ; exécution bloquée : <a href=\"#run-"+runApprovedBlocked+"\"><code>"+runApprovedBlocked+"</code></a>.") {
		t.Errorf("approved run:\n%s", row(runApproved))
	}
	if !strings.Contains(row(runApprovedBlocked), "Approuvée ensuite : publiée par l'exécution <a href=\"#run-"+runApproved+"\"><code>"+runApproved+"</code></a>.") {
		t.Errorf("approved blocked run:\n%s", row(runApprovedBlocked))
	}
	if !strings.Contains(row(runCorrupt), "manifeste illisible") {
		t.Errorf("corrupt run:\n%s", row(runCorrupt))
	}
	if !strings.Contains(logs.String(), "unreadable run manifest") {
		t.Error("corrupt manifest not logged")
	}
	summary := between(t, body, `<table class="counts" id="resume">`, "</table>")
	for _, want := range []string{
		`<a href="#chaine-` + schoolDataset + `"><code>` + schoolDataset + `</code></a></td><td><code>` + schoolDataset + `</code></td><td class="outcome outcome-unchanged">inchangée</td>`,
		`<td class="outcome outcome-">manifeste illisible</td>`,
		// The school run of the fixture: 12 300 ms, 100 read, 97 accepted,
		// none rejected, both gates passed.
		`, durée 12,3 s</td><td>100 lignes lues, 97 acceptées, 0 rejetée</td><td>règles respectées</td></tr>`,
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	if strings.Index(body, `id="chaine-`+schoolDataset+`"`) > strings.Index(body, `id="chaine-`+sportDataset+`"`) {
		t.Error("pipelines are not sorted by name")
	}
	if !strings.Contains(body, `<meta name="robots" content="noindex">`) {
		t.Error("no robots noindex meta")
	}
}

func TestDashboardManyRuns(t *testing.T) {
	store := t.TempDir()
	for i := 0; i < runsPerPipeline+3; i++ {
		id := fmt.Sprintf("202611%02dT040000Z-0001", i%28+1)
		if i >= 28 {
			id = fmt.Sprintf("202612%02dT040000Z-0001", i-27)
		}
		writeFile(t, filepath.Join(store, "runs", "p", id+".json"), []byte(`{"pipeline":"p","run_id":"`+id+`","dataset":"d","outcome":"unchanged"}`))
	}
	h, _ := newStoreSite(t, store, "", false)
	body := do(t, h, http.MethodGet, "/tableau-de-bord", nil).Body.String()
	if n := strings.Count(body, `<tr class="run `); n != runsPerPipeline {
		t.Errorf("%d runs shown, want %d", n, runsPerPipeline)
	}
	if !strings.Contains(body, "et 3 exécutions plus anciennes, non affichées.") {
		t.Error("older runs are not counted")
	}
	if !strings.Contains(body, `id="run-20261205T040000Z-0001"`) || strings.Contains(body, `id="run-20261101T040000Z-0001"`) {
		t.Error("the newest runs are not the ones shown")
	}
}

func TestDashboardWithoutHistory(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts func(t *testing.T) Options
	}{
		{"no store", func(t *testing.T) Options { return Options{PublicDir: t.TempDir()} }},
		{"empty store", func(t *testing.T) Options { return Options{StoreDir: t.TempDir()} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := New(tc.opts(t))
			if err != nil {
				t.Fatal(err)
			}
			rec := do(t, h, http.MethodGet, "/tableau-de-bord", nil)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Aucun historique") {
				t.Errorf("status %d, body lacks « Aucun historique »", rec.Code)
			}
			if rec := do(t, h, http.MethodGet, "/tableau-de-bord/rejets/"+sportDataset+"/"+runPublished, nil); rec.Code != http.StatusNotFound {
				t.Errorf("rejects page without store: %d, want 404", rec.Code)
			}
		})
	}
}

func TestDashboardDisabled(t *testing.T) {
	store, fx := writeStore(t)
	h, _ := newStoreSite(t, store, fx.Dir, true)
	for _, target := range []string{"/tableau-de-bord", "/tableau-de-bord/rejets/" + sportDataset + "/" + runPublished} {
		if rec := do(t, h, http.MethodGet, target, nil); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", target, rec.Code)
		}
	}
}

func TestStoreDirGivesPublicDir(t *testing.T) {
	store, fx := writeStore(t)
	if err := os.Rename(fx.Dir, filepath.Join(store, "public")); err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{StoreDir: store})
	if err != nil {
		t.Fatal(err)
	}
	if rec := do(t, h, http.MethodGet, "/jeux-de-donnees/"+sportDataset, nil); rec.Code != http.StatusOK {
		t.Errorf("dataset page from StoreDir/public: %d", rec.Code)
	}
}

func TestRejectsPage(t *testing.T) {
	store, fx := writeStore(t)
	h, _ := newStoreSite(t, store, fx.Dir, false)
	target := "/tableau-de-bord/rejets/" + sportDataset + "/" + runPublished
	rec := do(t, h, http.MethodGet, target, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	body := rec.Body.String()
	tbody := between(t, between(t, body, `<table class="samples" id="rejets">`, "</table>"), "<tbody>", "</tbody>")
	if n := strings.Count(tbody, "<tr>"); n != 3 {
		t.Errorf("%d rows, want 3", n)
	}
	long := `{"id":"E9","commentaire":"` + longText(300) + `"}`
	for _, want := range []string{
		`<tr><td class="num">6</td><td class="num">5</td><td><code>code_postal</code></td><td>4400</td><td>contrainte non respectée (<code>constraint-error</code>)</td><td><code>pattern</code></td><td>la valeur « 4400 » ne respecte pas le motif attendu</td>`,
		"<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>",
		"<td>valeur obligatoire absente (<code>required-error</code>)</td>",
		`title="` + strings.ReplaceAll(long, `"`, "&#34;") + `"><code>` + strings.ReplaceAll(string([]rune(long)[:rejectRecordRunes]), `"`, "&#34;") + "…</code>",
	} {
		if !strings.Contains(tbody, want) {
			t.Errorf("rejects table lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>alert") {
		t.Fatal("rejected value not escaped")
	}
	for _, want := range []string{`<p id="resume-rejets">3 erreurs.</p>`, `<a href="` + target + `.csv?tableur=1" download>CSV pour tableur (Excel, LibreOffice)</a> ou <a href="` + target + `.csv" download>CSV standard</a>`, "27 novembre 2026 à 16 h 21",
		// Three groups of one error each, the first linking to its filter.
		`<tr><td class="num">1</td><td><code>code_postal</code></td><td>contrainte non respectée (<code>constraint-error</code>)</td><td>la valeur « 4400 » ne respecte pas le motif attendu</td><td><a href="?champ=code_postal&amp;code=constraint-error">ces erreurs</a></td></tr>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("rejects page lacks %q", want)
		}
	}

	dl := do(t, h, http.MethodGet, target+".csv", nil)
	if dl.Code != http.StatusOK || dl.Body.String() != rejectsCSV {
		t.Fatalf("download: status %d, body differs", dl.Code)
	}
	if ct := dl.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("download type %q", ct)
	}
	if cd := dl.Header().Get("Content-Disposition"); !strings.Contains(cd, `filename="rejets-`+sportDataset+"-"+runPublished+`.csv"`) {
		t.Errorf("Content-Disposition %q", cd)
	}

	// Filtered by field: one error of the three.
	body = do(t, h, http.MethodGet, target+"?champ=nom", nil).Body.String()
	if n := strings.Count(between(t, body, `<table class="samples" id="rejets">`, "</table>"), "<tr>"); n != 2 || !strings.Contains(body, "1 erreur retenue par le filtre (3 en tout).") ||
		!strings.Contains(body, `<option selected>nom</option>`) {
		t.Errorf("filter by field: %d table rows (want header + 1)\n%s", n, body)
	}
	body = do(t, h, http.MethodGet, target+"?code=type-error&champ=nom", nil).Body.String()
	if !strings.Contains(body, "Aucune erreur ne correspond à ce filtre.") {
		t.Error("empty filter result not said")
	}
	// For a French spreadsheet: BOM, ';', CRLF, French headers.
	sheet := do(t, h, http.MethodGet, target+".csv?tableur=1", nil).Body.String()
	wantSheet := "\ufeffligne;enregistrement;champ;valeur;code_erreur;contrainte;message;enregistrement_source\r\n" +
		"6;5;code_postal;4400;constraint-error;pattern;la valeur « 4400 » ne respecte pas le motif attendu;\"{\"\"id\"\":\"\"E7\"\",\"\"code_postal\"\":\"\"4400\"\"}\"\r\n"
	if !strings.HasPrefix(sheet, wantSheet) || strings.Count(sheet, "\r\n") != 4 {
		t.Errorf("spreadsheet CSV:\n%q\nwant prefix\n%q", sheet, wantSheet)
	}

	// A long file: 100 errors a page, counted against the total.
	var big strings.Builder
	big.WriteString("line,row,field,value,code,constraint,message,record\n")
	for i := 1; i <= 1234; i++ {
		fmt.Fprintf(&big, "%d,%d,nom,,required-error,required,valeur obligatoire absente,{}\n", i+1, i)
	}
	writeFile(t, filepath.Join(store, "rejected", sportDataset, runBlocked+".csv"), []byte(big.String()))
	bigPage := "/tableau-de-bord/rejets/" + sportDataset + "/" + runBlocked
	body = do(t, h, http.MethodGet, bigPage, nil).Body.String()
	rows := func(body string) int {
		return strings.Count(between(t, between(t, body, `<table class="samples" id="rejets">`, "</table>"), "<tbody>", "</tbody>"), "<tr>")
	}
	if n := rows(body); n != rejectsPerPage {
		t.Errorf("%d rows shown, want %d", n, rejectsPerPage)
	}
	if !strings.Contains(body, "erreurs 1 à 100 sur 1\u202f234.") || !strings.Contains(body, `href="`+bigPage+`?page=2" rel="next"`) || strings.Contains(body, `rel="prev"`) {
		t.Error("first page not announced or linked")
	}
	// Page 13: errors 1 201 to 1 234, the last ones.
	body = do(t, h, http.MethodGet, bigPage+"?page=13", nil).Body.String()
	if n := rows(body); n != 34 || !strings.Contains(body, "erreurs 1\u202f201 à 1\u202f234 sur 1\u202f234.") || strings.Contains(body, `rel="next"`) || !strings.Contains(body, `href="`+bigPage+`?page=12" rel="prev"`) {
		t.Errorf("last page: %d rows", n)
	}
	if !strings.Contains(body, "<tr><td class=\"num\">1\u202f234</td><td><code>nom</code></td>") {
		t.Error("group of 1 234 errors not counted")
	}

	outside := filepath.Join(t.TempDir(), "secret.csv")
	writeFile(t, outside, []byte("line,code\n1,x\n"))
	if err := os.Symlink(outside, filepath.Join(store, "rejected", sportDataset, "20261101T000000Z-0009.csv")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, target string }{
		{"unknown run", "/tableau-de-bord/rejets/" + sportDataset + "/20261101T000000Z-0000"},
		{"unknown dataset", "/tableau-de-bord/rejets/inconnu/" + runPublished},
		{"traversal", "/tableau-de-bord/rejets/" + sportDataset + "/..%2f..%2fruns"},
		{"hidden", "/tableau-de-bord/rejets/" + sportDataset + "/.tmp"},
		{"symlink", "/tableau-de-bord/rejets/" + sportDataset + "/20261101T000000Z-0009"},
		{"symlink download", "/tableau-de-bord/rejets/" + sportDataset + "/20261101T000000Z-0009.csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, tc.target, nil)
			if rec.Code != http.StatusNotFound {
				t.Errorf("status %d, want 404", rec.Code)
			}
		})
	}
}

func TestDashboardShowsWhatHappenedAfterPublication(t *testing.T) {
	store := t.TempDir()
	runs := map[string]string{
		"20261127T040000Z-0001": `{"pipeline":"p","run_id":"20261127T040000Z-0001","dataset":"d","outcome":"published","release":"20261127T040000Z-0001",
			"catalog_error":"disque plein","push":{"portal":"https://www.data.gouv.fr","error":"push to https://www.data.gouv.fr: 401: UDATA_API_KEY refusée"}}`,
		"20261128T040000Z-0001": `{"pipeline":"p","run_id":"20261128T040000Z-0001","dataset":"d","outcome":"published","release":"20261128T040000Z-0001",
			"push":{"portal":"https://www.data.gouv.fr","url":"https://www.data.gouv.fr/fr/datasets/lieux/","uploaded":["data.csv","data.parquet"],"replaced":["data-fr.csv"]}}`,
	}
	for id, m := range runs {
		writeFile(t, filepath.Join(store, "runs", "p", id+".json"), []byte(m))
	}
	h, _ := newStoreSite(t, store, "", false)
	body := do(t, h, http.MethodGet, "/tableau-de-bord", nil).Body.String()
	for _, want := range []string{
		// In French; the program's words folded away as technical detail.
		"<p class=\"run-error\">Le catalogue n'a pas pu être mis à jour ; il décrit encore la version précédente.</p>\n<details class=\"technical\"><summary>Détails techniques</summary><pre>disque plein</pre></details>",
		"<p class=\"run-error\">Envoi au portail en échec ; la version reste publiée ici.</p>\n<details class=\"technical\"><summary>Détails techniques</summary><pre>push to https://www.data.gouv.fr: 401: UDATA_API_KEY refusée</pre></details>",
		"Version envoyée au portail https://www.data.gouv.fr (3 fichiers envoyés)",
		`href="https://www.data.gouv.fr/fr/datasets/lieux/"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
}

func TestFrenchAgeAndGateDecision(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, ""}, {30 * time.Second, "il y a moins d'une minute"}, {5 * time.Minute, "il y a 5 min"},
		{3*time.Hour + 59*time.Minute, "il y a 3 h"}, {47 * time.Hour, "il y a 47 h"}, {72 * time.Hour, "il y a 3 j"},
	} {
		if got := frenchAge(c.d); got != c.want {
			t.Errorf("frenchAge(%v) = %q, want %q", c.d, got, c.want)
		}
	}
	share := gateView{Label: "part de lignes rejetées"}
	drop := gateView{Label: "baisse du nombre de lignes"}
	if got := gateDecision([]gateView{share, drop}, []gateView{share, drop}, false); got != "bloquée par « part de lignes rejetées » et « baisse du nombre de lignes »" {
		t.Errorf("blocked by two gates: %q", got)
	}
	if got := gateDecision([]gateView{drop}, []gateView{drop}, true); got != "publication approuvée malgré les règles" {
		t.Errorf("approved: %q", got)
	}
	if got := gateDecision(nil, nil, false); got != "" {
		t.Errorf("no gates: %q", got)
	}
}

// The quality history of a pipeline: the runs that read rows, oldest first
// (times in Paris), as an SVG chart with the same figures in a table; a
// pipeline with a single run has none.
func TestDashboardQualityHistory(t *testing.T) {
	store, fx := writeStore(t)
	h, _ := newStoreSite(t, store, fx.Dir, false)
	body := do(t, h, http.MethodGet, "/tableau-de-bord", nil).Body.String()
	sport := between(t, body, `<section class="pipeline" id="chaine-`+sportDataset+`"`, "</section>")
	chart := between(t, sport, `<figure class="chart quality-history"`, "</figure>")
	if !strings.Contains(chart, "<svg") || !strings.Contains(chart, "lignes acceptées") || !strings.Contains(chart, "lignes rejetées") {
		t.Errorf("no chart with both series:\n%s", chart)
	}
	// 25/11 and 26/11 04:00 UTC (the approval pair), 27/11 15:21 UTC (the
	// published run), 28/11 04:00 UTC (the blocked one: 48 and 2); the
	// failed run read nothing and the corrupt one cannot be read.
	want := `<tbody><tr><td>25/11 05:00</td><td class="num">97</td><td class="num">3</td></tr>` +
		`<tr><td>26/11 05:00</td><td class="num">97</td><td class="num">3</td></tr>` +
		`<tr><td>27/11 16:21</td><td class="num">97</td><td class="num">3</td></tr>` +
		`<tr><td>28/11 05:00</td><td class="num">48</td><td class="num">2</td></tr></tbody>`
	if !strings.Contains(chart, want) {
		t.Errorf("history table:\n%s\nwant %s", chart, want)
	}
	school := between(t, body, `<section class="pipeline" id="chaine-`+schoolDataset+`"`, "</section>")
	if strings.Contains(school, "quality-history") {
		t.Error("a chart for a single run")
	}
}
