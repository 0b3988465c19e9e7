package openinghours

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

type tokKind int

const (
	tokDay         tokKind = iota // text: OSM weekday ("Mo") or "PH"
	tokTime                       // text: "HH:MM"; raw: as written
	tokRange                      // "-", "à", "au"
	tokSep                        // text: "," (weak) or ";" (ends a rule)
	tokClosed                     // "fermé", "sauf"
	tokAppointment                // "sur rendez-vous"
	tokComment                    // a parenthesised remark
	tokAllDay                     // "toute la journée"
	tokAlways                     // "24h/24", "7j/7"
	tokFiller                     // words that carry nothing: "du", "le", "matin"
)

type token struct {
	kind tokKind
	text string
	raw  string
}

// days maps French day names and their abbreviations (accents folded) to
// OSM weekdays.
var days = map[string]string{
	"lundi": "Mo", "lun": "Mo", "lundis": "Mo",
	"mardi": "Tu", "mar": "Tu", "mardis": "Tu",
	"mercredi": "We", "mer": "We", "mercredis": "We",
	"jeudi": "Th", "jeu": "Th", "jeudis": "Th",
	"vendredi": "Fr", "ven": "Fr", "vendredis": "Fr",
	"samedi": "Sa", "sam": "Sa", "samedis": "Sa",
	"dimanche": "Su", "dim": "Su", "dimanches": "Su",
}

// phrases are word sequences (accents folded) read as one token, longest
// first.
var phrases = []struct {
	words []string
	tok   token
}{
	{[]string{"uniquement", "sur", "rendez-vous"}, token{kind: tokAppointment}},
	{[]string{"sur", "rendez-vous"}, token{kind: tokAppointment}},
	{[]string{"sur", "rdv"}, token{kind: tokAppointment}},
	{[]string{"sur", "inscription"}, token{kind: tokComment, text: "sur inscription"}},
	{[]string{"tous", "les", "jours"}, token{kind: tokDay, text: "Mo-Su"}},
	{[]string{"toute", "la", "journee"}, token{kind: tokAllDay}},
	{[]string{"jours", "feries"}, token{kind: tokDay, text: "PH"}},
	{[]string{"jour", "ferie"}, token{kind: tokDay, text: "PH"}},
	{[]string{"en", "semaine"}, token{kind: tokDay, text: "Mo-Fr"}},
	{[]string{"week-end"}, token{kind: tokDay, text: "Sa-Su"}},
	{[]string{"feries"}, token{kind: tokDay, text: "PH"}},
	{[]string{"rendez-vous"}, token{kind: tokAppointment}},
	{[]string{"rdv"}, token{kind: tokAppointment}},
}

var closedWords = map[string]bool{"ferme": true, "fermee": true, "fermes": true, "fermees": true, "fermeture": true, "sauf": true}

var rangeWords = map[string]bool{"a": true, "au": true}

// ordinals select the nth weekday of the month ("premier samedi du mois").
var ordinals = map[string]string{
	"premier": "1", "premiere": "1", "1er": "1", "1re": "1",
	"deuxieme": "2", "second": "2", "seconde": "2", "2e": "2", "2eme": "2",
	"troisieme": "3", "3e": "3", "3eme": "3",
	"quatrieme": "4", "4e": "4", "4eme": "4",
	"dernier": "-1", "derniere": "-1",
}

var fillerWords = map[string]bool{
	"du": true, "de": true, "des": true, "le": true, "les": true, "la": true, "l'": true, "d'": true,
	"matin": true, "matins": true, "apres-midi": true, "soir": true, "soirs": true,
	"ouvert": true, "ouverte": true, "ouverture": true, "horaires": true, "horaire": true,
	"jusqu'": true, "mois": true, "chaque": true,
	"inclus": true, "uniquement": true, "seulement": true, "et": true, "puis": true,
}

// fold lowercases s and removes its accents.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// tokenize splits a French phrase into tokens.
func tokenize(s string) ([]token, error) {
	lx, err := lex(s)
	if err != nil {
		return nil, err
	}
	var toks []token
	for i := 0; i < len(lx); {
		l := lx[i]
		if l.kind != tokFiller { // lex gives words as tokFiller with raw text
			toks = append(toks, l)
			i++
			continue
		}
		if t, n := matchPhrase(lx[i:]); n > 0 {
			t.raw = l.raw
			toks = append(toks, t)
			i += n
			continue
		}
		if n, ok := ordinals[l.text]; ok && i+1 < len(lx) && lx[i+1].kind == tokFiller && days[lx[i+1].text] != "" {
			toks = append(toks, token{kind: tokDay, text: days[lx[i+1].text] + "[" + n + "]", raw: l.raw + " " + lx[i+1].raw})
			i += 2
			continue
		}
		t, err := word(l)
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		i++
	}
	return toks, nil
}

func matchPhrase(lx []token) (token, int) {
next:
	for _, p := range phrases {
		if len(p.words) > len(lx) {
			continue
		}
		for j, w := range p.words {
			if lx[j].kind != tokFiller || lx[j].text != w {
				continue next
			}
		}
		return p.tok, len(p.words)
	}
	return token{}, 0
}

// word classifies one folded word.
func word(l token) (token, error) {
	w := strings.TrimSuffix(l.text, ".")
	switch {
	case days[w] != "":
		return token{kind: tokDay, text: days[w], raw: l.raw}, nil
	case closedWords[w]:
		return token{kind: tokClosed, raw: l.raw}, nil
	case rangeWords[w]:
		return token{kind: tokRange, raw: l.raw}, nil
	case w == "midi":
		return token{kind: tokTime, text: "12:00", raw: l.raw}, nil
	case w == "minuit":
		return token{kind: tokTime, text: "24:00", raw: l.raw}, nil
	case fillerWords[w]:
		return token{kind: tokFiller, raw: l.raw}, nil
	}
	return token{}, fmt.Errorf("mot non reconnu « %s »", l.raw)
}

