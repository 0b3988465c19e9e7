package pipelines

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestDefinitionSizeLimit(t *testing.T) {
	// A valid definition padded with a YAML comment beyond the limit.
	big := goodDef + "# " + strings.Repeat("x", MaxDefinitionSize) + "\n"
	fsys := fstest.MapFS{"big.yaml": {Data: []byte(big)}, "good.yaml": {Data: []byte(goodDef)}}
	if _, err := testLoader(nil).Load(fsys, "big.yaml"); err == nil || !strings.Contains(err.Error(), "big.yaml : fichier de plus de 1024 Kio, ce n'est pas une définition de pipeline") {
		t.Errorf("Load of a %d-byte file: %v, want a size error", len(big), err)
	}
	if _, err := testLoader(nil).Load(fsys, "good.yaml"); err != nil {
		t.Errorf("good definition: %v", err)
	}
}

func TestSchemaFileOfDefinitionWithForeignKeysRefused(t *testing.T) {
	dir := t.TempDir()
	schema := filepath.Join(dir, "fk.json")
	if err := os.WriteFile(schema, []byte(`{"fields":[{"name":"id"},{"name":"parent"}],
		"foreignKeys":[{"fields":"parent","reference":{"resource":"","fields":"id"}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	def := strings.Replace(goodDef, "schema: lieux-mediation-numerique", "schema: "+schema, 1)
	_, err := testLoader(nil).Load(fstest.MapFS{"good.yaml": {Data: []byte(def)}}, "good.yaml")
	if err == nil || !strings.Contains(err.Error(), "foreignKeys") {
		t.Errorf("definition with a foreign-key schema: %v, want it refused", err)
	}
}
