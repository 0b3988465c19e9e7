package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/pipelines"
)

// StewardOptions turns on the stewards' sign-in and actions. Without it
// (Options.Steward nil) the dashboard is served read-only to anyone, for
// a site behind the portal's own authentication.
type StewardOptions struct {
	// Stewards may sign in with their token.
	Stewards []Steward
	// Scheduler runs and approves on their behalf; nil serves the
	// dashboard behind sign-in without the actions.
	Scheduler *pipelines.Scheduler
	// Limits bounds sign-in attempts and sessions.
	Limits Limits
	// Remind sends a steward's reminder to a place that has not declared
	// its attendance for month (url: its declaration page); nil offers no
	// reminder.
	Remind func(place, name, month, url string)
}

// setSteward turns on sign-in and actions when o is set.
func (s *site) setSteward(o *StewardOptions, storeDir string) {
	if o == nil {
		return
	}
	s.auth = newAuth(o.Stewards, strings.HasPrefix(s.baseURL, "https://"), o.Limits, s.now)
	s.sched = o.Scheduler
	s.remind = o.Remind
	s.auditLog = &auditLog{}
	if storeDir != "" {
		s.auditLog.path = filepath.Join(storeDir, filepath.FromSlash(AuditFile))
	}
	s.stewardRoutes()
}

// stewardRoutes registers the sign-in pages, the dashboard behind them,
// the actions and the stewards' JSON API.
func (s *site) stewardRoutes() {
	s.mux.HandleFunc("GET /connexion", s.signInPage)
	s.mux.HandleFunc("POST /connexion", s.signInPost)
	s.mux.HandleFunc("POST /deconnexion", s.action("sign_out", s.signOutPost))
	s.mux.HandleFunc("POST /tableau-de-bord/chaines/{pipeline}/lancer", s.action("run", s.runNow))
	s.mux.HandleFunc("POST /tableau-de-bord/executions/{pipeline}/{run}/approuver", s.action("approve", s.approve))
	s.mux.HandleFunc("GET /api/steward/v1/pipelines", s.api("list", s.apiPipelines))
	s.mux.HandleFunc("POST /api/steward/v1/pipelines/{pipeline}/runs", s.api("run", s.apiRun))
	s.mux.HandleFunc("GET /api/steward/v1/pipelines/{pipeline}/runs/{run}", s.api("show", s.apiShowRun))
	s.mux.HandleFunc("POST /api/steward/v1/pipelines/{pipeline}/runs/{run}/approve", s.api("approve", s.apiApprove))
}

