// Package textfold folds French text for tolerant comparisons: lower case,
// without accents or other combining marks, with the ligatures œ and æ
// spelled out.
package textfold

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s and removes accents and other combining marks;
// "Œuvre Médiathèque" folds to "oeuvre mediatheque".
func Fold(s string) string {
	s = norm.NFD.String(strings.ToLower(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.Is(unicode.M, r):
			// accent or other combining mark: dropped
		case r == 'œ':
			b.WriteString("oe")
		case r == 'æ':
			b.WriteString("ae")
		case r == 'ß':
			b.WriteString("ss")
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
