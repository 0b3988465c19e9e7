package pipelines

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestLoadDirResolvesEveryRelativePath loads a definitions folder on disk
// whose definition names its schema file and its source file by relative
// paths, and runs it from the test's working folder (which holds
// neither): both are read from the definitions folder, the schema at load
// time and the CSV by the connector during the run. 3 rows, one without
// its required id: 3 read, 2 accepted, 1 rejected.
func TestLoadDirResolvesEveryRelativePath(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("lieux-locaux.yaml", "id: lieux-locaux\ntitle: Lieux\ndescription: D\npublisher: P\nlicence: etalab-2.0\nsource_licence: etalab-2.0\n"+
		"source:\n  kind: file\n  path: donnees/lieux.csv\nschema: schemas/pages.json\n")
	write("schemas/pages.json", pagesSchema)
	write("donnees/lieux.csv", "id,nom\na,Médiathèque\n,Sans identifiant\nb,Fablab\n")
	if _, err := os.Stat("donnees"); err == nil {
		t.Fatal("the working folder holds a donnees folder: the test would prove nothing")
	}
	defs, err := testLoader(nil).LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) != 1 || defs[0].Dir != dir || defs[0].TableSchema.Name != "test-pages" {
		t.Fatalf("loaded %d definitions, dir %q", len(defs), defs[0].Dir)
	}
	r := newTestRunner(t, t.TempDir())
	r.ReplayDir = ""
	m, err := r.Run(context.Background(), defs[0])
	if err != nil {
		t.Fatal(err)
	}
	if m.Read != 3 || m.Accepted != 2 || m.Rejected != 1 {
		t.Errorf("read %d, accepted %d, rejected %d; want 3, 2, 1", m.Read, m.Accepted, m.Rejected)
	}
}
