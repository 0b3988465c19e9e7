package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/output"
)

// getAs requests target from h as if sent to host, with the Accept header.
func getAs(h http.Handler, host, target, accept string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Host = host
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// writtenBase is the address a run wrote the catalogue under, which the
// site is not served from in these tests.
const writtenBase = "http://ecrit.example:8080"

// TestOneBaseURL: served under another name than the one the run wrote,
// the catalogue (JSON-LD and Turtle), the feeds and the pages only name
// the address they are served from; a configured base wins over the
// request's.
func TestOneBaseURL(t *testing.T) {
	h, public := apiSite(t, Options{})
	if err := output.WriteCatalog(public, output.CatalogMeta{Title: "Catalogue", Publisher: "Région", BaseURL: writtenBase, Homepage: writtenBase + "/"}); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/catalog.jsonld", "/catalog.ttl", "/flux.atom", "/jeux-de-donnees/" + apiDataset} {
		rec := getAs(h, "donnees.example.fr", target, "")
		body := rec.Body.String()
		if rec.Code != http.StatusOK || strings.Contains(body, "ecrit.example") || strings.Contains(body, "127.0.0.1") {
			t.Errorf("%s: status %d, names another address", target, rec.Code)
		}
		if !strings.Contains(body, "http://donnees.example.fr/") {
			t.Errorf("%s: does not name the address it is served from", target)
		}
	}
	ttl := getAs(h, "donnees.example.fr", "/catalog.ttl", "").Body.String()
	if !strings.Contains(ttl, "<http://donnees.example.fr/datasets/lieux-api> a dcat:Dataset") {
		t.Errorf("Turtle catalogue lacks the dataset under the served address")
	}
	// A forged Host never reaches the catalogue.
	if body := getAs(h, `evil.example"><script>`, "/catalog.jsonld", "").Body.String(); strings.Contains(body, "evil") || !strings.Contains(body, "http://localhost/datasets/lieux-api") {
		t.Errorf("forged host: catalogue not under http://localhost")
	}
	hc, err := New(Options{PublicDir: public, BaseURL: "https://donnees.paysdelaloire.fr/"})
	if err != nil {
		t.Fatal(err)
	}
	body := getAs(hc, "127.0.0.1:8080", "/catalog.jsonld", "").Body.String()
	if strings.Contains(body, "127.0.0.1") || strings.Contains(body, "ecrit.example") || !strings.Contains(body, `"https://donnees.paysdelaloire.fr/datasets/lieux-api"`) {
		t.Errorf("configured base not used in the catalogue")
	}
}