// stewardPage serves a dashboard page to signed-in stewards only; others
// are sent to the sign-in page, which brings them back.
func (s *site) stewardPage(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// Steward pages are never kept by a browser or a proxy, signed in
		// or not.
		w.Header().Set("Cache-Control", "no-store")
		if s.auth != nil && s.auth.session(r) == nil {
			http.Redirect(w, r, "/connexion?retour="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

type signInPage struct {
	Layout layoutData
	CSRF   string
	Return string
	Error  string
}

func (s *site) signInPage(w http.ResponseWriter, r *http.Request) {
	s.renderSignIn(w, r, http.StatusOK, r.URL.Query().Get("retour"), "")
}

func (s *site) renderSignIn(w http.ResponseWriter, r *http.Request, status int, ret, msg string) {
	token := randomString(32)
	http.SetCookie(w, s.auth.cookie(preCSRFCookie, token, time.Hour))
	w.Header().Set("Cache-Control", "no-store")
	page := signInPage{Layout: s.layout(r, "Connexion"), CSRF: token, Return: safeReturn(ret), Error: msg}
	page.Layout.NoIndex = true
	s.render(w, r, status, "signin.html", page)
}

// safeReturn keeps a return address only when it is a dashboard page.
func safeReturn(ret string) string {
	if strings.HasPrefix(ret, "/tableau-de-bord") && !strings.Contains(ret, "//") {
		return ret
	}
	return "/tableau-de-bord"
}

func (s *site) signInPost(w http.ResponseWriter, r *http.Request) {
	addr := clientAddr(r)
	entry := AuditEntry{Action: "sign_in", Remote: addr, Via: "site"}
	ret := r.PostFormValue("retour")
	if s.auth.limited(addr) {
		s.refuse(w, r, entry, http.StatusTooManyRequests, "trop de tentatives de connexion manquées", "Trop de tentatives manquées depuis votre adresse : réessayez dans quelques minutes.")
		return
	}
	c, err := r.Cookie(preCSRFCookie)
	if err != nil || !sameToken(r.PostFormValue(csrfField), c.Value) {
		s.refuse(w, r, entry, http.StatusForbidden, "jeton anti-falsification (CSRF) absent ou faux", "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et réessayez.")
		return
	}
	st := s.auth.steward(r.PostFormValue("jeton"))
	if st == nil {
		s.auth.fail(addr)
		s.audit(r, entry, false, "jeton inconnu")
		s.renderSignIn(w, r, http.StatusUnauthorized, ret, "Ce jeton n'est pas reconnu.")
		return
	}
	entry.Steward = st.Name
	s.audit(r, entry, true, "")
	s.auth.signIn(w, st)
	http.SetCookie(w, s.auth.cookie(preCSRFCookie, "", -1))
	http.Redirect(w, r, safeReturn(ret), http.StatusSeeOther)
}

func (s *site) signOutPost(w http.ResponseWriter, r *http.Request, st *Steward, e *AuditEntry) (string, error) {
	s.auth.signOut(w, r)
	return "/", nil
}

// stewardAction is a dashboard action for a signed-in steward, its form's
// CSRF token checked, and the pipeline in its scope.
type stewardAction func(w http.ResponseWriter, r *http.Request, st *Steward, entry *AuditEntry) (redirect string, err error)

// action checks the session, the CSRF token and the scope, runs h, records
// the outcome in the audit log and redirects (303) where h says.
func (s *site) action(name string, h stewardAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		entry := AuditEntry{Action: name, Remote: clientAddr(r), Via: "site", Pipeline: r.PathValue("pipeline"), Run: r.PathValue("run")}
		sess := s.stewardPost(w, r, &entry, "Connectez-vous pour agir sur les moissons.")
		if sess == nil {
			return
		}
		if entry.Pipeline != "" && !sess.steward.mayAct(entry.Pipeline) {
			s.refuse(w, r, entry, http.StatusForbidden, "chaîne hors du périmètre du responsable", "Votre jeton ne vous permet pas d'agir sur cette chaîne.")
			return
		}
		to, err := h(w, r, sess.steward, &entry)
		if err != nil {
			status, msg := actionError(err)
			s.refuse(w, r, entry, status, err.Error(), msg)
			return
		}
		s.audit(r, entry, true, entry.Detail)
		http.Redirect(w, r, to, http.StatusSeeOther)
	}
}

// stewardPost returns the session of a steward's form post whose CSRF
// token matches, with entry.Steward set; else it refuses the post (noSession
// is the French message without a session) and returns nil.
func (s *site) stewardPost(w http.ResponseWriter, r *http.Request, entry *AuditEntry, noSession string) *session {
	sess := s.auth.session(r)
	if sess == nil {
		s.refuse(w, r, *entry, http.StatusForbidden, "pas de session", noSession)
		return nil
	}
	entry.Steward = sess.steward.Name
	if !sameToken(r.PostFormValue(csrfField), sess.csrf) {
		s.refuse(w, r, *entry, http.StatusForbidden, "jeton anti-falsification (CSRF) absent ou faux", "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et réessayez.")
		return nil
	}
	return sess
}

// refuse records a refused action and answers with a French page.
func (s *site) refuse(w http.ResponseWriter, r *http.Request, entry AuditEntry, status int, detail, msg string) {
	s.audit(r, entry, false, detail)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "error.html", errorPage{Layout: s.layout(r, "Action refusée"), Heading: "Action refusée", Message: msg})
}

func (s *site) audit(r *http.Request, e AuditEntry, allowed bool, detail string) {
	e.Time, e.Allowed, e.Detail = s.now().UTC(), allowed, detail
	log := s.log.With("action", e.Action, "steward", e.Steward, "pipeline", e.Pipeline, "run", e.Run, "allowed", allowed, "remote", e.Remote, "via", e.Via)
	if allowed {
		log.Info("steward action", "detail", detail)
	} else {
		log.Warn("steward action refused", "detail", detail)
	}
	if err := s.auditLog.write(e); err != nil {
		s.log.Error("writing the audit log", "error", err)
	}
}

// errNoScheduler is returned by actions on a site served without the
// daemon (`serve --no-schedule`).
var errNoScheduler = errors.New("no scheduler")

// actionError gives the status and French message of a failed action.
func actionError(err error) (int, string) {
	switch {
	case errors.Is(err, errNoScheduler):
		return http.StatusServiceUnavailable, "Les moissons ne sont pas lancées par ce serveur (démarré sans planificateur)."
	case errors.Is(err, pipelines.ErrUnknownPipeline):
		return http.StatusNotFound, "Cette chaîne n'existe pas."
	case errors.Is(err, store.ErrAlreadyRunning):
		return http.StatusConflict, "Une exécution de cette chaîne est déjà en cours ou en attente."
	case errors.Is(err, pipelines.ErrNotBlocked):
		return http.StatusConflict, "Cette exécution n'a pas été bloquée : il n'y a rien à approuver."
	case errors.Is(err, errRunNotFound):
		return http.StatusNotFound, "Cette exécution n'existe pas."
	case errors.Is(err, errReasonMissing):
		return http.StatusBadRequest, "Dites pourquoi cette version peut être publiée malgré la règle qui l'a bloquée."
	}
	return http.StatusInternalServerError, "L'action a échoué ; le détail est dans le journal d'audit et les journaux du serveur."
}

var (
	errReasonMissing = errors.New("reason missing")
	errRunNotFound   = errors.New("run not found")
)

func (s *site) runNow(w http.ResponseWriter, r *http.Request, st *Steward, e *AuditEntry) (string, error) {
	if s.sched == nil {
		return "", errNoScheduler
	}
	id, err := s.sched.Trigger(e.Pipeline)
	if err != nil {
		return "", err
	}
	e.Run, e.Detail = id, "exécution lancée"
	return runPageURL(e.Pipeline, id), nil
}

func (s *site) approve(w http.ResponseWriter, r *http.Request, st *Steward, e *AuditEntry) (string, error) {
	if s.sched == nil {
		return "", errNoScheduler
	}
	e.Reason = strings.TrimSpace(r.PostFormValue("raison"))
	if e.Reason == "" {
		return "", errReasonMissing
	}
	m, err := s.sched.Approve(e.Pipeline, e.Run, st.Name, e.Reason)
	if m != nil {
		e.Detail = "publiée par l'exécution " + m.RunID
	}
	if err != nil {
		return "", err
	}
	return runPageURL(e.Pipeline, m.RunID), nil
}

func runPageURL(pipeline, run string) string {
	return "/tableau-de-bord/executions/" + pipeline + "/" + run
}

// stewardAPIHandler is one call of the stewards' JSON API by an authenticated
// steward in scope; it returns the status and the JSON answer.
type stewardAPIHandler func(r *http.Request, st *Steward, e *AuditEntry) (int, any, error)

// api authenticates a call by its bearer token (failures count toward the
// sign-in limit), checks the scope, and records actions (not reads) in
// the audit log.
func (s *site) api(name string, h stewardAPIHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		entry := AuditEntry{Action: name, Remote: clientAddr(r), Via: "api", Pipeline: r.PathValue("pipeline"), Run: r.PathValue("run")}
		write := r.Method != http.MethodGet
		if s.auth.limited(entry.Remote) {
			s.apiRefuse(w, r, entry, write, http.StatusTooManyRequests, "trop de tentatives manquées : réessayez dans quelques minutes")
			return
		}
		st := s.auth.steward(bearer(r))
		if st == nil {
			s.auth.fail(entry.Remote)
			w.Header().Set("WWW-Authenticate", `Bearer realm="ligerdata"`)
			s.apiRefuse(w, r, entry, true, http.StatusUnauthorized, "jeton absent ou inconnu (en-tête Authorization: Bearer JETON)")
			return
		}
		entry.Steward = st.Name
		if entry.Pipeline != "" && !st.mayAct(entry.Pipeline) {
			s.apiRefuse(w, r, entry, true, http.StatusForbidden, "votre jeton ne vous permet pas d'agir sur cette chaîne")
			return
		}
		status, body, err := h(r, st, &entry)
		if err != nil {
			code, msg := actionError(err)
			s.apiRefuse(w, r, entry, write, code, msg)
			return
		}
		if write {
			s.audit(r, entry, true, entry.Detail)
		}
		writeJSON(w, status, body)
	}
}

