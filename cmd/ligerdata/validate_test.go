package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writePackage writes a Data Package of two resources: communes (schema in
// its own file) and lieux, whose foreign key code_insee points to the
// communes' insee; lieux is given as its CSV text.
func writePackage(t *testing.T, lieux string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"communes.csv":         "insee,nom\n44109,Nantes\n49007,Angers\n",
		"communes.schema.json": `{"fields": [{"name": "insee", "type": "string"}, {"name": "nom", "type": "string"}], "primaryKey": ["insee"]}`,
		"lieux.csv":            lieux,
		"datapackage.json": `{"name": "test", "resources": [
  {"name": "lieux", "path": "lieux.csv", "schema": {
    "fields": [{"name": "id", "type": "integer"}, {"name": "code_insee", "type": "string"}],
    "foreignKeys": [{"fields": "code_insee", "reference": {"resource": "communes", "fields": "insee"}}]}},
  {"name": "communes", "path": "communes.csv", "schema": "communes.schema.json"}]}`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "datapackage.json")
}

// validate on a datapackage.json checks the foreign keys from one resource
// to another: 53130 is not a commune of communes.csv, so row 3 (line 4) of
// lieux.csv is a foreign-key error; the same package with 49007 is valid.
func TestValidatePackageForeignKeys(t *testing.T) {
	pkg := writePackage(t, "id,code_insee\n1,44109\n2,49007\n3,53130\n4,\n")
	code, out, errs := runCmd(t, "validate", pkg)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitFailed, out, errs)
	}
	lieux := filepath.Join(filepath.Dir(pkg), "lieux.csv")
	want := lieux + ":4: [foreign-key] La valeur « 53130 »"
	if !strings.Contains(out, want) || strings.Count(out, "[foreign-key]") != 1 {
		t.Errorf("output:\n%s\nwant one foreign-key error starting %q", out, want)
	}
	if !strings.Contains(out, "communes.csv : valide (2 lignes, schéma communes)") || !strings.Contains(out, "lieux.csv : invalide — 4 lignes lues, 3 valides, 1 invalides") {
		t.Errorf("summaries:\n%s", out)
	}
	code, out, _ = runCmd(t, "validate", "--json", writePackage(t, "id,code_insee\n1,44109\n2,49007\n"))
	var rep struct {
		Valid     bool
		Resources []struct {
			Resource string
			Rows     int
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitOK || !rep.Valid || len(rep.Resources) != 2 || rep.Resources[0].Resource != "lieux" || rep.Resources[0].Rows != 2 {
		t.Errorf("valid package: exit %d, %+v (%v)\n%s", code, rep, err, out)
	}
}

// A package whose foreign key names a resource it does not hold, or a path
// outside its folder, is refused with the reason; a schema with a foreign
// key to another resource given alone with --schema says to validate the
// package.
func TestValidatePackageRefusals(t *testing.T) {
	pkg := writePackage(t, "id,code_insee\n1,44109\n")
	b, _ := os.ReadFile(pkg)
	broken := strings.Replace(strings.Replace(string(b), `"resource": "communes"`, `"resource": "villes"`, 1), `"path": "communes.csv"`, `"path": "../communes.csv"`, 1)
	if err := os.WriteFile(pkg, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCmd(t, "validate", pkg)
	if code != exitUsage || !strings.Contains(errs, `ressource « communes » : chemin "../communes.csv" : il doit rester dans le dossier du paquet`) {
		t.Errorf("path outside: exit %d\n%s", code, errs)
	}
	broken = strings.Replace(broken, `"path": "../communes.csv"`, `"path": "communes.csv"`, 1)
	if err := os.WriteFile(pkg, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCmd(t, "validate", pkg)
	if code != exitUsage || !strings.Contains(errs, "ressource « lieux » : sa clé étrangère (code_insee) renvoie à la ressource « villes », absente du paquet") {
		t.Errorf("unknown resource: exit %d\n%s", code, errs)
	}
	schema := filepath.Join(t.TempDir(), "lieux.schema.json")
	text := `{"fields": [{"name": "code_insee", "type": "string"}], "foreignKeys": [{"fields": "code_insee", "reference": {"resource": "communes", "fields": "insee"}}]}`
	if err := os.WriteFile(schema, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCmd(t, "validate", "--schema", schema, filepath.Join(filepath.Dir(pkg), "lieux.csv"))
	if code != exitUsage || !strings.Contains(errs, "renvoient à d'autres ressources (communes) : validez le paquet de données") {
		t.Errorf("--schema with a foreign key to another resource: exit %d\n%s", code, errs)
	}
}