// lex reads times, punctuation, parenthesised remarks and words (words come
// out as tokFiller with their folded text, classified by tokenize).
func lex(s string) ([]token, error) {
	rs := []rune(s)
	var out []token
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case r == '\n' || r == ';' || r == '.':
			out = append(out, token{kind: tokSep, text: ";", raw: string(r)})
			i++
		case unicode.IsSpace(r):
			i++
		case r == '(':
			end := indexRune(rs, i, ')')
			if end < 0 {
				return nil, fmt.Errorf("parenthèse non fermée")
			}
			out = append(out, token{kind: tokComment, text: trimComment(string(rs[i+1 : end])), raw: string(rs[i : end+1])})
			i = end + 1
		case r == '-' || r == '–' || r == '—':
			out = append(out, token{kind: tokRange, raw: string(r)})
			i++
		case r == ',' || r == '&' || r == '/' || r == '+':
			out = append(out, token{kind: tokSep, text: ",", raw: string(r)})
			i++
		case r == ':':
			i++
		case unicode.IsDigit(r):
			t, n, err := lexTime(rs[i:])
			if err != nil {
				return nil, err
			}
			out = append(out, t)
			i += n
		case unicode.IsLetter(r) || r == '\'' || r == '’':
			n := wordLen(rs[i:])
			raw := string(rs[i : i+n])
			out = append(out, token{kind: tokFiller, text: fold(strings.ReplaceAll(raw, "’", "'")), raw: raw})
			i += n
		default:
			return nil, fmt.Errorf("caractère inattendu « %c »", r)
		}
	}
	return out, nil
}

func indexRune(rs []rune, from int, r rune) int {
	for j := from; j < len(rs); j++ {
		if rs[j] == r {
			return j
		}
	}
	return -1
}

// joined are the hyphenated words read as one; elsewhere a hyphen is a range.
var joined = map[string]bool{"rendez-vous": true, "apres-midi": true, "week-end": true}

// wordLen is the length of the word at the start of rs: letters and
// apostrophes (an elided article ends the word), and a hyphen inside the
// words of joined.
func wordLen(rs []rune) int {
	n := 0
	for n < len(rs) && (unicode.IsLetter(rs[n]) || rs[n] == '.' && n > 0 && n < 4) {
		n++
		if n > 0 && rs[n-1] == '.' {
			break
		}
	}
	if n < len(rs) && (rs[n] == '\'' || rs[n] == '’') {
		return n + 1
	}
	if n < len(rs) && rs[n] == '-' {
		m := n + 1
		for m < len(rs) && unicode.IsLetter(rs[m]) {
			m++
		}
		if joined[fold(string(rs[:m]))] {
			return m
		}
	}
	if n == 0 {
		return 1
	}
	return n
}

// lexTime reads "9h", "9h30", "9 h 30", "09:00", "9H00", and the phrases
// "24h/24", "24/24", "24/7" and "7j/7" (tokAlways).
func lexTime(rs []rune) (token, int, error) {
	rest := fold(string(rs))
	for _, p := range []string{"24h/24", "24/24", "24/7", "7j/7", "7/7"} {
		if strings.HasPrefix(rest, p) {
			n := len([]rune(p))
			// "7j/7 24h/24" is one statement.
			if strings.HasPrefix(p, "7") {
				tail := strings.TrimLeft(rest[len(p):], " ,")
				for _, q := range []string{"24h/24", "24/24"} {
					if strings.HasPrefix(tail, q) {
						n += len([]rune(rest[len(p):])) - len([]rune(tail)) + len(q)
						return token{kind: tokAlways, raw: string(rs[:n])}, n, nil
					}
				}
				return token{kind: tokDay, text: "Mo-Su", raw: string(rs[:n])}, n, nil
			}
			return token{kind: tokAlways, raw: string(rs[:n])}, n, nil
		}
	}
	n := 0
	for n < len(rs) && unicode.IsDigit(rs[n]) {
		n++
	}
	if w := wordLen(rs[n:]); n < len(rs) && unicode.IsLetter(rs[n]) && ordinals[fold(string(rs[:n+w]))] != "" {
		return token{kind: tokFiller, text: fold(string(rs[:n+w])), raw: string(rs[:n+w])}, n + w, nil
	}
	hour, _ := strconv.Atoi(string(rs[:n]))
	m := n
	for m < len(rs) && rs[m] == ' ' {
		m++
	}
	if m >= len(rs) || (rs[m] != 'h' && rs[m] != 'H' && rs[m] != ':') {
		return token{}, 0, fmt.Errorf("nombre « %s » sans « h »", string(rs[:n]))
	}
	m++
	k := m
	for k < len(rs) && rs[k] == ' ' {
		k++
	}
	minute := 0
	d := k
	for d < len(rs) && unicode.IsDigit(rs[d]) {
		d++
	}
	if d-k == 2 {
		minute, _ = strconv.Atoi(string(rs[k:d]))
		m = d
	} else if d-k != 0 {
		return token{}, 0, fmt.Errorf("minutes illisibles dans « %s »", string(rs[:d]))
	}
	if n > 2 || hour > 24 || minute > 59 || (hour == 24 && minute > 0) {
		return token{}, 0, fmt.Errorf("heure impossible « %s »", string(rs[:m]))
	}
	return token{kind: tokTime, text: fmt.Sprintf("%02d:%02d", hour, minute), raw: strings.TrimSpace(string(rs[:m]))}, m, nil
}
