package web

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ligerdata/ligerdata/pipelines"
)

// brokenDef is one problem of a pipeline definition that could not be
// loaded, as the dashboard shows it: the file, the position in French, the
// key, and the checker's message in French when it is one of the common
// ones (English marks the others, which keep the checker's words).
type brokenDef struct {
	File, Where, Key, Message string
	English                   bool
}

// brokenDefs turns the problems the daemon met loading the definitions
// (Options.DefinitionProblems) into the dashboard's rows.
func brokenDefs(problems pipelines.DefErrors) []brokenDef {
	out := make([]brokenDef, 0, len(problems))
	for _, p := range problems {
		msg, fr := frenchDefMessage(p.Msg)
		b := brokenDef{File: p.File, Key: p.Path, Message: msg, English: !fr}
		switch {
		case p.Line > 0 && p.Col > 0:
			b.Where = fmt.Sprintf("ligne %d, colonne %d", p.Line, p.Col)
		case p.Line > 0:
			b.Where = fmt.Sprintf("ligne %d", p.Line)
		}
		out = append(out, b)
	}
	return out
}

// defMessages render the definition checker's common messages in French.
var defMessages = []struct {
	re *regexp.Regexp
	fr func(m []string) string
}{
	{regexp.MustCompile(`^unknown key \(did you mean "(.*)"\?\)$`), func(m []string) string { return "clé inconnue (vouliez-vous dire « " + m[1] + " » ?)" }},
	{regexp.MustCompile(`^unknown key \(allowed: (.*)\)$`), func(m []string) string { return "clé inconnue (clés permises : " + m[1] + ")" }},
	{regexp.MustCompile(`^required key is missing$`), func([]string) string { return "clé obligatoire absente" }},
	{regexp.MustCompile(`^duplicate key$`), func([]string) string { return "clé écrite deux fois" }},
	{regexp.MustCompile(`^unknown connector kind "(.*)" \(known: (.*)\)$`), func(m []string) string {
		return "type de connecteur « " + m[1] + " » inconnu (connus : " + m[2] + ")"
	}},
	{regexp.MustCompile(`^schemas: load (.*): unknown schema \(embedded: ([^)]*)\)`), func(m []string) string {
		return "schéma « " + m[1] + " » introuvable (schémas intégrés : " + m[2] + ")"
	}},
	{regexp.MustCompile(`^environment variable (\S+) is not set`), func(m []string) string {
		return "la variable d'environnement " + m[1] + " n'est pas définie (écrivez ${" + m[1] + ":-valeur} pour donner une valeur par défaut)"
	}},
	{regexp.MustCompile(`^invalid duration "(.*)"`), func(m []string) string { return "durée « " + m[1] + " » illisible (exemples : 30s, 5m, 1h30m)" }},
	{regexp.MustCompile(`^invalid cron expression "(.*)": `), func(m []string) string { return "planification cron « " + m[1] + " » illisible" }},
	{regexp.MustCompile(`^expected true or false, got "(.*)"$`), func(m []string) string { return "true ou false attendu, trouvé « " + m[1] + " »" }},
	{regexp.MustCompile(`^expected an integer, got "(.*)"$`), func(m []string) string { return "nombre entier attendu, trouvé « " + m[1] + " »" }},
	{regexp.MustCompile(`^invalid YAML: (.*)$`), func(m []string) string { return "YAML illisible : " + m[1] }},
	{regexp.MustCompile(`^file larger than (\d+) KiB`), func(m []string) string {
		return "fichier de plus de " + m[1] + " Kio : ce n'est pas une définition de chaîne"
	}},
}

// frenchDefMessage returns the French form of a checker message, and
// false when it has none.
func frenchDefMessage(msg string) (string, bool) {
	msg = strings.TrimSpace(msg)
	for _, d := range defMessages {
		if m := d.re.FindStringSubmatch(msg); m != nil {
			return d.fr(m), true
		}
	}
	return msg, false
}
