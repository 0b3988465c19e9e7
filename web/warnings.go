package web

// warningsView is the warnings of a release: rows accepted but doubtful (a
// value dropped because it could not be converted, a repaired position),
// shown apart from rejected rows, with the release's warnings.csv.
type warningsView struct {
	Sentence string
	ByCode   []countRow
	Samples  []sampleRow
	CSVURL   string
}

// warningsViewOf gives the warnings of quality.json, or nil when none.
func warningsViewOf(q *quality) *warningsView {
	if q.Warned <= 0 {
		return nil
	}
	v := &warningsView{
		Sentence: warnedSentence(q.Warned),
		ByCode:   countRows(q.WarningsByCode, warningCodeLabel),
		CSVURL:   fileURL(q.Dataset, q.Release, "warnings.csv"),
	}
	for _, e := range q.SampleWarnings {
		v.Samples = append(v.Samples, sampleRowOf(e))
	}
	return v
}

// warningCodeLabels name the warning codes in French.
var warningCodeLabels = map[string]string{
	"opening-hours-not-converted": "horaires non convertis au format OpenStreetMap, non publiés",
	"coordinates-zero":            "coordonnées 0,0, position non publiée",
	"coordinates-swapped":         "latitude et longitude inversées",
	"coordinates-outside":         "position hors de la zone attendue",
}

func warningCodeLabel(code string) string { return labelOr(warningCodeLabels, code, code) }

// warnedSentence says how many accepted rows carry warnings.
func warnedSentence(n int64) string {
	return frenchInt(n) + " " + plural(n, "ligne publiée avec un avertissement", "lignes publiées avec des avertissements")
}

// acceptedWarnedSentence says how many accepted rows of a run that did not
// publish carry warnings.
func acceptedWarnedSentence(n int64) string {
	return frenchInt(n) + " " + plural(n, "ligne acceptée avec un avertissement", "lignes acceptées avec des avertissements")
}
