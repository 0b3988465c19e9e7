package schemas

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Limits of one CSV record. A quoted field still open after maxRecordBytes
// or maxRecordLines is taken as a stray quote: its first line becomes a
// source-error row and reading resumes on the next physical line.
const (
	maxRecordBytes = 1 << 20
	maxRecordLines = 256
)

// Dialect says how a CSV is written. Nothing is guessed unless Delimiter is
// 0, in which case ReadCSV picks ',' or ';' (or tab) from the header line
// only. Quotes are always '"', doubled inside quoted fields.
type Dialect struct {
	// Delimiter separates cells; 0 means guess from the first line.
	Delimiter rune
	// Header says the first record holds the column names. Without a
	// header, cells come in schema field order.
	Header bool
}

// DefaultDialect is a comma-separated file with a header line.
func DefaultDialect() Dialect { return Dialect{Delimiter: ',', Header: true} }

// RowResult is one data row; Cells, Values and Errors are only valid during
// the callback (their storage is reused for the next row).
//
// A row whose foreign key points to a key of the same table that no later
// row supplies is given to the callback a second time once the whole table
// was read, with Late set, no Cells nor Values, and its foreign-key error.
type RowResult struct {
	Row, Line int
	Cells     []string
	Values    []Value
	Errors    []Error
	Late      bool
}

// Summary counts what ReadCSV saw.
type Summary struct {
	// Read == Valid + Invalid, always; the header is not counted.
	Read, Valid, Invalid int
	// ErrorsByCode counts every error, header errors included.
	ErrorsByCode map[string]int
	// HeaderErrors are the problems of the header line.
	HeaderErrors []Error
}

// csvReader splits a byte stream into records. It reads physical lines
// itself so that a malformed record never swallows its neighbours: lines
// read ahead while looking for the end of a quoted field are replayed when
// that field turns out to be broken.
type csvReader struct {
	br    *bufio.Reader
	delim []byte
	line  int // last physical line handed out

	pending                         [][]byte // lines read ahead, to hand out again (owned copies)
	lineBuf                         []byte   // storage of a long line
	recLines                        [][]byte // lines of the current record (owned copies)
	field                           []byte   // decoded fields of the current record, back to back
	ends                            []int
	cells                           []string
	inQuote, fieldStart, afterQuote bool // parser state between lines
	tooLong                         bool // the last line read was cut at maxRecordBytes
	first                           bool
}

// nextLine returns the next physical line without its terminator; the
// returned slice is only valid until the next call.
func (r *csvReader) nextLine() ([]byte, error) {
	if len(r.pending) > 0 {
		l := r.pending[0]
		r.pending = r.pending[1:]
		r.line++
		return l, nil
	}
	l, err := r.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		r.lineBuf = append(r.lineBuf[:0], l...)
		for errors.Is(err, bufio.ErrBufferFull) {
			l, err = r.br.ReadSlice('\n')
			r.lineBuf = append(r.lineBuf, l...)
			if len(r.lineBuf) > maxRecordBytes {
				// Read on to the end of the line but drop the excess.
				r.lineBuf = r.lineBuf[:maxRecordBytes]
				r.tooLong = true
			}
		}
		l = r.lineBuf
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read line %d: %w", r.line+1, err)
	}
	if len(l) == 0 && errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	r.line++
	l = bytes.TrimSuffix(l, []byte("\n"))
	l = bytes.TrimSuffix(l, []byte("\r"))
	if r.first {
		r.first = false
		l = bytes.TrimPrefix(l, []byte("\ufeff"))
	}
	return l, nil
}

// record reads the next record. It returns the physical line where the
// record starts, its cells (valid until the next call), a non-empty reason
// when the record is malformed, and badUTF8 when its bytes are not UTF-8.
// A malformed record is reduced to its first physical line: the lines read
// ahead are handed out again by the following calls.
func (r *csvReader) record() (start int, cells []string, reason string, badUTF8 bool, err error) {
	l, err := r.nextLine()
	if err != nil {
		return 0, nil, "", false, err
	}
	start = r.line
	if r.tooLong {
		r.tooLong = false
		return start, nil, reasonTooLong, false, nil
	}
	r.recLines = r.recLines[:0]
	r.field = r.field[:0]
	r.ends = r.ends[:0]
	r.inQuote, r.fieldStart, r.afterQuote = false, true, false
	size := len(l)
	open, why := r.parseLine(l)
	for open && why == "" {
		// A quoted field runs past the end of the line: read the next one.
		if len(r.recLines) == 0 {
			r.recLines = append(r.recLines, append([]byte(nil), l...))
		}
		if len(r.recLines) >= maxRecordLines || size > maxRecordBytes {
			why = reasonUnclosed
			break
		}
		next, err := r.nextLine()
		if errors.Is(err, io.EOF) {
			why = reasonUnclosed
			break
		}
		if err != nil {
			return 0, nil, "", false, err
		}
		if r.tooLong {
			r.tooLong = false
			why = reasonUnclosed
			break
		}
		size += len(next) + 1
		r.recLines = append(r.recLines, append([]byte(nil), next...))
		r.field = append(r.field, '\n')
		open, why = r.parseLine(next)
	}
	if why != "" {
		r.replay()
		return start, nil, why, false, nil
	}
	if !validUTF8(r.field) {
		return start, nil, "", true, nil
	}
	str := string(r.field)
	r.cells = r.cells[:0]
	prev := 0
	for _, e := range r.ends {
		r.cells = append(r.cells, str[prev:e])
		prev = e
	}
	return start, r.cells, "", false, nil
}

