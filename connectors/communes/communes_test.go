package communes

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/connectors/connectortest"
)

const replayDir = "testdata/replay"

func TestConformance(t *testing.T) {
	connectortest.Run(t, connectortest.Options{
		Kind: Kind,
		Config: func(baseURL string) connectors.Config {
			c := Kind.NewConfig().(*Config)
			c.DensityURL = baseURL + "/grille_densite_7_niveaux_2024.csv"
			c.DensityLevels = 7
			c.DensityYear = "2024"
			return c
		},
		Replay: replayDir,
		BadConfigs: []connectortest.BadConfig{
			{Name: "url and path", Config: &Config{DensityURL: "https://x.example/g.csv", DensityPath: "g.csv", DensityLevels: 7, DensityYear: "2024", DensityDelimiter: ";", CodeColumn: "CODGEO", LevelColumn: "DENS", RuralThreshold: 2000}, WantPaths: []string{"density_path"}},
			{Name: "file without levels nor year", Config: &Config{DensityPath: "g.csv", DensityLevels: 5, DensityDelimiter: ";", CodeColumn: "CODGEO", LevelColumn: "DENS", RuralThreshold: 2000}, WantPaths: []string{"density_levels", "density_year"}},
			{Name: "everything wrong", Config: &Config{DensityURL: "ftp://x.example/g.csv", DensityLevels: 4, DensityYear: "2024", DensityDelimiter: ";;", DensityEncoding: "ebcdic"}, WantPaths: []string{"density_url", "density_delimiter", "density_encoding", "code_column", "level_column", "rural_threshold"}},
		},
		MinRecords: 1228,
		Key:        func(r connectors.Record) string { return r.Fields["code_insee"].(string) },
	})
}

