package store

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"
)

// Outcomes of a raw record.
const (
	OutcomeFetched   = "fetched"   // the body came from the network
	OutcomeUnchanged = "unchanged" // the source answered 304 or sent the same body as before
	OutcomeReplayed  = "replayed"  // the body came from a replay folder
)

// RawMeta describes one fetched body of a run; it is stored as
// <NNNN>.meta.json next to the body, <NNNN>.body.zst (zstd; runs stored
// before it was used have <NNNN>.body.gz, gzip, which is still read).
type RawMeta struct {
	// Seq numbers the bodies of a run, from 1. SaveRaw with Seq 0 assigns the
	// next free number.
	Seq    int    `json:"seq"`
	Method string `json:"method"`
	URL    string `json:"url"`
	// RequestSHA256 is the hex SHA-256 of the request body (POST), "" if none.
	RequestSHA256 string      `json:"request_sha256,omitempty"`
	Status        int         `json:"status"`
	Header        http.Header `json:"headers,omitempty"`
	FetchedAt     time.Time   `json:"fetched_at"`
	// SHA256 is the hex SHA-256 of the uncompressed body and Bytes its size.
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
	// Outcome is OutcomeFetched, OutcomeUnchanged or OutcomeReplayed.
	Outcome string `json:"outcome"`
}

const (
	bodySuffix     = ".body.zst"
	gzipBodySuffix = ".body.gz"
	metaSuffix     = ".meta.json"
)

func (s *Store) runRawDir(pipeline, runID string) string {
	return filepath.Join(s.Root, rawDir, pipeline, runID)
}

func seqName(seq int) string { return fmt.Sprintf("%04d", seq) }

// SaveRaw stores one fetched body of a run held in memory; see SaveRawFrom.
func (s *Store) SaveRaw(pipeline, runID string, meta RawMeta, body []byte) error {
	return s.SaveRawFrom(pipeline, runID, meta, bytes.NewReader(body))
}

// SaveRawFrom stores one fetched body of a run, read from body to its end
// and zstd-compressed on the way (at a fast level: the raw store is
// written on every run), with its metadata, under raw/<pipeline>/<run-id>/.
// Memory does not grow with the body. When the body is not empty, SHA256
// and Bytes are computed from it (whatever meta says); when it is empty (a
// 304), the given SHA256 and Bytes are kept, so that the caller can record
// the previous body's hash. With meta.Seq 0 the next free sequence number
// is taken, safely against concurrent callers; otherwise an existing record
// with that number is replaced. Both files are written atomically, the body
// first, so a listed meta always has its body.
func (s *Store) SaveRawFrom(pipeline, runID string, meta RawMeta, body io.Reader) error {
	if err := checkNames(pipeline, runID); err != nil {
		return fmt.Errorf("store: save raw: %w", err)
	}
	if meta.Seq < 0 {
		return fmt.Errorf("store: save raw %s/%s: negative seq %d", pipeline, runID, meta.Seq)
	}
	dir := s.runRawDir(pipeline, runID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("store: save raw %s/%s: %w", pipeline, runID, err)
	}
	if meta.Seq == 0 {
		seq, err := reserveSeq(dir)
		if err != nil {
			return fmt.Errorf("store: save raw %s/%s: %w", pipeline, runID, err)
		}
		meta.Seq = seq
	}
	base := filepath.Join(dir, seqName(meta.Seq))
	sha, n, err := writeCompressed(base+bodySuffix, body)
	if err != nil {
		return fmt.Errorf("store: save raw %s/%s #%d: %w", pipeline, runID, meta.Seq, err)
	}
	if n > 0 {
		meta.SHA256, meta.Bytes = sha, n
	}
	_ = os.Remove(base + gzipBodySuffix) // a record replaced from an older format
	metaJSON, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return fmt.Errorf("store: save raw %s/%s #%d: encode meta: %w", pipeline, runID, meta.Seq, err)
	}
	if err := WriteFileAtomic(base+metaSuffix, append(metaJSON, '\n'), 0o644); err != nil {
		return fmt.Errorf("store: save raw %s/%s #%d: %w", pipeline, runID, meta.Seq, err)
	}
	return nil
}

