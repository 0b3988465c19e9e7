package schemas

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Error codes, the frictionless error names.
const (
	CodeTypeError       = "type-error"
	CodeConstraintError = "constraint-error"
	CodeMissingCell     = "missing-cell"
	CodeExtraCell       = "extra-cell"
	CodeBlankRow        = "blank-row"
	CodeUniqueError     = "unique-error"
	CodePrimaryKey      = "primary-key"
	CodeMissingLabel    = "missing-label"
	CodeExtraLabel      = "extra-label"
	CodeDuplicateLabel  = "duplicate-label"
	CodeBlankLabel      = "blank-label"
	CodeIncorrectLabel  = "incorrect-label"
	CodeEncodingError   = "encoding-error"
	CodeSourceError     = "source-error"
	CodeForeignKey      = "foreign-key"
)

// Error is one validation problem. Codes are the frictionless error names:
// type-error, constraint-error, missing-cell, extra-cell, blank-row,
// unique-error, primary-key, missing-label, extra-label, duplicate-label,
// blank-label, incorrect-label, encoding-error, source-error, foreign-key.
type Error struct {
	Code string `json:"code"`
	// Row is the frictionless row number: the header is row 1, the first
	// data row is row 2 (without a header, the first data row is row 1).
	Row int `json:"row,omitempty"`
	// Line is the physical line in the source where the row starts (0 when
	// unknown).
	Line  int    `json:"line,omitempty"`
	Field string `json:"field,omitempty"`
	// FieldNumber is the 1-based position of the cell in the source row
	// (the column), or of the label in the header.
	FieldNumber int    `json:"field_number,omitempty"`
	Value       string `json:"value,omitempty"`
	// Constraint names the failed constraint of a constraint-error:
	// required, unique, minLength, maxLength, minimum, maximum,
	// exclusiveMinimum, exclusiveMaximum, pattern, enum.
	Constraint string `json:"constraint,omitempty"`
	// Message is in French and names the field, the value and what is
	// expected.
	Message string `json:"message"`
}

// Error formats the problem for a data user, in French, prefixed with its
// location: "ligne 3, champ code_postal : ...".
func (e Error) Error() string {
	var b strings.Builder
	switch {
	case e.Row > 0:
		b.WriteString("ligne ")
		b.WriteString(strconv.Itoa(e.Row))
	case e.Line > 0:
		b.WriteString("ligne physique ")
		b.WriteString(strconv.Itoa(e.Line))
	default:
		b.WriteString("en-tête")
	}
	if e.Field != "" {
		b.WriteString(", champ ")
		b.WriteString(e.Field)
	} else if e.FieldNumber > 0 {
		b.WriteString(", colonne ")
		b.WriteString(strconv.Itoa(e.FieldNumber))
	}
	b.WriteString(" : ")
	b.WriteString(e.Message)
	return b.String()
}

// quote shortens a value for a message.
func quote(s string) string {
	const max = 80
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max]) + "…"
	}
	return "« " + s + " »"
}

func msgType(cf *compiledField, value string) string {
	m := fmt.Sprintf("La valeur %s du champ %s n'est pas %s", quote(value), quote(cf.name), cf.spec.what)
	if cf.spec.expect != "" {
		m += " (format attendu : " + cf.spec.expect + ")"
	}
	return m + "." + dateHint(cf, value)
}

func msgRequired(field string) string {
	return fmt.Sprintf("Le champ obligatoire %s est vide.", quote(field))
}

// msgPattern says in words what form the value should have, never with
// the regular expression, and suggests a leading zero a spreadsheet may
// have dropped ("4400" for the postal code "04400").
func msgPattern(cf *compiledField, value string) string {
	m := fmt.Sprintf("La valeur %s du champ %s n'a pas la forme attendue", quote(value), quote(cf.name))
	if cf.patternText != "" {
		m += " : " + cf.patternText + "."
	} else {
		m += " par le schéma."
	}
	if value != "" && cf.pattern.MatchString("0"+value) {
		m += " Un zéro initial a peut-être été perdu (par exemple par un tableur) : " + quote("0"+value) + " conviendrait."
	}
	return m
}

func msgLength(cf *compiledField, value string, n int, isMax bool) string {
	unit := "caractères"
	if cf.lengthKind == lenItems {
		unit = "éléments"
	}
	if isMax {
		return fmt.Sprintf("La valeur %s du champ %s est trop longue : %d %s, au plus %d attendus.", quote(value), quote(cf.name), n, unit, cf.maxLen)
	}
	return fmt.Sprintf("La valeur %s du champ %s est trop courte : %d %s, au moins %d attendus.", quote(value), quote(cf.name), n, unit, cf.minLen)
}

func msgEnum(cf *compiledField, value string) string {
	return fmt.Sprintf("La valeur %s du champ %s ne fait pas partie des valeurs autorisées : %s.", quote(value), quote(cf.name), cf.enumText) + enumHint(cf.enumTexts, value)
}

