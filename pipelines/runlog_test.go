package pipelines

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
)

// A run keeps its log lines at Info and above in its manifest, without
// the pipeline and run it names already, even when the logger itself
// writes only warnings; past maxRunLog lines the others are counted.
func TestRunKeepsItsLog(t *testing.T) {
	src, dir, r := gatedRunner(t)
	r.Logger = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	def := pagesDefNamed(t, dir, "pages", src.URL, "")
	src.release <- struct{}{}
	m, err := r.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Log) == 0 {
		t.Fatal("no log line kept")
	}
	first := m.Log[0]
	if first.Message != "run started" || first.Level != "info" || first.Attrs != "kind=pages source="+src.URL+"/data" || first.Time.IsZero() {
		t.Errorf("first line %+v", first)
	}
	for _, l := range m.Log {
		if strings.Contains(l.Attrs, "pipeline=") || strings.Contains(l.Attrs, "run=") || l.Level == "debug" {
			t.Errorf("line kept with its pipeline or run, or at debug: %+v", l)
		}
	}

	log, sink := teeRunLog(slog.New(slog.DiscardHandler))
	for range maxRunLog + 5 {
		log.Info("page", "n", 1)
	}
	log.Debug("not kept")
	var mm Manifest
	sink.keep(&mm)
	if len(mm.Log) != maxRunLog || mm.LogDropped != 5 {
		t.Errorf("%d lines kept, %d dropped; want %d and 5", len(mm.Log), mm.LogDropped, maxRunLog)
	}
}
