package odsql

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxWordBytes bounds the length of an indexed word: a longer word (a URL,
// an e-mail address run together) is cut, in the index and in a query
// alike.
const MaxWordBytes = 32

// Words splits text into the words a full-text search matches: runs of
// letters and digits, lower-cased and without accents ("Médiathèque
// d'Orvault" gives "mediatheque", "d", "orvault"), each cut at
// MaxWordBytes. It calls fn for each word; the word's bytes are only valid
// during the call.
func Words(text string, fn func(word []byte)) {
	var w []byte
	flush := func() {
		if len(w) > 0 {
			fn(w)
			w = w[:0]
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				w = appendWord(w, c)
			case c >= 'A' && c <= 'Z':
				w = appendWord(w, c+'a'-'A')
			default:
				flush()
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		f, ok := foldRune(r)
		if !ok {
			flush()
			continue
		}
		for j := 0; j < len(f); j++ {
			w = appendWord(w, f[j])
		}
	}
	flush()
}

func appendWord(w []byte, c byte) []byte {
	if len(w) < MaxWordBytes {
		w = append(w, c)
	}
	return w
}

// foldRune returns the folded text of a non-ASCII rune (lower case, accents
// removed: "É" → "e", "œ" → "oe"), false when it is not part of a word.
func foldRune(r rune) (string, bool) {
	if r < foldedUpTo {
		s := folded[r]
		return s, s != ""
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return "", false
	}
	return foldSlow(r), true
}

// foldedUpTo is the end of the runes folded once at start (Latin-1 and
// Latin Extended-A, B).
const foldedUpTo = 0x250

var folded = func() (t [foldedUpTo]string) {
	for r := rune(utf8.RuneSelf); r < foldedUpTo; r++ {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			t[r] = foldSlow(r)
		}
	}
	return t
}()

// foldSlow lower-cases r and removes its combining marks.
func foldSlow(r rune) string {
	switch r {
	case 'œ', 'Œ':
		return "oe"
	case 'æ', 'Æ':
		return "ae"
	case 'ß':
		return "ss"
	}
	var b strings.Builder
	for _, d := range norm.NFD.String(string(unicode.ToLower(r))) {
		if !unicode.Is(unicode.Mn, d) {
			b.WriteRune(d)
		}
	}
	return b.String()
}

// Indexed reports whether a word is kept in a word index: every word
// without a digit, and words with digits of at most 5 bytes (postal
// codes, years, numbers in an address), not the long codes unique to a
// row (SIRET, phone numbers, identifiers) that would swell an index; a
// search for those scans the text instead.
func Indexed(w []byte) bool {
	if len(w) <= 5 {
		return true
	}
	for _, c := range w {
		if c >= '0' && c <= '9' {
			return false
		}
	}
	return true
}

// QueryWords returns the distinct words of a full-text search text, in
// order; a trailing "*" changes nothing (every word matches the indexed
// words it begins).
func QueryWords(text string) []string {
	var out []string
	seen := map[string]bool{}
	Words(text, func(w []byte) {
		if s := string(w); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	})
	return out
}
