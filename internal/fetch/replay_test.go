package fetch

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
)

func TestRecordThenReplay(t *testing.T) {
	const csv = "code_insee;commune;population\n44109;Nantes;323204\n49007;Angers;157175\n"
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("ETag", `"abc"`)
		w.Header().Add("Set-Cookie", "session=secret")
		switch {
		case r.Method == http.MethodPost:
			b, _ := io.ReadAll(r.Body)
			w.Header().Set("Content-Type", "application/xml")
			io.WriteString(w, "<reponse pour='"+string(b)+"'/>")
		case r.URL.Path == "/absent":
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, "introuvable")
		default:
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			io.WriteString(w, csv)
		}
	}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "replay")

	rec, _ := newTestClient(t, Options{RecordDir: dir})
	getURL := srv.URL + "/api/communes.csv?dep=44&rows=100&start=0"
	fetched, err := rec.Do(context.Background(), Request{URL: getURL})
	if err != nil {
		t.Fatal(err)
	}
	postBody := []byte("<GetRecords start='1'/>")
	fetchedPost, err := rec.Do(context.Background(), Request{Method: "POST", URL: srv.URL + "/csw", Body: postBody})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rec.Do(context.Background(), Request{URL: srv.URL + "/absent"}); err == nil {
		t.Fatal("want a 404 error while recording")
	}
	if fetched.Replayed {
		t.Error("a fetched response says Replayed")
	}
	recorded := hits.Load()

	// The folder holds one meta and one body per response, no temp files.
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left", e.Name())
		}
	}
	if len(names) != 6 {
		t.Errorf("record folder holds %v, want 3 meta + 3 body files", names)
	}

	play, _ := newTestClient(t, Options{ReplayDir: dir, Egress: Egress{}})
	// Same query parameters, another order.
	reordered := srv.URL + "/api/communes.csv?start=0&rows=100&dep=44"
	replayed, err := play.Do(context.Background(), Request{URL: reordered})
	if err != nil {
		t.Fatal(err)
	}
	if hits.Load() != recorded {
		t.Error("replay reached the network")
	}
	if string(replayed.Body) != string(fetched.Body) || replayed.SHA256 != fetched.SHA256 || replayed.Status != fetched.Status {
		t.Errorf("replayed %d %q, fetched %d %q", replayed.Status, replayed.Body, fetched.Status, fetched.Body)
	}
	wantHeader := fetched.Header.Clone()
	wantHeader.Del("Set-Cookie")
	if !reflect.DeepEqual(replayed.Header, wantHeader) {
		t.Errorf("replayed header %v, want %v", replayed.Header, wantHeader)
	}
	if !replayed.Replayed || replayed.Attempts != 1 || replayed.URL != reordered {
		t.Errorf("Replayed %v Attempts %d URL %s", replayed.Replayed, replayed.Attempts, replayed.URL)
	}

	replayedPost, err := play.Do(context.Background(), Request{Method: "POST", URL: srv.URL + "/csw", Body: postBody})
	if err != nil {
		t.Fatal(err)
	}
	if string(replayedPost.Body) != string(fetchedPost.Body) || replayedPost.Header.Get("Content-Type") != "application/xml" {
		t.Errorf("replayed POST %q, want %q", replayedPost.Body, fetchedPost.Body)
	}

	// A recorded error status replays as the same error.
	_, err = play.Do(context.Background(), Request{URL: srv.URL + "/absent"})
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 404 || he.Snippet != "introuvable" {
		t.Errorf("replayed 404: %v", err)
	}

	// Unchanged by hash holds in replay too.
	again, err := play.Do(context.Background(), Request{URL: getURL, Prev: &Validators{SHA256: fetched.SHA256}})
	if err != nil || !again.Unchanged {
		t.Errorf("replay with the same hash: Unchanged=%v err=%v", again != nil && again.Unchanged, err)
	}

	tests := []struct {
		name string
		req  Request
	}{
		{"unknown path", Request{URL: srv.URL + "/api/autre.csv"}},
		{"other query value", Request{URL: srv.URL + "/api/communes.csv?dep=49&rows=100&start=0"}},
		{"missing parameter", Request{URL: srv.URL + "/api/communes.csv?dep=44&rows=100"}},
		{"other method", Request{Method: "HEAD", URL: getURL}},
		{"other POST body", Request{Method: "POST", URL: srv.URL + "/csw", Body: []byte("<GetRecords start='11'/>")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := play.Do(context.Background(), tc.req)
			if !errors.Is(err, ErrNotRecorded) {
				t.Fatalf("err = %v, want ErrNotRecorded", err)
			}
			method := tc.req.Method
			if method == "" {
				method = "GET"
			}
			if !strings.Contains(err.Error(), method+" "+tc.req.URL) {
				t.Errorf("error %q should name %s %s", err, method, tc.req.URL)
			}
		})
	}
}

