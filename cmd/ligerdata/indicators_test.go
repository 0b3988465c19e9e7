package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stewardDefs writes a steward's folder: one pipeline reading a local CSV
// of communes and one indicator over it, summing the population by
// département.
func stewardDefs(t *testing.T, csv string) string {
	t.Helper()
	dir := t.TempDir()
	schema := `{"fields": [
  {"name": "code_insee", "type": "string", "constraints": {"required": true}},
  {"name": "code_departement", "type": "string"},
  {"name": "population", "type": "integer"}
], "primaryKey": "code_insee"}`
	files := map[string]string{
		"communes.json": schema,
		"communes.csv":  csv,
		"communes-test.yaml": `id: communes-test
title: Communes de test
description: Trois communes.
publisher: Région Pays de la Loire
licence: etalab-2.0
source_licence: etalab-2.0
source:
  kind: file
  path: communes.csv
schema: ` + filepath.Join(dir, "communes.json") + `
gates: {max_row_drop: 1}
`,
		"indicators/population-test.yaml": `id: population-test
title: Population par département
theme: acces-numerique
unit: habitants
definition: Population par département.
method: Somme des populations des communes.
granularity: [departement]
inputs:
  datasets: [communes-test]
schema:
  fields:
    - {name: niveau, type: string}
    - {name: code, type: string}
    - {name: libelle, type: string}
    - {name: valeur, type: number}
  primaryKey: [niveau, code]
audits:
  - {check: range, field: valeur, min: 0}
`,
		"indicators/population-test.sql": `SELECT 'departement' AS niveau, code_departement AS code, 'Département ' || code_departement AS libelle,
       sum(population)::DOUBLE AS valeur
FROM communes_test
GROUP BY ALL
ORDER BY niveau, code
`,
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type runResult struct {
	Pipelines  []struct{ Pipeline, Outcome string }
	Indicators []struct {
		Indicator, Outcome, Release, Error string
		Audits                             []struct {
			Label  string
			Passed bool
		}
	}
}

func TestRunThenIndicators(t *testing.T) {
	// 44: 100 + 50 = 150; 72: 30.
	dir := stewardDefs(t, "code_insee,code_departement,population\n44001,44,100\n44002,44,50\n72001,72,30\n")
	store := t.TempDir()
	code, out, errs := runCmd(t, "run", "--all", "--defs", dir, "--store", store, "--json")
	if code != exitOK {
		t.Fatalf("run: exit %d\n%s", code, errs)
	}
	var res runResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Indicators) != 1 || res.Indicators[0].Indicator != "population-test" || res.Indicators[0].Outcome != "computed" {
		t.Fatalf("indicators %+v", res.Indicators)
	}
	first := res.Indicators[0].Release
	csv, err := os.ReadFile(filepath.Join(store, "public", "indicators", "population-test", "latest", "data.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := "niveau,code,libelle,valeur\ndepartement,44,Département 44,150\ndepartement,72,Département 72,30\n"
	if string(csv) != want {
		t.Errorf("data.csv:\n%s\nwant:\n%s", csv, want)
	}

	// On their own, with nothing changed: unchanged.
	code, out, errs = runCmd(t, "indicators", "--defs", dir, "--store", store)
	if code != exitOK || !strings.Contains(out, "population-test") || !strings.Contains(out, "inchangé") {
		t.Errorf("indicators: exit %d\n%s%s", code, out, errs)
	}

	// A negative population breaks the range audit: exit 3, the previous
	// release stays.
	if err := os.WriteFile(filepath.Join(dir, "communes.csv"), []byte("code_insee,code_departement,population\n44001,44,100\n44002,44,50\n72001,72,-30\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runCmd(t, "run", "--all", "--defs", dir, "--store", store, "--json")
	if code != exitBlocked {
		t.Fatalf("run after a bad source: exit %d, want %d\n%s", code, exitBlocked, errs)
	}
	res = runResult{}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	m := res.Indicators[0]
	if m.Outcome != "audit_failed" || !strings.Contains(m.Error, "valeur au moins 0 : 1 ligne hors de l'intervalle") {
		t.Errorf("indicator run %+v", m)
	}
	if target, _ := os.Readlink(filepath.Join(store, "public", "indicators", "population-test", "latest")); target != first {
		t.Errorf("latest -> %s, want the previous release %s", target, first)
	}
}

func TestLintReportsIndicatorQuery(t *testing.T) {
	dir := stewardDefs(t, "code_insee,code_departement,population\n44001,44,100\n")
	// "FROM" misspelt on line 3.
	bad := "SELECT 'departement' AS niveau, code_departement AS code, '' AS libelle,\n       sum(population)::DOUBLE AS valeur\nFRM communes_test GROUP BY ALL\n"
	if err := os.WriteFile(filepath.Join(dir, "indicators", "population-test.sql"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCmd(t, "lint", "--defs", dir)
	if code != exitUsage {
		t.Fatalf("exit %d, want %d\n%s", code, exitUsage, errs)
	}
	// After "AS valeur", DuckDB stops at the first word of line 3.
	want := filepath.Join(dir, "indicators", "population-test.sql") + `:3:1: Parser Error: syntax error at or near "FRM"`
	if !strings.Contains(errs, want) {
		t.Errorf("lint output lacks %q:\n%s", want, errs)
	}
}
