package output

import (
	"time"

	"github.com/ligerdata/ligerdata/schemas"
)

// The French spreadsheet variant of data.csv (data-fr.csv) is what a
// spreadsheet set to French opens correctly: UTF-8 with a byte order mark
// (without it, Excel reads the file as Windows-1252; declared "utf-8-sig"
// in datapackage.json), semicolon separator, decimal comma in the number
// columns (the comma being the French decimal separator, it cannot
// separate fields), and LF line endings as in data.csv. Differences with
// data.csv, cell by cell:
//
//   - Text cells (string and list fields) are always quoted, so that a
//     spreadsheet told to read quoted fields as text (LibreOffice: « Formater
//     les champs entre guillemets comme texte ») keeps codes as they are:
//     postal codes and phone numbers with their leading zero or "+", SIRET
//     and other long digit strings without rounding. Object, array, geojson
//     and geopoint cells are quoted too.
//   - CSV injection (OWASP): a text cell that a spreadsheet would run as a
//     formula, one starting with "=", "+", "-", "@", a tab or a carriage
//     return, gets a leading apostrophe ("'=1+1"), shown as is by the
//     spreadsheet and never evaluated. A signed plain number ("+33240123456",
//     "-12", "-1.5") is not prefixed: it cannot call a function or point to
//     a cell, and the apostrophe would spoil phone numbers. data.csv, meant
//     for programs, keeps the values unchanged.
//   - Dates stay YYYY-MM-DD (ISO 8601), which French spreadsheets recognise
//     as dates while DD/MM/YYYY would be misread by every non-French tool;
//     datetimes are YYYY-MM-DDThh:mm:ss[.ffffff] in UTC without the "Z"
//     suffix, the form LibreOffice and Excel recognise as a date and time
//     (RFC 3339 with "Z", as in data.csv, stays text).

// frenchCSVDescription documents data-fr.csv in datapackage.json (for data
// users: in French).
const frenchCSVDescription = "Variante de data.csv pour les tableurs réglés en français " +
	"(LibreOffice, Excel) : UTF-8 avec BOM, séparateur point-virgule, virgule décimale, " +
	"dates AAAA-MM-JJ et dates-heures AAAA-MM-JJThh:mm:ss en UTC. " +
	"Les cellules de texte sont entre guillemets : dans LibreOffice, cocher « Formater les champs " +
	"entre guillemets comme texte » garde les codes postaux, SIRET et numéros de téléphone tels quels. " +
	"Protection contre l'injection de formules (recommandation OWASP) : une cellule de texte qui " +
	"commence par =, +, -, @, une tabulation ou un retour chariot est précédée d'une apostrophe " +
	"(par exemple '=1+1), sauf un nombre signé comme +33240123456. " +
	"Pour un traitement automatique, utiliser data.csv, dont les valeurs ne sont pas modifiées."

// bomUTF8 is the UTF-8 byte order mark that starts data-fr.csv.
const bomUTF8 = "\xEF\xBB\xBF"

// frenchDatetimeLayout is the layout of datetimes in data-fr.csv (UTC).
const frenchDatetimeLayout = "2006-01-02T15:04:05.999999"

// appendFrenchCell appends the data-fr.csv cell of v (not nil, not a plain
// string of a text column), a value of column c whose data.csv text is b.
func (p *plan) appendFrenchCell(fr []byte, c *column, v schemas.Value, b []byte) []byte {
	switch c.kind {
	case kindDouble:
		return appendDecimalComma(fr, b)
	case kindDatetime:
		if t, ok := v.(time.Time); ok {
			return t.UTC().AppendFormat(fr, frenchDatetimeLayout)
		}
	case kindString, kindList:
		return appendFrenchText(fr, b, true)
	case kindJSON, kindGeoWKB, kindGeopoint:
		return appendFrenchText(fr, b, false)
	}
	return appendCSVField(fr, b, ';')
}

// appendFrenchText appends a text cell of data-fr.csv: quoted, inner double
// quotes doubled, with a leading apostrophe when neutralise is set and f
// looks like a formula (see formulaLike). The empty text is not quoted (it
// is a missing value).
func appendFrenchText[T string | []byte](fr []byte, f T, neutralise bool) []byte {
	if len(f) == 0 {
		return fr
	}
	fr = append(fr, '"')
	if neutralise && formulaLike(f) {
		fr = append(fr, '\'')
	}
	return appendQuoted(fr, f)
}

// formulaLike reports whether a spreadsheet could run f as a formula: it
// starts with one of the characters of the OWASP CSV-injection guidance
// (=, +, -, @, tab, carriage return), unless it is a signed plain number
// (sign, digits, at most one decimal point or comma followed by digits).
func formulaLike[T string | []byte](f T) bool {
	if len(f) == 0 {
		return false
	}
	switch f[0] {
	case '=', '@', '\t', '\r':
		return true
	case '+', '-':
		return !plainNumber(f[1:])
	}
	return false
}

// plainNumber reports whether f is digits, optionally followed by one "."
// or "," and more digits.
func plainNumber[T string | []byte](f T) bool {
	digits, sep := 0, false
	for i := 0; i < len(f); i++ {
		switch c := f[i]; {
		case c >= '0' && c <= '9':
			digits++
		case (c == '.' || c == ',') && !sep && digits > 0 && i+1 < len(f):
			sep = true
		default:
			return false
		}
	}
	return digits > 0
}

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
