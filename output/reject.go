package output

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/ligerdata/ligerdata/schemas"
)

// RejectHeader is the header of the rejected rows CSV.
var RejectHeader = []string{"line", "row", "field", "value", "code", "constraint", "message", "record"}

// RejectWriter writes the rejected rows of a run for data stewards: a UTF-8
// CSV with the columns of RejectHeader, one line per error (a row with two
// errors gives two lines with the same line and row numbers); record is the
// original source record as JSON. The file is written to a hidden temporary
// file of the same folder and renamed on Close, so a reader never sees a
// partial file. Not safe for concurrent use.
type RejectWriter struct {
	path    string
	tmp     *os.File
	buf     *bufio.Writer
	w       *csv.Writer
	rows    int
	lastRow int
	rec     []string
	js      bytes.Buffer
	enc     *json.Encoder
	closed  bool
}

// NewRejectWriter creates the temporary file next to path and writes the
// header.
func NewRejectWriter(path string) (*RejectWriter, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output: rejects %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("output: rejects %s: %w", path, err)
	}
	rw := &RejectWriter{path: path, tmp: f, rec: make([]string, len(RejectHeader))}
	rw.buf = bufio.NewWriterSize(f, 64<<10)
	rw.w = csv.NewWriter(rw.buf)
	rw.enc = json.NewEncoder(&rw.js)
	rw.enc.SetEscapeHTML(false)
	if err := rw.w.Write(RejectHeader); err != nil {
		rw.Abort()
		return nil, fmt.Errorf("output: rejects %s: %w", path, err)
	}
	return rw, nil
}

// Write writes one line per error of errs, all carrying record (the source
// record, encoded as JSON; nil gives null). Calling Write with no error does
// nothing. Rows counts one rejected row per call, except when consecutive
// calls carry the same non-zero row number.
func (w *RejectWriter) Write(errs []schemas.Error, record any) error {
	if w.closed {
		return fmt.Errorf("output: rejects %s: writer is closed", w.path)
	}
	if len(errs) == 0 {
		return nil
	}
	w.js.Reset()
	if err := w.enc.Encode(record); err != nil {
		return fmt.Errorf("output: rejects %s: encode record: %w", w.path, err)
	}
	recJSON := string(bytes.TrimRight(w.js.Bytes(), "\n"))
	for _, e := range errs {
		w.rec[0] = strconv.Itoa(e.Line)
		w.rec[1] = strconv.Itoa(e.Row)
		w.rec[2] = e.Field
		w.rec[3] = e.Value
		w.rec[4] = e.Code
		w.rec[5] = e.Constraint
		w.rec[6] = e.Message
		w.rec[7] = recJSON
		if err := w.w.Write(w.rec); err != nil {
			return fmt.Errorf("output: rejects %s: %w", w.path, err)
		}
	}
	row := errs[0].Row
	if row == 0 || row != w.lastRow {
		w.rows++
	}
	w.lastRow = row
	return nil
}

// Rows returns the number of distinct rejected rows written.
func (w *RejectWriter) Rows() int { return w.rows }

// Close flushes and fsyncs the file and renames it to its final path.
func (w *RejectWriter) Close() error {
	if w.closed {
		return nil
	}
	w.w.Flush()
	err := w.w.Error()
	if err == nil {
		err = w.buf.Flush()
	}
	if err == nil {
		err = w.tmp.Chmod(0o644)
	}
	if err == nil {
		err = w.tmp.Sync()
	}
	if err != nil {
		w.Abort()
		return fmt.Errorf("output: rejects %s: %w", w.path, err)
	}
	w.closed = true
	if err := w.tmp.Close(); err != nil {
		os.Remove(w.tmp.Name())
		return fmt.Errorf("output: rejects %s: %w", w.path, err)
	}
	if err := os.Rename(w.tmp.Name(), w.path); err != nil {
		os.Remove(w.tmp.Name())
		return fmt.Errorf("output: rejects %s: %w", w.path, err)
	}
	return syncDir(filepath.Dir(w.path))
}

// Abort removes the temporary file; the final path is left untouched. It
// does nothing after Close.
func (w *RejectWriter) Abort() error {
	if w.closed {
		return nil
	}
	w.closed = true
	w.tmp.Close()
	if err := os.Remove(w.tmp.Name()); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("output: rejects %s: %w", w.path, err)
	}
	return nil
}
