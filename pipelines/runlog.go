package pipelines

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// LogLine is one line of a run's log, kept in its manifest for the run's
// page: the program's own words (English), shown there as technical
// detail.
type LogLine struct {
	Time    time.Time `json:"time"`
	Level   string    `json:"level"`
	Message string    `json:"message"`
	// Attrs are the line's key=value pairs, as the text log writes them
	// (without the pipeline and run, which the manifest names).
	Attrs string `json:"attrs,omitempty"`
}

// Bounds of the log a manifest keeps.
const (
	maxRunLog      = 200 // lines; later ones are counted in LogDropped
	maxRunLogAttrs = 500 // characters of a line's attributes
)

// runLogSink collects a run's log lines, from any goroutine.
type runLogSink struct {
	mu      sync.Mutex
	lines   []LogLine
	dropped int
}

// keep stores the lines into the manifest.
func (k *runLogSink) keep(m *Manifest) {
	k.mu.Lock()
	defer k.mu.Unlock()
	m.Log = append([]LogLine(nil), k.lines...)
	m.LogDropped = k.dropped
}

// runLogHandler passes every record to the run's logger and keeps those
// at Info or above in the sink, whatever the logger's own level.
type runLogHandler struct {
	next  slog.Handler
	attrs []slog.Attr
	sink  *runLogSink
}

// teeRunLog returns a logger that writes to log and keeps the lines of
// the run in a sink.
func teeRunLog(log *slog.Logger) (*slog.Logger, *runLogSink) {
	sink := &runLogSink{}
	return slog.New(&runLogHandler{next: log.Handler(), sink: sink}), sink
}

func (h *runLogHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelInfo || h.next.Enabled(ctx, l)
}

func (h *runLogHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelInfo {
		h.record(r)
	}
	if !h.next.Enabled(ctx, r.Level) {
		return nil
	}
	return h.next.Handle(ctx, r)
}

// record keeps one line.
func (h *runLogHandler) record(r slog.Record) {
	var b strings.Builder
	add := func(a slog.Attr) bool {
		if a.Key == "pipeline" || a.Key == "run" {
			return true
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(a.Key + "=" + a.Value.String())
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	attrs := b.String()
	if utf8.RuneCountInString(attrs) > maxRunLogAttrs {
		attrs = string([]rune(attrs)[:maxRunLogAttrs]) + "…"
	}
	h.sink.mu.Lock()
	defer h.sink.mu.Unlock()
	if len(h.sink.lines) >= maxRunLog {
		h.sink.dropped++
		return
	}
	h.sink.lines = append(h.sink.lines, LogLine{Time: r.Time.UTC(), Level: strings.ToLower(r.Level.String()), Message: r.Message, Attrs: attrs})
}

func (h *runLogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &runLogHandler{next: h.next.WithAttrs(as), attrs: append(append([]slog.Attr(nil), h.attrs...), as...), sink: h.sink}
}

func (h *runLogHandler) WithGroup(name string) slog.Handler {
	return &runLogHandler{next: h.next.WithGroup(name), attrs: h.attrs, sink: h.sink}
}
