package output

import (
	"unicode"
	"unicode/utf8"

	"github.com/ligerdata/ligerdata/schemas"
)

// csvNeedsQuotes reports whether a field must be quoted in an RFC 4180 file
// whose fields are separated by sep (',' for data.csv, ';' for
// data-fr.csv). It applies the rule of encoding/csv's Writer (LF line
// endings), so that the output is byte for byte the same: a field is quoted
// when it contains sep, a double quote, CR or LF, when it starts with a
// space character (unicode.IsSpace), or when it is exactly `\.` (a
// PostgreSQL end-of-data marker); the empty field is not quoted.
func csvNeedsQuotes[T string | []byte](f T, sep byte) bool {
	if len(f) == 0 {
		return false
	}
	if len(f) == 2 && f[0] == '\\' && f[1] == '.' {
		return true
	}
	i := 0
	// Eight bytes at a time: a word with no separator, no quote and no
	// byte below 0x0e (so no CR or LF) is skipped; the other words are
	// looked at byte by byte.
	for ; i+8 <= len(f); i += 8 {
		x := uint64(f[i]) | uint64(f[i+1])<<8 | uint64(f[i+2])<<16 | uint64(f[i+3])<<24 |
			uint64(f[i+4])<<32 | uint64(f[i+5])<<40 | uint64(f[i+6])<<48 | uint64(f[i+7])<<56
		if !wordMayNeedQuotes(x, sep) {
			continue
		}
		for j := i; j < i+8; j++ {
			if c := f[j]; c == sep || c == '"' || c == '\r' || c == '\n' {
				return true
			}
		}
	}
	for ; i < len(f); i++ {
		if c := f[i]; c == sep || c == '"' || c == '\r' || c == '\n' {
			return true
		}
	}
	c := f[0]
	if c < utf8.RuneSelf {
		// The ASCII space characters of unicode.IsSpace.
		return c == ' ' || (c >= '\t' && c <= '\r')
	}
	r, _ := utf8.DecodeRuneInString(string(f[:min(len(f), utf8.UTFMax)]))
	return unicode.IsSpace(r)
}

// wordMayNeedQuotes reports whether one of the eight bytes of x is sep, a
// double quote or below 0x0e (exact for each test: no false negative, and
// no false positive for the separator and quote tests).
func wordMayNeedQuotes(x uint64, sep byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	s := x ^ (ones * uint64(sep))
	quote := x ^ (ones * '"')
	return ((s-ones)&^s|(quote-ones)&^quote|(x-ones*0x0e)&^x)&highs != 0
}

// appendCSVField appends one field to dst, quoted when needed for the
// separator sep, with inner double quotes doubled; CR and LF are kept as
// they are.
func appendCSVField[T string | []byte](dst []byte, f T, sep byte) []byte {
	if !csvNeedsQuotes(f, sep) {
		return append(dst, f...)
	}
	return appendQuoted(append(dst, '"'), f)
}

// appendQuoted appends f with its double quotes doubled, then the closing
// double quote (the opening one is the caller's).
func appendQuoted[T string | []byte](dst []byte, f T) []byte {
	start := 0
	for i := 0; i < len(f); i++ {
		if f[i] == '"' {
			dst = append(dst, f[start:i+1]...)
			dst = append(dst, '"')
			start = i + 1
		}
	}
	dst = append(dst, f[start:]...)
	return append(dst, '"')
}

// appendCSVRecord appends one CSV line (fields separated by sep, LF
// terminated) to dst.
func appendCSVRecord(dst []byte, rec []string, sep byte) []byte {
	for i, f := range rec {
		if i > 0 {
			dst = append(dst, sep)
		}
		dst = appendCSVField(dst, f, sep)
	}
	return append(dst, '\n')
}

// appendCSVValues appends the CSV line of one record (values in schema
// field order, in the canonical encoding of csvRecord) to dst. *scratch is
// working storage for non-text values.
func (p *plan) appendCSVValues(dst []byte, values []schemas.Value, scratch *[]byte) ([]byte, error) {
	for i := range p.columns {
		if i > 0 {
			dst = append(dst, ',')
		}
		c := &p.columns[i]
		v := values[i]
		if v == nil {
			continue
		}
		if s, ok := v.(string); ok && c.kind == kindString {
			dst = appendCSVField(dst, s, ',')
			continue
		}
		b, err := p.csvText((*scratch)[:0], c, v)
		if err != nil {
			return dst, err
		}
		*scratch = b
		dst = appendCSVField(dst, b, ',')
	}
	return append(dst, '\n'), nil
}

// appendCSVValuesBoth appends the line of one record to both data.csv
// (dst, as appendCSVValues) and data-fr.csv (fr, see csvfrench.go),
// formatting each value once. ends[i] is set to where cell i ends in dst,
// counted from the start of the line.
func (p *plan) appendCSVValuesBoth(dst, fr []byte, values []schemas.Value, scratch *[]byte, ends []int) ([]byte, []byte, error) {
	start := len(dst)
	for i := range p.columns {
		if i > 0 {
			ends[i-1] = len(dst) - start
			dst = append(dst, ',')
			fr = append(fr, ';')
		}
		c := &p.columns[i]
		v := values[i]
		if v == nil {
			continue
		}
		if s, ok := v.(string); ok && c.kind == kindString {
			dst = appendCSVField(dst, s, ',')
			fr = appendFrenchText(fr, s, true)
			continue
		}
		b, err := p.csvText((*scratch)[:0], c, v)
		if err != nil {
			return dst, fr, err
		}
		*scratch = b
		dst = appendCSVField(dst, b, ',')
		fr = p.appendFrenchCell(fr, c, v, b)
	}
	if len(ends) > 0 {
		ends[len(ends)-1] = len(dst) - start
	}
	return append(dst, '\n'), append(fr, '\n'), nil
}
