package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var fixedNow = time.Date(2026, 11, 28, 9, 5, 0, 0, time.UTC)

func newTestSite(t *testing.T, fx *fixture, base string) (http.Handler, *logBuffer) {
	t.Helper()
	logger, logs := testLogger(t)
	h, err := New(Options{PublicDir: fx.Dir, BaseURL: base, Logger: logger, Now: func() time.Time { return fixedNow }, PageCacheTTL: -1})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return h, logs
}

func do(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// between returns the text of s between the first start marker and the next
// end marker after it.
func between(t *testing.T, s, start, end string) string {
	t.Helper()
	i := strings.Index(s, start)
	if i < 0 {
		t.Fatalf("marker %q not found", start)
	}
	rest := s[i+len(start):]
	j := strings.Index(rest, end)
	if j < 0 {
		t.Fatalf("marker %q not found after %q", end, start)
	}
	return rest[:j]
}

func TestHomeListsDatasets(t *testing.T) {
	fx := writeFixture(t)
	h, logs := newTestSite(t, fx, "")
	rec := do(t, h, http.MethodGet, "/", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	body := rec.Body.String()
	if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	for _, want := range []string{
		`<html lang="fr">`,
		"<h1>Données ouvertes des Pays de la Loire</h1>",
		`<a href="/jeux-de-donnees/equipements-sportifs">Équipements sportifs</a>`,
		`<a href="/jeux-de-donnees/ecoles">Écoles publiques</a>`,
		"mis à jour le 27 novembre 2026",
		"mis à jour le 1er décembre 2026",
		"97 lignes",
		"1 ligne<",
		"Licence Ouverte / Open Licence version 2.0",
		`href="/datasets/equipements-sportifs/` + sportLatest + `/data.csv"`,
		`href="/datasets/equipements-sportifs/` + sportLatest + `/data.parquet"`,
		"Page générée le 28 novembre 2026 à 10 h 05",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	if n := countOccurrences(body, `class="card"`); n != 2 {
		t.Errorf("home page has %d cards, want 2 (broken datasets skipped)", n)
	}
	for _, absent := range []string{"orphelin", "sans-version", "corrompu", "Piège", "En préparation"} {
		if strings.Contains(body, absent) {
			t.Errorf("home page shows %q, which has no valid latest release", absent)
		}
	}
	// Accent-insensitive order: "Écoles" before "Équipements".
	if strings.Index(body, "Écoles publiques") > strings.Index(body, "Équipements sportifs") {
		t.Error("datasets are not sorted by title")
	}
	// Description is cut near 200 characters.
	desc := between(t, body, `<p class="description">Recensement`, "</p>")
	if n := len([]rune("Recensement" + desc)); n > 201 || !strings.HasSuffix(desc, "…") {
		t.Errorf("description excerpt has %d runes / %q, want ≤ 201 ending with …", n, desc)
	}
	for _, ds := range []string{"orphelin", "corrompu", "piege"} {
		if !strings.Contains(logs.String(), "dataset="+ds) {
			t.Errorf("no warning logged for skipped dataset %s; logs:\n%s", ds, logs)
		}
	}
}

func TestHomeEmptyTree(t *testing.T) {
	h, err := New(Options{PublicDir: filepath.Join(t.TempDir(), "pas-encore")})
	if err != nil {
		t.Fatalf("New on a missing dir: %v", err)
	}
	rec := do(t, h, http.MethodGet, "/", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Aucun jeu de données") {
		t.Fatalf("status %d, body lacks the empty message:\n%s", rec.Code, rec.Body)
	}
}

func TestDatasetPage(t *testing.T) {
	fx := writeFixture(t)
	h, _ := newTestSite(t, fx, "")
	rec := do(t, h, http.MethodGet, "/jeux-de-donnees/"+sportDataset, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	body := rec.Body.String()
	tbody := between(t, body, `<table class="fields" id="champs">`, "</table>")
	if n := countOccurrences(between(t, tbody, "<tbody>", "</tbody>"), "<tr>"); n != len(sportFields) {
		t.Errorf("schema table has %d rows, want %d", n, len(sportFields))
	}
	sportSums := fx.Sums[sportDataset+"/"+sportLatest]
	for _, want := range []string{
		"<h1>Équipements sportifs</h1>",
		fmt.Sprintf("%d champs", len(sportFields)),
		"100 lignes lues, 97 acceptées, 3 rejetées",
		"contrainte non respectée",
		"valeur d&#39;un type incorrect",
		"<code>code_postal</code>",
		`<a href="https://www.etalab.gouv.fr/licence-ouverte-open-licence" rel="license">Licence Ouverte / Open Licence version 2.0</a>`,
		`<a href="https://data.paysdelaloire.fr/explore/dataset/equipements-sportifs">Portail open data de la Région</a>`,
		"Région Pays de la Loire (<a href=\"mailto:opendata@paysdelaloire.fr\">contact</a>)",
		"<td><code>id</code></td><td>Identifiant</td><td>texte (string)</td><td>oui</td>",
		"<td><code>commune</code></td><td>Commune</td><td>texte (string)</td><td>non</td>",
		"<td>nombre décimal (number)</td>",
		"1,2\u00a0Mo", // 1 234 567 bytes of Parquet
		sportSums["data.parquet"],
		sportSums["data.csv"],
		`href="/datasets/equipements-sportifs/` + sportOld + `/data.csv"`,
		`href="/datasets/equipements-sportifs/` + sportLatest + `/SHA256SUMS"`,
		"<code>" + sportOld + "</code> du 20 novembre 2026 à 5 h 00",
		"(dernière version)",
		`href="/catalog.jsonld"`,
		"/datasets/equipements-sportifs/latest/data.csv",
		"la valeur « 4400 » ne respecte pas le motif attendu",
		fmt.Sprintf(`download>SHA256SUMS</a></td><td>sommes de contrôle SHA-256</td><td class="num">%d octets</td>`, 4*(64+2+1)+len("data.csv")+len("data.parquet")+len("datapackage.json")+len("quality.json")),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("dataset page lacks %q", want)
		}
	}
	if strings.Contains(body, ".staging") {
		t.Error("dataset page lists the staging folder")
	}
	if n := countOccurrences(body, "(dernière version)"); n != 1 {
		t.Errorf("%d releases marked latest, want 1", n)
	}
}

func TestDatasetPageWithoutQuality(t *testing.T) {
	fx := writeFixture(t)
	writeFile(t, filepath.Join(fx.Dir, "datasets", schoolDataset, schoolLatest, "quality.json"), []byte("[oops"))
	h, logs := newTestSite(t, fx, "")
	rec := do(t, h, http.MethodGet, "/jeux-de-donnees/"+schoolDataset, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	if !strings.Contains(rec.Body.String(), "Le rapport de qualité de cette version n'est pas disponible.") {
		t.Error("page does not say the quality report is unavailable")
	}
	if !strings.Contains(logs.String(), "quality report unavailable") {
		t.Errorf("no warning logged; logs:\n%s", logs)
	}
}

func TestNotFoundPages(t *testing.T) {
	fx := writeFixture(t)
	h, _ := newTestSite(t, fx, "")
	for _, target := range []string{
		"/jeux-de-donnees/inconnu",
		"/jeux-de-donnees/orphelin",
		"/jeux-de-donnees/corrompu",
		"/jeux-de-donnees/sans-version",
		"/jeux-de-donnees/piege",
		"/nulle-part",
		"/datasets/inconnu/latest/data.csv",
	} {
		t.Run(target, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, target, nil)
			if rec.Code != http.StatusNotFound {
				t.Fatalf("status = %d, want 404", rec.Code)
			}
			body := rec.Body.String()
			if !strings.Contains(body, `<html lang="fr">`) || !strings.Contains(body, "Page introuvable") {
				t.Errorf("404 page is not the French page:\n%s", body)
			}
		})
	}
}

func TestTraversalAndHiddenNames(t *testing.T) {
	fx := writeFixture(t)
	h, _ := newTestSite(t, fx, "")
	rel := "/datasets/" + sportDataset + "/" + sportLatest
	for _, tc := range []struct{ name, target string }{
		{"dotdot", "/datasets/x/../../etc/passwd"},
		{"dotdot from dataset", "/datasets/" + sportDataset + "/../../../etc/passwd"},
		{"dotdot to catalog", rel + "/../../../catalog.jsonld"},
		{"encoded dots", "/datasets/%2e%2e/%2e%2e/etc/passwd"},
		{"encoded upper dots", "/datasets/x/%2E%2E/%2E%2E/etc/passwd"},
		{"encoded slash", "/datasets/" + sportDataset + "/latest/..%2f..%2fcatalog.jsonld"},
		{"encoded upper slash", "/datasets/" + sportDataset + "/latest/..%2F..%2Fcatalog.jsonld"},
		{"encoded dots and slash", rel + "/%2e%2e%2f%2e%2e%2fcatalog.jsonld"},
		{"backslash", rel + "/..%5c..%5ccatalog.jsonld"},
		{"nul byte", rel + "/data.csv%00"},
		{"staging folder", "/datasets/" + sportDataset + "/.staging-20261128T040000Z-beef/data.csv"},
		{"staging SHA256SUMS", "/datasets/" + sportDataset + "/.staging-20261128T040000Z-beef/SHA256SUMS"},
		{"hidden file", rel + "/.hidden"},
		{"hidden temp link", "/datasets/" + sportDataset + "/.latest-tmp/data.csv"},
		{"hidden dataset page", "/jeux-de-donnees/.staging"},
		{"unlisted file", rel + "/secret.txt"},
		{"unlisted via latest", "/datasets/" + sportDataset + "/latest/secret.txt"},
		{"symlink leaving the tree", "/datasets/piege/latest/data.csv"},
		{"latest as file", "/datasets/" + sportDataset + "/" + sportLatest + "/latest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodHead} {
				rec := do(t, h, method, tc.target, nil)
				if rec.Code != http.StatusNotFound {
					t.Fatalf("%s %s: status = %d, want 404; body:\n%.300s", method, tc.target, rec.Code, rec.Body)
				}
				if method == http.MethodGet && !strings.Contains(rec.Body.String(), "Page introuvable") {
					t.Errorf("%s: not the French 404 page", tc.target)
				}
				if strings.Contains(rec.Body.String(), "root:x") || strings.Contains(rec.Body.String(), "not published") {
					t.Fatalf("%s leaked a file", tc.target)
				}
			}
		})
	}
}

