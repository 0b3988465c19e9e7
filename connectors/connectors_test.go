package connectors

import "testing"

func TestIsHTMLPage(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		want                    bool
	}{
		{"html media type", "text/html; charset=utf-8", `{"a":1}`, true},
		{"html media type upper case, spaces", " Text/HTML ", "a;b\n", true},
		{"xhtml media type", "application/xhtml+xml", "", true},
		{"doctype body without media type", "", "<!DOCTYPE html>\n<html>", true},
		{"html body served as csv", "text/csv", "\n  <HTML lang=\"fr\"><body>Maintenance", true},
		{"html body after a byte-order mark", "text/csv", "\xef\xbb\xbf<!doctype html><title>Erreur</title>", true},
		{"csv", "text/csv", "id;nom\n1;Nantes\n", false},
		{"json", "application/json", `[{"a":"<html>"}]`, false},
		{"xml document", "application/xml", `<?xml version="1.0"?><csw:GetRecordsResponse/>`, false},
		{"htmlx media type is not html", "text/htmlx", "x", false},
		{"short body", "", "<ht", false},
		{"empty", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsHTMLPage(tc.contentType, []byte(tc.body)); got != tc.want {
				t.Errorf("IsHTMLPage(%q, %q) = %v, want %v", tc.contentType, tc.body, got, tc.want)
			}
		})
	}
}

func FuzzIsHTMLPage(f *testing.F) {
	f.Add("text/html", []byte("<html>"))
	f.Add("", []byte("\xef\xbb\xbf  <!DOCTYPE HTML>"))
	f.Add("text/csv; charset=utf-8", []byte("a;b\n1;2\n"))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		_ = IsHTMLPage(ct, body) // must not panic on any input
	})
}
