package indicators

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/duckdb/duckdb-go/v2"

	internalduck "github.com/ligerdata/ligerdata/internal/duck"
	"github.com/ligerdata/ligerdata/output"
)

// Config is how DuckDB runs: a memory limit (DuckDB syntax: "2GB",
// "512MiB") and a number of threads.
type Config struct {
	MemoryLimit string
	Threads     int
}

// Defaults of Config: enough for the region's data on a small machine.
const (
	DefaultMemoryLimit = "1GB"
	DefaultThreads     = 2
)

// ConfigFromEnv reads LIGERDATA_DUCKDB_MEMORY and LIGERDATA_DUCKDB_THREADS,
// falling back to the defaults (threads: at most the number of CPUs).
func ConfigFromEnv() (Config, error) {
	c := Config{MemoryLimit: DefaultMemoryLimit, Threads: min(DefaultThreads, runtime.NumCPU())}
	if v := os.Getenv("LIGERDATA_DUCKDB_MEMORY"); v != "" {
		c.MemoryLimit = v
	}
	if v := os.Getenv("LIGERDATA_DUCKDB_THREADS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, fmt.Errorf("LIGERDATA_DUCKDB_THREADS: %q is not a positive integer", v)
		}
		c.Threads = n
	}
	return c, c.Check()
}