const (
	reasonTooLong    = "ligne de plus de 1 Mio"
	reasonUnclosed   = "guillemet ouvrant sans guillemet fermant"
	reasonBareQuote  = "guillemet dans une cellule qui ne commence pas par un guillemet"
	reasonAfterQuote = "caractère après le guillemet fermant d'une cellule"
)

// parseLine decodes one physical line of the current record into r.field
// and r.ends, going on from the state left by the previous line. open is
// true when a quoted field is still open at the end of the line; why is
// non-empty when the record is malformed.
func (r *csvReader) parseLine(l []byte) (open bool, why string) {
	field := r.field
	ends := r.ends
	defer func() { r.field, r.ends = field, ends }()
	d0 := r.delim[0]
	inQuote, fieldStart, afterQuote := r.inQuote, r.fieldStart, r.afterQuote
	i := 0
	for i < len(l) {
		if inQuote {
			j := bytes.IndexByte(l[i:], '"')
			if j < 0 {
				field = append(field, l[i:]...)
				i = len(l)
				break
			}
			field = append(field, l[i:i+j]...)
			i += j
			if i+1 < len(l) && l[i+1] == '"' {
				field = append(field, '"')
				i += 2
				continue
			}
			inQuote, afterQuote = false, true
			i++
			continue
		}
		c := l[i]
		if c == d0 && bytes.HasPrefix(l[i:], r.delim) {
			ends = append(ends, len(field))
			fieldStart, afterQuote = true, false
			i += len(r.delim)
			continue
		}
		if afterQuote {
			return false, reasonAfterQuote
		}
		if c == '"' {
			if !fieldStart {
				return false, reasonBareQuote
			}
			inQuote, fieldStart = true, false
			i++
			continue
		}
		// Copy the run of plain bytes up to the next delimiter or quote.
		j := len(l)
		if k := bytes.IndexByte(l[i+1:], d0); k >= 0 {
			j = i + 1 + k
		}
		if k := bytes.IndexByte(l[i+1:j], '"'); k >= 0 {
			j = i + 1 + k
		}
		field = append(field, l[i:j]...)
		fieldStart = false
		i = j
	}
	r.inQuote, r.fieldStart, r.afterQuote = inQuote, fieldStart, afterQuote
	if inQuote {
		return true, ""
	}
	ends = append(ends, len(field))
	return false, ""
}

