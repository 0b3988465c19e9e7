package ping

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/fetch"
	"github.com/ligerdata/ligerdata/internal/geo"
)

const fixtureDir = "../../testdata/replay/ping"

func fixture(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, "lieux.js.body"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newClient(t *testing.T) *fetch.Client {
	t.Helper()
	c, err := fetch.New(fetch.Options{Egress: fetch.Egress{AllowLoopback: true}, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func openSource(t *testing.T, url string, env connectors.Env) *Source {
	t.Helper()
	if env.HTTP == nil {
		env.HTTP = newClient(t)
	}
	cfg := Kind.NewConfig().(*Config)
	cfg.URL = url
	s, err := Open(cfg, env)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// collect runs Fetch and returns the pages emitted.
func collect(t *testing.T, s *Source) ([][]connectors.Record, error) {
	t.Helper()
	var pages [][]connectors.Record
	err := s.Fetch(context.Background(), func(page []connectors.Record) error {
		pages = append(pages, page)
		return nil
	})
	return pages, err
}

func serve(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + "/carte/_geodata/lieux.js.php"
}

func serveBody(t *testing.T, ctype string, body []byte) string {
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.Write(body)
	})
}

func byID(t *testing.T, recs []connectors.Record) map[string]connectors.Record {
	t.Helper()
	m := map[string]connectors.Record{}
	for _, r := range recs {
		id, _ := r.Fields["id"].(string)
		if _, dup := m[id]; dup {
			t.Errorf("duplicate id %q", id)
		}
		m[id] = r
	}
	return m
}

func TestFetchRecordedFixture(t *testing.T) {
	url := serveBody(t, "application/javascript; charset=utf-8", fixture(t))
	pages, err := collect(t, openSource(t, url, connectors.Env{}))
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(pages) != 1 {
		t.Fatalf("%d pages, want 1", len(pages))
	}
	recs := pages[0]
	if len(recs) != 73 {
		t.Fatalf("%d records, want the 73 places of the fixture", len(recs))
	}
	// The map sorts places by commune: Allonnes comes first, on line 2.
	first := recs[0]
	if first.Line != 2 || first.Fields["id"] != "188" || first.Fields["commune"] != "Allonnes" {
		t.Errorf("first record = line %d %v", first.Line, first.Fields)
	}
	for i := 1; i < len(recs); i++ {
		if recs[i].Line <= recs[i-1].Line {
			t.Errorf("record %d: line %d not after %d", i, recs[i].Line, recs[i-1].Line)
		}
	}
	ids := byID(t, recs)
	tests := []struct {
		id, field string
		want      any
	}{
		{"188", "titre", "Espace numérique d'Allonnes"},
		{"188", "popup_code_postal", "72700"},
		{"12", "type", "association"},
		{"12", "activites", []any{"Atelier de fabrication numérique", "Initiation à la programmation"}},
		{"12", "popup_site_web", "https://www.plateforme-c.example/"},
		{"12", "popup_email", "contact@plateforme-c.example"},
		{"12", "popup_horaires", "Jeudi 18h-22h (soirée open lab)\nSamedi 14h-18h"},
		{"27", "popup_presentation", "Ateliers d'initiation & accompagnement aux démarches administratives en ligne, sur inscription."},
		{"44", "popup_code_postal", "4400"},
		{"44", "popup_commune", "Nantes"},
		{"44", "popup_adresse", "5 allée Frida Kahlo"},
		{"71", "commune", "St Herblain"},
		{"71", "popup_commune", "ST HERBLAIN"},
		{"18", "commune", "LA ROCHE SUR YON"},
		{"149", "latitude", "-0.0772"},
		{"149", "longitude", "47.2601"},
		{"8", "latitude", "0"},
		{"173", "popup_telephone", "0261911734 (accueil mairie)"},
		{"24", "popup_telephone", "+33 (0)2 61 91 24 24"},
		{"206", "titre", ""},
		{"213", "popup_adresse", nil},
		{"213", "popup_code_postal", nil},
		{"213", "popup_email", "contact@fablab-lavallois.example"},
		{"66", "commune", "L'Île-d'Yeu"},
	}
	for _, tt := range tests {
		r, ok := ids[tt.id]
		if !ok {
			t.Errorf("no record with id %s", tt.id)
			continue
		}
		if got := r.Fields[tt.field]; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("id %s: %s = %#v, want %#v", tt.id, tt.field, got, tt.want)
		}
	}
	nantes := 0
	for _, r := range recs {
		if r.Fields["commune"] == "Nantes" {
			nantes++
		}
		for _, k := range []string{"id", "latitude", "longitude", "type", "commune", "titre", "texte", "popup_adresse", "popup_code_postal",
			"popup_commune", "popup_telephone", "popup_email", "popup_site_web", "popup_horaires", "popup_presentation"} {
			if _, ok := r.Fields[k]; !ok {
				t.Errorf("id %v: no field %s", r.Fields["id"], k)
			}
		}
	}
	if nantes != 6 {
		t.Errorf("%d places in Nantes, want 6", nantes)
	}
}

// The fixture's places sit in real communes with real postal codes, except
// for the faults planted on purpose.
func TestFixturePlacesAreInTheRegion(t *testing.T) {
	entries, err := ParseLiteral(fixture(t), "lieux")
	if err != nil {
		t.Fatal(err)
	}
	faultyPostal := map[string]bool{"44": true}             // "4400"
	faultyCoords := map[string]bool{"149": true, "8": true} // swapped, zeros
	noAddress := map[string]bool{"213": true}               // popup without address
	for _, e := range entries {
		obj := e.Value.(map[string]any)
		p := extractPopup(obj["texte"].(string))
		switch {
		case noAddress[e.Key]:
			if p.CodePostal != "" {
				t.Errorf("id %s: has an address, want none", e.Key)
			}
		case faultyPostal[e.Key]:
			if _, err := geo.Resolve(p.CodePostal, p.Commune); err == nil {
				t.Errorf("id %s: faulty postal code %q resolves", e.Key, p.CodePostal)
			}
		default:
			m, err := geo.Resolve(p.CodePostal, p.Commune)
			if err != nil {
				t.Errorf("id %s: %v", e.Key, err)
				continue
			}
			if m.Method != geo.MethodPostalName {
				t.Errorf("id %s: %s %s resolved by %s", e.Key, p.CodePostal, p.Commune, m.Method)
			}
			if geo.NormalizeName(m.Commune.Name) != geo.NormalizeName(obj["commune"].(string)) {
				t.Errorf("id %s: commune %q but popup says %s", e.Key, obj["commune"], m.Commune.Name)
			}
		}
		lat, err1 := strconv.ParseFloat(obj["latitude"].(string), 64)
		lon, err2 := strconv.ParseFloat(obj["longitude"].(string), 64)
		if err1 != nil || err2 != nil {
			t.Errorf("id %s: coordinates not numeric", e.Key)
			continue
		}
		inRegion := lat > 46.2 && lat < 48.6 && lon > -2.6 && lon < 0.95
		if inRegion == faultyCoords[e.Key] {
			t.Errorf("id %s: coordinates %v,%v in region = %v", e.Key, lat, lon, inRegion)
		}
	}
}

func TestFetchReplayRecord(t *testing.T) {
	client, err := fetch.New(fetch.Options{ReplayDir: fixtureDir})
	if err != nil {
		t.Fatal(err)
	}
	s := openSource(t, Kind.Options[0].Example, connectors.Env{HTTP: client})
	pages, err := collect(t, s)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(pages) != 1 || len(pages[0]) != 73 {
		t.Fatalf("got %d pages, want 1 page of 73 records", len(pages))
	}
}

func TestFetchUnchanged(t *testing.T) {
	const etag = `"v42"`
	body := fixture(t)
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/javascript")
		w.Write(body)
	})
	var asked string
	env := connectors.Env{Prev: func(key string) *fetch.Validators {
		asked = key
		return &fetch.Validators{ETag: etag}
	}}
	s := openSource(t, url, env)
	err := s.Fetch(context.Background(), func([]connectors.Record) error {
		t.Error("emit called for an unchanged source")
		return nil
	})
	if !errors.Is(err, connectors.ErrUnchanged) {
		t.Fatalf("Fetch = %v, want ErrUnchanged", err)
	}
	if asked != fetch.RequestKey("GET", url, nil) {
		t.Errorf("Prev asked for %q, want the key of GET %s", asked, url)
	}
}

