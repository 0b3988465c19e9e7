package web

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ligerdata/ligerdata/attendance"
	"github.com/ligerdata/ligerdata/internal/browsertest"
)

// TestBrowserAttendanceSubmission drives headless Chromium as a place
// would: its page, the form sent with the filled example (accepted, the
// months recorded shown), then with a faulty file (refused, each row and
// column to fix in French). axe-core checks the three pages.
func TestBrowserAttendanceSubmission(t *testing.T) {
	bctx := browsertest.New(t, 120*time.Second)
	srv, _ := newAttendanceSite(t, nil)
	token := issuePlaceToken(t, srv, cookieClient(t), "pdl-0001")
	dir := t.TempDir()
	good := filepath.Join(dir, "exemple.csv")
	bad := filepath.Join(dir, "faux.csv")
	writeFile(t, good, attendance.Example("pdl-0001", attendance.Months(attendanceNow, 3), true))
	writeFile(t, bad, []byte(attendanceHeader+"pdl-0001,2026-02,dix,,1,,,,,,\npdl-0002,2026-01,5,,1,,,,,,\n"))
	must := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v", step, err)
		}
	}
	send := func(file string) string {
		t.Helper()
		must("open the place's page", chromedp.Do(bctx,
			chromedp.Navigate(srv.URL+attendancePath+"?lieu=pdl-0001"),
			chromedp.WaitVisible(chromedp.CSS("#jeton")),
			chromedp.SendKeys(chromedp.CSS("#jeton"), token),
			chromedp.SetUploadFiles(chromedp.CSS("#fichier"), []string{file}),
		))
		_, err := chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS("form button[type=submit]"), chromedp.NodeVisible))
		must("submit", err)
		text, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("main"), chromedp.NodeVisible))
		must("read the answer", err)
		return text
	}
	must("open the page", chromedp.Do(bctx, chromedp.Navigate(srv.URL+attendancePath+"?lieu=pdl-0001"), chromedp.WaitVisible(chromedp.CSS("#colonnes"))))
	browsertest.Axe(t, bctx, "attendance page")

	text := send(good)
	if !strings.Contains(text, "Accepté : 3 mois enregistrés") || !strings.Contains(text, "2026-02") {
		t.Errorf("accepted page:\n%s", text)
	}
	browsertest.Axe(t, bctx, "attendance accepted")

	text = send(bad)
	for _, want := range []string{"Déclaration refusée", "n'est pas un nombre entier valide", "« pdl-0001 »", "Rien n'a été modifié"} {
		if !strings.Contains(text, want) {
			t.Errorf("refused page lacks %q:\n%s", want, text)
		}
	}
	browsertest.Axe(t, bctx, "attendance refused")
}