// validUTF8 is utf8.Valid, faster on text where accented letters are
// scattered among ASCII: utf8.Valid skips ASCII eight bytes at a time only
// until the first multi-byte character, validUTF8 after each of them.
func validUTF8(p []byte) bool {
	i := 0
	for i < len(p) {
		for i+8 <= len(p) && binary.LittleEndian.Uint64(p[i:])&0x8080808080808080 == 0 {
			i += 8
		}
		if i >= len(p) {
			break
		}
		c := p[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= 0xC2 && c < 0xE0 && i+1 < len(p) && p[i+1]&0xC0 == 0x80 {
			// A two-byte character (é, è, à …), the common case.
			i += 2
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		i += size
	}
	return true
}

// replay pushes back every line of the current record but the first.
func (r *csvReader) replay() {
	if len(r.recLines) > 1 {
		rest := r.recLines[1:]
		r.pending = append(append(make([][]byte, 0, len(rest)+len(r.pending)), rest...), r.pending...)
		r.line -= len(rest)
	}
	r.recLines = r.recLines[:0]
}

// sniffDelimiter picks ',', ';' or tab, whichever is most frequent outside
// quotes in the first line; ',' on a tie.
func sniffDelimiter(br *bufio.Reader) rune {
	b, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	counts := map[byte]int{}
	inQuote := false
	for _, c := range b {
		switch {
		case c == '"':
			inQuote = !inQuote
		case !inQuote && (c == ',' || c == ';' || c == '\t'):
			counts[c]++
		}
	}
	best, n := byte(','), counts[',']
	for _, c := range []byte{';', '\t'} {
		if counts[c] > n {
			best, n = c, counts[c]
		}
	}
	return rune(best)
}

// ReadCSV streams r (UTF-8, BOM tolerated; invalid UTF-8 -> encoding-error on
// that row) through a Table and calls fn for every data row. A malformed CSV
// line (bare quote, unclosed quote, ...) becomes an invalid row with a
// source-error and reading goes on with the next line — never fatal to its
// neighbours. Memory does not grow with the file (beyond the unique and
// primary-key digests, 16 bytes per distinct key). fn returning an error
// stops reading and ReadCSV returns it unchanged; a read error or ctx being
// done also stops it, with a wrapped error. A file without a header line
// when one is expected, or whose header line is malformed, gives a summary
// with that header error and no rows.
func ReadCSV(ctx context.Context, r io.Reader, d Dialect, s *Schema, fn func(RowResult) error) (Summary, error) {
	sum := Summary{ErrorsByCode: map[string]int{}}
	cr := &csvReader{br: bufio.NewReaderSize(r, 64<<10), first: true}
	delim := d.Delimiter
	if delim == 0 {
		delim = sniffDelimiter(cr.br)
	}
	if delim == '"' || delim == '\r' || delim == '\n' || !utf8.ValidRune(delim) {
		return sum, fmt.Errorf("schemas: read csv: invalid delimiter %q", delim)
	}
	cr.delim = utf8.AppendRune(nil, delim)

	headerError := func(e Error) (Summary, error) {
		sum.HeaderErrors = append(sum.HeaderErrors, e)
		sum.ErrorsByCode[e.Code]++
		return sum, nil
	}
	if head, _ := cr.br.Peek(sniffLen); len(head) > 0 {
		if found := SniffEncoding(head); found != "" {
			return headerError(Error{Code: CodeEncodingError, Row: 1, Line: 1, Value: found, Message: msgFileEncoding(found)})
		}
	}
	row := 0
	var table *Table
	if d.Header {
		start, cells, reason, bad, err := cr.record()
		switch {
		case errors.Is(err, io.EOF):
			return headerError(Error{Code: CodeSourceError, Row: 1, Message: "Le fichier est vide : la ligne d'en-tête manque."})
		case err != nil:
			return sum, fmt.Errorf("schemas: read csv header: %w", err)
		case reason != "":
			return headerError(Error{Code: CodeSourceError, Row: 1, Line: start, Message: msgSource(reason)})
		case bad:
			return headerError(Error{Code: CodeEncodingError, Row: 1, Line: start, Message: msgEncoding(legacyEncoding)})
		}
		header := append([]string(nil), cells...)
		var herrs []Error
		table, herrs = s.NewTable(header)
		for _, e := range herrs {
			e.Line = start
			sum.HeaderErrors = append(sum.HeaderErrors, e)
			sum.ErrorsByCode[e.Code]++
		}
		row = 1
	} else {
		table, _ = s.NewTable(nil)
	}
	var errBuf [1]Error
	for {
		if sum.Read&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return sum, fmt.Errorf("schemas: read csv: %w", err)
			}
		}
		start, cells, reason, bad, err := cr.record()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sum, fmt.Errorf("schemas: read csv: %w", err)
		}
		row++
		res := RowResult{Row: row, Line: start, Cells: cells}
		switch {
		case reason != "":
			clear(table.values)
			res.Values = table.values
			errBuf[0] = Error{Code: CodeSourceError, Row: row, Line: start, Message: msgSource(reason)}
			res.Errors = errBuf[:]
		case bad:
			clear(table.values)
			res.Values = table.values
			errBuf[0] = Error{Code: CodeEncodingError, Row: row, Line: start, Message: msgEncoding(legacyEncoding)}
			res.Errors = errBuf[:]
		default:
			res.Values, res.Errors = table.Row(row, start, cells)
		}
		sum.Read++
		if len(res.Errors) == 0 {
			sum.Valid++
		} else {
			sum.Invalid++
			for _, e := range res.Errors {
				sum.ErrorsByCode[e.Code]++
			}
		}
		if err := fn(res); err != nil {
			return sum, err
		}
	}
	return sum, lateErrors(table, &sum, fn)
}

// lateErrors gives the callback the foreign-key errors found once the whole
// table was read, and moves their rows from valid to invalid.
func lateErrors(table *Table, sum *Summary, fn func(RowResult) error) error {
	counted := map[int]bool{}
	for _, le := range table.Unresolved() {
		if le.WasValid && !counted[le.Row] {
			counted[le.Row] = true
			sum.Valid--
			sum.Invalid++
		}
		sum.ErrorsByCode[le.Code]++
		if err := fn(RowResult{Row: le.Row, Line: le.Line, Errors: []Error{le.Error}, Late: true}); err != nil {
			return err
		}
	}
	return nil
}
