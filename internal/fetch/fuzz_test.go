package fetch

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
)

func FuzzNormalizeURL(f *testing.F) {
	for _, s := range []string{
		"https://data.paysdelaloire.fr/api/explore/v2.1/catalog/datasets/lycees/records?limit=100&offset=0&where=dep%3D%2244%22",
		"https://geo.example/csw?service=CSW&request=GetRecords&version=2.0.2&typeNames=csw:Record",
		"http://x.example/?fq=a&fq=b&q=caf%C3%A9+cr%C3%A8me",
		"https://x.example/a%2Fb?x=%zz&&y",
		"HTTP://X.EXAMPLE#frag",
		"https://[::1]:8443/p?b=1;c=2&a",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		n := normalizeURL(raw)
		if again := normalizeURL(n); again != n {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, n, again)
		}
		// Reordering the query pieces does not change the result.
		base, query, ok := strings.Cut(raw, "?")
		if !ok || strings.Contains(query, "#") {
			return
		}
		if u, err := url.Parse(raw); err != nil || u.Opaque != "" {
			return // kept verbatim
		}
		pieces := strings.Split(query, "&")
		// Only pieces with distinct names may be freely reordered.
		seen := map[string]bool{}
		for _, p := range pieces {
			name, _, _ := strings.Cut(p, "=")
			key := reencode(name)
			if seen[key] {
				return
			}
			seen[key] = true
		}
		r := rand.New(rand.NewPCG(uint64(len(raw)), 7))
		r.Shuffle(len(pieces), func(i, j int) { pieces[i], pieces[j] = pieces[j], pieces[i] })
		shuffled := base + "?" + strings.Join(pieces, "&")
		if _, err := url.Parse(shuffled); err != nil {
			return
		}
		if got := normalizeURL(shuffled); got != n {
			t.Fatalf("order matters: %q -> %q but %q -> %q", raw, n, shuffled, got)
		}
	})
}

func FuzzParseReplayMeta(f *testing.F) {
	for _, s := range []string{
		`{"method":"GET","url":"https://data.paysdelaloire.fr/api/records?limit=2&offset=0","status":200,"headers":{"Content-Type":["application/json"]},"body_file":"ods-page1-1a2b3c4d.body","request_body_sha256":""}`,
		`{"method":"POST","url":"https://csw.example/csw","headers":{"content-type":"application/xml"},"body_file":"sub/r.xml","request_body_sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}`,
		`{"url":"http://x.example/","status":410}`,
		`{"url":"http://x.example/","body_file":"../x"}`,
		`[1,2,3]`,
		`{"results":[{"url":"x"}]}`,
		`{"url":`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseReplayMeta(data)
		if err != nil {
			return
		}
		// A valid meta is an absolute http(s) URL with a sane status and a
		// normalised method, and survives a write in the record format.
		if m.Status < 100 || m.Status > 599 || m.Method == "" || m.Method != strings.ToUpper(m.Method) {
			t.Fatalf("accepted meta %+v", m)
		}
		out, err := json.Marshal(recordedMeta{Method: m.Method, URL: m.URL, Status: m.Status, Headers: m.Header,
			BodyFile: m.BodyFile, RequestBodySHA256: m.RequestBodySHA256})
		if err != nil {
			t.Fatal(err)
		}
		back, err := parseReplayMeta(out)
		if errors.Is(err, errNotMeta) || err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if requestKey(back.Method, back.URL, back.RequestBodySHA256) != requestKey(m.Method, m.URL, m.RequestBodySHA256) ||
			back.BodyFile != m.BodyFile || back.Status != m.Status || len(back.Header) != len(m.Header) {
			t.Fatalf("round trip changed %+v into %+v", m, back)
		}
	})
}
