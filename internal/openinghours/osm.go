package openinghours

import (
	"fmt"
	"regexp"
	"strings"
)

// The subset of the OpenStreetMap opening_hours syntax that Valid accepts:
// rules separated by "; " (or " || " for a fallback rule), each made of an
// optional month selector (Jan, Jan-Mar, Jul,Aug), an optional weekday
// selector (Mo, Mo-Fr, Sa[1], Su[-1], PH, SH, comma-separated), an optional
// time selector (09:00-12:30, comma-separated; ends up to 48:00, "+" for an
// open end) or "24/7", an optional state (open, closed, off, unknown) and an
// optional "comment". This is the part of the syntax the national schema's
// producers use; a value outside it is reported, not guessed.
var (
	monthRe   = regexp.MustCompile(`^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec))?$`)
	weekdayRe = regexp.MustCompile(`^((Mo|Tu|We|Th|Fr|Sa|Su)(-(Mo|Tu|We|Th|Fr|Sa|Su))?(\[(-?[1-5])(-[1-5])?\])?|PH|SH)$`)
	timeRe    = regexp.MustCompile(`^([01][0-9]|2[0-4]):([0-5][0-9])(-([0-3][0-9]|4[0-8]):([0-5][0-9])\+?|\+)$`)
)

// SyntaxError says where a value breaks the opening_hours syntax.
type SyntaxError struct {
	Value  string
	Rule   string
	Reason string // French
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("horaires hors de la syntaxe OpenStreetMap : %s dans « %s »", e.Reason, e.Rule)
}

// Valid reports whether s follows the opening_hours syntax subset above.
func Valid(s string) error {
	if strings.TrimSpace(s) == "" {
		return &SyntaxError{Value: s, Reason: "valeur vide"}
	}
	for _, part := range strings.Split(s, " || ") {
		for _, r := range strings.Split(part, ";") {
			if err := validRule(strings.TrimSpace(r)); err != nil {
				err.Value = s
				return err
			}
		}
	}
	return nil
}

// validRule checks one rule, its selectors in their order.
func validRule(r string) *SyntaxError {
	fail := func(format string, args ...any) *SyntaxError {
		return &SyntaxError{Rule: r, Reason: fmt.Sprintf(format, args...)}
	}
	if r == "" {
		return fail("règle vide")
	}
	body, comment, hasComment := strings.Cut(r, `"`)
	if hasComment {
		if !strings.HasSuffix(comment, `"`) || strings.Count(comment, `"`) != 1 {
			return fail("commentaire mal fermé")
		}
	}
	fields := strings.Fields(body)
	stage := 0 // 0 month, 1 weekday, 2 time, 3 state
	for _, f := range fields {
		switch {
		case stage <= 0 && allMatch(f, monthRe):
			stage = 1
		case stage <= 1 && allMatch(f, weekdayRe):
			stage = 2
		case stage <= 2 && (f == "24/7" || allMatch(f, timeRe)):
			stage = 3
		case stage <= 3 && (f == "open" || f == "closed" || f == "off" || f == "unknown"):
			stage = 4
		default:
			return fail("« %s » inattendu", f)
		}
	}
	if len(fields) == 0 && !hasComment {
		return fail("règle vide")
	}
	return nil
}

// allMatch reports whether every comma-separated item of f matches re.
func allMatch(f string, re *regexp.Regexp) bool {
	for _, item := range strings.Split(f, ",") {
		if !re.MatchString(item) {
			return false
		}
	}
	return true
}
