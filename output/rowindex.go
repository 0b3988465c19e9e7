package output

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/cespare/xxhash/v2"

	"github.com/ligerdata/ligerdata/schemas"
)

// rowIndexName is the file of a release folder that holds its row index
// (see rowIndex). Its name starts with a dot: it is never served, nor
// listed in SHA256SUMS.
const rowIndexName = ".rowindex"

// rowIndexMagic is the first line of a row index; a file that does not
// start with it is not used (the changelog then reads data.parquet).
const rowIndexMagic = "ligerdata row index 1\n"

// rowIndexRecord is the size of one record: key hash, row hash, offset.
const rowIndexRecord = 16 + 8 + 8

// rowIndex is the row index of a release, written beside its data files
// while they are written: one fixed-size record per row, in data.csv
// order, so that the next release's changelog matches rows by key without
// decoding this release's Parquet file, and reads back from data.csv only
// the few rows it lists or compares field by field.
//
// Layout: the magic line, one line of JSON (the header fields below), then
// one record per row:
//
//	key    [16]byte  SHA-256 (truncated) of the row's key cells
//	row    [8]byte   xxHash64 of the row's data.csv line and of which values are missing
//	offset uint64    little endian, where the row's line starts in data.csv
//
// A key cell is written as a missing flag (0/1), its length (uint32 little
// endian) and its data.csv cell (quoted as in the file). The key is the
// schema's primaryKey, or every field when it has none. Two releases'
// indexes can be compared when their Fields and Key are the same.
type rowIndex struct {
	Fields []string `json:"fields"` // field names, in schema order
	Key    []string `json:"key"`    // key field names, in key order

	keyCols []int // indexes of the key fields
	f       *os.File
	bw      *bufio.Writer // when writing
	start   int64         // offset of the first record
	rows    int
	rec     [rowIndexRecord]byte
	scratch []byte
	mask    []byte
	digest  *xxhash.Digest
}

// newRowIndex creates the row index at path for rows of schema s.
func newRowIndex(path string, s *schemas.Schema) (*rowIndex, error) {
	x := &rowIndex{digest: xxhash.New()}
	for _, f := range s.Fields {
		x.Fields = append(x.Fields, f.Name)
	}
	x.Key = slices.Clone(s.PrimaryKey)
	if len(x.Key) == 0 {
		x.Key = slices.Clone(x.Fields)
	}
	if err := x.findKey(); err != nil {
		return nil, fmt.Errorf("output: row index: %w", err)
	}
	head, err := json.Marshal(x)
	if err != nil {
		return nil, err
	}
	if x.f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err != nil {
		return nil, fmt.Errorf("output: create row index: %w", err)
	}
	x.bw = bufio.NewWriterSize(x.f, 64<<10)
	x.bw.WriteString(rowIndexMagic)
	x.bw.Write(append(head, '\n'))
	x.mask = make([]byte, (len(x.Fields)+7)/8)
	return x, nil
}

// findKey sets the indexes of the key fields.
func (x *rowIndex) findKey() error {
	x.keyCols = x.keyCols[:0]
	for _, name := range x.Key {
		i := slices.Index(x.Fields, name)
		if i < 0 {
			return fmt.Errorf("key field %q is not a field", name)
		}
		x.keyCols = append(x.keyCols, i)
	}
	return nil
}

// add records one row: line is its data.csv line (without the newline),
// ends[i] the end of cell i in line, values its values, offset where line
// starts in data.csv.
func (x *rowIndex) add(line []byte, ends []int, values []schemas.Value, offset int64) error {
	clear(x.mask)
	for i, v := range values {
		if v == nil {
			x.mask[i/8] |= 1 << (i % 8)
		}
	}
	x.digest.Reset()
	x.digest.Write(line)
	x.digest.Write(x.mask)
	binary.LittleEndian.PutUint64(x.rec[16:24], x.digest.Sum64())
	b := x.scratch[:0]
	for _, i := range x.keyCols {
		start := 0
		if i > 0 {
			start = ends[i-1] + 1
		}
		missing := byte(0)
		if values[i] == nil {
			missing = 1
		}
		b = append(b, missing)
		b = binary.LittleEndian.AppendUint32(b, uint32(ends[i]-start))
		b = append(b, line[start:ends[i]]...)
	}
	x.scratch = b
	sum := sha256.Sum256(b)
	copy(x.rec[:16], sum[:16])
	binary.LittleEndian.PutUint64(x.rec[24:], uint64(offset))
	x.rows++
	_, err := x.bw.Write(x.rec[:])
	return err
}

// finish flushes the index and closes it (fsynced: it is part of the release).
func (x *rowIndex) finish() error {
	err := x.bw.Flush()
	if err == nil {
		err = x.f.Sync()
	}
	return errors.Join(err, x.f.Close())
}

// close closes the file of the index, whatever its state.
func (x *rowIndex) close() { x.f.Close() }

// openRowIndex opens the row index of a release folder for reading.
func openRowIndex(dir string) (*rowIndex, error) {
	f, err := os.Open(dir + "/" + rowIndexName)
	if err != nil {
		return nil, err
	}
	x, err := readRowIndexHeader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("row index of %s: %w", dir, err)
	}
	return x, nil
}