func TestTraversalOverRealConnection(t *testing.T) {
	// The client sends the raw paths unchanged, as a hostile client would.
	fx := writeFixture(t)
	h, _ := newTestSite(t, fx, "")
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, p := range []string{"/datasets/x/../../etc/passwd", "/datasets/%2e%2e/%2e%2e/etc/passwd", "/datasets/" + sportDataset + "/latest/..%2f..%2fcatalog.jsonld"} {
		conn, err := (&netDialer{}).dial(srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", p)
		raw, _ := io.ReadAll(conn)
		conn.Close()
		if !bytes.HasPrefix(raw, []byte("HTTP/1.1 404")) {
			t.Errorf("%s: got %.40q, want HTTP/1.1 404", p, raw)
		}
	}
}

func TestDownload(t *testing.T) {
	fx := writeFixture(t)
	h, _ := newTestSite(t, fx, "")
	sums := fx.Sums[sportDataset+"/"+sportLatest]
	parquet := fixtureDatasets()[0].Releases[1].Parquet
	rel := "/datasets/" + sportDataset + "/" + sportLatest + "/"
	sumsFile, err := os.ReadFile(filepath.Join(fx.Dir, "datasets", sportDataset, sportLatest, sumsName))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, target, wantType, wantETag, wantCache, wantLocation string
		want                                                      []byte
	}{
		{"csv", rel + "data.csv", "text/csv; charset=utf-8", sums["data.csv"], "public, max-age=31536000, immutable", "", sportCSV},
		{"parquet", rel + "data.parquet", "application/vnd.apache.parquet", sums["data.parquet"], "public, max-age=31536000, immutable", "", parquet},
		{"datapackage", rel + "datapackage.json", "application/json", sums["datapackage.json"], "public, max-age=31536000, immutable", "", nil},
		{"quality", rel + "quality.json", "application/json", sums["quality.json"], "public, max-age=31536000, immutable", "", nil},
		{"sums", rel + sumsName, "text/plain; charset=utf-8", hexSum(sumsFile), "public, max-age=31536000, immutable", "", sumsFile},
		{"latest csv", "/datasets/" + sportDataset + "/latest/data.csv", "text/csv; charset=utf-8", sums["data.csv"], "no-cache", rel + "data.csv", sportCSV},
		{"latest parquet", "/datasets/" + sportDataset + "/latest/data.parquet", "application/vnd.apache.parquet", sums["data.parquet"], "no-cache", rel + "data.parquet", parquet},
		{"old release", "/datasets/" + sportDataset + "/" + sportOld + "/data.csv", "text/csv; charset=utf-8", fx.Sums[sportDataset+"/"+sportOld]["data.csv"], "public, max-age=31536000, immutable", "", fixtureDatasets()[0].Releases[0].CSV},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, tc.target, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %.200s", rec.Code, rec.Body)
			}
			hd := rec.Header()
			if got := hd.Get("Content-Type"); got != tc.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tc.wantType)
			}
			if got := hd.Get("ETag"); got != `"`+tc.wantETag+`"` {
				t.Errorf("ETag = %q, want %q", got, tc.wantETag)
			}
			if got := hd.Get("Cache-Control"); got != tc.wantCache {
				t.Errorf("Cache-Control = %q, want %q", got, tc.wantCache)
			}
			if got := hd.Get("Content-Location"); got != tc.wantLocation {
				t.Errorf("Content-Location = %q, want %q", got, tc.wantLocation)
			}
			if hd.Get("Last-Modified") == "" {
				t.Error("no Last-Modified")
			}
			if tc.want != nil && !bytes.Equal(rec.Body.Bytes(), tc.want) {
				t.Errorf("body differs from the file (%d bytes, want %d)", rec.Body.Len(), len(tc.want))
			}
			if got := hexSum(rec.Body.Bytes()); got != tc.wantETag {
				t.Errorf("sha256 of body = %s, want %s", got, tc.wantETag)
			}
		})
	}
}

