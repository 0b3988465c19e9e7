package udata

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestFrequencyFromCron(t *testing.T) {
	tests := []struct {
		name, expr, want string
	}{
		{name: "daily pipeline", expr: "30 4 * * *", want: "daily"},
		{name: "weekly on monday", expr: "45 5 * * 1", want: "weekly"},
		{name: "twice a week", expr: "0 6 * * 1,4", want: "semiweekly"},
		{name: "sunday as 0 and 7", expr: "0 6 * * 0,7", want: "weekly"},
		{name: "weekdays", expr: "0 6 * * 1-5", want: "irregular"},
		{name: "monthly", expr: "0 3 1 * *", want: "monthly"},
		{name: "twice a month", expr: "0 3 1,15 * *", want: "semimonthly"},
		{name: "quarterly", expr: "0 3 1 */3 *", want: "quarterly"},
		{name: "twice a year", expr: "0 3 1 1,7 *", want: "semiannual"},
		{name: "yearly", expr: "0 3 1 1 *", want: "annual"},
		{name: "hourly", expr: "5 * * * *", want: "hourly"},
		{name: "every 15 minutes", expr: "*/15 * * * *", want: "continuous"},
		{name: "twice a day", expr: "0 6,18 * * *", want: "semidaily"},
		{name: "four times a day", expr: "0 */6 * * *", want: "fourTimesADay"},
		{name: "with time zone", expr: "CRON_TZ=Europe/Paris 30 4 * * *", want: "daily"},
		{name: "descriptor daily", expr: "@daily", want: "daily"},
		{name: "descriptor weekly", expr: "@weekly", want: "weekly"},
		{name: "descriptor yearly", expr: "@annually", want: "annual"},
		{name: "every 24h", expr: "@every 24h", want: "daily"},
		{name: "every 90m", expr: "@every 90m", want: "irregular"},
		{name: "every 10m", expr: "@every 10m", want: "continuous"},
		{name: "empty", expr: "", want: "unknown"},
		{name: "garbage", expr: "tous les jours", want: "unknown"},
		{name: "out of range", expr: "0 25 * * *", want: "unknown"},
		{name: "names unsupported", expr: "0 6 * * MON", want: "unknown"},
		{name: "both day fields", expr: "0 6 1 * 1", want: "irregular"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := FrequencyFromCron(tc.expr); got != tc.want {
				t.Errorf("FrequencyFromCron(%q) = %q, want %q", tc.expr, got, tc.want)
			}
		})
	}
}

func FuzzFrequencyFromCron(f *testing.F) {
	for _, s := range []string{"30 4 * * *", "45 5 * * 1", "0 3 1 */3 *", "@every 24h", "CRON_TZ=Europe/Paris 0 6 * * 1,4", "*/15 * * * *", "0 6 1-31/2 * *"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		got := FrequencyFromCron(expr)
		if !slices.Contains(Frequencies, got) {
			t.Fatalf("FrequencyFromCron(%q) = %q, not a udata frequency", expr, got)
		}
	})
}

