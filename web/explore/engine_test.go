package explore

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/internal/odsql"
)

// TestConcurrencyCap checks that a query beyond the cap waits, then is
// refused with 429 and a French message.
func TestConcurrencyCap(t *testing.T) {
	eng, err := newEngine(Limits{Concurrent: 1, Wait: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	release, err := eng.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = eng.acquire(context.Background())
	if !errors.Is(err, errBusy) {
		t.Fatalf("second query: %v, want errBusy", err)
	}
	h := &Handler{eng: eng, log: slog.New(slog.DiscardHandler)}
	if ae := h.classify(err); ae.Status != http.StatusTooManyRequests || ae.Code != "TooManyRequests" {
		t.Errorf("answer %+v", ae)
	}
	release()
	again, err := eng.acquire(context.Background())
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again()
}

// TestQueryTimeout checks that a query running past its timeout is
// interrupted and answered 503 QueryTimeout.
func TestQueryTimeout(t *testing.T) {
	eng, err := newEngine(Limits{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	h := &Handler{eng: eng, log: slog.New(slog.DiscardHandler)}
	// Counting a trillion rows takes far longer than 100 ms.
	q := &odsql.Query{CountSQL: "SELECT count(*) FROM range(1000000000000) t(i) WHERE i % 7 = 3", SQL: "SELECT 'x'"}
	start := time.Now()
	_, _, err = h.runRecords(context.Background(), "", q)
	if ae := h.classify(err); ae.Status != http.StatusServiceUnavailable || ae.Code != "QueryTimeout" {
		t.Fatalf("got %v (%+v)", err, ae)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the query was not interrupted (%s)", d)
	}
}

// TestWKBToGeoJSON checks the function that renders geo_shape fields: a
// WKB point (little endian, type 1, x = 2, y = 47) is {"type":"Point",
// "coordinates":[2,47]}.
func TestWKBToGeoJSON(t *testing.T) {
	wkb := []byte{1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0x80, 0x47, 0x40}
	got, err := wkbGeoJSON(wkb)
	if err != nil || got != `{"type":"Point","coordinates":[2,47]}` {
		t.Errorf("got %s, %v", got, err)
	}
	eng, err := newEngine(Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	var s string
	if err := eng.db.QueryRow("SELECT "+wkbFunc+"(?)", wkb).Scan(&s); err != nil || s != got {
		t.Errorf("through DuckDB: %q, %v", s, err)
	}
}

// TestConcurrentConnectionsShareMacros runs queries on several new
// connections at once: each sees the macros (created once), and
// 2024-01-01 10:00 UTC is written 11:00+01:00 in Paris (winter time).
func TestConcurrentConnectionsShareMacros(t *testing.T) {
	eng, err := newEngine(Limits{Concurrent: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			var s string
			err := eng.db.QueryRow("SELECT ld_datetime(TIMESTAMPTZ '2024-01-01 10:00:00+00', ?)", "Europe/Paris").Scan(&s)
			if err == nil && s != "2024-01-01T11:00:00+01:00" {
				err = errors.New("got " + s)
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
