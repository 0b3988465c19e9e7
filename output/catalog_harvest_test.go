package output

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxHarvestPages stops a harvest whose pages would loop.
const maxHarvestPages = 10

// TestCatalogHarvestedPageByPage reads the catalogue as udata's DCAT harvester
// does (udata/harvest/backends/dcat.py): fetch the catalogue URL, list its
// dcat:Dataset nodes, follow hydra:next (or hydra:nextPage) until none; a
// dataset is keyed by its dct:identifier and needs a dct:title; a distribution
// needs a dcat:downloadURL or dcat:accessURL, which it then downloads. Every
// address followed must be ours and map back to a file of the public tree.
func TestCatalogHarvestedPageByPage(t *testing.T) {
	public, ids, _ := pagedCatalog(t)
	// local maps one of our addresses to its file; another address fails.
	local := func(u string) string {
		t.Helper()
		rest, ok := strings.CutPrefix(u, testBase+"/")
		if !ok {
			t.Fatalf("the harvester is sent to %s, not an address of ours (%s)", u, testBase)
		}
		rest, _, _ = strings.Cut(rest, "#")
		p := filepath.Join(public, filepath.FromSlash(rest))
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s is not served: %v", u, err)
		}
		return p
	}
	seen := map[string]bool{}
	pages := 0
	for next := testBase + "/" + FileCatalog; next != ""; pages++ {
		if pages > maxHarvestPages {
			t.Fatal("the pages loop")
		}
		g := jsonldGraph(t, local(next))
		for _, ds := range g.ofType(nsDCAT + "Dataset") {
			harvestDataset(t, g, ds, seen, local)
		}
		next = ""
		for _, tr := range g.triples {
			if tr.p.value == nsHydra+"next" || tr.p.value == nsHydra+"nextPage" {
				next = tr.o.value
			}
		}
	}
	if pages != 3 || len(seen) != len(ids) {
		t.Errorf("%d pages, %d datasets harvested; want 3 pages and %d datasets", pages, len(seen), len(ids))
	}
}

// harvestDataset checks one dcat:Dataset as udata maps it.
func harvestDataset(t *testing.T, g *rdfGraph, ds string, seen map[string]bool, local func(string) string) {
	t.Helper()
	idents := g.values(ds, nsDCT+"identifier")
	if len(idents) != 1 || idents[0].value == "" || seen[idents[0].value] {
		t.Errorf("%s: identifiers %v (one, never seen before, wanted)", ds, idents)
		return
	}
	seen[idents[0].value] = true
	if titles := g.values(ds, nsDCT+"title"); len(titles) == 0 || titles[0].value == "" {
		t.Errorf("%s: no title", ds)
	}
	dists := g.values(ds, nsDCAT+"distribution")
	if len(dists) == 0 {
		t.Errorf("%s: no distribution", ds)
	}
	for _, d := range dists {
		urls := append(g.values(d.value, nsDCAT+"downloadURL"), g.values(d.value, nsDCAT+"accessURL")...)
		if len(urls) == 0 {
			t.Errorf("%s: distribution %s has no URL", ds, d.value)
		}
		for _, u := range urls {
			local(u.value)
		}
	}
}
