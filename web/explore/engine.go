package explore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/twpayne/go-geom/encoding/geojson"
	"github.com/twpayne/go-geom/encoding/wkb"

	"github.com/ligerdata/ligerdata/internal/duck"
	"github.com/ligerdata/ligerdata/internal/odsql"
)

// wkbFunc is the SQL function, written in Go, that turns a WKB geometry
// into GeoJSON geometry text (DuckDB has no spatial extension here).
const wkbFunc = "ld_wkb_geojson"

// Limits bound the queries of the API.
type Limits struct {
	// Concurrent is the number of queries run at once (default 4); a
	// query waits up to Wait (default 2 s) for its turn, then is refused
	// with 429.
	Concurrent int
	Wait       time.Duration
	// Timeout bounds a records query (default 10 s); ExportTimeout an
	// export (default 10 min).
	Timeout       time.Duration
	ExportTimeout time.Duration
	// MemoryBytes is the memory DuckDB may use for all the running queries
	// together (default 1 GiB); beyond it a query spills to TempDir or
	// fails. Threads is DuckDB's thread count (default: one per core).
	MemoryBytes int64
	Threads     int
	// TempDir holds DuckDB's spill files and the exports being written
	// (default: the system's temporary directory).
	TempDir string
}

func (l Limits) withDefaults() Limits {
	if l.Concurrent <= 0 {
		l.Concurrent = 4
	}
	if l.Wait <= 0 {
		l.Wait = 2 * time.Second
	}
	if l.Timeout <= 0 {
		l.Timeout = 10 * time.Second
	}
	if l.ExportTimeout <= 0 {
		l.ExportTimeout = 10 * time.Minute
	}
	if l.MemoryBytes <= 0 {
		l.MemoryBytes = 1 << 30
	}
	if l.TempDir == "" {
		l.TempDir = os.TempDir()
	}
	return l
}

// engine runs compiled queries on DuckDB, a bounded number at a time.
type engine struct {
	db      *sql.DB
	slots   chan struct{}
	lim     Limits
	counts  countCache
	indexes indexCache
}

// errBusy reports that no query slot freed up in time.
var errBusy = errors.New("explore: too many concurrent queries")

func newEngine(lim Limits) (*engine, error) {
	lim = lim.withDefaults()
	// DuckDB reads a GeoParquet geometry column as its GEOMETRY type;
	// queries expect the WKB bytes the file holds (see wkbToGeoJSON).
	db, err := duck.Open(duck.Limits{MemoryBytes: lim.MemoryBytes, Threads: lim.Threads, TempDir: lim.TempDir},
		func(ctx context.Context, exec driver.ExecerContext) error {
			_, err := exec.ExecContext(ctx, "SET enable_geoparquet_conversion = false", nil)
			return err
		})
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(lim.Concurrent + 1)
	db.SetMaxIdleConns(lim.Concurrent + 1)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("explore: connect to DuckDB: %w", err)
	}
	defer conn.Close()
	// Macros and functions live in the database's catalogue, shared by
	// every connection: they are created once (creating them on each new
	// connection would conflict between concurrent connections).
	// A release file never changes: its Parquet footer is parsed once, not
	// by every query (DuckDB checks the file's modification time).
	if _, err := conn.ExecContext(ctx, "SET GLOBAL parquet_metadata_cache = true"); err != nil {
		db.Close()
		return nil, fmt.Errorf("explore: cache Parquet metadata: %w", err)
	}
	for _, m := range odsql.Macros {
		if _, err := conn.ExecContext(ctx, m); err != nil {
			db.Close()
			return nil, fmt.Errorf("explore: create macro: %w", err)
		}
	}
	if err := duckdb.RegisterScalarUDF(conn, wkbFunc, &wkbToGeoJSON{}); err != nil {
		db.Close()
		return nil, fmt.Errorf("explore: register %s: %w", wkbFunc, err)
	}
	return &engine{db: db, slots: make(chan struct{}, lim.Concurrent), lim: lim}, nil
}

func (e *engine) Close() error { return e.db.Close() }

// acquire takes a query slot, waiting at most lim.Wait.
func (e *engine) acquire(ctx context.Context) (release func(), err error) {
	t := time.NewTimer(e.lim.Wait)
	defer t.Stop()
	select {
	case e.slots <- struct{}{}:
		return func() { <-e.slots }, nil
	case <-t.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// wkbToGeoJSON is the ld_wkb_geojson(BLOB) -> VARCHAR function.
type wkbToGeoJSON struct{}

func (*wkbToGeoJSON) Config() duckdb.ScalarFuncConfig {
	in, _ := duckdb.NewTypeInfo(duckdb.TYPE_BLOB)
	out, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{in}, ResultTypeInfo: out}
}

func (*wkbToGeoJSON) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(values []driver.Value) (any, error) {
		b, ok := values[0].([]byte)
		if !ok {
			return nil, fmt.Errorf("%s: want a BLOB, got %T", wkbFunc, values[0])
		}
		return wkbGeoJSON(b)
	}}
}

// wkbGeoJSON converts one WKB geometry to GeoJSON geometry text.
func wkbGeoJSON(b []byte) (string, error) {
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return "", fmt.Errorf("%s: %w", wkbFunc, err)
	}
	gj, err := geojson.Encode(g)
	if err != nil {
		return "", fmt.Errorf("%s: %w", wkbFunc, err)
	}
	out, err := json.Marshal(gj)
	if err != nil {
		return "", fmt.Errorf("%s: %w", wkbFunc, err)
	}
	return string(out), nil
}
