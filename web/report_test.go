package web

import (
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/internal/store"
)

func get(t *testing.T, h http.Handler, target string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(b)
}

func mustContain(t *testing.T, page, what string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

// nb is the no-break space between a value and its unit.
const nb = "\u00a0"

func TestReportsIndex(t *testing.T) {
	fx := writeReportFixture(t)
	h := newReportSite(t, fx)
	code, page := get(t, h, "/rapports/")
	if code != http.StatusOK {
		t.Fatalf("GET /rapports/ = %d", code)
	}
	mustContain(t, page, "index",
		`<a href="/rapports/acces-numerique">Accès au numérique</a>`,
		`<a href="/rapports/tourisme">Tourisme</a>`,
		`<a href="/rapports/information-geographique">Information géographique</a>`,
		`<a href="/rapports/enseignement-superieur-recherche">Enseignement supérieur et recherche</a>`,
		// The région's figures, linked to their provenance page.
		`Lieux de médiation numérique : <a class="value" href="/indicateurs/lieux-par-territoire">60`+nb+`lieux</a>`,
		`Part des lieux en commune rurale : <a class="value" href="/indicateurs/part-lieux-ruraux">25`+nb+`%</a>`,
		`Publications par année : <a class="value" href="/indicateurs/publications-par-annee">175`+nb+`publications</a> <span class="muted">(en 2023)</span>`,
		// Not computed yet: a link to its definition, no figure.
		`Offres touristiques par catégorie : <a href="/indicateurs/offres-par-categorie">définition</a>`,
	)
	// The home page and the navigation lead to the reports.
	_, home := get(t, h, "/")
	mustContain(t, home, "home", `<a href="/rapports/">Rapports</a>`, `<a href="/rapports/">Rapports et indicateurs</a>`)
	if code, _ := get(t, h, "/rapports"); code != http.StatusMovedPermanently {
		t.Errorf("GET /rapports = %d, want a redirect to /rapports/", code)
	}
}

func TestReportRegion(t *testing.T) {
	fx := writeReportFixture(t)
	h := newReportSite(t, fx)
	code, page := get(t, h, "/rapports/acces-numerique")
	if code != http.StatusOK {
		t.Fatalf("GET = %d", code)
	}
	mustContain(t, page, "report",
		`<h1>Accès au numérique <span class="territory">— Pays de la Loire</span></h1>`,
		`<form class="territoire" method="get" action="/rapports/acces-numerique">`,
		`<option value="region-52" selected>Pays de la Loire</option>`,
		`<option value="departement-44">Loire-Atlantique</option>`,
		`<option value="epci-`+repEPCI+`">Nantes Métropole</option>`,
		`<button type="submit">Afficher</button>`,
		// Key figures, linked to their provenance.
		`<p class="key-figure"><a class="value" href="/indicateurs/lieux-par-territoire">60`+nb+`lieux</a>`,
		`<a class="value" href="/indicateurs/part-lieux-ruraux">25`+nb+`%</a> <span class="where">Pays de la Loire</span> <span class="ratio">(15 sur 60)</span>`,
		// The method, split in paragraphs.
		"<p>Chaque lieu est compté une fois dans sa commune.</p>",
		// The rural definitions of the reference table, quoted where the
		// rural class is used.
		"« "+template.HTMLEscapeString(ruralGrid)+" »", "« "+template.HTMLEscapeString(ruralSubstitute)+" »",
		// Charts are accessible images with their data tables.
		`role="img" aria-labelledby="lieux-par-territoire-barres-titre lieux-par-territoire-barres-desc"`,
		`<caption>Données du graphique : Lieux de médiation numérique : Pays de la Loire</caption>`,
		`<th scope="row">EPN</th><td class="num"><a href="/indicateurs/lieux-par-territoire">40`+nb+`lieux</a></td>`,
		`<caption>Données de la carte : Lieux de médiation numérique par département</caption>`,
		`<th scope="row">Vendée (85)</th><td class="num"><a href="/indicateurs/lieux-par-territoire">4`+nb+`lieux</a></td>`,
		"Fond de carte : svg-maps",
	)
	// The rural definition is quoted once, in the indicator that uses it.
	if n := strings.Count(page, "« "+template.HTMLEscapeString(ruralGrid)+" »"); n != 1 {
		t.Errorf("rural definition quoted %d times, want 1", n)
	}
	// Bars: EPN 40 and Fablab 20 -> 330 and 330*20/40 = 165 units long.
	bars := regexp.MustCompile(`<rect class="bar" x="[0-9.]+" y="[0-9.]+" width="([0-9.]+)"`).FindAllStringSubmatch(page, -1)
	if len(bars) != 2 || bars[0][1] != "330" || bars[1][1] != "165" {
		t.Errorf("bar widths = %v, want 330 and 165", bars)
	}
	// Map of the lieux: 4..30 in 4 classes of 6.5 (4, 10.5, 17, 23.5, 30):
	// 44 (30) in the 4th, 49 (15) in the 2nd, 53 (5), 72 (6) and 85 (4) in
	// the 1st.
	fills := map[string]string{}
	for _, m := range regexp.MustCompile(`<path class="dep" data-code="(\d\d)" d="[^"]*" fill="(#[0-9a-f]{6})"`).FindAllStringSubmatch(page, -1) {
		if _, seen := fills[m[1]]; !seen {
			fills[m[1]] = m[2]
		}
	}
	want := map[string]string{"44": "#0b5d8c", "49": "#9cc3e4", "53": "#dbe9f6", "72": "#dbe9f6", "85": "#dbe9f6"}
	for code, fill := range want {
		if fills[code] != fill {
			t.Errorf("département %s filled %s, want %s", code, fills[code], fill)
		}
	}
	checkValueLinks(t, page)
	// The indicator not computed yet says so.
	if _, tour := get(t, h, "/rapports/tourisme"); !strings.Contains(tour, "Cet indicateur n&#39;a pas encore été calculé.") {
		t.Error("tourism report does not say its indicator is not computed")
	}
}

// checkValueLinks checks that every value link of a report goes to the
// provenance page of an indicator.
func checkValueLinks(t *testing.T, page string) {
	t.Helper()
	links := hrefsOfClass(page, "value")
	for _, m := range regexp.MustCompile(`<td class="num"><a href="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		links = append(links, m[1])
	}
	if len(links) == 0 {
		t.Fatal("no value links")
	}
	for _, l := range links {
		if !strings.HasPrefix(l, "/indicateurs/") {
			t.Errorf("value links to %s, not to an indicator page", l)
		}
	}
}

func TestReportTerritories(t *testing.T) {
	fx := writeReportFixture(t)
	h := newReportSite(t, fx)
	_, dep := get(t, h, "/rapports/acces-numerique?territoire=departement-44")
	mustContain(t, dep, "département 44",
		`<span class="territory">— Loire-Atlantique</span>`,
		`<option value="departement-44" selected>`,
		`<a class="value" href="/indicateurs/lieux-par-territoire">30`+nb+`lieux</a>`,
		`<a class="value" href="/indicateurs/part-lieux-ruraux">20`+nb+`%</a> <span class="where">Loire-Atlantique</span> <span class="ratio">(6 sur 30)</span>`,
	)
	if strings.Contains(dep, `<option value="region-52" selected>`) {
		t.Error("the région is still selected")
	}
	_, epci := get(t, h, "/rapports/acces-numerique?territoire=epci-"+repEPCI)
	mustContain(t, epci, "EPCI",
		`<a class="value" href="/indicateurs/lieux-par-territoire">25`+nb+`lieux</a>`,
		// The share is not computed for EPCI.
		`<p class="note">Cet indicateur n&#39;est pas calculé à l&#39;échelle des EPCI.</p>`,
	)
	_, unknown := get(t, h, "/rapports/acces-numerique?territoire=departement-99")
	mustContain(t, unknown, "unknown territory",
		"Le territoire demandé n'existe pas : la région est affichée.",
		`<option value="region-52" selected>`,
	)
	if code, _ := get(t, h, "/rapports/sport"); code != http.StatusNotFound {
		t.Errorf("unknown theme = %d, want 404", code)
	}
}

// TestReportTerritoriesInside: a département shows the EPCI that have one
// of its communes (from the reference table), each linked to its own
// report, and an EPCI its communes, largest value first, each value linked
// to the indicator's page; the région has no such breakdown (its map and
// table of départements do it).
func TestReportTerritoriesInside(t *testing.T) {
	fx := writeReportFixture(t)
	h := newReportSite(t, fx)
	value := func(n string) string {
		return `<td class="num"><a href="/indicateurs/lieux-par-territoire">` + n + nb + `lieux</a></td>`
	}
	_, dep := get(t, h, "/rapports/acces-numerique?territoire=departement-44")
	// The EPCI of 44 in the fixture: Nantes Métropole 25, CC de Nozay 5.
	mustContain(t, dep, "EPCI of Loire-Atlantique",
		`<figure class="chart-block" id="lieux-par-territoire-territoires">`,
		`<caption>Données du graphique : Lieux de médiation numérique : Loire-Atlantique, par EPCI</caption>`,
		`<thead><tr><th scope="col">EPCI</th><th scope="col" class="num">Valeur</th></tr></thead>`,
		`<tr><th scope="row"><a href="/rapports/acces-numerique?territoire=epci-`+repEPCI+`">Nantes Métropole</a></th>`+value("25")+`</tr>`+"\n"+
			`<tr><th scope="row"><a href="/rapports/acces-numerique?territoire=epci-`+repEPCI2+`">CC de Nozay</a></th>`+value("5")+`</tr>`,
	)
	if strings.Contains(dep, `id="part-lieux-ruraux-territoires"`) {
		t.Error("the share has no EPCI rows, yet a breakdown by EPCI is drawn")
	}
	_, epci := get(t, h, "/rapports/acces-numerique?territoire=epci-"+repEPCI)
	// Communes of Nantes Métropole: Nantes 20, Carquefou 5.
	mustContain(t, epci, "communes of Nantes Métropole",
		`<caption>Données du graphique : Lieux de médiation numérique : Nantes Métropole, par commune</caption>`,
		`<tr><th scope="row">Nantes</th>`+value("20")+`</tr>`+"\n"+`<tr><th scope="row">Carquefou</th>`+value("5")+`</tr>`,
	)
	_, region := get(t, h, "/rapports/acces-numerique")
	if strings.Contains(region, "-territoires") {
		t.Error("the région page draws a breakdown by territory besides its map")
	}
}

func TestReportTimeSeries(t *testing.T) {
	fx := writeReportFixture(t)
	h := newReportSite(t, fx)
	_, page := get(t, h, "/rapports/enseignement-superieur-recherche")
	mustContain(t, page, "time series",
		`<a class="value" href="/indicateurs/publications-par-annee">175`+nb+`publications</a> <span class="where">Pays de la Loire, en 2023</span>`,
		`<caption>Données du graphique : Publications par année : Pays de la Loire, évolution</caption>`,
		`<th scope="row">2022</th><td class="num"><a href="/indicateurs/publications-par-annee">150`+nb+`publications</a></td><td class="num"><a href="/indicateurs/publications-par-annee">90`+nb+`publications</a></td>`,
	)
	// Axis 0..200 (niceStep(175, 4) = 50), y(v) = 14 + (200-v)/200*220:
	// y(100) = 124, y(150) = 69, y(175) = 41.5; x = 70, 337, 604 (plot
	// 640-70-36 = 534 wide).
	// Then the institutions, largest in 2023 first: Nantes 60, 90, 100
	// -> y = 168, 135, 124; Angers 30, 50, 70 -> y = 201, 179, 157.
	series := regexp.MustCompile(`<polyline class="series" points="([^"]+)"`).FindAllStringSubmatch(page, -1)
	want := []string{"70,124 337,69 604,41.5", "70,168 337,135 604,124", "70,201 337,179 604,157"}
	if len(series) != len(want) {
		t.Fatalf("%d lines drawn, want %d", len(series), len(want))
	}
	for i, w := range want {
		if series[i][1] != w {
			t.Errorf("line %d points = %q, want %q", i, series[i][1], w)
		}
	}
	mustContain(t, page, "time series table",
		`<th scope="col" class="num">Ensemble</th><th scope="col" class="num">Nantes Université</th><th scope="col" class="num">Université d&#39;Angers</th>`,
		// The breakdown of the latest year as bars: 100 -> 330, 70 -> 231.
		`<caption>Données du graphique : Publications par année : Pays de la Loire (2023)</caption>`,
		`width="330" height="18"`, `width="231" height="18"`)
	checkValueLinks(t, page)
}

func TestIndicatorPage(t *testing.T) {
	fx := writeReportFixture(t)
	h := newReportSite(t, fx)
	code, page := get(t, h, "/indicateurs/"+repLieux)
	if code != http.StatusOK {
		t.Fatalf("GET = %d", code)
	}
	inputFile := "/datasets/" + repInput + "/" + repInputRelease + "/data.parquet"
	mustContain(t, page, "indicator page",
		"<h1>Lieux de médiation numérique</h1>",
		"<dt>Échelles</dt><dd>commune, EPCI, département, région</dd>",
		"<dt>Unité</dt><dd>lieux</dd>",
		"<dt>Période</dt><dd>état à la date de publication</dd>",
		"<code>"+repIndRelease+"</code>",
		// 05:00 UTC is 06:00 in Paris in December.
		"1er décembre 2026 à 6 h 00 (en 1,5 s, DuckDB v1.5.0)",
		// The SQL, escaped.
		"WHERE type &lt;&gt; &#39;&#39; AND note &lt; 3 -- &#34;&lt;script&gt;&#34;",
		// The exact input release and its file.
		`<a href="/jeux-de-donnees/`+repInput+`/versions/`+repInputRelease+`"><code>`+repInputRelease+`</code></a>`,
		`<a class="download input-file" href="`+inputFile+`" download>data.parquet</a>`,
		fx.InputSHA,
		// The reference table and its vintage.
		`<a href="/jeux-de-donnees/communes-pays-de-la-loire">communes-pays-de-la-loire</a>`,
		"<td>2023</td>",
		// Audits.
		"<td>valeurs renseignées (niveau, code, valeur)</td><td>réussie pour la version publiée</td>", "valeur au moins 0",
		// The indicator's own files.
		`href="/indicators/`+repLieux+`/`+repIndRelease+`/data.csv" download>data.csv</a>`,
		`href="/indicators/`+repLieux+`/`+repIndRelease+`/provenance.json" download>provenance.json</a>`,
	)
	if strings.Contains(page, "<script>") {
		t.Error("unescaped SQL")
	}
	// The input file link serves the bytes whose sha256 the provenance gives.
	code, body := get(t, h, inputFile)
	if code != http.StatusOK {
		t.Fatalf("GET %s = %d", inputFile, code)
	}
	sum := sha256.Sum256([]byte(body))
	if hex.EncodeToString(sum[:]) != fx.InputSHA {
		t.Error("the input file served is not the one the provenance names")
	}
	// The indicator's files are served.
	code, csv := get(t, h, "/indicators/"+repLieux+"/"+repIndRelease+"/data.csv")
	disk, err := os.ReadFile(filepath.Join(fx.Public, "indicators", repLieux, repIndRelease, "data.csv"))
	if err != nil || code != http.StatusOK || csv != string(disk) {
		t.Errorf("indicator CSV: status %d, same bytes %v (%v)", code, csv == string(disk), err)
	}
	if code, _ := get(t, h, "/indicators/"+repLieux+"/latest/provenance.json"); code != http.StatusOK {
		t.Errorf("latest provenance.json = %d", code)
	}
	if code, _ := get(t, h, "/indicators/"+repLieux+"/"+repIndRelease+"/secret.txt"); code != http.StatusNotFound {
		t.Errorf("unlisted file = %d, want 404", code)
	}
	if code, _ := get(t, h, "/indicateurs/inconnu"); code != http.StatusNotFound {
		t.Errorf("unknown indicator = %d, want 404", code)
	}
}

func TestIndicatorPageNotComputedAndPrunedInput(t *testing.T) {
	fx := writeReportFixture(t)
	h := newReportSite(t, fx)
	_, page := get(t, h, "/indicateurs/"+repUnpublished)
	mustContain(t, page, "unpublished", "Cet indicateur n'a pas encore été calculé", "SELECT 1 ORDER BY 1")
	// Retention removed the input release: the page says so instead of a
	// dead link.
	if err := os.RemoveAll(filepath.Join(fx.Public, "datasets", repInput, repInputRelease)); err != nil {
		t.Fatal(err)
	}
	_, page = get(t, newReportSite(t, fx), "/indicateurs/"+repLieux)
	mustContain(t, page, "pruned input", "data.parquet <span class=\"muted\">(version retirée, plus téléchargeable)</span>")
	if strings.Contains(page, `href="/datasets/`+repInput+`/`+repInputRelease+`/data.parquet"`) {
		t.Error("dead link to a pruned release")
	}
}

func TestIndicatorsList(t *testing.T) {
	h := newReportSite(t, writeReportFixture(t))
	_, page := get(t, h, "/indicateurs/")
	mustContain(t, page, "list",
		`<a href="/indicateurs/lieux-par-territoire">Lieux de médiation numérique</a> — Nombre de lieux`,
		`<a href="/indicateurs/offres-par-categorie">Offres touristiques par catégorie</a>`)
}

func TestFrenchNumberAndValueText(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{12345, "12\u202f345"}, {0, "0"}, {2.5, "2,5"}, {0.755, "0,76"}, {123.44, "123,4"},
		{-3.25, "-3,25"}, {-0.001, "0"}, {1234.56, "1\u202f234,6"},
	} {
		if got := frenchNumber(c.v); got != c.want {
			t.Errorf("frenchNumber(%v) = %q, want %q", c.v, got, c.want)
		}
	}
	// A share shown as a percentage: 0.125 -> 12.5 %.
	if got := valueText(0.125, "%"); got != "12,5"+nb+"%" {
		t.Errorf("valueText(0.125, %%) = %q", got)
	}
	if got := valueText(3, "lieux pour 10 000 habitants"); got != "3"+nb+"lieux pour 10 000 habitants" {
		t.Errorf("valueText = %q", got)
	}
}

