package output

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/schemas"
)

// stdCSV is what encoding/csv's Writer (comma, LF) makes of records.
func stdCSV(t testing.TB, recs ...[]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestAppendCSVRecordMatchesEncodingCSV(t *testing.T) {
	cases := []struct {
		name string
		rec  []string
	}{
		{"plain", []string{"lieu-0000001", "29216233343168", "Nantes"}},
		{"empty fields", []string{"", "", ""}},
		{"single empty field", []string{""}},
		{"comma", []string{"Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00"}},
		{"quotes", []string{`Formé à « Mon Espace Santé »`, `le "Fablab"`, `"`}},
		{"newlines", []string{"ligne 1\nligne 2", "a\r\nb", "\r"}},
		{"leading space", []string{" Nantes", "\tx", "x "}},
		{"leading non-ASCII space", []string{"\u00a0Angers", "\u2003Laval", "\u0085x"}},
		{"leading accent", []string{"Étudiants", "À distance"}},
		{"postgres end marker", []string{`\.`, `\.x`, `x\.`}},
		{"invalid UTF-8", []string{"\xff\xfe", "\xc2"}},
		{"semicolon", []string{"Saint-Nazaire;44600"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := appendCSVRecord(nil, tc.rec, ',')
			if want := stdCSV(t, tc.rec); !bytes.Equal(got, want) {
				t.Errorf("appendCSVRecord(%q) = %q, encoding/csv writes %q", tc.rec, got, want)
			}
		})
	}
}

// FuzzAppendCSVRecord checks that the CSV writer of releases writes exactly
// the bytes of encoding/csv for any record, and that they read back.
func FuzzAppendCSVRecord(f *testing.F) {
	f.Add("lieu-0000001", "Mo-Fr 09:00-12:00,14:00-18:00", "Centre social ouvert à tous, accompagnement.")
	f.Add(`le "Fablab"`, "ligne 1\nligne 2", " Nantes")
	f.Add("", "\r\n", `\.`)
	f.Add("\u00a0Angers", "\xff", "Prendre un RDV en ligne|Contacter par mail|Se présenter")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		for _, rec := range [][]string{{a, b, c}, {a}, {b, c}} {
			got := appendCSVRecord(nil, rec, ',')
			if want := stdCSV(t, rec); !bytes.Equal(got, want) {
				t.Fatalf("appendCSVRecord(%q) = %q, encoding/csv writes %q", rec, got, want)
			}
			// The byte-slice form quotes the same way.
			var fromBytes []byte
			for i, s := range rec {
				if i > 0 {
					fromBytes = append(fromBytes, ',')
				}
				fromBytes = appendCSVField(fromBytes, []byte(s), ',')
			}
			if fromBytes = append(fromBytes, '\n'); !bytes.Equal(fromBytes, got) {
				t.Fatalf("byte-slice fields %q, string fields %q", fromBytes, got)
			}
			if len(rec) == 1 && rec[0] == "" {
				continue // encoding/csv reads a lone empty field as a blank line
			}
			back, err := csv.NewReader(bytes.NewReader(got)).Read()
			if err != nil {
				t.Fatalf("read back %q: %v", got, err)
			}
			for i := range rec {
				if !strings.Contains(rec[i], "\r") && back[i] != rec[i] {
					t.Errorf("field %d %q read back as %q", i, rec[i], back[i])
				}
			}
		}
	})
}

// TestAppendCSVValuesMatchesCSVRecord checks that the streaming encoder
// writes csvRecord's canonical text, quoted as encoding/csv would.
func TestAppendCSVValuesMatchesCSVRecord(t *testing.T) {
	s, row := nationalShape()
	p, err := newPlan(s)
	if err != nil {
		t.Fatal(err)
	}
	quoted := append([]schemas.Value(nil), row...)
	quoted[0] = "Nantes, \"centre\"\nligne 2"
	quoted[1] = " espace"
	cases := []struct {
		name string
		vals []schemas.Value
	}{
		{"national shape", row},
		{"quoted text", quoted},
		{"all missing", make([]schemas.Value, len(row))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := make([]string, len(tc.vals))
			var scratch []byte
			if err := p.csvRecord(rec, tc.vals, &scratch); err != nil {
				t.Fatal(err)
			}
			got, err := p.appendCSVValues([]byte("prefix\n"), tc.vals, &scratch)
			if err != nil {
				t.Fatal(err)
			}
			if want := append([]byte("prefix\n"), stdCSV(t, rec)...); !bytes.Equal(got, want) {
				t.Errorf("appendCSVValues = %q\nwant %q", got, want)
			}
		})
	}
}

// TestCSVNeedsQuotesEveryPosition puts each byte value at each position of
// a 19-byte field (two words and a tail) and compares with encoding/csv.
func TestCSVNeedsQuotesEveryPosition(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 19; pos++ {
			b := []byte(strings.Repeat("a", 19))
			b[pos] = byte(c)
			rec := []string{string(b)}
			if got, want := appendCSVRecord(nil, rec, ','), stdCSV(t, rec); !bytes.Equal(got, want) {
				t.Fatalf("byte %#x at %d: got %q, encoding/csv writes %q", c, pos, got, want)
			}
		}
	}
}