// writeCompressed streams r, zstd-compressed, into a temporary file renamed
// to path once complete, and returns the hex SHA-256 and size of what it read.
func writeCompressed(path string, r io.Reader) (sha string, n int64, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", 0, err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	zw, err := zstd.NewWriter(tmp, zstd.WithEncoderLevel(zstd.SpeedFastest))
	if err != nil {
		tmp.Close()
		return "", 0, fmt.Errorf("compress: %w", err)
	}
	h := sha256.New()
	n, err = io.Copy(zw, io.TeeReader(r, h))
	if err != nil {
		zw.Close()
		tmp.Close()
		return "", 0, fmt.Errorf("compress: %w", err)
	}
	if err := errors.Join(zw.Close(), tmp.Chmod(0o644), tmp.Sync(), tmp.Close()); err != nil {
		return "", 0, fmt.Errorf("compress: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// reserveSeq claims the first sequence number above every existing one by
// creating its body file exclusively; SaveRaw then replaces it atomically.
func reserveSeq(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	highest := 0
	for _, e := range entries {
		if n, ok := parseSeq(e.Name()); ok && n > highest {
			highest = n
		}
	}
	for seq := highest + 1; ; seq++ {
		f, err := os.OpenFile(filepath.Join(dir, seqName(seq)+bodySuffix), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("reserve seq %d: %w", seq, err)
		}
		return seq, f.Close()
	}
}

// parseSeq extracts NNNN from "NNNN.body.zst", "NNNN.body.gz" or
// "NNNN.meta.json".
func parseSeq(name string) (int, bool) {
	var num string
	switch {
	case strings.HasSuffix(name, bodySuffix):
		num = strings.TrimSuffix(name, bodySuffix)
	case strings.HasSuffix(name, gzipBodySuffix):
		num = strings.TrimSuffix(name, gzipBodySuffix)
	case strings.HasSuffix(name, metaSuffix):
		num = strings.TrimSuffix(name, metaSuffix)
	default:
		return 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// ListRaw returns the metadata of the bodies stored for a run, by Seq. A run
// without stored bodies gives an empty list and no error.
func (s *Store) ListRaw(pipeline, runID string) ([]RawMeta, error) {
	if err := checkNames(pipeline, runID); err != nil {
		return nil, fmt.Errorf("store: list raw: %w", err)
	}
	dir := s.runRawDir(pipeline, runID)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: list raw %s/%s: %w", pipeline, runID, err)
	}
	var metas []RawMeta
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), metaSuffix) {
			continue
		}
		if _, ok := parseSeq(e.Name()); !ok {
			continue
		}
		m, err := readMeta(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("store: list raw %s/%s: %w", pipeline, runID, err)
		}
		metas = append(metas, m)
	}
	sort.Slice(metas, func(i, j int) bool { return metas[i].Seq < metas[j].Seq })
	return metas, nil
}

func readMeta(path string) (RawMeta, error) {
	var m RawMeta
	data, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("decode %s: %w", filepath.Base(path), err)
	}
	return m, nil
}

// OpenRaw opens the uncompressed body number seq of a run. Reading it to the
// end checks it against the SHA-256 and size recorded in its meta: a
// mismatch is reported as an error by Read instead of io.EOF. A missing
// record gives an error that matches fs.ErrNotExist.
func (s *Store) OpenRaw(pipeline, runID string, seq int) (io.ReadCloser, error) {
	if err := checkNames(pipeline, runID); err != nil {
		return nil, fmt.Errorf("store: open raw: %w", err)
	}
	base := filepath.Join(s.runRawDir(pipeline, runID), seqName(seq))
	meta, err := readMeta(base + metaSuffix)
	if err != nil {
		return nil, fmt.Errorf("store: open raw %s/%s #%d: %w", pipeline, runID, seq, err)
	}
	f, zr, err := openBody(base)
	if err != nil {
		return nil, fmt.Errorf("store: open raw %s/%s #%d: %w", pipeline, runID, seq, err)
	}
	return &rawReader{
		f: f, zr: zr, h: sha256.New(),
		wantSHA: meta.SHA256, wantBytes: meta.Bytes,
		// An "unchanged" record may be saved without a body (304) while its
		// meta keeps the previous body's hash: an empty body is then expected.
		emptyOK: meta.Outcome == OutcomeUnchanged,
		name:    fmt.Sprintf("%s/%s #%d", pipeline, runID, seq),
	}, nil
}

