package indicators

import "testing"

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
