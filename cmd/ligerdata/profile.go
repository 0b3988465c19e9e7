package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile of the whole command to the file named
// by LIGERDATA_CPUPROFILE, when set: `make bench` and developers use it to
// see where `ligerdata run` spends its time (go tool pprof). It returns the
// function that stops the profile.
func startProfile(stderr io.Writer) func() {
	path := os.Getenv("LIGERDATA_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata: CPU profile:", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
