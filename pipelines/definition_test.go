package pipelines

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/connectors/file"
)

func testLoader(env map[string]string) *Loader {
	return &Loader{
		Registry: connectors.NewRegistry(file.Kind),
		LookupEnv: func(k string) (string, bool) {
			v, ok := env[k]
			return v, ok
		},
	}
}

const goodDef = `id: good
title: Lieux
description: Des lieux.
publisher: Région Pays de la Loire
licence: etalab-2.0
source_licence: etalab-2.0
schedule: "30 4 * * *"
source:
  kind: file
  url: ${SRC_URL:-https://example.org/lieux.csv}
schema: lieux-mediation-numerique
`

func TestLoadGood(t *testing.T) {
	fsys := fstest.MapFS{"good.yaml": {Data: []byte(goodDef)}}
	def, err := testLoader(nil).Load(fsys, "good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if def.Dataset != "good" {
		t.Errorf("dataset defaults to the id, got %q", def.Dataset)
	}
	if def.SourceURL != "https://example.org/lieux.csv" {
		t.Errorf("default of ${SRC_URL:-…} not applied: %q", def.SourceURL)
	}
	if cfg := def.SourceConfig.(*file.Config); cfg.Format != "csv" || cfg.URL != def.SourceURL {
		t.Errorf("source config not decoded with its defaults: %+v", cfg)
	}
	if len(def.Order) != len(def.TableSchema.Fields) {
		t.Errorf("without fields:, every schema field maps from its own name; got %d of %d", len(def.Order), len(def.TableSchema.Fields))
	}
	if def.Cron == nil || def.Digest == "" {
		t.Error("schedule and digest not resolved")
	}

	def, err = testLoader(map[string]string{"SRC_URL": "https://other.example/x.csv"}).Load(fsys, "good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if def.SourceURL != "https://other.example/x.csv" {
		t.Errorf("environment not expanded: %q", def.SourceURL)
	}
}

func TestLoadReportsEveryProblemWithPosition(t *testing.T) {
	tests := []struct {
		name string
		file string
		text string
		want []string // each must appear, in this order
	}{{
		name: "two unknown keys",
		file: "two.yaml",
		text: strings.Replace(strings.Replace(goodDef, "id: good", "id: two", 1), "  url:", "  ulr:", 1) + "shedule: daily\n",
		want: []string{
			"two.yaml:10:3: source.ulr: clé inconnue « ulr » — vouliez-vous dire « url » ?",
			"two.yaml:12:1: shedule: clé inconnue « shedule » — vouliez-vous dire « schedule » ?",
		},
	}, {
		name: "bad values",
		file: "vals.yaml",
		text: `id: Vals
title: x
description: y
publisher: p
licence: etalab-2.0
source_licence: cc-by-nc-sa-4.0
schedule: "every day"
timeout: soon
source:
  kind: ftp
schema: no-such-schema
`,
		want: []string{
			"vals.yaml:1:5: id: doit être le nom du fichier, « vals »",
			"vals.yaml:5:10: licence: la source est sous cc-by-nc-sa-4.0 (partage à l'identique) : elle ne peut être republiée que sous la même licence",
			"vals.yaml:7:11: schedule: expression cron invalide « every day » (format : minute heure jour mois jour-de-semaine",
			"vals.yaml:8:10: timeout: durée invalide « soon » (exemples : 30s, 5m, 1h30m)",
			"vals.yaml:10:9: source.kind: unknown connector kind \"ftp\" (known: file)",
			"vals.yaml:11:9: schema:",
		},
	}, {
		name: "missing required keys and unset variable",
		file: "req.yaml",
		text: "id: req\ntitle: x\nsource:\n  kind: file\n  url: ${NOPE}\n",
		want: []string{
			"req.yaml:1:1: description: valeur manquante pour « description » (clé obligatoire)",
			"req.yaml:5:8: source.url: la variable d'environnement NOPE n'est pas définie (écrire ${NOPE:-valeur} pour donner une valeur par défaut)",
		},
	}, {
		name: "connector validation",
		file: "conn.yaml",
		text: strings.Replace(strings.Replace(goodDef, "id: good", "id: conn", 1), "  url: ${SRC_URL:-https://example.org/lieux.csv}", "  url: ftp://x\n  format: xml", 1),
		want: []string{
			"conn.yaml:10:8: source.url: \"ftp://x\" is not an http(s) URL",
			"conn.yaml:11:11: source.format: must be csv or json",
		},
	}, {
		name: "mapping errors",
		file: "maps.yaml",
		text: strings.Replace(goodDef, "id: good", "id: maps", 1) + `fields:
  nom: {from: titre, transform: [strip_html, shout]}
  pas_un_champ: {from: x}
  commune: {regex: "(", from: c}
`,
		want: []string{
			"maps.yaml:13:46: fields.nom.transform[1]: transformation inconnue « shout » (connues : ",
			"maps.yaml:14:3: fields.pas_un_champ: aucun champ de ce nom dans le schéma",
			"maps.yaml:15:20: fields.commune.regex: expression régulière invalide (détail technique : ",
		},
	}, {
		name: "invalid yaml",
		file: "syn.yaml",
		text: "id: syn\ntitle: [unclosed\n",
		want: []string{"syn.yaml:1:1: YAML invalide : « , » ou « ] » attendu dans la liste entre crochets"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{tt.file: {Data: []byte(tt.text)}}
			_, err := testLoader(nil).Load(fsys, tt.file)
			var des DefErrors
			if !errors.As(err, &des) {
				t.Fatalf("want DefErrors, got %v", err)
			}
			got := des.Error()
			pos := 0
			for _, w := range tt.want {
				i := strings.Index(got[pos:], w)
				if i < 0 {
					t.Fatalf("missing or out of order %q in:\n%s", w, got)
				}
				pos += i + len(w)
			}
		})
	}
}

func TestLoadAllCollectsAcrossFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"a.yaml": {Data: []byte(strings.Replace(goodDef, "id: good", "id: a", 1) + "bogus: 1\n")},
		"b.yaml": {Data: []byte(strings.Replace(goodDef, "id: good", "id: b", 1) + "other: 2\n")},
		"c.yaml": {Data: []byte(strings.Replace(goodDef, "id: good", "id: c", 1))},
	}
	defs, err := testLoader(nil).LoadAll(fsys)
	var des DefErrors
	if !errors.As(err, &des) || len(des) != 2 {
		t.Fatalf("want 2 errors from 2 files, got %v", err)
	}
	// The broken files stop only themselves.
	if len(defs) != 1 || defs[0].ID != "c" {
		t.Errorf("definitions loaded beside the broken ones: %v, want c alone", defs)
	}
	if des[0].File != "a.yaml" || des[1].File != "b.yaml" {
		t.Errorf("errors not sorted by file: %v", des)
	}

	fsys["d.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(goodDef, "id: good", "id: d\ndataset: c", 1))}
	delete(fsys, "a.yaml")
	delete(fsys, "b.yaml")
	if _, err := testLoader(nil).LoadAll(fsys); err == nil || !strings.Contains(err.Error(), `dataset: le jeu de données « c » est déjà publié par c.yaml`) {
		t.Errorf("two pipelines publishing one dataset: got %v", err)
	}
}

func TestEmbeddedDefinitionsLoad(t *testing.T) {
	l := &Loader{Registry: registryForTests()}
	defs, err := l.LoadAll(Embedded)
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) == 0 {
		t.Fatal("no embedded definition")
	}
}

func mapFS(name, text string) fstest.MapFS {
	return fstest.MapFS{name: {Data: []byte(text)}}
}

// The digest is taken after ${VAR} expansion: the same file pointed at
// another server through the environment is a changed definition (else
// the next incremental run would merge two servers' data); the same
// environment gives the same digest.
func TestDigestFollowsTheEnvironment(t *testing.T) {
	fsys := fstest.MapFS{"good.yaml": {Data: []byte(goodDef)}}
	digest := func(env map[string]string) string {
		t.Helper()
		def, err := testLoader(env).Load(fsys, "good.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return def.Digest
	}
	def := digest(nil)
	a := digest(map[string]string{"SRC_URL": "https://a.example/x.csv"})
	b := digest(map[string]string{"SRC_URL": "https://b.example/x.csv"})
	if a == b || a == def {
		t.Errorf("digest does not follow SRC_URL: default %s, a %s, b %s", def, a, b)
	}
	if again := digest(map[string]string{"SRC_URL": "https://a.example/x.csv"}); again != a {
		t.Errorf("same environment, digest %s then %s", a, again)
	}
	if explicit := digest(map[string]string{"SRC_URL": "https://example.org/lieux.csv"}); explicit != def {
		t.Errorf("the default written out gives another digest: %s vs %s", explicit, def)
	}
}

// A relative schema path is read from the definitions' folder, whatever
// the working directory.
func TestSchemaPathRelativeToTheDefinitions(t *testing.T) {
	def := strings.Replace(goodDef, "schema: lieux-mediation-numerique", "schema: schemas/mini.json", 1)
	fsys := fstest.MapFS{
		"good.yaml":         {Data: []byte(def)},
		"schemas/mini.json": {Data: []byte(`{"fields": [{"name": "id"}, {"name": "nom"}]}`)},
	}
	d, err := testLoader(nil).Load(fsys, "good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.TableSchema.Fields); n != 2 || d.TableSchema.Fields[1].Name != "nom" {
		t.Errorf("schema read: %d fields", n)
	}
	delete(fsys, "schemas/mini.json")
	if _, err := testLoader(nil).Load(fsys, "good.yaml"); err == nil || !strings.Contains(err.Error(), "schemas/mini.json") {
		t.Errorf("missing schema file: %v", err)
	}
}
