package web

import (
	"errors"
	"net/http"

	"github.com/ligerdata/ligerdata/attendance"
)

// attendanceRemindPost sends a reminder to a place that has not declared
// last month, once per place and month, for a signed-in steward.
func (s *site) attendanceRemindPost(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	place := r.PathValue("place")
	entry := AuditEntry{Action: "attendance_remind", Remote: clientAddr(r), Via: "site", Place: place}
	sess := s.stewardPost(w, r, &entry, "Connectez-vous pour envoyer un rappel.")
	if sess == nil {
		return
	}
	if s.remind == nil {
		s.refuse(w, r, entry, http.StatusServiceUnavailable, "aucun destinataire d'alerte", "Aucun webhook ni courriel d'alerte n'est configuré : le rappel ne peut pas partir.")
		return
	}
	places, err := attendance.LoadPlaces(s.tree.dir)
	if err != nil || !places.Known(place) {
		s.refuse(w, r, entry, http.StatusNotFound, "lieu inconnu", "Ce lieu n'est pas dans la cartographie publiée.")
		return
	}
	p := places[place]
	month := attendance.Months(s.now(), 1)[0]
	rem := attendance.Reminder{Place: place, Month: month, By: sess.steward.Name, Sent: s.now().UTC()}
	err = s.att.reminders.Record(rem, func() error {
		s.remind(place, p.Name, month, s.absURL(attendancePlacePath+place))
		return nil
	})
	switch {
	case errors.Is(err, attendance.ErrAlreadyReminded):
		s.refuse(w, r, entry, http.StatusConflict, "déjà relancé ce mois", "Ce lieu a déjà reçu un rappel pour ce mois.")
		return
	case err != nil:
		s.refuse(w, r, entry, http.StatusInternalServerError, err.Error(), "Le rappel n'a pas pu être enregistré ; le détail est dans les journaux du serveur.")
		return
	}
	s.audit(r, entry, true, "rappel pour "+month)
	http.Redirect(w, r, attendanceDash, http.StatusSeeOther)
}
