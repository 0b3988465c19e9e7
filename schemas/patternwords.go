package schemas

import (
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxListed bounds the values a pattern's description lists one by one
// ("« 44 », « 49 » ou « 85 »").
const maxListed = 12

// patternWords describes a Table Schema pattern in French words for a data
// steward: `^\d{5}$` is "5 chiffres", `^(44|49|85)\d{3}$` is "« 44 »,
// « 49 » ou « 85 », puis 3 chiffres". It returns "" when the pattern is
// beyond what it can say simply; the caller then says "la forme attendue"
// without quoting the regular expression.
func patternWords(pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return ""
	}
	s, ok := describeRe(re)
	if !ok || utf8.RuneCountInString(s) > 300 {
		return ""
	}
	return s
}

func describeRe(re *syntax.Regexp) (string, bool) {
	if vals, ok := finiteValues(re); ok && len(vals) <= maxListed {
		return listValues(vals), true
	}
	switch re.Op {
	case syntax.OpCapture:
		return describeRe(re.Sub[0])
	case syntax.OpConcat:
		var parts []string
		for _, sub := range re.Sub {
			if isAnchor(sub) {
				continue
			}
			p, ok := describeRe(sub)
			if !ok {
				return "", false
			}
			parts = append(parts, p)
		}
		return strings.Join(parts, ", puis "), len(parts) > 0
	case syntax.OpAlternate:
		var parts []string
		complex := false
		for _, sub := range re.Sub {
			p, ok := describeRe(sub)
			if !ok {
				return "", false
			}
			complex = complex || strings.Contains(p, ", puis ")
			parts = append(parts, strings.ReplaceAll(p, ", puis ", " puis "))
		}
		if complex { // "soit a puis b, soit c puis d" keeps the groups apart
			return "soit " + strings.Join(parts, ", soit "), true
		}
		return joinOr(parts), true
	case syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return countedClass(re, 1, 1)
	case syntax.OpRepeat:
		return countedClass(re.Sub[0], re.Min, re.Max)
	case syntax.OpPlus:
		return countedClass(re.Sub[0], 1, -1)
	case syntax.OpStar:
		return countedClass(re.Sub[0], 0, -1)
	case syntax.OpQuest:
		p, ok := describeRe(re.Sub[0])
		return "éventuellement " + p, ok
	}
	return "", false
}

func isAnchor(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginText, syntax.OpEndText, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpEmptyMatch:
		return true
	}
	return false
}

// countedClass says "5 chiffres", "de 9 à 14 lettres ou chiffres", "un
// ou plusieurs chiffres" for a character class repeated min to max times
// (max -1: no limit).
func countedClass(re *syntax.Regexp, min, max int) (string, bool) {
	one, many, ok := classWords(re)
	if !ok {
		return "", false
	}
	n := strconv.Itoa
	switch {
	case min == max && min == 1:
		return one, true
	case min == max:
		return n(min) + " " + many, true
	case max < 0 && min <= 1:
		return "un ou plusieurs " + many, true
	case max < 0:
		return "au moins " + n(min) + " " + many, true
	case min == 0:
		return "au plus " + n(max) + " " + many, true
	}
	return "de " + n(min) + " à " + n(max) + " " + many, true
}

// classWords names a character class in the singular and plural.
func classWords(re *syntax.Regexp) (one, many string, ok bool) {
	if re.Op == syntax.OpAnyCharNotNL || re.Op == syntax.OpAnyChar {
		return "un caractère", "caractères", true
	}
	if re.Op != syntax.OpCharClass {
		return "", "", false
	}
	known := []struct {
		ranges    string
		one, many string
	}{
		{"09", "un chiffre", "chiffres"},
		{"AZ", "une lettre majuscule", "lettres majuscules"},
		{"az", "une lettre minuscule", "lettres minuscules"},
		{"AZaz", "une lettre", "lettres"},
		{"09AZ", "un chiffre ou une lettre majuscule", "chiffres ou lettres majuscules"},
		{"09az", "un chiffre ou une lettre minuscule", "chiffres ou lettres minuscules"},
		{"09AZaz", "une lettre ou un chiffre", "lettres ou chiffres"},
		{"\x00\x08\v\v\x0e\x1f!\U0010ffff", "un caractère autre qu'un espace", "caractères autres que des espaces"},
	}
	got := string(re.Rune)
	for _, k := range known {
		if got == k.ranges {
			return k.one, k.many, true
		}
	}
	var items []string
	for i := 0; i+1 < len(re.Rune); i += 2 {
		lo, hi := re.Rune[i], re.Rune[i+1]
		if lo > 0x7e || hi > 0x7e || lo < 0x21 {
			return "", "", false
		}
		switch hi - lo {
		case 0:
			items = append(items, string(lo))
		case 1:
			items = append(items, string(lo), string(hi))
		default:
			items = append(items, string(lo)+" à "+string(hi))
		}
	}
	if len(items) == 0 || len(items) > 6 {
		return "", "", false
	}
	list := joinOr(items)
	return "un caractère parmi " + list, "caractères parmi " + list, true
}

// finiteValues lists every string re matches when they are few (at most
// maxListed), so alternatives the parser factored ("4[49]") read as the
// schema's author wrote them ("44", "49").
func finiteValues(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCapture:
		return finiteValues(re.Sub[0])
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) == maxListed {
					return nil, false
				}
				out = append(out, string(r))
			}
		}
		// A class alone reads better as a class ("un chiffre").
		return out, len(out) <= 3
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			v, ok := finiteValues(sub)
			if !ok || len(out)+len(v) > maxListed {
				return nil, false
			}
			out = append(out, v...)
		}
		return out, true
	case syntax.OpConcat:
		out := []string{""}
		literal := true
		for _, sub := range re.Sub {
			if isAnchor(sub) {
				continue
			}
			v, ok := finiteValues(sub)
			if !ok || len(out)*len(v) > maxListed {
				return nil, false
			}
			literal = literal && len(v) == 1
			var next []string
			for _, a := range out {
				for _, b := range v {
					next = append(next, a+b)
				}
			}
			out = next
		}
		return out, !literal || len(out) == 1
	}
	return nil, false
}

// listValues quotes values: "« 44 », « 49 » ou « 85 »".
func listValues(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "« " + v + " »"
	}
	return joinOr(q)
}

// joinOr joins "a", "b", "c" as "a, b ou c".
func joinOr(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " ou " + items[len(items)-1]
}
