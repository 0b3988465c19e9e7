package web

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestFrenchDate(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   time.Time
		want string
	}{
		{"afternoon UTC", time.Date(2026, 11, 27, 15, 21, 0, 0, time.UTC), "27 novembre 2026"},
		{"first of month", time.Date(2026, 12, 1, 4, 0, 0, 0, time.UTC), "1er décembre 2026"},
		{"late UTC is next day in Paris", time.Date(2026, 7, 31, 23, 30, 0, 0, time.UTC), "1er août 2026"},
		{"february", time.Date(2027, 2, 14, 12, 0, 0, 0, time.UTC), "14 février 2027"},
		{"zero", time.Time{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := frenchDate(tc.in); got != tc.want {
				t.Errorf("frenchDate(%v) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestFrenchDateTime(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   time.Time
		want string
	}{
		{"winter UTC+1", time.Date(2026, 11, 27, 15, 21, 0, 0, time.UTC), "27 novembre 2026 à 16 h 21"},
		{"summer UTC+2", time.Date(2026, 6, 3, 4, 5, 0, 0, time.UTC), "3 juin 2026 à 6 h 05"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := frenchDateTime(tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFrenchInt(t *testing.T) {
	for _, tc := range []struct {
		in   int64
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1\u202f000"}, {12345, "12\u202f345"},
		{1234567, "1\u202f234\u202f567"}, {-4500, "-4\u202f500"},
		{-9223372036854775808, "-9\u202f223\u202f372\u202f036\u202f854\u202f775\u202f808"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := frenchInt(tc.in); got != tc.want {
				t.Errorf("frenchInt(%d) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestFrenchSize(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   int64
		want string
	}{
		{"zero", 0, "0 octet"},
		{"one", 1, "1 octet"},
		{"bytes", 512, "512 octets"},
		{"just under a ko", 999, "999 octets"},
		{"one ko", 1000, "1\u00a0ko"},
		{"ko with decimal", 1234, "1,2\u00a0ko"},
		{"Mo", 1_234_567, "1,2\u00a0Mo"},
		{"tens of Mo", 12_549_000, "12,5\u00a0Mo"},
		{"hundreds of Mo", 340_000_000, "340\u00a0Mo"},
		{"rounds up to next unit", 999_999, "1\u00a0Mo"},
		{"Go", 2_500_000_000, "2,5\u00a0Go"},
		{"negative", -1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := frenchSize(tc.in); got != tc.want {
				t.Errorf("frenchSize(%d) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestQualitySentence(t *testing.T) {
	for _, tc := range []struct {
		name                     string
		read, accepted, rejected int64
		want                     string
	}{
		{"typical", 100, 97, 3, "100 lignes lues, 97 acceptées, 3 rejetées"},
		{"singular and zero", 1, 1, 0, "1 ligne lue, 1 acceptée, 0 rejetée"},
		{"large", 12500, 12499, 1, "12\u202f500 lignes lues, 12\u202f499 acceptées, 1 rejetée"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := qualitySentence(tc.read, tc.accepted, tc.rejected); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestErrorCodeLabel(t *testing.T) {
	for _, tc := range []struct{ code, want string }{
		{"type-error", "valeur d'un type incorrect"},
		{"constraint-error", "contrainte non respectée"},
		{"missing-cell", "cellule manquante"},
		{"extra-cell", "cellule en trop"},
		{"blank-row", "ligne vide"},
		{"unique-error", "valeur en double (unicité exigée)"},
		{"code-maison", "erreur « code-maison »"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			if got := errorCodeLabel(tc.code); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("mot ", 100)
	for _, tc := range []struct {
		name, in string
		max      int
		want     string
	}{
		{"short kept", "Une courte description.", 200, "Une courte description."},
		{"whitespace collapsed", "deux\n\n  lignes", 200, "deux lignes"},
		{"cut at word", "alpha beta gamma delta", 12, "alpha beta…"},
		{"no space to cut at", "abcdefghijklmnop", 5, "abcde…"},
		{"long", long, 20, "mot mot mot mot mot…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := excerpt(tc.in, tc.max)
			if got != tc.want {
				t.Errorf("excerpt = %q, want %q", got, tc.want)
			}
			if utf8.RuneCountInString(got) > tc.max+1 {
				t.Errorf("excerpt has %d runes, max %d", utf8.RuneCountInString(got), tc.max+1)
			}
		})
	}
}

func TestReleaseTime(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   time.Time
		wantOK bool
	}{
		{"20261127T152100Z-3f9a", time.Date(2026, 11, 27, 15, 21, 0, 0, time.UTC), true},
		{"20261127T152100Z", time.Date(2026, 11, 27, 15, 21, 0, 0, time.UTC), true},
		{"v1", time.Time{}, false},
		{"20261327T152100Z-3f9a", time.Time{}, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := releaseTime(tc.in)
			if ok != tc.wantOK || !got.Equal(tc.want) {
				t.Errorf("releaseTime(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func FuzzFrenchSize(f *testing.F) {
	for _, n := range []int64{0, 1, 999, 1000, 1234567, 999_999, 1 << 62} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		s := frenchSize(n)
		if n < 0 {
			if s != "" {
				t.Fatalf("frenchSize(%d) = %q, want empty", n, s)
			}
			return
		}
		if strings.Contains(s, ".") || !strings.ContainsAny(s, "0123456789") {
			t.Fatalf("frenchSize(%d) = %q: not a French number", n, s)
		}
	})
}

func TestReleaseQualitySentenceNamesKeptRows(t *testing.T) {
	if got, want := releaseQualitySentence(&quality{Read: 2, Accepted: 2, Kept: 37}), "2 lignes lues, 2 acceptées, 0 rejetée ; 37 lignes reprises de la version précédente"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := releaseQualitySentence(&quality{Read: 100, Accepted: 97, Rejected: 3}); strings.Contains(got, "reprise") {
		t.Errorf("a full harvest mentions carried-over rows: %q", got)
	}
}
