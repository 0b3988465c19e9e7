package indicators

import (
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

// The fixture datasets: a few places ("lieux") and the communes they are
// in, with their département.
const lieuxSchemaJSON = `{"name": "lieux", "fields": [
  {"name": "id", "type": "string", "constraints": {"required": true}},
  {"name": "nom", "type": "string"},
  {"name": "code_insee", "type": "string"},
  {"name": "type", "type": "string"}
], "primaryKey": "id"}`

const communesSchemaJSON = `{"name": "communes", "fields": [
  {"name": "code_insee", "type": "string"},
  {"name": "nom", "type": "string"},
  {"name": "code_departement", "type": "string"},
  {"name": "nom_departement", "type": "string"},
  {"name": "population", "type": "integer"},
  {"name": "population_annee", "type": "integer"}
], "primaryKey": "code_insee"}`

func mustSchema(t testing.TB, js string) *schemas.Schema {
	t.Helper()
	s, err := schemas.Parse([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fixtureInputs maps the fixture datasets to their schemas.
func fixtureInputs(t testing.TB) map[string]*schemas.Schema {
	return map[string]*schemas.Schema{
		"lieux":    mustSchema(t, lieuxSchemaJSON),
		"communes": mustSchema(t, communesSchemaJSON),
	}
}

// publishFixture publishes one release of a fixture dataset with output's
// release writer, as a pipeline would.
func publishFixture(t testing.TB, public, dataset, release string, rows [][]schemas.Value) {
	t.Helper()
	s := fixtureInputs(t)[dataset]
	r, err := output.NewRelease(public, output.DatasetMeta{ID: dataset, Title: dataset}, s, release, func() time.Time {
		return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if err := r.Append(row); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Commit(output.Quality{}); err != nil {
		t.Fatal(err)
	}
}

// Five places: three in Loire-Atlantique (two in Nantes, one in
// Saint-Nazaire), two in Sarthe (Le Mans).
func lieuxRows() [][]schemas.Value {
	return [][]schemas.Value{
		{"l1", "Médiathèque", "44109", "EPN"},
		{"l2", "Fablab Nantes", "44109", "Fablab"},
		{"l3", "Espace Nazairien", "44184", "EPN"},
		{"l4", "Le Mans Numérique", "72181", "EPN"},
		{"l5", "Labo du Mans", "72181", "Fablab"},
	}
}

func communesRows() [][]schemas.Value {
	return [][]schemas.Value{
		{"44109", "Nantes", "44", "Loire-Atlantique", int64(320732), int64(2021)},
		{"44184", "Saint-Nazaire", "44", "Loire-Atlantique", int64(72299), int64(2021)},
		{"72181", "Le Mans", "72", "Sarthe", int64(145004), int64(2021)},
	}
}
