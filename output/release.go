// Package output publishes validated datasets: it writes each release of a
// dataset (Parquet with GeoParquet metadata for geographic datasets, CSV,
// a CSV for French spreadsheets, GeoJSON, Data Package descriptor, quality
// report, changelog against the previous release and checksums) into an
// immutable folder of the public tree and switches the dataset's `latest`
// symlink atomically, prunes old releases (Prune), writes the rejected rows
// for data stewards, and describes every dataset's latest release in a
// DCAT-AP catalogue (JSON-LD).
//
// The public tree, shared with the web server:
//
//	<public>/catalog.jsonld
//	<public>/datasets/<dataset>/<release>/{data.parquet,data.csv,data-fr.csv,datapackage.json,quality.json,changes.json,SHA256SUMS}
//	<public>/datasets/<dataset>/<release>/data.geojson   (geographic datasets, see IsGeographic)
//	<public>/datasets/<dataset>/latest -> <release>
//	<public>/datasets/<dataset>/.staging-<release>/   (build area; names starting with "." are never served)
//
// The data files (data.parquet, data.csv, data-fr.csv, data.geojson) are
// deterministic: the same rows in the same order give the same bytes,
// whatever the release id or the time (no timestamp nor release id inside;
// Parquet columns in a fixed order, created_by constant). datapackage.json,
// quality.json and changes.json carry the release id and datapackage.json
// the creation time: describing the release is their job.
//
// data.parquet (zstd, page statistics, row groups of 64Ki rows) has one
// optional top-level column per schema field, named after it: string, any,
// yearmonth and duration as STRING; integer and year as INT64; number as
// DOUBLE; boolean as BOOLEAN; date as DATE; datetime as TIMESTAMP
// (microseconds, adjusted to UTC); time as TIME (microseconds, wall clock);
// geopoint as a group {lon DOUBLE, lat DOUBLE}; object, array, geojson and
// list as STRING holding JSON text.
//
// data.csv (UTF-8, comma, RFC 4180, header = field names) is canonical,
// whatever the source looked like: integers in decimal; numbers in the
// shortest form that round-trips, without exponent (NaN, INF, -INF);
// booleans true/false; dates YYYY-MM-DD; datetimes RFC 3339 in UTC
// (fractional seconds only when non-zero); times hh:mm:ss[.ffffff];
// geopoints "lon,lat" (or [lon,lat] / {"lon":…,"lat":…} for the array and
// object formats); objects, arrays and geojson as JSON; lists joined with
// the field's delimiter (default ","); missing values empty. The schema in
// datapackage.json is the declared Table Schema with its source-format
// options (date formats, decimalChar, trueValues, missingValues …)
// normalised accordingly, so that data.csv validates against it.
package output

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/ligerdata/ligerdata/schemas"
)

// Names of the files of a release folder.
const (
	FileParquet     = "data.parquet"
	FileCSV         = "data.csv"
	FileCSVFR       = "data-fr.csv" // French spreadsheet variant: semicolons, decimal comma, BOM
	FileDataPackage = "datapackage.json"
	FileQuality     = "quality.json"
	FileSums        = "SHA256SUMS"
)

// Media types of the published files.
const (
	MediaTypeParquet = "application/vnd.apache.parquet"
	MediaTypeCSV     = "text/csv"
	MediaTypeJSON    = "application/json"
	MediaTypeText    = "text/plain"
)

const (
	latestLink    = "latest"
	stagingPrefix = ".staging-"

	batchRows       = 1024      // rows per batch handed to the encoder goroutines
	queuedBatches   = 4         // batches buffered between Append and each encoder
	rowGroupRows    = 64 * 1024 // parquet rows per row group
	fileBufferBytes = 256 << 10
	csvFlushBytes   = 512 << 10 // the CSV encoder writes out its buffer past this size
	pqChunkRows     = 64        // rows handed to the parquet column writers at a time (as parquet-go's WriteRows does)
)

// earlySyncBytes is the amount of data written to a CSV or GeoJSON file
// between two background fsyncs (a variable for the tests).
var earlySyncBytes int64 = 64 << 20

// parquetLevel is the zstd level of data.parquet: the fastest, as the
// files are written once per run on a small machine and read by tools that
// decompress any level equally fast.
const parquetLevel = zstd.SpeedFastest

