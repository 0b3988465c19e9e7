package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ligerdata/ligerdata/attendance"
	"github.com/ligerdata/ligerdata/schemas"
)

func attendanceSchema() (*schemas.Schema, error) { return schemas.Load(attendance.SchemaName) }

// attendanceAnswer is the answer to a submission, as JSON and in the page.
type attendanceAnswer struct {
	Status     string               `json:"statut"` // "accepté" or "refusé"
	Place      string               `json:"lieu,omitempty"`
	Submission string               `json:"soumission,omitempty"`
	Rows       []attendance.Row     `json:"lignes,omitempty"`
	Superseded []string             `json:"remplace,omitempty"`
	Problems   []attendance.Problem `json:"problemes,omitempty"`
	// Report is the place's quarters and years with this submission, and
	// PlaceURL its page (declarations, report).
	Report   []attendance.Period `json:"rapport,omitempty"`
	PlaceURL string              `json:"page_du_lieu,omitempty"`
	// Error is a refusal of the request itself (token, size, flood).
	Error string `json:"erreur,omitempty"`
	code  int
}

type attendanceResultPage struct {
	Layout   layoutData
	Answer   attendanceAnswer
	Profiles []string
	// Report is the place's report, after an accepted submission.
	Report *placeReport
}

// refused is an answer refusing the request before any validation.
func refused(code int, msg string) attendanceAnswer {
	return attendanceAnswer{Status: "refusé", Error: msg, code: code}
}

// attendanceSubmitForm takes the site's form: jeton, fichier, and the
// double-submit CSRF token.
func (s *site) attendanceSubmitForm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	ans := s.formSubmission(w, r)
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		writeJSON(w, ans.code, ans)
		return
	}
	page := attendanceResultPage{Layout: s.layout(r, "Déclaration "+ans.Status), Answer: ans}
	page.Layout.NoIndex = true
	for _, p := range attendance.Profiles {
		page.Profiles = append(page.Profiles, p.Public)
	}
	if ans.Status == "accepté" {
		page.Report = s.acceptedReport(ans.Place)
	}
	s.render(w, r, ans.code, "attendance_result.html", page)
}

// formSubmission reads the form and submits its file; a request refused
// before the file is read (size, malformed form, CSRF, no file) is in the
// audit log too.
func (s *site) formSubmission(w http.ResponseWriter, r *http.Request) attendanceAnswer {
	r.Body = http.MaxBytesReader(w, r.Body, attendance.MaxBytes+64<<10)
	err := r.ParseMultipartForm(attendance.MaxBytes + 64<<10)
	var tooBig *http.MaxBytesError
	var ans attendanceAnswer
	var why string
	c, cerr := r.Cookie(preCSRFCookie)
	switch {
	case errors.As(err, &tooBig):
		ans, why = refused(http.StatusRequestEntityTooLarge, tooLargeMessage()), "fichier trop gros"
	case err != nil:
		ans, why = refused(http.StatusBadRequest, "Le formulaire n'a pas pu être lu : rechargez la page et réessayez."), "formulaire illisible"
	case cerr != nil || !sameToken(r.PostFormValue(csrfField), c.Value):
		ans, why = refused(http.StatusForbidden, "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et réessayez."), "jeton CSRF absent ou faux"
	default:
		data, err := formFile(r)
		if err == nil {
			return s.attendanceSubmit(r, r.PostFormValue("jeton"), data, "site")
		}
		ans, why = refused(http.StatusBadRequest, "Choisissez le fichier CSV à envoyer."), "aucun fichier"
	}
	s.audit(r, AuditEntry{Action: "attendance_submit", Remote: clientAddr(r), Via: "site"}, false, why)
	return ans
}

func formFile(r *http.Request) ([]byte, error) {
	f, _, err := r.FormFile("fichier")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func tooLargeMessage() string {
	return fmt.Sprintf("Le fichier dépasse %d Kio : envoyez au plus %d mois à la fois.", attendance.MaxBytes>>10, attendance.MaxRows)
}

// attendanceSubmitAPI takes the CSV as the request body, the place's token
// as a bearer token.
func (s *site) attendanceSubmitAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, attendance.MaxBytes))
	var ans attendanceAnswer
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		ans = refused(http.StatusRequestEntityTooLarge, tooLargeMessage())
		s.audit(r, AuditEntry{Action: "attendance_submit", Remote: clientAddr(r), Via: "api"}, false, "fichier trop gros")
	case err != nil:
		ans = refused(http.StatusBadRequest, "Le fichier n'a pas pu être lu en entier.")
		s.audit(r, AuditEntry{Action: "attendance_submit", Remote: clientAddr(r), Via: "api"}, false, "fichier illisible")
	default:
		ans = s.attendanceSubmit(r, bearer(r), data, "api")
	}
	if ans.code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ligerdata-frequentation"`)
	}
	writeJSON(w, ans.code, ans)
}

