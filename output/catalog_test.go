package output

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWriteCatalog(t *testing.T) {
	public := t.TempDir()
	const base = "https://ligerdata.example.org"
	// Two datasets published (created in the future for one: dct:modified
	// must be capped), one with only a crashed staging folder.
	for _, c := range []struct {
		id  string
		now time.Time
	}{{"zones-activite", ts1}, {"communes", time.Now().Add(48 * time.Hour)}} {
		r, err := NewRelease(public, testMeta(c.id), allTypesSchema(t), "20261127T152100Z-3f9a", func() time.Time { return c.now })
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range allTypesRows() {
			r.Append(row)
		}
		if _, err := r.Commit(Quality{}); err != nil {
			t.Fatal(err)
		}
	}
	draft, err := NewRelease(public, testMeta("brouillon"), allTypesSchema(t), "r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer draft.Abort()
	meta := CatalogMeta{
		Title: "Ligerdata", Description: "Données ouvertes des Pays de la Loire",
		Publisher: "Région Pays de la Loire", PublisherURL: "https://www.paysdelaloire.fr",
		Homepage: base, BaseURL: base + "/", Language: "fr",
	}
	if err := WriteCatalog(public, meta); err != nil {
		t.Fatal(err)
	}
	first, err := os.ReadFile(filepath.Join(public, FileCatalog))
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteCatalog(public, meta); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(filepath.Join(public, FileCatalog))
	if !bytes.Equal(first, second) {
		t.Error("catalogue is not deterministic")
	}

	var doc map[string]any
	if err := json.Unmarshal(first, &doc); err != nil {
		t.Fatal(err)
	}
	ctx, _ := doc["@context"].(map[string]any)
	checkPrefixes(t, doc, ctx)
	graph, _ := doc["@graph"].([]any)
	if len(graph) != 1 {
		t.Fatalf("@graph = %v", doc["@graph"])
	}
	cat := graph[0].(map[string]any)
	requireProps(t, "Catalog", cat, "@type", "dct:title", "dct:description", "dct:publisher", "dct:language", "foaf:homepage", "dct:modified", "dcat:dataset")
	if cat["@type"] != "dcat:Catalog" {
		t.Errorf("catalog @type = %v", cat["@type"])
	}
	if pub := cat["dct:publisher"].(map[string]any); pub["@type"] != "foaf:Agent" || pub["foaf:name"] == nil {
		t.Errorf("catalog publisher = %v", pub)
	}
	datasets := cat["dcat:dataset"].([]any)
	if len(datasets) != 2 {
		t.Fatalf("%d datasets, want 2", len(datasets))
	}
	for i, wantID := range []string{"communes", "zones-activite"} {
		ds := datasets[i].(map[string]any)
		requireProps(t, "Dataset "+wantID, ds, "dct:identifier", "dct:title", "dct:description", "dct:publisher",
			"dcat:contactPoint", "dct:license", "dcat:keyword", "dct:modified", "dcat:landingPage", "dct:conformsTo",
			"dcat:version", "dct:spatial", "dcat:theme", "dcat:distribution")
		if ds["dct:identifier"] != wantID {
			t.Errorf("dataset %d identifier = %v, want %s", i, ds["dct:identifier"], wantID)
		}
		if title := ds["dct:title"].(map[string]any); title["@language"] != "fr" || title["@value"] != "Jeu de test "+wantID {
			t.Errorf("dataset title = %v", title)
		}
		if lp := ds["dcat:landingPage"].(map[string]any)["@id"]; lp != base+"/jeux-de-donnees/"+wantID {
			t.Errorf("landing page = %v", lp)
		}
		if cp := ds["dcat:contactPoint"].(map[string]any); cp["@type"] != "vcard:Organization" || cp["vcard:hasEmail"].(map[string]any)["@id"] != "mailto:opendata@example.org" {
			t.Errorf("contact point = %v", cp)
		}
		if c := ds["dct:conformsTo"].(map[string]any)["@id"]; c != "https://schema.example.org/tous-types/schema.json" {
			t.Errorf("conformsTo = %v", c)
		}
		mod, err := time.Parse(time.RFC3339, ds["dct:modified"].(map[string]any)["@value"].(string))
		if err != nil || mod.After(time.Now()) {
			t.Errorf("dataset %s modified %v (%v) is in the future or invalid", wantID, mod, err)
		}
		dists := ds["dcat:distribution"].([]any)
		if len(dists) != 2 {
			t.Fatalf("%d distributions", len(dists))
		}
		for _, dv := range dists {
			d := dv.(map[string]any)
			requireProps(t, "Distribution", d, "dcat:accessURL", "dcat:downloadURL", "dcat:mediaType", "dcat:byteSize", "spdx:checksum", "dct:format", "dct:license")
			url := d["dcat:downloadURL"].(map[string]any)["@id"].(string)
			rel, ok := strings.CutPrefix(url, base+"/")
			if !ok || !strings.HasPrefix(rel, "datasets/"+wantID+"/20261127T152100Z-3f9a/") {
				t.Fatalf("downloadURL %q", url)
			}
			sum, size := sha256File(t, filepath.Join(public, filepath.FromSlash(rel)))
			bs := d["dcat:byteSize"].(map[string]any)
			if bs["@type"] != "xsd:nonNegativeInteger" || bs["@value"] != strconv.FormatInt(size, 10) {
				t.Errorf("%s byteSize %v, file has %d bytes", url, bs, size)
			}
			ck := d["spdx:checksum"].(map[string]any)
			if ck["spdx:checksumValue"].(map[string]any)["@value"] != sum ||
				ck["spdx:algorithm"].(map[string]any)["@id"] != "spdx:checksumAlgorithm_sha256" {
				t.Errorf("%s checksum %v, file has %s", url, ck, sum)
			}
		}
	}
}

func TestWriteCatalogEmpty(t *testing.T) {
	public := t.TempDir()
	if err := WriteCatalog(public, CatalogMeta{Title: "Vide", Description: "Aucun jeu", Publisher: "Région"}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Graph []map[string]any `json:"@graph"`
	}
	b, _ := os.ReadFile(filepath.Join(public, FileCatalog))
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Graph) != 1 || len(doc.Graph[0]["dcat:dataset"].([]any)) != 0 {
		t.Errorf("empty catalogue = %s", b)
	}
}

func requireProps(t *testing.T, what string, node map[string]any, props ...string) {
	t.Helper()
	for _, p := range props {
		v, ok := node[p]
		if !ok || v == nil || v == "" {
			t.Errorf("%s: missing %s", what, p)
		}
	}
}

// checkPrefixes fails on any compact IRI key whose prefix is not declared.
func checkPrefixes(t *testing.T, v any, ctx map[string]any) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if k == "@context" {
				continue
			}
			if prefix, _, ok := strings.Cut(k, ":"); ok && !strings.HasPrefix(k, "@") {
				if _, declared := ctx[prefix]; !declared {
					t.Errorf("prefix %q of %q not in @context", prefix, k)
				}
			}
			checkPrefixes(t, val, ctx)
		}
	case []any:
		for _, it := range x {
			checkPrefixes(t, it, ctx)
		}
	}
}
