package opendatasoft

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/connectors/connectortest"
	"github.com/ligerdata/ligerdata/internal/fetch"
)

const (
	tourismReplay = "../../testdata/replay/ods-tourisme"
	// masterWhere is the where clause of the pipeline
	// esr-insertion-professionnelle-master: the académie de Nantes and the
	// national rows.
	masterWhere = `code_de_l_academie = "A17" OR numero_de_l_etablissement = "UNIV"`
	esrReplay   = "../../testdata/replay/ods-esr"
	hotels      = "234400034_070-006_offre-touristique-hotels-rpdl"
	restaurants = "234400034_070-008_offre-touristique-restaurants-rpdl"
	events      = "234400034_070-002_offre-touristique-fetes_et_manifestations-rpdl"
	heritage    = "234400034_070-012_offre-touristique-patrimoineculturel-rpdl"
	master      = "fr-esr-insertion_professionnelle-master"
	atlas       = "fr-esr-atlas_regional-effectifs-d-etudiants-inscrits"
	atlasWhere  = `niveau_geographique = "Commune" AND (startswith(geo_id, "44") OR startswith(geo_id, "49") OR startswith(geo_id, "53") OR startswith(geo_id, "72") OR startswith(geo_id, "85"))`
)

func newConfig(mut func(*Config)) *Config {
	c := Kind.NewConfig().(*Config)
	if mut != nil {
		mut(c)
	}
	return c
}

func stringKey(field string) func(connectors.Record) string {
	return func(r connectors.Record) string { s, _ := r.Fields[field].(string); return s }
}

func TestConformance(t *testing.T) {
	bad := []connectortest.BadConfig{
		{Name: "nothing set", Config: newConfig(nil), WantPaths: []string{"base_url", "dataset"}},
		{Name: "everything wrong", Config: newConfig(func(c *Config) {
			c.BaseURL, c.Dataset, c.Datasets, c.Format, c.Delimiter, c.ListSeparator, c.Timezone =
				"ftp://data.paysdelaloire.fr", "x", []string{"y"}, "xls", ";;", "", "Europe Paris"
			c.Refine = map[string]string{"commune": ""}
		}), WantPaths: []string{"base_url", "datasets", "format", "delimiter", "list_separator", "timezone", "refine.commune"}},
	}
	t.Run("tourism csv, four datasets", func(t *testing.T) {
		connectortest.Run(t, connectortest.Options{
			Kind: Kind,
			Config: func(baseURL string) connectors.Config {
				return newConfig(func(c *Config) {
					c.BaseURL = baseURL
					c.Datasets = []string{hotels, restaurants, events, heritage}
				})
			},
			Replay:     tourismReplay,
			Golden:     "testdata/tourisme.golden.json",
			BadConfigs: bad,
			MinRecords: 90,
			Key:        stringKey("syndicobjectid"),
		})
	})
	t.Run("esr csv with where", func(t *testing.T) {
		connectortest.Run(t, connectortest.Options{
			Kind: Kind,
			Config: func(baseURL string) connectors.Config {
				return newConfig(func(c *Config) {
					c.BaseURL, c.Dataset, c.Where = baseURL, master, masterWhere
				})
			},
			Replay:     esrReplay,
			Golden:     "testdata/insertion-master.golden.json",
			MinRecords: 70,
			// The recording holds one row exported twice, as a planted fault
			// for the pipeline's primary key: compare whole records.
			Key: func(r connectors.Record) string { return fmtLine(r) },
		})
	})
	t.Run("esr jsonl", func(t *testing.T) {
		connectortest.Run(t, connectortest.Options{
			Kind: Kind,
			Config: func(baseURL string) connectors.Config {
				return newConfig(func(c *Config) {
					c.BaseURL, c.Dataset, c.Where, c.Format = baseURL, atlas, atlasWhere, "jsonl"
				})
			},
			Replay:     esrReplay,
			Golden:     "testdata/atlas-effectifs.golden.json",
			MinRecords: 100,
			Key: func(r connectors.Record) string {
				return strings.Join([]string{r.Fields["annee_universitaire"].(string), r.Fields["geo_id"].(string),
					r.Fields["regroupement"].(string), r.Fields["sexe_de_l_etudiant"].(string)}, "/")
			},
		})
	})
}

