package connectors

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Delimiter returns the CSV field separator an option names: one
// character, or `\t` for a tab. It returns 0 for anything else, or for a
// quote or a line break, which cannot separate fields.
func Delimiter(option string) rune {
	if option == `\t` {
		return '\t'
	}
	r, size := utf8.DecodeRuneInString(option)
	if size == 0 || size != len(option) || r == '"' || r == '\n' || r == '\r' {
		return 0
	}
	return r
}

// Decoder returns the function that turns bytes in the named character
// encoding into UTF-8: nil for UTF-8 (nothing to do), or an error naming
// the encodings known (utf-8, windows-1252, iso-8859-15, iso-8859-1).
func Decoder(encoding string) (func([]byte) ([]byte, error), error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "utf-8", "utf8":
		return nil, nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Bytes, nil
	case "iso-8859-15", "latin-9", "latin9":
		return charmap.ISO8859_15.NewDecoder().Bytes, nil
	case "iso-8859-1", "latin-1", "latin1":
		return charmap.ISO8859_1.NewDecoder().Bytes, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q (utf-8, windows-1252, iso-8859-15, iso-8859-1)", encoding)
}
