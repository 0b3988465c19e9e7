package connectors

import (
	"encoding/csv"
	"errors"
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

// CSVReason says in French why encoding/csv could not read a line, for
// the ErrorField of a record: the reader's own English text ("bare \" in
// non-quoted-field") never reaches a steward.
func CSVReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return "guillemet dans une cellule qui ne commence pas par un guillemet (doublez-le : \"\")"
	case errors.Is(err, csv.ErrQuote):
		return "guillemet ouvrant sans guillemet fermant, ou caractère après le guillemet fermant d'une cellule"
	case errors.Is(err, csv.ErrFieldCount):
		return "nombre de cellules différent de celui de l'en-tête"
	}
	return "ligne mal formée"
}

// CellCountReason says in French that a line has fewer cells than the
// header.
func CellCountReason(got, want int) string {
	return fmt.Sprintf("%d %s alors que l'en-tête a %d colonnes", got, plural(got, "cellule", "cellules"), want)
}

func plural(n int, one, many string) string {
	if n == 1 || n == 0 {
		return one
	}
	return many
}

// CheckUTF8 returns nil for valid UTF-8, else an error naming the line and
// byte of the first invalid sequence. JSON and XML bodies go through it
// before decoding: encoding/json would silently replace such bytes by
// U+FFFD, publishing altered values.
func CheckUTF8(b []byte) error {
	if utf8.Valid(b) {
		return nil
	}
	off := 0
	for off < len(b) {
		r, size := utf8.DecodeRune(b[off:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		off += size
	}
	line := 1 + strings.Count(string(b[:off]), "\n")
	return fmt.Errorf("the body is not valid UTF-8 (line %d, byte %d: 0x%02x); has the source changed its encoding?", line, off+1, b[off])
}
