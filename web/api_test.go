package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

const recordsPath = "/api/explore/v2.1/catalog/datasets/" + apiDataset + "/records"

// apiGet fetches path and returns the status, the headers and the body.
func apiGet(t *testing.T, base, path string, header ...string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

type recordsAnswer struct {
	TotalCount int64            `json:"total_count"`
	Results    []map[string]any `json:"results"`
}

func query(params ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		v.Add(params[i], params[i+1])
	}
	return recordsPath + "?" + v.Encode()
}

// TestAPIRecords checks answers worked out by hand from apiRows.
func TestAPIRecords(t *testing.T) {
	srv, _ := apiServer(t)
	tests := []struct {
		name  string
		path  string
		total int64
		want  []map[string]any
	}{
		{"where and order_by", query("where", `departement="44"`, "order_by", "nom", "select", "id"), 3,
			// 44: L1 Médiathèque, L2 FabLab, L5 Atelier: sorted A < F < M.
			[]map[string]any{{"id": "L5"}, {"id": "L2"}, {"id": "L1"}}},
		{"limit and offset in file order", query("select", "id", "limit", "2", "offset", "3"), 6,
			[]map[string]any{{"id": "L4"}, {"id": "L5"}}},
		{"group_by with aggregates", query("select", "departement, count(*) as n, sum(capacite) as places", "group_by", "departement", "order_by", "departement"), 3,
			// 44: 10 + 25 + null = 35; 49: 40 + 5 = 45; 85: 12.
			[]map[string]any{{"departement": "44", "n": 3.0, "places": 35.0}, {"departement": "49", "n": 2.0, "places": 45.0}, {"departement": "85", "n": 1.0, "places": 12.0}}},
		{"full-text search, accents and case folded", query("where", `"FÂBLAB"`, "select", "id"), 2,
			[]map[string]any{{"id": "L2"}, {"id": "L5"}}},
		{"full-text search matches word beginnings", query("where", `"MÉDIATH"`, "select", "id"), 1, []map[string]any{{"id": "L1"}}},
		{"full-text search does not match inside a word", query("where", `"thèque"`, "select", "id"), 0, nil},
		{"full-text search finds a postal code", query("where", `"44400"`, "select", "id"), 1, []map[string]any{{"id": "L2"}}},
		{"full-text search needs every word", query("where", `"fablab rezé"`, "select", "id"), 1, []map[string]any{{"id": "L2"}}},
		// "wi-fi" is the words wi and fi, in the labels of L1, L4 and L6.
		{"search(*) looks in list fields too", query("where", `search(*, "wi-fi")`, "select", "id"), 3,
			[]map[string]any{{"id": "L1"}, {"id": "L4"}, {"id": "L6"}}},
		// Sorted by departement: 44 L1 L2 L5, 49 L3 L6, 85 L4, ties in file
		// order; the second page of two is L5, L3.
		{"ties of order_by in file order", query("order_by", "departement", "select", "id", "limit", "2", "offset", "2"), 6,
			[]map[string]any{{"id": "L5"}, {"id": "L3"}}},
		{"search() on one field", query("where", `search(nom, "demy")`, "select", "id"), 1, []map[string]any{{"id": "L1"}}},
		{"like", query("where", `nom like "tiers"`, "select", "id"), 1, []map[string]any{{"id": "L6"}}},
		{"startswith", query("where", `startswith(code_postal, "44")`, "select", "id", "order_by", "id desc"), 3,
			[]map[string]any{{"id": "L5"}, {"id": "L2"}, {"id": "L1"}}},
		{"in, not, is null", query("where", `departement in ("49", "85") and not ouvert is true`, "select", "id"), 2,
			// L3 ouvert true (out), L4 null (in), L6 false (in).
			[]map[string]any{{"id": "L4"}, {"id": "L6"}}},
		{"numeric range", query("where", `capacite in [10..25[`, "select", "id"), 2, []map[string]any{{"id": "L1"}, {"id": "L4"}}},
		{"date comparison and year()", query("where", `debut >= date'2020' and year(debut) < 2022`, "select", "id, year(debut) as an"), 2,
			[]map[string]any{{"id": "L1", "an": 2021.0}, {"id": "L3", "an": 2020.0}}},
		{"datetime in a time zone", query("where", `id = "L2"`, "select", "maj, day(maj) as jour", "timezone", "Europe/Paris"), 1,
			// 2024-07-01 22:00 UTC is 2024-07-02 00:00 in Paris (UTC+2 in summer).
			[]map[string]any{{"maj": "2024-07-02T00:00:00+02:00", "jour": 2.0}}},
		{"list field equality", query("where", `labels = "Café"`, "select", "id, labels"), 1,
			[]map[string]any{{"id": "L6", "labels": []any{"Accessible", "Wi-Fi", "Café"}}}},
		{"refine and exclude", query("refine", "departement:44", "exclude", `ouvert:"false"`, "select", "id"), 2,
			[]map[string]any{{"id": "L1"}, {"id": "L5"}}},
		{"refine on a date by month", query("refine", "debut:2019/06", "select", "id"), 1, []map[string]any{{"id": "L2"}}},
		{"aggregate without group", query("select", "avg(note) as m, max(debut) as d, min(maj) as t"), 1,
			// notes 4.5 + 3 + 2.25 + 5 + 1.5 = 16.25 over 5 = 3.25.
			[]map[string]any{{"m": 3.25, "d": "2022-11-30", "t": "2022-08-01T06:15:00+00:00"}}},
		{"bounding box on coordinates", query("where", `latitude > 47.2 and longitude < -1.5`, "select", "id"), 2,
			[]map[string]any{{"id": "L1"}, {"id": "L5"}}},
		{"injection attempt stays a value", query("where", `nom = "x' OR 1=1; DROP TABLE t; --"`), 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, b := apiGet(t, srv.URL, tt.path)
			if status != 200 {
				t.Fatalf("status %d: %s", status, b)
			}
			if h.Get("Ligerdata-Release") != apiRelease || h.Get("ETag") == "" || h.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("headers: %v", h)
			}
			var got recordsAnswer
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("%v: %s", err, b)
			}
			if got.TotalCount != tt.total || !reflect.DeepEqual(got.Results, tt.want) && !(len(got.Results) == 0 && len(tt.want) == 0) {
				t.Errorf("got %d %v\nwant %d %v", got.TotalCount, got.Results, tt.total, tt.want)
			}
		})
	}
}