func fmtLine(r connectors.Record) string {
	b, _ := json.Marshal(r.Fields)
	return string(b) + "@" + strconv.Itoa(r.Line)
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		mut  func(*Config)
		want []string
	}{
		{"one dataset", func(c *Config) { c.BaseURL, c.Dataset = "https://data.paysdelaloire.fr", hotels }, nil},
		{"several datasets, jsonl, refine, timezone", func(c *Config) {
			c.BaseURL, c.Datasets, c.Format, c.Timezone = "https://data.paysdelaloire.fr/", []string{hotels, restaurants}, "jsonl", "Europe/Paris"
			c.Refine = map[string]string{"departement": "Sarthe"}
		}, nil},
		{"geojson, tab delimiter", func(c *Config) {
			c.BaseURL, c.Dataset, c.Format, c.Delimiter = "http://ods.example", "x", "geojson", "\t"
		}, nil},
		{"no base_url, no dataset", nil, []string{"base_url", "dataset"}},
		{"base_url with /api", func(c *Config) { c.BaseURL, c.Dataset = "https://data.paysdelaloire.fr/api/explore/v2.1", hotels }, []string{"base_url"}},
		{"base_url with a query", func(c *Config) { c.BaseURL, c.Dataset = "https://data.paysdelaloire.fr/?x=1", hotels }, []string{"base_url"}},
		{"both dataset and datasets", func(c *Config) { c.BaseURL, c.Dataset, c.Datasets = "https://d.example", hotels, []string{hotels} }, []string{"datasets"}},
		{"dataset with a slash", func(c *Config) { c.BaseURL, c.Dataset = "https://d.example", "a/b" }, []string{"dataset"}},
		{"dataset listed twice", func(c *Config) { c.BaseURL, c.Datasets = "https://d.example", []string{hotels, restaurants, hotels} }, []string{"datasets[2]"}},
		{"bad format", func(c *Config) { c.BaseURL, c.Dataset, c.Format = "https://d.example", "x", "xlsx" }, []string{"format"}},
		{"quote delimiter", func(c *Config) { c.BaseURL, c.Dataset, c.Delimiter = "https://d.example", "x", `"` }, []string{"delimiter"}},
		{"empty list separator", func(c *Config) { c.BaseURL, c.Dataset, c.ListSeparator = "https://d.example", "x", "" }, []string{"list_separator"}},
		{"bad refine key", func(c *Config) {
			c.BaseURL, c.Dataset, c.Refine = "https://d.example", "x", map[string]string{"nom offre": "x"}
		}, []string{"refine.nom offre"}},
		{"apikey with a space", func(c *Config) { c.BaseURL, c.Dataset, c.APIKey = "https://d.example", "x", "abc def" }, []string{"apikey"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := newConfig(tt.mut).Validate()
			var got []string
			if err != nil {
				for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
					var fe *connectors.FieldError
					if !errors.As(e, &fe) {
						t.Fatalf("error %q is a %T", e, e)
					}
					got = append(got, fe.Path)
				}
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Validate() = %v; paths %q, want %q", err, got, tt.want)
			}
		})
	}
}

func TestExportURL(t *testing.T) {
	tests := []struct {
		name string
		mut  func(*Config)
		want string
	}{
		{"csv defaults", func(c *Config) { c.BaseURL, c.Dataset = "https://data.paysdelaloire.fr/", hotels },
			"https://data.paysdelaloire.fr/api/explore/v2.1/catalog/datasets/" + hotels +
				"/exports/csv?delimiter=%3B&list_separator=%7C&quote_all=false&with_bom=true"},
		{"csv with where", func(c *Config) {
			c.BaseURL, c.Dataset, c.Where = "https://data.enseignementsup-recherche.gouv.fr", master, `code_de_l_academie = "A17"`
		}, "https://data.enseignementsup-recherche.gouv.fr/api/explore/v2.1/catalog/datasets/" + master +
			"/exports/csv?delimiter=%3B&list_separator=%7C&quote_all=false&where=code_de_l_academie+%3D+%22A17%22&with_bom=true"},
		{"jsonl with select, refine and timezone", func(c *Config) {
			c.BaseURL, c.Dataset, c.Format, c.Select, c.Timezone = "https://d.example", "ds", "jsonl", "nomoffre,commune", "Europe/Paris"
			c.Refine = map[string]string{"departement": `Maine-et-Loire`, "commune": `Saint-"X"`}
		}, "https://d.example/api/explore/v2.1/catalog/datasets/ds/exports/jsonl?refine=commune%3A%22Saint-%5C%22X%5C%22%22&refine=departement%3A%22Maine-et-Loire%22&select=nomoffre%2Ccommune&timezone=Europe%2FParis"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newConfig(tt.mut)
			if got := c.exportURL(c.ids()[0]); got != tt.want {
				t.Errorf("exportURL =\n %s\nwant\n %s", got, tt.want)
			}
		})
	}
}

