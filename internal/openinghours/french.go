// Package openinghours turns the French ways of writing opening hours seen
// in the region's sources ("du lundi au vendredi 9h-12h30 et 13h30-17h",
// "fermé le dimanche", "sur rendez-vous") into the OpenStreetMap
// opening_hours syntax that the national schema of places of digital
// inclusion requires ("Mo-Fr 09:00-12:30,13:30-17:00").
//
// The conversion is strict: a word it does not understand makes it fail
// with a French reason rather than guess, so that a value is either
// converted faithfully or reported to the steward.
package openinghours

import (
	"fmt"
	"strings"
	"unicode"
)

// ConversionError says why a French phrase could not be converted.
type ConversionError struct {
	Input  string
	Reason string // French
}

func (e *ConversionError) Error() string {
	return fmt.Sprintf("horaires non convertis : %s (« %s »)", e.Reason, e.Input)
}

// rule is one OSM rule: days, then times or "off", then a comment.
type rule struct {
	days    []string // "Mo", "Mo-Fr", "PH"
	times   []string // "09:00-12:30"
	off     bool
	comment string
}

func (r *rule) empty() bool {
	return len(r.days) == 0 && len(r.times) == 0 && !r.off && r.comment == ""
}

func (r *rule) String() string {
	var parts []string
	if len(r.days) > 0 {
		parts = append(parts, strings.Join(r.days, ","))
	}
	if len(r.times) > 0 {
		parts = append(parts, strings.Join(r.times, ","))
	}
	if r.off {
		parts = append(parts, "off")
	}
	if r.comment != "" {
		parts = append(parts, `"`+r.comment+`"`)
	}
	return strings.Join(parts, " ")
}

// FromFrench converts a French description of opening hours into the OSM
// opening_hours syntax. An empty or blank input gives "" and no error. A
// value already in the OSM syntax is returned as it is when Valid accepts
// it.
func FromFrench(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if Valid(s) == nil {
		return s, nil
	}
	toks, err := tokenize(s)
	if err != nil {
		return "", &ConversionError{Input: s, Reason: err.Error()}
	}
	p := parser{toks: toks}
	rules, err := p.parse()
	if err != nil {
		return "", &ConversionError{Input: s, Reason: err.Error()}
	}
	out := make([]string, 0, len(rules))
	for _, r := range rules {
		out = append(out, r.String())
	}
	return strings.Join(out, "; "), nil
}

// parser turns tokens into rules. A day after times (or after "fermé")
// starts a new rule; "fermé" marks the days before it when they have no
// times yet, else the days after it.
type parser struct {
	toks    []token
	i       int
	rules   []*rule
	cur     *rule
	closing bool // "fermé" seen, waiting for its days
}

func (p *parser) parse() ([]*rule, error) {
	p.cur = &rule{}
	for p.i < len(p.toks) {
		t := p.toks[p.i]
		var err error
		switch t.kind {
		case tokDay:
			err = p.days()
		case tokTime:
			err = p.times()
		case tokClosed:
			p.closed()
		case tokAppointment:
			p.addComment("sur rendez-vous")
			p.i++
		case tokComment:
			p.addComment(t.text)
			p.i++
		case tokAllDay:
			p.cur.times = append(p.cur.times, "00:00-24:00")
			p.i++
		case tokAlways:
			if len(p.cur.days) > 0 || len(p.cur.times) > 0 {
				return nil, fmt.Errorf("« 24h/24 » mêlé à d'autres jours ou heures")
			}
			p.cur.times = []string{"24/7"}
			p.i++
		case tokSep:
			if t.text == ";" {
				p.flush()
			}
			p.i++
		case tokFiller:
			p.i++
		default:
			return nil, fmt.Errorf("« %s » inattendu ici", t.text)
		}
		if err != nil {
			return nil, err
		}
	}
	if p.closing && len(p.cur.days) == 0 {
		return nil, fmt.Errorf("« fermé » sans jour")
	}
	p.flush()
	if len(p.rules) == 0 {
		return nil, fmt.Errorf("ni jour ni heure reconnus")
	}
	for _, r := range p.rules {
		if len(r.days) > 0 && len(r.times) == 0 && !r.off && r.comment == "" {
			return nil, fmt.Errorf("jours sans heures (%s)", strings.Join(r.days, ","))
		}
	}
	return p.rules, nil
}

func (p *parser) flush() {
	if !p.cur.empty() {
		p.rules = append(p.rules, p.cur)
	}
	p.cur = &rule{}
	p.closing = false
}

func (p *parser) addComment(c string) {
	if p.cur.comment != "" {
		p.cur.comment += ", " + c
		return
	}
	p.cur.comment = c
}

// days reads a day, a range "lundi au vendredi" or "lundi-vendredi".
func (p *parser) days() error {
	if len(p.cur.times) > 0 || (p.cur.off && !p.closing) || p.cur.comment != "" {
		if p.closing && len(p.cur.days) == 0 {
			return fmt.Errorf("« fermé » sans jour")
		}
		p.flush()
	}
	first := p.toks[p.i]
	p.i++
	day := first.text
	if p.i+1 < len(p.toks) && p.toks[p.i].kind == tokRange && p.toks[p.i+1].kind == tokDay {
		last := p.toks[p.i+1].text
		if first.text == "PH" || last == "PH" {
			return fmt.Errorf("intervalle de jours avec les jours fériés")
		}
		day = first.text + "-" + last
		p.i += 2
	}
	p.cur.days = append(p.cur.days, day)
	if p.closing {
		p.cur.off = true
	}
	return nil
}

// times reads "9h-12h30", "de 9h à 12h30"; a lone time is an error.
func (p *parser) times() error {
	if p.cur.off {
		return fmt.Errorf("heures après « fermé »")
	}
	start := p.toks[p.i]
	if p.i+2 >= len(p.toks) || p.toks[p.i+1].kind != tokRange || p.toks[p.i+2].kind != tokTime {
		return fmt.Errorf("heure « %s » sans fin", start.raw)
	}
	end := p.toks[p.i+2]
	if end.text <= start.text && end.text != "24:00" {
		return fmt.Errorf("plage horaire à l'envers (%s-%s)", start.raw, end.raw)
	}
	p.cur.times = append(p.cur.times, start.text+"-"+end.text)
	p.i += 3
	return nil
}

// closed handles "fermé": for the days already read when they have no
// times ("dimanche fermé"), else for the days that follow ("fermé le
// dimanche").
func (p *parser) closed() {
	p.i++
	if len(p.cur.days) > 0 && len(p.cur.times) == 0 && !p.cur.off {
		p.cur.off = true
		p.flush()
		return
	}
	p.flush()
	p.closing = true
	p.cur.off = true
}

// A "fermé" run (closing) lasts until a strong separator or the next rule:
// "fermé le samedi et le dimanche" closes both days.

// trimComment keeps a parenthesised remark readable inside OSM quotes.
func trimComment(s string) string {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '"' {
			return '\''
		}
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
	return strings.Join(strings.Fields(s), " ")
}
