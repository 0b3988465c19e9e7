package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrAlreadyRunning is matched (errors.Is) by the error of Lock when another
// run of the pipeline holds the lock.
var ErrAlreadyRunning = errors.New("store: pipeline is already running")

type runningError struct{ pipeline string }

func (e *runningError) Error() string {
	return fmt.Sprintf("store: pipeline %q is already running", e.pipeline)
}

func (e *runningError) Is(target error) bool { return target == ErrAlreadyRunning }

// Lock takes the lock of a pipeline, runs/<pipeline>/.lock, so that two runs
// of one pipeline, in this process or another, never overlap. It does not
// wait: when the lock is held it returns an error matching
// ErrAlreadyRunning, `store: pipeline "<name>" is already running`. The
// returned unlock releases it; calling unlock more than once is harmless. On
// Unix the lock is an flock(2) on the file, released by the kernel if the
// process dies; the file itself stays and holds the last holder's PID.
func (s *Store) Lock(pipeline string) (unlock func(), err error) {
	if err := checkName(pipeline); err != nil {
		return nil, fmt.Errorf("store: lock: %w", err)
	}
	dir := filepath.Join(s.Root, runsDir, pipeline)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", pipeline, err)
	}
	return lockFile(filepath.Join(dir, ".lock"), pipeline)
}