// answer is a canned response of the fake portal.
type answer struct {
	status int
	ctype  string
	body   string
	header map[string]string
}

// portal is a fake ODS portal serving answers by path. It records the
// requests it gets.
type portal struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []*http.Request
}

func newPortal(t *testing.T, answers map[string]answer) *portal {
	t.Helper()
	p := &portal{}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.got = append(p.got, r.Clone(r.Context()))
		p.mu.Unlock()
		a, ok := answers[r.URL.Path]
		if !ok {
			http.Error(w, `{"error_code":"NotFoundError","message":"Unknown dataset"}`, http.StatusNotFound)
			return
		}
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		if a.ctype != "" {
			w.Header().Set("Content-Type", a.ctype)
		}
		if a.status == 0 {
			a.status = 200
		}
		w.WriteHeader(a.status)
		w.Write([]byte(a.body))
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func metaPath(id string) string { return apiPath + "/catalog/datasets/" + id }

func exportPath(id, format string) string { return metaPath(id) + "/exports/" + format }

// metaJSON is a minimal v2.1 catalogue entry.
func metaJSON(id string, fields ...MetaField) string {
	b, _ := json.Marshal(map[string]any{"dataset_id": id, "fields": fields,
		"metas": map[string]any{"default": map[string]any{"title": "Titre " + id, "license": "Licence Ouverte v2.0 (Etalab)", "modified": "2025-10-09T04:12:31+00:00", "records_count": 2}}})
	return string(b)
}

func jsonAnswer(body string) answer {
	return answer{ctype: "application/json; charset=utf-8", body: body}
}

func csvAnswer(body string) answer { return answer{ctype: "text/csv; charset=utf-8", body: body} }

// run opens the source on the portal and fetches, returning the records.
func run(t *testing.T, p *portal, cfg *Config, opts ...connectortest.EnvOption) ([]connectors.Record, error) {
	t.Helper()
	cfg.BaseURL = p.srv.URL
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	src, err := Kind.Open(cfg, connectortest.Env(t, opts...))
	if err != nil {
		t.Fatal(err)
	}
	var out []connectors.Record
	err = src.Fetch(t.Context(), func(page []connectors.Record) error {
		out = append(out, page...)
		return nil
	})
	return out, err
}

func TestFaults(t *testing.T) {
	const goodCSV = "\ufeffid;nom\r\n1;Alpha\r\n2;Beta\r\n"
	tests := []struct {
		name     string
		format   string
		datasets []string
		answers  map[string]answer
		want     []string // substrings of the error
	}{
		{
			name:    "unknown dataset",
			answers: map[string]answer{},
			want:    []string{"dataset ds: unknown on", "/api/explore/v2.1/catalog/datasets/ds", "404"},
		},
		{
			name:    "metadata is an HTML page",
			answers: map[string]answer{metaPath("ds"): {ctype: "text/html", body: "<!DOCTYPE html><html><body>Maintenance</body></html>"}},
			want:    []string{"dataset ds: metadata", metaPath("ds"), "HTML page"},
		},
		{
			name:    "metadata of another dataset",
			answers: map[string]answer{metaPath("ds"): jsonAnswer(metaJSON("autre"))},
			want:    []string{"dataset ds", `describes dataset "autre"`},
		},
		{
			name:    "metadata is not JSON",
			answers: map[string]answer{metaPath("ds"): jsonAnswer(`{"dataset_id": "ds", `)},
			want:    []string{"dataset ds: metadata", "invalid JSON"},
		},
		{
			name: "export is an HTML page served with 200",
			answers: map[string]answer{metaPath("ds"): jsonAnswer(metaJSON("ds")),
				exportPath("ds", "csv"): {ctype: "text/html; charset=utf-8", body: "<html><body>Erreur</body></html>"}},
			want: []string{"dataset ds", exportPath("ds", "csv"), "HTML page"},
		},
		{
			name: "export with a JSON content type where CSV is expected",
			answers: map[string]answer{metaPath("ds"): jsonAnswer(metaJSON("ds")),
				exportPath("ds", "csv"): jsonAnswer(`{"error_code":"ODSQLError","message":"x"}`)},
			want: []string{"dataset ds", exportPath("ds", "csv"), `unexpected Content-Type "application/json`},
		},
		{
			name: "truncated CSV, cut inside a line",
			answers: map[string]answer{metaPath("ds"): jsonAnswer(metaJSON("ds")),
				exportPath("ds", "csv"): csvAnswer("id;nom\r\n1;Alpha\r\n2;Be")},
			want: []string{"dataset ds", exportPath("ds", "csv"), "truncated export", "line 3"},
		},
		{
			name: "truncated CSV, cut inside a quoted cell",
			answers: map[string]answer{metaPath("ds"): jsonAnswer(metaJSON("ds")),
				exportPath("ds", "csv"): csvAnswer("id;nom\r\n1;Alpha\r\n2;\"Beta\r\nsur deux lignes\r\n")},
			want: []string{"dataset ds", "truncated export", "line 3 is never closed"},
		},
		{
			name: "CSV not separated by the delimiter",
			answers: map[string]answer{metaPath("ds"): jsonAnswer(metaJSON("ds")),
				exportPath("ds", "csv"): csvAnswer("id,nom\n1,Alpha\n")},
			want: []string{"dataset ds", "not separated by ';'"},
		},
		{
			name:   "invalid JSON line",
			format: "jsonl",
			answers: map[string]answer{metaPath("ds"): jsonAnswer(metaJSON("ds")),
				exportPath("ds", "jsonl"): {ctype: "application/jsonl", body: "{\"a\":1}\n{\"a\":2,\n{\"a\":3}\n"}},
			want: []string{"dataset ds", exportPath("ds", "jsonl"), "line 2: invalid JSON"},
		},
		{
			name:   "truncated JSON lines",
			format: "jsonl",
			answers: map[string]answer{metaPath("ds"): jsonAnswer(metaJSON("ds")),
				exportPath("ds", "jsonl"): {ctype: "application/x-ndjson", body: "{\"a\":1}\n{\"a\":2"}},
			want: []string{"dataset ds", "truncated export: line 2"},
		},
		{
			name:   "JSON export that is an object",
			format: "json",
			answers: map[string]answer{metaPath("ds"): jsonAnswer(metaJSON("ds")),
				exportPath("ds", "json"): jsonAnswer(`{"total_count": 1}`)},
			want: []string{"dataset ds", exportPath("ds", "json"), "expected an array of records, got an object"},
		},
		{
			name:   "GeoJSON that is not a FeatureCollection",
			format: "geojson",
			answers: map[string]answer{metaPath("ds"): jsonAnswer(metaJSON("ds")),
				exportPath("ds", "geojson"): {ctype: "application/geo+json", body: `{"type":"Feature"}`}},
			want: []string{"dataset ds", "expected a GeoJSON FeatureCollection"},
		},
		{
			name: "quota exhausted, reset_time in the body",
			answers: map[string]answer{metaPath("ds"): {status: 429, ctype: "application/json",
				body: `{"errorcode": 10002, "reset_time": "2025-10-10T00:00:00Z", "limit_time_unit": "day", "call_limit": 10000, "error": "Too many requests on the domain. Please contact the domain administrator."}`}},
			want: []string{"dataset ds", "quota of the portal exhausted (10000 calls per day), it resets at 2025-10-10T00:00:00Z", "429", metaPath("ds")},
		},
		{
			name: "bad where clause",
			answers: map[string]answer{metaPath("ds"): jsonAnswer(metaJSON("ds")),
				exportPath("ds", "csv"): {status: 400, ctype: "application/json", body: `{"message": "ODSQL query is malformed: invalid field 'academie2'", "error_code": "ODSQLError"}`}},
			want: []string{"dataset ds: export", "ODSQLError: ODSQL query is malformed", "400", exportPath("ds", "csv")},
		},
		{
			name:     "two datasets answer the same export",
			datasets: []string{"a", "b"},
			answers: map[string]answer{metaPath("a"): jsonAnswer(metaJSON("a")), metaPath("b"): jsonAnswer(metaJSON("b")),
				exportPath("a", "csv"): csvAnswer(goodCSV), exportPath("b", "csv"): csvAnswer(goodCSV)},
			want: []string{"dataset b", exportPath("b", "csv"), "identical to the one of dataset a"},
		},
		{
			name:     "second dataset fails after the first succeeded",
			datasets: []string{"a", "b"},
			answers: map[string]answer{metaPath("a"): jsonAnswer(metaJSON("a")), metaPath("b"): jsonAnswer(metaJSON("b")),
				exportPath("a", "csv"): csvAnswer(goodCSV), exportPath("b", "csv"): csvAnswer("")},
			want: []string{"dataset b", exportPath("b", "csv"), "empty body"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPortal(t, tt.answers)
			cfg := newConfig(func(c *Config) {
				if tt.format != "" {
					c.Format = tt.format
				}
				if tt.datasets != nil {
					c.Datasets = tt.datasets
				} else {
					c.Dataset = "ds"
				}
			})
			recs, err := run(t, p, cfg)
			if err == nil {
				t.Fatalf("Fetch = nil, want an error (%d records)", len(recs))
			}
			if len(recs) > 0 {
				t.Errorf("Fetch emitted %d records before failing", len(recs))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Fetch error %q does not contain %q", err, w)
				}
			}
			if !strings.HasPrefix(err.Error(), "opendatasoft: ") {
				t.Errorf("error %q does not start with the kind", err)
			}
		})
	}
}