// TestAPIRecordsKeepTheOrderOfFields checks that a record lists the fields
// in schema order, with every type rendered as ODS does.
func TestAPIRecordsKeepTheOrderOfFields(t *testing.T) {
	srv, _ := apiServer(t)
	_, _, b := apiGet(t, srv.URL, query("where", `id = "L4"`))
	want := `{"total_count": 1, "results": [{"id":"L4","nom":"Cyber-base \"La Roche\"","departement":"85","code_postal":"85000",` +
		`"capacite":12,"note":2.25,"ouvert":null,"debut":null,"maj":"2023-12-31T23:59:00+00:00","labels":["Wi-Fi"],"latitude":46.6705,"longitude":-1.426}]}` + "\n"
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

// TestAPIErrors checks the refusals: status, ODS error body, French text.
func TestAPIErrors(t *testing.T) {
	srv, _ := apiServer(t)
	tests := []struct {
		path, code, contains string
		status               int
	}{
		{query("where", "inconnu = 1"), "ODSQLError", "champ inconnu « inconnu »", 400},
		{query("where", `nom = "a`), "ODSQLError", "chaîne de caractères non fermée", 400},
		{query("where", `capacite = "beaucoup"`), "ODSQLError", "n'est pas un nombre", 400},
		{query("where", `1 = 1`), "ODSQLError", "une comparaison porte sur un champ", 400},
		{query("select", "nom; DROP TABLE t"), "ODSQLError", "caractère inattendu « ; »", 400},
		{query("select", "nom", "group_by", "departement"), "ODSQLError", "doit figurer dans group_by", 400},
		{query("limit", "101"), "InvalidRESTParameterError", "limit doit être compris entre 0 et 100", 400},
		{query("limit", "100", "offset", "9950"), "InvalidRESTParameterError", "offset + limit ne peut dépasser 10000", 400},
		{query("timezone", "Mars/Olympus"), "ODSQLError", "fuseau horaire inconnu", 400},
		{query("release", "20200101T000000Z-0000"), "NotFound", "introuvable", 404},
		{"/api/explore/v2.1/catalog/datasets/absent/records", "NotFound", "introuvable", 404},
		{"/api/explore/v2.1/catalog/datasets/" + apiDataset + "/exports/xlsx", "InvalidRESTParameterError", "format d'export inconnu", 400},
		{"/api/explore/v2.1/catalog/datasets/" + apiDataset + "/exports/geojson", "InvalidRESTParameterError", "pas de champ géographique", 400},
	}
	for _, tt := range tests {
		status, h, b := apiGet(t, srv.URL, tt.path)
		var e struct {
			Code    string `json:"error_code"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(b, &e); err != nil || status != tt.status || e.Code != tt.code || !strings.Contains(e.Message, tt.contains) {
			t.Errorf("%s: got %d %s (%v), want %d %s containing %q", tt.path, status, b, err, tt.status, tt.code, tt.contains)
		}
		if h.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: no CORS header on an error", tt.path)
		}
	}
}

// TestAPIReleaseAndETag checks ?release=, the ETag and 304.
func TestAPIReleaseAndETag(t *testing.T) {
	srv, _ := apiServer(t)
	p := query("select", "id", "limit", "1", "release", apiRelease)
	status, h, _ := apiGet(t, srv.URL, p)
	if status != 200 || !strings.Contains(h.Get("Cache-Control"), "immutable") {
		t.Fatalf("status %d, Cache-Control %q", status, h.Get("Cache-Control"))
	}
	tag := h.Get("ETag") // weak (W/"…") when the answer was compressed
	if !strings.HasPrefix(strings.TrimPrefix(tag, "W/"), `"`+apiRelease+"-") {
		t.Errorf("ETag %q does not name the release", tag)
	}
	if status, _, b := apiGet(t, srv.URL, p, "If-None-Match", tag); status != http.StatusNotModified || len(b) != 0 {
		t.Errorf("conditional request: %d %q", status, b)
	}
	_, h2, _ := apiGet(t, srv.URL, query("select", "id", "limit", "2"))
	if h2.Get("ETag") == tag || strings.Contains(h2.Get("Cache-Control"), "immutable") {
		t.Errorf("another query or the latest release: ETag %q, Cache-Control %q", h2.Get("ETag"), h2.Get("Cache-Control"))
	}
}

// TestAPICatalog checks the catalogue's where and the dataset entry.
func TestAPICatalog(t *testing.T) {
	srv, _ := apiServer(t)
	for where, want := range map[string]int64{`keyword = "fablab"`: 1, `records_count > 6`: 0, `"médiathèque"`: 0, `search(title, "lieux")`: 1} {
		status, _, b := apiGet(t, srv.URL, "/api/explore/v2.1/catalog/datasets?where="+url.QueryEscape(where))
		var got struct {
			TotalCount int64 `json:"total_count"`
			Results    []struct {
				ID    string `json:"dataset_id"`
				Metas struct {
					Default struct {
						RecordsCount int64 `json:"records_count"`
					} `json:"default"`
				} `json:"metas"`
			} `json:"results"`
		}
		if err := json.Unmarshal(b, &got); err != nil || status != 200 || got.TotalCount != want || int64(len(got.Results)) != want {
			t.Errorf("where %s: %d %s", where, status, b)
		}
		if want == 1 && (got.Results[0].ID != apiDataset || got.Results[0].Metas.Default.RecordsCount != 6) {
			t.Errorf("where %s: %s", where, b)
		}
	}
}

// TestAPIDocs checks the OpenAPI file and the French API page.
func TestAPIDocs(t *testing.T) {
	srv, _ := apiServer(t)
	status, _, b := apiGet(t, srv.URL, "/api/explore/v2.1/swagger.json")
	var doc struct {
		OpenAPI string                     `json:"openapi"`
		Paths   map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || status != 200 || doc.OpenAPI == "" {
		t.Fatalf("swagger.json: %d %v", status, err)
	}
	for _, p := range []string{"/catalog/datasets", "/catalog/datasets/{dataset_id}", "/catalog/datasets/{dataset_id}/records", "/catalog/datasets/{dataset_id}/exports/{format}"} {
		if _, ok := doc.Paths[p]; !ok {
			t.Errorf("swagger.json lacks %s", p)
		}
	}
	status, _, b = apiGet(t, srv.URL, "/api")
	page := string(b)
	for _, want := range []string{"<h1>API de requête</h1>", "/api/explore/v2.1/catalog/datasets/" + apiDataset + "/records?", "read_parquet(", "arrow::read_parquet", "curl"} {
		if status != 200 || !strings.Contains(page, want) {
			t.Errorf("API page (%d) lacks %q", status, want)
		}
	}
}
