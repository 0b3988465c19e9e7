package store

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "data"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOpenCreatesLayout(t *testing.T) {
	s := openTemp(t)
	if !filepath.IsAbs(s.Root) {
		t.Errorf("Root %q is not absolute", s.Root)
	}
	for _, sub := range []string{"raw", "runs", "rejected", "public"} {
		fi, err := os.Stat(filepath.Join(s.Root, sub))
		if err != nil || !fi.IsDir() {
			t.Errorf("subfolder %s missing: %v", sub, err)
		}
	}
	if got, want := s.PublicDir(), filepath.Join(s.Root, "public"); got != want {
		t.Errorf("PublicDir = %q, want %q", got, want)
	}
	if _, err := Open(""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
}

func TestOpenRelativeRootIsMadeAbsolute(t *testing.T) {
	t.Chdir(t.TempDir())
	s, err := Open("data")
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if want := filepath.Join(wd, "data"); s.Root != want {
		t.Errorf("Root = %q, want %q", s.Root, want)
	}
}

func TestNewRunID(t *testing.T) {
	re := regexp.MustCompile(`^\d{8}T\d{6}Z-[0-9a-f]{4}$`)
	paris := time.FixedZone("CET", 3600)
	tests := []struct {
		name   string
		now    time.Time
		prefix string
	}{
		{"utc", time.Date(2026, 11, 27, 15, 21, 0, 0, time.UTC), "20261127T152100Z-"},
		{"converted from Paris time", time.Date(2026, 11, 27, 16, 21, 0, 0, paris), "20261127T152100Z-"},
		{"new year boundary", time.Date(2027, 1, 1, 0, 30, 5, 999, paris), "20261231T233005Z-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := NewRunID(tc.now)
			if !re.MatchString(id) || !strings.HasPrefix(id, tc.prefix) {
				t.Errorf("NewRunID = %q, want %s<4 hex>", id, tc.prefix)
			}
		})
	}
	// Ids sort by time, and the suffix separates ids of the same second.
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a, b := NewRunID(base), NewRunID(base.Add(time.Second))
	if !(a < b) {
		t.Errorf("%q should sort before %q", a, b)
	}
	seen := map[string]bool{}
	for range 20 {
		seen[NewRunID(base)] = true
	}
	if len(seen) < 2 {
		t.Errorf("20 ids in the same second are all equal: %v", seen)
	}
}

