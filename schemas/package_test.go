package schemas

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadPackage: any descriptor is loaded or refused, never a panic, and
// a loaded resource always has a schema and a path inside the folder.
func FuzzLoadPackage(f *testing.F) {
	f.Add(`{"resources": [{"name": "a", "path": "a.csv", "schema": {"fields": [{"name": "x"}]}}]}`)
	f.Add(`{"resources": [{"name": "a", "path": "a.csv", "schema": {"fields": [{"name": "x"}], "foreignKeys": [{"fields": "x", "reference": {"resource": "b", "fields": "y"}}]}}, {"name": "b", "path": "b.csv", "schema": "b.json"}]}`)
	f.Add(`{"resources": [{"name": "a", "path": ["a.csv"], "schema": null, "dialect": {"delimiter": ";;"}}]}`)
	f.Fuzz(func(t *testing.T, text string) {
		dir := t.TempDir()
		p := filepath.Join(dir, "datapackage.json")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := LoadPackage(p)
		if err != nil {
			return
		}
		for _, r := range res {
			rel, rerr := filepath.Rel(dir, r.Path)
			if r.Schema == nil || rerr != nil || !filepath.IsLocal(rel) {
				t.Errorf("resource %+v loaded from %q", r, text)
			}
		}
	})
}
