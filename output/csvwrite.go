package output

import (
	"unicode"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"

	"github.com/ligerdata/ligerdata/schemas"
)

// csvNeedsQuotes reports whether a field must be quoted in a comma-separated
// RFC 4180 file. It applies the rule of encoding/csv's Writer (comma
// delimiter, LF line endings), so that its output is byte for byte the
// same: a field is quoted when it contains a comma, a double quote, CR or
// LF, when it starts with a space character (unicode.IsSpace), or when it
// is exactly `\.` (a PostgreSQL end-of-data marker); the empty field is not
// quoted.
func csvNeedsQuotes[T string | []byte](f T) bool {
	if len(f) == 0 {
		return false
	}
	if len(f) == 2 && f[0] == '\\' && f[1] == '.' {
		return true
	}
	i := 0
	// Eight bytes at a time: a word with no comma, no quote and no byte
	// below 0x0e (so no CR or LF) is skipped; the other words are looked at
	// byte by byte.
	for ; i+8 <= len(f); i += 8 {
		x := uint64(f[i]) | uint64(f[i+1])<<8 | uint64(f[i+2])<<16 | uint64(f[i+3])<<24 |
			uint64(f[i+4])<<32 | uint64(f[i+5])<<40 | uint64(f[i+6])<<48 | uint64(f[i+7])<<56
		if !wordMayNeedQuotes(x) {
			continue
		}
		for j := i; j < i+8; j++ {
			switch f[j] {
			case ',', '"', '\r', '\n':
				return true
			}
		}
	}
	for ; i < len(f); i++ {
		switch f[i] {
		case ',', '"', '\r', '\n':
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

// wordMayNeedQuotes reports whether one of the eight bytes of x is a comma,
// a double quote or below 0x0e (exact for each test: no false negative, and
// no false positive for the comma and quote tests).
func wordMayNeedQuotes(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	comma := x ^ (ones * ',')
	quote := x ^ (ones * '"')
	return ((comma-ones)&^comma|(quote-ones)&^quote|(x-ones*0x0e)&^x)&highs != 0
}

// appendCSVField appends one field to dst, quoted when needed, with inner
// double quotes doubled; CR and LF are kept as they are.
func appendCSVField[T string | []byte](dst []byte, f T) []byte {
	if !csvNeedsQuotes(f) {
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

// appendCSVRecord appends one CSV line (fields separated by commas, LF
// terminated) to dst.
func appendCSVRecord(dst []byte, rec []string) []byte {
	for i, f := range rec {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendCSVField(dst, f)
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
			dst = appendCSVField(dst, s)
			continue
		}
		b, err := p.csvText((*scratch)[:0], c, v)
		if err != nil {
			return dst, err
		}
		*scratch = b
		dst = appendCSVField(dst, b)
	}
	return append(dst, '\n'), nil
}

// parquetRows appends to rows one parquet row per record of vals (records of
// len(p.columns) values back to back), their values stored in buf (len >=
// records*p.leaves); byte arrays are copied to *scratch.
func (p *plan) parquetRows(rows []parquet.Row, buf []parquet.Value, vals []schemas.Value, scratch *[]byte) ([]parquet.Row, error) {
	n, leaves := len(p.columns), p.leaves
	for off, k := 0, 0; off < len(vals); off, k = off+n, k+1 {
		row := parquet.Row(buf[k*leaves : (k+1)*leaves : (k+1)*leaves])
		if err := p.parquetRow(row, vals[off:off+n], scratch); err != nil {
			return rows, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}
