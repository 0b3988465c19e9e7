package indicators

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestConfigMemory(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64 // 0: an error
	}{
		{"512MB", 512_000_000},   // 512 × 1000²
		{"2GiB", 2 << 30},        // 2 × 1024³
		{"1.5GB", 1_500_000_000}, // 1.5 × 1000³
		{"1048576B", 1 << 20},    // the smallest accepted
		{"10B", 0}, {"1 Go", 0}, {"", 0}, {"-1GB", 0},
	} {
		got, err := Config{MemoryLimit: tc.in, Threads: 1}.memoryBytes()
		if (err != nil) != (tc.want == 0) || got != tc.want {
			t.Errorf("%q: %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	if err := (Config{MemoryLimit: "1GB", Threads: 0}).Check(); err == nil {
		t.Error("0 threads accepted")
	}
	t.Setenv("LIGERDATA_DUCKDB_THREADS", "deux")
	if _, err := ConfigFromEnv(); err == nil {
		t.Error("LIGERDATA_DUCKDB_THREADS=deux accepted")
	}
}

// TestViewParquetLegacyLists reads a release written before LIST columns
// (lists as JSON array text, no parquet_layout in datapackage.json): its
// view has the lists as LISTs, as in a current release.
func TestViewParquetLegacyLists(t *testing.T) {
	ctx := context.Background()
	cfg, err := ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	d, err := openDuck(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	dir := t.TempDir()
	path := filepath.Join(dir, "data.parquet")
	copyStmt := `COPY (SELECT 'a' AS id, '["x","y"]' AS etiquettes, '[3,14]' AS nombres, NULL AS vide) TO ` + quoteString(path) + ` (FORMAT parquet)`
	if _, err := d.conn.ExecContext(ctx, copyStmt); err != nil {
		t.Fatal(err)
	}
	dp := `{"resources":[{"name":"data-csv","schema":{"fields":[{"name":"id"},{"name":"etiquettes","type":"list"},
		{"name":"nombres","type":"list","itemType":"integer"},{"name":"vide","type":"list"}]}}],"ligerdata":{}}`
	if err := os.WriteFile(filepath.Join(dir, "datapackage.json"), []byte(dp), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := d.viewParquet(ctx, "ancien", path); err != nil {
		t.Fatal(err)
	}
	var typ, second string
	var sum int64
	err = d.conn.QueryRowContext(ctx, `SELECT typeof(etiquettes), etiquettes[2], list_sum(nombres) FROM ancien`).Scan(&typ, &second, &sum)
	if err != nil || typ != "VARCHAR[]" || second != "y" || sum != 17 {
		t.Errorf("legacy view: %q %q %d, %v", typ, second, sum, err)
	}
}