func TestLicenseID(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{name: "licence ouverte 2", in: "etalab-2.0", want: "lov2", ok: true},
		{name: "odbl", in: "odc-odbl", want: "odc-odbl", ok: true},
		{name: "cc-by 4", in: "CC-BY-4.0", want: "cc-by", ok: true},
		{name: "cc0", in: "cc0-1.0", want: "cc-zero", ok: true},
		{name: "udata id kept", in: "lov2", want: "lov2", ok: true},
		{name: "non commercial", in: "cc-by-nc-sa-4.0"},
		{name: "empty", in: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := LicenseID(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("LicenseID(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestTags(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{name: "accents and spaces", in: []string{"Médiation numérique", "Pays de la Loire"}, want: []string{"mediation-numerique", "pays-de-la-loire"}},
		{name: "duplicates after normalisation", in: []string{"Tiers-lieux", "tiers lieux", "TIERS LIEUX"}, want: []string{"tiers-lieux"}},
		{name: "too short dropped", in: []string{"a", "ab", "abc"}, want: []string{"abc"}},
		{name: "punctuation", in: []string{"  lycées (publics) ! "}, want: []string{"lycees-publics"}},
		{name: "none", in: nil, want: []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tagsOf(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("tagsOf(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseSums(t *testing.T) {
	a := strings.Repeat("a", 64)
	b := strings.Repeat("B", 64)
	tests := []struct {
		name string
		in   string
		want map[string]string
		ok   bool
	}{
		{name: "as output writes it", in: a + "  data.csv\n" + b + "  data.parquet\n", want: map[string]string{"data.csv": a, "data.parquet": strings.ToLower(b)}, ok: true},
		{name: "binary marker and CRLF", in: a + " *data.csv\r\n\n", want: map[string]string{"data.csv": a}, ok: true},
		{name: "short sum", in: "abc  data.csv\n"},
		{name: "not hex", in: strings.Repeat("z", 64) + "  data.csv\n"},
		{name: "one space", in: a + " data.csv\n"},
		{name: "duplicate", in: a + "  data.csv\n" + a + "  data.csv\n"},
		{name: "empty", in: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseSums([]byte(tc.in))
			if (err == nil) != tc.ok {
				t.Fatalf("parseSums: %v, want ok=%v", err, tc.ok)
			}
			if tc.ok && !equalMaps(got, tc.want) {
				t.Errorf("parseSums = %v, want %v", got, tc.want)
			}
		})
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func FuzzParseSums(f *testing.F) {
	f.Add([]byte(strings.Repeat("0", 64) + "  data.csv\n" + strings.Repeat("f", 64) + "  datapackage.json\n"))
	f.Add([]byte(strings.Repeat("a", 64) + " *data.parquet\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseSums(b)
		if err != nil {
			return
		}
		for name, sum := range m {
			if len(sum) != 64 || strings.ToLower(sum) != sum || name == "" && len(m) == 0 {
				t.Fatalf("bad entry %q → %q", name, sum)
			}
		}
	})
}

func TestParseAPIError(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantMsg    string
		wantFields map[string]string // field → first message
	}{
		{name: "form errors", body: `{"message": "Validation error", "errors": {"title": ["This field is required."], "license": ["Not a valid choice"]}}`,
			wantMsg: "Validation error", wantFields: map[string]string{"title": "This field is required.", "license": "Not a valid choice"}},
		{name: "nested form", body: `{"errors": {"checksum": {"type": ["Not a valid choice"]}}}`,
			wantFields: map[string]string{"checksum.type": "Not a valid choice"}},
		{name: "content type", body: `{"errors": {"Content-Type": "expecting application/json"}, "message": "Input payload validation failed"}`,
			wantMsg: "Input payload validation failed", wantFields: map[string]string{"Content-Type": "expecting application/json"}},
		{name: "list of nested forms", body: `{"errors": {"resources": [{}, {"url": ["Invalid URL"]}]}}`,
			wantFields: map[string]string{"resources.1.url": "Invalid URL"}},
		{name: "upload error", body: `{"success": false, "error": "Missing file parameter"}`, wantMsg: "Missing file parameter"},
		{name: "html", body: "<html><body>\n<h1>502 Bad Gateway</h1></body></html>", wantMsg: "<html><body> <h1>502 Bad Gateway</h1></body></html>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg, fields := parseAPIError([]byte(tc.body))
			if msg != tc.wantMsg {
				t.Errorf("message %q, want %q", msg, tc.wantMsg)
			}
			if len(fields) != len(tc.wantFields) {
				t.Errorf("fields %v, want %v", fields, tc.wantFields)
			}
			for k, v := range tc.wantFields {
				if len(fields[k]) == 0 || fields[k][0] != v {
					t.Errorf("field %s: %v, want %q", k, fields[k], v)
				}
			}
		})
	}
}

func FuzzParseAPIError(f *testing.F) {
	f.Add([]byte(`{"message": "Validation error", "errors": {"title": ["This field is required."]}}`))
	f.Add([]byte(`{"errors": {"checksum": {"value": ["This field is required."]}, "resources": [{"url": ["x"]}]}}`))
	f.Add([]byte(`{"success": false, "error": "Missing file parameter"}`))
	f.Add([]byte("<html>Service Unavailable</html>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		msg, fields := parseAPIError(b)
		e := &APIError{Method: "POST", Path: "/datasets/", Status: 400, Message: msg, Fields: fields}
		s := e.Error()
		for k := range fields {
			if !strings.Contains(s, k) {
				t.Fatalf("error %q does not name field %q", s, k)
			}
		}
	})
}

func TestUploadName(t *testing.T) {
	tests := []struct{ name, file, want string }{
		{name: "csv", file: "data.csv", want: "lycees.csv"},
		{name: "variant", file: "data-fr.csv", want: "lycees-fr.csv"},
		{name: "other", file: "carte.geojson", want: "lycees-carte.geojson"},
		{name: "data prefix word", file: "database.csv", want: "lycees-database.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := uploadName("lycees", tc.file); got != tc.want {
				t.Errorf("uploadName(%q) = %q, want %q", tc.file, got, tc.want)
			}
		})
	}
}

// TestMultipartFile checks the streamed body is a valid multipart form with
// the file under "file" and an exact length, at every attempt.
func TestMultipartFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data.csv")
	content := "id,nom\n1,Médiathèque\n"
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	ctype, body, err := multipartFile(path, "lieux.csv", "text/csv")
	if err != nil {
		t.Fatal(err)
	}
	for attempt := 1; attempt <= 2; attempt++ {
		rc, n, err := body()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(raw)) != n {
			t.Fatalf("attempt %d: declared %d bytes, body has %d", attempt, n, len(raw))
		}
		_, params, err := mime.ParseMediaType(ctype)
		if err != nil {
			t.Fatal(err)
		}
		mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
		part, err := mr.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		if part.FormName() != "file" || part.FileName() != "lieux.csv" || part.Header.Get("Content-Type") != "text/csv" {
			t.Errorf("part %q %q %q", part.FormName(), part.FileName(), part.Header.Get("Content-Type"))
		}
		got, _ := io.ReadAll(part)
		if string(got) != content {
			t.Errorf("part content %q", got)
		}
		if _, err := mr.NextPart(); err != io.EOF {
			t.Errorf("more parts: %v", err)
		}
	}
}
