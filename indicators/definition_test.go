package indicators

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// lieuxYAML is a small indicator over the fixture dataset "lieux": places
// counted by département.
const lieuxYAML = `id: lieux-par-departement
title: Lieux par département
theme: acces-numerique
unit: lieux
definition: Nombre de lieux par département.
method: Compte des lieux de la table consolidée, rattachés à leur département par la commune.
granularity: [departement, region]
period: état à la date de publication
inputs:
  datasets: [lieux]
  references: [communes]
schema:
  fields:
    - {name: niveau, type: string}
    - {name: code, type: string}
    - {name: libelle, type: string}
    - {name: valeur, type: number}
  primaryKey: [niveau, code]
audits:
  - {check: not_null, fields: [niveau, code, valeur]}
  - {check: unique, fields: [niveau, code]}
  - {check: range, field: valeur, min: 0}
  - {check: total, field: valeur, where: "niveau = 'departement'", equals_count_of: lieux}
`

const lieuxSQL = `SELECT 'departement' AS niveau, c.code_departement AS code, c.nom_departement AS libelle,
       count(*)::DOUBLE AS valeur
FROM lieux l JOIN communes c ON c.code_insee = l.code_insee
GROUP BY ALL
UNION ALL
SELECT 'region', '52', 'Pays de la Loire', count(*)::DOUBLE FROM lieux
ORDER BY niveau, code
`

// populationYAML sums the population of the fixture communes by
// département; it reads only "communes".
const populationYAML = `id: population-par-departement
title: Population par département
theme: acces-numerique
unit: habitants
definition: Population municipale par département.
method: Somme des populations des communes.
granularity: [departement, region]
inputs:
  references: [communes]
schema:
  fields:
    - {name: niveau, type: string, constraints: {required: true}}
    - {name: code, type: string}
    - {name: libelle, type: string}
    - {name: valeur, type: number}
    - {name: annee, type: integer}
  primaryKey: [niveau, code]
audits:
  - {check: range, field: valeur, min: 0}
`

const populationSQL = `SELECT 'departement' AS niveau, code_departement AS code, nom_departement AS libelle,
       sum(population) AS valeur, max(population_annee) AS annee
FROM communes GROUP BY ALL
UNION ALL
SELECT 'region', '52', 'Pays de la Loire', sum(population), max(population_annee) FROM communes
ORDER BY niveau, code;
`

func fixtureDefs(extra map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		"lieux-par-departement.yaml":      {Data: []byte(lieuxYAML)},
		"lieux-par-departement.sql":       {Data: []byte(lieuxSQL)},
		"population-par-departement.yaml": {Data: []byte(populationYAML)},
		"population-par-departement.sql":  {Data: []byte(populationSQL)},
	}
	for name, text := range extra {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

func TestLoadValid(t *testing.T) {
	defs, err := Load(fixtureDefs(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) != 2 {
		t.Fatalf("got %d definitions, want 2", len(defs))
	}
	d := defs[0]
	if d.ID != "lieux-par-departement" || d.SQL != lieuxSQL || d.TableSchema == nil || len(d.Audits) != 4 {
		t.Fatalf("unexpected definition %+v", d)
	}
	if got := d.TableSchema.PrimaryKey; strings.Join(got, ",") != "niveau,code" {
		t.Errorf("primary key %v", got)
	}
	if *d.Audits[2].Min != 0 || !slices.Equal(d.Audits[3].EqualsCountOf, []string{"lieux"}) {
		t.Errorf("audits %+v", d.Audits)
	}
	if len(d.Digest) != 64 {
		t.Errorf("digest %q", d.Digest)
	}
}

// TestLoadReportsEveryProblem breaks one file in several ways and expects
// every problem at once, each with its position (the unique audit is on
// line 22: "  - {check: " puts its value at column 13).
func TestLoadReportsEveryProblem(t *testing.T) {
	bad := strings.NewReplacer(
		"theme: acces-numerique", "theme: acces-numeriqe",
		"granularity: [departement, region]", "granularity: [departement, pays]",
		"unit: lieux", "unit: lieux\nunite: x",
		"{check: unique, fields: [niveau, code]}", "{check: uniq, fields: [niveau]}",
	).Replace(lieuxYAML)
	fsys := fixtureDefs(map[string]string{
		"cassé.yaml": strings.Replace(bad, "id: lieux-par-departement", "id: cassé", 1),
	})
	l := &Loader{Inputs: nil}
	_, err := l.LoadAll(fsys)
	var des DefErrors
	if !errors.As(err, &des) {
		t.Fatalf("got %v, want DefErrors", err)
	}
	want := []string{
		"cassé.yaml:1:5: id: doit être en minuscules, chiffres et tirets simples (par exemple « lieux-par-departement »)",
		"cassé.yaml:3:8: theme: thème inconnu « acces-numeriqe » — vouliez-vous dire « acces-numerique » ?",
		"cassé.yaml:5:1: unite: clé inconnue « unite » — vouliez-vous dire « unit » ?",
		"cassé.yaml:8:28: granularity[1]: niveau inconnu « pays »",
		"cassé.yaml:22:13: audits[1].check: contrôle inconnu « uniq » — vouliez-vous dire « unique » ?",
		"cassé.yaml:1:1: la requête cassé.sql est absente : chaque indicateur a un fichier <id>.yaml et un fichier <id>.sql",
	}
	got := err.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
}
