// Command indicatorbench measures the computation of every indicator as
// users run it: it publishes the recorded demo data (`ligerdata demo
// --no-serve` over testdata/replay) in a fresh store, then times
// `ligerdata indicators --force` as a child process (every indicator
// recomputed and published) and `ligerdata indicators` with nothing
// changed, and prints time and peak RSS (getrusage of the child) of each,
// then the slowest indicators by their own recorded duration. There is no
// DuckDB contender beside it: the queries run in DuckDB already, so the
// figure to watch is the engine's overhead (views, audits, validation,
// release files) around them.
//
//	go run ./bench/indicatorbench -repeat 3
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

// manifest is what the bench reads of `ligerdata indicators --json`.
type manifest struct {
	Indicator  string `json:"indicator"`
	Outcome    string `json:"outcome"`
	Rows       int    `json:"rows"`
	DurationMS int64  `json:"duration_ms"`
}

// measure is one run of a child process.
type measure struct {
	seconds, rssMB float64
	manifests      []manifest
}

func main() {
	dir := flag.String("dir", filepath.Join("bench", "out", "indicators"), "work folder (the store)")
	bin := flag.String("ligerdata", filepath.Join("bin", "ligerdata"), "the ligerdata binary to run")
	replay := flag.String("replay", filepath.Join("testdata", "replay"), "recorded responses published first")
	repeat := flag.Int("repeat", 1, "runs of each measurement; the median is printed")
	flag.Parse()
	log.SetFlags(0)
	store := filepath.Join(*dir, "store")
	check(os.RemoveAll(store))
	check(os.MkdirAll(*dir, 0o755))
	demo := run(exec.Command(*bin, "demo", "--no-serve", "--store", store, "--replay", *replay), false)
	log.Printf("demo data published in %.1f s", demo.seconds)
	var forced, unchanged []measure
	for range *repeat {
		forced = append(forced, run(exec.Command(*bin, "indicators", "--force", "--json", "--store", store), true))
		unchanged = append(unchanged, run(exec.Command(*bin, "indicators", "--json", "--store", store), true))
	}
	fmt.Printf("\nEvery indicator on the demo data (%d cores, median of %d run(s))\n\n", runtime.NumCPU(), *repeat)
	fmt.Printf("%-38s %8s %9s  %s\n", "run", "seconds", "RSS MB", "result")
	for _, c := range []struct {
		name string
		ms   []measure
	}{{"ligerdata indicators --force", forced}, {"ligerdata indicators (unchanged)", unchanged}} {
		m := median(c.ms)
		fmt.Printf("%-38s %8.2f %9.1f  %s\n", c.name, m.seconds, m.rssMB, outcomes(m.manifests))
	}
	slowest := median(forced).manifests
	slices.SortFunc(slowest, func(a, b manifest) int { return int(b.DurationMS - a.DurationMS) })
	fmt.Printf("\nSlowest indicators (own duration, forced run)\n\n")
	for _, m := range slowest[:min(5, len(slowest))] {
		fmt.Printf("%-44s %6d ms %7d rows\n", m.Indicator, m.DurationMS, m.Rows)
	}
	check(os.RemoveAll(store))
}

// run runs cmd and measures it; a non-zero exit stops the bench. With
// manifests, its stdout is the --json list of computations.
func run(cmd *exec.Cmd, manifests bool) measure {
	var out strings.Builder
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	cmd.Env = append(os.Environ(), "LIGERDATA_LOG_LEVEL=warn")
	start := time.Now()
	if err := cmd.Run(); err != nil {
		log.Fatalf("indicatorbench: %s: %v\n%s", strings.Join(cmd.Args, " "), err, out.String())
	}
	m := measure{seconds: time.Since(start).Seconds()}
	m.rssMB = float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024
	if manifests {
		check(json.Unmarshal([]byte(out.String()), &m.manifests))
	}
	return m
}

// median returns the run of median time.
func median(ms []measure) measure {
	s := slices.Clone(ms)
	slices.SortFunc(s, func(a, b measure) int {
		switch {
		case a.seconds < b.seconds:
			return -1
		case a.seconds > b.seconds:
			return 1
		}
		return 0
	})
	return s[len(s)/2]
}

// outcomes counts the computations by outcome: "20 computed".
func outcomes(ms []manifest) string {
	n := map[string]int{}
	for _, m := range ms {
		n[m.Outcome]++
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(n)) {
		parts = append(parts, fmt.Sprintf("%d %s", n[k], k))
	}
	return strings.Join(parts, ", ")
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
