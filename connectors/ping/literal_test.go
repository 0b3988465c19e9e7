package ping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParseLiteral(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		variable string
		want     []Entry
	}{
		{
			name:     "PiNG shape with tabs, numeric keys and trailing commas",
			src:      "var lieux = {\n\t12 : {\t\"latitude\" : \"47.21\",\n\t\t\"espaces\" : [\"Fablab\", \"EPN\"],\n\t\t\"commune\" : \"Nantes\",\n\t},\n\t7 : {\t\"latitude\" : \"47.47\",\n\t},\n}\n",
			variable: "lieux",
			want: []Entry{
				{Key: "12", Line: 2, Value: map[string]any{"latitude": "47.21", "espaces": []any{"Fablab", "EPN"}, "commune": "Nantes"}},
				{Key: "7", Line: 6, Value: map[string]any{"latitude": "47.47"}},
			},
		},
		{
			name: "source order kept, not sorted",
			src:  "var lieux = {b: 1, a: 2, 10: 3, 9: 4};",
			want: []Entry{{Key: "b", Line: 1, Value: json.Number("1")}, {Key: "a", Line: 1, Value: json.Number("2")},
				{Key: "10", Line: 1, Value: json.Number("3")}, {Key: "9", Line: 1, Value: json.Number("4")}},
		},
		{
			name: "duplicate top-level keys are all kept",
			src:  "var lieux = {1: 'a', 1: 'b'}",
			want: []Entry{{Key: "1", Line: 1, Value: "a"}, {Key: "1", Line: 1, Value: "b"}},
		},
		{
			name: "escapes as PHP json_encode writes them",
			src:  `var lieux = {1: "Espace num\u00e9rique<\/h3> \"cit\u00e9\" \ud83d\ude00"}`,
			want: []Entry{{Key: "1", Line: 1, Value: "Espace numérique</h3> \"cité\" 😀"}},
		},
		{
			name: "single quotes and other JavaScript escapes",
			src:  `var lieux = {'k': 'l\'atelier\n\t\x41\u{1F600}\\\/\q\0', "x": "a\` + "\n" + `b"}`,
			want: []Entry{{Key: "k", Line: 1, Value: "l'atelier\n\tA😀\\/q\x00"}, {Key: "x", Line: 1, Value: "ab"}},
		},
		{
			name: "lone surrogate becomes the replacement character",
			src:  `var lieux = {a: "x\ud800y", b: "\udc00"}`,
			want: []Entry{{Key: "a", Line: 1, Value: "x\uFFFDy"}, {Key: "b", Line: 1, Value: "\uFFFD"}},
		},
		{
			name: "numbers, literals and nesting",
			src:  "var lieux = {n: [-1.5e3, +2, 0, 0.25, true, false, null, undefined, {}, [[]]]}",
			want: []Entry{{Key: "n", Line: 1, Value: []any{json.Number("-1.5e3"), json.Number("2"), json.Number("0"),
				json.Number("0.25"), true, false, nil, nil, map[string]any{}, []any{[]any{}}}}},
		},
		{
			name: "comments everywhere",
			src:  "// generated\nvar /* name */ lieux = { /* first */\n  1 : 'a', // trailing\n  /* multi\n  line */ 2 : 'b'\n};\n// end",
			want: []Entry{{Key: "1", Line: 3, Value: "a"}, {Key: "2", Line: 5, Value: "b"}},
		},
		{
			name: "bare object without var",
			src:  "\uFEFF{\"1\": {\"a\": 1}};",
			want: []Entry{{Key: "1", Line: 1, Value: map[string]any{"a": json.Number("1")}}},
		},
		{
			name:     "chosen variable among several statements",
			src:      "var categories = {1: 'x'};\nvar lieux = {2: 'y'}\nlet reseaux = [1, 2]",
			variable: "lieux",
			want:     []Entry{{Key: "2", Line: 2, Value: "y"}},
		},
		{
			name: "first statement when no variable is given",
			src:  "const places = {3: 'z'}",
			want: []Entry{{Key: "3", Line: 1, Value: "z"}},
		},
		{
			name: "CRLF line endings",
			src:  "var lieux = {\r\n1 : 'a',\r\n2 : 'b',\r\n}",
			want: []Entry{{Key: "1", Line: 2, Value: "a"}, {Key: "2", Line: 3, Value: "b"}},
		},
		{
			name: "empty object",
			src:  "var lieux = {}",
			want: nil,
		},
		{
			name: "invalid UTF-8 in a string is replaced",
			src:  "var lieux = {1: \"caf\xe9\"}",
			want: []Entry{{Key: "1", Line: 1, Value: "caf\uFFFD"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLiteral([]byte(tt.src), tt.variable)
			if err != nil {
				t.Fatalf("ParseLiteral: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseLiteral =\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

func TestParseLiteralErrors(t *testing.T) {
	tests := []struct {
		name       string
		src        string
		variable   string
		line, col  int
		msgContain string
	}{
		{"missing colon", "var lieux = {\n\t12 : {\n\t\t\"titre\" \"x\",\n\t},\n}", "lieux", 3, 11, "expected ':' after key \"titre\""},
		{"missing comma", "var lieux = {\n  1: 'a'\n  2: 'b'\n}", "lieux", 3, 3, "expected ',' or '}'"},
		{"unterminated object points at its brace", "var lieux = {\n  1: {\n    a: 1,\n", "lieux", 2, 6, "'{' is never closed"},
		{"unterminated string points at its quote", "var lieux = {1: \"abc}", "lieux", 1, 17, "unterminated string"},
		{"line break in string", "var lieux = {1: 'ab\ncd'}", "lieux", 1, 17, "line break inside the quotes"},
		{"unterminated array", "var lieux = {1: [1, 2", "lieux", 1, 17, "'[' is never closed"},
		{"bad escape", `var lieux = {1: "\u00g9"}`, "lieux", 1, 18, `malformed \u escape`},
		{"leading zero", "var lieux = {1: 012}", "lieux", 1, 17, "leading zero"},
		{"hex number", "var lieux = {1: 0x1F}", "lieux", 1, 18, "malformed number"},
		{"unknown word", "var lieux = {1: yes}", "lieux", 1, 17, `unexpected word "yes"`},
		{"unterminated comment", "var lieux = {\n/* oops\n1: 2}", "lieux", 2, 1, "unterminated /* comment"},
		{"columns count characters, not bytes", "var lieux = {\"é\": 1 2}", "lieux", 1, 21, "expected ',' or '}'"},
		{"no var statement", "lieux = {}", "lieux", 1, 1, "expected 'var lieux = {'"},
		{"variable not found", "var categories = {1: 2};\n", "lieux", 2, 1, "no 'var lieux = {' statement found"},
		{"not an object", "var lieux = [1, 2];", "lieux", 1, 13, "expected '{' after 'var lieux ='"},
		{"garbage after the object", "var lieux = {} oops", "lieux", 1, 16, "unexpected 'o' after the value of 'lieux'"},
		{"garbage after a bare object", "{1: 2} }", "", 1, 8, "unexpected '}' after the object"},
		{"HTML page", "<!DOCTYPE html>\n<html>", "lieux", 1, 1, "expected 'var lieux = {'"},
		{"empty input", "", "lieux", 1, 1, "no 'var lieux = {' statement found"},
		{"missing value", "var lieux = {1: }", "lieux", 1, 17, "where a value was expected"},
		{"octal escape", `var lieux = {1: "\12"}`, "lieux", 1, 18, "octal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseLiteral([]byte(tt.src), tt.variable)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error = %v (%T), want a *SyntaxError", err, err)
			}
			if se.Line != tt.line || se.Column != tt.col || !strings.Contains(se.Msg, tt.msgContain) {
				t.Errorf("error = %q at %d:%d, want %q at %d:%d", se.Msg, se.Line, se.Column, tt.msgContain, tt.line, tt.col)
			}
			wantPrefix := fmt.Sprintf("ping: line %d, column %d: ", tt.line, tt.col)
			if !strings.HasPrefix(err.Error(), wantPrefix) {
				t.Errorf("Error() = %q, want prefix %q", err.Error(), wantPrefix)
			}
		})
	}
}

func TestSyntaxErrorWithURL(t *testing.T) {
	e := &SyntaxError{URL: "http://x.example/lieux.js.php", Line: 12, Column: 5, Msg: "expected ':' after key"}
	want := "ping: http://x.example/lieux.js.php: line 12, column 5: expected ':' after key"
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
}

func TestParseLiteralDepthLimit(t *testing.T) {
	src := "var lieux = {a: " + strings.Repeat("[", maxDepth+10) + strings.Repeat("]", maxDepth+10) + "}"
	_, err := ParseLiteral([]byte(src), "lieux")
	if err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Fatalf("error = %v, want a nesting error", err)
	}
}

// toJSONLiteral writes entries back as `var NAME = {` with one JSON member
// per line, so that entry i starts on line i+2.
func toJSONLiteral(t *testing.T, entries []Entry) []byte {
	var b bytes.Buffer
	b.WriteString("var lieux = {\n")
	for _, e := range entries {
		k, err := json.Marshal(e.Key)
		if err != nil {
			t.Fatal(err)
		}
		v, err := json.Marshal(e.Value)
		if err != nil {
			t.Fatalf("marshal %#v: %v", e.Value, err)
		}
		b.Write(k)
		b.WriteString(": ")
		b.Write(v)
		b.WriteString(",\n")
	}
	b.WriteString("};\n")
	return b.Bytes()
}

func FuzzParseLiteral(f *testing.F) {
	seeds := []string{
		"var lieux = {\n\t12 : {\t\"latitude\" : \"47.2184\",\n\t\t\"longitude\" : \"-1.5536\",\n\t\t\"type\" : \"association\",\n\t\t\"activites\" : [\"Fablab\", \"Initiation\"],\n\t\t\"commune\" : \"Nantes\",\n\t\t\"titre\" : \"Espace num\\u00e9rique\",\n\t\t\"texte\" : \"<div class=\\\"popup\\\"><h3>Fablab<\\/h3><\\/div>\",\n\t},\n}\n",
		"var lieux = {1: 'a', 'b': [1, -2.5e-3, true, null,], c: {d: undefined}};",
		"// c\nvar lieux = /* x */ {\r\n1:2\r\n}",
		"{\"1\": \"\\ud83d\\ude00\\x41\\u{1F600}\"}",
		"var a = 1\nvar lieux = {}",
		"var lieux = {1: \"unterminated",
		"<html><body>Not found</body></html>",
		"",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		entries, err := ParseLiteral(src, "lieux")
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line < 1 || se.Column < 1 {
				t.Fatalf("error %v is not a located *SyntaxError", err)
			}
			return
		}
		again, err := ParseLiteral(toJSONLiteral(t, entries), "lieux")
		if err != nil {
			t.Fatalf("re-parsing the JSON form: %v", err)
		}
		if len(again) != len(entries) {
			t.Fatalf("re-parse gave %d entries, want %d", len(again), len(entries))
		}
		for i := range entries {
			if again[i].Key != entries[i].Key || !reflect.DeepEqual(again[i].Value, entries[i].Value) {
				t.Fatalf("entry %d: re-parse gave %q=%#v, want %q=%#v", i, again[i].Key, again[i].Value, entries[i].Key, entries[i].Value)
			}
			if again[i].Line != i+2 {
				t.Fatalf("entry %d: line %d, want %d", i, again[i].Line, i+2)
			}
		}
	})
}
