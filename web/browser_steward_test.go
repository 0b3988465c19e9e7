package web

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ligerdata/ligerdata/internal/browsertest"
	"github.com/ligerdata/ligerdata/pipelines"
)

// TestBrowserStewardSignInRunApprove drives headless Chromium through the
// stewards' pages against a real scheduler on the recorded responses: the
// dashboard sends to the sign-in page, a wrong token is refused, the right
// one signs in, "Lancer maintenant" with a forged CSRF token is refused,
// then a real run (blocked by a zero rejected-share gate) is approved with
// a reason and published; the rejected rows are filtered and downloaded.
// axe-core checks every page kind on the way.
func TestBrowserStewardSignInRunApprove(t *testing.T) {
	bctx := browsertest.New(t, 150*time.Second)
	s := newStewardSite(t, 10, true)
	b := browserSteps{t, bctx}
	must, text := b.must, b.text
	signIn := func(token string) {
		t.Helper()
		must("sign in", chromedp.Do(bctx,
			chromedp.WaitVisible(chromedp.ID("jeton")),
			chromedp.SendKeys(chromedp.ID("jeton"), token),
			chromedp.Click(chromedp.CSS(".signin button"), chromedp.NodeVisible),
		))
	}

	must("open dashboard", chromedp.Do(bctx, chromedp.Navigate(s.URL+"/tableau-de-bord"), chromedp.WaitVisible(chromedp.ID("jeton"))))
	browsertest.Axe(t, bctx, "sign-in")
	signIn("mauvais-jeton")
	must("wrong token", chromedp.Do(bctx, chromedp.WaitVisible(chromedp.CSS(`[role="alert"]`))))
	if got := text("refusal", `[role="alert"]`); got != "Ce jeton n'est pas reconnu." {
		t.Errorf("wrong token: %q", got)
	}
	signIn("jeton-alice")
	runNow := chromedp.CSS("#chaine-" + testPipeline + " .run-now button")
	must("signed in", chromedp.Do(bctx, chromedp.WaitVisible(runNow)))
	browsertest.Axe(t, bctx, "dashboard, signed in")
	if got := text("schedule", "#resume tbody tr td:nth-child(3)"); !strings.HasPrefix(got, "chaque ") && got != "à la demande" {
		t.Errorf("schedule column: %q", got)
	}

	// A forged CSRF token: the action is refused and nothing runs.
	_, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.querySelector('#chaine-`+testPipeline+` .run-now input[name=csrf]').value = 'forge'; true`))
	must("forge CSRF", err)
	must("submit forged CSRF", chromedp.Do(bctx,
		chromedp.Click(runNow, chromedp.NodeVisible),
		chromedp.WaitNotPresent(runNow),
		chromedp.WaitVisible(chromedp.CSS("h1")),
	))
	if got := text("forged CSRF", "h1"); got != "Action refusée" {
		t.Errorf("forged CSRF: page %q", got)
	}
	browsertest.Axe(t, bctx, "refusal")
	select {
	case m := <-s.done:
		t.Fatalf("a run started with a forged CSRF token: %s", m.RunID)
	default:
	}

	must("run now", chromedp.Do(bctx,
		chromedp.Navigate(s.URL+"/tableau-de-bord"),
		chromedp.Click(runNow, chromedp.NodeVisible),
		chromedp.WaitNotPresent(runNow),
	))
	blocked := s.waitRun(t)
	if blocked.Outcome != pipelines.OutcomeBlocked {
		t.Fatalf("run: %s (%s)", blocked.Outcome, blocked.Error)
	}
	must("blocked run page", chromedp.Do(bctx,
		chromedp.Navigate(s.URL+runPageURL(testPipeline, blocked.RunID)),
		chromedp.WaitVisible(chromedp.ID("raison")),
	))
	browsertest.Axe(t, bctx, "blocked run page")
	if body := text("blocked page", "main"); strings.Contains(body, "release blocked") {
		t.Errorf("English error on the blocked run's page:\n%s", body)
	}
	// The rejected rows of the blocked run, grouped, then filtered by
	// their error code through the form.
	must("rejected rows", chromedp.Do(bctx,
		chromedp.Navigate(s.URL+rejectsPageURL(blocked.Dataset, blocked.RunID)),
		chromedp.WaitVisible(chromedp.ID("groupes")),
	))
	browsertest.Axe(t, bctx, "rejected rows")
	// Both downloads, fetched by the page with the steward's session: the
	// standard CSV, and the spreadsheet one (byte order mark, ';', French
	// column names).
	heads, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`(async () => {
		const out = [];
		for (const a of document.querySelectorAll('main a[download]')) {
			const r = await fetch(a.href);
			const b = new Uint8Array(await r.arrayBuffer());
			const bom = b[0] === 0xEF && b[1] === 0xBB && b[2] === 0xBF;
			out.push(r.status + ' ' + bom + ' ' + new TextDecoder().decode(b.slice(bom ? 3 : 0, 300)).split(/\r?\n/)[0]);
		}
		return out;
	})()`, chromedp.EvalAwaitPromise))
	must("download rejected rows", err)
	wantHeads := []string{
		"200 true ligne;enregistrement;champ;valeur;code_erreur;contrainte;message;enregistrement_source",
		"200 false line,row,field,value,code,constraint,message,record",
	}
	if strings.Join(heads, "\n") != strings.Join(wantHeads, "\n") {
		t.Errorf("downloads of the rejected rows:\n%s\nwant\n%s", strings.Join(heads, "\n"), strings.Join(wantHeads, "\n"))
	}
	code, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('#code option:nth-child(2)').value`))
	must("first error code", err)
	// The body is marked so that the filtered page, a new document, can be
	// told from this one.
	_, err = chromedp.Run(bctx, chromedp.Evaluate[bool](`document.querySelector('#code').value = '`+code+`'; document.body.dataset.old = '1'; true`))
	must("choose code", err)
	must("filter", chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(".filter button"), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS("body:not([data-old]) #resume-rejets")),
	))
	loc, err := chromedp.Run(bctx, chromedp.Location())
	must("location", err)
	if !strings.Contains(loc, "code="+code) {
		t.Errorf("filtered at %s, want code=%s", loc, code)
	}
	codes, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#rejets tbody tr td:nth-child(5) code')).map(c => c.textContent)`))
	must("codes shown", err)
	if len(codes) == 0 {
		t.Error("the filter shows no error")
	}
	for _, c := range codes {
		if c != code {
			t.Errorf("filtered by %s, shows %s", code, c)
		}
	}
	browsertest.Axe(t, bctx, "rejected rows, filtered")

	must("back to the blocked run", chromedp.Do(bctx,
		chromedp.Navigate(s.URL+runPageURL(testPipeline, blocked.RunID)),
		chromedp.WaitVisible(chromedp.ID("raison")),
	))
	must("approve", chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.ID("raison"), "rejets connus, signalés à la source"),
		chromedp.Click(chromedp.CSS(".approve button"), chromedp.NodeVisible),
		chromedp.WaitNotPresent(chromedp.ID("raison")),
		chromedp.WaitVisible(chromedp.CSS("h1")),
	))
	approved := s.waitRun(t)
	if approved.Outcome != pipelines.OutcomePublished || approved.Approval == nil || approved.Approval.By != "alice" {
		t.Fatalf("approval run: %s, approval %+v", approved.Outcome, approved.Approval)
	}
	loc, err = chromedp.Run(bctx, chromedp.Location())
	must("location", err)
	if !strings.HasSuffix(loc, runPageURL(testPipeline, approved.RunID)) {
		t.Errorf("after approval, at %s, want the approval run's page", loc)
	}
	if body := text("approved page", "main"); !strings.Contains(body, "publié une nouvelle version") {
		t.Errorf("approved run page:\n%s", body)
	}
	browsertest.Axe(t, bctx, "published run page")
}
