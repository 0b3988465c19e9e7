package schemas

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

func utf16Bytes(s string, bigEndian, bom bool) []byte {
	var out []byte
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	for _, u := range units {
		if bigEndian {
			out = binary.BigEndian.AppendUint16(out, u)
		} else {
			out = binary.LittleEndian.AppendUint16(out, u)
		}
	}
	return out
}

func TestNotTextFilesRecognised(t *testing.T) {
	csv := "nom,commune\nMédiathèque,Nantes\nFablab,Angers\n"
	s := mustParse(t, `{"fields":[{"name":"nom"},{"name":"commune"}]}`)
	cases := []struct {
		name string
		data []byte
		want string // in the error's value
	}{
		{"UTF-16 LE with BOM (Excel's « Unicode text »)", utf16Bytes(csv, false, true), "UTF-16 little-endian (avec BOM)"},
		{"UTF-16 BE with BOM", utf16Bytes(csv, true, true), "UTF-16 big-endian (avec BOM)"},
		{"UTF-16 LE without BOM", utf16Bytes(csv, false, false), "UTF-16 little-endian (sans BOM)"},
		{"UTF-16 BE without BOM", utf16Bytes(csv, true, false), "UTF-16 big-endian (sans BOM)"},
		// Fewer than 40 characters: not a single NUL may sit on the other side.
		{"short UTF-16 LE without BOM", utf16Bytes("a,b\n", false, false), "UTF-16 little-endian (sans BOM)"},
		{"short UTF-16 BE without BOM", utf16Bytes("a,b\n", true, false), "UTF-16 big-endian (sans BOM)"},
		{"xlsx", []byte("PK\x03\x04\x14\x00\x06\x00rest of the zip"), "archive ZIP"},
		{"binary with NUL bytes", []byte("nom,commune\n\x00\x01\x02\x03\x00\xff\xfe\x00\x00\x10"), "binaire"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sum, errs := validateAll(t, s, string(tc.data))
			if len(errs) != 1 || errs[0].Code != CodeEncodingError || !strings.Contains(errs[0].Value, tc.want) ||
				!strings.Contains(errs[0].Message, tc.want) {
				t.Fatalf("errors %v, want one encoding-error naming %q", errs, tc.want)
			}
			if sum.Read != 0 {
				t.Errorf("%d rows read from a file that is not UTF-8 text", sum.Read)
			}
		})
	}
	// Text stays text, accents and all.
	if got := SniffEncoding([]byte(csv)); got != "" {
		t.Errorf("SniffEncoding(UTF-8 CSV) = %q", got)
	}
	// A Latin-1 line is reported on its line, with the likely encoding.
	_, errs := validateAll(t, s, "nom,commune\nM\xe9diath\xe8que,Nantes\n")
	if len(errs) != 1 || errs[0].Code != CodeEncodingError || errs[0].Row != 2 || !strings.Contains(errs[0].Message, "Windows-1252") {
		t.Errorf("Latin-1 line: %v", errs)
	}
}

func TestSchemaFileSizeLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.json")
	// A valid descriptor whose description is over the limit.
	huge := `{"description":"` + strings.Repeat("x", MaxDescriptorSize) + `","fields":[{"name":"a"}]}`
	if err := os.WriteFile(path, []byte(huge), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "fichier de plus de 4 Mio : ce n'est pas un schéma de table") {
		t.Errorf("Load of a %d-byte schema: %v, want a size error", len(huge), err)
	}
}
