package pipelines

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// A run reports its progress while a body downloads, after each page and
// before publishing. The source sends the first 13 bytes of its 28-byte
// page, then waits until the run has reported bytes received with no page
// done yet, then sends the rest: one page of one row.
func TestRunReportsProgress(t *testing.T) {
	const first, rest = `[{"id": "a", `, `"nom": "lieu"}]`
	midway := make(chan struct{})
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") != "1" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(first)+len(rest)))
		io.WriteString(w, first)
		w.(http.Flusher).Flush()
		select {
		case <-midway:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, rest)
	}))
	t.Cleanup(src.Close)
	_, dir, r := gatedRunner(t)
	def := pagesDefNamed(t, dir, "pages", src.URL, "")
	var mu sync.Mutex
	var got []Progress
	var once sync.Once
	r.Progress = func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, p)
		if p.Pages == 0 && p.Bytes > 0 {
			once.Do(func() { close(midway) })
		}
	}
	m, err := r.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 3 {
		t.Fatalf("progress %+v: want reports during the download, after the page and before publishing", got)
	}
	for _, p := range got[:len(got)-2] {
		if p.Stage != StageHarvest || p.Pages != 0 || p.Rows != 0 || p.Bytes < 1 || p.Bytes > int64(len(first)) || p.RunID != m.RunID {
			t.Errorf("report during the download: %+v, want 1 to %d bytes and no page", p, len(first))
		}
	}
	want := []Progress{
		{Pipeline: "pages", RunID: m.RunID, Stage: StageHarvest, Pages: 1, Rows: 1, Bytes: 28},
		{Pipeline: "pages", RunID: m.RunID, Stage: StagePublish, Pages: 1, Rows: 1, Bytes: 28},
	}
	if fmt.Sprint(got[len(got)-2:]) != fmt.Sprint(want) {
		t.Errorf("last reports %+v\nwant %+v", got[len(got)-2:], want)
	}
}