func readRowIndexHeader(f *os.File) (*rowIndex, error) {
	br := bufio.NewReaderSize(f, 4096)
	magic, err := br.ReadString('\n')
	if err != nil || magic != rowIndexMagic {
		return nil, errors.New("not a row index")
	}
	head, err := br.ReadBytes('\n')
	if err != nil {
		return nil, err
	}
	x := &rowIndex{f: f, start: int64(len(magic) + len(head))}
	if err := json.Unmarshal(head, x); err != nil {
		return nil, err
	}
	if err := x.findKey(); err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	body := st.Size() - x.start
	if body < 0 || body%rowIndexRecord != 0 {
		return nil, fmt.Errorf("truncated (%d bytes of records)", body)
	}
	x.rows = int(body / rowIndexRecord)
	return x, nil
}

// sameLayout reports whether rows of x and y can be compared by their
// records: same fields in the same order, same key.
func (x *rowIndex) sameLayout(y *rowIndex) bool {
	return slices.Equal(x.Fields, y.Fields) && slices.Equal(x.Key, y.Key)
}

// each calls fn with the records of the index in row order (the row hash
// in the first 8 bytes of spillRecord.row).
func (x *rowIndex) each(fn func(r spillRecord, offset int64) error) error {
	br := bufio.NewReaderSize(io.NewSectionReader(x.f, x.start, int64(x.rows)*rowIndexRecord), 64<<10)
	var rec [rowIndexRecord]byte
	for ord := range x.rows {
		if _, err := io.ReadFull(br, rec[:]); err != nil {
			return err
		}
		var r spillRecord
		copy(r.key[:], rec[:16])
		copy(r.row[:8], rec[16:24])
		r.ord = uint32(ord)
		if err := fn(r, int64(binary.LittleEndian.Uint64(rec[24:]))); err != nil {
			return err
		}
	}
	return nil
}

// offsets returns the data.csv offsets of the rows at the sorted
// positions ords.
func (x *rowIndex) offsets(ords []uint32) ([]int64, error) {
	out := make([]int64, len(ords))
	var b [8]byte
	for i, o := range ords {
		if int(o) >= x.rows {
			return nil, fmt.Errorf("row %d out of %d", o, x.rows)
		}
		if _, err := x.f.ReadAt(b[:], x.start+int64(o)*rowIndexRecord+24); err != nil {
			return nil, err
		}
		out[i] = int64(binary.LittleEndian.Uint64(b[:]))
	}
	return out, nil
}

// csvLines reads the lines of our own data.csv at increasing offsets and
// splits them into cells (unquoted).
type csvLines struct {
	f     *os.File
	br    *bufio.Reader
	pos   int64
	line  []byte
	cells [][]byte
	text  []byte
}

func openCSVLines(path string) (*csvLines, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &csvLines{f: f, br: bufio.NewReaderSize(f, 64<<10)}, nil
}

// at returns the cells of the record that starts at offset (not before
// the previous call's); they are valid until the next call.
func (c *csvLines) at(offset int64) ([][]byte, error) {
	if skip := offset - c.pos; skip >= 0 && skip < 1<<20 {
		if _, err := c.br.Discard(int(skip)); err != nil {
			return nil, err
		}
	} else {
		if _, err := c.f.Seek(offset, io.SeekStart); err != nil {
			return nil, err
		}
		c.br.Reset(c.f)
	}
	c.pos = offset
	c.line = c.line[:0]
	for {
		part, err := c.br.ReadSlice('\n')
		c.line = append(c.line, part...)
		c.pos += int64(len(part))
		if err == nil && bytes.Count(c.line, []byte{'"'})%2 == 0 {
			break
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("data.csv at byte %d: %w", offset, err)
		}
	}
	return c.split(bytes.TrimSuffix(c.line, []byte{'\n'})), nil
}

// split cuts a data.csv line into its cells, unquoted.
func (c *csvLines) split(line []byte) [][]byte {
	c.cells, c.text = c.cells[:0], c.text[:0]
	var bounds []int // start, end of each cell in c.text
	for {
		start := len(c.text)
		if len(line) > 0 && line[0] == '"' {
			line = line[1:]
			for len(line) > 0 {
				q := bytes.IndexByte(line, '"')
				if q < 0 {
					c.text, line = append(c.text, line...), nil
					break
				}
				c.text = append(c.text, line[:q]...)
				if q+1 < len(line) && line[q+1] == '"' {
					c.text, line = append(c.text, '"'), line[q+2:]
					continue
				}
				line = line[q+1:]
				break
			}
		}
		end := bytes.IndexByte(line, ',')
		if end < 0 {
			end = len(line)
		}
		c.text = append(c.text, line[:end]...)
		bounds = append(bounds, start, len(c.text))
		if end == len(line) {
			break
		}
		line = line[end+1:]
	}
	for i := 0; i < len(bounds); i += 2 {
		c.cells = append(c.cells, c.text[bounds[i]:bounds[i+1]])
	}
	return c.cells
}

func (c *csvLines) close() { c.f.Close() }
