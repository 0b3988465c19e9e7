package udatatest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestServerRejectsLikeUdata(t *testing.T) {
	srv := New("cle", "org1")
	defer srv.Close()
	valid := `{"title": "Lycées", "description": "Les lycées publics.", "license": "lov2", "frequency": "weekly", "organization": "org1"}`
	tests := []struct {
		name, key, ctype, body string
		status                 int
		field                  string // expected in "errors"
	}{
		{name: "valid", key: "cle", ctype: "application/json", body: valid, status: 201},
		{name: "legacy frequency mapped", key: "cle", ctype: "application/json", body: `{"title": "T", "description": "D", "frequency": "fortnighly"}`, status: 201},
		{name: "unknown fields ignored", key: "cle", ctype: "application/json", body: `{"title": "T", "description": "D", "colour": "blue"}`, status: 201},
		{name: "no key", ctype: "application/json", body: valid, status: 401},
		{name: "wrong key", key: "autre", ctype: "application/json", body: valid, status: 401},
		{name: "not json", key: "cle", ctype: "text/plain", body: valid, status: 400, field: "Content-Type"},
		{name: "no title", key: "cle", ctype: "application/json", body: `{"description": "D"}`, status: 400, field: "title"},
		{name: "no description", key: "cle", ctype: "application/json", body: `{"title": "T"}`, status: 400, field: "description"},
		{name: "unknown licence", key: "cle", ctype: "application/json", body: `{"title": "T", "description": "D", "license": "etalab-2.0"}`, status: 400, field: "license"},
		{name: "unknown frequency", key: "cle", ctype: "application/json", body: `{"title": "T", "description": "D", "frequency": "often"}`, status: 400, field: "frequency"},
		{name: "foreign organization", key: "cle", ctype: "application/json", body: `{"title": "T", "description": "D", "organization": "org2"}`, status: 400, field: "organization"},
		{name: "short tag", key: "cle", ctype: "application/json", body: `{"title": "T", "description": "D", "tags": ["ab"]}`, status: 400, field: "tags"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/1/datasets/", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ctype)
			if tc.key != "" {
				req.Header.Set("X-API-KEY", tc.key)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.status {
				b, _ := io.ReadAll(resp.Body)
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, b)
			}
			if tc.field != "" {
				var v struct {
					Errors map[string]any `json:"errors"`
				}
				if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || v.Errors[tc.field] == nil {
					t.Errorf("errors %v (%v), want field %s", v.Errors, err, tc.field)
				}
			}
		})
	}
}

func TestServerResources(t *testing.T) {
	srv := New("cle", "org1")
	defer srv.Close()
	do := func(method, path, ctype, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, bytes.NewBufferString(body))
		req.Header.Set("X-API-KEY", "cle")
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	st, d := do("POST", "/api/1/datasets/", "application/json", `{"title": "T", "description": "D"}`)
	if st != 201 {
		t.Fatalf("create: %d", st)
	}
	id := d["id"].(string)
	tests := []struct {
		name, method, path, ctype, body string
		status                          int
	}{
		{name: "file resource on the remote endpoint", method: "POST", path: "/api/1/datasets/" + id + "/resources/", ctype: "application/json", body: `{"title": "x", "url": "https://a.example/x.csv", "filetype": "file"}`, status: 400},
		{name: "remote resource", method: "POST", path: "/api/1/datasets/" + id + "/resources/", ctype: "application/json", body: `{"title": "x", "url": "https://a.example/x.csv", "filetype": "remote"}`, status: 201},
		{name: "remote without url", method: "POST", path: "/api/1/datasets/" + id + "/resources/", ctype: "application/json", body: `{"title": "x", "filetype": "remote"}`, status: 400},
		{name: "upload without file", method: "POST", path: "/api/1/datasets/" + id + "/upload/", ctype: "multipart/form-data; boundary=b", body: "--b--\r\n", status: 400},
		{name: "unknown dataset", method: "GET", path: "/api/1/datasets/nope/", status: 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if st, m := do(tc.method, tc.path, tc.ctype, tc.body); st != tc.status {
				t.Errorf("status %d, want %d: %v", st, tc.status, m)
			}
		})
	}
	ds := srv.Datasets()
	if len(ds) != 1 || len(ds[0].Resources) != 1 {
		t.Fatalf("datasets %+v", ds)
	}
	rid := ds[0].Resources[0].ID
	path := "/api/1/datasets/" + id + "/resources/" + rid + "/"
	if st, _ := do("PUT", path, "application/json", `{"filetype": "file"}`); st != 400 {
		t.Errorf("filetype change: %d, want 400", st)
	}
	if st, m := do("PUT", path, "application/json", `{"checksum": {"type": "sha512", "value": "x"}}`); st != 400 || m["errors"].(map[string]any)["checksum"] == nil {
		t.Errorf("bad checksum type: %d %v", st, m)
	}
	if st, _ := do("PUT", path, "application/json", `{"checksum": {"type": "sha256", "value": "ab"}, "title": "Nouveau"}`); st != 200 {
		t.Errorf("valid update: %d", st)
	}
	if got := srv.Datasets()[0].Resources[0]; got.Title != "Nouveau" || got.Checksum.Type != "sha256" {
		t.Errorf("resource after update %+v", got)
	}
}