func TestCSVRecords(t *testing.T) {
	body := "\ufeffid;nom;localisation;note\r\n" +
		"1;Château d'Angers;47.4702, -0.5596;\"Deux lignes\r\nd'une même cellule ; avec un point-virgule\"\r\n" +
		"2;Logis \"du\" Roy;47.47, -0.55;x\r\n" +
		"3;Abbaye;;\r\n" +
		"4;Court\r\n" +
		"5;Long;47.1, 0.05;a;b\r\n"
	p := newPortal(t, map[string]answer{
		metaPath("ds"):          jsonAnswer(metaJSON("ds", MetaField{Name: "id", Type: "text"}, MetaField{Name: "localisation", Type: "geo_point_2d"})),
		exportPath("ds", "csv"): csvAnswer(body),
	})
	got, err := run(t, p, newConfig(func(c *Config) { c.Dataset = "ds" }))
	if err != nil {
		t.Fatal(err)
	}
	want := []connectors.Record{
		{Line: 2, Fields: map[string]any{"id": "1", "nom": "Château d'Angers", "localisation": "47.4702, -0.5596",
			"localisation_lat": json.Number("47.4702"), "localisation_lon": json.Number("-0.5596"),
			"note": "Deux lignes\nd'une même cellule ; avec un point-virgule"}},
		{Line: 4, Fields: map[string]any{connectors.ErrorField: "guillemet dans une cellule qui ne commence pas par un guillemet (doublez-le : \"\")"}},
		{Line: 5, Fields: map[string]any{"id": "3", "nom": "Abbaye", "localisation": "", "note": ""}},
		{Line: 6, Fields: map[string]any{"id": "4", "nom": "Court", connectors.ErrorField: "2 cellules alors que l'en-tête a 4 colonnes"}},
		{Line: 7, Fields: map[string]any{"id": "5", "nom": "Long", "localisation": "47.1, 0.05", "localisation_lat": json.Number("47.1"),
			"localisation_lon": json.Number("0.05"), "note": "a", connectors.ExtraFieldPrefix + "5": "b"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records:\n got %#v\nwant %#v", got, want)
	}
}

func TestDatasetField(t *testing.T) {
	p := newPortal(t, map[string]answer{
		metaPath("a"): jsonAnswer(metaJSON("a")), metaPath("b"): jsonAnswer(metaJSON("b")),
		exportPath("a", "csv"): csvAnswer("id;nom\n1;Alpha\n"),
		exportPath("b", "csv"): csvAnswer("id;nom\n2;Beta\n3;Gamma\n"),
	})
	got, err := run(t, p, newConfig(func(c *Config) { c.Datasets = []string{"b", "a"} }))
	if err != nil {
		t.Fatal(err)
	}
	want := []connectors.Record{
		{Line: 2, Fields: map[string]any{"id": "2", "nom": "Beta", DatasetField: "b"}},
		{Line: 3, Fields: map[string]any{"id": "3", "nom": "Gamma", DatasetField: "b"}},
		{Line: 2, Fields: map[string]any{"id": "1", "nom": "Alpha", DatasetField: "a"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records:\n got %#v\nwant %#v", got, want)
	}
}

func TestJSONFormats(t *testing.T) {
	tests := []struct {
		name   string
		format string
		ctype  string
		body   string
		want   []connectors.Record
	}{
		{
			name: "jsonl with a geo_point_2d object", format: "jsonl", ctype: "application/jsonl",
			body: `{"geo_id":"44109","effectif":37625,"geo_point_2d":{"lon":-1.5536,"lat":47.2184}}` + "\n\n" + `["pas un objet"]` + "\n",
			want: []connectors.Record{
				{Line: 1, Fields: map[string]any{"geo_id": "44109", "effectif": json.Number("37625"),
					"geo_point_2d":     map[string]any{"lon": json.Number("-1.5536"), "lat": json.Number("47.2184")},
					"geo_point_2d_lon": json.Number("-1.5536"), "geo_point_2d_lat": json.Number("47.2184")}},
				{Line: 3, Fields: map[string]any{connectors.ErrorField: "line 3 is not a JSON object"}},
			},
		},
		{
			name: "json array", format: "json", ctype: "application/json; charset=utf-8",
			body: `[{"id": "HOTPDL044V50QWJF", "capacitetotale": 38, "labels": ["Logis", "Qualité Tourisme"]}, 7]`,
			want: []connectors.Record{
				{Line: 1, Fields: map[string]any{"id": "HOTPDL044V50QWJF", "capacitetotale": json.Number("38"), "labels": []any{"Logis", "Qualité Tourisme"}}},
				{Line: 2, Fields: map[string]any{connectors.ErrorField: "element 2 is not an object"}},
			},
		},
		{
			name: "geojson points and a null geometry", format: "geojson", ctype: "application/geo+json",
			body: `{"type":"FeatureCollection","features":[` +
				`{"type":"Feature","geometry":{"type":"Point","coordinates":[-0.5632,47.4784]},"properties":{"nomoffre":"Château d'Angers"}},` +
				`{"type":"Feature","geometry":null,"properties":{"nomoffre":"Sans position"}}]}`,
			want: []connectors.Record{
				{Line: 1, Fields: map[string]any{"nomoffre": "Château d'Angers", "lon": json.Number("-0.5632"), "lat": json.Number("47.4784"),
					"geometry": map[string]any{"type": "Point", "coordinates": []any{json.Number("-0.5632"), json.Number("47.4784")}}}},
				{Line: 2, Fields: map[string]any{"nomoffre": "Sans position", "geometry": nil}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPortal(t, map[string]answer{
				metaPath("ds"):              jsonAnswer(metaJSON("ds")),
				exportPath("ds", tt.format): {ctype: tt.ctype, body: tt.body},
			})
			got, err := run(t, p, newConfig(func(c *Config) { c.Dataset, c.Format = "ds", tt.format }))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("records:\n got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

// TestPartlyUnchanged checks that when one export answers 304 and another
// changed, the unchanged one is downloaded again and both are emitted.
func TestPartlyUnchanged(t *testing.T) {
	var mu sync.Mutex
	conditional := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case metaPath("a"), metaPath("b"):
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(metaJSON(strings.TrimPrefix(r.URL.Path, metaPath("")))))
			return
		}
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, metaPath("")), "/exports/csv")
		etag := `"` + id + `-v1"`
		mu.Lock()
		if r.Header.Get("If-None-Match") != "" {
			conditional[id]++
		}
		mu.Unlock()
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "text/csv")
		w.Write([]byte("id;nom\n" + id + "1;" + id + "\n"))
	}))
	defer srv.Close()
	cfg := newConfig(func(c *Config) { c.BaseURL, c.Datasets = srv.URL, []string{"a", "b"} })
	// The previous run saw export a with its current ETag, and b with an
	// older one.
	prev := func(key string) *fetch.Validators {
		switch key {
		case fetch.RequestKey("GET", cfg.exportURL("a"), nil):
			return &fetch.Validators{ETag: `"a-v1"`}
		case fetch.RequestKey("GET", cfg.exportURL("b"), nil):
			return &fetch.Validators{ETag: `"b-v0"`}
		}
		return nil
	}
	src, err := Kind.Open(cfg, connectortest.Env(t, connectortest.WithPrev(prev)))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	err = src.Fetch(t.Context(), func(page []connectors.Record) error {
		for _, r := range page {
			ids = append(ids, r.Fields["id"].(string))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a1", "b1"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ids = %v, want %v", ids, want)
	}
	if conditional["a"] != 1 || conditional["b"] != 1 {
		t.Errorf("conditional requests = %v, want one per export", conditional)
	}

	// Both exports unchanged: ErrUnchanged, nothing emitted.
	prevBoth := func(key string) *fetch.Validators {
		for _, id := range []string{"a", "b"} {
			if key == fetch.RequestKey("GET", cfg.exportURL(id), nil) {
				return &fetch.Validators{ETag: `"` + id + `-v1"`}
			}
		}
		return nil
	}
	src, err = Kind.Open(cfg, connectortest.Env(t, connectortest.WithPrev(prevBoth)))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = src.Fetch(t.Context(), func(page []connectors.Record) error { n += len(page); return nil })
	if !errors.Is(err, connectors.ErrUnchanged) || n != 0 {
		t.Errorf("Fetch = %v with %d records, want ErrUnchanged and none", err, n)
	}
}

func TestAPIKeyInHeaderOnly(t *testing.T) {
	p := newPortal(t, map[string]answer{
		metaPath("ds"):          jsonAnswer(metaJSON("ds")),
		exportPath("ds", "csv"): csvAnswer("id\n1\n"),
	})
	if _, err := run(t, p, newConfig(func(c *Config) { c.Dataset, c.APIKey = "ds", "s3cr3t" })); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.got) != 2 {
		t.Fatalf("%d requests, want 2", len(p.got))
	}
	for _, r := range p.got {
		if got := r.Header.Get("Authorization"); got != "Apikey s3cr3t" {
			t.Errorf("%s: Authorization = %q", r.URL, got)
		}
		if strings.Contains(r.URL.String(), "s3cr3t") {
			t.Errorf("the API key leaks into the URL %s", r.URL)
		}
	}
}

func TestParseMetadata(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    *Metadata
		wantErr string
	}{
		{
			name: "v2.1, flat",
			body: `{"dataset_id":"ds","fields":[{"name":"localisation","label":"Localisation","type":"geo_point_2d"}],"metas":{"default":{"title":"T","modified":"2025-10-09T04:12:31+00:00","license":"Licence Ouverte v2.0 (Etalab)","records_count":24,"publisher":"Région"}}}`,
			want: &Metadata{ID: "ds", Title: "T", Modified: "2025-10-09T04:12:31+00:00", License: "Licence Ouverte v2.0 (Etalab)",
				Publisher: "Région", RecordsCount: 24, Fields: []MetaField{{Name: "localisation", Label: "Localisation", Type: "geo_point_2d"}}},
		},
		{
			name: "v2.0, under dataset",
			body: `{"links":[],"dataset":{"dataset_id":"geonames","metas":{"default":{"title":"Geonames","records_count":137611,"license":"CC BY 4.0"}}}}`,
			want: &Metadata{ID: "geonames", Title: "Geonames", License: "CC BY 4.0", RecordsCount: 137611},
		},
		{name: "no dataset_id", body: `{"total_count":0,"results":[]}`, wantErr: "no dataset_id"},
		{name: "not JSON", body: `<html>`, wantErr: "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMetadata([]byte(tt.body))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseMetadata = %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseMetadata =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

// TestRecordedExports checks records of the recorded exports against
// values read by hand in the fixture files.
func TestRecordedExports(t *testing.T) {
	fetchReplay := func(t *testing.T, dir string, mut func(*Config)) []connectors.Record {
		t.Helper()
		cfg := newConfig(mut)
		src, err := Kind.Open(cfg, connectortest.Env(t, connectortest.WithFetchOptions(func(o *fetch.Options) { o.ReplayDir = dir })))
		if err != nil {
			t.Fatal(err)
		}
		var out []connectors.Record
		if err := src.Fetch(t.Context(), func(p []connectors.Record) error { out = append(out, p...); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	t.Run("tourism", func(t *testing.T) {
		recs := fetchReplay(t, tourismReplay, func(c *Config) {
			c.BaseURL, c.Datasets = "https://data.paysdelaloire.fr", []string{hotels, restaurants, events, heritage}
		})
		if len(recs) != 24+26+22+23 {
			t.Fatalf("%d records, want 95", len(recs))
		}
		first := recs[0].Fields
		for k, v := range map[string]any{"syndicobjectid": "HOTPDL044V50QWJF", "nomoffre": "Hôtel du Port", "codepostal": "44210",
			"codeinseecommune": "44131", "localisation_lat": json.Number("47.1156"), "localisation_lon": json.Number("-2.1025"),
			"labels": "Qualité Tourisme", DatasetField: hotels} {
			if first[k] != v {
				t.Errorf("first record %s = %#v, want %#v", k, first[k], v)
			}
		}
		broken := recs[24+26+22+9]
		if broken.Line != 11 || broken.Fields[connectors.ErrorField] == nil {
			t.Errorf("heritage record 10 = %+v, want the broken line 11 with %s", broken, connectors.ErrorField)
		}
		festival := recs[24+26+3].Fields
		if d, _ := festival["descriptif"].(string); !strings.Contains(d, "d'Anjou.\nProgramme") {
			t.Errorf("multi-line descriptif = %q", d)
		}
	})
	t.Run("insertion master", func(t *testing.T) {
		recs := fetchReplay(t, esrReplay, func(c *Config) {
			c.BaseURL, c.Dataset, c.Where = "https://data.enseignementsup-recherche.gouv.fr", master, masterWhere
		})
		// 76 lines of the académie de Nantes (one of them repeated) and
		// 37 national lines, one per year, discipline and situation.
		if len(recs) != 76+37 {
			t.Fatalf("%d records, want 113", len(recs))
		}
		// The first rows are the real excerpt of the ministry's export.
		for k, v := range map[string]any{"annee": "2016", "numero_de_l_etablissement": "0440984F", "taux_dinsertion": "86",
			"salaire_net_median_des_emplois_a_temps_plein": "1700", "id_paysage": "7hB8r"} {
			if recs[0].Fields[k] != v {
				t.Errorf("record 0 %s = %#v, want %#v", k, recs[0].Fields[k], v)
			}
		}
		if got := recs[1].Fields["emplois_stables"]; got != "ns" {
			t.Errorf("record 1 emplois_stables = %#v, want the sentinel ns kept as is", got)
		}
		if len(recs[0].Fields) != 33 {
			t.Errorf("record 0 has %d fields, want the 33 columns", len(recs[0].Fields))
		}
	})
	t.Run("atlas jsonl", func(t *testing.T) {
		recs := fetchReplay(t, esrReplay, func(c *Config) {
			c.BaseURL, c.Dataset, c.Where, c.Format = "https://data.enseignementsup-recherche.gouv.fr", atlas, atlasWhere, "jsonl"
		})
		if len(recs) != 104 {
			t.Fatalf("%d records, want 104", len(recs))
		}
		if got := recs[0].Fields["effectif"]; got != json.Number("37625") {
			t.Errorf("record 0 effectif = %#v", got)
		}
		if got, ok := recs[7].Fields["effectif"]; !ok || got != nil {
			t.Errorf("record 7 effectif = %#v, want null", got)
		}
	})
}
