package output

// This file holds the encoder goroutines of a Release: one per published
// data file, fed with batches of rows by Append.

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/parquet-go/parquet-go"

	"github.com/ligerdata/ligerdata/schemas"
)

// encodeParquet runs on its own goroutine: it writes every batch to
// data.parquet and keeps draining its queue after an error so that Append
// never blocks.
//
// The values are laid out column by column (plan.parquetColumns) and
// handed to each column writer pqChunkRows rows at a time; the encoder
// closes a row group every rowGroupRows rows. The chunks are those the
// parquet writer makes of the rows given to Writer.WriteRows, so the pages
// are cut at the same rows.
func (r *Release) encodeParquet() {
	defer r.encoders.Done()
	n := len(r.plan.columns)
	cols := make([][]parquet.Value, r.plan.leaves)
	for i := range cols {
		cols[i] = make([]parquet.Value, 0, pqChunkRows)
	}
	var scratch []byte
	inGroup := 0 // rows in the current row group
	failed := false
	for b := range r.pqQueue {
		for off := 0; off < len(b.vals) && !failed; {
			k := min(pqChunkRows, (len(b.vals)-off)/n, rowGroupRows-inGroup)
			scratch = scratch[:0]
			for i := range cols {
				cols[i] = cols[i][:0]
			}
			err := r.plan.parquetColumns(cols, b.vals[off:off+k*n], &scratch, r.geoStats)
			if err == nil {
				err = r.writeParquetColumns(cols)
			}
			off += k * n
			inGroup += k
			if err == nil && inGroup == rowGroupRows {
				inGroup = 0
				if err = r.pqW.Flush(); err != nil {
					err = fmt.Errorf("output: write parquet: %w", err)
				}
			}
			if err != nil {
				failed = true
				r.fail(err)
			}
		}
		r.release(b)
	}
}

// writeParquetColumns hands the values of a chunk of rows (one slice per
// leaf column, as laid out by parquetColumns) to the column writers of the
// current row group.
func (r *Release) writeParquetColumns(cols [][]parquet.Value) error {
	writers := r.pqW.ColumnWriters()
	for i, vs := range cols {
		if _, err := writers[i].WriteRowValues(vs); err != nil {
			return fmt.Errorf("output: write parquet column %d: %w", i, err)
		}
		clear(vs) // drop the references to the batch's strings
	}
	return nil
}

// encodeCSV runs on its own goroutine: it writes every batch to data.csv
// and data-fr.csv (through r.csvLine and r.frLine) and keeps draining its
// queue after an error so that Append never blocks.
func (r *Release) encodeCSV() {
	defer r.encoders.Done()
	var scratch []byte
	failed := false
	for b := range r.csvQueue {
		if !failed {
			err := r.csvBatch(b.vals, &scratch)
			if err != nil {
				failed = true
				r.fail(err)
			}
		}
		r.release(b)
	}
}

func (r *Release) csvBatch(vals []schemas.Value, scratch *[]byte) error {
	n := len(r.plan.columns)
	for off := 0; off < len(vals); off += n {
		var err error
		start := len(r.csvLine)
		row := vals[off : off+n]
		if r.csvLine, r.frLine, err = r.plan.appendCSVValuesBoth(r.csvLine, r.frLine, row, scratch, r.cellEnds); err != nil {
			return err
		}
		if err := r.rowIdx.add(r.csvLine[start:len(r.csvLine)-1], r.cellEnds, row, r.csvOut.n+int64(start)); err != nil {
			return fmt.Errorf("output: write row index: %w", err)
		}
		if len(r.csvLine) >= csvFlushBytes {
			if err := r.flushCSV(); err != nil {
				return err
			}
		}
	}
	return nil
}

// flushCSV writes the buffered CSV text to the files.
func (r *Release) flushCSV() error {
	if _, err := r.csvOut.Write(r.csvLine); err != nil {
		return fmt.Errorf("output: write csv: %w", err)
	}
	r.requestSync(r.csvFile, len(r.csvLine))
	r.csvLine = r.csvLine[:0]
	if _, err := r.frOut.Write(r.frLine); err != nil {
		return fmt.Errorf("output: write french csv: %w", err)
	}
	r.requestSync(r.frFile, len(r.frLine))
	r.frLine = r.frLine[:0]
	return nil
}

// requestSync counts n bytes written to f and, every earlySyncBytes, asks
// the background syncer to fsync f, so that the disk writes the large
// files back while they are produced rather than all at the end, in
// finish. The request is dropped when the syncer is busy. Only called by
// the goroutine that writes f, or after the encoders have stopped.
func (r *Release) requestSync(f *os.File, n int) {
	if r.syncQueue == nil {
		return
	}
	r.mu.Lock()
	left := r.unsynced[f] + int64(n)
	if left >= earlySyncBytes {
		select {
		case r.syncQueue <- f:
			left = 0
		default:
		}
	}
	r.unsynced[f] = left
	r.mu.Unlock()
}

// syncInBackground runs on its own goroutine: it fsyncs the files sent by
// requestSync. A failure is recorded as an encoder error (an fsync error
// may not be reported again by the final fsync).
func (r *Release) syncInBackground() {
	defer close(r.syncDone)
	for f := range r.syncQueue {
		if err := f.Sync(); err != nil {
			r.fail(fmt.Errorf("output: sync %s: %w", filepath.Base(f.Name()), err))
		}
	}
}

// encodeGeoJSON runs on its own goroutine (geographic datasets): it writes
// every batch to data.geojson (through r.gjLine) and keeps draining its
// queue after an error so that Append never blocks.
func (r *Release) encodeGeoJSON() {
	defer r.encoders.Done()
	n := len(r.plan.columns)
	failed := false
	for b := range r.gjQueue {
		for off := 0; off < len(b.vals) && !failed; off += n {
			var err error
			r.gjLine, err = r.plan.appendFeature(r.gjLine, b.vals[off:off+n], r.gjFeatures == 0)
			r.gjFeatures++
			if err == nil && len(r.gjLine) >= csvFlushBytes {
				err = r.flushGeoJSON()
			}
			if err != nil {
				failed = true
				r.fail(err)
			}
		}
		r.release(b)
	}
}

// flushGeoJSON writes the buffered GeoJSON text to the file.
func (r *Release) flushGeoJSON() error {
	if _, err := r.gjOut.Write(r.gjLine); err != nil {
		return fmt.Errorf("output: write geojson: %w", err)
	}
	r.requestSync(r.gjFile, len(r.gjLine))
	r.gjLine = r.gjLine[:0]
	return nil
}
