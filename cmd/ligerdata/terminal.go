package main

import (
	"fmt"
	"strings"
	"unicode"
)

// termSafe escapes what a terminal would interpret rather than show in a
// text from the data: control characters (ESC sequences, carriage returns,
// backspaces, C1 controls), bidirectional overrides and other invisible
// format characters. Each becomes a visible \xNN or \u{NNNN} escape; a
// backslash stays as it is.
func termSafe(s string) string {
	clean := true
	for _, r := range s {
		if unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !unsafeRune(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u{%04x}`, r)
		}
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}
