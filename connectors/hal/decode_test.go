package hal

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/connectors"
)

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecodeRealSamples decodes the real answers of HAL; the expected
// values were read by hand in the files.
func TestDecodeRealSamples(t *testing.T) {
	tests := []struct {
		file       string
		numFound   int64
		docs       int
		firstDocid string
		wantErr    string
	}{
		{"osuny-hal-response-1.json", 51, 30, "2498602", ""},
		{"osuny-hal-response-3.json", 1, 1, "2455856", ""},
		{"osuny-hal-response-2.json", 0, 0, "", "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p, err := decodePage(readSample(t, tt.file))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("decodePage = %v, want an error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.numFound != tt.numFound || len(p.docs) != tt.docs {
				t.Errorf("numFound %d, %d docs; want %d, %d", p.numFound, len(p.docs), tt.numFound, tt.docs)
			}
			if p.hasNext {
				t.Errorf("nextCursorMark %q in an answer without one", p.next)
			}
			dr := toRecord(p.docs[0], 1, DefaultModifiedField)
			if dr.docid != tt.firstDocid {
				t.Errorf("first docid %q, want %q", dr.docid, tt.firstDocid)
			}
			// label_s is passed through with its entities: only titles are decoded.
			if s, _ := dr.rec.Fields["label_s"].(string); !strings.Contains(s, "&#x27E8;hal-0") {
				t.Errorf("label_s = %q, want it passed through as HAL wrote it", s)
			}
		})
	}
}

