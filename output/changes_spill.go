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
)

// spillDirName is the folder of the changelog's spill files, inside the
// staging folder of the release (removed before the release is switched in).
const spillDirName = ".changes-spill"

// partRows is the number of rows of the previous release the matching
// holds in memory at a time: beyond it, both releases are spilled into
// hash partitions on disk (see partsFor). A variable for the tests.
var partRows = 256 << 10

// partsFor returns how many hash partitions the matching of releases of
// prev and next rows uses (a power of two, at most 256).
func partsFor(prev, next int) int {
	parts := 1
	for parts < 256 && parts*partRows < max(prev, next) {
		parts *= 2
	}
	return parts
}

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
	parts int
	files []*os.File
	bufs  []*bufio.Writer
	rec   [spillRecordSize]byte
}

func newSpillWriter(dir, side string, parts int) (*spillWriter, error) {
	w := &spillWriter{parts: parts}
	for p := range parts {
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
	_, err := w.bufs[int(r.key[0])%w.parts].Write(w.rec[:])
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

// partitions are the hashed rows of a release, read a partition at a time.
type partitions interface {
	// readPart calls fn with each record of partition p, in release order.
	readPart(p int, fn func(spillRecord)) error
}

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

// spillSide spills the key and row hash of each row of one release into
// parts partitions.
func spillSide(dir, name string, rows releaseRows, parts int) (*spillWriter, error) {
	w, err := newSpillWriter(dir, name, parts)
	if err != nil {
		return nil, err
	}
	err = rows.hashes(w.write)
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
func match(prev, next partitions, parts int) (*matches, error) {
	m := &matches{}
	for p := range parts {
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

// detailSide reads the rows of a release again for the details of rows
// (see detailRows).
func detailSide(dir, name string, rel releaseRows, width int, seed maphash.Seed, rows detailRows) (*sideDetail, error) {
	f, err := os.Create(filepath.Join(dir, name+"-cols"))
	if err != nil {
		return nil, err
	}
	d := &sideDetail{keys: map[uint32][]string{}, values: map[uint32][]*string{}, cols: f, width: width}
	want, valued, changed := map[uint32]bool{}, map[uint32]bool{}, rows.changed
	for _, o := range rows.listed {
		want[o] = true
	}
	for _, o := range rows.valued {
		valued[o] = true
	}
	all := slices.Concat(rows.listed, rows.valued, rows.changed)
	slices.Sort(all)
	all = slices.Compact(all)
	bw := bufio.NewWriterSize(f, 64<<10)
	var buf []byte
	var rec [8]byte
	err = rel.texts(all, func(ord uint32, row rowTexts) error {
		if want[ord] {
			d.keys[ord] = row.key()
		}
		if valued[ord] {
			d.values[ord] = row.values()
		}
		if len(changed) == 0 || changed[0] != ord {
			return nil
		}
		changed = changed[1:]
		for k := range width {
			buf = row.text(buf[:0], k)
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

// matchSides hashes both releases concurrently and joins them partition
// by partition. With one partition, releases read from their row index
// are matched from it, without spill files.
func matchSides(dir string, prev, next releaseRows) (*matches, error) {
	parts := partsFor(prev.count(), next.count())
	pi, pok := prev.(*indexedRows)
	ni, nok := next.(*indexedRows)
	if parts == 1 && pok && nok {
		return match(pi, ni, 1)
	}
	var ps, ns *spillWriter
	var prevErr, nextErr error
	var wg sync.WaitGroup
	wg.Go(func() { ps, prevErr = spillSide(dir, "prev", prev, parts) })
	wg.Go(func() { ns, nextErr = spillSide(dir, "new", next, parts) })
	wg.Wait()
	if ps != nil {
		defer ps.close()
	}
	if ns != nil {
		defer ns.close()
	}
	if err := errors.Join(prevErr, nextErr); err != nil {
		return nil, err
	}
	return match(ps, ns, parts)
}

// diffRows fills c from the rows of both releases, with memory bounded by
// one partition of the previous release plus 12 bytes per changed row:
// the key and row hashes of both releases are joined (matchSides), then
// each release is read again, concurrently, for the key texts of the
// listed rows, the values of the first changed rows and the field-by-field
// comparison of the changed ones.
func diffRows(c *Changes, dir string, prev, next releaseRows, colNames []string) (*Changes, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	m, err := matchSides(dir, prev, next)
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
	var prevErr, nextErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		pd, prevErr = detailSide(dir, "prev", prev, len(colNames), seed, detailRows{m.removed, valuedPrev, changedPrev})
	})
	wg.Go(func() {
		nd, nextErr = detailSide(dir, "new", next, len(colNames), seed, detailRows{listedNew, valuedNew, changedNew})
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