// fetchAll runs a source built from cfg and returns its records by INSEE code.
func fetchAll(t *testing.T, cfg *Config, dir string) map[string]connectors.Record {
	t.Helper()
	env := connectortest.Env(t)
	env.Dir = dir
	src, err := Kind.Open(cfg, env)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]connectors.Record{}
	err = src.Fetch(context.Background(), func(page []connectors.Record) error {
		for _, r := range page {
			got[r.Fields["code_insee"].(string)] = r
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1228 {
		t.Fatalf("%d communes, want 1228", len(got))
	}
	return got
}

func TestStandInThreshold(t *testing.T) {
	// Abbaretz (44001) has 2,073 inhabitants (population municipale 2023):
	// not below a threshold of 2,073, below one of 2,074.
	for _, tt := range []struct {
		threshold int
		want      string
	}{{2000, "urbaine"}, {2073, "urbaine"}, {2074, "rurale"}} {
		cfg := Kind.NewConfig().(*Config)
		cfg.RuralThreshold = tt.threshold
		r := fetchAll(t, cfg, "")["44001"]
		if r.Fields["classe_rurale"] != tt.want || r.Fields["rural"] != (tt.want == "rurale") {
			t.Errorf("threshold %d: Abbaretz %v / %v, want %s", tt.threshold, r.Fields["classe_rurale"], r.Fields["rural"], tt.want)
		}
		if r.Fields["population"] != json.Number("2073") || r.Fields["population_annee"] != json.Number("2023") {
			t.Errorf("population %v (%v), want 2073 (2023)", r.Fields["population"], r.Fields["population_annee"])
		}
		if def := r.Fields["definition_rurale"].(string); !strings.Contains(def, "moins de "+frenchInt(tt.threshold)+" habitants") || !strings.HasPrefix(def, "Substitut") {
			t.Errorf("definition %q does not state the threshold %d", def, tt.threshold)
		}
		if r.Fields["grille_densite"] != nil {
			t.Errorf("grille_densite = %v with the stand-in, want nil", r.Fields["grille_densite"])
		}
	}
	all := fetchAll(t, Kind.NewConfig().(*Config), "")
	yeu := all["85113"]
	if yeu.Fields["siren_epci"] != "" || yeu.Fields["nom_departement"] != "Vendée" {
		t.Errorf("L'Île-d'Yeu: %v", yeu.Fields)
	}
	nantes := all["44109"]
	if nantes.Fields["nature_epci"] != "Métropole" || nantes.Fields["siren_epci"] != "244400404" || nantes.Fields["codes_postaux"] != "44000|44100|44200|44300" {
		t.Errorf("Nantes: %v", nantes.Fields)
	}
}

func TestSevenLevelGrid(t *testing.T) {
	cfg := Kind.NewConfig().(*Config)
	cfg.DensityPath = "grille_densite_7_niveaux_2024.csv"
	cfg.DensityLevels, cfg.DensityYear = 7, "2024"
	got := fetchAll(t, cfg, replayDir)
	// Levels from the fixture (see testdata/README.md); rural = 5, 6, 7.
	want := map[string]struct {
		level   string
		label   string
		classe  string
		isRural bool
	}{
		"44001": {"5", "Bourg rural", "rurale", true},
		"44002": {"3", "Ceinture urbaine", "urbaine", false},
		"44109": {"1", "Grand centre urbain", "urbaine", false},
		"53130": {"2", "Centre urbain intermédiaire", "urbaine", false},
		"72181": {"1", "Grand centre urbain", "urbaine", false},
		"85113": {"6", "Rural à habitat dispersé", "rurale", true},
	}
	valid := 0
	for code, r := range got {
		w, ok := want[code]
		if !ok {
			if _, bad := r.Fields[connectors.ErrorField]; !bad {
				t.Errorf("%s: no error, want one (absent from the grid or bad level)", code)
			}
			continue
		}
		valid++
		f := r.Fields
		if f["grille_densite"] != json.Number(w.level) || f["libelle_densite"] != w.label || f["classe_rurale"] != w.classe || f["rural"] != w.isRural {
			t.Errorf("%s: %v %v %v %v, want %+v", code, f["grille_densite"], f["libelle_densite"], f["classe_rurale"], f["rural"], w)
		}
		if f["definition_rurale"] != GridDefinition(7, "2024") {
			t.Errorf("%s: definition %q", code, f["definition_rurale"])
		}
	}
	if valid != 6 {
		t.Errorf("%d communes classed, want 6", valid)
	}
	if msg := got["44003"].Fields[connectors.ErrorField].(string); !strings.Contains(msg, `"9"`) || !strings.Contains(msg, "ligne 6") {
		t.Errorf("Ancenis (level 9 on line 6): %q", msg)
	}
	if msg := got["44005"].Fields[connectors.ErrorField].(string); !strings.Contains(msg, "absente") {
		t.Errorf("Chaumes-en-Retz (absent): %q", msg)
	}
}

func TestFourLevelGridWindows1252(t *testing.T) {
	dir := t.TempDir()
	// "Aigrefeuille-sur-Maine" has no accent; "Ancenis-Saint-Géréon" is
	// written in windows-1252 (é = 0xE9). Rural = levels 3 and 4.
	body := "codgeo,libgeo,dens\r\n44001,Abbaretz,3\r\n44002,Aigrefeuille-sur-Maine,2\r\n44003,Ancenis-Saint-G\xe9r\xe9on,4\r\n"
	if err := os.WriteFile(filepath.Join(dir, "g.csv"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := Kind.NewConfig().(*Config)
	cfg.DensityPath, cfg.DensityLevels, cfg.DensityYear = "g.csv", 4, "2021"
	cfg.DensityDelimiter, cfg.DensityEncoding = ",", "windows-1252"
	got := fetchAll(t, cfg, dir)
	for code, want := range map[string]string{"44001": "rurale", "44002": "urbaine", "44003": "rurale"} {
		if c := got[code].Fields["classe_rurale"]; c != want {
			t.Errorf("%s: %v, want %s (%v)", code, c, want, got[code].Fields)
		}
	}
	if got["44001"].Fields["libelle_densite"] != "Commune peu dense" {
		t.Errorf("label %v", got["44001"].Fields["libelle_densite"])
	}

	// The same bytes read as UTF-8 are refused, naming the option to set.
	cfg.DensityEncoding = "utf-8"
	src, err := Kind.Open(cfg, connectors.Env{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	err = src.Fetch(context.Background(), func([]connectors.Record) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "density_encoding") {
		t.Errorf("invalid UTF-8: err = %v", err)
	}
}

func TestGridFileErrors(t *testing.T) {
	for _, tt := range []struct{ name, body, want string }{
		{"no level column", "CODGEO;LIBGEO\n44001;Abbaretz\n", "no header row"},
		{"commune twice", "CODGEO;DENS\n44001;5\n44002;3\n44001;4\n", "44001 appears twice (lines 2 and 4)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "g.csv"), []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg := Kind.NewConfig().(*Config)
			cfg.DensityPath, cfg.DensityLevels, cfg.DensityYear = "g.csv", 7, "2024"
			src, err := Kind.Open(cfg, connectors.Env{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			emitted := false
			err = src.Fetch(context.Background(), func([]connectors.Record) error { emitted = true; return nil })
			if err == nil || !strings.Contains(err.Error(), tt.want) || emitted {
				t.Errorf("err = %v (emitted %v), want one containing %q and nothing emitted", err, emitted, tt.want)
			}
		})
	}
}

func FuzzParseGrid(f *testing.F) {
	f.Add([]byte("CODGEO;DENS\n44001;5\n"))
	f.Add([]byte("titre\nCODGEO;LIBGEO;DENS\n44109;Nantes;1\n44109;Nantes;1\n"))
	f.Add([]byte("\"CODGEO\";\"DENS\"\n\"44001\n"))
	cfg := Config{DensityDelimiter: ";", CodeColumn: "CODGEO", LevelColumn: "DENS", DensityLevels: 7, DensityYear: "2024"}
	f.Fuzz(func(t *testing.T, body []byte) {
		g, err := parseGrid(body, cfg)
		if err != nil {
			return
		}
		for code := range g.level {
			if _, ok := g.line[code]; !ok {
				t.Errorf("level without line for %s", code)
			}
		}
	})
}
