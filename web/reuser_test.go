package web

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTruncateCell(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		max      int
		want     cell
	}{
		{"short", "Nantes", 10, cell{Text: "Nantes"}},
		{"exact", "abcde", 5, cell{Text: "abcde"}},
		{"cut ascii", "abcdef", 5, cell{Text: "abcde…", Full: "abcdef"}},
		{"cut accents by rune", "ééééééé", 3, cell{Text: "ééé…", Full: "ééééééé"}},
		{"empty", "", 3, cell{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := truncateCell(tc.in, tc.max); got != tc.want {
				t.Errorf("truncateCell(%q, %d) = %+v, want %+v", tc.in, tc.max, got, tc.want)
			}
		})
	}
}

func TestReadPreview(t *testing.T) {
	for _, tc := range []struct {
		name        string
		in          string
		n           int
		limit       int64
		wantHeader  []string
		wantRows    [][]string
		wantPartial bool
		wantErr     bool
	}{
		{"two rows", "a,b\r\n1,2\r\n3,4\r\n", 20, 1 << 20, []string{"a", "b"}, [][]string{{"1", "2"}, {"3", "4"}}, false, false},
		{"bom skipped", "\ufeffa,b\n1,2\n", 20, 1 << 20, []string{"a", "b"}, [][]string{{"1", "2"}}, false, false},
		{"stops at n", "a\n1\n2\n3\n4\n", 2, 1 << 20, []string{"a"}, [][]string{{"1"}, {"2"}}, false, false},
		{"quoted newline", "a,b\n\"x\ny\",2\n", 20, 1 << 20, []string{"a", "b"}, [][]string{{"x\ny", "2"}}, false, false},
		{"ragged rows", "a,b\n1\n1,2,3\n", 20, 1 << 20, []string{"a", "b"}, [][]string{{"1"}, {"1", "2", "3"}}, false, false},
		{"header only", "a,b\n", 20, 1 << 20, []string{"a", "b"}, nil, false, false},
		{"empty file", "", 20, 1 << 20, nil, nil, false, false},
		{"malformed after a row", "a,b\n1,2\n\"x,3\n", 20, 1 << 20, []string{"a", "b"}, [][]string{{"1", "2"}}, true, false},
		{"limit cuts a record", "a\n1\n\"" + strings.Repeat("x", 100) + "\"\n", 20, 12, []string{"a"}, [][]string{{"1"}}, true, false},
		{"malformed header", "\"a,b\n", 20, 1 << 20, nil, nil, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := readPreview(strings.NewReader(tc.in), tc.n, tc.limit)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if fmt.Sprint(p.Header) != fmt.Sprint(tc.wantHeader) {
				t.Errorf("header = %q, want %q", p.Header, tc.wantHeader)
			}
			var rows [][]string
			for _, r := range p.Rows {
				var vals []string
				for _, c := range r {
					vals = append(vals, c.Text)
				}
				rows = append(rows, vals)
			}
			if fmt.Sprintf("%q", rows) != fmt.Sprintf("%q", tc.wantRows) {
				t.Errorf("rows = %q, want %q", rows, tc.wantRows)
			}
			if p.Partial != tc.wantPartial {
				t.Errorf("partial = %v, want %v", p.Partial, tc.wantPartial)
			}
		})
	}
}

func FuzzReadPreview(f *testing.F) {
	f.Add([]byte(sportCSV))
	f.Add([]byte("\ufeffid;nom\n1;\"a\"\"b\"\n"))
	f.Add([]byte("uai,nom,effectif\r\n0440001A,École Jules Verne,212\r\n\"open"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := readPreview(bytes.NewReader(b), 3, 256)
		if err != nil {
			return
		}
		if len(p.Rows) > 3 {
			t.Fatalf("%d rows, want at most 3", len(p.Rows))
		}
		for _, r := range p.Rows {
			for _, c := range r {
				if c.Full != "" && (!strings.HasSuffix(c.Text, "…") || !strings.HasPrefix(c.Full, strings.TrimSuffix(c.Text, "…"))) {
					t.Fatalf("cut cell %q does not start the full text %q", c.Text, c.Full)
				}
			}
		}
	})
}

