package web

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"unicode/utf8"
)

// Preview limits: the rows shown, the runes of a cell before it is cut, and
// the bytes of data.csv read at most (a preview never loads a whole file).
const (
	previewRows      = 20
	previewCellRunes = 80
	previewMaxBytes  = 4 << 20
)

// cell is one table cell of a preview. Full holds the whole text when Text
// was cut, for the title attribute.
type cell struct {
	Text string
	Full string
}

// preview is the first rows of a CSV file.
type preview struct {
	Header []string
	Rows   [][]cell
	// Partial reports that the file could not be read to the end of the
	// shown rows (malformed CSV or a record larger than the read limit).
	Partial bool
}

// truncateCell cuts s to max runes followed by "…"; Full is set only when
// it cut.
func truncateCell(s string, max int) cell {
	if utf8.RuneCountInString(s) <= max {
		return cell{Text: s}
	}
	n := 0
	for i := range s {
		if n == max {
			return cell{Text: s[:i] + "…", Full: s}
		}
		n++
	}
	return cell{Text: s}
}

// readPreview reads the header and the first n records of a UTF-8 CSV
// stream (a leading byte order mark is skipped), reading at most limit
// bytes. Records may have any number of fields. A parse error after the
// header returns the rows read so far with Partial set; an error on the
// header is returned.
func readPreview(r io.Reader, n int, limit int64) (*preview, error) {
	br := bufio.NewReader(io.LimitReader(r, limit))
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return &preview{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("web: preview header: %w", err)
	}
	p := &preview{Header: header}
	for len(p.Rows) < n {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.Partial = true
			break
		}
		row := make([]cell, len(rec))
		for i, v := range rec {
			row[i] = truncateCell(v, previewCellRunes)
		}
		p.Rows = append(p.Rows, row)
	}
	return p, nil
}

// previewOf reads the preview of a release's data.csv, or nil when the
// release does not list data.csv.
func previewOf(rel *release) (*preview, error) {
	if _, ok := rel.sum("data.csv"); !ok {
		return nil, nil
	}
	p := filepath.Join(rel.Dir, "data.csv")
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, fmt.Errorf("web: stat %s: %w", p, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("web: %s is not a regular file", p)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("web: open %s: %w", p, err)
	}
	defer f.Close()
	pv, err := readPreview(f, previewRows, previewMaxBytes)
	if err != nil {
		return nil, fmt.Errorf("web: %s: %w", p, err)
	}
	return pv, nil
}
