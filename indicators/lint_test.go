package indicators

import (
	"errors"
	"strings"
	"testing"
)

func TestLintAcceptsAGoodQuery(t *testing.T) {
	l := &Loader{Inputs: fixtureInputs(t), Prepare: true}
	if _, err := l.LoadAll(fixtureDefs(nil)); err != nil {
		t.Fatal(err)
	}
}

// TestLintReportsBrokenQueries breaks queries in several ways; every
// problem, of every file, comes back at once with its position in the
// .sql (or .yaml) file.
func TestLintReportsBrokenQueries(t *testing.T) {
	yamlFor := func(id string) string {
		return strings.Replace(lieuxYAML, "id: lieux-par-departement", "id: "+id, 1)
	}
	fsys := fixtureDefs(map[string]string{
		// "FORM" for "FROM": DuckDB stops at "lieux", line 2, column 22
		// (7 spaces, "count(*) " 9 characters, "FORM " 5: 21 before it).
		"faute-de-frappe.yaml": yamlFor("faute-de-frappe"),
		"faute-de-frappe.sql":  "SELECT 'region' AS niveau, '52' AS code, 'Pays de la Loire' AS libelle,\n       count(*) FORM lieux\n",
		// An unknown column on line 3: "GROUP BY " is 9 characters.
		"colonne-inconnue.yaml": yamlFor("colonne-inconnue"),
		"colonne-inconnue.sql":  "SELECT 'departement' AS niveau, code_departement AS code,\n  nom_departement AS libelle, count(*)::DOUBLE AS valeur FROM communes\nGROUP BY departement\n",
		// Prepares, but its columns are not the schema's.
		"colonnes.yaml": yamlFor("colonnes"),
		"colonnes.sql":  "SELECT 'region' AS niveau, '52' AS code, count(*) AS valeur FROM lieux",
		// A bad audit condition: line 23 of the YAML, its value at column
		// 42 ("  - {" 5, "check: total, " 14, "field: valeur, " 15, "where: " 7).
		"condition.yaml": strings.Replace(yamlFor("condition"), `where: "niveau = 'departement'"`, `where: "nivo = 'departement'"`, 1),
		"condition.sql":  lieuxSQL,
		// An input no pipeline publishes: line 10, "  datasets: [" is 13
		// characters.
		"entree.yaml": strings.Replace(yamlFor("entree"), "datasets: [lieux]", "datasets: [lieus]", 1),
		"entree.sql":  lieuxSQL,
	})
	l := &Loader{Inputs: fixtureInputs(t), Prepare: true}
	_, err := l.LoadAll(fsys)
	var des DefErrors
	if !errors.As(err, &des) {
		t.Fatalf("got %v, want DefErrors", err)
	}
	got := err.Error()
	for _, want := range []string{
		`faute-de-frappe.sql:2:22: Parser Error: syntax error at or near "lieux"`,
		`colonne-inconnue.sql:3:10: Binder Error: Referenced column "departement" not found in FROM clause!`,
		`colonnes.sql:1:1: the query returns the columns (niveau, code, valeur), the schema declares (niveau, code, libelle, valeur) in this order`,
		`condition.yaml:23:42: audits[3].where: Binder Error: Referenced column "nivo" not found`,
		`entree.yaml:10:14: inputs.datasets[0]: no pipeline publishes dataset "lieus" (did you mean "lieux"?)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "lieux-par-departement") {
		t.Errorf("the good indicator is reported:\n%s", got)
	}
}
