//go:build !unix

package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"sync"
)

// lockFile uses an exclusively created file. Unlike flock, a crashed run
// leaves it behind; it must then be removed by hand.
func lockFile(path, pipeline string) (func(), error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, &runningError{pipeline: pipeline}
	}
	if err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", pipeline, err)
	}
	_, _ = f.WriteString(strconv.Itoa(os.Getpid()) + "\n")
	_ = f.Close()
	var once sync.Once
	return func() { once.Do(func() { _ = os.Remove(path) }) }, nil
}
