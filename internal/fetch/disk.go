package fetch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
)

// payload is a response body: in memory (mem), or in a file on disk with
// its size and hex SHA-256, computed while it was written. owned files are
// temporary and removed by discard or Response.Close.
type payload struct {
	mem      []byte
	file     string
	fileSize int64
	sha      string
	owned    bool
}

func (p payload) size() int64 {
	if p.file != "" {
		return p.fileSize
	}
	return int64(len(p.mem))
}

func (p payload) open() (io.ReadCloser, error) {
	if p.file != "" {
		return os.Open(p.file)
	}
	return io.NopCloser(bytes.NewReader(p.mem)), nil
}

// discard removes an owned file.
func (p payload) discard() {
	if p.owned && p.file != "" {
		_ = os.Remove(p.file)
	}
}

// diskLimit is the size limit of a body kept on disk.
func (c *Client) diskLimit(req Request) int64 {
	if req.MaxBytes > 0 {
		return req.MaxBytes
	}
	return c.opts.MaxDiskBytes
}

// spill streams body into a new temporary file of TempDir, hashing it on
// the way, and fails with ErrBodyTooLarge past limit bytes. The file is
// removed on error.
func (c *Client) spill(body io.Reader, limit int64) (payload, error) {
	f, err := os.CreateTemp(c.opts.TempDir, "fetch-*.body")
	if err != nil {
		return payload{}, fmt.Errorf("keep body on disk: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(body, limit+1))
	if err == nil && n > limit {
		err = fmt.Errorf("%w: body exceeds the limit of %d bytes", ErrBodyTooLarge, limit)
	} else if err != nil {
		err = fmt.Errorf("read body: %w", err)
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("keep body on disk: %w", cerr)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return payload{}, err
	}
	return payload{file: f.Name(), fileSize: n, sha: hex.EncodeToString(h.Sum(nil)), owned: true}, nil
}

// hashFile returns the hex SHA-256 of a file's content.
func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Open returns a reader of the body, wherever it is kept. Each call gives a
// new reader from the start; the caller closes it. After Close, a body on
// disk cannot be opened any more (a reader opened before stays readable).
func (r *Response) Open() (io.ReadCloser, error) {
	if r.file == "" {
		return io.NopCloser(bytes.NewReader(r.Body)), nil
	}
	f, err := os.Open(r.file)
	if err != nil {
		return nil, fmt.Errorf("fetch: %s %s: body on disk: %w", r.Method, r.URL, err)
	}
	return f, nil
}

// OnDisk reports whether the body is kept in a file rather than in Body.
func (r *Response) OnDisk() bool { return r.file != "" }

// Close releases a body kept on disk by removing its temporary file. It is
// a no-op for a body in memory or replayed in place, and safe to call twice.
func (r *Response) Close() error {
	if !r.owned || r.file == "" {
		return nil
	}
	err := os.Remove(r.file)
	r.owned = false
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}
