// Command apibench measures the query API of `ligerdata serve` on a
// dataset of many rows: it publishes a generated release of the national
// "lieux de médiation numérique" schema (bench/lieuxgen), serves it from a
// child process on 127.0.0.1, and loads /records with and without a
// filter (requests per second, median and p99 latency), then times a full
// CSV export and reports the server's peak memory.
//
//	go run ./bench/apibench -rows 1000000 -conns 8 -duration 5s
package main

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/ligerdata/ligerdata/bench/lieuxgen"
	"github.com/ligerdata/ligerdata/bench/loadgen"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

const dataset = "lieux-bench"

func main() {
	bin := flag.String("ligerdata", filepath.Join("bin", "ligerdata"), "the ligerdata binary to serve with")
	dir := flag.String("dir", filepath.Join("bench", "out", "api"), "work folder")
	rows := flag.Int("rows", 1000000, "rows of the generated dataset")
	conns := flag.Int("conns", 8, "concurrent connections of the load generator")
	duration := flag.Duration("duration", 5*time.Second, "load per query")
	reuse := flag.Bool("reuse", false, "serve the dataset an earlier run published in -dir (any -rows) instead of generating it again")
	flag.Parse()
	log.SetFlags(0)

	var n int
	if *reuse {
		n = published(*dir)
	} else {
		check(os.RemoveAll(*dir))
		check(os.MkdirAll(*dir, 0o755))
		start := time.Now()
		n = publish(*dir, *rows)
		log.Printf("apibench: published %d rows in %s", n, time.Since(start).Round(time.Millisecond))
	}

	base, cmd := serve(*bin, *dir)
	records := "/api/explore/v2.1/catalog/datasets/" + dataset + "/records?"
	parquet := filepath.Join(*dir, "public", "datasets", dataset, "latest", "data.parquet")
	queries := []struct{ name, path, duck string }{
		{"records, no filter", records + "limit=20", "LIMIT 20"},
		{"records, where commune", records + url.Values{"where": {`commune = "Nantes"`}, "limit": {"20"}}.Encode(), "WHERE commune = 'Nantes' LIMIT 20"},
		{"records, where + order_by", records + url.Values{"where": {`commune = "Nantes"`}, "order_by": {"nom"}, "limit": {"20"}}.Encode(), "WHERE commune = 'Nantes' ORDER BY nom LIMIT 20"},
		{"records, full-text search", records + url.Values{"where": {`"médiathèque"`}, "limit": {"20"}}.Encode(), ""},
		{"records, group_by", records + url.Values{"select": {"commune, count(*) as n"}, "group_by": {"commune"}, "order_by": {"n desc"}, "limit": {"10"}}.Encode(), ""},
	}
	fmt.Printf("\nQuery API: %d rows, %d connections for %s per query, 127.0.0.1, ligerdata serve as a child process\n", n, *conns, *duration)
	fmt.Printf("(first answer: a query's first request, which builds a full-text word index or a count; DuckDB alone: the same\n")
	fmt.Printf(" page as SELECT * … plus its count(*), one at a time in this process, median of %s of runs)\n", *duration)
	fmt.Printf("%-28s %10s %9s %9s %8s %14s %15s\n", "query", "req/s", "p50 ms", "p99 ms", "errors", "first ans. ms", "DuckDB alone ms")
	for _, q := range queries {
		first := firstAnswer(base + q.path)
		r := loadgen.Load(base+q.path, *conns, *duration)
		alone := "-"
		if q.duck != "" {
			alone = fmt.Sprintf("%.1f", duckAlone(parquet, q.duck, *duration))
		}
		fmt.Printf("%-28s %10.1f %9.1f %9.1f %8d %14.0f %15s\n", q.name, r.RPS, r.P50, r.P99, r.Errors, first, alone)
	}
	t, size := timeExport(base + "/api/explore/v2.1/catalog/datasets/" + dataset + "/exports/csv")
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	rss := float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024
	fmt.Printf("full CSV export: %.0f MB in %s; server peak RSS over the whole bench %.0f MB\n", float64(size)/1e6, t.Round(time.Millisecond), rss)
}