// TestVersionDigits checks that _version_ of the fl=* sample (above 2^53)
// keeps every digit: the complete first document of that sample, cut out
// of the truncated file, is decoded.
func TestVersionDigits(t *testing.T) {
	raw := string(readSample(t, "osuny-hal-response-2.json"))
	start := strings.Index(raw, `"docid"`)
	end := strings.Index(raw, `"dateLastIndexed_tdate"`)
	if start < 0 || end < 0 {
		t.Fatal("sample layout changed")
	}
	body := `{"response":{"numFound":1,"docs":[{` + strings.TrimRight(raw[start:end], " \n,") + `}]},"nextCursorMark":"x"}`
	p, err := decodePage([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	f := toRecord(p.docs[0], 1, DefaultModifiedField).rec.Fields
	want := map[string]any{
		FieldVersion:         "1751459553470316544",
		FieldDocID:           "2498602",
		FieldHalID:           "hal-02498602",
		FieldTitle:           "Cyber-harassment and social networks : the CyberNeTic research project",
		FieldDocType:         "COMM",
		FieldPublicationYear: json.Number("2020"),
		FieldStructures:      []any{json.Number("136101"), json.Number("412629")},
		FieldOpenAccess:      false,
		FieldModified:        "2021-04-06T11:55:06Z",
		FieldURI:             "https://hal.archives-ouvertes.fr/hal-02498602",
		FieldDOI:             nil,
		// passed through, a list in this sample already
		"authFullName_s": []any{"Marlène Dulaurans", "Jean-Christophe Fedherbe"},
		"language_s":     []any{"en"},
		// passed through, scalar
		"country_s": "fr",
	}
	for k, v := range want {
		if got := f[k]; !reflect.DeepEqual(got, v) {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}
	for _, k := range []string{"title_s", "halId_s", "_version_", "modifiedDate_tdate", "structId_i"} {
		if _, ok := f[k]; ok {
			t.Errorf("consumed HAL field %s repeated in the record", k)
		}
	}
}

func TestToRecord(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want map[string]any // fields checked; others ignored
		err  bool           // ErrorField expected
	}{
		{
			name: "scalars where arrays are usual",
			doc:  `{"docid":3108834,"title_s":"  Un titre  ","structId_i":24140,"doiId_s":"10.1/x","authFullName_s":"A. Auteur","keyword_s":"mot"}`,
			want: map[string]any{
				FieldDocID: "3108834", FieldTitle: "Un titre", FieldStructures: []any{json.Number("24140")}, FieldDOI: "10.1/x",
				"authFullName_s": []any{"A. Auteur"}, "keyword_s": []any{"mot"},
			},
		},
		{
			name: "arrays where scalars are usual",
			doc:  `{"docid":["42"],"halId_s":["hal-00000042"],"docType_s":["ART"],"uri_s":["https://hal.science/hal-00000042"],"doiId_s":["", "10.2/y"]}`,
			want: map[string]any{FieldDocID: "42", FieldHalID: "hal-00000042", FieldDocType: "ART", FieldURI: "https://hal.science/hal-00000042", FieldDOI: "10.2/y"},
		},
		{
			name: "entities decoded in the title only",
			doc:  `{"docid":"1","title_s":["L&#039;estuaire &amp; la mer &#x27E8;bis&#x27E9;"],"label_s":"x &amp; y"}`,
			want: map[string]any{FieldTitle: "L'estuaire & la mer ⟨bis⟩", "label_s": "x &amp; y"},
		},
		{
			name: "structures deduplicated, order kept, text ids kept",
			doc:  `{"docid":"1","structId_i":[5,3,5,"7",null]}`,
			want: map[string]any{FieldStructures: []any{json.Number("5"), json.Number("3"), "7"}},
		},
		{
			name: "empty values",
			doc:  `{"docid":"1","title_s":[],"structId_i":null,"doiId_s":"","publicationDateY_i":null}`,
			want: map[string]any{FieldTitle: nil, FieldStructures: []any{}, FieldDOI: nil, FieldPublicationYear: nil, FieldVersion: nil, FieldModified: nil},
		},
		{
			name: "open access from openAccess_bool over submitType_s",
			doc:  `{"docid":"1","submitType_s":"file","openAccess_bool":false}`,
			want: map[string]any{FieldOpenAccess: false},
		},
		{
			name: "open access from submitType_s file",
			doc:  `{"docid":"1","submitType_s":"file"}`,
			want: map[string]any{FieldOpenAccess: true},
		},
		{
			name: "open access from submitType_s notice",
			doc:  `{"docid":"1","submitType_s":"notice"}`,
			want: map[string]any{FieldOpenAccess: false},
		},
		{
			name: "open access unknown",
			doc:  `{"docid":"1"}`,
			want: map[string]any{FieldOpenAccess: nil},
		},
		{
			name: "version above 2^53",
			doc:  `{"docid":"1","_version_":9007199254740993}`,
			want: map[string]any{FieldVersion: "9007199254740993"},
		},
		{name: "no docid", doc: `{"title_s":["Sans identifiant"]}`, err: true},
		{name: "not an object", doc: `"hal-0001"`, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := decodePage([]byte(`{"response":{"numFound":1,"docs":[` + tt.doc + `]},"nextCursorMark":"x"}`))
			if err != nil {
				t.Fatal(err)
			}
			dr := toRecord(p.docs[0], 7, DefaultModifiedField)
			if dr.rec.Line != 7 {
				t.Errorf("Line %d, want 7", dr.rec.Line)
			}
			msg, hasErr := dr.rec.Fields[connectors.ErrorField].(string)
			if hasErr != tt.err || (hasErr && msg == "") {
				t.Errorf("%s = %q, want present: %v", connectors.ErrorField, msg, tt.err)
			}
			for k, v := range tt.want {
				if got := dr.rec.Fields[k]; !reflect.DeepEqual(got, v) {
					t.Errorf("%s = %#v, want %#v", k, got, v)
				}
			}
		})
	}
}

func TestDecodePageErrors(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"trailing data", `{"response":{"numFound":0,"docs":[]},"nextCursorMark":"*"} {}`, "data after the end"},
		{"array", `[{"docid":"1"}]`, "expected a JSON object"},
		{"docs not an array", `{"response":{"numFound":1,"docs":{"docid":"1"}},"nextCursorMark":"*"}`, "not an array"},
		{"numFound missing", `{"response":{"docs":[]},"nextCursorMark":"*"}`, "no response.numFound"},
		{"numFound negative", `{"response":{"numFound":-1,"docs":[]},"nextCursorMark":"*"}`, "not a count"},
		{"cursor not a string", `{"response":{"numFound":0,"docs":[]},"nextCursorMark":12}`, "not a cursor"},
		{"solr error without code", `{"error":{"msg":"Timeout"}}`, "Solr error: Timeout"},
		{"truncated", `{"response":{"numFound":1,"docs":[{"docid":"1"`, "truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodePage([]byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("decodePage = %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func FuzzDecodePage(f *testing.F) {
	for _, name := range []string{"osuny-hal-response-1.json", "osuny-hal-response-2.json", "osuny-hal-response-3.json"} {
		f.Add(readSample(f, name))
	}
	for _, name := range []string{"full-page-1.body", "full-page-3.body", "incremental-page-1.body"} {
		b, err := os.ReadFile(filepath.Join(replayDir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"error":{"msg":"undefined field x","code":400}}`))
	f.Add([]byte(`{"response":{"numFound":2,"docs":[{"docid":1,"title_s":"a &amp; b","structId_i":[1,1]},"x",null]},"nextCursorMark":"AoE="}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := decodePage(body)
		if err != nil {
			if p != nil {
				t.Fatal("a page and an error")
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("decoded invalid JSON %q", body)
		}
		if p.numFound < 0 || (p.hasNext && p.next == "") {
			t.Fatalf("numFound %d, next %q", p.numFound, p.next)
		}
		for i, d := range p.docs {
			dr := toRecord(d, i+1, DefaultModifiedField)
			if dr.rec.Line != i+1 || dr.rec.Fields == nil {
				t.Fatalf("doc %d: record %+v", i, dr.rec)
			}
			_, bad := dr.rec.Fields[connectors.ErrorField]
			if bad == (dr.docid != "") {
				t.Fatalf("doc %d: docid %q and error field %v", i, dr.docid, dr.rec.Fields[connectors.ErrorField])
			}
			if s, ok := dr.rec.Fields[FieldStructures].([]any); !bad && !ok {
				t.Fatalf("doc %d: structures %T, want a list", i, dr.rec.Fields[FieldStructures])
			} else {
				seen := map[string]bool{}
				for _, e := range s {
					k := scalarText(e)
					if seen[k] {
						t.Fatalf("doc %d: structure %s twice", i, k)
					}
					seen[k] = true
				}
			}
			for k, v := range dr.rec.Fields {
				if err := allowed(v); err != "" {
					t.Fatalf("doc %d: field %s: %s", i, k, err)
				}
			}
		}
	})
}

// allowed reports a value of a type that connectors.Record does not allow.
func allowed(v any) string {
	switch x := v.(type) {
	case nil, string, json.Number, bool:
		return ""
	case []any:
		for _, e := range x {
			if s := allowed(e); s != "" {
				return s
			}
		}
		return ""
	case map[string]any:
		for _, e := range x {
			if s := allowed(e); s != "" {
				return s
			}
		}
		return ""
	}
	return "type " + reflect.TypeOf(v).String()
}
