//go:build !duckdb_arrow

package indicators

// The engine reads DuckDB results through duckdb-go's Arrow interface,
// which duckdb-go compiles only with the build tag duckdb_arrow. The
// Makefile sets it; for plain go commands, run once:
//
//	go env -w GOFLAGS=-tags=duckdb_arrow
//
// Without it, the build stops here, on purpose, with this name:
var _ = ligerdata_needs_the_build_tag_duckdb_arrow_see_indicators_arrow_tag_go
