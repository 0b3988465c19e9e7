package main

import (
	"fmt"
	"io"
	"os"

	"github.com/ligerdata/ligerdata/pipelines"
)

// isTerminal reports whether w is a character device (a terminal), where
// a progress line may be redrawn in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressLine is one redraw of a run's progress on a terminal: carriage
// return, the state, and "erase to the end of the line".
func progressLine(p pipelines.Progress) string {
	stage := "harvesting"
	if p.Stage == pipelines.StagePublish {
		stage = "publishing"
	}
	return fmt.Sprintf("\r%s: %s, %d pages, %d rows (%d rejected), %s received\x1b[K", termSafe(p.Pipeline), stage, p.Pages, p.Rows, p.Rejected, byteSize(p.Bytes))
}

// clearProgress erases the progress line before a summary is printed.
const clearProgress = "\r\x1b[K"

// byteSize writes a size as "850 B", "12.3 kB", "4.5 MB" (powers of 1000).
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1000_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}

// showProgress makes runner draw each run's progress on stderr when it is
// a terminal (plain lines otherwise: only the summaries); the returned
// function erases the line.
func showProgress(runner *pipelines.Runner, stderr io.Writer) func() {
	if !isTerminal(stderr) {
		return func() {}
	}
	runner.Progress = func(p pipelines.Progress) { io.WriteString(stderr, progressLine(p)) }
	return func() { io.WriteString(stderr, clearProgress) }
}
