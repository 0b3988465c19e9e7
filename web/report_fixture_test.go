package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

// The report fixture: one input dataset, the reference table of communes
// and three indicators published with the release machinery of package
// output, as the engine publishes them.
const (
	repInput        = "lieux-test"
	repInputRelease = "20261201T040000Z-a1a1"
	repRefRelease   = "20261201T030000Z-c0c0"
	repIndRelease   = "20261201T050000Z-e1e1"
	repLieux        = "lieux-par-territoire"
	repRural        = "part-lieux-ruraux"
	repPubs         = "publications-par-annee"
	repUnpublished  = "offres-par-categorie"
	repEPCI         = "244400404"
	repEPCI2        = "244400537"
	// ruralGrid and ruralSubstitute are the two definitions the fixture's
	// reference table states (one per row kind).
	ruralGrid       = "Grille communale de densité de l'INSEE (2024) : communes peu denses ou très peu denses."
	ruralSubstitute = "Substitut : commune de moins de 2 000 habitants (population municipale 2023, INSEE)."
	// repSQLLieux has characters HTML must escape.
	repSQLLieux = "SELECT niveau, code, libelle, dimension, valeur\nFROM lieux_test\nWHERE type <> '' AND note < 3 -- \"<script>\"\nORDER BY niveau, code, dimension\n"
)

// repComputed is when the fixture's indicators were computed:
// 1 December 2026, 05:00 UTC = 06:00 in Paris.
var repComputed = time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC)

var repDefs = fstest.MapFS{
	repLieux + ".yaml": {Data: []byte(`id: lieux-par-territoire
title: Lieux de médiation numérique
theme: acces-numerique
unit: lieux
definition: Nombre de lieux de médiation numérique par territoire et par type.
method: >
  Chaque lieu est compté une fois dans sa commune.

  Les lieux sans code INSEE sont écartés.
granularity: [commune, epci, departement, region]
period: état à la date de publication
inputs:
  datasets: [lieux-test]
  references: [communes-pays-de-la-loire]
schema:
  fields:
    - {name: niveau, type: string}
    - {name: code, type: string}
    - {name: libelle, type: string}
    - {name: dimension, type: string}
    - {name: valeur, type: number}
  primaryKey: [niveau, code, dimension]
audits:
  - {check: not_null, fields: [niveau, code, valeur]}
  - {check: range, field: valeur, min: 0}
`)},
	repLieux + ".sql": {Data: []byte(repSQLLieux)},
	repRural + ".yaml": {Data: []byte(`id: part-lieux-ruraux
title: Part des lieux en commune rurale
theme: acces-numerique
unit: "%"
definition: Part des lieux de médiation numérique situés dans une commune rurale.
method: Lieux des communes rurales divisés par l'ensemble des lieux.
granularity: [departement, region]
inputs:
  datasets: [lieux-test]
  references: [communes-pays-de-la-loire]
schema:
  fields:
    - {name: niveau, type: string}
    - {name: code, type: string}
    - {name: libelle, type: string}
    - {name: valeur, type: number}
    - {name: numerateur, type: integer}
    - {name: denominateur, type: integer}
  primaryKey: [niveau, code]
audits:
  - {check: share, field: valeur}
`)},
	repRural + ".sql": {Data: []byte("SELECT niveau, code, libelle, avg(rural::INT) AS valeur FROM lieux_test JOIN communes_pays_de_la_loire USING (code_insee) GROUP BY ALL ORDER BY niveau, code\n")},
	repPubs + ".yaml": {Data: []byte(`id: publications-par-annee
title: Publications par année
theme: enseignement-superieur-recherche
unit: publications
definition: Nombre de publications déposées dans HAL par année.
method: Publications comptées par année de production.
granularity: [region]
period: annuelle
inputs:
  datasets: [lieux-test]
schema:
  fields:
    - {name: niveau, type: string}
    - {name: code, type: string}
    - {name: libelle, type: string}
    - {name: periode, type: string}
    - {name: dimension, type: string}
    - {name: valeur, type: number}
  primaryKey: [niveau, code, periode, dimension]
`)},
	repPubs + ".sql": {Data: []byte("SELECT 'region' AS niveau FROM lieux_test ORDER BY 1\n")},
	repUnpublished + ".yaml": {Data: []byte(`id: offres-par-categorie
title: Offres touristiques par catégorie
theme: tourisme
unit: offres
definition: Nombre d'offres touristiques par catégorie.
method: Offres comptées par catégorie e-SPRIT.
granularity: [departement, region]
inputs:
  datasets: [lieux-test]
schema:
  fields:
    - {name: niveau, type: string}
    - {name: code, type: string}
    - {name: libelle, type: string}
    - {name: valeur, type: number}
  primaryKey: [niveau, code]
`)},
	repUnpublished + ".sql": {Data: []byte("SELECT 1 ORDER BY 1\n")},
}

