package web

import (
	"context"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/attendance"
	"github.com/ligerdata/ligerdata/connectors/all"
	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/pipelines"
)

// runEmbedded runs an embedded pipeline on st, answered by the recorded
// responses of testdata/replay.
func runEmbedded(t *testing.T, st *store.Store, id string) *pipelines.Manifest {
	t.Helper()
	def, err := (&pipelines.Loader{Registry: all.Registry()}).Load(pipelines.Embedded, id+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	runner := &pipelines.Runner{Store: st, Logger: slog.New(slog.DiscardHandler), ReplayDir: "../testdata/replay",
		Catalog: output.CatalogMeta{Title: "T", Description: "D", Publisher: "P", BaseURL: "http://127.0.0.1"}}
	m, err := runner.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// publishAttendance runs the embedded attendance pipeline on st: the
// "next release" of the declarations.
func publishAttendance(t *testing.T, st *store.Store) *pipelines.Manifest {
	t.Helper()
	return runEmbedded(t, st, attendance.Dataset)
}

// TestAttendancePlacePage: the page of a place shows its months as the
// dataset publishes them (small counts masked, no comment), whether each
// is in the latest release, its quarters and years, and its submissions;
// an accepted answer carries the same report.
func TestAttendancePlacePage(t *testing.T) {
	srv, st := newAttendanceSite(t, nil)
	token := issuePlaceToken(t, srv, cookieClient(t), "pdl-0001")
	// January: 3 distinct visitors and 2 women are under 5, masked.
	first := attendanceHeader +
		"pdl-0001,2026-01,120,3,6,30,,,,2,Porte fermée le 12\n" +
		"pdl-0001,2026-02,80,,4,,,,,,\n"
	if code, ans := submitAPI(t, srv, token, []byte(first)); code != http.StatusOK {
		t.Fatalf("first: %d %+v", code, ans)
	}
	m := publishAttendance(t, st)
	// February again, after the release: 90 visits, 5 workshops.
	code, ans := submitAPI(t, srv, token, []byte(attendanceHeader+"pdl-0001,2026-02,90,,5,,,,,,\n"))
	// The quarter and the year: 120 + 90 = 210 visits, 6 + 5 = 11 workshops.
	want := []attendance.Period{{Period: "2026-T1", Months: 2, Visits: 210, Workshops: 11}, {Period: "2026", Months: 2, Visits: 210, Workshops: 11}}
	if code != http.StatusOK || len(ans.Report) != 2 || ans.Report[0] != want[0] || ans.Report[1] != want[1] ||
		!strings.HasSuffix(ans.PlaceURL, "/frequentation/lieux/pdl-0001") {
		t.Fatalf("second: %d %+v", code, ans)
	}

	code, body, _ := page(t, cookieClient(t), srv.URL+"/frequentation/lieux/pdl-0001")
	if code != http.StatusOK {
		t.Fatalf("place page: %d", code)
	}
	for _, want := range []string{
		"<h1>Fréquentation de Espace public numérique de Nantes</h1>",
		// January as published: 3 visitors and 2 women shown "< 5".
		`<tr><th scope="row">2026-01</th><td class="num">120</td><td class="num">&lt; 5</td><td class="num">6</td><td class="num">30</td><td class="num">—</td><td class="num">—</td><td class="num">—</td><td class="num">&lt; 5</td>`,
		"<td>publié</td>",
		// February's new declaration is not in the release yet.
		`<tr><th scope="row">2026-02</th><td class="num">90</td>`,
		"<td>à la prochaine version</td>",
		"1 mois sera publié à la prochaine version",
		`<a href="/jeux-de-donnees/frequentation-lieux-mediation/versions/` + m.Release + `">`,
		`<tr><th scope="row">2026-T1</th><td class="num">2</td><td class="num">210</td><td class="num">11</td></tr>`,
		`<tr><th scope="row">2026</th><td class="num">2</td><td class="num">210</td><td class="num">11</td></tr>`,
		"(API) : 1 mois, remplace les déclarations précédentes de 2026-02",
		"(API) : 2 mois —",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("place page lacks %s", want)
		}
	}
	if strings.Contains(body, "Porte fermée") || strings.Contains(body, ">80<") {
		t.Error("the place page shows the comment or a superseded value")
	}
	if strings.Index(body, "remplace les déclarations") > strings.Index(body, "(API) : 2 mois") {
		t.Error("submissions are not listed latest first")
	}
	if code, _, _ := page(t, cookieClient(t), srv.URL+"/frequentation/lieux/pdl-9999"); code != http.StatusNotFound {
		t.Errorf("place off the map: %d", code)
	}
}

var missingRe = regexp.MustCompile(`(\d+) lieu\(x\) sans déclaration`)

// TestAttendanceDashboardCountsAPlaceOnce: with the consolidated table
// published, the export's pdl-0060 and PiNG's ping-119 (Espace public
// numérique de Blain, paired by name and commune) are one place: a
// declaration under ping-119 marks both rows declared and lowers the
// count of places without a declaration by one, as the coverage
// indicator counts them.
func TestAttendanceDashboardCountsAPlaceOnce(t *testing.T) {
	srv, st := newAttendanceSite(t, nil)
	runEmbedded(t, st, "communes-pays-de-la-loire")
	runEmbedded(t, st, "ping-lieux-mediation")
	computeIndicators(t, st, "lieux-mediation-numerique-consolides")
	c := cookieClient(t)
	token := issuePlaceToken(t, srv, c, "ping-119")
	missing := func() (int, string) {
		_, body, _ := page(t, c, srv.URL+attendanceDash)
		m := missingRe.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no count of places without a declaration")
		}
		n, _ := strconv.Atoi(m[1])
		return n, body
	}
	before, body := missing()
	row := "<code>pdl-0060</code> ; même lieu que <code>ping-119</code>)</span></th><td>"
	if !strings.Contains(body, row+"<strong>non</strong>") {
		t.Fatalf("pdl-0060 is not shown as ping-119's twin, without a declaration")
	}
	if code, ans := submitAPI(t, srv, token, []byte(attendanceHeader+"ping-119,2026-02,40,,2,,,,,,\n")); code != http.StatusOK {
		t.Fatalf("submission: %d %+v", code, ans)
	}
	after, body := missing()
	if before-after != 1 {
		t.Errorf("places without a declaration: %d then %d, want one fewer", before, after)
	}
	for _, r := range []string{row + "oui</td>", "<code>ping-119</code> ; même lieu que <code>pdl-0060</code>)</span></th><td>oui</td>"} {
		if !strings.Contains(body, r) {
			t.Errorf("dashboard lacks %s", r)
		}
	}
}
