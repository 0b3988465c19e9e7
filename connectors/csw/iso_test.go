package csw

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/ligerdata/ligerdata/connectors"
)

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/samples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeRealSamples(t *testing.T) {
	tests := []struct {
		file                    string
		matched, returned, next int
		ids                     []string
	}{
		{"udata-geonetwork-iso19139-page-1.xml", 6, 2, 3, []string{"fr-120066022-ldd-56fce164-04b2-41ae-be87-9f256f39dd44", "fr-120066022-ldd-777b1c6b-36a7-4650-befa-e4be638cd694"}},
		{"udata-geonetwork-iso19139-page-5.xml", 6, 2, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			p, err := DecodePage(readSample(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if p.Matched != tc.matched || p.Returned != tc.returned || p.Next != tc.next || !p.HasNext {
				t.Errorf("matched %d returned %d next %d (has %v), want %d %d %d", p.Matched, p.Returned, p.Next, p.HasNext, tc.matched, tc.returned, tc.next)
			}
			if len(p.Records) != tc.returned {
				t.Fatalf("%d records, want %d", len(p.Records), tc.returned)
			}
			for i, want := range tc.ids {
				if got := p.Records[i]["identifier"]; got != want {
					t.Errorf("record %d identifier %v, want %s", i, got, want)
				}
			}
		})
	}
}

func TestDecodeFirstSampleSheet(t *testing.T) {
	p, err := DecodePage(readSample(t, "udata-geonetwork-iso19139-page-1.xml"))
	if err != nil {
		t.Fatal(err)
	}
	f := p.Records[0]
	want := map[string]any{
		"title":            "Plan local d'urbanisme de la commune de Cartigny",
		"hierarchy_level":  "dataset",
		"organisation":     "DDTM 80 (Direction Départementale des Territoires et de la Mer de la Somme)",
		"contact_email":    "ddtm-sap-bsig@somme.gouv.fr",
		"metadata_date":    "2019-03-25",
		"creation_date":    "2013-03-08",
		"publication_date": "2017-10-07",
		"revision_date":    nil,
		"crs":              "2154",
		"licence":          "Licence Ouverte 1.0 http://www.data.gouv.fr/Licence-Ouverte-Open-Licence.",
		"licence_id":       "etalab-1.0",
		// The fixture's box has west 3.28133559 > east 1.31279111.
		"bbox_west":     json.Number("1.31279111"),
		"bbox_east":     json.Number("3.28133559"),
		"bbox_south":    json.Number("49.38547516"),
		"bbox_north":    json.Number("50.48188019"),
		"bbox_repaired": true,
		"wfs_url":       nil,
	}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("%s = %#v, want %#v", k, f[k], v)
		}
	}
	kw, _ := f["keywords"].([]any)
	if len(kw) != 7 || kw[0] != "Aménagement Urbanisme/Zonages Planification" || kw[2] != "cartigny" {
		t.Errorf("keywords = %v", kw)
	}
	if th, _ := f["themes"].([]any); len(th) != 2 || th[1] != "GEMET - INSPIRE themes, version 1.0" {
		t.Errorf("themes = %v", th)
	}
	if tc, _ := f["topic_category"].([]any); len(tc) != 1 || tc[0] != "planningCadastre" {
		t.Errorf("topic_category = %v", tc)
	}
	if ac, _ := f["access_constraints"].([]any); len(ac) != 2 || ac[0] != "otherRestrictions" {
		t.Errorf("access_constraints = %v", ac)
	}
	var res []resource
	if err := json.Unmarshal([]byte(f["online_resources"].(string)), &res); err != nil {
		t.Fatalf("online_resources is not JSON: %v", err)
	}
	if len(res) != 11 {
		t.Errorf("%d online resources, want the 11 of the sheet", len(res))
	}
	if res[0].Protocol != "WWW:DOWNLOAD-1.0-http--download" || res[0].Name != "Vue XML des métadonnées" || !strings.Contains(res[0].URL, "REQUEST=GetRecordById&SERVICE=CSW") {
		t.Errorf("first resource = %+v", res[0])
	}
}

