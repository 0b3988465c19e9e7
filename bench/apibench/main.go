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
	"encoding/csv"
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
	"syscall"
	"time"

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
	flag.Parse()
	log.SetFlags(0)

	check(os.RemoveAll(*dir))
	check(os.MkdirAll(*dir, 0o755))
	start := time.Now()
	n := publish(*dir, *rows)
	log.Printf("apibench: published %d rows in %s", n, time.Since(start).Round(time.Millisecond))

	base, cmd := serve(*bin, *dir)
	records := "/api/explore/v2.1/catalog/datasets/" + dataset + "/records?"
	queries := []struct{ name, path string }{
		{"records, no filter", records + "limit=20"},
		{"records, where commune", records + url.Values{"where": {`commune = "Nantes"`}, "limit": {"20"}}.Encode()},
		{"records, full-text search", records + url.Values{"where": {`"médiathèque"`}, "limit": {"20"}}.Encode()},
		{"records, group_by", records + url.Values{"select": {"commune, count(*) as n"}, "group_by": {"commune"}, "order_by": {"n desc"}, "limit": {"10"}}.Encode()},
	}
	fmt.Printf("\nQuery API: %d rows, %d connections for %s per query, 127.0.0.1, ligerdata serve as a child process\n", n, *conns, *duration)
	fmt.Printf("%-28s %10s %9s %9s %8s\n", "query", "req/s", "p50 ms", "p99 ms", "errors")
	for _, q := range queries {
		r := loadgen.Load(base+q.path, *conns, *duration)
		fmt.Printf("%-28s %10.1f %9.1f %9.1f %8d\n", q.name, r.RPS, r.P50, r.P99, r.Errors)
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