// batch is a run of appended rows (values back to back) shared, read-only,
// by the Parquet and the CSV encoders; the last one done recycles it.
type batch struct {
	vals []schemas.Value
	left atomic.Int32 // encoders that have not finished with it
}

// File describes one file of a published release.
type File struct {
	Name      string // file name inside the release folder
	Bytes     int64  // size in bytes
	SHA256    string // lowercase hex SHA-256 of the content
	MediaType string // IANA media type
}

// Published describes a committed release.
type Published struct {
	Dataset string
	Release string
	Dir     string // absolute or publicDir-relative path of the release folder
	Rows    int    // rows written to the data files
	Files   []File // every file of the release, sorted by name
}

// Release builds one dataset release in a staging folder. Append rows, then
// Commit (or Abort).
//
// Readers of <public> never see a half-written release: Commit renames the
// staging folder to <release> and then switches `latest` with a symlink
// rename, both atomic on POSIX. A crash between the two leaves a complete
// release that `latest` does not point to yet.
//
// A Release is not safe for concurrent use: call Append, Commit and Abort
// from one goroutine.
type Release struct {
	publicDir  string
	meta       DatasetMeta
	schema     *schemas.Schema
	id         string
	now        func() time.Time
	datasetDir string
	staging    string
	final      string
	plan       *plan

	csvFile, pqFile, frFile, gjFile *os.File
	csvOut, pqOut, frOut, gjOut     *hashingWriter
	pqBuf                           *bufio.Writer
	csvLine                         []byte // CSV text not yet written to csvOut
	frLine                          []byte // data-fr.csv text not yet written to frOut
	gjLine                          []byte // data.geojson text not yet written to gjOut (geographic datasets)
	gjFeatures                      int    // features written to gjLine
	pqW                             *parquet.Writer
	rowIdx                          *rowIndex // written by the CSV encoder
	cellEnds                        []int     // where each cell of the current CSV line ends
	geoStats                        *geoStats // geometry types and bbox (parquet encoder)
	previous                        string    // release `latest` pointed to at NewRelease ("" for none)
	skipIdentical                   bool      // see SkipIdentical

	cur      *batch // current batch, len(vals) = rows*fields
	pqQueue  chan *batch
	csvQueue chan *batch
	gjQueue  chan *batch // nil when the dataset is not geographic
	readers  int32       // encoders each batch goes to
	free     chan *batch
	encoders sync.WaitGroup
	// syncQueue takes the data files to fsync in the background while they
	// are written (see requestSync); nil once stopped.
	syncQueue chan *os.File
	syncDone  chan struct{}
	unsynced  map[*os.File]int64 // bytes written since the last background fsync request
	mu        sync.Mutex
	err       error // first encoder error

	extra    []File // files added with AddFile
	rows     int
	state    releaseState
	renamed  bool
	hookFunc func() error // test hook run just before the staging folder is renamed
}

type releaseState int

const (
	stateOpen releaseState = iota
	stateClosed
	stateCommitted
	stateAborted
)