// writeFiles creates files (slash paths relative to dir) with their contents.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReplayHandWritten(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		// Minimal: method and status default, a header given as a string,
		// lower-case header name, parameters in another order than requested.
		"ods/page1.json": `{"url": "https://data.paysdelaloire.fr/api/records?offset=0&limit=2",
			"headers": {"content-type": "application/json"}, "body_file": "page1.body.json",
			"note": "écrit à la main"}`,
		// A JSON body that happens to have a "url" key is not a meta file.
		"ods/page1.body.json": `{"url": "relative/not/a/meta", "results": [{"id": 1}]}`,
		"gone.json":           `{"method": "get", "url": "https://data.example/gone", "status": 410}`,
		"csw/getrecords.json": `{"method": "POST", "url": "https://csw.example/csw", "status": 200,
			"headers": {"Content-Type": ["application/xml"]}, "body_file": "bodies/r.xml",
			"request_body_sha256": "` + strings.ToUpper(sha256Hex([]byte("<GetRecords/>"))) + `"}`,
		"csw/bodies/r.xml": "<GetRecordsResponse/>",
		"notes.txt":        "ignored",
		"empty-array.json": `[]`,
	})
	c, err := New(Options{ReplayDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		req        Request
		wantBody   string
		wantType   string
		wantStatus int
	}{
		{"defaults and reordered query", Request{URL: "https://data.paysdelaloire.fr/api/records?limit=2&offset=0"},
			`{"url": "relative/not/a/meta", "results": [{"id": 1}]}`, "application/json", 0},
		{"POST matched by body hash", Request{Method: "POST", URL: "https://csw.example/csw", Body: []byte("<GetRecords/>")},
			"<GetRecordsResponse/>", "application/xml", 0},
		{"recorded 410", Request{URL: "https://data.example/gone"}, "", "", 410},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := c.Do(context.Background(), tc.req)
			if tc.wantStatus != 0 {
				var he *HTTPError
				if !errors.As(err, &he) || he.Status != tc.wantStatus || he.Attempts != 1 {
					t.Fatalf("err = %v, want HTTP %d", err, tc.wantStatus)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Body) != tc.wantBody || resp.Header.Get("Content-Type") != tc.wantType || resp.Status != 200 {
				t.Errorf("got %d %q (%s)", resp.Status, resp.Body, resp.Header.Get("Content-Type"))
			}
		})
	}
}

func TestReplayFolderProblems(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string
	}{
		{"broken JSON", map[string]string{"a.json": `{"url": "https://x.example/",}`}, "a.json"},
		{"missing body file", map[string]string{"a.json": `{"url": "https://x.example/", "body_file": "a.body"}`}, "a.body"},
		{"duplicate request", map[string]string{
			"a.json":     `{"url": "https://x.example/?a=1&b=2"}`,
			"sub/b.json": `{"url": "https://x.example/?b=2&a=1"}`,
		}, "same request"},
		{"relative url", map[string]string{"a.json": `{"url": "/data.csv"}`}, "not an absolute"},
		{"bad status", map[string]string{"a.json": `{"url": "https://x.example/", "status": 1000}`}, "status"},
		{"body outside", map[string]string{"a.json": `{"url": "https://x.example/", "body_file": "../secret"}`}, "leave"},
		{"bad request hash", map[string]string{"a.json": `{"url": "https://x.example/", "request_body_sha256": "xyz"}`}, "request_body_sha256"},
		{"header of wrong type", map[string]string{"a.json": `{"url": "https://x.example/", "headers": {"X": 1}}`}, "header"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			_, err := New(Options{ReplayDir: dir})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("New err = %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func TestReplayMaxBodyBytesAndCancel(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"big.json": `{"url": "https://x.example/big", "body_file": "big.body"}`,
		"big.body": strings.Repeat("z", 100),
	})
	c, err := New(Options{ReplayDir: dir, MaxBodyBytes: 99})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(context.Background(), Request{URL: "https://x.example/big"}); !errors.Is(err, ErrBodyTooLarge) {
		t.Errorf("err = %v, want ErrBodyTooLarge", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Do(ctx, Request{URL: "https://x.example/big"}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestParseReplayMeta(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantNotMet bool
		wantErr    bool
		want       replayMeta
	}{
		{"full", `{"method":"POST","url":"https://x.example/csw","status":201,"headers":{"etag":["\"1\""]},"body_file":"b.xml","request_body_sha256":""}`,
			false, false, replayMeta{Method: "POST", URL: "https://x.example/csw", Status: 201, Header: http.Header{"Etag": {`"1"`}}, BodyFile: "b.xml"}},
		{"defaults", `{"url":"http://x.example/"}`, false, false, replayMeta{Method: "GET", URL: "http://x.example/", Status: 200}},
		{"BOM", "\xef\xbb\xbf" + `{"url":"http://x.example/"}`, false, false, replayMeta{Method: "GET", URL: "http://x.example/", Status: 200}},
		{"array is not meta", `[{"url":"x"}]`, true, false, replayMeta{}},
		{"object without url", `{"results":[]}`, true, false, replayMeta{}},
		{"null", `null`, true, false, replayMeta{}},
		{"invalid JSON", `{"url":`, false, true, replayMeta{}},
		{"url not a string", `{"url": 3}`, false, true, replayMeta{}},
		{"status as string", `{"url":"http://x.example/","status":"200"}`, false, true, replayMeta{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseReplayMeta([]byte(tc.in))
			switch {
			case tc.wantNotMet:
				if !errors.Is(err, errNotMeta) {
					t.Errorf("err = %v, want errNotMeta", err)
				}
			case tc.wantErr:
				if err == nil || errors.Is(err, errNotMeta) {
					t.Errorf("err = %v, want a parse error", err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("got %+v, want %+v", got, tc.want)
				}
			}
		})
	}
}
