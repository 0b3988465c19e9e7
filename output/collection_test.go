package output

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// publishIndicator publishes one release of an indicator computed from the
// dataset "communes", with a provenance file of its own.
func publishIndicator(t *testing.T, public, id, release string) Published {
	t.Helper()
	meta := testMeta(id)
	meta.Collection = CollectionIndicators
	meta.Pipeline = ""
	meta.DerivedFrom = []Derivation{{Dataset: "communes", Release: "20261127T152100Z-3f9a"}}
	r, err := NewRelease(public, meta, allTypesSchema(t), release, func() time.Time { return catT2 })
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range allTypesRows() {
		if err := r.Append(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.AddFile("provenance.json", MediaTypeJSON, []byte(`{"indicator":"`+id+`"}`)); err != nil {
		t.Fatal(err)
	}
	if err := r.AddFile(FileCSV, MediaTypeCSV, nil); err == nil {
		t.Error("AddFile accepted a reserved name")
	}
	p, err := r.Commit(Quality{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIndicatorCollection(t *testing.T) {
	public := testPublicTree(t)
	p := publishIndicator(t, public, "part-test", "20260302T110000Z-0001")
	if want := filepath.Join(public, "indicators", "part-test", "20260302T110000Z-0001"); p.Dir != want {
		t.Errorf("release dir %s, want %s", p.Dir, want)
	}
	sums, err := os.ReadFile(filepath.Join(p.Dir, FileSums))
	if err != nil || !bytes.Contains(sums, []byte("  provenance.json\n")) {
		t.Errorf("SHA256SUMS does not list provenance.json: %s %v", sums, err)
	}
	if rel, err := CollectionIndicators.Latest(public, "part-test"); err != nil || rel != "20260302T110000Z-0001" {
		t.Errorf("latest indicator = %q, %v", rel, err)
	}
	if _, err := Latest(public, "part-test"); err == nil {
		t.Error("an indicator is seen as a dataset")
	}
	ids, _ := Datasets(public)
	if strings.Join(ids, ",") != "communes,zones-activite" {
		t.Errorf("datasets %v", ids)
	}
	// The same rows as the dataset "communes" of the tree: the CSV files
	// are the same bytes whatever the collection (data.parquet names its
	// publication's id in its metadata).
	for _, f := range []string{FileCSV, FileCSVFR} {
		a, _ := os.ReadFile(filepath.Join(p.Dir, f))
		b, _ := os.ReadFile(filepath.Join(public, "datasets", "communes", "20261127T152100Z-3f9a", f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs from the same rows published as a dataset", f)
		}
	}

	if err := WriteCatalog(public, testCatalogMeta()); err != nil {
		t.Fatal(err)
	}
	g := loadGraph(t, filepath.Join(public, FileCatalogTurtle))
	base := strings.TrimRight(testCatalogMeta().BaseURL, "/")
	ind := base + "/indicators/part-test"
	if !containsString(g.ofType(nsDCAT+"Dataset"), ind) {
		t.Fatalf("the catalogue does not list the indicator %s as a dcat:Dataset", ind)
	}
	src := base + "/datasets/communes"
	for _, pred := range []string{nsPROV + "wasDerivedFrom", nsDCT + "source"} {
		found := false
		for _, v := range g.values(ind, pred) {
			found = found || v.value == src
		}
		if !found {
			t.Errorf("%s of the indicator does not name %s: %v", pred, src, g.values(ind, pred))
		}
	}
	bad, _ := violations(g, loadShapes(t))
	for _, v := range bad {
		t.Error(v)
	}
}