// NewRelease creates the staging folder <public>/datasets/<meta.ID>/.staging-<releaseID>
// and opens the data files. releaseID must sort by time (a run id such as
// 20261127T152100Z-3f9a); it must not already be published. now gives the
// creation time recorded in datapackage.json (time.Now when nil). The
// release `latest` points to now is the previous release that Commit's
// changelog (changes.json) compares against.
func NewRelease(publicDir string, meta DatasetMeta, schema *schemas.Schema, releaseID string, now func() time.Time) (*Release, error) {
	if err := checkName(meta.ID); err != nil {
		return nil, fmt.Errorf("output: dataset id: %w", err)
	}
	if err := checkName(releaseID); err != nil {
		return nil, fmt.Errorf("output: release id: %w", err)
	}
	p, err := newPlan(schema)
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	dsDir := filepath.Join(meta.Collection.dir(publicDir), meta.ID)
	r := &Release{
		publicDir:  publicDir,
		meta:       meta,
		schema:     schema,
		id:         releaseID,
		now:        now,
		datasetDir: dsDir,
		staging:    filepath.Join(dsDir, stagingPrefix+releaseID),
		final:      filepath.Join(dsDir, releaseID),
		plan:       p,
	}
	if err := os.MkdirAll(dsDir, 0o755); err != nil {
		return nil, fmt.Errorf("output: create dataset folder: %w", err)
	}
	if _, err := os.Lstat(r.final); err == nil {
		return nil, fmt.Errorf("output: release %s/%s already published: %w", meta.ID, releaseID, fs.ErrExist)
	}
	if prev, err := meta.Collection.Latest(publicDir, meta.ID); err == nil {
		r.previous = prev
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("output: previous release: %w", err)
	}
	if err := os.Mkdir(r.staging, 0o755); err != nil {
		return nil, fmt.Errorf("output: create staging folder: %w", err)
	}
	if err := r.open(); err != nil {
		r.closeFiles()
		os.RemoveAll(r.staging)
		return nil, err
	}
	r.pqQueue = make(chan *batch, queuedBatches)
	r.csvQueue = make(chan *batch, queuedBatches)
	r.free = make(chan *batch, 3*queuedBatches+4)
	r.readers = 2
	r.encoders.Add(2)
	if p.geo != nil {
		r.gjQueue = make(chan *batch, queuedBatches)
		r.readers = 3
		r.encoders.Add(1)
		go r.encodeGeoJSON()
	}
	r.syncQueue = make(chan *os.File, 4)
	r.syncDone = make(chan struct{})
	r.unsynced = map[*os.File]int64{}
	go r.syncInBackground()
	go r.encodeParquet()
	go r.encodeCSV()
	return r, nil
}

