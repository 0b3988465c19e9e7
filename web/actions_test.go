package web

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/connectors/all"
	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/pipelines"
)

const testPipeline = "lieux-mediation-numerique-pdl"

// stewardSite is a site with a real scheduler over the recorded responses,
// and two stewards: alice (every pipeline, token "jeton-alice") and bob
// (only geopal-lycees, token "jeton-bob").
type stewardSite struct {
	*httptest.Server
	store *store.Store
	done  chan *pipelines.Manifest
}

func newStewardSite(t *testing.T, attempts int, block bool) *stewardSite {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	l := &pipelines.Loader{Registry: all.Registry()}
	def, err := l.Load(pipelines.Embedded, testPipeline+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	if block {
		zero := 0.0 // any rejected row blocks the release
		def.Gates.MaxRejectedShare = &zero
	}
	logger := slog.New(slog.DiscardHandler)
	runner := &pipelines.Runner{Store: st, Logger: logger, ReplayDir: "../testdata/replay",
		Catalog: output.CatalogMeta{Title: "T", Description: "D", Publisher: "P", BaseURL: "http://127.0.0.1"}}
	done := make(chan *pipelines.Manifest, 4)
	sched, err := pipelines.NewScheduler(runner, []*pipelines.Definition{def}, logger, pipelines.SchedulerOptions{
		OnFinish: func(_ *pipelines.Definition, m *pipelines.Manifest, _ error) { done <- m },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sched.Stop(t.Context()) })
	h, err := New(Options{StoreDir: st.Root, Logger: logger, Steward: &StewardOptions{
		Stewards: []Steward{
			{Name: "alice", TokenSHA256: HashToken("jeton-alice")},
			{Name: "bob", TokenSHA256: HashToken("jeton-bob"), Pipelines: []string{"geopal-lycees"}},
		},
		Scheduler: sched,
		Limits:    Limits{SignInAttempts: attempts},
	}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &stewardSite{Server: srv, store: st, done: done}
}

func (s *stewardSite) waitRun(t *testing.T) *pipelines.Manifest {
	t.Helper()
	select {
	case m := <-s.done:
		return m
	case <-time.After(60 * time.Second):
		t.Fatal("the run did not finish")
	}
	return nil
}

// cookieClient is a client with cookies that does not follow redirects.
func cookieClient(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// page GETs a page and returns its status, body and first CSRF token.
func page(t *testing.T, c *http.Client, u string) (int, string, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	csrf := ""
	if m := csrfInput.FindSubmatch(b); m != nil {
		csrf = string(m[1])
	}
	return resp.StatusCode, string(b), csrf
}

func post(t *testing.T, c *http.Client, u string, form url.Values) *http.Response {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func signIn(t *testing.T, s *stewardSite, c *http.Client, token string) *http.Response {
	t.Helper()
	_, _, csrf := page(t, c, s.URL+"/connexion")
	return post(t, c, s.URL+"/connexion", url.Values{"csrf": {csrf}, "jeton": {token}, "retour": {"/tableau-de-bord"}})
}

func readAudit(t *testing.T, st *store.Store) []AuditEntry {
	t.Helper()
	f, err := os.Open(filepath.Join(st.Root, AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []AuditEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

func TestStewardSignInAndRunNow(t *testing.T) {
	s := newStewardSite(t, 5, false)
	c := cookieClient(t)
	// Public pages stay public; the dashboard sends to the sign-in page.
	if code, _, _ := page(t, c, s.URL+"/"); code != http.StatusOK {
		t.Fatalf("home: %d", code)
	}
	resp, err := c.Get(s.URL + "/tableau-de-bord")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/connexion?retour=") {
		t.Fatalf("dashboard without session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A sign-in form posted without its CSRF token is refused.
	if r := post(t, c, s.URL+"/connexion", url.Values{"jeton": {"jeton-alice"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-in without CSRF: %d", r.StatusCode)
	}
	if r := signIn(t, s, c, "jeton-inconnu"); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unknown token: %d", r.StatusCode)
	}
	r := signIn(t, s, c, "jeton-alice")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/tableau-de-bord" {
		t.Fatalf("sign-in: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	cookie := r.Header.Get("Set-Cookie")
	for _, want := range []string{sessionCookie + "=", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("cookie Secure over plain HTTP: %q", cookie)
	}
	code, body, csrf := page(t, c, s.URL+"/tableau-de-bord")
	if code != http.StatusOK || !strings.Contains(body, "Lancer maintenant") || !strings.Contains(body, "alice") || csrf == "" {
		t.Fatalf("dashboard signed in: %d\n%s", code, body)
	}
	runURL := s.URL + "/tableau-de-bord/chaines/" + testPipeline + "/lancer"
	// Refused: no CSRF token, a forged one, no session.
	if r := post(t, c, runURL, nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("run without CSRF: %d", r.StatusCode)
	}
	if r := post(t, c, runURL, url.Values{"csrf": {"forge"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("run with a forged CSRF: %d", r.StatusCode)
	}
	if r := post(t, cookieClient(t), runURL, url.Values{"csrf": {csrf}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("run without session: %d", r.StatusCode)
	}
	r = post(t, c, runURL, url.Values{"csrf": {csrf}})
	loc := r.Header.Get("Location")
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/tableau-de-bord/executions/"+testPipeline+"/") {
		t.Fatalf("run now: %d %s", r.StatusCode, loc)
	}
	m := s.waitRun(t)
	if m.Outcome != pipelines.OutcomePublished || !strings.HasSuffix(loc, "/"+m.RunID) {
		t.Fatalf("run %s: %s (%s)", m.RunID, m.Outcome, m.Error)
	}
	code, body, _ = page(t, c, s.URL+loc)
	if code != http.StatusOK || !strings.Contains(body, "publié une nouvelle version") || !strings.Contains(body, "Réponses de la source") {
		t.Fatalf("run page: %d\n%s", code, body)
	}
	// Every refusal and the run are in the audit log.
	var refused, runs int
	for _, e := range readAudit(t, s.store) {
		if !e.Allowed {
			refused++
		}
		if e.Allowed && e.Action == "run" && e.Steward == "alice" && e.Run == m.RunID {
			runs++
		}
	}
	// sign-in without CSRF, unknown token, run without CSRF, forged CSRF, no session.
	if refused != 5 || runs != 1 {
		t.Fatalf("audit: %d refused (want 5), %d runs by alice (want 1)", refused, runs)
	}
}

func TestStewardSignInRateLimited(t *testing.T) {
	s := newStewardSite(t, 3, false)
	c := cookieClient(t)
	for range 3 {
		if r := signIn(t, s, c, "mauvais"); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("bad token: %d", r.StatusCode)
		}
	}
	// The fourth attempt is refused even with the right token.
	if r := signIn(t, s, c, "jeton-alice"); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 3 failures: %d, want 429", r.StatusCode)
	}
}

func apiCall(t *testing.T, method, u, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestStewardAPIApprovesABlockedRun(t *testing.T) {
	s := newStewardSite(t, 10, true)
	base := s.URL + "/api/steward/v1/pipelines/" + testPipeline
	if code, _ := apiCall(t, "POST", base+"/runs", "", ""); code != http.StatusUnauthorized {
		t.Fatalf("no token: %d", code)
	}
	if code, _ := apiCall(t, "POST", base+"/runs", "jeton-bob", ""); code != http.StatusForbidden {
		t.Fatalf("bob out of scope: %d", code)
	}
	code, out := apiCall(t, "POST", base+"/runs", "jeton-alice", "")
	if code != http.StatusAccepted || out["run_id"] == "" {
		t.Fatalf("run: %d %v", code, out)
	}
	blocked := s.waitRun(t)
	if blocked.Outcome != pipelines.OutcomeBlocked {
		t.Fatalf("run not blocked: %s, %d rejected", blocked.Outcome, blocked.Rejected)
	}
	if code, out := apiCall(t, "POST", base+"/runs/"+blocked.RunID+"/approve", "jeton-alice", `{}`); code != http.StatusBadRequest {
		t.Fatalf("approval without reason: %d %v", code, out)
	}
	code, out = apiCall(t, "POST", base+"/runs/"+blocked.RunID+"/approve", "jeton-alice", `{"reason": "rejets connus, corrigés à la source"}`)
	if code != http.StatusOK || out["outcome"] != pipelines.OutcomePublished {
		t.Fatalf("approval: %d %v", code, out)
	}
	<-s.done // the approval's own run
	code, out = apiCall(t, "GET", base+"/runs/"+blocked.RunID, "jeton-alice", "")
	if code != http.StatusOK || out["approved_by_run"] == "" {
		t.Fatalf("blocked run after approval: %d %v", code, out)
	}
}