func TestProseParagraphs(t *testing.T) {
	// A folded YAML scalar keeps a line break where a blank line was.
	if got := proseParagraphs("Un.\nDeux.\n"); len(got) != 2 || got[1] != "Deux." {
		t.Errorf("folded: %q", got)
	}
	// Literal text: blank lines separate paragraphs, line breaks are spaces.
	if got := proseParagraphs("Un\nsuite.\n\nDeux."); len(got) != 2 || got[0] != "Un suite." {
		t.Errorf("literal: %q", got)
	}
}

func TestTerritoriesOrder(t *testing.T) {
	obs := []observation{
		{Level: "epci", Code: "2", Label: "Épinal"}, {Level: "commune", Code: "44109", Label: "Nantes"},
		{Level: "departement", Code: "85", Label: "Vendée"}, {Level: "epci", Code: "1", Label: "Angers"},
		{Level: "region", Code: "52", Label: "Pays de la Loire"}, {Level: "departement", Code: "44", Label: "Loire-Atlantique"},
		{Level: "departement", Code: "44", Label: "Loire-Atlantique"},
	}
	var keys []string
	for _, tr := range territoriesOf(obs) {
		keys = append(keys, tr.key())
	}
	// Région, départements by code, EPCI by name (accents folded); no
	// commune, no duplicate.
	if got := strings.Join(keys, " "); got != "region-52 departement-44 departement-85 epci-1 epci-2" {
		t.Errorf("territories = %s", got)
	}
}

