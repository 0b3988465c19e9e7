package schemas

import (
	"testing"
	"unicode/utf8"
)

func TestValidUTF8(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"ascii", "Espace public numérique de Nantes"[:13]},
		{"accents among ascii", "Médiathèque de Saint-Herblain, rue des Écoles, 44800"},
		{"four-byte character", "carte 🗺 du lieu"},
		{"replacement character", "a\uFFFDb"},
		{"bad byte after ascii run", "abcdefghijklmnop\xffq"},
		{"bad byte after accent", "élan\xc3"},
		{"truncated at end", "abc\xe2\x82"},
		{"surrogate", "a\xed\xa0\x80b"},
		{"overlong", "\xc0\xaf"},
		{"latin-1", "Pays de la Loire \xe9t\xe9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := validUTF8([]byte(tt.in)), utf8.ValidString(tt.in); got != want {
				t.Fatalf("validUTF8(%q) = %v, utf8.Valid says %v", tt.in, got, want)
			}
		})
	}
}

func FuzzValidUTF8(f *testing.F) {
	for _, s := range []string{"", "ascii only text", "Médiathèque|Itinérant", "\xff", "abcdefgh\xe2\x82", "🗺🗺", "\xed\xa0\x80"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validUTF8(b), utf8.Valid(b); got != want {
			t.Fatalf("validUTF8(%q) = %v, utf8.Valid says %v", b, got, want)
		}
	})
}