func TestDownloadConditionalRangeHead(t *testing.T) {
	fx := writeFixture(t)
	h, _ := newTestSite(t, fx, "")
	parquet := fixtureDatasets()[0].Releases[1].Parquet
	for _, target := range []string{
		"/datasets/" + sportDataset + "/" + sportLatest + "/data.parquet",
		"/datasets/" + sportDataset + "/latest/data.parquet",
	} {
		t.Run(target, func(t *testing.T) {
			first := do(t, h, http.MethodGet, target, nil)
			etag := first.Header().Get("ETag")
			if first.Code != http.StatusOK || etag == "" {
				t.Fatalf("first GET: status %d, ETag %q", first.Code, etag)
			}
			t.Run("If-None-Match", func(t *testing.T) {
				rec := do(t, h, http.MethodGet, target, map[string]string{"If-None-Match": etag})
				if rec.Code != http.StatusNotModified {
					t.Fatalf("status = %d, want 304", rec.Code)
				}
				if rec.Body.Len() != 0 {
					t.Errorf("304 with a %d-byte body", rec.Body.Len())
				}
			})
			t.Run("If-None-Match other", func(t *testing.T) {
				rec := do(t, h, http.MethodGet, target, map[string]string{"If-None-Match": `"0000"`})
				if rec.Code != http.StatusOK {
					t.Fatalf("status = %d, want 200", rec.Code)
				}
			})
			t.Run("If-Modified-Since", func(t *testing.T) {
				rec := do(t, h, http.MethodGet, target, map[string]string{"If-Modified-Since": first.Header().Get("Last-Modified")})
				if rec.Code != http.StatusNotModified {
					t.Fatalf("status = %d, want 304", rec.Code)
				}
			})
			for _, rc := range []struct {
				name, header string
				from, to     int // inclusive
			}{
				{"middle", "bytes=100000-100099", 100000, 100099},
				{"start", "bytes=0-3", 0, 3},
				{"suffix", "bytes=-4", len(parquet) - 4, len(parquet) - 1},
				{"open end", fmt.Sprintf("bytes=%d-", len(parquet)-10), len(parquet) - 10, len(parquet) - 1},
			} {
				t.Run("Range "+rc.name, func(t *testing.T) {
					rec := do(t, h, http.MethodGet, target, map[string]string{"Range": rc.header})
					if rec.Code != http.StatusPartialContent {
						t.Fatalf("status = %d, want 206", rec.Code)
					}
					if !bytes.Equal(rec.Body.Bytes(), parquet[rc.from:rc.to+1]) {
						t.Errorf("range body differs from bytes %d-%d of the file", rc.from, rc.to)
					}
					wantCR := fmt.Sprintf("bytes %d-%d/%d", rc.from, rc.to, len(parquet))
					if got := rec.Header().Get("Content-Range"); got != wantCR {
						t.Errorf("Content-Range = %q, want %q", got, wantCR)
					}
				})
			}
			t.Run("Range unsatisfiable", func(t *testing.T) {
				rec := do(t, h, http.MethodGet, target, map[string]string{"Range": fmt.Sprintf("bytes=%d-", len(parquet)+5)})
				if rec.Code != http.StatusRequestedRangeNotSatisfiable {
					t.Fatalf("status = %d, want 416", rec.Code)
				}
			})
			t.Run("HEAD", func(t *testing.T) {
				rec := do(t, h, http.MethodHead, target, nil)
				if rec.Code != http.StatusOK {
					t.Fatalf("status = %d, want 200", rec.Code)
				}
				if rec.Body.Len() != 0 {
					t.Errorf("HEAD returned %d body bytes", rec.Body.Len())
				}
				if got := rec.Header().Get("Content-Length"); got != strconv.Itoa(len(parquet)) {
					t.Errorf("Content-Length = %q, want %d", got, len(parquet))
				}
				if rec.Header().Get("ETag") != etag {
					t.Errorf("HEAD ETag = %q, want %q", rec.Header().Get("ETag"), etag)
				}
			})
		})
	}
}

