package indicators

import (
	"errors"
	"strings"
	"testing"
)

func TestLintAcceptsAGoodQuery(t *testing.T) {
	l := &Loader{Inputs: fixtureInputs(t), Prepare: true, Prelude: fixturePrelude}
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
	l := &Loader{Inputs: fixtureInputs(t), Prepare: true, Prelude: fixturePrelude}
	_, err := l.LoadAll(fsys)
	var des DefErrors
	if !errors.As(err, &des) {
		t.Fatalf("got %v, want DefErrors", err)
	}
	got := err.Error()
	for _, want := range []string{
		`faute-de-frappe.sql:2:22: Parser Error: syntax error at or near "lieux"`,
		`colonne-inconnue.sql:3:10: Binder Error: Referenced column "departement" not found in FROM clause!`,
		"colonnes.sql:1:1: la requête renvoie les colonnes (niveau, code, valeur), le schéma déclare (niveau, code, libelle, valeur) dans cet ordre",
		`condition.yaml:23:42: audits[3].where: Binder Error: Referenced column "nivo" not found`,
		"entree.yaml:10:14: inputs.datasets[0]: aucun pipeline ne publie le jeu de données « lieus » — vouliez-vous dire « lieux » ?",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "lieux-par-departement") {
		t.Errorf("the good indicator is reported:\n%s", got)
	}
}

// fixturePrelude is the prelude of the lint tests: a macro over the fixture
// dataset communes (the embedded prelude reads the region's reference
// table, which the fixtures do not have).
var fixturePrelude = &Prelude{File: PreludeFile, SQL: "-- fixture\nCREATE MACRO deux() AS 2;\n" +
	"CREATE MACRO departements() AS TABLE\n    SELECT DISTINCT code_departement FROM communes;\n"}

// TestLintReportsPreludeErrors: an error in the prelude is reported with
// its line and column in the prelude file, counted from the top of the
// file, not of the statement.
func TestLintReportsPreludeErrors(t *testing.T) {
	p := &Prelude{File: PreludeFile, SQL: fixturePrelude.SQL + "\n-- a broken macro\nCREATE MACRO trois() AS\n    (3 + );\n"}
	l := &Loader{Inputs: fixtureInputs(t), Prepare: true, Prelude: p}
	_, err := l.LoadAll(fixtureDefs(nil))
	// Line 8 of the prelude (4 lines of fixturePrelude, a blank line, the
	// comment, CREATE, then "    (3 + );"): "    (3 + " is 9 characters,
	// DuckDB stops at ")", column 10.
	if err == nil || !strings.Contains(err.Error(), `_prelude.sql:8:10: Parser Error: syntax error at or near ")"`) {
		t.Fatalf("got %v", err)
	}
}

// TestPreludeStatements: statements end with ";" at the end of a line;
// comment-only chunks are dropped; each statement knows its first line.
func TestPreludeStatements(t *testing.T) {
	p := &Prelude{SQL: "-- head\n\nCREATE MACRO a() AS 1;\n-- b; not the end\nCREATE MACRO b() AS\n  ';' ;  \n-- tail\nSELECT 3"}
	got := p.statements()
	want := []preludeStatement{
		{1, "-- head\n\nCREATE MACRO a() AS 1;"},
		{4, "-- b; not the end\nCREATE MACRO b() AS\n  ';' ;  "},
		{7, "-- tail\nSELECT 3"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("statement %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
