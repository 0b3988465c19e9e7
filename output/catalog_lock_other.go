//go:build !unix

package output

import "os"

// Without flock, the catalogue is serialised within the process only.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) {}