// publish generates rows in the national schema and publishes the valid
// ones as a release under dir/public.
func publish(dir string, rows int) int {
	input := filepath.Join(dir, "lieux.csv")
	check(lieuxgen.Generate(input, rows))
	s, err := schemas.Load("lieux-mediation-numerique")
	check(err)
	f, err := os.Open(input)
	check(err)
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	check(err)
	table, herrs := s.NewTable(header)
	if len(herrs) > 0 {
		log.Fatalf("apibench: header: %v", herrs[0].Message)
	}
	meta := output.DatasetMeta{ID: dataset, Title: "Lieux de médiation numérique (banc d'essai)", License: output.License{ID: "etalab-2.0"}}
	rel, err := output.NewRelease(filepath.Join(dir, "public"), meta, s, "20260101T000000Z-bench", nil)
	check(err)
	n, read := 0, 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		read++
		if err != nil {
			continue
		}
		values, errs := table.Row(read+1, read+1, rec)
		if len(errs) > 0 {
			continue
		}
		check(rel.Append(values))
		n++
	}
	_, err = rel.Commit(output.Quality{Read: read, Accepted: n, Rejected: read - n})
	check(err)
	return n
}

// published returns the rows of the release an earlier run published.
func published(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, "public", "datasets", dataset, "latest", output.FileQuality))
	check(err)
	var q struct {
		Accepted int `json:"accepted"`
	}
	check(json.Unmarshal(b, &q))
	return q.Accepted
}

func serve(bin, store string) (string, *exec.Cmd) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--store", store, "--addr", addr, "--no-schedule", "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	check(cmd.Start())
	base := "http://" + addr
	for range 200 {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			return base, cmd
		}
		time.Sleep(50 * time.Millisecond)
	}
	log.Fatal("apibench: ligerdata serve did not answer /healthz")
	return "", nil
}

// firstAnswer times the first request of a query (waiting up to two
// minutes, in case it builds an index), in milliseconds.
func firstAnswer(u string) float64 {
	client := &http.Client{Timeout: 2 * time.Minute}
	start := time.Now()
	for time.Since(start) < 2*time.Minute {
		resp, err := client.Get(u)
		if err != nil {
			log.Fatalf("apibench: %s: %v", u, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			break
		}
		time.Sleep(200 * time.Millisecond) // the index is still being built
	}
	return float64(time.Since(start).Microseconds()) / 1000
}

// duckAlone is the median time, in milliseconds, of a page of the naive
// query (SELECT * FROM the file, then tail) and its count, run by DuckDB
// in this process one at a time for about d.
func duckAlone(parquet, tail string, d time.Duration) float64 {
	db, err := sql.Open("duckdb", "")
	check(err)
	defer db.Close()
	page := "SELECT * FROM read_parquet(?) " + tail
	filtered, _, _ := strings.Cut(page, " LIMIT")
	filtered, _, _ = strings.Cut(filtered, " ORDER BY")
	count := "SELECT count(*) FROM (" + filtered + ")"
	var times []float64
	for start := time.Now(); time.Since(start) < d || len(times) < 3; {
		t := time.Now()
		var n int64
		check(db.QueryRow(count, parquet).Scan(&n))
		rows, err := db.Query(page, parquet)
		check(err)
		for rows.Next() {
		}
		check(rows.Err())
		rows.Close()
		times = append(times, float64(time.Since(t).Microseconds())/1000)
	}
	slices.Sort(times)
	return times[len(times)/2]
}

// timeExport downloads a whole export and returns its duration and size.
func timeExport(u string) (time.Duration, int64) {
	start := time.Now()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := client.Get(u)
	check(err)
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	check(err)
	if resp.StatusCode != http.StatusOK {
		log.Fatalf("apibench: %s: HTTP %d", u, resp.StatusCode)
	}
	return time.Since(start), n
}

func check(err error) {
	if err != nil {
		log.Fatal("apibench: ", err)
	}
}
