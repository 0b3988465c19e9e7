// Command sitebench measures the public site under load: `ligerdata serve`
// runs as a child process on 127.0.0.1 over the demo's published datasets,
// then over a generated catalogue of many datasets with many releases each;
// a load generator of its own (a fixed number of keep-alive connections, a
// bounded duration) requests the home page, a dataset page and the
// catalogue as a browser would (Accept-Encoding: gzip, no cache), and
// prints requests per second, median and p99 latency. It
// also times the catalogue writing and the first (uncached) home page at
// each size.
//
//	go run ./bench/sitebench -datasets 500 -releases 20 -conns 50 -duration 5s
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ligerdata/ligerdata/bench/loadgen"
	"github.com/ligerdata/ligerdata/output"
)

func main() {
	bin := flag.String("ligerdata", filepath.Join("bin", "ligerdata"), "the ligerdata binary to serve with")
	dir := flag.String("dir", filepath.Join("bench", "out", "site"), "work folder")
	replay := flag.String("replay", filepath.Join("testdata", "replay"), "recorded responses of the demo")
	datasets := flag.Int("datasets", 500, "datasets of the generated catalogue")
	releases := flag.Int("releases", 20, "releases per generated dataset")
	conns := flag.Int("conns", 50, "concurrent connections of the load generator")
	duration := flag.Duration("duration", 5*time.Second, "load per page")
	flag.Parse()
	log.SetFlags(0)

	check(os.RemoveAll(*dir))
	demo := filepath.Join(*dir, "demo")
	cmd := exec.Command(*bin, "demo", "--no-serve", "--store", demo, "--replay", *replay, "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	check(cmd.Run())
	big := filepath.Join(*dir, "generated")
	check(generate(filepath.Join(demo, "public"), filepath.Join(big, "public"), *datasets, *releases))

	fmt.Printf("\nSite under load: %d connections for %s per page, 127.0.0.1, %s\n", *conns, *duration, "ligerdata serve as a child process")
	for _, st := range []struct{ name, store string }{
		{fmt.Sprintf("demo (%d datasets)", countDatasets(filepath.Join(demo, "public"))), demo},
		{fmt.Sprintf("generated (%d datasets x %d releases)", *datasets, *releases), big},
	} {
		catalog := timeCatalog(filepath.Join(st.store, "public"))
		srv := startServe(*bin, st.store)
		ds := firstDataset(filepath.Join(st.store, "public"))
		cold := timeGet(srv.base + "/")
		fmt.Printf("\n%s: catalogue written in %s, first (uncached) home page in %s\n\n", st.name, catalog.Round(time.Millisecond), cold.Round(time.Millisecond))
		fmt.Printf("%-34s %10s %9s %9s %8s\n", "page", "req/s", "p50 ms", "p99 ms", "errors")
		for _, page := range []string{"/", "/jeux-de-donnees/" + ds, "/catalog.jsonld"} {
			r := loadgen.Load(srv.base+page, *conns, *duration)
			fmt.Printf("%-34s %10.0f %9.2f %9.2f %8d\n", page, r.RPS, r.P50, r.P99, r.Errors)
		}
		fmt.Printf("\nserver peak RSS: %.0f MB\n", srv.stop())
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// generate builds a published tree of n datasets with k releases each from
// one release of the demo (its files hard-linked), each dataset's latest
// pointing to its newest release.
func generate(demoPublic, public string, n, k int) error {
	src := filepath.Join(demoPublic, "datasets", "lieux-mediation-numerique-pdl")
	rel, err := os.Readlink(filepath.Join(src, "latest"))
	if err != nil {
		return err
	}
	files, err := os.ReadDir(filepath.Join(src, rel))
	if err != nil {
		return err
	}
	for i := range n {
		ds := filepath.Join(public, "datasets", fmt.Sprintf("jeu-%04d", i))
		var last string
		for j := range k {
			last = fmt.Sprintf("2026%02d%02dT000000Z-%04x", 1+j/28, 1+j%28, i)
			if err := os.MkdirAll(filepath.Join(ds, last), 0o755); err != nil {
				return err
			}
			for _, f := range files {
				if err := os.Link(filepath.Join(src, rel, f.Name()), filepath.Join(ds, last, f.Name())); err != nil {
					return err
				}
			}
		}
		if err := os.Symlink(last, filepath.Join(ds, "latest")); err != nil {
			return err
		}
	}
	return nil
}

func countDatasets(public string) int {
	entries, err := os.ReadDir(filepath.Join(public, "datasets"))
	check(err)
	return len(entries)
}

func firstDataset(public string) string {
	entries, err := os.ReadDir(filepath.Join(public, "datasets"))
	check(err)
	return entries[0].Name()
}

// timeCatalog rewrites the catalogue of a published tree and times it.
func timeCatalog(public string) time.Duration {
	start := time.Now()
	check(output.WriteCatalog(public, output.CatalogMeta{BaseURL: "http://127.0.0.1:8080"}))
	return time.Since(start)
}

type serveProc struct {
	cmd  *exec.Cmd
	base string
}

// startServe starts `ligerdata serve` on a free port and waits for /healthz.
func startServe(bin, store string) *serveProc {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--store", store, "--addr", addr, "--no-schedule", "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	check(cmd.Start())
	p := &serveProc{cmd: cmd, base: "http://" + addr}
	for range 200 {
		if resp, err := http.Get(p.base + "/healthz"); err == nil {
			resp.Body.Close()
			return p
		}
		time.Sleep(50 * time.Millisecond)
	}
	log.Fatal("sitebench: ligerdata serve did not answer /healthz")
	return nil
}

// stop ends the server and returns its peak RSS in MB.
func (p *serveProc) stop() float64 {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	_ = p.cmd.Wait()
	return float64(p.cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024
}

func timeGet(url string) time.Duration {
	start := time.Now()
	resp, err := http.Get(url)
	check(err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		log.Fatalf("sitebench: %s: HTTP %d", url, resp.StatusCode)
	}
	return time.Since(start)
}