// openBody opens the body stored under base, zstd or (older runs) gzip.
func openBody(base string) (*os.File, io.ReadCloser, error) {
	f, err := os.Open(base + bodySuffix)
	if errors.Is(err, fs.ErrNotExist) {
		if f, err = os.Open(base + gzipBodySuffix); err != nil {
			return nil, nil, err
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		return f, zr, nil
	}
	if err != nil {
		return nil, nil, err
	}
	zr, err := zstd.NewReader(f, zstd.WithDecoderConcurrency(1))
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, zr.IOReadCloser(), nil
}

// rawReader decompresses a stored body and checks its hash at EOF.
type rawReader struct {
	f         *os.File
	zr        io.ReadCloser
	h         hash.Hash
	n         int64
	wantSHA   string
	wantBytes int64
	emptyOK   bool
	name      string
}

func (r *rawReader) Read(p []byte) (int, error) {
	n, err := r.zr.Read(p)
	r.h.Write(p[:n])
	r.n += int64(n)
	if err == io.EOF && r.wantSHA != "" && !(r.n == 0 && r.emptyOK) {
		if got := hex.EncodeToString(r.h.Sum(nil)); got != r.wantSHA || r.n != r.wantBytes {
			return n, fmt.Errorf("store: raw %s is corrupt: sha256 %s (%d bytes), meta says %s (%d bytes)",
				r.name, got, r.n, r.wantSHA, r.wantBytes)
		}
	}
	return n, err
}

func (r *rawReader) Close() error {
	zerr := r.zr.Close()
	ferr := r.f.Close()
	return errors.Join(zerr, ferr)
}

// Validators are what a pipeline remembers of a request between runs: the
// HTTP validators for a conditional GET and the hash of the body, to tell an
// unchanged source.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	SHA256       string `json:"sha256,omitempty"`
	// RunID is the run that fetched the body these validators describe.
	RunID string `json:"run_id,omitempty"`
}

func (s *Store) validatorsPath(pipeline string) string {
	return filepath.Join(s.Root, rawDir, pipeline, "validators.json")
}

// LoadValidators returns the validators of a pipeline, keyed by
// fetch.RequestKey. A pipeline that has none gives an empty, non-nil map.
func (s *Store) LoadValidators(pipeline string) (map[string]Validators, error) {
	if err := checkName(pipeline); err != nil {
		return nil, fmt.Errorf("store: load validators: %w", err)
	}
	v := map[string]Validators{}
	data, err := os.ReadFile(s.validatorsPath(pipeline))
	if errors.Is(err, fs.ErrNotExist) {
		return v, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: load validators of %s: %w", pipeline, err)
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("store: load validators of %s: decode: %w", pipeline, err)
	}
	return v, nil
}

// SaveValidators replaces the validators of a pipeline, atomically.
func (s *Store) SaveValidators(pipeline string, v map[string]Validators) error {
	if err := checkName(pipeline); err != nil {
		return fmt.Errorf("store: save validators: %w", err)
	}
	if v == nil {
		v = map[string]Validators{}
	}
	data, err := json.MarshalIndent(v, "", "  ") // map keys are sorted: stable diffs
	if err != nil {
		return fmt.Errorf("store: save validators of %s: encode: %w", pipeline, err)
	}
	path := s.validatorsPath(pipeline)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("store: save validators of %s: %w", pipeline, err)
	}
	if err := WriteFileAtomic(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("store: save validators of %s: %w", pipeline, err)
	}
	return nil
}
