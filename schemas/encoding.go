package schemas

import (
	"bytes"
)

// sniffLen is how much of the start of a file SniffEncoding looks at.
const sniffLen = 4096

// SniffEncoding looks at the first bytes of a file that should be UTF-8
// text and, when it is not, says in French what it is instead: UTF-16 or
// UTF-32 (with or without a byte-order mark), a known binary format (ZIP,
// which includes .xlsx and .ods, an old Excel file, PDF, images, gzip), or
// binary data (NUL bytes). It returns "" for anything that may be text,
// including text in a legacy 8-bit encoding (reported line by line).
func SniffEncoding(head []byte) string {
	if len(head) > sniffLen {
		head = head[:sniffLen]
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}):
		return "UTF-32 little-endian (avec BOM)"
	case bytes.HasPrefix(head, []byte{0, 0, 0xFE, 0xFF}):
		return "UTF-32 big-endian (avec BOM)"
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return "UTF-16 little-endian (avec BOM)"
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return "UTF-16 big-endian (avec BOM)"
	}
	for _, m := range binaryMagics {
		if bytes.HasPrefix(head, m.magic) {
			return m.what
		}
	}
	if bytes.IndexByte(head, 0) < 0 {
		return ""
	}
	// NUL bytes: UTF-16 without BOM puts one beside each ASCII character,
	// on the odd (little-endian) or even (big-endian) positions.
	var zeros [2]int
	n := len(head) &^ 1
	for i := 0; i < n; i++ {
		if head[i] == 0 {
			zeros[i&1]++
		}
	}
	half := n / 2
	switch {
	case half > 0 && zeros[1] >= half*3/10 && zeros[0] <= half/20:
		return "UTF-16 little-endian (sans BOM)"
	case half > 0 && zeros[0] >= half*3/10 && zeros[1] <= half/20:
		return "UTF-16 big-endian (sans BOM)"
	}
	return "binaire (octets nuls) : ce n'est pas un fichier texte"
}

var binaryMagics = []struct {
	magic []byte
	what  string
}{
	{[]byte("PK\x03\x04"), "archive ZIP (un classeur .xlsx ou .ods ?) : ce n'est pas un fichier CSV"},
	{[]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, "classeur Excel .xls : ce n'est pas un fichier CSV"},
	{[]byte("%PDF-"), "document PDF : ce n'est pas un fichier CSV"},
	{[]byte{0x1F, 0x8B}, "fichier compressé gzip : décompressez-le d'abord"},
	{[]byte("\x89PNG\r\n\x1a\n"), "image PNG : ce n'est pas un fichier CSV"},
	{[]byte{0xFF, 0xD8, 0xFF}, "image JPEG : ce n'est pas un fichier CSV"},
	{[]byte("GIF8"), "image GIF : ce n'est pas un fichier CSV"},
}

// legacyEncoding is the likely encoding of a line that is not UTF-8 in a
// file SniffEncoding took for text: in French data, an 8-bit Windows or ISO
// encoding.
const legacyEncoding = "Windows-1252 ou ISO-8859-1 (Latin-1)"
