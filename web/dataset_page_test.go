package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// apiSite serves the API dataset (six places, see apiRows) through the
// handler, without a network listener.
func apiSite(t *testing.T, opts Options) (http.Handler, string) {
	t.Helper()
	public := filepath.Join(t.TempDir(), "public")
	publishAPIDataset(t, public)
	opts.PublicDir = public
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return h, public
}

// previewRowIDs returns the first cell of each row of the preview table.
func previewRowIDs(t *testing.T, body string) []string {
	t.Helper()
	tbody := between(t, between(t, body, `id="apercu-lignes"`, "</table>"), "<tbody>", "</tbody>")
	var ids []string
	for _, m := range regexp.MustCompile(`<tr><td>([^<]*)</td>`).FindAllStringSubmatch(tbody, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// TestDatasetPagePreviewFromAPI: the preview is asked to the query API,
// sorted and filtered by the query string (no JavaScript): the expected
// rows are worked out from apiRows by hand.
func TestDatasetPagePreviewFromAPI(t *testing.T) {
	h, _ := apiSite(t, Options{})
	page := "/jeux-de-donnees/" + apiDataset
	tests := []struct {
		query string
		want  []string
		count string
	}{
		{"", []string{"L1", "L2", "L3", "L4", "L5", "L6"}, "Lignes 1 à 6 sur 6 lignes."},
		// capacities 10, 25, 40, 12, null, 5: descending, the null last.
		{"tri=-capacite", []string{"L3", "L2", "L4", "L1", "L6", "L5"}, "Lignes 1 à 6 sur 6 lignes."},
		{"tri=nom", []string{"L5", "L4", "L3", "L2", "L1", "L6"}, ""},
		// "fablab" in L2 (FabLab de Rezé) and L5 (Atelier fablab), any case.
		{"filtre=FABLAB", []string{"L2", "L5"}, "Lignes 1 à 2 sur 2 lignes correspondant au filtre."},
		{"filtre=49&colonne=departement", []string{"L3", "L6"}, ""},
		{"filtre=49&colonne=departement&tri=-id", []string{"L6", "L3"}, ""},
		// an unknown sort field is ignored, not sent to the API
		{"tri=inconnu", []string{"L1", "L2", "L3", "L4", "L5", "L6"}, ""},
	}
	for _, tt := range tests {
		rec := do(t, h, http.MethodGet, page+"?"+tt.query, nil)
		body := rec.Body.String()
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d", tt.query, rec.Code)
		}
		if got := previewRowIDs(t, body); strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%q: rows %v, want %v", tt.query, got, tt.want)
		}
		if tt.count != "" && !strings.Contains(body, tt.count) {
			t.Errorf("%q: page lacks %q", tt.query, tt.count)
		}
	}
	body := do(t, h, http.MethodGet, page+"?tri=capacite", nil).Body.String()
	for _, want := range []string{
		`<th scope="col" aria-sort="ascending"><a href="?tri=-capacite#apercu"`,
		`<a href="?tri=nom#apercu"`,
		`<input type="hidden" name="tri" value="capacite">`,
		`<div class="scroll" tabindex="0" role="region" aria-label="Aperçu des lignes">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("sorted page lacks %q", want)
		}
	}
	body = do(t, h, http.MethodGet, page+"?filtre=piscine", nil).Body.String()
	if !strings.Contains(body, "Aucune ligne ne correspond au filtre.") || !strings.Contains(body, `<a href="?#apercu">Retirer le filtre</a>`) {
		t.Errorf("a filter matching nothing is not said")
	}
}

// TestPreviewPages: 45 matching rows, page 2 of 3 shows rows 21 to 40.
func TestPreviewPages(t *testing.T) {
	tp := &tablePreview{Page: 2, Rows: make([][]cell, 20)}
	tp.pages(url.Values{"page": {"2"}, "tri": {"nom"}}, 45)
	if tp.Pages != 3 || tp.From != "21" || tp.To != "40" || tp.Total != "45 lignes" {
		t.Errorf("pages %d, rows %s to %s of %s", tp.Pages, tp.From, tp.To, tp.Total)
	}
	if tp.Prev != "?page=1&tri=nom#apercu" || tp.Next != "?page=3&tri=nom#apercu" {
		t.Errorf("links %q %q", tp.Prev, tp.Next)
	}
	p := readPreviewParams(url.Values{"page": {"100000"}, "tri": {"-nom"}, "colonne": {"x"}}, map[string]bool{"nom": true})
	if p.page != previewMaxPages || p.sortField != "nom" || !p.desc || p.column != "" {
		t.Errorf("params %+v", p)
	}
	q := previewParams{page: 3, filter: `a"b\c`, column: "nom"}.apiQuery()
	if q.Get("where") != `search(nom, "a\"b\\c")` || q.Get("offset") != "40" || q.Get("limit") != "20" {
		t.Errorf("API query %v", q)
	}
}

// TestDatasetPageReuserParts checks what a reuser finds on a dataset page:
// the files by tool first, the column profile computed at publish time
// (values counted by hand from apiRows), the map's source, the snippets,
// keyword links, and the page's metadata for search engines.
func TestDatasetPageReuserParts(t *testing.T) {
	h, _ := apiSite(t, Options{MapTiles: MapTiles{URL: "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png", Attribution: "© OpenStreetMap"}})
	rec := do(t, h, http.MethodGet, "/jeux-de-donnees/"+apiDataset, nil)
	body := rec.Body.String()
	choices := between(t, body, `<ul class="choices" id="choix-fichiers">`, "</ul>")
	iExcel, iParquet, iCSV := strings.Index(choices, "CSV pour Excel / LibreOffice"), strings.Index(choices, "Parquet pour DuckDB"), strings.Index(choices, "CSV standard")
	if iExcel < 0 || iParquet < iExcel || iCSV < iParquet {
		t.Errorf("download choices out of order: %s", choices)
	}
	if strings.Index(body, `id="telechargements"`) > strings.Index(body, `id="infos"`) {
		t.Error("downloads are not first")
	}
	// departement: 44 ×3, 49 ×2, 85 ×1; capacite: 10, 25, 40, 12, 5 and a null.
	dep := between(t, body, `<tr id="profil-departement">`, "</tr>")
	for _, want := range []string{"<td class=\"num\">100 %</td>", "<td class=\"num\">3</td>", "44 (3) ; 49 (2)", "<td>44</td><td>85</td>"} {
		if !strings.Contains(dep, want) {
			t.Errorf("departement profile lacks %q: %s", want, dep)
		}
	}
	capa := between(t, body, `<tr id="profil-capacite">`, "</tr>")
	for _, want := range []string{"<td class=\"num\">83,3 %</td>", "<td class=\"num\">1</td>", "5 (toutes différentes)", "<td>5</td><td>40</td>"} {
		if !strings.Contains(capa, want) {
			t.Errorf("capacite profile lacks %q: %s", want, capa)
		}
	}
	for _, want := range []string{
		`data-source="/api/explore/v2.1/catalog/datasets/lieux-api/exports/json?limit=20000&amp;select=nom%2Clatitude%2Clongitude"`,
		`data-lat="latitude"`, `data-tiles="https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png"`,
		`<script src="/static/leaflet/leaflet.js?v=db49d009c841" defer></script>`,
		`<a href="/recherche?mot-cle=num%C3%A9rique">numérique</a>`,
		"curl -L -o data.csv &#39;http://example.com/datasets/lieux-api/latest/data.csv&#39;",
		`pd.read_parquet(&#34;http://example.com/datasets/lieux-api/latest/data.parquet&#34;)`,
		`<meta name="description" content="Lieux de test de l&#39;API.">`,
		`<meta property="og:url" content="http://example.com/jeux-de-donnees/lieux-api">`,
		`<link rel="canonical" href="http://example.com/jeux-de-donnees/lieux-api">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("dataset page lacks %q", want)
		}
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https://*.tile.openstreetmap.fr;") || !strings.Contains(csp, "script-src 'self';") {
		t.Errorf("CSP %q does not allow the tiles and the site's scripts", csp)
	}
	var ld map[string]any
	raw := between(t, body, `<script type="application/ld+json">`, "</script>")
	if err := json.Unmarshal([]byte(html.UnescapeString(raw)), &ld); err != nil {
		t.Fatalf("JSON-LD: %v\n%s", err, raw)
	}
	dist, _ := ld["distribution"].([]any)
	if ld["@type"] != "Dataset" || ld["name"] != "Lieux pour l'API" || ld["identifier"] != apiDataset ||
		ld["license"] != "https://www.etalab.gouv.fr/licence-ouverte-open-licence" || len(dist) != 3 {
		t.Errorf("schema.org Dataset: %v", ld)
	}
}

// TestStaticFilesPinned: the embedded Leaflet is the npm package's 1.9.4
// (sums in static/leaflet/README.md), served with its version in the URL.
func TestStaticFilesPinned(t *testing.T) {
	want := map[string]string{
		"static/leaflet/leaflet.js":  `"db49d009c841f5ca34a888c96511ae936fd9f5533e90d8b2c4d57596f4e5641a"`,
		"static/leaflet/leaflet.css": `"a7837102824184820dfa198d1ebcd109ff6d0ff9a2672a074b9a1b4d147d04c6"`,
	}
	for name, sum := range want {
		if staticETags[name] != sum {
			t.Errorf("%s: sha256 %s, want %s", name, staticETags[name], sum)
		}
	}
	h, _ := apiSite(t, Options{})
	rec := do(t, h, http.MethodGet, staticPath("static/carte.js"), nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		!strings.HasPrefix(rec.Header().Get("Content-Type"), "application/javascript") {
		t.Errorf("carte.js: %d %v", rec.Code, rec.Header())
	}
	if rec := do(t, h, http.MethodGet, "/static/absent.js", nil); rec.Code != http.StatusNotFound {
		t.Errorf("unknown static file: %d", rec.Code)
	}
}

// TestMapTilesSource: the tile server is what the policy lets images come
// from; a template that is not an absolute address is refused.
func TestMapTilesSource(t *testing.T) {
	for in, want := range map[string]string{
		"": "",
		"https://data.geopf.fr/wmts?SERVICE=WMTS&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}": "https://data.geopf.fr",
		"https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png":                        "https://*.tile.openstreetmap.fr",
	} {
		if got, err := (MapTiles{URL: in}).source(); err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := (MapTiles{URL: "tiles/{z}/{x}/{y}.png"}).source(); err == nil {
		t.Error("a relative tile template was accepted")
	}
}

// TestSourceModifiedShown: the source's date is read from datapackage.json
// (RFC 3339) and written in French beside the harvest date.
func TestSourceModifiedShown(t *testing.T) {
	dp := &dataPackage{}
	if _, ok := sourceModified(dp); ok {
		t.Error("a date without source_modified")
	}
	dp.Ligerdata.SourceModified = "2025-10-14T08:12:03Z"
	got, ok := sourceModified(dp)
	if !ok || frenchDateTime(got) != "14 octobre 2025 à 10 h 12" {
		t.Errorf("%v %v: %q", got, ok, frenchDateTime(got))
	}
	h, _ := apiSite(t, Options{})
	body := do(t, h, http.MethodGet, "/jeux-de-donnees/"+apiDataset, nil).Body.String()
	if !strings.Contains(body, `<dd class="source-modified">la source ne donne pas de date</dd>`) ||
		!strings.Contains(body, `<dd class="harvested">le 1er mars 2026 à 9 h 00 (version <code>`+apiRelease+`</code>)</dd>`) {
		t.Errorf("dates not shown: %s", between(t, body, `<dl class="infos">`, "</dl>"))
	}
}