func TestRejectedPath(t *testing.T) {
	s := openTemp(t)
	tests := []struct {
		name, dataset, runID, want string
	}{
		{"plain", "lycees", "20261127T152100Z-3f9a", "rejected/lycees/20261127T152100Z-3f9a.csv"},
		{"separator replaced", "a/../b", "r1", "rejected/a_.._b/r1.csv"},
		{"leading dot", "..", "r1", "rejected/_../r1.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := s.RejectedPath(tc.dataset, tc.runID)
			if want := filepath.Join(s.Root, filepath.FromSlash(tc.want)); got != want {
				t.Errorf("RejectedPath = %q, want %q", got, want)
			}
			if fi, err := os.Stat(filepath.Dir(got)); err != nil || !fi.IsDir() {
				t.Errorf("folder of %s not created: %v", got, err)
			}
		})
	}
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func TestRawRoundTrip(t *testing.T) {
	s := openTemp(t)
	const p, run = "lycees", "20261127T152100Z-3f9a"
	at := time.Date(2026, 11, 27, 15, 21, 3, 0, time.UTC)
	csvBody := []byte("code;nom\n44001;Nantes\n")
	jsonBody := bytes.Repeat([]byte(`{"k":"v"},`), 5000)
	prevSHA := sha([]byte("previous body"))

	inputs := []struct {
		meta RawMeta
		body []byte
	}{
		{RawMeta{Seq: 2, Method: "POST", URL: "https://csw.example/csw", RequestSHA256: sha([]byte("<GetRecords/>")),
			Status: 200, Header: http.Header{"Content-Type": {"application/xml"}}, FetchedAt: at, Outcome: OutcomeFetched}, jsonBody},
		{RawMeta{Seq: 1, Method: "GET", URL: "https://data.example/a.csv?x=1", Status: 200,
			Header: http.Header{"Etag": {`"abc"`}}, FetchedAt: at, SHA256: "wrong", Bytes: 3, Outcome: OutcomeFetched}, csvBody},
		{RawMeta{Seq: 3, Method: "GET", URL: "https://data.example/b.csv", Status: 304,
			FetchedAt: at, SHA256: prevSHA, Bytes: 13, Outcome: OutcomeUnchanged}, nil},
	}
	for _, in := range inputs {
		if err := s.SaveRaw(p, run, in.meta, in.body); err != nil {
			t.Fatal(err)
		}
	}
	metas, err := s.ListRaw(p, run)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		seq    int
		url    string
		sha    string
		bytes  int64
		body   []byte
		reqSHA string
	}{
		{1, "https://data.example/a.csv?x=1", sha(csvBody), int64(len(csvBody)), csvBody, ""},
		{2, "https://csw.example/csw", sha(jsonBody), int64(len(jsonBody)), jsonBody, sha([]byte("<GetRecords/>"))},
		{3, "https://data.example/b.csv", prevSHA, 13, nil, ""},
	}
	if len(metas) != len(want) {
		t.Fatalf("ListRaw gave %d records, want %d", len(metas), len(want))
	}
	for i, w := range want {
		m := metas[i]
		t.Run(fmt.Sprintf("seq%d", w.seq), func(t *testing.T) {
			if m.Seq != w.seq || m.URL != w.url || m.SHA256 != w.sha || m.Bytes != w.bytes || m.RequestSHA256 != w.reqSHA {
				t.Errorf("meta = %+v, want seq %d url %s sha %s bytes %d", m, w.seq, w.url, w.sha, w.bytes)
			}
			if !m.FetchedAt.Equal(at) {
				t.Errorf("FetchedAt = %v, want %v", m.FetchedAt, at)
			}
			rc, err := s.OpenRaw(p, run, w.seq)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			got, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, w.body) {
				t.Errorf("body = %d bytes, want %d", len(got), len(w.body))
			}
		})
	}
	if got := metas[0].Header.Get("ETag"); got != `"abc"` {
		t.Errorf("header ETag = %q", got)
	}
	// Stored compressed on disk.
	fi, err := os.Stat(filepath.Join(s.Root, "raw", p, run, "0002.body.zst"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() >= int64(len(jsonBody)) {
		t.Errorf("body.zst is %d bytes, not smaller than the %d-byte body", fi.Size(), len(jsonBody))
	}
}

func TestRawEmptyAndMissing(t *testing.T) {
	s := openTemp(t)
	metas, err := s.ListRaw("none", "r1")
	if err != nil || len(metas) != 0 {
		t.Errorf("ListRaw of a missing run = %v, %v; want empty, nil", metas, err)
	}
	_, err = s.OpenRaw("none", "r1", 1)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OpenRaw of a missing record: %v, want fs.ErrNotExist", err)
	}
}

func TestSaveRawAutoSeqConcurrent(t *testing.T) {
	s := openTemp(t)
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := []byte(fmt.Sprintf("body %d", i))
			errs <- s.SaveRaw("p", "r", RawMeta{URL: fmt.Sprintf("https://x/%d", i), Status: 200}, body)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	metas, err := s.ListRaw("p", "r")
	if err != nil {
		t.Fatal(err)
	}
	if len(metas) != n {
		t.Fatalf("got %d records, want %d", len(metas), n)
	}
	for i, m := range metas {
		if m.Seq != i+1 {
			t.Errorf("record %d has Seq %d, want %d", i, m.Seq, i+1)
		}
		rc, err := s.OpenRaw("p", "r", m.Seq)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		// Each body belongs with its own URL.
		if want := "body " + strings.TrimPrefix(m.URL, "https://x/"); string(got) != want {
			t.Errorf("seq %d: body %q, want %q", m.Seq, got, want)
		}
	}
}