func TestKeyText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"string", `"E1"`, "E1"},
		{"composite", `["44109", 2026, null]`, "44109 | 2026 | "},
		{"number", `42`, "42"},
		{"null", `null`, ""},
		{"nested", `[["a","b"],"c"]`, "a | b | c"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := keyText([]byte(tc.in)); got != tc.want {
				t.Errorf("keyText(%s) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestChangesSentence(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"fixture", sportChanges, sportChangesSentence},
		{"first release", sportOldChanges, "première version : 90 lignes"},
		{"first release single row", `{"previous": null, "rows": {"added": 1}}`, "première version : 1 ligne"},
		{"nothing changed", `{"previous": "20261120T040000Z-a1b2", "rows": {"unchanged": 10}}`, "aucune modification par rapport à la version précédente"},
		{"singulars", `{"previous": "p", "rows": {"added": 1, "removed": 0, "changed": 1}, "columns_changed": {"nom": 1}}`,
			"1 ligne ajoutée, 0 supprimée, 1 modifiée (colonnes : nom ×1)"},
		{"thousands", `{"previous": "p", "rows": {"added": 12345, "removed": 2, "changed": 0}}`,
			"12\u202f345 lignes ajoutées, 2 supprimées, 0 modifiée"},
		{"schema only", `{"previous": "p", "rows": {}, "schema": {"added": ["a", "b"], "removed": ["c"]}}`,
			"0 ligne ajoutée, 0 supprimée, 0 modifiée ; colonnes ajoutées : a, b ; colonne supprimée : c"},
		{"column ties by name", `{"previous": "p", "rows": {"changed": 2}, "columns_changed": {"b": 2, "a": 2, "c": 0}}`,
			"0 ligne ajoutée, 0 supprimée, 2 modifiées (colonnes : a ×2, b ×2)"},
		{"unknown type", `{"previous": "p", "rows": {}, "schema": {"retyped": [{"name": "x", "from": "string", "to": "uuid"}]}}`,
			"0 ligne ajoutée, 0 supprimée, 0 modifiée ; colonne retypée : x (texte → uuid)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseChanges([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := c.sentence(); got != tc.want {
				t.Errorf("sentence =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestParseChangesErrors(t *testing.T) {
	for _, in := range []string{"", "[]", "null", `{"rows": {"added": "douze"}}`, `{"added": [`} {
		if _, err := parseChanges([]byte(in)); err == nil {
			t.Errorf("parseChanges(%q) succeeded, want an error", in)
		}
	}
}

func FuzzParseChanges(f *testing.F) {
	f.Add([]byte(sportChanges))
	f.Add([]byte(sportOldChanges))
	f.Add([]byte(`{"previous":"p","changed":[{"key":["a",1],"columns":["x"]}],"columns_changed":{"x":-1}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := parseChanges(b)
		if err != nil {
			return
		}
		s := c.sentence()
		if s == "" {
			t.Fatal("empty sentence")
		}
		for _, k := range c.Added {
			_ = keyText(k)
		}
		for _, k := range c.Changed {
			_ = keyText(k.Key)
		}
	})
}

func TestIsCatalogPage(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"catalog-1.jsonld", true},
		{"catalog-12.jsonld", true},
		{"catalog-0.jsonld", false},
		{"catalog-01.jsonld", false},
		{"catalog-.jsonld", false},
		{"catalog-1.ttl", false},
		{"catalog-1a.jsonld", false},
		{"catalog.jsonld", false},
		{"catalog-1234567890.jsonld", false},
	} {
		if got := isCatalogPage(tc.in); got != tc.want {
			t.Errorf("isCatalogPage(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// previewDataset is a dataset whose data.csv exercises the preview: 25
// rows, markup in a cell and a long cell.
func writePreviewDataset(t *testing.T, fx *fixture) {
	t.Helper()
	var csv strings.Builder
	csv.WriteString("id,nom,commune,code_postal,surface,date_maj\r\n")
	csv.WriteString("P01,<script>alert('x')</script>,Angers,49000,10,2026-01-01\r\n")
	csv.WriteString("P02,\"" + longText(150) + "\",Laval,53000,20,2026-01-02\r\n")
	for i := 3; i <= 25; i++ {
		fmt.Fprintf(&csv, "P%02d,Équipement %d,Le Mans,72000,%d,2026-01-03\r\n", i, i, i)
	}
	ds := fixtureDataset{Name: "apercu", Title: "Aperçu", Description: "Jeu pour l'aperçu.", Fields: sportFields}
	r := fixtureRelease{ID: "20261202T040000Z-0001", Created: "2026-12-02T04:00:00Z", CSV: []byte(csv.String()),
		Parquet: parquetBytes(128, 7), Read: 25, Accepted: 25}
	writeRelease(t, fx.Dir, ds, r)
	switchLatest(t, fx.Dir, ds.Name, r.ID)
}

func TestDatasetPagePreview(t *testing.T) {
	fx := writeFixture(t)
	writePreviewDataset(t, fx)
	h, _ := newTestSite(t, fx, "")
	rec := do(t, h, http.MethodGet, "/jeux-de-donnees/apercu", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	body := rec.Body.String()
	table := between(t, body, `<table class="preview" id="apercu-lignes">`, "</table>")
	tbody := between(t, table, "<tbody>", "</tbody>")
	if n := strings.Count(tbody, "<tr>"); n != previewRows {
		t.Errorf("preview has %d rows, want %d", n, previewRows)
	}
	if !strings.Contains(table, "<th scope=\"col\"><code>code_postal</code></th>") {
		t.Error("preview header lacks code_postal")
	}
	if strings.Contains(body, "<script>alert") {
		t.Fatal("preview cell is not escaped")
	}
	if !strings.Contains(tbody, "<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</td>") {
		t.Error("escaped markup cell not found")
	}
	long := longText(150)
	cut := string([]rune(long)[:previewCellRunes]) + "…"
	if !strings.Contains(tbody, `<td title="`+long+`">`+cut+`</td>`) {
		t.Errorf("long cell is not cut with a title; tbody:\n%.600s", tbody)
	}
	if !strings.Contains(tbody, "<td>P20</td>") || strings.Contains(tbody, "<td>P21</td>") {
		t.Error("preview does not stop after the 20th row")
	}
	if !strings.Contains(body, "Les 20 premières lignes") {
		t.Error("preview caption missing")
	}
}

func TestDatasetPagePreviewOfSportFixture(t *testing.T) {
	fx := writeFixture(t)
	h, _ := newTestSite(t, fx, "")
	body := do(t, h, http.MethodGet, "/jeux-de-donnees/"+sportDataset, nil).Body.String()
	tbody := between(t, between(t, body, `id="apercu-lignes"`, "</table>"), "<tbody>", "</tbody>")
	for _, want := range []string{
		"<tr><td>E1</td><td>Piscine Léo Lagrange</td><td>Nantes</td><td>44000</td><td>1250.5</td><td>2026-11-02</td></tr>",
		"<td>Gymnase &#34;Les Dervallières&#34;</td>",
	} {
		if !strings.Contains(tbody, want) {
			t.Errorf("preview lacks %q; tbody:\n%s", want, tbody)
		}
	}
	// The empty old release as latest: no rows.
	switchLatest(t, fx.Dir, sportDataset, sportOld)
	body = do(t, h, http.MethodGet, "/jeux-de-donnees/"+sportDataset, nil).Body.String()
	if !strings.Contains(body, "La dernière version ne contient aucune ligne.") {
		t.Error("empty release: no empty-preview message")
	}
}

func TestDatasetPageChangelogAndNewFiles(t *testing.T) {
	fx := writeFixture(t)
	addChangelogs(t, fx)
	addReleaseFile(t, fx.Dir, sportDataset, sportLatest, "data-fr.csv", []byte("\ufeffid;surface\r\nE1;1250,5\r\n"))
	geo := []byte(`{"type":"FeatureCollection","features":[]}`)
	addReleaseFile(t, fx.Dir, sportDataset, sportLatest, "data.geojson", geo)
	writeFile(t, filepath.Join(fx.Dir, "catalog.ttl"), []byte("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"))
	h, _ := newTestSite(t, fx, "")
	body := do(t, h, http.MethodGet, "/jeux-de-donnees/"+sportDataset, nil).Body.String()
	latestItem := between(t, body, `<li id="version-`+sportLatest+`">`, `<li id="version-`+sportOld+`">`)
	oldItem := between(t, body, `<li id="version-`+sportOld+`">`, "</li>\n</ul>")
	if !strings.Contains(latestItem, `<p class="changelog">`+sportChangesSentence+".</p>") {
		t.Errorf("latest release lacks the changelog sentence:\n%s", latestItem)
	}
	if !strings.Contains(oldItem, `<p class="changelog">Première version : 90 lignes.</p>`) {
		t.Errorf("first release lacks its sentence:\n%s", oldItem)
	}
	details := between(t, latestItem, "<details", "</details>")
	for _, want := range []string{
		"<summary>Lignes concernées (clé : id)</summary>",
		"Lignes ajoutées (12)", "<code>E10</code>", "<code>E21</code>",
		"Lignes supprimées (3)", "<code>&lt;b&gt;E92&lt;/b&gt;</code>",
		"Lignes modifiées (5)", "<code>E1</code> (colonnes : nom, adresse)", "<code>E5</code></li>",
		`<ul class="values"><li>nom : « Piscine » → « Piscine &lt;b&gt;municipale&lt;/b&gt; »</li><li>adresse : (vide) → « 2 rue du Port »</li></ul>`,
		"<code>E2</code> (colonnes : nom)</li>",
	} {
		if !strings.Contains(details, want) {
			t.Errorf("changelog keys lack %q", want)
		}
	}
	if strings.Contains(oldItem, "<details") {
		t.Error("first release lists keys")
	}
	for _, want := range []string{
		`download>data-fr.csv</a></td><td>CSV pour tableur (point-virgule, virgule décimale)</td>`,
		`download>data.geojson</a></td><td>GeoJSON</td><td class="num">` + fmt.Sprintf("%d octets", len(geo)) + `</td><td><code class="hash">` + hexSum(geo) + `</code>`,
		`download>changes.json</a></td><td>JSON (journal des modifications)</td>`,
		`href="/jeux-de-donnees/` + sportDataset + `/versions/` + sportLatest + `"`,
		`<link rel="alternate" type="application/atom+xml" title="Nouvelles versions des jeux de données" href="/flux.atom">`,
		`<link rel="alternate" type="application/atom+xml" title="Nouvelles versions : Équipements sportifs" href="/jeux-de-donnees/` + sportDataset + `/flux.atom">`,
		`identifiant <a href="http://example.com/datasets/` + sportDataset + `"><code>http://example.com/datasets/` + sportDataset + `</code></a>`,
		`<a href="/catalog.jsonld" type="application/ld+json">catalogue JSON-LD</a>`,
		`<a href="/catalog.ttl" type="text/turtle">catalogue Turtle</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("dataset page lacks %q", want)
		}
	}
	rec := do(t, h, http.MethodGet, "/datasets/"+sportDataset+"/latest/data.geojson", nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/geo+json" || !bytes.Equal(rec.Body.Bytes(), geo) {
		t.Errorf("geojson download: status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
}

func TestChangelogNotListedIsIgnored(t *testing.T) {
	fx := writeFixture(t)
	// Present but not in SHA256SUMS: not published, not shown.
	writeFile(t, filepath.Join(fx.Dir, "datasets", sportDataset, sportLatest, changesName), []byte(sportChanges))
	addReleaseFile(t, fx.Dir, sportDataset, sportOld, changesName, []byte("{broken"))
	h, logs := newTestSite(t, fx, "")
	rec := do(t, h, http.MethodGet, "/jeux-de-donnees/"+sportDataset, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if strings.Contains(rec.Body.String(), `class="changelog"`) {
		t.Error("a changelog is shown though none is published and readable")
	}
	if !strings.Contains(logs.String(), "changelog unavailable") {
		t.Errorf("broken changes.json not logged; logs:\n%s", logs)
	}
}

func TestReleasePage(t *testing.T) {
	fx := writeFixture(t)
	addChangelogs(t, fx)
	h, _ := newTestSite(t, fx, "https://donnees.example.fr")
	rec := do(t, h, http.MethodGet, "/jeux-de-donnees/"+sportDataset+"/versions/"+sportLatest, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	body := rec.Body.String()
	sums := fx.Sums[sportDataset+"/"+sportLatest]
	for _, want := range []string{
		"<h1>Équipements sportifs — version du 27 novembre 2026</h1>",
		"<dd>27 novembre 2026 à 16 h 21</dd>",
		"(dernière version)",
		`<p class="changelog">` + sportChangesSentence + ".</p>",
		`<a href="https://donnees.example.fr/jeux-de-donnees/` + sportDataset + `/versions/` + sportOld + `">version <code>` + sportOld + `</code></a>`,
		"<code>E21</code>", "<code>&lt;b&gt;E92&lt;/b&gt;</code>",
		`href="https://donnees.example.fr/datasets/` + sportDataset + `/` + sportLatest + `/data.csv"`,
		sums["data.parquet"],
		"100 lignes lues, 97 acceptées, 3 rejetées",
		`identifiant <a href="https://donnees.example.fr/datasets/` + sportDataset + `"><code>https://donnees.example.fr/datasets/` + sportDataset + `</code></a>`,
		`href="https://donnees.example.fr/jeux-de-donnees/` + sportDataset + `/flux.atom"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("release page lacks %q", want)
		}
	}
	old := do(t, h, http.MethodGet, "/jeux-de-donnees/"+sportDataset+"/versions/"+sportOld, nil).Body.String()
	for _, want := range []string{"version du 20 novembre 2026", "Première version : 90 lignes.", fx.Sums[sportDataset+"/"+sportOld]["data.csv"]} {
		if !strings.Contains(old, want) {
			t.Errorf("old release page lacks %q", want)
		}
	}
	if strings.Contains(old, "(dernière version)") {
		t.Error("old release marked latest")
	}
	school := do(t, h, http.MethodGet, "/jeux-de-donnees/"+schoolDataset+"/versions/"+schoolLatest, nil).Body.String()
	if !strings.Contains(school, "Le journal des modifications de cette version n'est pas disponible.") {
		t.Error("release without changes.json does not say so")
	}
}

func TestReleasePageNotFound(t *testing.T) {
	fx := writeFixture(t)
	// A release newer than latest (rolled back): not announced.
	newer := fixtureRelease{ID: "20261130T040000Z-ffff", Created: "2026-11-30T04:00:00Z", CSV: sportCSV, Parquet: parquetBytes(64, 8), Read: 2, Accepted: 2}
	writeRelease(t, fx.Dir, fixtureDatasets()[0], newer)
	h, _ := newTestSite(t, fx, "")
	for _, tc := range []struct{ name, target string }{
		{"unknown release", "/jeux-de-donnees/" + sportDataset + "/versions/20261101T000000Z-0000"},
		{"newer than latest", "/jeux-de-donnees/" + sportDataset + "/versions/" + newer.ID},
		{"staging", "/jeux-de-donnees/" + sportDataset + "/versions/.staging-20261128T040000Z-beef"},
		{"unknown dataset", "/jeux-de-donnees/inconnu/versions/" + sportLatest},
		{"dataset without latest", "/jeux-de-donnees/sans-version/versions/20261101T000000Z-0001"},
		{"corrupt release", "/jeux-de-donnees/corrompu/versions/20261101T000000Z-0002"},
		{"release of another dataset", "/jeux-de-donnees/" + schoolDataset + "/versions/" + sportLatest},
		{"feed of unknown dataset", "/jeux-de-donnees/inconnu/flux.atom"},
		{"feed of orphan dataset", "/jeux-de-donnees/orphelin/flux.atom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, tc.target, nil)
			if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Page introuvable") {
				t.Errorf("status = %d, want the French 404", rec.Code)
			}
		})
	}
	body := do(t, h, http.MethodGet, "/jeux-de-donnees/"+sportDataset, nil).Body.String()
	if strings.Contains(body, newer.ID) {
		t.Error("dataset page lists a release newer than latest")
	}
	if rec := do(t, h, http.MethodGet, "/datasets/"+sportDataset+"/"+newer.ID+"/data.csv", nil); rec.Code != http.StatusOK {
		t.Errorf("release newer than latest no longer downloadable: %d", rec.Code)
	}
}

// feedDoc is the Atom feed as read back by a consumer.
type feedDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string   `xml:"http://www.w3.org/2005/Atom id"`
	Title   string   `xml:"http://www.w3.org/2005/Atom title"`
	Updated string   `xml:"http://www.w3.org/2005/Atom updated"`
	Author  []struct {
		Name string `xml:"http://www.w3.org/2005/Atom name"`
	} `xml:"http://www.w3.org/2005/Atom author"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"http://www.w3.org/2005/Atom link"`
	Entries []struct {
		ID      string `xml:"http://www.w3.org/2005/Atom id"`
		Title   string `xml:"http://www.w3.org/2005/Atom title"`
		Updated string `xml:"http://www.w3.org/2005/Atom updated"`
		Summary string `xml:"http://www.w3.org/2005/Atom summary"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
	} `xml:"http://www.w3.org/2005/Atom entry"`
}

func readFeed(t *testing.T, h http.Handler, target string) feedDoc {
	t.Helper()
	rec := do(t, h, http.MethodGet, target, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: status %d", target, rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
		t.Errorf("%s: Content-Type = %q", target, ct)
	}
	if !bytes.HasPrefix(rec.Body.Bytes(), []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Errorf("%s: no XML declaration", target)
	}
	var doc feedDoc
	dec := xml.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("%s: decode: %v\n%s", target, err, rec.Body)
	}
	// Atom required elements (RFC 4287 §4.1.1, §4.1.2).
	if doc.ID == "" || doc.Title == "" || doc.Updated == "" {
		t.Errorf("%s: feed lacks id/title/updated: %+v", target, doc)
	}
	if len(doc.Author) == 0 || doc.Author[0].Name == "" {
		t.Errorf("%s: feed has no author", target)
	}
	if _, err := time.Parse(time.RFC3339, doc.Updated); err != nil {
		t.Errorf("%s: feed updated %q: %v", target, doc.Updated, err)
	}
	self := false
	for _, l := range doc.Links {
		self = self || (l.Rel == "self" && strings.HasSuffix(l.Href, target))
	}
	if !self {
		t.Errorf("%s: no rel=self link to the feed", target)
	}
	for i, e := range doc.Entries {
		if e.ID == "" || e.Title == "" || e.Updated == "" || len(e.Links) == 0 || e.Links[0].Href == "" {
			t.Errorf("%s: entry %d lacks id/title/updated/link: %+v", target, i, e)
		}
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
			t.Errorf("%s: entry %d updated %q: %v", target, i, e.Updated, err)
		}
	}
	return doc
}

func TestAtomFeeds(t *testing.T) {
	fx := writeFixture(t)
	addChangelogs(t, fx)
	h, _ := newTestSite(t, fx, "https://donnees.example.fr")

	site := readFeed(t, h, "/flux.atom")
	if site.Lang != "fr" {
		t.Errorf("feed language = %q", site.Lang)
	}
	type want struct{ id, title, updated, href, summary string }
	wants := []want{
		{"tag:ligerdata,2026:" + schoolDataset + "/" + schoolLatest, "Écoles publiques — version du 1er décembre 2026", "2026-12-01T04:00:00Z",
			"https://donnees.example.fr/jeux-de-donnees/" + schoolDataset + "/versions/" + schoolLatest, "Nouvelle version publiée : 1 ligne."},
		{"tag:ligerdata,2026:" + sportDataset + "/" + sportLatest, "Équipements sportifs — version du 27 novembre 2026", "2026-11-27T15:21:00Z",
			"https://donnees.example.fr/jeux-de-donnees/" + sportDataset + "/versions/" + sportLatest, "12 lignes ajoutées, 3 supprimées, 5 modifiées (colonnes : nom ×3, adresse ×2) ; colonne ajoutée : code_insee ; colonne retypée : surface (nombre entier → nombre décimal)."},
		{"tag:ligerdata,2026:" + sportDataset + "/" + sportOld, "Équipements sportifs — version du 20 novembre 2026", "2026-11-20T04:00:00Z",
			"https://donnees.example.fr/jeux-de-donnees/" + sportDataset + "/versions/" + sportOld, "Première version : 90 lignes."},
	}
	if len(site.Entries) != len(wants) {
		t.Fatalf("site feed has %d entries, want %d (broken datasets skipped)", len(site.Entries), len(wants))
	}
	for i, w := range wants {
		e := site.Entries[i]
		got := want{e.ID, e.Title, e.Updated, e.Links[0].Href, e.Summary}
		if got != w {
			t.Errorf("entry %d =\n%+v\nwant\n%+v", i, got, w)
		}
	}
	if site.Updated != "2026-12-01T04:00:00Z" || site.ID != "tag:ligerdata,2026:flux" {
		t.Errorf("site feed id/updated = %q/%q", site.ID, site.Updated)
	}

	ds := readFeed(t, h, "/jeux-de-donnees/"+sportDataset+"/flux.atom")
	if len(ds.Entries) != 2 || ds.Entries[0].ID != wants[1].id || ds.Entries[1].ID != wants[2].id {
		t.Errorf("dataset feed entries = %+v", ds.Entries)
	}
	if ds.Title != "Équipements sportifs — nouvelles versions" || ds.ID != "tag:ligerdata,2026:flux/"+sportDataset {
		t.Errorf("dataset feed title/id = %q/%q", ds.Title, ds.ID)
	}

	// Same tree, same bytes; conditional GET.
	a := do(t, h, http.MethodGet, "/flux.atom", nil)
	b := do(t, h, http.MethodGet, "/flux.atom", map[string]string{"If-None-Match": a.Header().Get("ETag")})
	if b.Code != http.StatusNotModified {
		t.Errorf("conditional feed GET: %d, want 304", b.Code)
	}
}

func TestAtomFeedLimit(t *testing.T) {
	fx := writeFixture(t)
	ds := fixtureDatasets()[1]
	base := time.Date(2026, 10, 1, 4, 0, 0, 0, time.UTC)
	for i := 0; i < feedEntries+5; i++ {
		ts := base.Add(time.Duration(i) * time.Hour)
		id := ts.Format("20060102T150405Z") + "-0001"
		writeRelease(t, fx.Dir, ds, fixtureRelease{ID: id, Created: ts.Format(time.RFC3339), CSV: []byte("uai\r\n"), Parquet: parquetBytes(64, 1)})
	}
	h, _ := newTestSite(t, fx, "")
	doc := readFeed(t, h, "/flux.atom")
	if len(doc.Entries) != feedEntries {
		t.Fatalf("feed has %d entries, want %d", len(doc.Entries), feedEntries)
	}
	for i := 1; i < len(doc.Entries); i++ {
		if doc.Entries[i-1].Updated < doc.Entries[i].Updated {
			t.Fatalf("entries not newest first at %d: %s < %s", i, doc.Entries[i-1].Updated, doc.Entries[i].Updated)
		}
	}
	if doc.Entries[0].Updated != "2026-12-01T04:00:00Z" {
		t.Errorf("newest entry updated %s, want the schools' latest", doc.Entries[0].Updated)
	}
	// Without a configured base, the feed's links are under the address
	// the request was made to (httptest's example.com).
	if !strings.HasPrefix(doc.Entries[0].Links[0].Href, "http://example.com/jeux-de-donnees/") {
		t.Errorf("link under the request's base expected without base URL, got %q", doc.Entries[0].Links[0].Href)
	}
}

func TestEmptyFeed(t *testing.T) {
	h, err := New(Options{PublicDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	doc := readFeed(t, h, "/flux.atom")
	if len(doc.Entries) != 0 {
		t.Errorf("%d entries in an empty site's feed", len(doc.Entries))
	}
}

func TestCatalogTurtleAndPages(t *testing.T) {
	fx := writeFixture(t)
	ttl := []byte("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<https://x/catalog> a dcat:Catalog .\n")
	page2 := []byte(`{"@context":{},"@id":"catalog-2.jsonld","@type":"hydra:PartialCollectionView"}`)
	writeFile(t, filepath.Join(fx.Dir, "catalog.ttl"), ttl)
	writeFile(t, filepath.Join(fx.Dir, "catalog-2.jsonld"), page2)
	writeFile(t, filepath.Join(fx.Dir, "catalog-x.jsonld"), page2)
	h, _ := newTestSite(t, fx, "")
	for _, tc := range []struct {
		name, target, wantType string
		want                   []byte
		wantCode               int
	}{
		{"turtle", "/catalog.ttl", "text/turtle; charset=utf-8", ttl, http.StatusOK},
		{"hydra page", "/catalog-2.jsonld", "application/ld+json", page2, http.StatusOK},
		{"missing page", "/catalog-3.jsonld", "", nil, http.StatusNotFound},
		{"not a page number", "/catalog-x.jsonld", "", nil, http.StatusNotFound},
		{"leading zero", "/catalog-02.jsonld", "", nil, http.StatusNotFound},
		{"other root file", "/catalog-2.ttl", "", nil, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, tc.target, nil)
			if rec.Code != tc.wantCode {
				t.Fatalf("status = %d, want %d", rec.Code, tc.wantCode)
			}
			if tc.wantCode != http.StatusOK {
				return
			}
			if ct := rec.Header().Get("Content-Type"); ct != tc.wantType {
				t.Errorf("Content-Type = %q, want %q", ct, tc.wantType)
			}
			if !bytes.Equal(rec.Body.Bytes(), tc.want) {
				t.Error("body differs from the file")
			}
		})
	}
	if rec := do(t, h, http.MethodPost, "/catalog-2.jsonld", nil); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST hydra page: %d, want 405", rec.Code)
	}
	if err := os.Remove(filepath.Join(fx.Dir, "catalog.ttl")); err != nil {
		t.Fatal(err)
	}
	if rec := do(t, h, http.MethodGet, "/catalog.ttl", nil); rec.Code != http.StatusNotFound {
		t.Errorf("missing turtle: %d, want 404", rec.Code)
	}
	if body := do(t, h, http.MethodGet, "/jeux-de-donnees/"+sportDataset, nil).Body.String(); strings.Contains(body, "catalogue Turtle") {
		t.Error("dataset page links a Turtle catalogue that does not exist")
	}
}