// TestDCATIdentifierResolves: a dataset's DCAT identifier answers its page
// to a browser, its description to an RDF client.
func TestDCATIdentifierResolves(t *testing.T) {
	h, _ := apiSite(t, Options{})
	id := "/datasets/" + apiDataset
	rec := getAs(h, "donnees.example.fr", id, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/jeux-de-donnees/"+apiDataset {
		t.Errorf("browser: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	rec = getAs(h, "donnees.example.fr", id, "text/turtle")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/turtle; charset=utf-8" ||
		!strings.Contains(rec.Body.String(), "<http://donnees.example.fr/datasets/lieux-api> a dcat:Dataset") ||
		!strings.Contains(rec.Header().Get("Vary"), "Accept") {
		t.Errorf("Turtle: %d %v\n%.400s", rec.Code, rec.Header(), rec.Body)
	}
	rec = getAs(h, "donnees.example.fr", id, "application/ld+json")
	var doc struct {
		Graph []map[string]any `json:"@graph"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Header().Get("Content-Type") != "application/ld+json" {
		t.Fatalf("JSON-LD: %v %v", err, rec.Header())
	}
	if len(doc.Graph) != 1 || doc.Graph[0]["@id"] != "http://donnees.example.fr/datasets/lieux-api" || doc.Graph[0]["@type"] != "dcat:Dataset" {
		t.Errorf("JSON-LD graph: %v", doc.Graph)
	}
	if rec := getAs(h, "x", "/datasets/inconnu", "text/turtle"); rec.Code != http.StatusNotFound {
		t.Errorf("unknown dataset: %d", rec.Code)
	}
}

// TestAddressVariantsResolve: trailing slashes and latest lead to the
// page they mean; a release that does not exist is a 404.
func TestAddressVariantsResolve(t *testing.T) {
	h, _ := apiSite(t, Options{})
	for _, tc := range []struct {
		target, location string
		status           int
	}{
		{"/jeux-de-donnees/" + apiDataset + "/", "/jeux-de-donnees/" + apiDataset, 301},
		{"/jeux-de-donnees/" + apiDataset + "/?filtre=x", "/jeux-de-donnees/" + apiDataset + "?filtre=x", 301},
		{"/jeux-de-donnees/", "/", 301},
		{"/datasets/" + apiDataset + "/", "/datasets/" + apiDataset, 301},
		{"/datasets/" + apiDataset + "/latest", releasePageURL(apiDataset, apiRelease), 302},
		{"/datasets/" + apiDataset + "/latest/", releasePageURL(apiDataset, apiRelease), 302},
		{"/datasets/" + apiDataset + "/" + apiRelease + "/", releasePageURL(apiDataset, apiRelease), 301},
		{releasePageURL(apiDataset, "latest"), releasePageURL(apiDataset, apiRelease), 302},
		{releasePageURL(apiDataset, apiRelease) + "/", releasePageURL(apiDataset, apiRelease), 301},
		{"/datasets/" + apiDataset + "/20990101T000000Z-0000/", "", 404},
		{"/indicateurs/lieux-par-departement/", "/indicateurs/lieux-par-departement", 301},
		{"/indicators/lieux-par-departement/", "/indicators/lieux-par-departement", 301},
		{"/rapports/tourisme/?territoire=departement-44", "/rapports/tourisme?territoire=departement-44", 301},
	} {
		rec := getAs(h, "x", tc.target, "")
		if rec.Code != tc.status || rec.Header().Get("Location") != tc.location {
			t.Errorf("%s: %d to %q, want %d to %q", tc.target, rec.Code, rec.Header().Get("Location"), tc.status, tc.location)
		}
	}
	if rec := getAs(h, "x", "/datasets/"+apiDataset+"/latest/data.csv", ""); rec.Code != http.StatusOK {
		t.Errorf("latest file: %d", rec.Code)
	}
}

func TestNegotiateRDF(t *testing.T) {
	for accept, want := range map[string]string{
		"":                                   "",
		"*/*":                                "",
		"text/turtle":                        turtleType,
		"application/ld+json":                jsonldType,
		"application/json":                   jsonldType,
		"text/html, text/turtle;q=0.5":       "",
		"text/turtle;q=0.9, text/html;q=0.8": turtleType,
		"application/ld+json;q=0.4, text/turtle;q=0.6": turtleType,
		"text/turtle;q=0": "",
		"garbage;;;":      "",
	} {
		if got := negotiateRDF(accept); got != want {
			t.Errorf("%q: %q, want %q", accept, got, want)
		}
	}
}

func TestRebase(t *testing.T) {
	in := `{"@id": "http://a.example:8080/catalog.jsonld#catalog", "x": "http://a.example:8080/datasets/d", "y": "http://a.example:80800/z"}`
	got := string(rebase([]byte(in), "https://b.example"))
	want := `{"@id": "https://b.example/catalog.jsonld#catalog", "x": "https://b.example/datasets/d", "y": "http://a.example:80800/z"}`
	if got != want {
		t.Errorf("rebase:\n got %s\nwant %s", got, want)
	}
	rel := `{"@id": "/catalog.jsonld#catalog"}`
	if got := string(rebase([]byte(rel), "https://b.example")); got != rel {
		t.Errorf("relative catalogue changed: %s", got)
	}
}