func TestOpenRawDetectsCorruption(t *testing.T) {
	s := openTemp(t)
	if err := s.SaveRaw("p", "r", RawMeta{Seq: 1, Status: 200}, []byte("original")); err != nil {
		t.Fatal(err)
	}
	// Replace the stored body by another valid zstd stream.
	other := openTemp(t)
	if err := other.SaveRaw("p", "r", RawMeta{Seq: 1, Status: 200}, []byte("tampered")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(other.Root, "raw/p/r/0001.body.zst"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.Root, "raw/p/r/0001.body.zst"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	rc, err := s.OpenRaw("p", "r", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.ReadAll(rc); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("reading a tampered body: err = %v, want a corruption error", err)
	}
}

func TestInvalidNames(t *testing.T) {
	s := openTemp(t)
	tests := []struct {
		name string
		call func() error
	}{
		{"SaveRaw dotdot pipeline", func() error { return s.SaveRaw("..", "r", RawMeta{}, nil) }},
		{"SaveRaw slash run", func() error { return s.SaveRaw("p", "a/b", RawMeta{}, nil) }},
		{"SaveRaw negative seq", func() error { return s.SaveRaw("p", "r", RawMeta{Seq: -1}, nil) }},
		{"SaveRun empty run", func() error { return s.SaveRun("p", "", 1) }},
		{"LoadRun hidden", func() error { return s.LoadRun("p", ".lock", new(any)) }},
		{"SaveValidators backslash", func() error { return s.SaveValidators(`a\b`, nil) }},
		{"Lock empty", func() error { _, err := s.Lock(""); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); err == nil {
				t.Error("accepted an invalid name")
			}
		})
	}
}

func TestValidatorsRoundTrip(t *testing.T) {
	s := openTemp(t)
	got, err := s.LoadValidators("lycees")
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || len(got) != 0 {
		t.Errorf("LoadValidators before any save = %#v, want empty non-nil map", got)
	}
	want := map[string]Validators{
		"GET https://data.example/a.csv":                  {ETag: `W/"12-ab"`, LastModified: "Wed, 21 Oct 2026 07:28:00 GMT", SHA256: sha([]byte("a")), RunID: "r1"},
		"POST https://csw.example/csw sha256:" + sha(nil): {SHA256: sha([]byte("b")), RunID: "r2"},
	}
	if err := s.SaveValidators("lycees", want); err != nil {
		t.Fatal(err)
	}
	got, err = s.LoadValidators("lycees")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LoadValidators = %#v, want %#v", got, want)
	}
	// Saving again replaces, it does not merge.
	if err := s.SaveValidators("lycees", map[string]Validators{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.LoadValidators("lycees"); len(got) != 0 {
		t.Errorf("after saving an empty map: %v", got)
	}
}

type manifest struct {
	Pipeline string    `json:"pipeline"`
	Rows     int       `json:"rows"`
	Started  time.Time `json:"started"`
}

func TestRuns(t *testing.T) {
	s := openTemp(t)
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var ids []string
	// Saved out of order, over a year boundary and a day with two runs.
	for _, d := range []time.Duration{48 * time.Hour, 0, 365 * 24 * time.Hour, time.Second, 48*time.Hour + time.Minute} {
		id := NewRunID(base.Add(d))
		ids = append(ids, id)
		if err := s.SaveRun("lycees", id, manifest{Pipeline: "lycees", Rows: int(d / time.Second), Started: base.Add(d)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveRun("musees", NewRunID(base), manifest{Pipeline: "musees"}); err != nil {
		t.Fatal(err)
	}
	// A pipeline that only ever took its lock has no runs.
	unlock, err := s.Lock("empty")
	if err != nil {
		t.Fatal(err)
	}
	unlock()

	got, err := s.ListRuns("lycees")
	if err != nil {
		t.Fatal(err)
	}
	wantOrder := []string{ids[1], ids[3], ids[0], ids[4], ids[2]}
	if !reflect.DeepEqual(got, wantOrder) {
		t.Errorf("ListRuns = %v, want %v", got, wantOrder)
	}
	if !sort.StringsAreSorted(got) {
		t.Error("not sorted")
	}

	var m manifest
	if err := s.LoadRun("lycees", ids[4], &m); err != nil {
		t.Fatal(err)
	}
	if m.Rows != int((48*time.Hour+time.Minute)/time.Second) || !m.Started.Equal(base.Add(48*time.Hour+time.Minute)) {
		t.Errorf("LoadRun = %+v", m)
	}
	if err := s.LoadRun("lycees", "19990101T000000Z-0000", &m); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadRun of a missing run: %v, want fs.ErrNotExist", err)
	}
	raw, err := os.ReadFile(filepath.Join(s.Root, "runs", "lycees", ids[0]+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("\n  \"pipeline\": \"lycees\"")) {
		t.Errorf("manifest is not indented JSON:\n%s", raw)
	}

	pipes, err := s.Pipelines()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"lycees", "musees"}; !reflect.DeepEqual(pipes, want) {
		t.Errorf("Pipelines = %v, want %v", pipes, want)
	}
	if runs, err := s.ListRuns("nothing"); err != nil || len(runs) != 0 {
		t.Errorf("ListRuns of an unknown pipeline = %v, %v", runs, err)
	}
}

func TestSaveRunUnencodable(t *testing.T) {
	s := openTemp(t)
	if err := s.SaveRun("p", "r", map[string]any{"f": func() {}}); err == nil {
		t.Error("SaveRun of a func value succeeded")
	}
	if runs, _ := s.ListRuns("p"); len(runs) != 0 {
		t.Errorf("a failed SaveRun left runs %v", runs)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "catalogue.jsonld")
	tests := []struct {
		name string
		data []byte
		perm os.FileMode
	}{
		{"create", []byte("first"), 0o644},
		{"replace", []byte("second, longer content"), 0o600},
		{"empty", nil, 0o640},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := WriteFileAtomic(path, tc.data, tc.perm); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.data) {
				t.Errorf("content = %q, want %q", got, tc.data)
			}
			fi, _ := os.Stat(path)
			if fi.Mode().Perm() != tc.perm {
				t.Errorf("mode = %v, want %v", fi.Mode().Perm(), tc.perm)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("folder holds %v, want only the target (no temp file)", names)
			}
		})
	}
}

func TestWriteFileAtomicFailureLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	// The target is a non-empty folder: the rename must fail.
	target := filepath.Join(dir, "target")
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(target, []byte("data"), 0o644); err == nil {
		t.Fatal("rename over a non-empty folder succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "target" {
		t.Errorf("folder holds %d entries after a failed write, want only target", len(entries))
	}
	if err := WriteFileAtomic(filepath.Join(dir, "missing", "f"), nil, 0o644); err == nil {
		t.Error("write into a missing folder succeeded")
	}
}

func TestLockExcludes(t *testing.T) {
	s := openTemp(t)
	unlock, err := s.Lock("lycees")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Lock("lycees")
	if !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second Lock: %v, want ErrAlreadyRunning", err)
	}
	if want := `store: pipeline "lycees" is already running`; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	// Another pipeline is independent.
	unlockOther, err := s.Lock("musees")
	if err != nil {
		t.Fatalf("Lock of another pipeline: %v", err)
	}
	unlockOther()

	// A second Store on the same root (as another process would open) is excluded too.
	s2, err := Open(s.Root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Lock("lycees"); !errors.Is(err, ErrAlreadyRunning) {
		t.Errorf("Lock through a second Store: %v, want ErrAlreadyRunning", err)
	}

	unlock()
	unlock() // harmless twice
	unlock2, err := s2.Lock("lycees")
	if err != nil {
		t.Fatalf("Lock after unlock: %v", err)
	}
	unlock2()
}

func TestRunIDsSortToTheMillisecond(t *testing.T) {
	base := time.Date(2026, 11, 27, 15, 21, 0, 0, time.UTC)
	prev := ""
	for _, ms := range []int{0, 1, 9, 10, 99, 100, 998, 999, 1000, 1001} {
		id := NewRunID(base.Add(time.Duration(ms) * time.Millisecond))
		if id <= prev {
			t.Errorf("%s (at +%d ms) does not sort after %s", id, ms, prev)
		}
		prev = id
	}
	if got := NewRunID(base.Add(1273 * time.Millisecond)); !strings.HasPrefix(got, "20261127T152101Z-273") || len(got) != len("20261127T152101Z-273a") {
		t.Errorf("NewRunID = %q", got)
	}
}

// A run stored before the raw store used zstd has gzip bodies: they are
// listed and read, and checked against their meta, as before.
func TestOpenRawReadsGzipBodiesOfOlderRuns(t *testing.T) {
	s := openTemp(t)
	body := []byte("id;nom\n1;Nantes\n")
	if err := s.SaveRaw("p", "r", RawMeta{Seq: 1, Status: 200}, body); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(s.Root, "raw/p/r")
	if err := os.Remove(filepath.Join(dir, "0001.body.zst")); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(body)
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "0001.body.gz"), gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	metas, err := s.ListRaw("p", "r")
	if err != nil || len(metas) != 1 {
		t.Fatalf("ListRaw: %v, %v", metas, err)
	}
	rc, err := s.OpenRaw("p", "r", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(got, body) {
		t.Errorf("read %q, %v; want %q", got, err, body)
	}
	// The next body of the run gets the next number, in zstd.
	if err := s.SaveRaw("p", "r", RawMeta{Status: 200}, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "0002.body.zst")); err != nil {
		t.Error(err)
	}
}

// SaveRawFrom streams: the body's hash and size are computed on the way.
func TestSaveRawFromStream(t *testing.T) {
	s := openTemp(t)
	// 3 MiB of a repeated line: 3 << 20 bytes.
	line := []byte("ab;cd\n")
	body := bytes.Repeat(line, (3<<20)/len(line))
	if err := s.SaveRawFrom("p", "r", RawMeta{Status: 200}, bytes.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	metas, err := s.ListRaw("p", "r")
	if err != nil || len(metas) != 1 {
		t.Fatalf("ListRaw: %v, %v", metas, err)
	}
	sum := sha256.Sum256(body)
	if metas[0].Bytes != int64(len(body)) || metas[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("meta %d bytes sha %s; want %d, %x", metas[0].Bytes, metas[0].SHA256, len(body), sum)
	}
}
