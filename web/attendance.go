package web

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/ligerdata/ligerdata/attendance"
)

// The attendance pages: the explanation of the template with its
// downloads and the submission form (public), the places' JSON API, and
// the stewards' page of tokens and reports.
const (
	attendancePath    = "/frequentation"
	attendanceAPIPath = "/api/frequentation/v1/declarations"
	attendanceDash    = "/tableau-de-bord/frequentation"
	// attendanceMonths is how many months the template and example hold.
	attendanceMonths = 12
)

// attendanceSite holds what the attendance pages need.
type attendanceSite struct {
	store     *attendance.Store
	tokens    *attendance.Tokens
	reminders *attendance.Reminders
	limiter   *submissionLimiter
}

// attendanceRoutes registers the attendance pages; without a store there
// is nowhere to keep submissions and none is served.
func (s *site) attendanceRoutes() {
	if s.storeDir == "" {
		return
	}
	s.att = &attendanceSite{
		store:     &attendance.Store{Root: s.storeDir},
		tokens:    &attendance.Tokens{Root: s.storeDir},
		reminders: &attendance.Reminders{Root: s.storeDir},
		limiter:   newSubmissionLimiter(submissionsPerWindow, submissionWindow),
	}
	s.mux.HandleFunc("GET "+attendancePath, s.attendancePage)
	s.mux.HandleFunc("GET "+attendancePath+"/{file}", s.attendanceFile)
	s.mux.HandleFunc("GET "+attendancePlacePath+"{place}", s.attendancePlacePage)
	s.mux.HandleFunc("POST "+attendancePath+"/declarer", s.attendanceSubmitForm)
	s.mux.HandleFunc("POST "+attendanceAPIPath, s.attendanceSubmitAPI)
	if s.auth != nil {
		s.mux.HandleFunc("GET "+attendanceDash, s.stewardPage(s.attendanceDashboard))
		s.mux.HandleFunc("POST "+attendanceDash+"/jetons/{place}/{op}", s.attendanceTokenPost)
		s.mux.HandleFunc("POST "+attendanceDash+"/rappels/{place}", s.attendanceRemindPost)
	}
}

// attendanceColumn documents one column of the template.
type attendanceColumn struct {
	Name, Title, Description string
	Required                 bool
}

type attendancePageData struct {
	Layout  layoutData
	Place   *attendance.Place
	Columns []attendanceColumn
	Files   []link
	CSRF    string
	API     string
	// Choices are the places of the map, to open one's page (the
	// framework's page only).
	Choices []attendance.Place
	// Report is the place's declarations and report (its page only).
	Report   *placeReport
	Profiles []string
}

var placeParamRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$`)

// attendancePlace returns the place named by ?lieu=, nil when absent or
// not on the map.
func (s *site) attendancePlace(r *http.Request) *attendance.Place {
	id := r.URL.Query().Get("lieu")
	if !placeParamRe.MatchString(id) {
		return nil
	}
	places, err := attendance.LoadPlaces(s.tree.dir)
	if err != nil {
		s.log.Warn("reading the places", "error", err)
		return nil
	}
	if p, ok := places[id]; ok {
		return &p
	}
	return nil
}

// attendancePage is the page of the framework; ?lieu= naming a place on
// the map leads to that place's page (the address the reminders give).
func (s *site) attendancePage(w http.ResponseWriter, r *http.Request) {
	if p := s.attendancePlace(r); p != nil {
		http.Redirect(w, r, attendancePlacePath+p.ID, http.StatusSeeOther)
		return
	}
	page := s.attendancePageData(w, r, nil)
	if places, err := attendance.LoadPlaces(s.tree.dir); err == nil {
		page.Choices = places.Sorted()
	} else {
		s.log.Warn("reading the places", "error", err)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "attendance.html", page)
}

// attendancePageData fills the parts of the attendance page common to the
// framework's page and a place's (place nil for the former), and sets the
// form's CSRF cookie.
func (s *site) attendancePageData(w http.ResponseWriter, r *http.Request, place *attendance.Place) attendancePageData {
	title := "Déclarer la fréquentation d'un lieu de médiation numérique"
	if place != nil {
		title = "Fréquentation de " + place.Name
	}
	page := attendancePageData{Layout: s.layout(r, title), API: s.absURL(attendanceAPIPath), Place: place}
	query := ""
	if place != nil {
		query = "?lieu=" + place.ID
	}
	page.Files = []link{
		{Title: "Modèle à remplir (CSV)", URL: attendancePath + "/modele.csv" + query},
		{Title: "Modèle pour tableur français (CSV « ; »)", URL: attendancePath + "/modele-tableur.csv" + query},
		{Title: "Exemple rempli (CSV)", URL: attendancePath + "/exemple.csv" + query},
		{Title: "Exemple rempli pour tableur français", URL: attendancePath + "/exemple-tableur.csv" + query},
	}
	if sch, err := attendanceSchema(); err == nil {
		for _, f := range sch.Fields {
			page.Columns = append(page.Columns, attendanceColumn{Name: f.Name, Title: f.Title, Description: f.Description, Required: f.Constraints.Required})
		}
	}
	for _, p := range attendance.Profiles {
		page.Profiles = append(page.Profiles, p.Public)
	}
	page.CSRF = s.attendanceCSRF(w)
	return page
}

// attendanceFile serves the template and the example, the place's id
// filled in when ?lieu= names a place on the map.
func (s *site) attendanceFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	id := ""
	if p := s.attendancePlace(r); p != nil {
		id = p.ID
	}
	months := attendance.Months(s.now(), attendanceMonths)
	french := strings.HasSuffix(name, "-tableur.csv")
	var body []byte
	switch name {
	case "modele.csv", "modele-tableur.csv":
		body = attendance.Template(id, months, french)
	case "exemple.csv", "exemple-tableur.csv":
		if id == "" {
			id = "ping-12"
		}
		body = attendance.Example(id, months, french)
	default:
		s.notFound(w, r)
		return
	}
	file := "frequentation-" + strings.TrimSuffix(name, ".csv")
	if id != "" {
		file += "-" + id
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filepath.Base(file)+`.csv"`)
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(body)
}

// attendanceCSRF sets the double-submit cookie of the submission form and
// returns its value.
func (s *site) attendanceCSRF(w http.ResponseWriter) string {
	token := randomString(32)
	http.SetCookie(w, &http.Cookie{Name: preCSRFCookie, Value: token, Path: attendancePath, HttpOnly: true,
		Secure: strings.HasPrefix(s.baseURL, "https://"), SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	return token
}
