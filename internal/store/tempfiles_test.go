package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Temporary names of every writer are recognised, others not; RemoveTemp
// goes down depth levels and spares files younger than minAge.
func TestRemoveTemp(t *testing.T) {
	for name, want := range map[string]bool{
		".catalog.jsonld.tmp-123456": true, "000001-20261205T040000Z-ab12cd34.csv.tmp-4242": true,
		"tokens.json.tmp": true, ".state-987": true, ".latest-1.tmp": true,
		"catalog.jsonld": false, "data.csv": false, "000001-20261205T040000Z-ab12cd34.csv": false,
	} {
		if IsTempName(name) != want {
			t.Errorf("IsTempName(%q) = %v, want %v", name, !want, want)
		}
	}
	root := t.TempDir()
	now := time.Now()
	files := map[string]bool{ // relative path → removed
		"a/.x.json.tmp-1":    true,
		"a/b/p.csv.tmp-2":    true,
		"a/b/c/deep.tmp":     false, // below depth 1
		"a/young.json.tmp-3": false, // younger than minAge
		"a/b/000001-ab.csv":  false,
	}
	for rel := range files {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if rel != "a/young.json.tmp-3" {
			old := now.Add(-time.Hour)
			_ = os.Chtimes(p, old, old)
		}
	}
	removed, err := RemoveTemp(filepath.Join(root, "a"), 1, 10*time.Minute, now)
	if err != nil || len(removed) != 2 {
		t.Errorf("removed %v, %v; want 2 files", removed, err)
	}
	for rel, want := range files {
		_, err := os.Stat(filepath.Join(root, rel))
		if gone := os.IsNotExist(err); gone != want {
			t.Errorf("%s: removed %v, want %v", rel, gone, want)
		}
	}
	if r, err := RemoveTemp(filepath.Join(root, "absent"), 0, 0, now); r != nil || err != nil {
		t.Errorf("missing folder: %v, %v", r, err)
	}
}