func TestIndicatorPageShowsTheLastComputation(t *testing.T) {
	fx := writeReportFixture(t)
	storeDir := t.TempDir()
	st, err := store.Open(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	// A later computation was blocked by the range audit.
	started := repComputed.Add(24 * time.Hour) // 2 December, 06:00 in Paris
	m := indicators.RunManifest{
		Indicator: repLieux, RunID: "20261202T050000Z-0001", Started: started, Outcome: indicators.OutcomeAuditFailed,
		Audits: []indicators.AuditResult{
			{Check: "not_null", Label: fx.Defs[0].Audits[0].Label(), Passed: true, Detail: "aucune valeur manquante"},
			{Check: "range", Label: fx.Defs[0].Audits[1].Label(), Passed: false, Detail: "2 lignes hors de l'intervalle"},
		},
	}
	if fx.Defs[0].ID != repLieux {
		t.Fatalf("first definition is %s", fx.Defs[0].ID)
	}
	if err := st.SaveRun(indicators.RunKey(repLieux), m.RunID, m); err != nil {
		t.Fatal(err)
	}
	log, _ := testLogger(t)
	h, err := New(Options{PublicDir: fx.Public, StoreDir: storeDir, Indicators: fx.Defs, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	_, page := get(t, h, "/indicateurs/"+repLieux)
	mustContain(t, page, "last computation",
		`<p class="run-error">Le dernier calcul, le 2 décembre 2026 à 6 h 00, a été bloqué par une vérification : la version publiée précédente reste en ligne.</p>`,
		`<td>`+template.HTMLEscapeString(fx.Defs[0].Audits[0].Label())+`</td><td>réussie : aucune valeur manquante (calcul du 2 décembre 2026 à 6 h 00)</td>`,
		`<td class="run-error">échouée : 2 lignes hors de l&#39;intervalle (calcul du 2 décembre 2026 à 6 h 00)</td>`,
		// The published release is still the one shown.
		"<code>"+repIndRelease+"</code>",
	)
	// Not cached: a new computation shows at once.
	m.RunID, m.Outcome, m.Audits = "20261203T050000Z-0002", indicators.OutcomeUnchanged, nil
	m.Started = started.Add(24 * time.Hour)
	if err := st.SaveRun(indicators.RunKey(repLieux), m.RunID, m); err != nil {
		t.Fatal(err)
	}
	_, page = get(t, h, "/indicateurs/"+repLieux)
	mustContain(t, page, "unchanged run",
		"Dernier calcul le 3 décembre 2026 à 6 h 00 : définition et données d&#39;entrée inchangées",
		"réussie pour la version publiée")
}

func TestKeyFigureWithoutTotal(t *testing.T) {
	s := &site{}
	def := &indicators.Definition{ID: "part-services", Unit: "%"}
	sel := selectTerritory([]observation{
		{Level: "region", Code: "52", Dimension: "Service WMS", Value: 0.5, HasValue: true},
		{Level: "region", Code: "52", Dimension: "Au moins un des trois", Value: 0.8, HasValue: true, Num: 8, Den: 10, HasRatio: true},
	}, territory{Level: "region", Code: "52"})
	k := s.keyFigureOf(def, sel)
	// No "Ensemble" row: the largest category, named.
	if k == nil || k.Value != "80"+nb+"%" || k.Dimension != "Au moins un des trois" || k.Ratio != "8 sur 10" {
		t.Errorf("key figure = %+v", k)
	}
}

// TestNoFigureNote: the note of a territory without a value says whether
// the indicator has no row there, is not computed at that level, or is a
// table of communes only (such as the consolidated places).
func TestNoFigureNote(t *testing.T) {
	dep := territory{Level: "departement", Code: "44", Label: "Loire-Atlantique"}
	for _, c := range []struct {
		levels []string
		want   string
	}{
		{[]string{"departement", "region"}, "Aucune valeur n'est publiée pour Loire-Atlantique."},
		{[]string{"epci", "region"}, "Cet indicateur n'est pas calculé à l'échelle des départements."},
		{[]string{"commune"}, "Cet indicateur n'est publié qu'à l'échelle des communes : ses lignes se consultent dans ses fichiers, depuis sa page."},
	} {
		if got := noFigureNote(&indicators.Definition{Granularity: c.levels}, dep); got != c.want {
			t.Errorf("%v: %q, want %q", c.levels, got, c.want)
		}
	}
}
