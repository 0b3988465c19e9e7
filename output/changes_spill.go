package output

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/ligerdata/ligerdata/schemas"
)

// spillDirName is the folder of the changelog's spill files, inside the
// staging folder of the release (removed before the release is switched in).
const spillDirName = ".changes-spill"

// spillParts is the number of hash partitions of the spill files: the
// matching holds one partition of the previous release in memory at a time.
const spillParts = 64

// spillRecord is what the spill files keep of a row: the hashes of its key
// and of its compared values, and its position in its release.
type spillRecord struct {
	key [16]byte
	row [16]byte
	ord uint32
}

const spillRecordSize = 16 + 16 + 4

// spillWriter writes the records of one release into its partitions.
type spillWriter struct {
	files []*os.File
	bufs  []*bufio.Writer
	rec   [spillRecordSize]byte
}

func newSpillWriter(dir, side string) (*spillWriter, error) {
	w := &spillWriter{}
	for p := range spillParts {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%02d", side, p)))
		if err != nil {
			w.close()
			return nil, err
		}
		w.files = append(w.files, f)
		w.bufs = append(w.bufs, bufio.NewWriterSize(f, 16<<10))
	}
	return w, nil
}

func (w *spillWriter) write(r spillRecord) error {
	copy(w.rec[:16], r.key[:])
	copy(w.rec[16:32], r.row[:])
	binary.LittleEndian.PutUint32(w.rec[32:], r.ord)
	_, err := w.bufs[r.key[0]%spillParts].Write(w.rec[:])
	return err
}

// finish flushes the partitions and rewinds them for reading.
func (w *spillWriter) finish() error {
	for p, b := range w.bufs {
		if err := b.Flush(); err != nil {
			return err
		}
		if _, err := w.files[p].Seek(0, io.SeekStart); err != nil {
			return err
		}
	}
	return nil
}

func (w *spillWriter) close() {
	for _, f := range w.files {
		f.Close()
	}
}

