package odsql

import (
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of a lexical token.
type tokKind int

const (
	tokEOF    tokKind = iota
	tokIdent          // bare or back-quoted name
	tokString         // "…" or '…', unescaped
	tokNumber         // 12, 4.5, 1e3
	tokDate           // date'…': Text is the date
	tokGeom           // geom'…': Text is the geometry
	tokOp             // = != <> < <= > >= : ( ) [ ] , * .. + - /
)

// token is one lexical token. Quoted is true for a back-quoted identifier
// (which is never a keyword).
type token struct {
	kind   tokKind
	text   string
	pos    int // byte offset in the clause, from 0
	quoted bool
	unit   string // unit glued to a number: "km" in 10km
}

// maxClauseBytes bounds the length of one clause.
const maxClauseBytes = 16 << 10

// lex splits a clause into tokens.
func lex(src string) ([]token, error) {
	if len(src) > maxClauseBytes {
		return nil, errorf(0, "la clause dépasse %d octets", maxClauseBytes)
	}
	if !utf8.ValidString(src) {
		return nil, errorf(0, "la clause n'est pas du texte UTF-8 valide")
	}
	var out []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"' || c == '\'':
			s, n, err := readQuoted(src, i)
			if err != nil {
				return nil, err
			}
			out = append(out, token{kind: tokString, text: s, pos: i})
			i = n
		case c == '`':
			end := strings.IndexByte(src[i+1:], '`')
			if end < 0 {
				return nil, errorf(i, "nom de champ entre accents graves non fermé")
			}
			name := src[i+1 : i+1+end]
			if name == "" {
				return nil, errorf(i, "nom de champ vide")
			}
			out = append(out, token{kind: tokIdent, text: name, pos: i, quoted: true})
			i += end + 2
		case isDigit(c) || (c == '.' && i+1 < len(src) && isDigit(src[i+1])):
			t, n := readNumber(src, i)
			out = append(out, t)
			i = n
		case isIdentStart(c):
			j := i
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			word := src[i:j]
			lw := strings.ToLower(word)
			if (lw == "date" || lw == "geom") && j < len(src) && src[j] == '\'' {
				s, n, err := readQuoted(src, j)
				if err != nil {
					return nil, err
				}
				k := tokDate
				if lw == "geom" {
					k = tokGeom
				}
				out = append(out, token{kind: k, text: s, pos: i})
				i = n
				continue
			}
			out = append(out, token{kind: tokIdent, text: word, pos: i})
			i = j
		default:
			op, ok := readOp(src[i:])
			if !ok {
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, errorf(i, "caractère inattendu « %c »", r)
			}
			out = append(out, token{kind: tokOp, text: op, pos: i})
			i += len(op)
		}
	}
	return append(out, token{kind: tokEOF, pos: len(src)}), nil
}

// readQuoted reads a string literal opened at src[i]; a backslash escapes
// the next character, and a doubled quote stands for one quote.
func readQuoted(src string, i int) (string, int, error) {
	q := src[i]
	var b strings.Builder
	j := i + 1
	for j < len(src) {
		c := src[j]
		switch {
		case c == '\\' && j+1 < len(src):
			b.WriteByte(src[j+1])
			j += 2
		case c == q && j+1 < len(src) && src[j+1] == q:
			b.WriteByte(q)
			j += 2
		case c == q:
			return b.String(), j + 1, nil
		default:
			b.WriteByte(c)
			j++
		}
	}
	return "", 0, errorf(i, "chaîne de caractères non fermée")
}

// readNumber reads a number, and a unit of letters glued to it (10km).
func readNumber(src string, i int) (token, int) {
	j := i
	for j < len(src) && isDigit(src[j]) {
		j++
	}
	if j+1 < len(src) && src[j] == '.' && isDigit(src[j+1]) {
		j++
		for j < len(src) && isDigit(src[j]) {
			j++
		}
	}
	if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
		k := j + 1
		if k < len(src) && (src[k] == '+' || src[k] == '-') {
			k++
		}
		if k < len(src) && isDigit(src[k]) {
			for k < len(src) && isDigit(src[k]) {
				k++
			}
			j = k
		}
	}
	t := token{kind: tokNumber, text: src[i:j], pos: i}
	k := j
	for k < len(src) && isLetter(src[k]) {
		k++
	}
	if k > j {
		t.unit = src[j:k]
	}
	return t, k
}

var ops = []string{"!=", "<>", "<=", ">=", "..", "=", "<", ">", ":", "(", ")", "[", "]", ",", "*", "+", "-", "/"}

func readOp(s string) (string, bool) {
	for _, op := range ops {
		if strings.HasPrefix(s, op) {
			return op, true
		}
	}
	return "", false
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isLetter(c byte) bool     { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdentStart(c byte) bool { return isLetter(c) || c == '_' }
func isIdentPart(c byte) bool  { return isIdentStart(c) || isDigit(c) }
