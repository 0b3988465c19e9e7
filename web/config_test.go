package web

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeConfig(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	writeFile(t, p, []byte(text))
	return p
}

// sha256 of "jeton-alice" and "jeton-bob" (printf %s jeton-alice | sha256sum).
const (
	aliceHash = "fe5d7cd413a5091e9a87efc5a0d31a63f489f1ca8fe0b3bbb6e3db009cc3fc09"
	bobHash   = "3630d27f7dc2cd4d6b284d333c40b98aadcf3c75eebf15b02156dbfdef264043"
)

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SMTP_PASSWORD", "secret")
	writeConfig(t, dir, "stewards.yaml", "stewards:\n  - {name: bob, token_sha256: "+bobHash+", pipelines: [geopal-lycees]}\n")
	path := writeConfig(t, dir, "ligerdata.yaml", `addr: 0.0.0.0:9000
base_url: https://donnees.example.fr
store: data
stewards:
  - name: alice
    token_sha256: `+aliceHash+`
stewards_file: stewards.yaml
alerts:
  webhooks: [{url: "http://127.0.0.1:9/hook"}]
  email: {host: smtp.example.fr, from: ligerdata@example.fr, to: [equipe@example.fr], password: "${SMTP_PASSWORD}"}
limits: {max_concurrent_runs: 3, run_timeout: 45m}
`)
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || c.Store != filepath.Join(dir, "data") || c.Limits.MaxConcurrentRuns != 3 || c.Limits.RunTimeout != 45*time.Minute {
		t.Fatalf("config: %+v", c)
	}
	if len(c.Stewards) != 2 || c.Stewards[1].Name != "bob" || c.Stewards[1].Pipelines[0] != "geopal-lycees" {
		t.Fatalf("stewards: %+v", c.Stewards)
	}
	if c.Alerts.Email.Password != "secret" {
		t.Fatalf("password not expanded: %q", c.Alerts.Email.Password)
	}
	// Defaults: 30 s of grace, 5 sign-ins in 15 minutes.
	if c.Limits.ShutdownGrace != 30*time.Second || c.Limits.SignInAttempts != 5 || c.Limits.SignInWindow != 15*time.Minute {
		t.Fatalf("defaults: %+v", c.Limits)
	}
}

func TestLoadConfigReportsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, dir, "bad.yaml", `stor: data
stewards:
  - name: alice
    token_sha256: abc
  - name: alice
    token_sha256: `+aliceHash+`
  - token_sha256: `+aliceHash+`
limits:
  run_timeout: soon
`)
	_, err := LoadConfig(path)
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, want := range []string{
		path + ":1:1: stor: clé inconnue « stor » — vouliez-vous dire « store » ?",
		path + ":7:5: stewards[2].name: valeur manquante pour « name » (clé obligatoire)",
		path + ":9:16: limits.run_timeout: durée invalide « soon » (exemples : 30s, 5m, 1h30m)",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	// The decoder's problems come first; the checks run on a file that
	// decodes: a short hash, a name given twice, a token shared.
	path = writeConfig(t, dir, "bad2.yaml", `stewards:
  - {name: alice, token_sha256: abc}
  - {name: alice, token_sha256: `+bobHash+`}
  - {name: carol, token_sha256: `+bobHash+`}
`)
	_, err = LoadConfig(path)
	for _, want := range []string{
		"stewards[0].token_sha256: want the 64 hexadecimal digits",
		`stewards[1].name: steward "alice" is declared twice`,
		"stewards[2].token_sha256: two stewards share this token",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}

// TestLoadConfigMapTiles: map_tiles is read; a tile address that is not
// an absolute http(s) template is refused, named by its key.
func TestLoadConfigMapTiles(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, dir, "tiles.yaml", `map_tiles:
  url: "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png"
  attribution: "© les contributeurs d'OpenStreetMap"
  max_zoom: 19
`)
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.MapTiles.URL != "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png" || c.MapTiles.MaxZoom != 19 || c.MapTiles.Attribution == "" {
		t.Errorf("map tiles: %+v", c.MapTiles)
	}
	bad := writeConfig(t, dir, "bad-tiles.yaml", "map_tiles: {url: \"tuiles/{z}/{x}/{y}.png\"}\n")
	if _, err := LoadConfig(bad); err == nil || !strings.Contains(err.Error(), "map_tiles.url: want an absolute http(s) tile address") {
		t.Errorf("relative tile address: %v", err)
	}
}
