package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunAllWithABrokenDefinition: a broken pipeline file beside a good
// one is reported with its file and line, the good one still runs and
// publishes, and the exit code says that something failed.
func TestRunAllWithABrokenDefinition(t *testing.T) {
	dir := stewardDefs(t, "code_insee,code_departement,population\n44001,44,100\n")
	broken := "id: casse\ntitle: Cassé\ndescription: D\npublisher: P\nlicence: etalab-2.0\nsource_licence: etalab-2.0\nsource:\n  kind: nulle-part\nschema: aucun\n"
	if err := os.WriteFile(filepath.Join(dir, "casse.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "run", "--all", "--defs", dir, "--store", t.TempDir(), "--json")
	if code != exitFailed {
		t.Errorf("exit %d, want %d (failed)\n%s", code, exitFailed, errs)
	}
	if !strings.Contains(errs, "casse.yaml:8") {
		t.Errorf("stderr does not name casse.yaml:8 (the unknown kind):\n%s", errs)
	}
	var res runResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(res.Pipelines) != 1 || res.Pipelines[0].Pipeline != "communes-test" || res.Pipelines[0].Outcome != "published" {
		t.Errorf("pipelines run: %+v, want communes-test published", res.Pipelines)
	}
}
