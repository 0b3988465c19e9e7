package attendance

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/ligerdata/ligerdata/schemas"
)

// SchemaName is the embedded schema submissions are checked against.
const SchemaName = "frequentation-lieux-mediation"

// Limits of one submission.
const (
	MaxBytes = 256 << 10 // a place's file is a few rows a year
	MaxRows  = 240       // twenty years of months
)

// Profiles are the columns of visits by public, in schema order, and the
// values of the national schema's publics_specifiquement_adresses they
// count.
var Profiles = []struct{ Column, Public string }{
	{"visites_jeunes", "Jeunes"},
	{"visites_etudiants", "Étudiants"},
	{"visites_familles_enfants", "Familles et/ou enfants"},
	{"visites_seniors", "Seniors"},
	{"visites_femmes", "Femmes"},
}

// Row is one valid month of a place. Optional counts are nil when left
// empty.
type Row struct {
	Place     string `json:"id"`
	Month     string `json:"mois"`
	Visits    int64  `json:"visites"`
	Distinct  *int64 `json:"visiteurs_distincts,omitempty"`
	Workshops int64  `json:"ateliers"`
	// ByProfile follows Profiles.
	ByProfile []*int64 `json:"visites_par_public"`
	Comment   string   `json:"commentaire,omitempty"`
}

// Problem is one thing to fix in a submitted file, in French. Row is the
// row number as a spreadsheet shows it (the header is row 1); 0 for the
// file as a whole.
type Problem struct {
	Row     int    `json:"ligne,omitempty"`
	Field   string `json:"champ,omitempty"`
	Value   string `json:"valeur,omitempty"`
	Message string `json:"message"`
}

// Places tells whether a place id is on the published map.
type Places interface {
	Known(id string) bool
}

// Check validates a submitted file for place at time now: the schema
// (any delimiter among , ; and tab, UTF-8 with or without BOM), then, on
// each row the schema accepts, the place (the token's own, and on the
// map), the month (over: before now's, in Europe/Paris), visitors and
// profiles not above visits. It returns the rows when there is no
// problem at all, else every problem found; a file is taken whole or not
// at all. err is only for a failure of the reader.
func Check(ctx context.Context, data []byte, place string, places Places, now time.Time) ([]Row, []Problem, error) {
	if len(data) > MaxBytes {
		return nil, []Problem{{Message: fmt.Sprintf("Le fichier dépasse %d Kio : envoyez au plus %d mois à la fois.", MaxBytes>>10, MaxRows)}}, nil
	}
	s, err := schemas.Load(SchemaName)
	if err != nil {
		return nil, nil, fmt.Errorf("attendance: %w", err)
	}
	current := monthOf(now)
	var rows []Row
	var problems []Problem
	sum, err := schemas.ReadCSV(ctx, bytes.NewReader(data), schemas.Dialect{Header: true}, s, func(res schemas.RowResult) error {
		for _, e := range res.Errors {
			problems = append(problems, Problem{Row: e.Row, Field: e.Field, Value: e.Value, Message: e.Message})
		}
		if len(res.Errors) > 0 || res.Late {
			return nil
		}
		row := rowOf(s, res.Values)
		problems = append(problems, checkRow(res.Row, row, place, places, current)...)
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("attendance: read submission: %w", err)
	}
	for _, e := range sum.HeaderErrors {
		problems = append(problems, Problem{Row: e.Row, Field: e.Field, Value: e.Value, Message: e.Message})
	}
	switch {
	case sum.Read > MaxRows:
		problems = append(problems, Problem{Message: fmt.Sprintf("Le fichier a %d lignes : envoyez au plus %d mois à la fois.", sum.Read, MaxRows)})
	case sum.Read == 0 && len(sum.HeaderErrors) == 0:
		problems = append(problems, Problem{Message: "Le fichier n'a aucune ligne de mois sous l'en-tête."})
	}
	if len(problems) > 0 {
		return nil, problems, nil
	}
	return rows, nil, nil
}

// monthOf is the month of t in Europe/Paris, as AAAA-MM.
func monthOf(t time.Time) string {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		t = t.In(loc)
	}
	return t.Format("2006-01")
}

func checkRow(n int, r Row, place string, places Places, current string) []Problem {
	var out []Problem
	add := func(field, value, msg string) {
		out = append(out, Problem{Row: n, Field: field, Value: value, Message: msg})
	}
	switch {
	case r.Place != place:
		add("id", r.Place, fmt.Sprintf("Ce fichier est envoyé pour le lieu « %s » : il ne peut déclarer que ce lieu, pas « %s ».", place, r.Place))
	case places != nil && !places.Known(r.Place):
		add("id", r.Place, fmt.Sprintf("Le lieu « %s » n'est pas dans la cartographie publiée des lieux de médiation numérique.", r.Place))
	}
	if r.Month >= current {
		add("mois", r.Month, fmt.Sprintf("Le mois %s n'est pas encore passé (nous sommes en %s) : il ne peut pas être déclaré.", r.Month, current))
	}
	if r.Distinct != nil && *r.Distinct > r.Visits {
		add("visiteurs_distincts", strconv.FormatInt(*r.Distinct, 10), fmt.Sprintf("Les visiteurs distincts (%d) dépassent les visites (%d) : une personne compte au moins une visite.", *r.Distinct, r.Visits))
	}
	var total int64
	for _, p := range r.ByProfile {
		if p != nil {
			total += *p
		}
	}
	if total > r.Visits {
		add("visites", strconv.FormatInt(r.Visits, 10), fmt.Sprintf("Les visites par public font %d au total, plus que les visites du mois (%d).", total, r.Visits))
	}
	return out
}

// rowOf reads a valid row's values, in the schema's field order.
func rowOf(s *schemas.Schema, v []schemas.Value) Row {
	get := func(name string) schemas.Value { return v[s.FieldIndex(name)] }
	count := func(name string) *int64 {
		if n, ok := get(name).(int64); ok {
			return &n
		}
		return nil
	}
	r := Row{Place: get("id").(string), Month: fmt.Sprint(get("mois")), Distinct: count("visiteurs_distincts")}
	r.Visits, _ = get("visites").(int64)
	r.Workshops, _ = get("ateliers").(int64)
	r.Comment, _ = get("commentaire").(string)
	for _, p := range Profiles {
		r.ByProfile = append(r.ByProfile, count(p.Column))
	}
	return r
}
