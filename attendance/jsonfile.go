package attendance

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// readList reads the JSON array of path; a missing file is an empty list.
func readList[T any](path string) ([]T, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("attendance: %w", err)
	}
	var out []T
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("attendance: read %s: %w", path, err)
	}
	return out, nil
}

// writeList replaces path with the JSON of list, atomically (a temporary
// file renamed over it).
func writeList[T any](path string, list []T, perm os.FileMode) error {
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return fmt.Errorf("attendance: encode %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("attendance: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), perm); err != nil {
		return fmt.Errorf("attendance: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("attendance: %w", err)
	}
	return nil
}
