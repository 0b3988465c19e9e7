package schemas

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ligerdata/ligerdata/internal/textfold"
	"github.com/ligerdata/ligerdata/internal/yamldef"
)

// Shapes of dates often met where another form is expected: a date typed
// the French way, the American way, with a two-digit year, without
// separators, or as a spreadsheet's serial number.
var (
	reDayFirst   = regexp.MustCompile(`^(\d{1,2})([/.\-])(\d{1,2})([/.\-])(\d{4})$`)
	reShortYear  = regexp.MustCompile(`^(\d{1,2})([/.\-])(\d{1,2})([/.\-])(\d{2})$`)
	reYearFirst  = regexp.MustCompile(`^(\d{4})([/.])(\d{1,2})([/.])(\d{1,2})$`)
	reISODate    = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	reISOWithHr  = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})[T ]\d{1,2}:\d{2}`)
	reCompact    = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	reSerialDate = regexp.MustCompile(`^\d{5}$`)
)

// frenchMonths names the months for "le 31 février n'existe pas".
var frenchMonths = [...]string{"", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// dateHint explains, for a date or datetime cell that did not cast, which
// form the value seems to have and, for a date field, how it is written
// in the expected form: " Elle semble écrite au format JJ/MM/AAAA : «
// 2024-03-15 » conviendrait." It returns "" when the value has no
// recognisable shape. Day-first is assumed, as in France, unless the
// first number cannot be a day's month and the second can only be a day.
func dateHint(cf *compiledField, value string) string {
	if cf.typ != "date" && cf.typ != "datetime" {
		return ""
	}
	seen, t, ok := readOtherDate(value)
	switch {
	case seen == "":
		return ""
	case !ok:
		return " " + seen
	case cf.typ == "datetime":
		if seen == "au format AAAA-MM-JJ" {
			return " Elle ne contient qu'une date : l'heure manque."
		}
		return " Elle semble écrite " + seen + "."
	}
	m := " Elle semble écrite " + seen
	format := ""
	if cf.spec.dt != nil {
		format = cf.spec.dt.src
	}
	if s := formatTime("date", format, t); s != value {
		if _, castOK := cf.spec.cast(s); castOK {
			return m + " : " + quote(s) + " conviendrait."
		}
	}
	return m + "."
}

// readOtherDate recognises the shape of a date value: how it is written
// ("au format JJ/MM/AAAA"), and the date when it exists. A shape whose date does not
// exist gives a sentence that says why instead of a format, with ok false.
func readOtherDate(v string) (seen string, t time.Time, ok bool) {
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	if m := reDayFirst.FindStringSubmatch(v); m != nil && m[2] == m[4] {
		a, b, y := num(m[1]), num(m[3]), num(m[5])
		sep := m[2]
		if a <= 12 && b > 12 { // 03/15/2024: month first
			return civilDate("MM"+sep+"JJ"+sep+"AAAA (le mois avant le jour)", y, a, b)
		}
		return civilDate("JJ"+sep+"MM"+sep+"AAAA", y, b, a)
	}
	if m := reShortYear.FindStringSubmatch(v); m != nil && m[2] == m[4] {
		return "Elle semble écrite avec une année à deux chiffres (JJ" + m[2] + "MM" + m[2] + "AA) : l'année s'écrit avec quatre chiffres.", time.Time{}, false
	}
	if m := reYearFirst.FindStringSubmatch(v); m != nil && m[2] == m[4] {
		return civilDate("AAAA"+m[2]+"MM"+m[2]+"JJ", num(m[1]), num(m[3]), num(m[5]))
	}
	if m := reISODate.FindStringSubmatch(v); m != nil {
		return civilDate("AAAA-MM-JJ", num(m[1]), num(m[2]), num(m[3]))
	}
	if m := reISOWithHr.FindStringSubmatch(v); m != nil {
		seen, t, ok := civilDate("AAAA-MM-JJ", num(m[1]), num(m[2]), num(m[3]))
		if ok {
			seen = "au format AAAA-MM-JJ avec une heure, alors qu'une date seule est attendue"
		}
		return seen, t, ok
	}
	if m := reCompact.FindStringSubmatch(v); m != nil {
		return civilDate("AAAAMMJJ (sans séparateurs)", num(m[1]), num(m[2]), num(m[3]))
	}
	if reSerialDate.MatchString(v) {
		// A spreadsheet counts days from 30 December 1899; 20000 to 79999
		// are the years 1954 to 2118.
		if n := num(v); n >= 20000 && n < 80000 {
			t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
			return "comme un numéro de date de tableur (" + v + ", soit le " + strconv.Itoa(t.Day()) + " " + frenchMonths[t.Month()] + " " + strconv.Itoa(t.Year()) + ")", t, true
		}
	}
	return "", time.Time{}, false
}

// civilDate returns the date y-m-d read in the format seen, or, when no
// such day exists, a sentence saying so.
func civilDate(seen string, y, m, d int) (string, time.Time, bool) {
	switch {
	case m < 1 || m > 12:
		return "Le mois " + strconv.Itoa(m) + " n'existe pas (lu au format " + seen + ").", time.Time{}, false
	case d < 1 || d > daysIn(y, m):
		return "Le " + strconv.Itoa(d) + " " + frenchMonths[m] + " " + strconv.Itoa(y) + " n'existe pas (lu au format " + seen + ").", time.Time{}, false
	}
	return "au format " + seen, time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
}

// enumHint names the allowed value a refused one is close to: the same
// but for case, accents or spaces, or a typo away (one edit for values of
// four characters or more, two from eight). Several as close give no hint.
func enumHint(allowed []string, value string) string {
	key := strings.Join(strings.Fields(textfold.Fold(value)), " ")
	if key == "" {
		return ""
	}
	best, bestD, ties := "", 3, 0
	for _, a := range allowed {
		d := yamldef.EditDistance(key, strings.Join(strings.Fields(textfold.Fold(a)), " "))
		switch {
		case d == 0:
			return " Seules les majuscules, les accents ou les espaces diffèrent de " + quote(a) + ", qui conviendrait."
		case d < bestD:
			best, bestD, ties = a, d, 0
		case d == bestD:
			ties++
		}
	}
	if n := utf8.RuneCountInString(key); best == "" || ties > 0 || n < 4 || bestD > 1 && n < 8 {
		return ""
	}
	return " Valeur proche autorisée : " + quote(best) + " (faute de frappe ?)."
}
