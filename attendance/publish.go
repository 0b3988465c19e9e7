package attendance

import (
	"strconv"
)

// Dataset is the id of the pipeline and dataset that publish the
// declarations, and PublishedSchema its schema.
const (
	Dataset         = "frequentation-lieux-mediation"
	PublishedSchema = "frequentation-lieux-mediation-publiee"
)

// Threshold is the publishing rule of small counts: a count of people
// (distinct visitors, visits by public) from 1 to Threshold-1 is
// published as "< 5", so that no one can be singled out. Visits and
// workshops, counts of a public place's activity, are published as
// declared. The comment is never published.
const Threshold = 5

// Masked is how a count under Threshold is published.
const Masked = "< 5"

// Mask returns a count of people as published: "" when not counted, the
// number, or Masked from 1 to Threshold-1.
func Mask(n *int64) string {
	switch {
	case n == nil:
		return ""
	case *n > 0 && *n < Threshold:
		return Masked
	}
	return strconv.FormatInt(*n, 10)
}

// Published returns the fields of a row as the dataset
// frequentation-lieux-mediation-publiee has them; place gives the
// place's name and commune (zero when the place left the map).
func Published(c Current, place Place) map[string]any {
	name := place.Name
	if name == "" {
		name = c.Place
	}
	f := map[string]any{
		"id": c.Place, "nom": name, "code_insee": place.INSEE, "mois": c.Month,
		"visites": strconv.FormatInt(c.Visits, 10), "visiteurs_distincts": Mask(c.Distinct),
		"ateliers":   strconv.FormatInt(c.Workshops, 10),
		"declare_le": c.Received.UTC().Format("2006-01-02T15:04:05Z"),
	}
	for i, p := range Profiles {
		f[p.Column] = Mask(c.ByProfile[i])
	}
	return f
}
