package yamldef

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// The problems this package reports are read by data stewards: they are
// written in French, with the key names and values as written in the file
// between « and ».

// msgExpected says what kind of value was expected at a node and what the
// file holds instead: "il faut ici une liste, pas « foo »".
func msgExpected(want string, n *yaml.Node) string {
	return fmt.Sprintf("il faut ici %s, pas %s", want, kindName(n))
}

func msgDuplicateKey(key string) string {
	return fmt.Sprintf("clé « %s » écrite deux fois", key)
}

// kindName names what a node holds, in French.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "une table de clés"
	case yaml.SequenceNode:
		return "une liste"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "une valeur vide"
		}
		return "« " + n.Value + " »"
	}
	return "un élément inattendu"
}

// typeName names a Go scalar type as a steward knows it.
func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "un texte"
	case reflect.Bool:
		return "true ou false"
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "un nombre entier"
	case reflect.Float64:
		return "un nombre"
	}
	return "une valeur de type " + t.String()
}

// Suggest returns " — vouliez-vous dire « X » ?" for a near miss of one of
// allowed (edit distance under 3), else the list of allowed values. It is
// meant to follow a message that quotes the unknown value.
func Suggest(got string, allowed []string) string {
	best, bestD := "", 3
	for _, a := range allowed {
		if dist := EditDistance(got, a); dist < bestD {
			best, bestD = a, dist
		}
	}
	if best != "" {
		return " — vouliez-vous dire « " + best + " » ?"
	}
	sorted := append([]string(nil), allowed...)
	sort.Strings(sorted)
	return " (possibles : " + strings.Join(sorted, ", ") + ")"
}

// yamlSyntaxFR translates the most frequent yaml.v3 syntax messages; any
// other is kept as the technical detail behind a French sentence.
func yamlSyntaxFR(msg string) string {
	for _, t := range yamlSyntax {
		if strings.Contains(msg, t.en) {
			return t.fr
		}
	}
	return "syntaxe incorrecte (détail technique : " + msg + ")"
}

var yamlSyntax = []struct{ en, fr string }{
	{"found character that cannot start any token", "caractère inattendu (une tabulation, ou un caractère spécial comme @ ou ` en début de valeur : mettre la valeur entre guillemets)"},
	{"mapping values are not allowed in this context", "deux-points inattendu (une valeur contenant « : » doit être entre guillemets, ou l'indentation est décalée)"},
	{"did not find expected key", "indentation incohérente : une clé était attendue à ce niveau"},
	{"could not find expected ':'", "« : » attendu après la clé"},
	{"did not find expected '-' indicator", "élément de liste attendu (ligne commençant par « - ») : vérifier l'indentation"},
	{"found unexpected end of stream", "fin de fichier inattendue (guillemet ou crochet non fermé ?)"},
	{"found a tab character", "tabulation dans l'indentation : indenter avec des espaces"},
	{"found undefined alias", "alias (*nom) qui ne renvoie à aucune ancre (&nom)"},
	{"did not find expected node content", "valeur attendue après ce signe"},
	{"found unknown escape character", "séquence d'échappement inconnue entre guillemets doubles (écrire \\\\ pour une barre oblique inverse)"},
	{"did not find expected ',' or ']'", "« , » ou « ] » attendu dans la liste entre crochets"},
	{"did not find expected ',' or '}'", "« , » ou « } » attendu dans la table entre accolades"},
}