func (r *Release) open() error {
	var err error
	if r.csvFile, err = os.OpenFile(filepath.Join(r.staging, FileCSV), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err != nil {
		return fmt.Errorf("output: create csv: %w", err)
	}
	if r.pqFile, err = os.OpenFile(filepath.Join(r.staging, FileParquet), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err != nil {
		return fmt.Errorf("output: create parquet: %w", err)
	}
	if r.frFile, err = os.OpenFile(filepath.Join(r.staging, FileCSVFR), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err != nil {
		return fmt.Errorf("output: create french csv: %w", err)
	}
	r.csvOut = newHashingWriter(r.csvFile)
	r.pqOut = newHashingWriter(r.pqFile)
	r.frOut = newHashingWriter(r.frFile)
	r.pqBuf = bufio.NewWriterSize(r.pqOut, fileBufferBytes)
	header := make([]string, len(r.plan.columns))
	for i, c := range r.plan.columns {
		header[i] = c.name
	}
	r.csvLine = appendCSVRecord(make([]byte, 0, csvFlushBytes+fileBufferBytes), header, ',')
	r.frLine = appendCSVRecord(append(make([]byte, 0, csvFlushBytes+fileBufferBytes), bomUTF8...), header, ';')
	if r.plan.geo != nil {
		if r.gjFile, err = os.OpenFile(filepath.Join(r.staging, FileGeoJSON), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err != nil {
			return fmt.Errorf("output: create geojson: %w", err)
		}
		r.gjOut = newHashingWriter(r.gjFile)
		r.gjLine = append(make([]byte, 0, csvFlushBytes+fileBufferBytes), geoJSONHeader...)
		r.geoStats = newGeoStats()
	}
	if r.rowIdx, err = newRowIndex(filepath.Join(r.staging, rowIndexName), r.schema); err != nil {
		return err
	}
	r.cellEnds = make([]int, len(r.plan.columns))
	cfg, err := parquetConfig(r.plan, r.meta.ID)
	if err != nil {
		return err
	}
	r.pqW = parquet.NewWriter(r.pqBuf, cfg)
	return nil
}

// parquetConfig is the writer configuration of data.parquet. No release id
// nor time in the file: the same rows give the same bytes whatever the run.
func parquetConfig(p *plan, datasetID string) (*parquet.WriterConfig, error) {
	cfg, err := parquet.NewWriterConfig(
		p.schema,
		parquet.Compression(&zstd.Codec{Level: parquetLevel}),
		parquet.DataPageStatistics(true),
		parquet.MaxRowsPerRowGroup(rowGroupRows),
		parquet.KeyValueMetadata("ligerdata.dataset", datasetID),
	)
	if err != nil {
		return nil, fmt.Errorf("output: parquet config: %w", err)
	}
	return cfg, nil
}

// Append writes one accepted row (values in schema field order; not retained
// after return: byte slices and lists are copied). Parquet, CSV (data.csv
// and data-fr.csv) and, for a geographic dataset, GeoJSON encoding happen
// on goroutines of their own so that the caller (parsing and validation)
// and the writers share the cores; Append copies the row into a batch of
// about 1024 rows handed to each over buffered channels. An
// encoding error surfaces on a later Append or on Commit; after an error,
// call Abort.
func (r *Release) Append(values []schemas.Value) error {
	if r.state != stateOpen {
		return fmt.Errorf("output: append to %s/%s: release is not open", r.meta.ID, r.id)
	}
	n := len(r.plan.columns)
	if len(values) != n {
		return fmt.Errorf("output: append to %s/%s: got %d values, schema has %d fields", r.meta.ID, r.id, len(values), n)
	}
	if r.cur == nil {
		select {
		case b := <-r.free:
			r.cur = b
		default:
			r.cur = &batch{vals: make([]schemas.Value, 0, batchRows*n)}
		}
	}
	b := r.cur
	for _, v := range values {
		b.vals = append(b.vals, cloneValue(v))
	}
	r.rows++
	if len(b.vals) >= batchRows*n {
		if err := r.encoderErr(); err != nil {
			return err
		}
		r.send()
	}
	return nil
}

// send hands the current batch to every encoder.
func (r *Release) send() {
	b := r.cur
	r.cur = nil
	b.left.Store(r.readers)
	r.pqQueue <- b
	r.csvQueue <- b
	if r.gjQueue != nil {
		r.gjQueue <- b
	}
}

// release is called by each encoder when done with b; the last one clears
// it (dropping the references to the row values) and recycles it.
func (r *Release) release(b *batch) {
	if b.left.Add(-1) != 0 {
		return
	}
	clear(b.vals)
	b.vals = b.vals[:0]
	select {
	case r.free <- b:
	default:
	}
}

// fail records the first encoder error.
func (r *Release) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		r.err = fmt.Errorf("output: encode %s/%s: %w", r.meta.ID, r.id, err)
	}
}

func (r *Release) encoderErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// finish hands the last batch to the encoder, stops it and closes the data
// files (flushed and fsynced).
func (r *Release) finish() error {
	if r.state != stateOpen {
		return fmt.Errorf("output: release %s/%s is not open", r.meta.ID, r.id)
	}
	r.state = stateClosed
	if r.cur != nil && len(r.cur.vals) > 0 {
		r.send()
	}
	r.stopEncoders()
	if err := r.encoderErr(); err != nil {
		return err
	}
	if err := r.flushCSV(); err != nil {
		return err
	}
	err := r.rowIdx.finish()
	r.rowIdx = nil
	if err != nil {
		return fmt.Errorf("output: write row index: %w", err)
	}
	files := []*os.File{r.csvFile, r.pqFile, r.frFile}
	if r.plan.geo != nil {
		r.gjLine = append(r.gjLine, geoJSONFooter...)
		if err := r.flushGeoJSON(); err != nil {
			return err
		}
		files = append(files, r.gjFile)
		// The geometry types and bbox are known now; the footer, with the
		// key-value metadata, is written by Close.
		geo, err := geoMetadataJSON(r.geoStats.metadata(r.plan))
		if err != nil {
			return err
		}
		r.pqW.SetKeyValueMetadata("geo", geo)
	}
	if err := r.pqW.Close(); err != nil {
		return fmt.Errorf("output: close parquet: %w", err)
	}
	if err := r.pqBuf.Flush(); err != nil {
		return fmt.Errorf("output: write %s: %w", FileParquet, err)
	}
	// The files are fsynced together: the disk writes them back at once
	// rather than one after the other. Each is closed, whatever happened.
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Go(func() {
			if err := f.Sync(); err != nil {
				errs[i] = fmt.Errorf("output: sync %s: %w", filepath.Base(f.Name()), err)
			}
			if err := f.Close(); err != nil && errs[i] == nil {
				errs[i] = fmt.Errorf("output: close %s: %w", filepath.Base(f.Name()), err)
			}
		})
	}
	wg.Wait()
	r.csvFile, r.pqFile, r.frFile, r.gjFile = nil, nil, nil, nil
	return errors.Join(errs...)
}

// stopEncoders closes the queues and waits for the encoders, then for the
// background syncer, to finish.
func (r *Release) stopEncoders() {
	r.cur = nil
	close(r.pqQueue)
	close(r.csvQueue)
	if r.gjQueue != nil {
		close(r.gjQueue)
	}
	r.encoders.Wait()
	if r.syncQueue != nil {
		close(r.syncQueue)
		<-r.syncDone
		r.syncQueue = nil
	}
}

func (r *Release) closeFiles() {
	if r.rowIdx != nil {
		r.rowIdx.close()
		r.rowIdx = nil
	}
	for _, f := range []**os.File{&r.csvFile, &r.pqFile, &r.frFile, &r.gjFile} {
		if *f != nil {
			(*f).Close()
			*f = nil
		}
	}
}

// Commit closes the writers, computes the changelog against the previous
// release (changes.json, see Changes), writes datapackage.json (with the
// size and SHA-256 of the data files and the changelog summary),
// quality.json and SHA256SUMS (every file), fsyncs them, renames the
// staging folder to the release folder and switches `latest` to it (see
// SkipIdentical for a release that repeats the previous one). q.Dataset, q.Release and q.RunID default to the release's; q.Accepted
// is set to the number of appended rows, q.Read defaults to
// Accepted+Rejected and must equal it otherwise. On error, call Abort.
func (r *Release) Commit(q Quality) (Published, error) {
	if err := r.finish(); err != nil {
		return Published{}, err
	}
	if err := r.normalizeQuality(&q); err != nil {
		return Published{}, err
	}
	files := []File{
		{Name: FileCSV, Bytes: r.csvOut.n, SHA256: hex.EncodeToString(r.csvOut.h.Sum(nil)), MediaType: MediaTypeCSV},
		{Name: FileCSVFR, Bytes: r.frOut.n, SHA256: hex.EncodeToString(r.frOut.h.Sum(nil)), MediaType: MediaTypeCSV},
		{Name: FileParquet, Bytes: r.pqOut.n, SHA256: hex.EncodeToString(r.pqOut.h.Sum(nil)), MediaType: MediaTypeParquet},
	}
	if r.gjOut != nil {
		files = append(files, File{Name: FileGeoJSON, Bytes: r.gjOut.n, SHA256: hex.EncodeToString(r.gjOut.h.Sum(nil)), MediaType: MediaTypeGeoJSON})
	}
	ch, err := r.changes()
	if err != nil {
		return Published{}, err
	}
	if r.identicalTo(ch, files) {
		return r.dropIdentical()
	}
	chj, err := marshalJSON(ch)
	if err != nil {
		return Published{}, fmt.Errorf("output: encode changes: %w", err)
	}
	dp, err := r.dataPackage(q, files, ch)
	if err != nil {
		return Published{}, err
	}
	qj, err := marshalJSON(q.toJSON())
	if err != nil {
		return Published{}, fmt.Errorf("output: encode quality: %w", err)
	}
	for _, f := range []struct {
		name, media string
		data        []byte
	}{{FileDataPackage, MediaTypeJSON, dp}, {FileQuality, MediaTypeJSON, qj}, {FileChanges, MediaTypeJSON, chj}} {
		if err := writeFileSync(filepath.Join(r.staging, f.name), f.data); err != nil {
			return Published{}, err
		}
		files = append(files, fileOf(f.name, f.media, f.data))
	}
	files = append(files, r.extra...)
	if pf, ok, err := r.writeProfile(); err != nil {
		return Published{}, err
	} else if ok {
		files = append(files, pf)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	var sums strings.Builder
	for _, f := range files {
		fmt.Fprintf(&sums, "%s  %s\n", f.SHA256, f.Name)
	}
	sumData := []byte(sums.String())
	if err := writeFileSync(filepath.Join(r.staging, FileSums), sumData); err != nil {
		return Published{}, err
	}
	files = append(files, fileOf(FileSums, MediaTypeText, sumData))
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	if err := syncDir(r.staging); err != nil {
		return Published{}, err
	}
	if r.hookFunc != nil {
		if err := r.hookFunc(); err != nil {
			return Published{}, err
		}
	}
	if err := os.Rename(r.staging, r.final); err != nil {
		return Published{}, fmt.Errorf("output: publish release %s/%s: %w", r.meta.ID, r.id, err)
	}
	r.renamed = true
	if err := syncDir(r.datasetDir); err != nil {
		return Published{}, err
	}
	if err := switchLatest(r.datasetDir, r.id); err != nil {
		return Published{}, err
	}
	r.state = stateCommitted
	return Published{Dataset: r.meta.ID, Release: r.id, Dir: r.final, Rows: r.rows, Files: files}, nil
}

// AddFile writes one more file of the release (such as an indicator's
// provenance.json) into the staging folder; Commit lists it in SHA256SUMS
// and Published.Files. name must not be one of the files the release
// writes itself.
func (r *Release) AddFile(name, media string, data []byte) error {
	if r.state != stateOpen {
		return fmt.Errorf("output: add %s to %s/%s: release is not open", name, r.meta.ID, r.id)
	}
	if err := checkName(name); err != nil {
		return fmt.Errorf("output: add file to %s/%s: %w", r.meta.ID, r.id, err)
	}
	switch name {
	case FileParquet, FileCSV, FileCSVFR, FileGeoJSON, FileDataPackage, FileQuality, FileChanges, FileProfile, FileSums:
		return fmt.Errorf("output: add %s to %s/%s: reserved file name", name, r.meta.ID, r.id)
	}
	for _, f := range r.extra {
		if f.Name == name {
			return fmt.Errorf("output: add %s to %s/%s: already added", name, r.meta.ID, r.id)
		}
	}
	if err := writeFileSync(filepath.Join(r.staging, name), data); err != nil {
		return err
	}
	r.extra = append(r.extra, fileOf(name, media, data))
	return nil
}

func (r *Release) normalizeQuality(q *Quality) error {
	if q.Dataset == "" {
		q.Dataset = r.meta.ID
	}
	if q.Release == "" {
		q.Release = r.id
	}
	if q.RunID == "" {
		q.RunID = r.id
	}
	if q.Kept < 0 || q.Kept > r.rows {
		return fmt.Errorf("output: quality of %s/%s: %d rows kept out of %d written", r.meta.ID, r.id, q.Kept, r.rows)
	}
	q.Accepted = r.rows - q.Kept
	if q.Read == 0 {
		q.Read = q.Accepted + q.Rejected
	}
	if q.Read != q.Accepted+q.Rejected {
		return fmt.Errorf("output: quality of %s/%s: read %d != accepted %d + rejected %d", r.meta.ID, r.id, q.Read, q.Accepted, q.Rejected)
	}
	return nil
}

// Abort removes the staging folder. It is safe after a failed Append or
// Commit and does nothing after a successful Commit or a previous Abort.
// If a failed Commit had already renamed the folder but could not switch
// `latest`, the unreferenced release folder is removed too.
func (r *Release) Abort() error {
	switch r.state {
	case stateCommitted, stateAborted:
		return nil
	case stateOpen:
		r.state = stateClosed
		r.stopEncoders()
	}
	r.state = stateAborted
	r.closeFiles()
	if err := os.RemoveAll(r.staging); err != nil {
		return fmt.Errorf("output: abort %s/%s: %w", r.meta.ID, r.id, err)
	}
	if r.renamed {
		if target, err := r.meta.Collection.Latest(r.publicDir, r.meta.ID); err != nil || target != r.id {
			if err := os.RemoveAll(r.final); err != nil {
				return fmt.Errorf("output: abort %s/%s: %w", r.meta.ID, r.id, err)
			}
		}
	}
	return nil
}

// switchLatest points <datasetDir>/latest to release: the symlink is created
// under a temporary name, then renamed over `latest` (atomic on POSIX).
func switchLatest(datasetDir, release string) error {
	tmp := filepath.Join(datasetDir, ".latest-"+release+".tmp")
	os.Remove(tmp)
	if err := os.Symlink(release, tmp); err != nil {
		return fmt.Errorf("output: switch latest: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(datasetDir, latestLink)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("output: switch latest: %w", err)
	}
	return syncDir(datasetDir)
}
