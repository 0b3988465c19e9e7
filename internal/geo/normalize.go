package geo

import (
	"strings"
	"unicode"

	"github.com/ligerdata/ligerdata/internal/textfold"
)

// NormalizeName returns the comparison key of a commune name: lower case,
// accents and ligatures folded (é→e, œ→oe), every run of characters other
// than letters and digits (hyphens, apostrophes, spaces, dots…) turned into
// one space, "st"/"ste" expanded to "saint"/"sainte", a trailing article in
// parentheses or after a comma moved to the front ("SABLES D OLONNE (LES)"
// and "Les Sables-d'Olonne" both give "les sables d olonne"), and a trailing
// "CEDEX" with its number dropped. The key is idempotent:
// NormalizeName(NormalizeName(s)) == NormalizeName(s).
func NormalizeName(s string) string {
	s = fold(s)
	s = frontArticle(s)
	words := strings.FieldsFunc(s, isSeparator)
	out := words[:0]
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch w {
		case "st":
			w = "saint"
		case "ste":
			w = "sainte"
		case "cedex":
			// "NANTES CEDEX 1": drop the word and the number after it.
			for i+1 < len(words) && isNumber(words[i+1]) {
				i++
			}
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// fold lower-cases s and removes accents and other combining marks.
func fold(s string) string { return textfold.Fold(s) }

// frontArticle moves a trailing article, "X (LES)" or "X, LES", to the front.
func frontArticle(s string) string {
	t := strings.TrimRightFunc(s, unicode.IsSpace)
	var head, tail string
	switch {
	case strings.HasSuffix(t, ")"):
		i := strings.LastIndexByte(t, '(')
		if i < 0 {
			return s
		}
		head, tail = t[:i], t[i+1:len(t)-1]
	case strings.LastIndexByte(t, ',') >= 0:
		i := strings.LastIndexByte(t, ',')
		head, tail = t[:i], t[i+1:]
	default:
		return s
	}
	words := strings.FieldsFunc(tail, isSeparator)
	if len(words) != 1 || !isArticle(words[0]) || strings.IndexFunc(head, isWordRune) < 0 {
		return s
	}
	return words[0] + " " + head
}

func isArticle(w string) bool {
	return w == "le" || w == "la" || w == "les" || w == "l"
}

// stripArticle removes a leading article from a normalized key, when
// something remains after it.
func stripArticle(key string) string {
	if i := strings.IndexByte(key, ' '); i > 0 && isArticle(key[:i]) {
		return key[i+1:]
	}
	return key
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isSeparator(r rune) bool { return !isWordRune(r) }

func isNumber(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return w != ""
}
