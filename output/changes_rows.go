package output

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/parquet-go/parquet-go"

	"github.com/ligerdata/ligerdata/schemas"
)

// releaseRows is how the changelog reads the rows of one release: from its
// row index and data.csv when both releases have a comparable row index
// (indexedRows), otherwise by decoding its data.parquet (parquetRows).
type releaseRows interface {
	// count returns the number of rows, or an estimate (only used to size
	// the matching's partitions).
	count() int
	// hashes calls fn with the key and row hash of every row, in release
	// order. The hashes of two releases compare only when both are read
	// the same way.
	hashes(fn func(spillRecord) error) error
	// texts calls fn, in release order, with the rows at the sorted
	// positions want.
	texts(want []uint32, fn func(ord uint32, row rowTexts) error) error
}

// rowTexts is one row as the changelog compares it.
type rowTexts interface {
	// key returns the data.csv texts of the key fields ("" when missing).
	key() []string
	// text appends to b the comparison text of the k-th compared field.
	text(b []byte, k int) []byte
	// values returns the display texts of the compared fields (see
	// ValueChange).
	values() []*string
}

// errEnough stops reading a release once every wanted row was read.
var errEnough = errors.New("enough rows")

// parquetRows reads a release's data.parquet.
type parquetRows struct {
	path string
	s    *schemas.Schema
	side *diffSide
	rows int
}

func (p *parquetRows) count() int { return p.rows }

func (p *parquetRows) hashes(fn func(spillRecord) error) error {
	var buf []byte
	var ord uint32
	return readParquetRows(p.path, p.s, func(values []schemas.Value) error {
		r := spillRecord{key: p.side.hash(&buf, values, p.side.key), row: p.side.hash(&buf, values, p.side.cols), ord: ord}
		ord++
		return fn(r)
	})
}

func (p *parquetRows) texts(want []uint32, fn func(ord uint32, row rowTexts) error) error {
	if len(want) == 0 {
		return nil
	}
	var ord uint32
	err := readParquetRows(p.path, p.s, func(values []schemas.Value) error {
		defer func() { ord++ }()
		if want[0] != ord {
			return nil
		}
		want = want[1:]
		if err := fn(ord, decodedRow{p.side, values}); err != nil {
			return err
		}
		if len(want) == 0 {
			return errEnough
		}
		return nil
	})
	if errors.Is(err, errEnough) {
		return nil
	}
	return err
}

// decodedRow is a row decoded from Parquet.
type decodedRow struct {
	side *diffSide
	vals []schemas.Value
}

func (v decodedRow) key() []string { return v.side.keyTexts(v.vals) }

func (v decodedRow) values() []*string { return v.side.valueTexts(v.vals) }

func (v decodedRow) text(b []byte, k int) []byte {
	i := v.side.cols[k]
	return v.side.text(b, i, v.vals[i])
}

// indexedRows reads a release's row index, and the rows it needs from its
// data.csv. Its compared fields are all the fields, in schema order.
type indexedRows struct {
	x   *rowIndex
	csv string
}

func (r *indexedRows) count() int { return r.x.rows }

func (r *indexedRows) hashes(fn func(spillRecord) error) error {
	return r.x.each(func(rec spillRecord, _ int64) error { return fn(rec) })
}

// readPart reads the whole index: a release matched from its index
// without spilling has one partition.
func (r *indexedRows) readPart(_ int, fn func(spillRecord)) error {
	return r.x.each(func(rec spillRecord, _ int64) error {
		fn(rec)
		return nil
	})
}

func (r *indexedRows) texts(want []uint32, fn func(ord uint32, row rowTexts) error) error {
	if len(want) == 0 {
		return nil
	}
	offs, err := r.x.offsets(want)
	if err != nil {
		return err
	}
	lines, err := openCSVLines(r.csv)
	if err != nil {
		return err
	}
	defer lines.close()
	for i, ord := range want {
		cells, err := lines.at(offs[i])
		if err != nil {
			return err
		}
		if len(cells) != len(r.x.Fields) {
			return fmt.Errorf("%s: row %d has %d cells, not %d", r.csv, ord+1, len(cells), len(r.x.Fields))
		}
		if err := fn(ord, cellTexts{cells: cells, keyCols: r.x.keyCols}); err != nil {
			return err
		}
	}
	return nil
}

// cellTexts is a row read back from data.csv. An empty cell compares as a
// missing value: an empty string and a missing value, told apart by the
// row hash, show as a changed row without changed fields.
type cellTexts struct {
	cells   [][]byte
	keyCols []int
}

func (c cellTexts) key() []string {
	out := make([]string, len(c.keyCols))
	for k, i := range c.keyCols {
		out[k] = string(c.cells[i])
	}
	return out
}

func (c cellTexts) values() []*string {
	out := make([]*string, len(c.cells))
	for k, cell := range c.cells {
		if len(cell) > 0 {
			s := cutValueText(string(cell))
			out[k] = &s
		}
	}
	return out
}

func (c cellTexts) text(b []byte, k int) []byte {
	if len(c.cells[k]) == 0 {
		return append(b, 0)
	}
	return append(append(b, 1), c.cells[k]...)
}

// indexedSides returns both releases read from their row indexes when
// both have one of the same layout and the schema has no geometry field
// (compared by geometry, not by text), otherwise nil.
func indexedSides(prevDir, newDir string, p *plan) (prev, next *indexedRows) {
	for _, c := range p.columns {
		if c.kind == kindGeoWKB {
			return nil, nil
		}
	}
	px, err := openRowIndex(prevDir)
	if err != nil {
		return nil, nil
	}
	nx, err := openRowIndex(newDir)
	if err != nil || !px.sameLayout(nx) || len(nx.Fields) != len(p.columns) {
		px.close()
		if nx != nil {
			nx.close()
		}
		return nil, nil
	}
	return &indexedRows{x: px, csv: filepath.Join(prevDir, FileCSV)}, &indexedRows{x: nx, csv: filepath.Join(newDir, FileCSV)}
}

// rowsHint returns the number of rows of the data.parquet of a release
// folder, from its footer; when unknown, a number that spills into 64
// partitions.
func rowsHint(dir string) int {
	f, err := os.Open(filepath.Join(dir, FileParquet))
	if err != nil {
		return 64 * partRows
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 64 * partRows
	}
	pf, err := parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return 64 * partRows
	}
	return int(pf.NumRows())
}