func TestLatestSwitchWithoutRestart(t *testing.T) {
	fx := writeFixture(t)
	h, _ := newTestSite(t, fx, "")
	oldCSV := fixtureDatasets()[0].Releases[0].CSV
	target := "/datasets/" + sportDataset + "/latest/data.csv"
	if rec := do(t, h, http.MethodGet, target, nil); !bytes.Equal(rec.Body.Bytes(), sportCSV) {
		t.Fatal("latest does not serve the newest release before the switch")
	}
	switchLatest(t, fx.Dir, sportDataset, sportOld)
	rec := do(t, h, http.MethodGet, target, nil)
	if !bytes.Equal(rec.Body.Bytes(), oldCSV) {
		t.Error("latest still serves the previous release after the switch")
	}
	if got, want := rec.Header().Get("Content-Location"), "/datasets/"+sportDataset+"/"+sportOld+"/data.csv"; got != want {
		t.Errorf("Content-Location = %q, want %q", got, want)
	}
	page := do(t, h, http.MethodGet, "/", nil).Body.String()
	if !strings.Contains(page, "mis à jour le 20 novembre 2026") || !strings.Contains(page, "90 lignes") {
		t.Error("home page does not show the switched release")
	}
}

func TestLatestLinkMustStayInDataset(t *testing.T) {
	for _, tc := range []struct{ name, target string }{
		{"absolute", "/etc"},
		{"parent", "../" + schoolDataset + "/" + schoolLatest},
		{"self", "latest"},
		{"hidden", ".staging-20261128T040000Z-beef"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := writeFixture(t)
			link := filepath.Join(fx.Dir, "datasets", sportDataset, latestName)
			if err := os.Remove(link); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(tc.target, link); err != nil {
				t.Fatal(err)
			}
			h, _ := newTestSite(t, fx, "")
			if rec := do(t, h, http.MethodGet, "/datasets/"+sportDataset+"/latest/data.csv", nil); rec.Code != http.StatusNotFound {
				t.Errorf("download via latest -> %q: status %d, want 404", tc.target, rec.Code)
			}
			if rec := do(t, h, http.MethodGet, "/jeux-de-donnees/"+sportDataset, nil); rec.Code != http.StatusNotFound {
				t.Errorf("dataset page via latest -> %q: status %d, want 404", tc.target, rec.Code)
			}
		})
	}
}