// readPart calls fn with each record of partition p, in release order.
func (w *spillWriter) readPart(p int, fn func(spillRecord)) error {
	br := bufio.NewReaderSize(w.files[p], 64<<10)
	var rec [spillRecordSize]byte
	for {
		if _, err := io.ReadFull(br, rec[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		var r spillRecord
		copy(r.key[:], rec[:16])
		copy(r.row[:], rec[16:32])
		r.ord = binary.LittleEndian.Uint32(rec[32:])
		fn(r)
	}
}

// spillSide reads one release and spills the key and row hash of each row.
func spillSide(dir, name, path string, s *schemas.Schema, side *diffSide) (*spillWriter, error) {
	w, err := newSpillWriter(dir, name)
	if err != nil {
		return nil, err
	}
	var buf []byte
	var ord uint32
	err = readParquetRows(path, s, func(values []schemas.Value) error {
		r := spillRecord{key: side.hash(&buf, values, side.key), row: side.hash(&buf, values, side.cols), ord: ord}
		ord++
		return w.write(r)
	})
	if err == nil {
		err = w.finish()
	}
	if err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

// matchEntry is a key of the previous release, in one partition.
type matchEntry struct {
	row  [16]byte // row hash of its first occurrence
	ords []uint32 // positions of its occurrences, in release order
	left int      // occurrences not matched by a row of the new release
	// changed is the position in the new release of the last row that
	// matched it with other values, -1 when none.
	changed int64
}

// matches is what matching both releases found: exact counts, and the
// positions the changelog lists or compares field by field.
type matches struct {
	added, removed []uint32 // the first MaxListedChanges positions
	// changed pairs the positions of changed rows (new, previous), by new.
	changed [][2]uint32
	counts  RowCounts
}

// keepFirst adds ord to a list that keeps the MaxListedChanges smallest.
func keepFirst(list []uint32, ord uint32) []uint32 {
	list = append(list, ord)
	if len(list) >= 2*MaxListedChanges {
		slices.Sort(list)
		list = list[:MaxListedChanges]
	}
	return list
}

func firstSorted(list []uint32) []uint32 {
	slices.Sort(list)
	return list[:min(len(list), MaxListedChanges)]
}

// match joins the two spills partition by partition. Duplicate keys match
// in release order: the first occurrences of a key left unmatched count
// as removed, and a changed row is compared with the occurrence after them.
func match(prev, next *spillWriter) (*matches, error) {
	m := &matches{}
	for p := range spillParts {
		entries := map[[16]byte]*matchEntry{}
		err := prev.readPart(p, func(r spillRecord) {
			if e, ok := entries[r.key]; ok {
				e.ords = append(e.ords, r.ord)
				e.left++
				return
			}
			entries[r.key] = &matchEntry{row: r.row, ords: []uint32{r.ord}, left: 1, changed: -1}
		})
		if err != nil {
			return nil, err
		}
		err = next.readPart(p, func(r spillRecord) {
			e, ok := entries[r.key]
			if !ok || e.left == 0 {
				m.counts.Added++
				m.added = keepFirst(m.added, r.ord)
				return
			}
			e.left--
			if r.row == e.row {
				m.counts.Unchanged++
				return
			}
			m.counts.Changed++
			e.changed = int64(r.ord)
		})
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			for _, ord := range e.ords[:e.left] {
				m.counts.Removed++
				m.removed = keepFirst(m.removed, ord)
			}
			if e.changed >= 0 && e.left < len(e.ords) {
				m.changed = append(m.changed, [2]uint32{uint32(e.changed), e.ords[e.left]})
			}
		}
	}
	m.added, m.removed = firstSorted(m.added), firstSorted(m.removed)
	slices.SortFunc(m.changed, func(a, b [2]uint32) int { return int(a[0]) - int(b[0]) })
	return m, nil
}

// sideDetail is what the second read of one release gathers: the key texts
// of its listed rows, the value texts of its valued rows, and a file of
// one hash per compared field of each changed row, in release order
// (record i is the i-th changed row).
type sideDetail struct {
	keys   map[uint32][]string
	values map[uint32][]*string
	cols   *os.File
	width  int // compared fields
}

// colsOf returns the field hashes of the i-th changed row.
func (d *sideDetail) colsOf(i int, out []uint64) error {
	buf := make([]byte, 8*d.width)
	if _, err := d.cols.ReadAt(buf, int64(i)*int64(len(buf))); err != nil {
		return err
	}
	for k := range out {
		out[k] = binary.LittleEndian.Uint64(buf[8*k:])
	}
	return nil
}

// detailRows names the rows of a release whose details are wanted: the
// key texts of listed, the value texts of valued, the field hashes of
// changed (sorted).
type detailRows struct {
	listed, valued, changed []uint32
}

// detailSide reads a release again for the details of rows (see
// detailRows).
func detailSide(dir, name, path string, s *schemas.Schema, side *diffSide, seed maphash.Seed, rows detailRows) (*sideDetail, error) {
	f, err := os.Create(filepath.Join(dir, name+"-cols"))
	if err != nil {
		return nil, err
	}
	d := &sideDetail{keys: map[uint32][]string{}, values: map[uint32][]*string{}, cols: f, width: len(side.cols)}
	want, valued, changed := map[uint32]bool{}, map[uint32]bool{}, rows.changed
	for _, o := range rows.listed {
		want[o] = true
	}
	for _, o := range rows.valued {
		valued[o] = true
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	var ord uint32
	var buf []byte
	var rec [8]byte
	err = readParquetRows(path, s, func(values []schemas.Value) error {
		defer func() { ord++ }()
		if want[ord] {
			d.keys[ord] = side.keyTexts(values)
		}
		if valued[ord] {
			d.values[ord] = side.valueTexts(values)
		}
		if len(changed) == 0 || changed[0] != ord {
			return nil
		}
		changed = changed[1:]
		for _, i := range side.cols {
			buf = side.text(buf[:0], i, values[i])
			binary.LittleEndian.PutUint64(rec[:], maphash.Bytes(seed, buf))
			if _, err := bw.Write(rec[:]); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return d, nil
}

// diffRows fills c from the rows of both releases, with memory bounded by
// one partition of the previous release plus 12 bytes per changed row:
// each release is read once to spill the hashes of its rows' keys and
// values into hash partitions on disk, the partitions are joined one at a
// time, then each release is read again for the key texts of the listed
// rows and the field-by-field comparison of the changed ones. The two
// releases are read concurrently.
func diffRows(c *Changes, dir, prevPath string, ps *schemas.Schema, prevSide *diffSide, newPath string, ns *schemas.Schema, newSide *diffSide, colNames []string) (*Changes, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var prev, next *spillWriter
	var prevErr, nextErr error
	var wg sync.WaitGroup
	wg.Go(func() { prev, prevErr = spillSide(dir, "prev", prevPath, ps, prevSide) })
	wg.Go(func() { next, nextErr = spillSide(dir, "new", newPath, ns, newSide) })
	wg.Wait()
	if prev != nil {
		defer prev.close()
	}
	if next != nil {
		defer next.close()
	}
	if err := errors.Join(prevErr, nextErr); err != nil {
		return nil, err
	}
	m, err := match(prev, next)
	if err != nil {
		return nil, err
	}
	c.Rows = m.counts

	// The changed rows by position in each release; pair i's previous row
	// is record rank(pair[1]) of the previous release's field hashes.
	changedNew := make([]uint32, len(m.changed))
	changedPrev := make([]uint32, len(m.changed))
	for i, pair := range m.changed {
		changedNew[i], changedPrev[i] = pair[0], pair[1]
	}
	slices.Sort(changedPrev)
	listedChanged := m.changed[:min(len(m.changed), MaxListedChanges)]
	listedNew := slices.Clone(m.added)
	for _, pair := range listedChanged {
		listedNew = append(listedNew, pair[0])
	}
	var valuedNew, valuedPrev []uint32
	for _, pair := range m.changed[:min(len(m.changed), MaxValuedChanges)] {
		valuedNew, valuedPrev = append(valuedNew, pair[0]), append(valuedPrev, pair[1])
	}
	seed := maphash.MakeSeed()
	var pd, nd *sideDetail
	wg.Go(func() {
		pd, prevErr = detailSide(dir, "prev", prevPath, ps, prevSide, seed, detailRows{m.removed, valuedPrev, changedPrev})
	})
	wg.Go(func() {
		nd, nextErr = detailSide(dir, "new", newPath, ns, newSide, seed, detailRows{listedNew, valuedNew, changedNew})
	})
	wg.Wait()
	for _, d := range []*sideDetail{pd, nd} {
		if d != nil {
			defer d.cols.Close()
		}
	}
	if err := errors.Join(prevErr, nextErr); err != nil {
		return nil, err
	}

	for _, o := range m.added {
		c.Added = append(c.Added, nd.keys[o])
	}
	for _, o := range m.removed {
		c.Removed = append(c.Removed, pd.keys[o])
	}
	nh, ph := make([]uint64, len(colNames)), make([]uint64, len(colNames))
	for i, pair := range m.changed {
		rank, _ := slices.BinarySearch(changedPrev, pair[1])
		if err := errors.Join(nd.colsOf(i, nh), pd.colsOf(rank, ph)); err != nil {
			return nil, err
		}
		row := ChangedRow{Columns: []string{}}
		var values map[string]ValueChange
		if i < MaxValuedChanges {
			values = map[string]ValueChange{}
		}
		for k := range nh {
			if nh[k] == ph[k] {
				continue
			}
			c.ColumnsChanged[colNames[k]]++
			row.Columns = append(row.Columns, colNames[k])
			if values != nil {
				values[colNames[k]] = ValueChange{Old: pd.values[pair[1]][k], New: nd.values[pair[0]][k]}
			}
		}
		if i < MaxListedChanges {
			row.Key, row.Values = nd.keys[pair[0]], values
			c.Changed = append(c.Changed, row)
		}
	}
	return c, nil
}
