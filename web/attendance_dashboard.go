package web

import (
	"cmp"
	"errors"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"github.com/ligerdata/ligerdata/attendance"
	"github.com/ligerdata/ligerdata/indicators"
)

// consolidatedPlaces is the indicator that counts a place seen in both
// place datasets once: the map the coverage indicator and the dashboard
// count.
const consolidatedPlaces = "lieux-mediation-numerique-consolides"

// attendancePlaceRow is one place on the stewards' attendance page.
type attendancePlaceRow struct {
	attendance.Place
	Tokens   int  // live tokens
	Reported bool // declared the last month
	Months   int  // months declared so far
	Reminded bool // a reminder went out for the month
	// Twin is the id of the same place in the other source, when the
	// consolidated table pairs them: a declaration under either id counts
	// for both, as in the coverage indicator.
	Twin string
}

type attendanceDashPage struct {
	Layout    layoutData
	CSRF      string
	Month     string
	Places    []attendancePlaceRow
	Missing   int
	NewToken  string
	NewPlace  string
	CanRemind bool
	Message   string
	FormsBase string
}

func (s *site) attendanceDashboard(w http.ResponseWriter, r *http.Request) {
	s.renderAttendanceDash(w, r, http.StatusOK, attendanceDashPage{})
}

// renderAttendanceDash lists the places of the map with their tokens and
// whether they declared last month.
func (s *site) renderAttendanceDash(w http.ResponseWriter, r *http.Request, status int, page attendanceDashPage) {
	page.Layout = s.layout(r, "Fréquentation : jetons et déclarations")
	page.Layout.NoIndex = true
	page.FormsBase = attendanceDash + "/jetons/"
	if sess := s.auth.session(r); sess != nil {
		page.CSRF = sess.csrf
	}
	page.Month = attendance.Months(s.now(), 1)[0]
	page.CanRemind = s.remind != nil
	if err := s.fillAttendanceRows(&page); err != nil {
		s.log.Error("attendance dashboard", "error", err)
		s.serverError(w, r)
		return
	}
	s.render(w, r, status, "attendance_dashboard.html", page)
}

// fillAttendanceRows lists the places of the map with their live tokens,
// their months declared and whether they (or their twin in the other
// source) declared page.Month, and counts the places that did not.
func (s *site) fillAttendanceRows(page *attendanceDashPage) error {
	places, err := attendance.LoadPlaces(s.tree.dir)
	if err != nil {
		return err
	}
	tokens, err := s.att.tokens.List()
	if err != nil {
		return err
	}
	current, err := s.att.store.Latest()
	if err != nil {
		return err
	}
	reminders, err := s.att.reminders.List()
	if err != nil {
		return err
	}
	reminded, live := map[string]bool{}, map[string]int{}
	for _, x := range reminders {
		reminded[x.Place] = reminded[x.Place] || x.Month == page.Month
	}
	for _, t := range tokens {
		if t.Revoked == nil {
			live[t.Place]++
		}
	}
	g := newPlaceGroups(s.placeGroups())
	months, reported := map[string]int{}, map[string]bool{}
	for _, c := range current {
		months[c.Place]++
		if c.Month == page.Month {
			reported[g.key(c.Place)] = true
		}
	}
	missing := map[string]bool{}
	for _, p := range places.Sorted() {
		k := g.key(p.ID)
		row := attendancePlaceRow{Place: p, Tokens: live[p.ID], Reported: reported[k], Months: months[p.ID],
			Reminded: reminded[p.ID], Twin: g.twin(p.ID, places)}
		missing[k] = !row.Reported
		page.Places = append(page.Places, row)
	}
	for _, m := range missing {
		if m {
			page.Missing++
		}
	}
	return nil
}

// placeGroupsOf tells which ids name one place of the consolidated table.
type placeGroupsOf struct {
	group   map[string]string   // id → consolidated place
	members map[string][]string // consolidated place → ids
}

func newPlaceGroups(group map[string]string) placeGroupsOf {
	g := placeGroupsOf{group: group, members: map[string][]string{}}
	for id, k := range group {
		g.members[k] = append(g.members[k], id)
	}
	return g
}

// key is the consolidated place of id (id itself when not grouped).
func (g placeGroupsOf) key(id string) string { return cmp.Or(g.group[id], id) }

// twin is the other id of id's place that is on the map, "" when none.
func (g placeGroupsOf) twin(id string, places attendance.PlaceTable) string {
	for _, other := range g.members[g.key(id)] {
		if other != id && places.Known(other) {
			return other
		}
	}
	return ""
}

// attendanceTokenPost issues (op "emettre") or revokes (op "revoquer")
// a place's token, for a signed-in steward, its form's CSRF token checked.
// An issued token is shown once, on the page answered.
func (s *site) attendanceTokenPost(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	place, op := r.PathValue("place"), r.PathValue("op")
	entry := AuditEntry{Action: "attendance_token_" + op, Remote: clientAddr(r), Via: "site", Place: place}
	sess := s.stewardPost(w, r, &entry, "Connectez-vous pour gérer les jetons des lieux.")
	if sess == nil {
		return
	}
	places, err := attendance.LoadPlaces(s.tree.dir)
	if err != nil || !places.Known(place) || (op != "emettre" && op != "revoquer") {
		s.refuse(w, r, entry, http.StatusNotFound, "lieu inconnu ou opération inconnue", "Ce lieu n'est pas dans la cartographie publiée.")
		return
	}
	if op == "revoquer" {
		n, err := s.att.tokens.Revoke(place, s.now())
		if err != nil {
			s.refuse(w, r, entry, http.StatusInternalServerError, err.Error(), "La révocation a échoué ; le détail est dans les journaux du serveur.")
			return
		}
		s.audit(r, entry, true, "jetons révoqués : "+strconv.Itoa(n))
		http.Redirect(w, r, attendanceDash, http.StatusSeeOther)
		return
	}
	token, err := s.att.tokens.Issue(place, sess.steward.Name, s.now())
	if err != nil {
		s.refuse(w, r, entry, http.StatusInternalServerError, err.Error(), "Le jeton n'a pas pu être émis ; le détail est dans les journaux du serveur.")
		return
	}
	s.audit(r, entry, true, "jeton émis")
	s.renderAttendanceDash(w, r, http.StatusOK, attendanceDashPage{NewToken: token, NewPlace: place})
}

// placeGroups maps each source id of a place of the consolidated table
// (indicator lieux-mediation-numerique-consolides) to the place's id
// there: the export's and PiNG's ids of one place share a group. Empty
// when the table is not published (each id is then its own place).
func (s *site) placeGroups() map[string]string {
	out := map[string]string{}
	var def *indicators.Definition
	for _, d := range s.indicators {
		if d.ID == consolidatedPlaces {
			def = d
		}
	}
	if def == nil {
		return out
	}
	_, rows, err := indicators.ReadLatest(s.tree.dir, def)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("reading the consolidated places", "error", err)
		}
		return out
	}
	for _, r := range rows {
		place, _ := def.Value(r, "dimension").(string)
		sources, _ := def.Value(r, "sources").(string)
		for _, src := range strings.Split(sources, "|") {
			if _, id, ok := strings.Cut(src, ":"); ok && place != "" {
				out[id] = place
			}
		}
	}
	return out
}
