// Package loadgen is the benchmarks' load generator: a fixed number of
// keep-alive connections request one URL for a bounded duration, each
// reading the whole body, and the throughput and latency quantiles are
// reported. It targets only the addresses it is given (127.0.0.1 in the
// benchmarks).
package loadgen

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Result is the outcome of a load: requests per second, median and p99
// latency in milliseconds, and the failed requests.
type Result struct {
	RPS, P50, P99 float64
	Errors        int
}

// Load requests url from conns keep-alive connections for d, each reading
// the whole body, and returns the throughput and latency quantiles.
func Load(url string, conns int, d time.Duration) Result {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	var wg sync.WaitGroup
	start := time.Now()
	for range conns {
		wg.Go(func() {
			var mine []time.Duration
			bad := 0
			for ctx.Err() == nil {
				t := time.Now()
				if err := getOnce(ctx, client, url); err != nil {
					if !errors.Is(err, context.DeadlineExceeded) {
						bad++
					}
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += bad
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if len(lat) == 0 {
		return Result{Errors: errs}
	}
	slices.Sort(lat)
	q := func(f float64) float64 { return float64(lat[int(f*float64(len(lat)-1))]) / 1e6 }
	return Result{RPS: float64(len(lat)) / elapsed.Seconds(), P50: q(0.5), P99: q(0.99), Errors: errs}
}

func getOnce(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept-Encoding", "gzip") // as browsers do; the body is not decoded
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return errors.New("HTTP " + strconv.Itoa(resp.StatusCode))
	}
	return nil
}
