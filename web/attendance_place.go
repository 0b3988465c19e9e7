package web

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/ligerdata/ligerdata/attendance"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

// attendancePlacePath prefixes the page of one place:
// /frequentation/lieux/ID.
const attendancePlacePath = attendancePath + "/lieux/"

// placeMonth is one month of a place as the attendance dataset publishes
// it (counts of people under the threshold masked, no comment).
type placeMonth struct {
	Month, Visits, Distinct, Workshops string
	ByProfile                          []string
	Declared                           string
	// Published tells whether the latest release of the dataset has this
	// declaration of the month.
	Published bool
}

// placeSubmission is one submission of the place, without its values
// (the earlier values of a month are not public).
type placeSubmission struct {
	ID, Received, Via string
	Months            int
	Superseded        []string
}

// placeReport is the report of a place: its months as published, its
// quarters and years, its submissions, and where they are published.
type placeReport struct {
	Months  []placeMonth
	Periods []attendance.Period
	History []placeSubmission
	// Release is the latest release of the attendance dataset, "" when
	// none yet; Pending counts the months not in it yet.
	Release    string
	ReleaseURL string
	Pending    int
	// Next is when the next release is scheduled, in French ("" when the
	// site runs no scheduler).
	Next string
}

// placeReportOf builds the report of place from the store and the
// published tree.
func (s *site) placeReportOf(place attendance.Place) (*placeReport, error) {
	cur, subs, err := s.att.store.LatestOf(place.ID)
	if err != nil {
		return nil, err
	}
	rep := &placeReport{Periods: attendance.Periods(cur), Next: s.nextAttendanceRelease()}
	published, release, err := s.publishedDeclarations(place.ID)
	if err != nil {
		return nil, err
	}
	if release != "" {
		rep.Release = release
		rep.ReleaseURL = "/jeux-de-donnees/" + attendance.Dataset + "/versions/" + release
	}
	for _, c := range cur {
		f := attendance.Published(c, place)
		m := placeMonth{Month: c.Month, Visits: f["visites"].(string), Distinct: f["visiteurs_distincts"].(string),
			Workshops: f["ateliers"].(string), Declared: frenchDateTime(c.Received),
			Published: published[c.Month] == signature(f)}
		for _, p := range attendance.Profiles {
			m.ByProfile = append(m.ByProfile, f[p.Column].(string))
		}
		if !m.Published {
			rep.Pending++
		}
		rep.Months = append(rep.Months, m)
	}
	for i := len(subs) - 1; i >= 0; i-- { // latest first
		sub := subs[i]
		rep.History = append(rep.History, placeSubmission{ID: sub.ID, Received: frenchDateTime(sub.Received),
			Via: sub.Via, Months: len(sub.Rows), Superseded: sub.Superseded})
	}
	return rep, nil
}

// signedFields are the published fields that tell one declaration of a
// month from another: its values and its time (the name and commune come
// from the map, not the declaration).
var signedFields = func() []string {
	out := []string{"mois", "visites", "visiteurs_distincts", "ateliers", "declare_le"}
	for _, p := range attendance.Profiles {
		out = append(out, p.Column)
	}
	return out
}()

// signature renders the signed fields of a published row.
func signature(f map[string]any) string {
	parts := make([]string, len(signedFields))
	for i, name := range signedFields {
		switch v := f[name].(type) {
		case nil:
		case time.Time:
			parts[i] = v.UTC().Format("2006-01-02T15:04:05Z")
		default:
			parts[i] = fmt.Sprint(v)
		}
	}
	return strings.Join(parts, "|")
}

// publishedDeclarations returns the signature of each month of the place
// in the latest release of the attendance dataset, and that release; none
// when the dataset is not published.
func (s *site) publishedDeclarations(place string) (map[string]string, string, error) {
	release, err := output.CollectionDatasets.Latest(s.tree.dir, attendance.Dataset)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("web: attendance release: %w", err)
	}
	sch, err := schemas.Load(attendance.PublishedSchema)
	if err != nil {
		return nil, "", fmt.Errorf("web: %w", err)
	}
	id := sch.FieldIndex("id")
	out := map[string]string{}
	err = output.CollectionDatasets.ReadRows(s.tree.dir, attendance.Dataset, release, sch, func(v []schemas.Value) error {
		if v[id] != place {
			return nil
		}
		f := map[string]any{}
		for i, field := range sch.Fields {
			f[field.Name] = v[i]
		}
		out[fmt.Sprint(v[sch.FieldIndex("mois")])] = signature(f)
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("web: attendance release %s: %w", release, err)
	}
	return out, release, nil
}

// nextAttendanceRelease says when the scheduler next runs the attendance
// pipeline, "" without a scheduler or a schedule.
func (s *site) nextAttendanceRelease() string {
	if s.sched == nil {
		return ""
	}
	def, ok := s.sched.Definition(attendance.Dataset)
	if !ok || def.Cron == nil {
		return ""
	}
	return frenchDateTime(def.Cron.Next(s.now()))
}

// attendancePlacePage is the page of one place: its templates with its id
// filled in, the submission form, its declarations and its report.
func (s *site) attendancePlacePage(w http.ResponseWriter, r *http.Request) {
	places, err := attendance.LoadPlaces(s.tree.dir)
	if err != nil {
		s.log.Error("reading the places", "error", err)
		s.serverError(w, r)
		return
	}
	place, ok := places[r.PathValue("place")]
	if !ok {
		s.notFound(w, r)
		return
	}
	rep, err := s.placeReportOf(place)
	if err != nil {
		s.log.Error("attendance report", "place", place.ID, "error", err)
		s.serverError(w, r)
		return
	}
	page := s.attendancePageData(w, r, &place)
	page.Report = rep
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "attendance.html", page)
}
