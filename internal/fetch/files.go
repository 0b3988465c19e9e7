package fetch

import (
	"io"
	"os"
	"path/filepath"
)

func mkdirAll(dir string) error { return os.MkdirAll(dir, 0o755) }

// writeFileAtomic writes data to a temporary file next to path and renames
// it over path, so that a replay never reads a half-written recording.
func writeFileAtomic(path string, data io.Reader) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, werr := io.Copy(tmp, data)
	if werr == nil {
		werr = tmp.Chmod(0o644)
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(name, path)
	}
	if werr != nil {
		_ = os.Remove(name)
		return werr
	}
	return nil
}
