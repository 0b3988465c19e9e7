// Package duck opens embedded DuckDB databases with the limits a server
// needs: a memory limit (beyond which DuckDB spills to its temporary
// directory or fails the query), a number of threads, no extension
// installed or loaded at run time (nothing is ever downloaded), and UTC as
// the session time zone.
package duck

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"strconv"

	"github.com/duckdb/duckdb-go/v2"
)

// Limits bound the resources of one database.
type Limits struct {
	// MemoryBytes is DuckDB's memory_limit; 0 keeps DuckDB's default (80 %
	// of the machine's memory).
	MemoryBytes int64
	// Threads is DuckDB's thread count; 0 keeps DuckDB's default (one per
	// core).
	Threads int
	// TempDir is where DuckDB spills what does not fit in memory; "" keeps
	// DuckDB's default (none for an in-memory database).
	TempDir string
	// MaxTempBytes bounds the spilled bytes (0: DuckDB's default).
	MaxTempBytes int64
}

// Open opens an in-memory DuckDB database with lim. init, when not nil,
// runs on every new connection after the settings (to create macros, for
// example).
func Open(lim Limits, init func(ctx context.Context, exec driver.ExecerContext) error) (*sql.DB, error) {
	q := url.Values{}
	q.Set("autoinstall_known_extensions", "false")
	q.Set("autoload_known_extensions", "false")
	if lim.MemoryBytes > 0 {
		q.Set("memory_limit", strconv.FormatInt(lim.MemoryBytes>>20, 10)+"MB")
	}
	if lim.Threads > 0 {
		q.Set("threads", strconv.Itoa(lim.Threads))
	}
	if lim.TempDir != "" {
		q.Set("temp_directory", lim.TempDir)
	}
	if lim.MaxTempBytes > 0 {
		q.Set("max_temp_directory_size", strconv.FormatInt(lim.MaxTempBytes>>20, 10)+"MB")
	}
	conn, err := duckdb.NewConnector("?"+q.Encode(), func(exec driver.ExecerContext) error {
		ctx := context.Background()
		if _, err := exec.ExecContext(ctx, "SET TimeZone = 'UTC'", nil); err != nil {
			return fmt.Errorf("duck: set time zone: %w", err)
		}
		if init != nil {
			return init(ctx, exec)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("duck: open: %w", err)
	}
	return sql.OpenDB(conn), nil
}
