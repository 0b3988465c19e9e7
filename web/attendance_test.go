package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/attendance"
	"github.com/ligerdata/ligerdata/connectors/all"
	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/pipelines"
)

// attendanceNow is 10 March 2026: February is the last month a place
// can declare.
var attendanceNow = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// newAttendanceSite publishes the places of the recorded regional export
// (pdl-0001 … pdl-0100) and serves the site with the steward alice.
func newAttendanceSite(t *testing.T, remind func(place, name, month, url string)) (*httptest.Server, *store.Store) {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	def, err := (&pipelines.Loader{Registry: all.Registry()}).Load(pipelines.Embedded, testPipeline+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	runner := &pipelines.Runner{Store: st, Logger: logger, ReplayDir: "../testdata/replay",
		Catalog: output.CatalogMeta{Title: "T", Description: "D", Publisher: "P", BaseURL: "http://127.0.0.1"}}
	if _, err := runner.Run(context.Background(), def); err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{StoreDir: st.Root, Logger: logger, Now: func() time.Time { return attendanceNow }, PageCacheTTL: -1,
		Steward: &StewardOptions{Stewards: []Steward{{Name: "alice", TokenSHA256: HashToken("jeton-alice")}}, Remind: remind}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, st
}

var newTokenRe = regexp.MustCompile(`id="nouveau-jeton" readonly size="48" value="([^"]+)"`)

// issuePlaceToken signs alice in and issues a token for place.
func issuePlaceToken(t *testing.T, srv *httptest.Server, c *http.Client, place string) string {
	t.Helper()
	_, _, csrf := page(t, c, srv.URL+"/connexion")
	post(t, c, srv.URL+"/connexion", url.Values{"csrf": {csrf}, "jeton": {"jeton-alice"}})
	code, body, csrf := page(t, c, srv.URL+attendanceDash)
	if code != 200 || !strings.Contains(body, "pdl-0001") {
		t.Fatalf("dashboard %d", code)
	}
	resp, err := c.PostForm(srv.URL+attendanceDash+"/jetons/"+place+"/emettre", url.Values{"csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := newTokenRe.FindSubmatch(b)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("issue: %d %s", resp.StatusCode, b)
	}
	return string(m[1])
}

// submitForm posts a file through the site's form and returns the
// status and body (JSON when asJSON).
func submitForm(t *testing.T, srv *httptest.Server, token string, file []byte, asJSON bool) (int, string) {
	t.Helper()
	c := cookieClient(t)
	_, _, csrf := page(t, c, srv.URL+attendancePath)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	mw.WriteField("jeton", token)
	fw, _ := mw.CreateFormFile("fichier", "frequentation.csv")
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest("POST", srv.URL+attendancePath+"/declarer", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if asJSON {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func submitAPI(t *testing.T, srv *httptest.Server, token string, file []byte) (int, attendanceAnswer) {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+attendanceAPIPath, bytes.NewReader(file))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ans attendanceAnswer
	if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, ans
}

func storedFiles(t *testing.T, st *store.Store) int {
	names, _ := filepath.Glob(filepath.Join(st.Root, attendance.Dir, "submissions", "*", "*.csv"))
	return len(names)
}

const attendanceHeader = "id,mois,visites,visiteurs_distincts,ateliers,visites_jeunes,visites_etudiants,visites_familles_enfants,visites_seniors,visites_femmes,commentaire\n"

func TestAttendanceTemplateIsFilledForThePlace(t *testing.T) {
	srv, _ := newAttendanceSite(t, nil)
	c := cookieClient(t)
	// The framework's page lists the places to open one's page.
	if _, body, _ := page(t, c, srv.URL+attendancePath); !strings.Contains(body, `<option value="pdl-0001">Espace public numérique de Nantes (Nantes)</option>`) {
		t.Error("the framework's page does not offer pdl-0001's page")
	}
	// ?lieu= (the form above, older links) leads to the place's page.
	resp, err := c.Get(srv.URL + attendancePath + "?lieu=pdl-0001")
	if err != nil || resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/frequentation/lieux/pdl-0001" {
		t.Fatalf("?lieu=: %v %v", resp, err)
	}
	resp.Body.Close()
	code, body, _ := page(t, c, srv.URL+"/frequentation/lieux/pdl-0001")
	if code != 200 || !strings.Contains(body, "Espace public numérique de Nantes") || !strings.Contains(body, "modele-tableur.csv?lieu=pdl-0001") {
		t.Fatalf("page %d", code)
	}
	for _, col := range attendance.Columns() {
		if !strings.Contains(body, "<code>"+col+"</code>") {
			t.Errorf("column %s not explained", col)
		}
	}
	_, csv, _ := page(t, c, srv.URL+attendancePath+"/modele-tableur.csv?lieu=pdl-0001")
	lines := strings.Split(strings.TrimRight(csv, "\r\n"), "\r\n")
	// Header and the twelve months from March 2025 to February 2026.
	if len(lines) != 13 || !strings.HasPrefix(lines[0], "\uFEFFid;mois;visites;") ||
		lines[1] != "pdl-0001;2025-03;;;;;;;;;" || !strings.HasPrefix(lines[12], "pdl-0001;2026-02;") {
		t.Errorf("template:\n%s", csv)
	}
	_, csv, _ = page(t, c, srv.URL+attendancePath+"/modele.csv?lieu=inconnu")
	if !strings.HasPrefix(strings.Split(csv, "\n")[1], ",2025-03,") {
		t.Errorf("a place not on the map was filled in: %q", csv)
	}
}

func TestAttendanceSubmissionCycle(t *testing.T) {
	srv, st := newAttendanceSite(t, nil)
	steward := cookieClient(t)
	token := issuePlaceToken(t, srv, steward, "pdl-0001")
	other := issuePlaceToken(t, srv, steward, "pdl-0002")

	// The filled example of the place's page, through the form.
	_, example, _ := page(t, cookieClient(t), srv.URL+attendancePath+"/exemple-tableur.csv?lieu=pdl-0001")
	code, body := submitForm(t, srv, token, []byte(example), false)
	if code != 200 || !strings.Contains(body, "Accepté : 12 mois enregistrés") {
		t.Fatalf("form: %d\n%s", code, body)
	}
	// January again through the API: accepted, supersedes the first.
	code, ans := submitAPI(t, srv, token, []byte(attendanceHeader+"pdl-0001,2026-01,90,,4,,,,,,\n"))
	if code != 200 || ans.Status != "accepté" || strings.Join(ans.Superseded, ",") != "2026-01" || ans.Rows[0].Visits != 90 {
		t.Fatalf("api: %d %+v", code, ans)
	}
	cur, _ := (&attendance.Store{Root: st.Root}).Latest()
	if len(cur) != 12 || cur[10].Month != "2026-01" || cur[10].Visits != 90 {
		t.Errorf("latest January = %+v, want 90 visits", cur[10])
	}
	if storedFiles(t, st) != 2 {
		t.Errorf("%d files stored, want both submissions", storedFiles(t, st))
	}

	// Invalid files change nothing and say what to fix.
	code, body = submitForm(t, srv, token, []byte(attendanceHeader+"pdl-0001,2026-03,10,,1,,,,,,\npdl-0001,2026-02,10,,1,6,6,,,,\n"), true)
	var refusedAns attendanceAnswer
	json.Unmarshal([]byte(body), &refusedAns)
	if code != 422 || len(refusedAns.Problems) != 2 || refusedAns.Problems[0].Row != 2 || refusedAns.Problems[0].Field != "mois" ||
		refusedAns.Problems[1].Row != 3 || refusedAns.Problems[1].Field != "visites" {
		t.Errorf("invalid: %d %s", code, body)
	}
	// pdl-0002's token cannot declare pdl-0001.
	code, ans = submitAPI(t, srv, other, []byte(attendanceHeader+"pdl-0001,2026-01,1000,,4,,,,,,\n"))
	if code != 422 || ans.Problems[0].Field != "id" {
		t.Errorf("other place: %d %+v", code, ans)
	}
	if code, ans = submitAPI(t, srv, "faux", []byte(attendanceHeader)); code != 401 || ans.Error == "" {
		t.Errorf("unknown token: %d %+v", code, ans)
	}
	if code, _ = submitAPI(t, srv, token, bytes.Repeat([]byte("x"), attendance.MaxBytes+1)); code != 413 {
		t.Errorf("oversized: %d", code)
	}
	if storedFiles(t, st) != 2 {
		t.Errorf("refused submissions stored files: %d", storedFiles(t, st))
	}

	// Revoked, the token no longer submits.
	_, _, csrf := page(t, steward, srv.URL+attendanceDash)
	if resp := post(t, steward, srv.URL+attendanceDash+"/jetons/pdl-0001/revoquer", url.Values{"csrf": {csrf}}); resp.StatusCode != 303 {
		t.Fatalf("revoke %d", resp.StatusCode)
	}
	if code, _ = submitAPI(t, srv, token, []byte(attendanceHeader+"pdl-0001,2026-01,9,,4,,,,,,\n")); code != 401 {
		t.Errorf("revoked token: %d", code)
	}
	raw, _ := os.ReadFile(filepath.Join(st.Root, attendance.Dir, "tokens.json"))
	if strings.Contains(string(raw), token) {
		t.Error("a token is stored in clear")
	}
	var submits, accepted int
	for _, e := range readAudit(t, st) {
		if e.Action == "attendance_submit" {
			submits++
			if e.Allowed {
				accepted++
			}
		}
	}
	// form, API, invalid, other place, unknown token, oversized, revoked.
	if submits != 7 || accepted != 2 {
		t.Errorf("audit: %d submissions, %d accepted; want 7 and 2", submits, accepted)
	}
}

func TestAttendanceTokenNeedsSignInAndCSRF(t *testing.T) {
	srv, _ := newAttendanceSite(t, nil)
	c := cookieClient(t)
	if resp := post(t, c, srv.URL+attendanceDash+"/jetons/pdl-0001/emettre", url.Values{}); resp.StatusCode != 403 {
		t.Errorf("without session: %d", resp.StatusCode)
	}
	issuePlaceToken(t, srv, c, "pdl-0003")
	if resp := post(t, c, srv.URL+attendanceDash+"/jetons/pdl-0001/emettre", url.Values{"csrf": {"faux"}}); resp.StatusCode != 403 {
		t.Errorf("without CSRF: %d", resp.StatusCode)
	}
}

func TestAttendanceReminderOncePerPlaceAndMonth(t *testing.T) {
	var sent []string
	srv, st := newAttendanceSite(t, func(place, name, month, url string) {
		sent = append(sent, place+" "+name+" "+month+" "+url)
	})
	c := cookieClient(t)
	issuePlaceToken(t, srv, c, "pdl-0001") // signs alice in
	_, body, csrf := page(t, c, srv.URL+attendanceDash)
	if !strings.Contains(body, "Envoyer un rappel à Espace public numérique de Nantes") {
		t.Fatal("no reminder button for a place that has not declared")
	}
	if resp := post(t, c, srv.URL+attendanceDash+"/rappels/pdl-0001", url.Values{"csrf": {csrf}}); resp.StatusCode != 303 {
		t.Fatalf("reminder: %d", resp.StatusCode)
	}
	if resp := post(t, c, srv.URL+attendanceDash+"/rappels/pdl-0001", url.Values{"csrf": {csrf}}); resp.StatusCode != 409 {
		t.Errorf("second reminder of February: %d, want 409", resp.StatusCode)
	}
	// Last month on 10 March 2026 is February.
	if len(sent) != 1 || sent[0] != "pdl-0001 Espace public numérique de Nantes 2026-02 /frequentation/lieux/pdl-0001" {
		t.Errorf("sent %q", sent)
	}
	if _, body, _ = page(t, c, srv.URL+attendanceDash); !strings.Contains(body, "(rappel envoyé)") {
		t.Error("the dashboard does not say the reminder went out")
	}
	var reminds int
	for _, e := range readAudit(t, st) {
		if e.Action == "attendance_remind" && e.Place == "pdl-0001" {
			reminds++
		}
	}
	if reminds != 2 {
		t.Errorf("audit: %d reminder entries, want 2 (sent, refused)", reminds)
	}
}