func msgBound(cf *compiledField, value string, i int) string {
	var rel string
	switch i {
	case 0:
		rel = "supérieure ou égale à"
	case 1:
		rel = "inférieure ou égale à"
	case 2:
		rel = "strictement supérieure à"
	default:
		rel = "strictement inférieure à"
	}
	m := fmt.Sprintf("La valeur %s du champ %s doit être %s %s.", quote(value), quote(cf.name), rel, cf.boundTexts[i])
	if isCoordinate(cf.name) {
		m += " La latitude et la longitude sont peut-être inversées."
	}
	return m
}

// isCoordinate reports whether a field holds a latitude or a longitude,
// whose values out of bounds are often the other coordinate.
func isCoordinate(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "lat", "lon", "lng", "long":
		return true
	}
	return strings.Contains(n, "latitude") || strings.Contains(n, "longitude")
}

func msgUnique(field, value string, firstRow int) string {
	return fmt.Sprintf("La valeur %s du champ %s est déjà présente à la ligne %d : ce champ doit être unique.", quote(value), quote(field), firstRow)
}

func msgPrimaryKey(fields []string, value string, firstRow int) string {
	if len(fields) == 1 {
		return fmt.Sprintf("La clé primaire %s (champ %s) est déjà présente à la ligne %d.", quote(value), quote(fields[0]), firstRow)
	}
	return fmt.Sprintf("La clé primaire %s (champs %s) est déjà présente à la ligne %d.", quote(value), quote(strings.Join(fields, ", ")), firstRow)
}

func msgMissingCell(field string, col int) string {
	return fmt.Sprintf("La cellule du champ %s (colonne %d) manque : la ligne a moins de cellules que l'en-tête.", quote(field), col)
}

func msgExtraCell(value string, col int) string {
	return fmt.Sprintf("La ligne a une cellule en trop (colonne %d, valeur %s) : elle a plus de cellules que l'en-tête.", col, quote(value))
}

func msgBlankRow() string { return "La ligne est vide." }

func msgMissingLabel(field string) string {
	return fmt.Sprintf("La colonne %s attendue par le schéma est absente de l'en-tête.", quote(field))
}

func msgExtraLabel(label string, col int) string {
	return fmt.Sprintf("La colonne %s (colonne %d) n'est pas décrite par le schéma : elle est ignorée.", quote(label), col)
}

func msgDuplicateLabel(label string, col, first int) string {
	return fmt.Sprintf("La colonne %s (colonne %d) figure déjà dans l'en-tête en colonne %d.", quote(label), col, first)
}

func msgBlankLabel(col int) string {
	return fmt.Sprintf("La colonne %d n'a pas de nom dans l'en-tête.", col)
}

func msgIncorrectLabel(label, field string, col int) string {
	return fmt.Sprintf("La colonne %s (colonne %d) devrait s'appeler %s, nom exact du champ dans le schéma.", quote(label), col, quote(field))
}

func msgEncoding(guess string) string {
	if guess != "" {
		return "La ligne contient des caractères qui ne sont pas de l'UTF-8 valide (encodage probable : " + guess + ") : le fichier doit être encodé en UTF-8."
	}
	return "La ligne contient des caractères qui ne sont pas de l'UTF-8 valide : le fichier doit être encodé en UTF-8."
}

func msgFileEncoding(found string) string {
	return "Le fichier n'est pas du texte UTF-8 : " + found + ". Enregistrez-le en CSV encodé en UTF-8."
}

func msgSource(reason string) string {
	return "La ligne est mal formée (" + reason + ") ; elle est ignorée et la lecture reprend à la ligne suivante."
}

func msgNoFieldLabel() string {
	return "Aucune colonne de l'en-tête ne correspond à un champ du schéma."
}

func msgAbsentRequired(field string) string {
	return fmt.Sprintf("Le champ obligatoire %s n'a pas de colonne dans l'en-tête : sa valeur manque.", quote(field))
}

func msgMissingColumnCell(label string, col int) string {
	return fmt.Sprintf("La cellule de la colonne %s (colonne %d) manque : la ligne a moins de cellules que l'en-tête.", quote(label), col)
}

func msgIntegerTooLarge(cf *compiledField, value string) string {
	return fmt.Sprintf("La valeur %s du champ %s est un nombre trop grand : un entier doit tenir sur 64 bits (de −9 223 372 036 854 775 808 à 9 223 372 036 854 775 807).", quote(value), quote(cf.name))
}

func msgForeignKey(fields []string, value, resource string, refFields []string) string {
	where := "de la même table"
	if resource != "" {
		where = "de la ressource " + quote(resource)
	}
	return fmt.Sprintf("La valeur %s (%s %s) ne correspond à aucune valeur de %s %s : la référence est cassée.",
		quote(value), plural(len(fields), "champ", "champs"), quote(strings.Join(fields, ", ")),
		plural(len(refFields), "la colonne", "les colonnes")+" "+quote(strings.Join(refFields, ", ")), where)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// msgTypeOrRange explains a cell that does not cast: an integer too large
// for 64 bits is said to be so, not "not an integer".
func msgTypeOrRange(cf *compiledField, value string) string {
	if cf.typ == "integer" && cf.spec.tooLarge != nil && cf.spec.tooLarge(value) {
		return msgIntegerTooLarge(cf, value)
	}
	return msgType(cf, value)
}
