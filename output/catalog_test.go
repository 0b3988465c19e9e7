package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/piprate/json-gold/ld"

	"github.com/ligerdata/ligerdata/schemas"
)

const testBase = "https://ligerdata.example.org"

// Release times of the catalogue tests, in the past.
var (
	catT1 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	catT2 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
)

func testCatalogMeta() CatalogMeta {
	return CatalogMeta{
		Title: "Ligerdata", Description: "Données ouvertes des Pays de la Loire",
		Publisher: "Région Pays de la Loire", PublisherURL: "https://www.paysdelaloire.fr/",
		PublisherType: "RegionalAuthority", License: "etalab-2.0",
		Homepage: testBase + "/", BaseURL: testBase + "/", Language: "fr",
	}
}

// publishTestRelease publishes rows of the all-types schema as a release
// of dataset id created at now.
func publishTestRelease(t *testing.T, public, id, release string, now time.Time, rows [][]schemas.Value) {
	t.Helper()
	r, err := NewRelease(public, testMeta(id), allTypesSchema(t), release, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if err := r.Append(row); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Commit(Quality{}); err != nil {
		t.Fatal(err)
	}
}

// testPublicTree publishes two datasets: "zones-activite" with two
// releases (the second one without its first row) and "communes" created
// in the future (its dct:modified must be capped).
func testPublicTree(t *testing.T) string {
	t.Helper()
	public := t.TempDir()
	publishTestRelease(t, public, "zones-activite", "20260301T100000Z-0001", catT1, allTypesRows())
	publishTestRelease(t, public, "zones-activite", "20260302T100000Z-0002", catT2, allTypesRows()[1:])
	publishTestRelease(t, public, "communes", "20261127T152100Z-3f9a", time.Now().Add(48*time.Hour), allTypesRows())
	// A temporal coverage, as a pipeline may declare it in the ligerdata
	// block of datapackage.json.
	dpPath := filepath.Join(public, "datasets", "communes", "20261127T152100Z-3f9a", FileDataPackage)
	var dp map[string]any
	raw, err := os.ReadFile(dpPath)
	if err == nil {
		err = json.Unmarshal(raw, &dp)
	}
	if err != nil {
		t.Fatal(err)
	}
	dp["ligerdata"].(map[string]any)["temporal"] = map[string]any{"start": "2024-01-01", "end": "2024-12-31"}
	raw, _ = json.Marshal(dp)
	if err := os.WriteFile(dpPath, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return public
}

func readCatalogDoc(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestWriteCatalog(t *testing.T) {
	public := testPublicTree(t)
	draft, err := NewRelease(public, testMeta("brouillon"), allTypesSchema(t), "r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer draft.Abort()
	meta := testCatalogMeta()
	// One of the test releases is dated in the future, so its modified date
	// is clamped to "now": the same now gives the same bytes, whenever the
	// two writes happen.
	now := time.Now().UTC()
	if err := writeCatalog(public, meta, now); err != nil {
		t.Fatal(err)
	}
	firstJSON, _ := os.ReadFile(filepath.Join(public, FileCatalog))
	firstTTL, _ := os.ReadFile(filepath.Join(public, FileCatalogTurtle))
	if err := writeCatalog(public, meta, now); err != nil {
		t.Fatal(err)
	}
	secondJSON, _ := os.ReadFile(filepath.Join(public, FileCatalog))
	secondTTL, _ := os.ReadFile(filepath.Join(public, FileCatalogTurtle))
	if !bytes.Equal(firstJSON, secondJSON) || !bytes.Equal(firstTTL, secondTTL) {
		t.Error("catalogue is not deterministic")
	}
	entries, _ := os.ReadDir(public)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}

	doc := readCatalogDoc(t, filepath.Join(public, FileCatalog))
	ctx, _ := doc["@context"].(map[string]any)
	checkPrefixes(t, doc, ctx)
	graph, _ := doc["@graph"].([]any)
	if len(graph) != 1 {
		t.Fatalf("@graph = %v", doc["@graph"])
	}
	cat := graph[0].(map[string]any)
	requireProps(t, "Catalog", cat, "@type", "dct:title", "dct:description", "dct:publisher", "dct:language",
		"foaf:homepage", "dct:modified", "dct:license", "dct:spatial", "dcat:themeTaxonomy", "dcat:dataset")
	if cat["@type"] != "dcat:Catalog" {
		t.Errorf("catalog @type = %v", cat["@type"])
	}
	if _, paged := cat["hydra:view"]; paged {
		t.Error("a one-page catalogue has a hydra:view")
	}
	pub := cat["dct:publisher"].(map[string]any)
	if pub["@type"] != "foaf:Agent" || pub["foaf:name"] == nil || pub["dct:type"].(map[string]any)["@id"] != "http://purl.org/adms/publishertype/RegionalAuthority" {
		t.Errorf("catalog publisher = %v", pub)
	}
	datasets := cat["dcat:dataset"].([]any)
	if len(datasets) != 2 {
		t.Fatalf("%d datasets, want 2", len(datasets))
	}
	for i, want := range []struct{ id, release string }{
		{"communes", "20261127T152100Z-3f9a"},
		{"zones-activite", "20260302T100000Z-0002"},
	} {
		ds := datasets[i].(map[string]any)
		requireProps(t, "Dataset "+want.id, ds, "dct:identifier", "dct:title", "dct:description", "dct:publisher",
			"dcat:contactPoint", "dct:license", "dcat:keyword", "dct:modified", "dct:issued", "dcat:landingPage",
			"dct:conformsTo", "dcat:version", "dct:spatial", "dcat:theme", "dct:accrualPeriodicity", "dcat:distribution")
		if ds["dct:identifier"] != want.id {
			t.Errorf("dataset %d identifier = %v, want %s", i, ds["dct:identifier"], want.id)
		}
		if ds["dcat:version"] != want.release {
			t.Errorf("dataset %s version = %v, want %s", want.id, ds["dcat:version"], want.release)
		}
		if title := ds["dct:title"].(map[string]any); title["@language"] != "fr" || title["@value"] != "Jeu de test "+want.id {
			t.Errorf("dataset title = %v", title)
		}
		if lp := ds["dcat:landingPage"].(map[string]any)["@id"]; lp != testBase+"/jeux-de-donnees/"+want.id {
			t.Errorf("landing page = %v", lp)
		}
		if cp := ds["dcat:contactPoint"].(map[string]any); cp["@type"] != "vcard:Organization" || cp["vcard:hasEmail"].(map[string]any)["@id"] != "mailto:opendata@example.org" {
			t.Errorf("contact point = %v", cp)
		}
		if c := ds["dct:conformsTo"].(map[string]any)["@id"]; c != "https://schema.example.org/tous-types/schema.json" {
			t.Errorf("conformsTo = %v", c)
		}
		// testMeta: schedule "0 4 * * *", theme REGI, the region, etalab-2.0.
		if f := ds["dct:accrualPeriodicity"].(map[string]any)["@id"]; f != euFreq+"DAILY" {
			t.Errorf("accrualPeriodicity = %v", f)
		}
		if th := ds["dcat:theme"].(map[string]any); th["@id"] != euTheme+"REGI" || th["skos:prefLabel"].(map[string]any)["@value"] != "Régions et villes" {
			t.Errorf("theme = %v", th)
		}
		if sp := ds["dct:spatial"].(map[string]any); sp["@id"] != "http://data.europa.eu/nuts/code/FRG0" || sp["dcat:bbox"] == nil {
			t.Errorf("spatial = %v", sp)
		}
		if lic := ds["dct:license"].(map[string]any); lic["@id"] != "https://www.etalab.gouv.fr/licence-ouverte-open-licence" {
			t.Errorf("license = %v", lic)
		}
		mod, err := time.Parse(time.RFC3339, ds["dct:modified"].(map[string]any)["@value"].(string))
		if err != nil || mod.After(time.Now()) {
			t.Errorf("dataset %s modified %v (%v) is in the future or invalid", want.id, mod, err)
		}
		dists := ds["dcat:distribution"].([]any)
		// The all-types schema has a geopoint: data.geojson is published.
		wantFiles := []string{FileCSV, "data-fr.csv", FileParquet, "data.geojson"}
		var gotFiles []string
		for _, dv := range dists {
			d := dv.(map[string]any)
			requireProps(t, "Distribution", d, "dct:title", "dcat:accessURL", "dcat:downloadURL", "dcat:mediaType",
				"dcat:byteSize", "spdx:checksum", "dct:format", "dct:license", "dct:modified")
			u := d["dcat:downloadURL"].(map[string]any)["@id"].(string)
			rel, ok := strings.CutPrefix(u, testBase+"/")
			if !ok || !strings.HasPrefix(rel, "datasets/"+want.id+"/"+want.release+"/") {
				t.Fatalf("downloadURL %q", u)
			}
			gotFiles = append(gotFiles, filepath.Base(rel))
			sum, size := sha256File(t, filepath.Join(public, filepath.FromSlash(rel)))
			bs := d["dcat:byteSize"].(map[string]any)
			if bs["@type"] != "xsd:nonNegativeInteger" || bs["@value"] != strconv.FormatInt(size, 10) {
				t.Errorf("%s byteSize %v, file has %d bytes", u, bs, size)
			}
			ck := d["spdx:checksum"].(map[string]any)
			if ck["spdx:checksumValue"].(map[string]any)["@value"] != sum ||
				ck["spdx:algorithm"].(map[string]any)["@id"] != nsSPDX+"checksumAlgorithm_sha256" {
				t.Errorf("%s checksum %v, file has %s", u, ck, sum)
			}
			_, conforms := d["dct:conformsTo"]
			if conforms != (filepath.Base(rel) == FileCSV) {
				t.Errorf("%s: conformsTo present = %v", u, conforms)
			}
		}
		if strings.Join(gotFiles, " ") != strings.Join(wantFiles, " ") {
			t.Errorf("dataset %s distributions %v, want %v", want.id, gotFiles, wantFiles)
		}
	}
	communes := datasets[0].(map[string]any)
	period, _ := communes["dct:temporal"].(map[string]any)
	if period["@type"] != "dct:PeriodOfTime" || fmt.Sprint(period["dcat:startDate"]) != "map[@type:xsd:date @value:2024-01-01]" ||
		fmt.Sprint(period["dcat:endDate"]) != "map[@type:xsd:date @value:2024-12-31]" {
		t.Errorf("temporal = %v", communes["dct:temporal"])
	}
	if _, has := datasets[1].(map[string]any)["dct:temporal"]; has {
		t.Error("a release without temporal coverage has dct:temporal")
	}
	// zones-activite: the second release removed one row of the first.
	zones := datasets[1].(map[string]any)
	notes, _ := zones["adms:versionNotes"].(map[string]any)
	if notes["@value"] != "Par rapport à la version 20260301T100000Z-0001 : 0 ligne ajoutée, 1 supprimée, 0 modifiée." {
		t.Errorf("version notes = %v", zones["adms:versionNotes"])
	}
	if issued := zones["dct:issued"].(map[string]any)["@value"]; issued != catT1.Format(time.RFC3339) {
		t.Errorf("issued = %v, want the first release %v", issued, catT1)
	}
	if mod := zones["dct:modified"].(map[string]any)["@value"]; mod != catT2.Format(time.RFC3339) {
		t.Errorf("modified = %v, want the latest release", mod)
	}
	// The catalogue's modification is its most recent dataset's (communes,
	// capped to now), never in the future.
	if mod, err := time.Parse(time.RFC3339, cat["dct:modified"].(map[string]any)["@value"].(string)); err != nil || mod.After(time.Now()) || time.Since(mod) > time.Hour {
		t.Errorf("catalog modified = %v (%v)", mod, err)
	}
}

func TestWriteCatalogEmpty(t *testing.T) {
	public := t.TempDir()
	if err := WriteCatalog(public, CatalogMeta{Title: "Vide", Description: "Aucun jeu", Publisher: "Région"}); err != nil {
		t.Fatal(err)
	}
	doc := readCatalogDoc(t, filepath.Join(public, FileCatalog))
	graph := doc["@graph"].([]any)
	if len(graph) != 1 {
		t.Fatalf("graph = %v", graph)
	}
	if _, has := graph[0].(map[string]any)["dcat:dataset"]; has {
		t.Errorf("empty catalogue lists datasets: %v", graph[0])
	}
	ttl, err := os.ReadFile(filepath.Join(public, FileCatalogTurtle))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parseTurtle(string(ttl)); err != nil {
		t.Errorf("empty catalog.ttl: %v\n%s", err, ttl)
	}
}

// noNetwork is a JSON-LD document loader that loads nothing: the
// catalogue's context is inline, nothing may be fetched.
type noNetwork struct{}

func (noNetwork) LoadDocument(u string) (*ld.RemoteDocument, error) {
	return nil, fmt.Errorf("no network in tests: %s", u)
}

func jsonldOptions() *ld.JsonLdOptions {
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = noNetwork{}
	opts.SafeMode = true // fail on anything the processor would drop
	return opts
}

func TestCatalogJSONLDExpands(t *testing.T) {
	public := testPublicTree(t)
	if err := WriteCatalog(public, testCatalogMeta()); err != nil {
		t.Fatal(err)
	}
	doc := readCatalogDoc(t, filepath.Join(public, FileCatalog))
	expanded, err := ld.NewJsonLdProcessor().Expand(doc, jsonldOptions())
	if err != nil {
		t.Fatalf("expansion: %v", err)
	}
	// Index the expanded nodes by @id / walk every node object.
	titles := map[string]string{}  // dataset @id -> French title
	downloads := map[string]bool{} // downloadURL IRIs
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, it := range x {
				walk(it)
			}
		case map[string]any:
			if types, _ := x["@type"].([]any); len(types) > 0 && types[0] == nsDCAT+"Dataset" {
				for _, tv := range x[nsDCT+"title"].([]any) {
					tm := tv.(map[string]any)
					if tm["@language"] == "fr" {
						titles[x["@id"].(string)] = tm["@value"].(string)
					}
				}
			}
			for _, dv := range asList(x[nsDCAT+"downloadURL"]) {
				dm := dv.(map[string]any)
				if id, ok := dm["@id"].(string); ok {
					downloads[id] = true
				} else {
					t.Errorf("downloadURL is not an IRI: %v", dm)
				}
			}
			for _, val := range x {
				walk(val)
			}
		}
	}
	walk(expanded)
	for _, id := range []string{"communes", "zones-activite"} {
		if titles[testBase+"/datasets/"+id] != "Jeu de test "+id {
			t.Errorf("expanded graph: dataset %s title %q", id, titles[testBase+"/datasets/"+id])
		}
		rel, err := Latest(public, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{FileCSV, "data-fr.csv", FileParquet, "data.geojson"} {
			u := testBase + "/datasets/" + id + "/" + rel + "/" + f
			if !downloads[u] {
				t.Errorf("expanded graph: no downloadURL %s", u)
			}
		}
	}
	if len(downloads) != 8 {
		t.Errorf("%d downloadURLs, want 8", len(downloads))
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// canonical returns the URDNA2015 canonical N-Quads of a JSON-LD document
// or of N-Quads text.
func canonical(t *testing.T, input any) string {
	t.Helper()
	opts := jsonldOptions()
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"
	if _, isText := input.(string); isText {
		opts.InputFormat = "application/n-quads"
	}
	out, err := ld.NewJsonLdProcessor().Normalize(input, opts)
	if err != nil {
		t.Fatalf("normalize: %v", err)
	}
	return out.(string)
}

// jsonldTriples converts a JSON-LD document to N-Quads lines.
func jsonldTriples(t *testing.T, doc any) []string {
	t.Helper()
	opts := jsonldOptions()
	opts.Format = "application/n-quads"
	out, err := ld.NewJsonLdProcessor().ToRDF(doc, opts)
	if err != nil {
		t.Fatalf("toRDF: %v", err)
	}
	var lines []string
	for _, l := range strings.Split(out.(string), "\n") {
		if l != "" {
			lines = append(lines, l+"\n")
		}
	}
	return lines
}

func TestCatalogTurtleMatchesJSONLD(t *testing.T) {
	public := testPublicTree(t)
	if err := WriteCatalog(public, testCatalogMeta()); err != nil {
		t.Fatal(err)
	}
	doc := readCatalogDoc(t, filepath.Join(public, FileCatalog))
	ttl, err := os.ReadFile(filepath.Join(public, FileCatalogTurtle))
	if err != nil {
		t.Fatal(err)
	}
	triples, err := parseTurtle(string(ttl))
	if err != nil {
		t.Fatal(err)
	}
	fromJSON := canonical(t, doc)
	fromTTL := canonical(t, nquads(triples))
	if fromJSON != fromTTL {
		t.Errorf("catalog.ttl and catalog.jsonld differ:\n%s", lineDiff(fromJSON, fromTTL))
	}
	if n := strings.Count(fromJSON, "\n"); n < 150 {
		t.Errorf("only %d triples", n)
	}
}

// lineDiff lists the lines of a missing from b and of b missing from a.
func lineDiff(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for l := range ma {
		if !mb[l] {
			out = append(out, "- "+l)
		}
	}
	for l := range mb {
		if !ma[l] {
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// pagedCatalog publishes five datasets and writes their catalogue two a
// page (three pages).
func pagedCatalog(t *testing.T) (public string, ids []string, meta CatalogMeta) {
	t.Helper()
	public = t.TempDir()
	ids = []string{"a-jeu", "b-jeu", "c-jeu", "d-jeu", "e-jeu"}
	for _, id := range ids {
		publishTestRelease(t, public, id, "20260301T100000Z-0001", catT1, allTypesRows()[:1])
	}
	meta = testCatalogMeta()
	meta.PageSize = 2
	if err := WriteCatalog(public, meta); err != nil {
		t.Fatal(err)
	}
	return public, ids, meta
}

func TestCatalogPaging(t *testing.T) {
	public, ids, meta := pagedCatalog(t)
	page := func(n int) string { return testBase + "/" + CatalogPageFile(n) }
	var seen []string
	var pagesNQ []string
	for p := 1; p <= 3; p++ {
		doc := readCatalogDoc(t, filepath.Join(public, CatalogPageFile(p)))
		if _, err := ld.NewJsonLdProcessor().Expand(doc, jsonldOptions()); err != nil {
			t.Fatalf("page %d: expansion: %v", p, err)
		}
		cat := doc["@graph"].([]any)[0].(map[string]any)
		if types := fmt.Sprint(cat["@type"]); types != "[dcat:Catalog hydra:Collection]" {
			t.Errorf("page %d: catalog types %s", p, types)
		}
		if total := cat["hydra:totalItems"].(map[string]any)["@value"]; total != "5" {
			t.Errorf("page %d: totalItems %v", p, total)
		}
		view := cat["hydra:view"].(map[string]any)
		want := map[string]string{"@id": page(p), "@type": "hydra:PartialCollectionView", "hydra:first": page(1), "hydra:last": page(3)}
		if p > 1 {
			want["hydra:previous"] = page(p - 1)
		}
		if p < 3 {
			want["hydra:next"] = page(p + 1)
		}
		got := map[string]string{}
		for k, v := range view {
			if m, ok := v.(map[string]any); ok {
				got[k] = fmt.Sprint(m["@id"])
			} else {
				got[k] = fmt.Sprint(v)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("page %d: view %v, want %v", p, got, want)
		}
		for _, ds := range asList(cat["dcat:dataset"]) {
			seen = append(seen, ds.(map[string]any)["dct:identifier"].(string))
		}
		if len(asList(cat["dcat:dataset"])) != min(2, 5-2*(p-1)) {
			t.Errorf("page %d: %d datasets", p, len(asList(cat["dcat:dataset"])))
		}
		// Blank nodes are renamed per page before the union.
		for _, l := range jsonldTriples(t, doc) {
			if strings.Contains(l, nsHydra) {
				continue
			}
			pagesNQ = append(pagesNQ, regexp.MustCompile(`_:(b\d+)`).ReplaceAllString(l, fmt.Sprintf("_:p%d$1", p)))
		}
	}
	if strings.Join(seen, " ") != strings.Join(ids, " ") {
		t.Errorf("datasets over the pages: %v", seen)
	}
	// The Turtle file has every dataset: the union of the pages without the
	// Hydra paging.
	ttl, _ := os.ReadFile(filepath.Join(public, FileCatalogTurtle))
	triples, err := parseTurtle(string(ttl))
	if err != nil {
		t.Fatal(err)
	}
	union := strings.Join(pagesNQ, "")
	if a, b := canonical(t, union), canonical(t, nquads(triples)); a != b {
		t.Errorf("pages and catalog.ttl differ:\n%s", lineDiff(a, b))
	}
	// Fewer datasets per page than before: the extra pages go.
	meta.PageSize = 0
	if err := WriteCatalog(public, meta); err != nil {
		t.Fatal(err)
	}
	for _, p := range []int{2, 3} {
		if _, err := os.Stat(filepath.Join(public, CatalogPageFile(p))); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stale page %d: %v", p, err)
		}
	}
	cat := readCatalogDoc(t, filepath.Join(public, FileCatalog))["@graph"].([]any)[0].(map[string]any)
	if len(asList(cat["dcat:dataset"])) != 5 || cat["hydra:view"] != nil {
		t.Errorf("one-page catalogue: %d datasets, view %v", len(asList(cat["dcat:dataset"])), cat["hydra:view"])
	}
}

// TestCatalogUdata checks what the data.gouv.fr (udata) DCAT harvester
// needs (udata/harvest/backends/base.py, udata/core/dataset/rdf.py): a
// dct:identifier and a dct:title per dataset, a downloadURL or accessURL
// per distribution, dct:modified not in the future, a licence it resolves.
func TestCatalogUdata(t *testing.T) {
	public := testPublicTree(t)
	if err := WriteCatalog(public, testCatalogMeta()); err != nil {
		t.Fatal(err)
	}
	g := loadGraph(t, filepath.Join(public, FileCatalogTurtle))
	now := time.Now()
	datasets := g.ofType(nsDCAT + "Dataset")
	if len(datasets) != 2 {
		t.Fatalf("%d datasets", len(datasets))
	}
	for _, ds := range datasets {
		if len(g.values(ds, nsDCT+"identifier")) != 1 || len(g.values(ds, nsDCT+"title")) == 0 {
			t.Errorf("%s: identifier %v, title %v", ds, g.values(ds, nsDCT+"identifier"), g.values(ds, nsDCT+"title"))
		}
		for _, lic := range g.values(ds, nsDCT+"license") {
			label := lic.value
			if labels := g.values(lic.value, nsRDFS+"label"); len(labels) > 0 {
				label = labels[0].value // udata prefers the label
			}
			if id := udataGuess(label); id != "lov2" {
				t.Errorf("%s: licence %q resolves to %q in udata, want lov2", ds, label, id)
			}
		}
	}
	for _, d := range g.ofType(nsDCAT + "Distribution") {
		if len(g.values(d, nsDCAT+"downloadURL"))+len(g.values(d, nsDCAT+"accessURL")) == 0 {
			t.Errorf("%s: no URL, udata drops it", d)
		}
	}
	for _, tr := range g.triples {
		if tr.p.value == nsDCT+"modified" || tr.p.value == nsDCT+"issued" {
			mod, err := time.Parse(time.RFC3339, tr.o.value)
			if err != nil || mod.After(now) {
				t.Errorf("%s %s %s: invalid or in the future", tr.s.value, tr.p.value, tr.o.value)
			}
		}
	}
}

// udataLicenses are licences of https://www.data.gouv.fr/api/1/datasets/licenses/
// (id, title, url, alternate urls), as udata's License.guess_one matches
// them.
var udataLicenses = []struct {
	id, title, url string
	alternateURLs  []string
}{
	{"cc-by", "Creative Commons Attribution", "http://www.opendefinition.org/licenses/cc-by", nil},
	{"cc-by-sa", "Creative Commons Attribution Share-Alike", "http://www.opendefinition.org/licenses/cc-by-sa", nil},
	{"cc-zero", "Creative Commons CCZero", "http://www.opendefinition.org/licenses/cc-zero", nil},
	{"fr-lo", "Licence Ouverte / Open Licence", "https://www.etalab.gouv.fr/wp-content/uploads/2014/05/Licence_Ouverte.pdf",
		[]string{"https://www.etalab.gouv.fr/wp-content/uploads/2014/05/Open_Licence.pdf"}},
	{"lov2", "Licence Ouverte / Open Licence version 2.0", "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
		[]string{"https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf", "https://github.com/etalab/Licence-Ouverte/blob/master/LO.md"}},
	{"odc-by", "Open Data Commons Attribution License", "http://opendatacommons.org/licenses/by/summary/", nil},
	{"odc-odbl", "Open Data Commons Open Database License (ODbL)", "http://opendatacommons.org/licenses/odbl/summary/",
		[]string{"https://opendefinition.org/licenses/odc-odbl"}},
	{"odc-pddl", "Open Data Commons Public Domain Dedication and Licence (PDDL)", "http://opendatacommons.org/licenses/pddl/summary/", nil},
}

// udataSlug approximates udata's slugify: lower case, runs of
// non-alphanumerics as one hyphen.
func udataSlug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// udataGuess is the exact-match part of udata's License.guess_one: id,
// slug of the title, url or alternate url (case-insensitive).
func udataGuess(text string) string {
	text = strings.ToLower(strings.TrimSpace(text))
	for _, l := range udataLicenses {
		if text == l.id || udataSlug(text) == udataSlug(l.title) || text == strings.ToLower(l.url) {
			return l.id
		}
		for _, u := range l.alternateURLs {
			if text == strings.ToLower(u) {
				return l.id
			}
		}
	}
	return ""
}

func TestLicenseFor(t *testing.T) {
	for _, c := range []struct {
		name, in, wantUdata string
	}{
		{"etalab id", "etalab-2.0", "lov2"},
		{"etalab upper case", "Etalab-2.0", "lov2"},
		{"udata id", "lov2", "lov2"},
		{"etalab url", "https://www.etalab.gouv.fr/licence-ouverte-open-licence", "lov2"},
		{"licence ouverte 1", "etalab-1.0", "fr-lo"},
		{"odbl id", "odc-odbl", "odc-odbl"},
		{"odbl url of datapackage.json", "https://opendatacommons.org/licenses/odbl/1-0/", "odc-odbl"},
		{"cc-by 4.0", "cc-by-4.0", "cc-by"},
		{"cc-by-sa 4.0", "cc-by-sa-4.0", "cc-by-sa"},
		{"cc0", "cc0-1.0", "cc-zero"},
		{"odc-by", "odc-by", "odc-by"},
		{"odc-pddl", "odc-pddl", "odc-pddl"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l, ok := LicenseFor(c.in)
			if !ok || l.UdataID != c.wantUdata {
				t.Fatalf("LicenseFor(%q) = %+v, %v; want udata id %s", c.in, l, ok, c.wantUdata)
			}
			// What udata reads: the label (it prefers it), else the IRI.
			if got := udataGuess(firstNonEmpty(l.Label, l.URI)); got != c.wantUdata {
				t.Errorf("udata resolves %q to %q, want %s", firstNonEmpty(l.Label, l.URI), got, c.wantUdata)
			}
			if !isURI(l.URI) {
				t.Errorf("licence URI %q", l.URI)
			}
		})
	}
	// Every entry of the table resolves to its udata id.
	for id, l := range catalogLicenses {
		if got := udataGuess(l.Label); got != l.UdataID {
			t.Errorf("%s: label %q resolves to %q, want %s", id, l.Label, got, l.UdataID)
		}
	}
	if l, ok := LicenseFor("https://example.org/ma-licence"); !ok || l.URI != "https://example.org/ma-licence" || l.Label != "" {
		t.Errorf("unknown licence URL = %+v, %v", l, ok)
	}
	if _, ok := LicenseFor("licence maison"); ok {
		t.Error("an unknown licence name is accepted")
	}
}

func TestFrequencyOf(t *testing.T) {
	for _, c := range []struct{ name, schedule, want string }{
		{"daily at 06:00", "0 6 * * *", FreqDaily},
		{"daily descriptor", "@daily", FreqDaily},
		{"twice a day", "0 6,18 * * *", FreqDaily},
		{"weekly on monday", "45 5 * * 1", FreqWeekly},
		{"weekly descriptor", "@weekly", FreqWeekly},
		{"weekdays only", "0 6 * * 1-5", FreqWeekly},
		{"monthly on the 1st", "0 3 1 * *", FreqMonthly},
		{"monthly descriptor", "@monthly", FreqMonthly},
		{"every two months", "0 3 1 */2 *", FreqBimonthly},
		{"quarterly", "0 3 1 1,4,7,10 *", FreqQuarterly},
		{"yearly", "@yearly", FreqAnnual},
		{"hourly", "@hourly", FreqHourly},
		{"every 30 minutes", "*/30 * * * *", FreqHourly},
		{"every 6 hours", "@every 6h", FreqDaily},
		{"every 36 hours", "@every 36h", FreqWeekly},
		{"february 29th only", "0 0 29 2 *", FreqIrregular},
		{"twice a year", "0 0 1 1,7 *", FreqAnnual},
		{"with a time zone", "CRON_TZ=Europe/Paris 0 6 * * *", FreqDaily},
		{"empty", "", FreqUnknown},
		{"invalid", "tous les jours", FreqUnknown},
		{"too many fields", "0 0 6 * * * *", FreqUnknown},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := FrequencyOf(c.schedule); got != c.want {
				t.Errorf("FrequencyOf(%q) = %s, want %s", c.schedule, got, c.want)
			}
		})
	}
}

func FuzzFrequencyOf(f *testing.F) {
	for _, s := range []string{"0 6 * * *", "45 5 * * 1", "@monthly", "@every 90m", "0 0 29 2 *", "*/5 * * * *", "", "x"} {
		f.Add(s)
	}
	valid := map[string]bool{}
	for _, b := range frequencyBounds {
		valid[b.code] = true
	}
	valid[FreqIrregular], valid[FreqUnknown] = true, true
	f.Fuzz(func(t *testing.T, s string) {
		if got := FrequencyOf(s); !valid[got] {
			t.Errorf("FrequencyOf(%q) = %q", s, got)
		}
	})
}

func TestChangesNotes(t *testing.T) {
	prev := "20261127T152100Z-0001"
	for _, c := range []struct {
		name string
		in   Changes
		want string
	}{
		{"first release", Changes{Rows: RowCounts{Added: 1228}}, "Première version publiée : 1228 lignes."},
		{"rows", Changes{Previous: &prev, Rows: RowCounts{Added: 12, Removed: 3, Changed: 5}},
			"Par rapport à la version 20261127T152100Z-0001 : 12 lignes ajoutées, 3 supprimées, 5 modifiées."},
		{"singular", Changes{Previous: &prev, Rows: RowCounts{Added: 1, Removed: 0, Changed: 1}},
			"Par rapport à la version 20261127T152100Z-0001 : 1 ligne ajoutée, 0 supprimée, 1 modifiée."},
		{"nothing", Changes{Previous: &prev, Rows: RowCounts{Unchanged: 10}},
			"Par rapport à la version 20261127T152100Z-0001 : aucune ligne ajoutée, supprimée ou modifiée."},
		{"schema", Changes{Previous: &prev, Rows: RowCounts{Changed: 2}, Schema: SchemaChanges{
			Added: []string{"surface", "altitude"}, Removed: []string{"ancien"},
			Retyped: []Retyped{{Name: "population", From: "number", To: "integer"}}}},
			"Par rapport à la version 20261127T152100Z-0001 : 0 ligne ajoutée, 0 supprimée, 2 modifiées. " +
				"Colonnes ajoutées : surface, altitude. Colonne supprimée : ancien. Type de colonne modifié : population (number → integer)."},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := changesNotes(&c.in); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestParseSums(t *testing.T) {
	a, b := strings.Repeat("a", 64), strings.Repeat("0", 64)
	for _, c := range []struct {
		name, in string
		want     map[string]string
	}{
		{"sha256sum output", a + "  data.csv\n" + b + "  data.parquet\n", map[string]string{"data.csv": a, "data.parquet": b}},
		{"binary mode and CRLF", a + " *data.csv\r\n", map[string]string{"data.csv": a}},
		{"bad lines skipped", "xyz  data.csv\n" + strings.ToUpper(a) + "  up.csv\n" + a + "  ../evil\n" + a + "  .hidden\n\n", map[string]string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := parseSums([]byte(c.in)); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func FuzzParseSums(f *testing.F) {
	f.Add([]byte(strings.Repeat("ab", 32) + "  data.csv\n" + strings.Repeat("01", 32) + "  SHA256SUMS\n"))
	f.Add([]byte("\n\n  \r\n*"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for name, sum := range parseSums(b) {
			if len(sum) != 64 || checkName(name) != nil || strings.ContainsAny(name, "/\\") {
				t.Errorf("accepted %q %q", sum, name)
			}
		}
	})
}

// FuzzTurtleString checks that any text written as a Turtle literal reads
// back the same (made valid UTF-8 first, as the catalogue does).
func FuzzTurtleString(f *testing.F) {
	for _, s := range []string{"Données « ouvertes »", "a \"quoted\" \\ back\nslash\t", "\x00\x1f\x7f", "é\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = cleanText(s)
		doc := "<http://x/s> <http://x/p> " + turtleString(s) + "@fr .\n"
		triples, err := parseTurtle(doc)
		if err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		if len(triples) != 1 || triples[0].o.value != s || triples[0].o.lang != "fr" {
			t.Errorf("%q read back as %+v", s, triples)
		}
	})
}

func TestCleanIRI(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"plain", "https://example.org/a/b?c=d#e", "https://example.org/a/b?c=d#e"},
		{"space and quotes", " https://example.org/a b\"c ", "https://example.org/a%20b%22c"},
		{"angle brackets", "https://example.org/<x>", "https://example.org/%3Cx%3E"},
		{"non-ascii kept", "https://example.org/données", "https://example.org/données"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := cleanIRI(c.in); got != c.want {
				t.Errorf("cleanIRI(%q) = %q, want %q", c.in, got, c.want)
			}
		})
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