func TestCatalogHealthzStyle(t *testing.T) {
	fx := writeFixture(t)
	h, _ := newTestSite(t, fx, "")
	rec := do(t, h, http.MethodGet, "/catalog.jsonld", nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/ld+json" {
		t.Errorf("catalog: status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !strings.Contains(rec.Body.String(), "dcat:Catalog") {
		t.Error("catalog body is not the file")
	}
	rec = do(t, h, http.MethodGet, "/healthz", nil)
	if rec.Code != http.StatusOK || rec.Body.String() != "ok" {
		t.Errorf("healthz: status %d, body %q", rec.Code, rec.Body)
	}
	home := do(t, h, http.MethodGet, "/", nil).Body.String()
	css := regexp.MustCompile(`href="(/static/style\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(home)
	if css == nil {
		t.Fatal("home page does not link the style sheet")
	}
	rec = do(t, h, http.MethodGet, css[1], nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") || !bytes.Equal(rec.Body.Bytes(), styleCSS) {
		t.Errorf("style: status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if strings.Contains(string(styleCSS), "url(") || strings.Contains(string(styleCSS), "@import") || strings.Contains(string(styleCSS), "//") {
		t.Error("style sheet refers to external resources")
	}
	if err := os.Remove(filepath.Join(fx.Dir, "catalog.jsonld")); err != nil {
		t.Fatal(err)
	}
	if rec := do(t, h, http.MethodGet, "/catalog.jsonld", nil); rec.Code != http.StatusNotFound {
		t.Errorf("missing catalog: status %d, want 404", rec.Code)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	fx := writeFixture(t)
	h, _ := newTestSite(t, fx, "")
	for _, target := range []string{"/", "/jeux-de-donnees/" + sportDataset, "/datasets/" + sportDataset + "/latest/data.csv"} {
		rec := do(t, h, http.MethodPost, target, nil)
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("POST %s: status %d, want 405", target, rec.Code)
		}
	}
}

func TestBaseURLLinks(t *testing.T) {
	fx := writeFixture(t)
	h, _ := newTestSite(t, fx, "https://donnees.example.fr/")
	body := do(t, h, http.MethodGet, "/jeux-de-donnees/"+sportDataset, nil).Body.String()
	for _, want := range []string{
		`<link rel="canonical" href="https://donnees.example.fr/jeux-de-donnees/equipements-sportifs">`,
		`href="https://donnees.example.fr/datasets/equipements-sportifs/` + sportLatest + `/data.csv"`,
		`href="https://donnees.example.fr/catalog.jsonld"`,
		"https://donnees.example.fr/datasets/equipements-sportifs/latest/data.csv",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestNewErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "fichier")
	writeFile(t, file, []byte("x"))
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"no dir", Options{}},
		{"dir is a file", Options{PublicDir: file}},
		{"relative base", Options{PublicDir: t.TempDir(), BaseURL: "/site"}},
		{"ftp base", Options{PublicDir: t.TempDir(), BaseURL: "ftp://example.fr"}},
		{"base with query", Options{PublicDir: t.TempDir(), BaseURL: "https://example.fr/?a=b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.opts); err == nil {
				t.Error("New succeeded, want an error")
			}
		})
	}
}

func TestAccessLogAtDebug(t *testing.T) {
	fx := writeFixture(t)
	h, logs := newTestSite(t, fx, "")
	do(t, h, http.MethodGet, "/healthz", nil)
	if !strings.Contains(logs.String(), "level=DEBUG msg=\"http request\" method=GET path=/healthz status=200") {
		t.Errorf("no access log line; logs:\n%s", logs)
	}
}