func TestFetchBadAnswers(t *testing.T) {
	tests := []struct {
		name, ctype, body string
		variable          string
		want              []string
	}{
		{name: "HTML page", ctype: "text/html; charset=utf-8", body: "<!DOCTYPE html><html><body>Maintenance</body></html>",
			want: []string{"HTML page", "text/html"}},
		{name: "HTML served as JavaScript", ctype: "application/javascript", body: "\n  <html><body>404</body></html>",
			want: []string{"HTML page"}},
		{name: "empty body", ctype: "application/javascript", body: "", want: []string{"empty answer", "var lieux"}},
		{name: "blank body", ctype: "application/javascript", body: " \n\t", want: []string{"empty answer"}},
		{name: "truncated literal", ctype: "application/javascript", body: "var lieux = {\n\t12 : {\t\"latitude\" : \"47.2",
			want: []string{"line 2, column 22", "unterminated string"}},
		{name: "other variable", ctype: "application/javascript", body: "var categories = {1: 'x'}", variable: "lieux",
			want: []string{"no 'var lieux = {' statement found"}},
		{name: "not UTF-8 in another charset", ctype: "application/javascript; charset=shift_jis", body: "var lieux = {1: '\x82\xa0'}",
			want: []string{"not valid shift_jis"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := serveBody(t, tt.ctype, []byte(tt.body))
			_, err := collect(t, openSource(t, url, connectors.Env{}))
			if err == nil {
				t.Fatal("Fetch succeeded, want an error")
			}
			for _, w := range append(tt.want, url) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestFetchWindows1252(t *testing.T) {
	body := []byte("var lieux = {1: {\"commune\": \"Rez\xe9\", \"texte\": \"<p class='tel'>02\xa061</p>\"}}")
	url := serveBody(t, "text/javascript; charset=ISO-8859-1", body)
	pages, err := collect(t, openSource(t, url, connectors.Env{}))
	if err != nil {
		t.Fatal(err)
	}
	if got := pages[0][0].Fields["commune"]; got != "Rezé" {
		t.Errorf("commune = %q, want Rezé", got)
	}
	if got := pages[0][0].Fields["popup_telephone"]; got != "02 61" {
		t.Errorf("popup_telephone = %q, want %q", got, "02 61")
	}
}

func TestFetchHTTPError(t *testing.T) {
	url := serve(t, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	_, err := collect(t, openSource(t, url, connectors.Env{}))
	var he *fetch.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusNotFound {
		t.Fatalf("error = %v, want a *fetch.HTTPError 404", err)
	}
	if !strings.HasPrefix(err.Error(), "ping: fetch: GET "+url+": ") || strings.Count(err.Error(), url) != 1 {
		t.Errorf("error %q does not start with the request, named once", err)
	}
}

func TestFetchEmitErrorAndCancel(t *testing.T) {
	url := serveBody(t, "application/javascript", fixture(t))
	s := openSource(t, url, connectors.Env{})
	stop := errors.New("disk full")
	err := s.Fetch(context.Background(), func([]connectors.Record) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("Fetch = %v, want the emit error wrapped", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = s.Fetch(ctx, func([]connectors.Record) error {
		t.Error("emit called after cancellation")
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Fetch = %v, want context.Canceled", err)
	}
}

func TestFetchNonObjectPlace(t *testing.T) {
	url := serveBody(t, "application/javascript", []byte("var lieux = {\n1 : null,\n2 : {\"titre\": \"x\", \"id\": \"autre\"},\n}"))
	pages, err := collect(t, openSource(t, url, connectors.Env{}))
	if err != nil {
		t.Fatal(err)
	}
	recs := pages[0]
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2", len(recs))
	}
	if !reflect.DeepEqual(recs[0], connectors.Record{Line: 2, Fields: map[string]any{"id": "1"}}) {
		t.Errorf("record for a null place = %#v", recs[0])
	}
	if recs[1].Fields["id"] != "2" || recs[1].Fields["popup_adresse"] != nil || recs[1].Line != 3 {
		t.Errorf("record 2 = %#v, want id 2 on line 3 with nil popup fields", recs[1])
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name      string
		cfg       Config
		wantPaths []string
	}{
		{"valid", Config{URL: "http://parcoursnumeriques.net/carte/_geodata/lieux.js.php", Variable: "lieux"}, nil},
		{"valid https and $ variable", Config{URL: "https://x.example/l.js", Variable: "$lieux_2"}, nil},
		{"missing url", Config{Variable: "lieux"}, []string{"url"}},
		{"ftp url", Config{URL: "ftp://x.example/l.js", Variable: "lieux"}, []string{"url"}},
		{"relative url", Config{URL: "/carte/lieux.js.php", Variable: "lieux"}, []string{"url"}},
		{"no host", Config{URL: "http:///lieux.js.php", Variable: "lieux"}, []string{"url"}},
		{"unparsable url", Config{URL: "http://x.example/%zz", Variable: "lieux"}, []string{"url"}},
		{"bad variable", Config{URL: "http://x.example/", Variable: "les-lieux"}, []string{"variable"}},
		{"everything wrong", Config{URL: " ", Variable: ""}, []string{"url", "variable"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			var paths []string
			if err != nil {
				joined, ok := err.(interface{ Unwrap() []error })
				if !ok {
					t.Fatalf("error %v is not joined", err)
				}
				for _, e := range joined.Unwrap() {
					var fe *connectors.FieldError
					if !errors.As(e, &fe) {
						t.Fatalf("%v is not a *connectors.FieldError", e)
					}
					paths = append(paths, fe.Path)
				}
			}
			if !reflect.DeepEqual(paths, tt.wantPaths) {
				t.Errorf("problems on %v, want %v (%v)", paths, tt.wantPaths, err)
			}
		})
	}
}

func TestKind(t *testing.T) {
	reg := connectors.NewRegistry(Kind)
	k, err := reg.Lookup("ping")
	if err != nil {
		t.Fatal(err)
	}
	cfg, ok := k.NewConfig().(*Config)
	if !ok || cfg.Variable != "lieux" || cfg.URL != "" {
		t.Fatalf("NewConfig = %#v, want *Config with variable lieux", k.NewConfig())
	}
	if k.Summary == "" || len(k.Options) != 2 || k.Options[0].Name != "url" || !k.Options[0].Required || k.Options[1].Default != "lieux" {
		t.Errorf("Kind options = %+v", k.Options)
	}
	for _, o := range k.Options {
		if o.Help == "" || o.Example == "" {
			t.Errorf("option %s lacks help or example", o.Name)
		}
	}
	if err := cfg.Validate(); err == nil {
		t.Error("the zero configuration validates, want url required")
	}
	// Open refuses what it cannot use, and never returns a typed nil.
	if src, err := k.Open(cfg, connectors.Env{HTTP: newClient(t)}); err == nil || src != nil {
		t.Errorf("Open(invalid) = %v, %v", src, err)
	}
	cfg.URL = "http://x.example/lieux.js.php"
	if _, err := k.Open(cfg, connectors.Env{}); err == nil || !strings.Contains(err.Error(), "no HTTP client") {
		t.Errorf("Open without HTTP = %v", err)
	}
	type other struct{ connectors.Config }
	if _, err := k.Open(other{}, connectors.Env{HTTP: newClient(t)}); err == nil {
		t.Error("Open accepted a foreign configuration")
	}
	if src, err := k.Open(cfg, connectors.Env{HTTP: newClient(t)}); err != nil || src == nil {
		t.Errorf("Open = %v, %v", src, err)
	}
}