func (s *site) apiRefuse(w http.ResponseWriter, r *http.Request, e AuditEntry, record bool, status int, msg string) {
	if record {
		s.audit(r, e, false, msg)
	}
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// apiPipeline is one pipeline in the API's list.
type apiPipeline struct {
	ID       string     `json:"id"`
	Title    string     `json:"title"`
	Schedule string     `json:"schedule,omitempty"`
	Timezone string     `json:"timezone"`
	Next     *time.Time `json:"next,omitempty"`
	// Run is the run queued or going; Running tells which.
	Run     string `json:"run,omitempty"`
	Running bool   `json:"running,omitempty"`
}

func (s *site) apiPipelines(r *http.Request, st *Steward, e *AuditEntry) (int, any, error) {
	if s.sched == nil {
		return 0, nil, errNoScheduler
	}
	out := []apiPipeline{}
	for _, ps := range s.sched.State() {
		if !st.mayAct(ps.Def.ID) {
			continue
		}
		p := apiPipeline{ID: ps.Def.ID, Title: ps.Def.Title, Schedule: ps.Def.Schedule, Timezone: ps.Def.Timezone, Run: ps.RunID, Running: ps.Running}
		if !ps.Next.IsZero() {
			next := ps.Next
			p.Next = &next
		}
		out = append(out, p)
	}
	return http.StatusOK, out, nil
}

func (s *site) apiRun(r *http.Request, st *Steward, e *AuditEntry) (int, any, error) {
	if s.sched == nil {
		return 0, nil, errNoScheduler
	}
	id, err := s.sched.Trigger(e.Pipeline)
	if err != nil {
		return 0, nil, err
	}
	e.Run, e.Detail = id, "exécution lancée"
	return http.StatusAccepted, map[string]string{"run_id": id, "url": s.absURL(runPageURL(e.Pipeline, id))}, nil
}

func (s *site) apiShowRun(r *http.Request, st *Steward, e *AuditEntry) (int, any, error) {
	m, err := s.loadRun(e.Pipeline, e.Run)
	if err != nil {
		return 0, nil, errRunNotFound
	}
	return http.StatusOK, m, nil
}

func (s *site) apiApprove(r *http.Request, st *Steward, e *AuditEntry) (int, any, error) {
	if s.sched == nil {
		return 0, nil, errNoScheduler
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&body); err != nil || strings.TrimSpace(body.Reason) == "" {
		return 0, nil, errReasonMissing
	}
	e.Reason = strings.TrimSpace(body.Reason)
	m, err := s.sched.Approve(e.Pipeline, e.Run, st.Name, e.Reason)
	if m != nil {
		e.Detail = "publiée par l'exécution " + m.RunID
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, m, nil
}

// loadRun reads a run manifest of the store.
func (s *site) loadRun(pipeline, run string) (*pipelines.Manifest, error) {
	if s.storeDir == "" || !validName(pipeline) || !validName(run) {
		return nil, errors.New("no such run")
	}
	st := store.Store{Root: s.storeDir}
	var m pipelines.Manifest
	if err := st.LoadRun(pipeline, run, &m); err != nil {
		return nil, err
	}
	return &m, nil
}
