package main

import (
	"fmt"
	"io"
	"os"
	"strings"

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

// progressLine is one redraw of a run's progress on a terminal, in
// French: carriage return, the state, and "erase to the end of the line".
func progressLine(p pipelines.Progress) string {
	stage := "moisson"
	if p.Stage == pipelines.StagePublish {
		stage = "publication"
	}
	return fmt.Sprintf("\r%s : %s, %d pages, %d lignes (%d rejetées), %s reçus\x1b[K", termSafe(p.Pipeline), stage, p.Pages, p.Rows, p.Rejected, byteSize(p.Bytes))
}

// clearProgress erases the progress line before a summary is printed.
const clearProgress = "\r\x1b[K"

// byteSize writes a size the French way: "850 o", "12,3 ko", "4,5 Mo"
// (powers of 1000).
func byteSize(n int64) string {
	var s string
	switch {
	case n < 1000:
		return fmt.Sprintf("%d o", n)
	case n < 1000_000:
		s = fmt.Sprintf("%.1f ko", float64(n)/1e3)
	case n < 1000_000_000:
		s = fmt.Sprintf("%.1f Mo", float64(n)/1e6)
	default:
		s = fmt.Sprintf("%.1f Go", float64(n)/1e9)
	}
	return strings.Replace(s, ".", ",", 1)
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