// repRows are the published rows of each indicator (in primary-key order).
var repRows = map[string][][]schemas.Value{
	// Départements: 30 + 15 + 5 + 6 + 4 = 60 = the région; the EPCI of 44:
	// 25 + 5 = 30; the communes of Nantes Métropole: 20 + 5 = 25.
	repLieux: {
		{"commune", "44026", "Carquefou", "Ensemble", 5.0},
		{"commune", "44109", "Nantes", "EPN", 12.0},
		{"commune", "44109", "Nantes", "Ensemble", 20.0},
		{"departement", "44", "Loire-Atlantique", "EPN", 20.0},
		{"departement", "44", "Loire-Atlantique", "Ensemble", 30.0},
		{"departement", "44", "Loire-Atlantique", "Fablab", 10.0},
		{"departement", "49", "Maine-et-Loire", "Ensemble", 15.0},
		{"departement", "53", "Mayenne", "Ensemble", 5.0},
		{"departement", "72", "Sarthe", "Ensemble", 6.0},
		{"departement", "85", "Vendée", "Ensemble", 4.0},
		{"epci", repEPCI, "Nantes Métropole", "EPN", 17.0},
		{"epci", repEPCI, "Nantes Métropole", "Ensemble", 25.0},
		{"epci", repEPCI, "Nantes Métropole", "Fablab", 8.0},
		{"epci", repEPCI2, "CC de Nozay", "Ensemble", 5.0},
		{"region", "52", "Pays de la Loire", "EPN", 40.0},
		{"region", "52", "Pays de la Loire", "Ensemble", 60.0},
		{"region", "52", "Pays de la Loire", "Fablab", 20.0},
	},
	repRural: {
		{"departement", "44", "Loire-Atlantique", 0.2, int64(6), int64(30)},
		{"region", "52", "Pays de la Loire", 0.25, int64(15), int64(60)},
	},
	repPubs: {
		{"region", "52", "Pays de la Loire", "2021", "Ensemble", 100.0},
		{"region", "52", "Pays de la Loire", "2021", "Nantes Université", 60.0},
		{"region", "52", "Pays de la Loire", "2021", "Université d'Angers", 30.0},
		{"region", "52", "Pays de la Loire", "2022", "Ensemble", 150.0},
		{"region", "52", "Pays de la Loire", "2022", "Nantes Université", 90.0},
		{"region", "52", "Pays de la Loire", "2022", "Université d'Angers", 50.0},
		{"region", "52", "Pays de la Loire", "2023", "Ensemble", 175.0},
		{"region", "52", "Pays de la Loire", "2023", "Nantes Université", 100.0},
		{"region", "52", "Pays de la Loire", "2023", "Université d'Angers", 70.0},
	},
}

// repFixture is the published tree of the report fixture.
type repFixture struct {
	Public string
	Defs   []*indicators.Definition
	// InputSHA is the sha256 of the input release's data.parquet.
	InputSHA string
}

