package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// tempFiles lists what a client left in its TempDir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestToDiskStreamsTheBodyToATemporaryFile(t *testing.T) {
	// 3 MiB: more than the 1 MiB in-memory limit set below.
	body := bytes.Repeat([]byte("0123456789abcdef"), (3<<20)/16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	defer srv.Close()
	tmp := t.TempDir()
	c, _ := newTestClient(t, Options{MaxBodyBytes: 1 << 20, TempDir: tmp})

	if _, err := c.Do(context.Background(), Request{URL: srv.URL}); !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("in memory: err = %v, want ErrBodyTooLarge", err)
	}
	resp, err := c.Do(context.Background(), Request{URL: srv.URL, ToDisk: true})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	if resp.Body != nil || !resp.OnDisk() || resp.Size != int64(len(body)) || resp.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("Body %d bytes, on disk %v, Size %d, SHA256 %s", len(resp.Body), resp.OnDisk(), resp.Size, resp.SHA256)
	}
	for range 2 { // each Open reads from the start
		rc, err := resp.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("read %d bytes, %v", len(got), err)
		}
	}
	if n := len(tempFiles(t, tmp)); n != 1 {
		t.Errorf("%d files in TempDir, want the body's", n)
	}
	if err := errors.Join(resp.Close(), resp.Close()); err != nil {
		t.Fatal(err)
	}
	if left := tempFiles(t, tmp); len(left) != 0 {
		t.Errorf("after Close, TempDir holds %v", left)
	}

	// The same body again is unchanged, by its hash.
	again, err := c.Do(context.Background(), Request{URL: srv.URL, ToDisk: true, Prev: &Validators{SHA256: resp.SHA256}})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if !again.Unchanged {
		t.Error("same body: Unchanged is false")
	}
}

func TestToDiskLimitIsPerRequest(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.(http.Flusher).Flush() // no Content-Length: the limit is found while reading
		w.Write(body)
	}))
	defer srv.Close()
	tmp := t.TempDir()
	c, _ := newTestClient(t, Options{TempDir: tmp})
	_, err := c.Do(context.Background(), Request{URL: srv.URL, ToDisk: true, MaxBytes: 999})
	if !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("err = %v, want ErrBodyTooLarge", err)
	}
	if left := tempFiles(t, tmp); len(left) != 0 {
		t.Errorf("a refused body left %v in TempDir", left)
	}
	resp, err := c.Do(context.Background(), Request{URL: srv.URL, ToDisk: true, MaxBytes: 1000})
	if err != nil {
		t.Fatalf("a body of exactly MaxBytes: %v", err)
	}
	resp.Close()
}

func TestToDiskRecordAndReplay(t *testing.T) {
	body := []byte("id;nom\n1;Nantes\n")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	defer srv.Close()
	rec := t.TempDir()
	c, _ := newTestClient(t, Options{RecordDir: rec, TempDir: t.TempDir()})
	resp, err := c.Do(context.Background(), Request{URL: srv.URL + "/f.csv", ToDisk: true})
	if err != nil {
		t.Fatal(err)
	}
	resp.Close()

	replay, err := New(Options{ReplayDir: rec})
	if err != nil {
		t.Fatal(err)
	}
	got, err := replay.Do(context.Background(), Request{URL: srv.URL + "/f.csv", ToDisk: true})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := got.Open()
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(data, body) || got.SHA256 != resp.SHA256 || got.Size != int64(len(body)) {
		t.Errorf("replayed %q (sha %s, %d bytes), want %q (sha %s)", data, got.SHA256, got.Size, body, resp.SHA256)
	}
	// A replayed body is read in place: Close leaves the recording alone.
	got.Close()
	matches, _ := filepath.Glob(filepath.Join(rec, "*.body"))
	if len(matches) != 1 {
		t.Errorf("recordings after Close: %v", matches)
	}
}