var memoryLimitRe = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)\s*([KMGT]i?B|B)$`)

// memoryBytes reads the memory limit: KB, MB, GB, TB are powers of 1000,
// KiB, MiB, GiB, TiB powers of 1024.
func (c Config) memoryBytes() (int64, error) {
	m := memoryLimitRe.FindStringSubmatch(c.MemoryLimit)
	if m == nil {
		return 0, fmt.Errorf("DuckDB memory limit %q: expected a size such as 512MB or 2GiB", c.MemoryLimit)
	}
	n, _ := strconv.ParseFloat(m[1], 64)
	unit := map[string]float64{"B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}[m[2]]
	if b := int64(n * unit); b >= 1<<20 {
		return b, nil
	}
	return 0, fmt.Errorf("DuckDB memory limit %q: at least 1MiB", c.MemoryLimit)
}

// Check validates the configuration.
func (c Config) Check() error {
	if _, err := c.memoryBytes(); err != nil {
		return err
	}
	if c.Threads < 1 {
		return fmt.Errorf("DuckDB threads: %d is not a positive number", c.Threads)
	}
	return nil
}

// duck is one in-process DuckDB database and its single connection: one
// per computation, closed after it.
type duck struct {
	db   *sql.DB
	conn *sql.Conn
}

// openDuck opens an in-memory database configured by c, through
// internal/duck: no extension installed or loaded at run time, UTC.
func openDuck(ctx context.Context, c Config) (*duck, error) {
	mem, err := c.memoryBytes()
	if err != nil {
		return nil, err
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	db, err := internalduck.Open(internalduck.Limits{MemoryBytes: mem, Threads: c.Threads}, nil)
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("duckdb: %w", err)
	}
	return &duck{db: db, conn: conn}, nil
}

func (d *duck) close() {
	d.conn.Close()
	d.db.Close()
}

// version returns DuckDB's version ("v1.5.6").
func (d *duck) version(ctx context.Context) string {
	var v string
	if err := d.conn.QueryRowContext(ctx, "SELECT version()").Scan(&v); err != nil {
		return ""
	}
	return v
}

// viewParquet creates the view of an input over a Parquet file. The list
// fields of a release written before LIST columns (JSON array text) are
// turned into LISTs, so that the queries see one layout.
func (d *duck) viewParquet(ctx context.Context, dataset, path string) error {
	legacy, err := output.LegacyListFields(filepath.Dir(path))
	if err != nil {
		return err
	}
	sel := "*"
	if len(legacy) > 0 {
		var repl []string
		for _, name := range slices.Sorted(maps.Keys(legacy)) {
			repl = append(repl, fmt.Sprintf("CAST(json_extract_string(%s, '$[*]') AS %s[]) AS %s",
				quoteIdent(name), duckItemType(legacy[name]), quoteIdent(name)))
		}
		sel = "* REPLACE (" + strings.Join(repl, ", ") + ")"
	}
	stmt := fmt.Sprintf("CREATE VIEW %s AS SELECT %s FROM read_parquet(%s)", quoteIdent(ViewName(dataset)), sel, quoteString(path))
	if _, err := d.conn.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("duckdb: view of %s: %w", dataset, err)
	}
	return nil
}

// scanArrow runs query and hands every record batch of its result to fn,
// through duckdb-go's Arrow interface.
func (d *duck) scanArrow(ctx context.Context, query string, fn func(arrow.RecordBatch) error) error {
	return d.conn.Raw(func(dc any) error {
		conn, ok := dc.(driver.Conn)
		if !ok {
			return errors.New("duckdb: not a driver connection")
		}
		a, err := duckdb.NewArrowFromConn(conn)
		if err != nil {
			return fmt.Errorf("duckdb: arrow: %w", err)
		}
		rdr, err := a.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rdr.Release()
		for rdr.Next() {
			if err := fn(rdr.RecordBatch()); err != nil {
				return err
			}
		}
		return rdr.Err()
	})
}

func quoteIdent(s string) string  { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// sqlPosition reads the position DuckDB gives in an error message
// ("...\n\nLINE 3: GROUP BY 1, nope\n                    ^"): the line,
// counted in the text DuckDB was given, the excerpt of that line DuckDB
// shows (it may shorten a long line, with "..." at either end) and the
// offset of the caret in the excerpt, in characters. ok is false when the
// message has no position; text is the message without the excerpt.
func sqlPosition(msg string) (line int, excerpt string, caret int, text string, ok bool) {
	i := strings.LastIndex(msg, "\nLINE ")
	if i < 0 {
		return 0, "", 0, msg, false
	}
	head, marker, found := strings.Cut(msg[i+1:], "\n")
	num, rest, found2 := strings.Cut(strings.TrimPrefix(head, "LINE "), ": ")
	line, err := strconv.Atoi(num)
	if !found || !found2 || err != nil || line < 1 {
		return 0, "", 0, msg, false
	}
	prefix := len("LINE " + num + ": ")
	caret = max(0, strings.IndexByte(marker, '^')-prefix)
	return line, rest, caret, strings.TrimRight(msg[:i], "\n "), true
}

// queryError is an error of the query of an indicator, positioned in its
// .sql file. DuckDB was given the query with lineOffset more lines before
// it.
func queryError(def *Definition, lineOffset int, err error) *DefError {
	return positionedError(def.SQLFile, def.SQL, lineOffset, err)
}

// positionedError is a DuckDB error positioned in file, whose text is src:
// DuckDB was given src with lineOffset more lines before it (a negative
// offset: part of src starting that many lines down).
func positionedError(file, src string, lineOffset int, err error) *DefError {
	line, excerpt, caret, text, ok := sqlPosition(duckMessage(err))
	e := &DefError{File: file, Msg: oneLine(text)}
	if ok {
		e.Line = max(1, line-lineOffset)
		e.Col = sourceColumn(src, e.Line, excerpt, caret)
	}
	return e
}

// sourceColumn finds the 1-based column (in characters) of the caret in
// line n of src, locating DuckDB's excerpt of that line in it.
func sourceColumn(src string, n int, excerpt string, caret int) int {
	lines := strings.Split(src, "\n")
	if n > len(lines) {
		return caret + 1
	}
	full := []rune(strings.TrimRight(lines[n-1], "\r"))
	ex := []rune(excerpt)
	if len(ex) >= 3 && string(ex[:3]) == "..." {
		ex, caret = ex[3:], caret-3
	}
	if len(ex) >= 3 && string(ex[len(ex)-3:]) == "..." {
		ex = ex[:len(ex)-3]
	}
	if at := strings.Index(string(full), string(ex)); at >= 0 && caret >= 0 {
		return len([]rune(string(full)[:at])) + caret + 1
	}
	return max(caret, 0) + 1
}

// duckMessage is DuckDB's message in err.
func duckMessage(err error) string {
	var de *duckdb.Error
	if errors.As(err, &de) {
		return de.Msg
	}
	return err.Error()
}

// withoutPosition is DuckDB's message in err, on one line, without the
// excerpt of the query.
func withoutPosition(err error) string {
	_, _, _, text, _ := sqlPosition(duckMessage(err))
	return oneLine(text)
}

// oneLine folds a multi-line DuckDB message ("...\nDid you mean "x"?") on
// one line.
func oneLine(s string) string {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\t' })
	for i := range fields {
		fields[i] = strings.TrimSpace(fields[i])
	}
	return strings.Join(fields, " ")
}

// duckItemType is the DuckDB type of the items of a list of Table Schema
// item type t, as output writes them.
func duckItemType(t string) string {
	switch t {
	case "integer", "year":
		return "BIGINT"
	case "number":
		return "DOUBLE"
	case "boolean":
		return "BOOLEAN"
	case "date":
		return "DATE"
	case "datetime":
		return "TIMESTAMPTZ"
	case "time":
		return "TIME"
	}
	return "VARCHAR"
}