func TestDecodeDCATIsNotISO(t *testing.T) {
	p, err := DecodePage(readSample(t, "udata-geonetwork-dcat-page-1.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Records) != 2 {
		t.Fatalf("%d records, want 2", len(p.Records))
	}
	for i, r := range p.Records {
		if msg, _ := r[connectors.ErrorField].(string); !strings.Contains(msg, "RDF") {
			t.Errorf("record %d: %v, want an error record naming rdf:RDF", i, r)
		}
	}
}

// sheetWithTitle is a one-sheet page whose title is title, with the given
// XML prolog encoding.
func sheetWithTitle(encoding, title string) string {
	return `<?xml version="1.0" encoding="` + encoding + `"?>
<csw:GetRecordsResponse xmlns:csw="http://www.opengis.net/cat/csw/2.0.2"><csw:SearchResults numberOfRecordsMatched="1" numberOfRecordsReturned="1" nextRecord="0">
<gmd:MD_Metadata xmlns:gmd="http://www.isotc211.org/2005/gmd" xmlns:gco="http://www.isotc211.org/2005/gco">
<gmd:fileIdentifier><gco:CharacterString>x</gco:CharacterString></gmd:fileIdentifier>
<gmd:characterSet><gmd:MD_CharacterSetCode codeListValue="8859part15">8859part15</gmd:MD_CharacterSetCode></gmd:characterSet>
<gmd:identificationInfo><gmd:MD_DataIdentification><gmd:citation><gmd:CI_Citation><gmd:title><gco:CharacterString>` + title + `</gco:CharacterString></gmd:title></gmd:CI_Citation></gmd:citation></gmd:MD_DataIdentification></gmd:identificationInfo>
</gmd:MD_Metadata></csw:SearchResults></csw:GetRecordsResponse>`
}

func latin9(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.ISO8859_15.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCharsets(t *testing.T) {
	const title = "Périmètres des zones humides — œuvre de l'État €"
	const latinTitle = "Périmètres des zones humides, œuvre de l'État €"
	tests := []struct {
		name    string
		body    []byte
		want    string
		wantErr string
	}{
		{"UTF-8 declared and served", []byte(sheetWithTitle("UTF-8", title)), title, ""},
		{"ISO-8859-15 declared, UTF-8 served", []byte(sheetWithTitle("ISO-8859-15", title)), title, ""},
		{"ISO-8859-15 declared and served", latin9(t, sheetWithTitle("ISO-8859-15", latinTitle)), latinTitle, ""},
		{"windows-1252 declared and served", []byte(sheetWithTitle("windows-1252", "Caf\xe9 \x80")), "Café €", ""},
		{"UTF-8 declared, Latin-9 served", latin9(t, sheetWithTitle("UTF-8", latinTitle)), "", "invalid XML"},
		{"unknown charset", []byte(sheetWithTitle("x-martian", "Caf\xe9")), "", "unsupported charset"},
		{"byte-order mark", append([]byte("\xef\xbb\xbf"), sheetWithTitle("UTF-8", title)...), title, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := DecodePage(tc.body)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("DecodePage = %v, want an error with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Records[0]["title"]; got != tc.want {
				t.Errorf("title = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestBoundingBox(t *testing.T) {
	tests := []struct {
		name         string
		boxes        []bbox
		want         [4]any
		wantRepaired bool
	}{
		{"in order", []bbox{{"-2.5581", "-0.9316", "46.8603", "47.8338"}}, [4]any{json.Number("-2.5581"), json.Number("-0.9316"), json.Number("46.8603"), json.Number("47.8338")}, false},
		{"west and east swapped", []bbox{{"-0.0496", "-1.2384", "47.7342", "48.5679"}}, [4]any{json.Number("-1.2384"), json.Number("-0.0496"), json.Number("47.7342"), json.Number("48.5679")}, true},
		{"south and north swapped", []bbox{{"-1", "0", "48.5", "47.5"}}, [4]any{json.Number("-1"), json.Number("0"), json.Number("47.5"), json.Number("48.5")}, true},
		{"union of two boxes", []bbox{{"-2", "-1", "47", "48"}, {"-1.5", "0.5", "46.5", "47.5"}}, [4]any{json.Number("-2"), json.Number("0.5"), json.Number("46.5"), json.Number("48")}, false},
		{"not a number kept as written", []bbox{{"-2,5", "-1", "47", "48"}}, [4]any{"-2,5", "-1", "47", "48"}, false},
		{"missing coordinate", []bbox{{"", "-1", "47", "48"}}, [4]any{nil, "-1", "47", "48"}, false},
		{"Lambert-93 metres kept for the schema to reject", []bbox{{"449000", "551000", "6711000", "6830000"}}, [4]any{json.Number("449000"), json.Number("551000"), json.Number("6711000"), json.Number("6830000")}, false},
		{"no box", nil, [4]any{nil, nil, nil, nil}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &isoRecord{boxes: tc.boxes}
			w, e, s, n, repaired := r.bbox()
			if got := [4]any{w, e, s, n}; got != tc.want || repaired != tc.wantRepaired {
				t.Errorf("bbox() = %v repaired %v, want %v repaired %v", got, repaired, tc.want, tc.wantRepaired)
			}
		})
	}
}

func TestGuessLicence(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"Licence Ouverte 1.0 of the Géo-IDE sample", "Licence Ouverte 1.0 http://www.data.gouv.fr/Licence-Ouverte-Open-Licence.", "etalab-1.0"},
		{"Licence Ouverte 2.0", "Licence Ouverte version 2.0 (Etalab) : https://www.etalab.gouv.fr/licence-ouverte-open-licence", "etalab-2.0"},
		{"unversioned Licence Ouverte", "Données diffusées sous Licence ouverte d'Etalab", "etalab-2.0"},
		{"ODbL", "Open Database License (ODbL) 1.0", "odc-odbl"},
		{"CC BY", "Creative Commons Attribution 4.0 International (CC BY 4.0)", "cc-by-4.0"},
		{"CC BY-SA", "Licence CC-BY-SA 4.0", "cc-by-sa-4.0"},
		{"CC BY-NC-SA", "cc by-nc-sa", "cc-by-nc-sa-4.0"},
		{"CC0", "Domaine public (CC0)", "cc0-1.0"},
		{"no licence", "Pas de restriction d'accès public selon INSPIRE", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := guessLicence(tc.text); got != tc.want {
				t.Errorf("guessLicence(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestISODate(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"date", "2017-10-07", "2017-10-07"},
		{"date and time with offset", "2019-03-25T22:55:41.312+01:00", "2019-03-25"},
		{"year only kept", "2017", "2017"},
		{"French date kept", "07/10/2017", "07/10/2017"},
		{"spaces trimmed", "  2020-01-02\n", "2020-01-02"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := isoDate(tc.in); got != tc.want {
				t.Errorf("isoDate(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestGetRecordsBodyIsStable(t *testing.T) {
	a := GetRecordsBody(SchemaGMD, "type = 'dataset'", 11, 10)
	b := GetRecordsBody(SchemaGMD, "type = 'dataset'", 11, 10)
	if string(a) != string(b) {
		t.Error("two calls with the same arguments give different bodies")
	}
	if string(GetRecordsBody(SchemaGMD, "", 1, 10)) == string(GetRecordsBody(SchemaGMD, "", 11, 10)) {
		t.Error("pages 1 and 2 have the same body: the replay could not tell them apart")
	}
	if strings.Contains(string(GetRecordsBody(SchemaGMD, "", 1, 10)), "Constraint") {
		t.Error("an empty constraint still sends csw:Constraint")
	}
}