func mustSchema(t testing.TB, js string) *schemas.Schema {
	t.Helper()
	s, err := schemas.Parse([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// publish writes one release of id in collection c with rows and extra
// files, and returns the sha256 of its data.parquet.
func publish(t testing.TB, public string, c output.Collection, id, rel string, s *schemas.Schema, rows [][]schemas.Value, extra map[string][]byte) string {
	t.Helper()
	r, err := output.NewRelease(public, output.DatasetMeta{ID: id, Title: id, Collection: c}, s, rel, func() time.Time { return repComputed })
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if err := r.Append(row); err != nil {
			t.Fatal(err)
		}
	}
	for name, b := range extra {
		if err := r.AddFile(name, "application/json", b); err != nil {
			t.Fatal(err)
		}
	}
	p, err := r.Commit(output.Quality{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range p.Files {
		if f.Name == "data.parquet" {
			return f.SHA256
		}
	}
	t.Fatal("no data.parquet published")
	return ""
}

// writeReportFixture publishes the fixture into a new public folder.
func writeReportFixture(t testing.TB) *repFixture {
	t.Helper()
	fx := &repFixture{Public: t.TempDir()}
	defs, err := indicators.Load(repDefs)
	if err != nil {
		t.Fatal(err)
	}
	fx.Defs = defs
	fx.InputSHA = publish(t, fx.Public, output.CollectionDatasets, repInput, repInputRelease,
		mustSchema(t, `{"fields":[{"name":"id","type":"string"},{"name":"nom","type":"string"}],"primaryKey":["id"]}`),
		[][]schemas.Value{{"L1", "Médiathèque"}, {"L2", "Fablab"}}, nil)
	refSHA := publish(t, fx.Public, output.CollectionDatasets, ruralReference, repRefRelease,
		mustSchema(t, `{"fields":[{"name":"code_insee","type":"string"},{"name":"code_departement","type":"string"},{"name":"siren_epci","type":"string"},`+
			`{"name":"rural","type":"boolean"},{"name":"definition_rurale","type":"string"}],"primaryKey":["code_insee"]}`),
		[][]schemas.Value{
			{"44001", "44", repEPCI2, true, ruralGrid}, {"44026", "44", repEPCI, false, ruralGrid}, {"44109", "44", repEPCI, false, ruralGrid},
			{"53001", "53", "245300330", true, ruralSubstitute}, {"72001", "72", "247200132", true, ruralGrid},
		}, nil)
	for _, def := range defs {
		rows, ok := repRows[def.ID]
		if !ok {
			continue
		}
		sum := sha256.Sum256([]byte(def.SQL))
		p := indicators.Provenance{
			Indicator: def.ID, Release: repIndRelease, Title: def.Title, Theme: def.Theme, Unit: def.Unit,
			Definition: def.Definition, Method: def.Method, Period: def.Period,
			SQL: def.SQL, SQLSHA256: hex.EncodeToString(sum[:]), DefinitionSHA256: def.Digest,
			Inputs: []indicators.InputRelease{{
				Dataset: repInput, Release: repInputRelease, Published: repComputed.Add(-time.Hour),
				File: "data.parquet", SHA256: fx.InputSHA, URL: fileURL(repInput, repInputRelease, "data.parquet"),
			}},
			ComputedAt: repComputed, Duration: 1500 * time.Millisecond, DuckDBVersion: "v1.5.0", Rows: len(rows),
		}
		if len(def.Inputs.References) > 0 {
			p.References = []indicators.InputRelease{{
				Dataset: ruralReference, Release: repRefRelease, Published: repComputed.Add(-2 * time.Hour),
				File: "data.parquet", SHA256: refSHA, URL: fileURL(ruralReference, repRefRelease, "data.parquet"), Vintage: "2023",
			}}
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		publish(t, fx.Public, output.CollectionIndicators, def.ID, repIndRelease, def.TableSchema, rows, map[string][]byte{indicators.FileProvenance: b})
	}
	return fx
}

// newReportSite serves the fixture.
func newReportSite(t testing.TB, fx *repFixture) http.Handler {
	t.Helper()
	log, _ := testLogger(t)
	h, err := New(Options{PublicDir: fx.Public, Indicators: fx.Defs, Logger: log, Now: func() time.Time { return repComputed }})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// hrefs returns the targets of the links of class cls in html.
func hrefsOfClass(html, cls string) []string {
	var out []string
	for _, part := range strings.Split(html, `<a class="`+cls+`" href="`)[1:] {
		out = append(out, part[:strings.IndexByte(part, '"')])
	}
	return out
}
