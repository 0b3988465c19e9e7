package web

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/internal/browsertest"
	"github.com/ligerdata/ligerdata/internal/store"
)

// siteSteps are browserSteps on the site at base, with page loads.
type siteSteps struct {
	browserSteps
	base string
}

// open loads path and waits for css to be visible.
func (b siteSteps) open(step, path, css string) {
	b.t.Helper()
	b.must(step, chromedp.Do(b.ctx, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS(css))))
}

// click clicks css and waits for the page it loads (a 422 is an answer).
func (b siteSteps) click(step, css string) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
	b.must(step, err)
	if resp.Status >= 400 && resp.Status != 422 {
		b.t.Fatalf("browser: %s: status %d", step, resp.Status)
	}
}

// TestBrowserAttendanceCycle drives headless Chromium through the whole
// attendance cycle: a place finds its page on the framework's page; a
// steward signs in and issues a token for it on the dashboard; the place
// opens its page from there, downloads its template (its id and the
// months filled in), fills it, submits it with a mistake and reads the
// French list of what to fix, submits the corrected file and sees
// "accepté" with its report; the next release of the dataset and the
// indicators computed from it include the declaration, on the place's
// page and in the "Accès au numérique" report. axe-core checks every page
// on the way: 0 serious or critical violations.
func TestBrowserAttendanceCycle(t *testing.T) {
	bctx := browsertest.New(t, 240*time.Second)
	srv, st := newAttendanceSite(t, nil)
	b := siteSteps{browserSteps{t: t, ctx: bctx}, srv.URL}

	b.open("open the framework's page", attendancePath, "#colonnes")
	browsertest.Axe(t, bctx, "attendance page")
	b.must("choose the place", chromedp.Do(bctx, chromedp.SetValue(chromedp.CSS("#lieu"), "pdl-0001")))
	b.click("open the place's page", "#choisir-lieu button")
	if loc, err := chromedp.Run(bctx, chromedp.Location()); err != nil || loc != srv.URL+"/frequentation/lieux/pdl-0001" {
		t.Errorf("chosen place: at %s, %v", loc, err)
	}

	token := issueTokenInBrowser(b)
	declareInBrowser(b, st, token)

	// The next release, and the indicators computed from it.
	release := publishAttendance(t, st).Release
	computeAttendanceIndicators(t, st)
	b.open("open the place's page again", "/frequentation/lieux/pdl-0001", "#mois-declares")
	months := b.text("read the months", "#mois-declares tbody")
	if strings.Count(months, "publié") != 2 || !strings.Contains(months, "< 5") || strings.Contains(months, "prochaine") {
		t.Errorf("months after the release:\n%s", months)
	}
	if s := b.text("read the page", "section[aria-labelledby=declarations-du-lieu]"); !strings.Contains(s, "Version publiée du jeu de données : "+release) {
		t.Errorf("the place's page does not name release %s:\n%s", release, s)
	}
	browsertest.Axe(t, bctx, "place page, published")

	b.open("open the report", "/rapports/acces-numerique", "#frequentation-par-territoire")
	// The région's visits: January 120, February 90, the quarter and the
	// year 210, whichever period the key figure shows.
	section := b.text("read the attendance", "#frequentation-par-territoire")
	for _, want := range []string{"120", "90", "210"} {
		if !strings.Contains(section, want) {
			t.Errorf("attendance section lacks %s:\n%s", want, section)
		}
	}
	// Coverage: one place of the map declared.
	if ratio := b.text("read the coverage", "#frequentation-couverture .key-figure .ratio"); !strings.HasPrefix(ratio, "(1 sur ") {
		t.Errorf("coverage ratio %q, want 1 place declaring", ratio)
	}
	browsertest.Axe(t, bctx, "report with attendance")
}

// issueTokenInBrowser signs the steward alice in and issues a token for
// pdl-0001 on the dashboard; it returns the token shown.
func issueTokenInBrowser(b siteSteps) string {
	b.t.Helper()
	b.must("sign in", chromedp.Do(b.ctx, chromedp.Navigate(b.base+"/connexion"), chromedp.SendKeys(chromedp.CSS("#jeton"), "jeton-alice")))
	b.click("submit the sign-in", "form.signin button[type=submit]")
	b.open("open the dashboard", attendanceDash, "#lieux")
	browsertest.Axe(b.t, b.ctx, "attendance dashboard")
	b.click("issue a token", `button[aria-label="Émettre un jeton pour Espace public numérique de Nantes"]`)
	token, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS("#nouveau-jeton"), chromedp.NodeVisible))
	b.must("read the token", err)
	if len(token) < 40 {
		b.t.Fatalf("token %q", token)
	}
	browsertest.Axe(b.t, b.ctx, "dashboard with a new token")
	return token
}

