package web

import (
	"encoding/json"
	"strings"
	"testing"
)

const (
	hexA = "3f9a0c7d1e2b4a5f6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d"
	hexB = "0000000000000000000000000000000000000000000000000000000000000000"
)

func TestParseSums(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		want    []checksum
		wantErr bool
	}{
		{"sha256sum output", hexA + "  data.csv\n" + hexB + "  data.parquet\n",
			[]checksum{{"data.csv", hexA}, {"data.parquet", hexB}}, false},
		{"binary marker and CRLF", hexA + " *data.csv\r\n", []checksum{{"data.csv", hexA}}, false},
		{"upper-case hex", strings.ToUpper(hexA) + "  quality.json\n", []checksum{{"quality.json", hexA}}, false},
		{"blank lines", "\n" + hexA + "  data.csv\n\n", []checksum{{"data.csv", hexA}}, false},
		{"empty", "", nil, false},
		{"no final newline", hexA + "  data.csv", []checksum{{"data.csv", hexA}}, false},
		{"single space", hexA + " data.csv\n", nil, true},
		{"short hash", "abcd  data.csv\n", nil, true},
		{"not hex", strings.Repeat("z", 64) + "  data.csv\n", nil, true},
		{"path with slash", hexA + "  ../etc/passwd\n", nil, true},
		{"hidden name", hexA + "  .env\n", nil, true},
		{"lists itself", hexA + "  SHA256SUMS\n", nil, true},
		{"duplicate", hexA + "  data.csv\n" + hexB + "  data.csv\n", nil, true},
		{"name with space", hexA + "  my data.csv\n", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseSums([]byte(tc.in))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("line %d: got %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestValidName(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"equipements-sportifs", true},
		{"20261127T152100Z-3f9a", true},
		{"data.parquet", true},
		{"SHA256SUMS", true},
		{"", false},
		{".", false},
		{"..", false},
		{".staging-20261127T152100Z-3f9a", false},
		{"a/b", false},
		{`a\b`, false},
		{"a b", false},
		{"école", false},
		{"a\x00b", false},
		{strings.Repeat("a", 201), false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := validName(tc.in); got != tc.want {
				t.Errorf("validName(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestDataPackageSchema(t *testing.T) {
	for _, tc := range []struct {
		name       string
		in         string
		wantFields []string
		wantPK     []string
		wantErr    bool
	}{
		{"inline schema, string key",
			`{"resources":[{"name":"data-csv","schema":{"fields":[{"name":"id","type":"string"},{"name":"nom"}],"primaryKey":"id"}}]}`,
			[]string{"id", "nom"}, []string{"id"}, false},
		{"array key, schema on second resource",
			`{"resources":[{"name":"a"},{"name":"b","schema":{"fields":[{"name":"x"},{"name":"y"}],"primaryKey":["x","y"]}}]}`,
			[]string{"x", "y"}, []string{"x", "y"}, false},
		{"no schema", `{"resources":[{"name":"a","schema":null}]}`, nil, nil, false},
		{"schema by path", `{"resources":[{"name":"a","schema":"schema.json"}]}`, nil, nil, true},
		{"fields not an array", `{"resources":[{"name":"a","schema":{"fields":{}}}]}`, nil, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dp, err := parseDataPackage([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			s, err := dp.schema()
			if (err != nil) != tc.wantErr {
				t.Fatalf("schema err = %v, wantErr %v", err, tc.wantErr)
			}
			if s == nil {
				if tc.wantFields != nil {
					t.Fatal("no schema, want one")
				}
				return
			}
			var names []string
			for _, f := range s.Fields {
				names = append(names, f.Name)
			}
			if strings.Join(names, ",") != strings.Join(tc.wantFields, ",") {
				t.Errorf("fields %v, want %v", names, tc.wantFields)
			}
			if strings.Join(s.primaryKey(), ",") != strings.Join(tc.wantPK, ",") {
				t.Errorf("primary key %v, want %v", s.primaryKey(), tc.wantPK)
			}
		})
	}
}

func TestQualityValueText(t *testing.T) {
	for _, tc := range []struct{ name, raw, want string }{
		{"string", `"4400"`, "4400"},
		{"number", `12.5`, "12.5"},
		{"null", `null`, ""},
		{"absent", ``, ""},
		{"array", `[1,2]`, "[1,2]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := qualityError{Value: json.RawMessage(tc.raw)}
			if got := e.valueText(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzParseSums(f *testing.F) {
	f.Add([]byte(hexA + "  data.csv\n" + hexB + "  data.parquet\n" + hexA + "  datapackage.json\n" + hexB + "  quality.json\n"))
	f.Add([]byte(hexA + " *data.csv\r\n"))
	f.Add([]byte(hexA + "  ../../etc/passwd\n"))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		list, err := parseSums(b)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, c := range list {
			if !validName(c.File) || c.File == sumsName {
				t.Fatalf("accepted unsafe name %q", c.File)
			}
			if len(c.Hex) != 64 || strings.ToLower(c.Hex) != c.Hex {
				t.Fatalf("accepted bad hash %q", c.Hex)
			}
			if seen[c.File] {
				t.Fatalf("accepted duplicate %q", c.File)
			}
			seen[c.File] = true
		}
	})
}

func FuzzValidName(f *testing.F) {
	for _, s := range []string{"equipements-sportifs", "20261127T152100Z-3f9a", "..", ".staging-x", "a/b", "data.csv"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !validName(s) {
			return
		}
		if strings.HasPrefix(s, ".") || strings.ContainsAny(s, "/\\\x00") || s == "" {
			t.Fatalf("validName accepted %q", s)
		}
	})
}

func FuzzParseDataPackage(f *testing.F) {
	f.Add([]byte(`{"profile":"data-package","name":"equipements-sportifs","title":"Équipements sportifs","version":"20261127T152100Z-3f9a","created":"2026-11-27T15:21:00Z","licenses":[{"name":"etalab-2.0","title":"Licence Ouverte","path":"https://www.etalab.gouv.fr/licence-ouverte-open-licence"}],"resources":[{"name":"data-csv","path":"data.csv","bytes":123,"hash":"sha256:` + hexA + `","schema":{"fields":[{"name":"id","type":"string","constraints":{"required":true}}],"primaryKey":["id"]}}],"ligerdata":{"rows":97}}`))
	f.Add([]byte(`{"resources":[{"schema":"schema.json"}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"resources":[{"schema":{"fields":[],"primaryKey":7}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dp, err := parseDataPackage(b)
		if err != nil {
			return
		}
		s, err := dp.schema()
		if err == nil && s != nil {
			_ = s.primaryKey()
		}
		_ = licenceTitle(dp)
	})
}

func FuzzParseQuality(f *testing.F) {
	f.Add([]byte(`{"dataset":"d","release":"r","read":100,"accepted":97,"rejected":3,"errors_by_code":{"constraint-error":2,"type-error":1},"errors_by_field":{"nom":1},"header_errors":[],"sample_errors":[{"code":"type-error","row":5,"line":5,"field":"nom","value":"x","message":"valeur incorrecte"}]}`))
	f.Add([]byte(`{"sample_errors":[{"value":{"a":1}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := parseQuality(b)
		if err != nil {
			return
		}
		v := qualityViewOf(q)
		if v.Sentence == "" {
			t.Fatal("empty quality sentence")
		}
	})
}