// attendanceSubmit checks the token, the flood limit and the file, and
// stores an accepted file. Every attempt is in the audit log.
func (s *site) attendanceSubmit(r *http.Request, token string, data []byte, via string) attendanceAnswer {
	entry := AuditEntry{Action: "attendance_submit", Remote: clientAddr(r), Via: via}
	if !s.att.limiter.allow(entry.Remote, s.now()) {
		s.audit(r, entry, false, "trop de déclarations")
		return refused(http.StatusTooManyRequests, "Trop de déclarations envoyées depuis votre adresse : réessayez dans quelques minutes.")
	}
	place, err := s.att.tokens.Place(token)
	if err != nil {
		s.log.Error("reading attendance tokens", "error", err)
		return refused(http.StatusInternalServerError, "La déclaration n'a pas pu être enregistrée ; réessayez plus tard.")
	}
	if place == "" {
		s.audit(r, entry, false, "jeton de lieu absent, inconnu ou révoqué")
		return refused(http.StatusUnauthorized, "Ce jeton de lieu n'est pas reconnu (absent, faux ou révoqué). Demandez-en un à l'équipe régionale.")
	}
	entry.Place = place
	n, err := s.att.store.SubmittedSince(place, s.now().Add(-24*time.Hour))
	if err != nil {
		s.log.Error("counting the place's submissions", "place", place, "error", err)
		return refused(http.StatusInternalServerError, "La déclaration n'a pas pu être enregistrée ; réessayez plus tard.")
	}
	if n >= placeSubmissionsPerDay {
		s.audit(r, entry, false, "trop de déclarations du lieu en 24 heures")
		return refused(http.StatusTooManyRequests, fmt.Sprintf("Ce lieu a déjà envoyé %d déclarations acceptées en 24 heures, le maximum : réessayez demain.", n))
	}
	places, err := attendance.LoadPlaces(s.tree.dir)
	if err != nil {
		s.log.Error("reading the places", "error", err)
		return refused(http.StatusInternalServerError, "La cartographie des lieux n'a pas pu être lue ; réessayez plus tard.")
	}
	rows, problems, err := attendance.Check(r.Context(), data, place, places, s.now())
	if err == nil && problems == nil {
		var sub *attendance.Submission
		if sub, err = s.att.store.Save(place, via, data, rows, s.now()); err == nil {
			entry.Run = sub.ID
			s.audit(r, entry, true, fmt.Sprintf("%d mois déclarés", len(rows)))
			ans := attendanceAnswer{Status: "accepté", Place: place, Submission: sub.ID, Rows: rows, Superseded: sub.Superseded,
				PlaceURL: s.absURL(attendancePlacePath + place), code: http.StatusOK}
			if cur, _, err := s.att.store.LatestOf(place); err == nil {
				ans.Report = attendance.Periods(cur)
			}
			return ans
		}
	}
	if err != nil {
		s.log.Error("attendance submission", "place", place, "error", err)
		s.audit(r, entry, false, err.Error())
		return refused(http.StatusInternalServerError, "La déclaration n'a pas pu être enregistrée ; réessayez plus tard.")
	}
	s.audit(r, entry, false, fmt.Sprintf("%d problèmes", len(problems)))
	return attendanceAnswer{Status: "refusé", Place: place, Problems: problems, code: http.StatusUnprocessableEntity}
}

// acceptedReport is the report of place shown with an accepted
// submission; nil (no report, the answer stands) when it cannot be read.
func (s *site) acceptedReport(place string) *placeReport {
	places, err := attendance.LoadPlaces(s.tree.dir)
	if err != nil {
		s.log.Error("reading the places", "error", err)
		return nil
	}
	rep, err := s.placeReportOf(places[place])
	if err != nil {
		s.log.Error("attendance report", "place", place, "error", err)
		return nil
	}
	return rep
}
