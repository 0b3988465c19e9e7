package web

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the site shows dates in Europe/Paris even on hosts without a zoneinfo database
)

// frenchMonths are the month names used in dates shown to readers.
var frenchMonths = [...]string{
	"janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre",
}

// parisLocation is the time zone of the dates shown on the site; it falls
// back to UTC if the zone cannot be loaded.
var parisLocation = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// frenchDate formats t as "27 novembre 2026" (with "1er" for the first day
// of a month) in the Europe/Paris time zone. The zero time gives "".
func frenchDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(parisLocation)
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + " " + frenchMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// frenchDateTime formats t as "27 novembre 2026 à 16 h 21" in Europe/Paris.
func frenchDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	p := t.In(parisLocation)
	return frenchDate(p) + " à " + strconv.Itoa(p.Hour()) + " h " + twoDigits(p.Minute())
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// groupSep is the French thousands separator (narrow no-break space).
const groupSep = "\u202f"

// frenchInt formats n with French digit grouping: 12345 -> "12 345".
func frenchInt(n int64) string {
	neg := n < 0
	u := uint64(n)
	if neg {
		u = uint64(-n)
	}
	s := strconv.FormatUint(u, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	first := len(s) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(s[:first])
	for i := first; i < len(s); i += 3 {
		b.WriteString(groupSep)
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// frenchSize formats a byte count with French decimal units (1 ko = 1000
// octets): "512 octets", "1,2 ko", "12,5 Mo", "340 Mo", "1,2 Go".
// Below 100 units one decimal is shown, and a trailing ",0" is dropped.
func frenchSize(n int64) string {
	if n < 0 {
		return ""
	}
	if n < 1000 {
		if n < 2 {
			return strconv.FormatInt(n, 10) + " octet"
		}
		return strconv.FormatInt(n, 10) + " octets"
	}
	units := [...]string{"ko", "Mo", "Go", "To", "Po", "Eo"}
	v := float64(n) / 1000
	i := 0
	for v >= 999.95 && i < len(units)-1 {
		v /= 1000
		i++
	}
	var s string
	if v < 99.95 {
		s = strconv.FormatFloat(v, 'f', 1, 64)
		s = strings.TrimSuffix(s, ".0")
		s = strings.Replace(s, ".", ",", 1)
	} else {
		s = strconv.FormatFloat(v, 'f', 0, 64)
	}
	return s + "\u00a0" + units[i]
}

// plural returns one when n is 0 or 1 (French rule) and many otherwise.
func plural(n int64, one, many string) string {
	if n == 0 || n == 1 || n == -1 {
		return one
	}
	return many
}

// qualitySentence is the French summary of a validation run, for example
// "100 lignes lues, 97 acceptées, 3 rejetées".
func qualitySentence(read, accepted, rejected int64) string {
	return frenchInt(read) + " " + plural(read, "ligne lue", "lignes lues") + ", " +
		frenchInt(accepted) + " " + plural(accepted, "acceptée", "acceptées") + ", " +
		frenchInt(rejected) + " " + plural(rejected, "rejetée", "rejetées")
}

// keptSentence says how many rows an incremental run carried over from
// the previous release, or "" when it carried none.
func keptSentence(kept int64) string {
	if kept <= 0 {
		return ""
	}
	return frenchInt(kept) + " " + plural(kept, "ligne reprise", "lignes reprises") + " de la version précédente"
}

// releaseQualitySentence is qualitySentence followed, for an incremental
// run, by the rows it carried over.
func releaseQualitySentence(q *quality) string {
	s := qualitySentence(q.Read, q.Accepted, q.Rejected)
	if k := keptSentence(q.Kept); k != "" {
		s += " ; " + k
	}
	return s
}

// errorCodeLabels gives the French label of frictionless error codes (and of
// the older names some validators still emit).
var errorCodeLabels = map[string]string{
	"type-error":          "valeur d'un type incorrect",
	"constraint-error":    "contrainte non respectée",
	"required-error":      "valeur obligatoire absente",
	"missing-cell":        "cellule manquante",
	"extra-cell":          "cellule en trop",
	"blank-row":           "ligne vide",
	"duplicate-row":       "ligne en double",
	"unique-error":        "valeur en double (unicité exigée)",
	"primary-key":         "clé primaire en double",
	"primary-key-error":   "clé primaire en double",
	"foreign-key":         "référence introuvable (clé étrangère)",
	"foreign-key-error":   "référence introuvable (clé étrangère)",
	"blank-label":         "en-tête vide",
	"blank-header":        "en-tête vide",
	"duplicate-label":     "en-tête en double",
	"duplicate-header":    "en-tête en double",
	"incorrect-label":     "en-tête ne correspondant pas au schéma",
	"non-matching-header": "en-tête ne correspondant pas au schéma",
	"missing-label":       "en-tête manquant",
	"missing-header":      "en-tête manquant",
	"extra-label":         "en-tête en trop",
	"extra-header":        "en-tête en trop",
	"encoding-error":      "encodage de caractères incorrect",
	"format-error":        "format de fichier incorrect",
	"source-error":        "source illisible",
	"scheme-error":        "adresse de la source invalide",
	"hash-count-error":    "somme de contrôle ou taille incorrecte",
	"byte-count-error":    "taille de fichier incorrecte",
	"row-count-error":     "nombre de lignes incorrect",
	"schema-error":        "schéma invalide",
	"cell-error":          "cellule invalide",
	"row-error":           "ligne invalide",
	"header-error":        "en-tête invalide",
	"label-error":         "en-tête invalide",
}

// errorCodeLabel returns the French label of a validation error code, or
// "erreur « code »" for a code it does not know.
func errorCodeLabel(code string) string {
	if l, ok := errorCodeLabels[code]; ok {
		return l
	}
	return "erreur « " + code + " »"
}

// fieldTypeLabels gives the French name of Table Schema field types.
var fieldTypeLabels = map[string]string{
	"string":    "texte",
	"number":    "nombre décimal",
	"integer":   "nombre entier",
	"boolean":   "booléen",
	"object":    "objet JSON",
	"array":     "tableau JSON",
	"date":      "date",
	"time":      "heure",
	"datetime":  "date et heure",
	"year":      "année",
	"yearmonth": "année et mois",
	"duration":  "durée",
	"geopoint":  "point géographique",
	"geojson":   "géométrie GeoJSON",
	"any":       "quelconque",
}

// fieldTypeLabel returns "texte (string)" for a known type; an empty type is
// a string by the Table Schema default.
func fieldTypeLabel(typ string) string {
	if typ == "" {
		typ = "string"
	}
	if l, ok := fieldTypeLabels[typ]; ok {
		return l + " (" + typ + ")"
	}
	return typ
}

// excerpt shortens s to at most max runes, cutting at a word boundary and
// appending "…" when it cut. Whitespace runs are collapsed to one space.
func excerpt(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	cut := max
	for i := max; i > max/2; i-- {
		if r[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " ,;:.-") + "…"
}

// paragraphs splits a description into paragraphs on blank lines.
func paragraphs(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		p = strings.TrimSpace(p)
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// releaseTime extracts the time of a run id such as "20261127T152100Z-3f9a";
// ok is false when the id does not start with such a timestamp.
func releaseTime(release string) (time.Time, bool) {
	if len(release) < 16 {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102T150405Z", release[:16])
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
