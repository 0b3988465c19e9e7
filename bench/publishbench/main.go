// Command publishbench measures validation + publication of a large file in
// the national "Lieux de médiation numérique" schema against DuckDB's own
// CSV to Parquet conversion of the same file, in the same run.
//
// Each contender runs in a child process so that its peak resident memory
// (getrusage maxrss) is its own. The figures are printed side by side with
// their ratio:
//
//	go run ./bench/publishbench -rows 1000000
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"syscall"
	"time"

	"github.com/ligerdata/ligerdata/bench/lieuxgen"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

func main() {
	rows := flag.Int("rows", 1_000_000, "rows in the generated file")
	dir := flag.String("dir", filepath.Join("bench", "out"), "work folder (generated file and outputs)")
	mode := flag.String("mode", "", "internal: run one contender (duckdb or ligerdata) in this process")
	threads := flag.Int("duckdb-threads", 0, "DuckDB threads (0: DuckDB's default, all cores)")
	cpuprofile := flag.String("cpuprofile", "", "internal: write a CPU profile of the contender run in this process")
	flag.Parse()
	log.SetFlags(0)

	input := filepath.Join(*dir, fmt.Sprintf("lieux-%d.csv", *rows))
	switch *mode {
	case "duckdb":
		check(lieuxgen.DuckDBToParquet(input, filepath.Join(*dir, "duckdb.parquet"), *threads))
		return
	case "ligerdata":
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			check(err)
			check(pprof.StartCPUProfile(f))
			defer pprof.StopCPUProfile()
		}
		check(runLigerdata(input, filepath.Join(*dir, "public")))
		return
	}

	check(os.MkdirAll(*dir, 0o755))
	if _, err := os.Stat(input); err != nil {
		start := time.Now()
		check(lieuxgen.Generate(input, *rows))
		log.Printf("generated %s in %s", input, time.Since(start).Round(time.Millisecond))
	}
	st, err := os.Stat(input)
	check(err)
	mb := float64(st.Size()) / 1e6

	self, err := os.Executable()
	check(err)
	type result struct {
		name    string
		elapsed time.Duration
		rssMB   float64
	}
	var results []result
	// The outputs of the previous run are removed before the clock starts:
	// deleting a gigabyte of old files is not part of either contender's
	// work (a real run publishes a new release and prunes old ones later).
	check(os.RemoveAll(filepath.Join(*dir, "public")))
	check(os.RemoveAll(filepath.Join(*dir, "duckdb.parquet")))
	for _, c := range []string{"duckdb", "ligerdata"} {
		args := []string{"-mode", c, "-rows", strconv.Itoa(*rows), "-dir", *dir, "-duckdb-threads", strconv.Itoa(*threads)}
		cmd := exec.Command(self, args...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		start := time.Now()
		check(cmd.Run())
		elapsed := time.Since(start)
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		results = append(results, result{c, elapsed, float64(ru.Maxrss) / 1024})
	}
	base := results[0]
	fmt.Printf("\nInput: %s, %d rows, %.0f MB (national schema, %d cores)\n\n", input, *rows, mb, numCPU())
	fmt.Printf("%-44s %9s %10s %12s %12s %14s\n", "contender", "seconds", "MB/s", "rows/s", "peak RSS MB", "ratio to DuckDB")
	labels := map[string]string{
		"duckdb":    "DuckDB read_csv -> COPY (FORMAT parquet)",
		"ligerdata": "ligerdata validate + publish (3 files)",
	}
	for _, r := range results {
		s := r.elapsed.Seconds()
		fmt.Printf("%-44s %9.2f %10.1f %12.0f %12.0f %13.2fx\n", labels[r.name], s, mb/s, float64(*rows)/s, r.rssMB, base.elapsed.Seconds()/s)
	}
	fmt.Println("\nratio = DuckDB seconds / contender seconds (throughput ratio; 1.00x = as fast as DuckDB)")
	fmt.Println("ligerdata checks every row against the schema, writes data.parquet, data.csv and data-fr.csv with their sha256,")
	fmt.Println("the rejected rows, datapackage.json and quality.json; DuckDB writes one Parquet file without checks.")
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func numCPU() int { return runtime.NumCPU() }

// runLigerdata validates the file against the schema and publishes the
// accepted rows as a release (Parquet, CSV, Data Package, quality report),
// with the rejected rows written for stewards: the work of a real run.
func runLigerdata(input, public string) error {
	s, err := schemas.Load("lieux-mediation-numerique")
	if err != nil {
		return err
	}
	os.RemoveAll(public) // already done by the parent process under `make bench`
	if err := os.MkdirAll(public, 0o755); err != nil {
		return err
	}
	meta := output.DatasetMeta{ID: "bench", Title: "Banc d'essai", Description: "Fichier généré", License: output.License{ID: "etalab-2.0", Title: "Licence Ouverte 2.0"}}
	rel, err := output.NewRelease(public, meta, s, "20261127T000000Z-bench", nil)
	if err != nil {
		return err
	}
	rej, err := output.NewRejectWriter(filepath.Join(public, "rejected.csv"))
	if err != nil {
		return err
	}
	f, err := os.Open(input)
	if err != nil {
		return err
	}
	defer f.Close()
	q := output.Quality{Dataset: "bench", ErrorsByCode: map[string]int{}, ErrorsByField: map[string]int{}}
	sum, err := schemas.ReadCSV(context.Background(), bufio.NewReaderSize(f, 1<<20), schemas.DefaultDialect(), s, func(r schemas.RowResult) error {
		if len(r.Errors) > 0 {
			return rej.Write(r.Errors, r.Cells)
		}
		return rel.Append(r.Values)
	})
	if err != nil {
		return err
	}
	q.Read, q.Accepted, q.Rejected, q.ErrorsByCode = sum.Read, sum.Valid, sum.Invalid, sum.ErrorsByCode
	if err := rej.Close(); err != nil {
		return err
	}
	pub, err := rel.Commit(q)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(map[string]any{"read": sum.Read, "valid": sum.Valid, "invalid": sum.Invalid, "files": pub.Files})
	fmt.Fprintln(os.Stderr, string(b))
	return nil
}
