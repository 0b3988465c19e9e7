package yamldef

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

type testSource struct {
	URL     string `yaml:"url,required"`
	Retries int    `yaml:"retries"`
}

type testDef struct {
	Schedule string        `yaml:"schedule,required"`
	Timeout  time.Duration `yaml:"timeout"`
	Public   bool          `yaml:"public"`
	Share    float64       `yaml:"share"`
	Keywords []string      `yaml:"keywords"`
	Source   testSource    `yaml:"source"`
}

// decodeTest decodes data into a testDef and returns its problems, one a line.
func decodeTest(t *testing.T, data string) string {
	t.Helper()
	root, err := Parse("def.yaml", []byte(data))
	if err != nil {
		return err.Error()
	}
	d := &Decoder{File: "def.yaml", LookupEnv: func(string) (string, bool) { return "", false }}
	var def testDef
	d.Decode(root, "", reflect.ValueOf(&def).Elem())
	return d.Errs.Error()
}

func TestMessagesInFrench(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"unknown key with a near miss": {
			"shedule: x\n",
			"def.yaml:1:1: shedule: clé inconnue « shedule » — vouliez-vous dire « schedule » ?\n" +
				"def.yaml:1:1: schedule: valeur manquante pour « schedule » (clé obligatoire)",
		},
		"unknown key far from any": {
			"schedule: x\nzzz: 1\n",
			"def.yaml:2:1: zzz: clé inconnue « zzz » (possibles : keywords, public, schedule, share, source, timeout)",
		},
		"nested required key": {
			"schedule: x\nsource:\n  retries: 2\n",
			"def.yaml:3:3: source.url: valeur manquante pour « url » (clé obligatoire)",
		},
		"duplicate key": {
			"schedule: x\nschedule: y\n",
			"def.yaml:2:1: schedule: clé « schedule » écrite deux fois",
		},
		"bad scalars": {
			"schedule: x\ntimeout: bientôt\npublic: oui\nshare: 0,5\nsource:\n  url: u\n  retries: trois\n",
			"def.yaml:2:10: timeout: durée invalide « bientôt » (exemples : 30s, 5m, 1h30m)\n" +
				"def.yaml:3:9: public: true ou false attendu, trouvé « oui »\n" +
				"def.yaml:4:8: share: nombre attendu, trouvé « 0,5 »\n" +
				"def.yaml:7:12: source.retries: nombre entier attendu, trouvé « trois »",
		},
		"wrong kinds": {
			"schedule: [a]\nkeywords: {a: b}\nsource: url\n",
			"def.yaml:1:11: schedule: il faut ici un texte, pas une liste\n" +
				"def.yaml:2:11: keywords: il faut ici une liste, pas une table de clés\n" +
				"def.yaml:3:9: source: il faut ici une table de clés, pas « url »",
		},
		"unset environment variable": {
			"schedule: x\nsource:\n  url: ${HOTE}/api\n",
			"def.yaml:3:8: source.url: la variable d'environnement HOTE n'est pas définie (écrire ${HOTE:-valeur} pour donner une valeur par défaut)",
		},
		"syntax error": {
			"schedule: x\nsource:\n  url: a: b\n",
			"def.yaml:3:1: YAML invalide : deux-points inattendu (une valeur contenant « : » doit être entre guillemets, ou l'indentation est décalée)",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if got := decodeTest(t, c.yaml); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestSuggestNamesTheNearMiss(t *testing.T) {
	if got, want := Suggest("acces-numeriqe", []string{"acces-numerique", "tourisme"}), " — vouliez-vous dire « acces-numerique » ?"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := Suggest("xyz", []string{"b", "a"}); got != " (possibles : a, b)" {
		t.Errorf("got %q", got)
	}
	if got := yamlSyntaxFR("some new message"); !strings.HasPrefix(got, "syntaxe incorrecte (détail technique : some new message") {
		t.Errorf("got %q", got)
	}
}
