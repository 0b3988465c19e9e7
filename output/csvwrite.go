package output

import (
	"math/bits"
	"unicode"
	"unicode/utf8"
	"unsafe"

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
	dst = append(dst, '"')
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

// The French spreadsheet variant of data.csv (data-fr.csv) is what a
// spreadsheet set to French opens correctly with a double click: UTF-8 with
// a byte order mark (without it, Excel reads the file as Windows-1252),
// semicolon separator and decimal comma in the number columns (the comma
// being the French decimal separator, it cannot separate fields). Every
// other value is written as in data.csv; in particular dates stay
// YYYY-MM-DD (ISO 8601), which French spreadsheets recognise as dates
// while DD/MM/YYYY would be misread by every non-French tool and does not
// sort as text, and datetimes stay RFC 3339 in UTC, the only unambiguous
// form. Lines end with LF, as in data.csv.

// bomUTF8 is the UTF-8 byte order mark that starts data-fr.csv.
const bomUTF8 = "\xEF\xBB\xBF"

// appendCSVValuesBoth appends the line of one record to both data.csv
// (dst, as appendCSVValues) and data-fr.csv (fr), formatting each value
// once. ends[i] is set to where cell i ends in dst, counted from the
// start of the line.
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
			dst, fr = appendCSVFieldBoth(dst, fr, s)
			continue
		}
		b, err := p.csvText((*scratch)[:0], c, v)
		if err != nil {
			return dst, fr, err
		}
		*scratch = b
		if c.kind == kindDouble {
			dst = appendCSVField(dst, b, ',')
			fr = appendDecimalComma(fr, b)
			continue
		}
		// b is not modified before the call returns.
		dst, fr = appendCSVFieldBoth(dst, fr, unsafe.String(unsafe.SliceData(b), len(b)))
	}
	if len(ends) > 0 {
		ends[len(ends)-1] = len(dst) - start
	}
	return append(dst, '\n'), append(fr, '\n'), nil
}

// appendCSVFieldBoth appends one field to dst with the comma separator and
// to fr with the semicolon, scanning it once when neither needs quotes (the
// common case).
func appendCSVFieldBoth(dst, fr []byte, f string) ([]byte, []byte) {
	if mayNeedQuotesBoth(f) {
		return appendCSVField(dst, f, ','), appendCSVField(fr, f, ';')
	}
	return append(dst, f...), append(fr, f...)
}

// mayNeedQuotesBoth reports whether f may need quotes in data.csv or in
// data-fr.csv: false only when csvNeedsQuotes is false for both
// separators.
func mayNeedQuotesBoth(f string) bool {
	if len(f) == 0 {
		return false
	}
	if c := f[0]; c <= ' ' || c >= utf8.RuneSelf || (len(f) == 2 && c == '\\') {
		// A leading space character, or `\.`: let the exact tests decide.
		return true
	}
	i := 0
	if len(f) >= 8 {
		p := unsafe.Pointer(unsafe.StringData(f))
		for ; i+8 <= len(f); i += 8 {
			// An unaligned little-endian load of f[i:i+8].
			x := *(*uint64)(unsafe.Add(p, i))
			if !isLittleEndian {
				x = bits.ReverseBytes64(x)
			}
			if wordMayNeedQuotes(x, ',') || wordMayNeedQuotes(x, ';') {
				return true
			}
		}
	}
	for ; i < len(f); i++ {
		switch f[i] {
		case ',', ';', '"', '\r', '\n':
			return true
		}
	}
	return false
}

// isLittleEndian is true on little-endian machines.
var isLittleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// appendDecimalComma appends the canonical text of a number with its
// decimal point as a comma (never quoted: a number has no semicolon).
func appendDecimalComma(dst, num []byte) []byte {
	for _, c := range num {
		if c == '.' {
			c = ','
		}
		dst = append(dst, c)
	}
	return dst
}