// declareInBrowser opens pdl-0001's page from the dashboard, downloads
// its template, and sends it filled in: with a mistake a row (refused,
// nothing stored), then corrected (accepted, with the place's report).
func declareInBrowser(b siteSteps, st *store.Store, token string) {
	t := b.t
	t.Helper()
	b.click("open the place's page", `#lieux a[href="/frequentation/lieux/pdl-0001"]`)
	browsertest.Axe(t, b.ctx, "place page, nothing declared")
	template := string(downloadFirst(t, b.ctx, t.TempDir(), `a[href="/frequentation/modele-tableur.csv?lieu=pdl-0001"]`))
	lines := strings.Split(strings.TrimRight(template, "\r\n"), "\r\n")
	// Header and March 2025 … February 2026 (attendanceNow is 10 March).
	if len(lines) != 13 || lines[11] != "pdl-0001;2026-01;;;;;;;;;" || lines[12] != "pdl-0001;2026-02;;;;;;;;;" {
		t.Fatalf("template:\n%s", template)
	}
	// Filled in as a spreadsheet would, the two last months kept, and sent.
	send := func(jan, feb string) string {
		t.Helper()
		path := filepath.Join(t.TempDir(), "frequentation.csv")
		body := lines[0] + "\r\n" + "pdl-0001;2026-01;" + jan + "\r\n" + "pdl-0001;2026-02;" + feb + "\r\n"
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		b.must("fill the form", chromedp.Do(b.ctx, chromedp.Navigate(b.base+"/frequentation/lieux/pdl-0001"),
			chromedp.SendKeys(chromedp.CSS("#jeton"), token), chromedp.SetUploadFiles(chromedp.CSS("#fichier"), []string{path})))
		b.click("send the file", `form[action="/frequentation/declarer"] button[type=submit]`)
		return b.text("read the answer", "main")
	}
	// A mistake on each row: January's publics add up to 130 of 120
	// visits; February's visits are written in words.
	answer := send("120;3;6;128;;;;2;Porte fermée le 12", "quatre-vingt-dix;;5;;;;;;")
	for _, want := range []string{"Déclaration refusée", "corrigez les 2 problèmes suivants", "Rien n'a été modifié",
		"Les visites par public font 130 au total, plus que les visites du mois (120).", "n'est pas un nombre entier valide"} {
		if !strings.Contains(answer, want) {
			t.Errorf("refused page lacks %q:\n%s", want, answer)
		}
	}
	if rows := b.text("read the problems", "#problemes tbody"); !regexp.MustCompile(`(?s)^2\s+visites.*3\s+visites\s+quatre-vingt-dix`).MatchString(rows) {
		t.Errorf("problems are not row 2 then row 3, column visites:\n%s", rows)
	}
	browsertest.Axe(t, b.ctx, "attendance refused")
	if n := storedFiles(t, st); n != 0 {
		t.Fatalf("the refused file was stored (%d files)", n)
	}
	// Corrected: accepted, with the place's report. January counts 3
	// distinct visitors and 2 women (published "< 5"). Quarter and year:
	// 120 + 90 = 210 visits, 6 + 5 = 11 workshops.
	answer = send("120;3;6;28;;;;2;Porte fermée le 12", "90;;5;;;;;;")
	for _, want := range []string{"Accepté : 2 mois enregistrés pour le lieu pdl-0001", "2 mois seront publiés à la prochaine version"} {
		if !strings.Contains(answer, want) {
			t.Errorf("accepted page lacks %q:\n%s", want, answer)
		}
	}
	if got := b.text("read the report", `#rapport-lieu tbody tr:first-child`); strings.Join(strings.Fields(got), " ") != "2026-T1 2 210 11" {
		t.Errorf("report's first quarter: %q, want 2026-T1 2 210 11", got)
	}
	browsertest.Axe(t, b.ctx, "attendance accepted")
}

// computeAttendanceIndicators publishes the map and the communes, then
// computes the attendance indicators and the consolidated places they
// read.
func computeAttendanceIndicators(t *testing.T, st *store.Store) {
	t.Helper()
	runEmbedded(t, st, "communes-pays-de-la-loire")
	runEmbedded(t, st, "ping-lieux-mediation")
	computeIndicators(t, st, "lieux-mediation-numerique-consolides", "frequentation-par-territoire",
		"frequentation-par-public", "frequentation-couverture")
}

// computeIndicators computes the embedded indicators named, in the order
// of their dependencies.
func computeIndicators(t *testing.T, st *store.Store, ids ...string) {
	t.Helper()
	all, err := indicators.Load(indicators.Embedded)
	if err != nil {
		t.Fatal(err)
	}
	var defs []*indicators.Definition
	for _, d := range all {
		if slices.Contains(ids, d.ID) {
			defs = append(defs, d)
		}
	}
	e := &indicators.Engine{Store: st, DuckDB: indicators.Config{MemoryLimit: "256MB", Threads: 1}}
	if ms, err := e.ComputeAll(context.Background(), defs); err != nil || len(ms) != len(ids) {
		t.Fatalf("computed %d of %d: %v", len(ms), len(ids), err)
	}
}
