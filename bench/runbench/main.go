// Command runbench measures what users run: `ligerdata run` as a child
// process, end to end (harvest over HTTP, raw store, mapping, commune
// resolution, validation, every published file, changelog against the
// previous release, catalogue), on a generated file in the national "Lieux
// de médiation numérique" schema served on 127.0.0.1, against DuckDB's
// read_csv -> COPY (FORMAT parquet) of the same file with explicit column
// types, in the same run. For each size it runs a first release, a harvest
// where 1 % of the rows changed, and an unchanged harvest, and prints time,
// throughput ratio to DuckDB and peak RSS (getrusage of the child) of each,
// then how time and memory grow from the smallest size to the largest.
//
//	go run ./bench/runbench -rows 1000000,5000000 -repeat 3
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ligerdata/ligerdata/bench/lieuxgen"
)

func main() {
	rowsFlag := flag.String("rows", "1000000,5000000", "comma-separated sizes of the generated files, in rows")
	dir := flag.String("dir", filepath.Join("bench", "out"), "work folder (generated files, store, outputs)")
	bin := flag.String("ligerdata", filepath.Join("bin", "ligerdata"), "the ligerdata binary to run")
	repeat := flag.Int("repeat", 1, "runs of each measurement; the median is printed")
	mode := flag.String("mode", "", "internal: duckdb runs DuckDB's conversion of -input in this process")
	input := flag.String("input", "", "internal: the file DuckDB converts")
	flag.StringVar(&profileDir, "cpuprofile", "", "folder where each ligerdata run writes its CPU profile (run-ROWS-first.prof, -changed, -unchanged)")
	flag.Parse()
	log.SetFlags(0)
	if *mode == "duckdb" {
		check(lieuxgen.DuckDBToParquet(*input, *input+".duckdb.parquet", 0))
		return
	}
	var sizes []int
	for _, s := range strings.Split(*rowsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			log.Fatalf("runbench: bad -rows %q", *rowsFlag)
		}
		sizes = append(sizes, n)
	}
	check(os.MkdirAll(*dir, 0o755))
	if profileDir != "" {
		check(os.MkdirAll(profileDir, 0o755))
	}
	srv := startServer()
	var all []sizeResult
	for _, n := range sizes {
		r := benchSize(*dir, *bin, n, *repeat, srv)
		r.print()
		all = append(all, r)
	}
	if len(all) > 1 {
		printScaling(all[0], all[len(all)-1])
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// profileDir, when set, receives a CPU profile of each ligerdata run.
var profileDir string

// measure is one child process's wall time and peak resident memory.
type measure struct {
	seconds float64
	cpu     float64 // user + system seconds of the child
	rssMB   float64
	note    string // what the run reported (outcome, rows)
}

// contenders, in the order they run and are printed.
var contenders = []string{
	"DuckDB read_csv -> COPY (FORMAT parquet)",
	"ligerdata run: first release",
	"ligerdata run: 1 % of rows changed",
	"ligerdata run: source unchanged (304)",
}

type sizeResult struct {
	rows   int
	mb     float64
	runs   [][]measure // by contender, one per repetition
	cores  int
	repeat int
	// load is the 1-minute load average before and after the runs: the
	// figures of a shared machine are read beside it.
	load [2]string
}

// median returns the median time and RSS of a contender's runs.
func (r sizeResult) median(i int) measure {
	ms := r.runs[i]
	secs := make([]float64, len(ms))
	cpu := make([]float64, len(ms))
	rss := make([]float64, len(ms))
	for j, m := range ms {
		secs[j], cpu[j], rss[j] = m.seconds, m.cpu, m.rssMB
	}
	slices.Sort(secs)
	slices.Sort(cpu)
	slices.Sort(rss)
	return measure{seconds: secs[len(secs)/2], cpu: cpu[len(cpu)/2], rssMB: rss[len(rss)/2], note: ms[len(ms)-1].note}
}

// benchSize generates the files of n rows and runs every contender repeat times.
func benchSize(dir, bin string, n, repeat int, srv *server) sizeResult {
	input := filepath.Join(dir, fmt.Sprintf("lieux-%d.csv", n))
	changed := filepath.Join(dir, fmt.Sprintf("lieux-%d-changed.csv", n))
	ensure(input, func() error { return lieuxgen.Generate(input, n) })
	ensure(changed, func() error { return lieuxgen.GenerateChanged(changed, n, 100) })
	st, err := os.Stat(input)
	check(err)
	defs := filepath.Join(dir, "defs")
	check(writeDefinition(defs, srv.url()))
	store := filepath.Join(dir, "store")
	res := sizeResult{rows: n, mb: float64(st.Size()) / 1e6, runs: make([][]measure, len(contenders)), cores: runtime.NumCPU(), repeat: repeat}
	self, err := os.Executable()
	check(err)
	res.load[0] = loadAverage()
	for range repeat {
		res.runs[0] = append(res.runs[0], child(exec.Command(self, "-mode", "duckdb", "-input", input), ""))
		check(os.Remove(input + ".duckdb.parquet"))
		// A fresh store each time: the first run publishes the first release.
		check(os.RemoveAll(store))
		run := func(file, name string) measure {
			srv.serve(file)
			cmd := exec.Command(bin, "run", "lieux-bench", "--defs", defs, "--store", store, "--json")
			if profileDir != "" {
				prof, err := filepath.Abs(filepath.Join(profileDir, fmt.Sprintf("run-%d-%s.prof", n, name)))
				check(err)
				cmd.Env = append(os.Environ(), "LIGERDATA_CPUPROFILE="+prof)
			}
			return child(cmd, store)
		}
		res.runs[1] = append(res.runs[1], run(input, "first"))
		res.runs[2] = append(res.runs[2], run(changed, "changed"))
		res.runs[3] = append(res.runs[3], run(changed, "unchanged"))
	}
	check(os.RemoveAll(store))
	res.load[1] = loadAverage()
	return res
}

// loadAverage returns the 1-minute load average ("?" where unknown).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

func ensure(path string, gen func() error) {
	if _, err := os.Stat(path); err == nil {
		return
	}
	start := time.Now()
	check(gen())
	log.Printf("generated %s in %s", path, time.Since(start).Round(time.Millisecond))
}

// child runs cmd and measures it; a non-zero exit stops the bench. For a
// ligerdata run, the note is its outcome and row counts from --json.
func child(cmd *exec.Cmd, store string) measure {
	var out strings.Builder
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if store != "" {
		if cmd.Env == nil {
			cmd.Env = os.Environ()
		}
		cmd.Env = append(cmd.Env, "LIGERDATA_LOG_LEVEL=warn")
	}
	start := time.Now()
	if err := cmd.Run(); err != nil {
		log.Fatalf("runbench: %s: %v\n%s", strings.Join(cmd.Args, " "), err, out.String())
	}
	m := measure{seconds: time.Since(start).Seconds()}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	m.rssMB = float64(ru.Maxrss) / 1024
	m.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	if store != "" {
		m.note = runNote(out.String())
	}
	return m
}

// runNote summarises the --json result of `ligerdata run`: an object
// listing the pipelines' runs (older versions printed the bare list).
func runNote(out string) string {
	type result struct {
		Outcome  string `json:"outcome"`
		Read     int    `json:"read"`
		Rejected int    `json:"rejected"`
	}
	var doc struct {
		Pipelines []result `json:"pipelines"`
	}
	res := doc.Pipelines
	if json.Unmarshal([]byte(out), &doc) == nil {
		res = doc.Pipelines
	} else if json.Unmarshal([]byte(out), &res) != nil {
		res = nil
	}
	if len(res) == 0 {
		return strings.TrimSpace(out)
	}
	r := res[0]
	return fmt.Sprintf("%s, %d read, %d rejected", r.Outcome, r.Read, r.Rejected)
}

func (r sizeResult) print() {
	fmt.Printf("\n%d rows, %.0f MB (national schema, %d cores, median of %d run(s), load average %s -> %s)\n\n", r.rows, r.mb, r.cores, r.repeat, r.load[0], r.load[1])
	fmt.Printf("%-42s %8s %8s %8s %10s %9s %9s  %s\n", "contender", "seconds", "CPU s", "MB/s", "rows/s", "RSS MB", "vs DuckDB", "result")
	base := r.median(0)
	for i, name := range contenders {
		m := r.median(i)
		fmt.Printf("%-42s %8.2f %8.2f %8.1f %10.0f %9.0f %8.2fx  %s\n", name, m.seconds, m.cpu, r.mb/m.seconds, float64(r.rows)/m.seconds, m.rssMB, base.seconds/m.seconds, m.note)
	}
	fmt.Println("\nvs DuckDB = DuckDB seconds / contender seconds (throughput ratio; 1.00x = as fast as DuckDB).")
	fmt.Println("CPU s = user + system time of the child process (above seconds when it uses several cores).")
	fmt.Println("DuckDB reads the file from disk and writes one Parquet file; ligerdata harvests it over HTTP on 127.0.0.1,")
	fmt.Println("keeps the raw body, checks every row and writes Parquet, CSV, French CSV, GeoJSON, rejected rows, the")
	fmt.Println("Data Package, quality report, changelog and catalogue.")
}

// printScaling prints how time and memory grow between two sizes.
func printScaling(small, large sizeResult) {
	k := float64(large.rows) / float64(small.rows)
	fmt.Printf("\nFrom %d to %d rows (x%.1f rows)\n\n", small.rows, large.rows, k)
	fmt.Printf("%-42s %12s %12s %12s %12s\n", "contender", "time x", "time/row x", "RSS x", "RSS MB")
	for i, name := range contenders {
		a, b := small.median(i), large.median(i)
		fmt.Printf("%-42s %12.2f %12.2f %12.2f %5.0f->%-5.0f\n", name, b.seconds/a.seconds, b.seconds/a.seconds/k, b.rssMB/a.rssMB, a.rssMB, b.rssMB)
	}
	fmt.Println("\nLinear time is a time/row ratio near 1.00; flat memory an RSS ratio near 1.00.")
}

// writeDefinition writes the bench pipeline: the region's places pipeline
// pointed at the bench server.
func writeDefinition(dir, url string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	def := `id: lieux-bench
title: Lieux de médiation numérique (banc d'essai)
description: Fichier généré pour mesurer ligerdata run de bout en bout.
publisher: Région Pays de la Loire
licence: etalab-2.0
source_licence: etalab-2.0
timeout: 2h
allow_private_network: true
source:
  kind: file
  url: ` + url + `
  format: csv
  delimiter: ","
schema: lieux-mediation-numerique
communes:
  postal_code: code_postal
  name: commune
  insee: code_insee
gates:
  max_rejected_share: 0.2
`
	return os.WriteFile(filepath.Join(dir, "lieux-bench.yaml"), []byte(def), 0o644)
}

// server serves one file at /lieux.csv, with Last-Modified (so an unchanged
// file is answered 304), switching files between runs.
type server struct {
	addr string
	mu   sync.Mutex
	path string
	mod  time.Time
}

func startServer() *server {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	s := &server{addr: ln.Addr().String()}
	go func() { check(http.Serve(ln, s)) }()
	return s
}

func (s *server) url() string { return "http://" + s.addr + "/lieux.csv" }

// serve switches to file, as a source publishing a new version would.
func (s *server) serve(file string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.path != file {
		s.path, s.mod = file, time.Now().Truncate(time.Second)
	}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	path, mod := s.path, s.mod
	s.mu.Unlock()
	f, err := os.Open(path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	http.ServeContent(w, r, "lieux.csv", mod, f)
}
