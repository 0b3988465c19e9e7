package explore

import (
	"crypto/sha256"
	"fmt"
	"sync"
)

// maxCounts bounds the counts kept by a countCache; past it the cache
// starts afresh (counts are cheap to keep and rarely that many).
const maxCounts = 4096

// countCache keeps the total_count of records queries. A release's
// data.parquet never changes once published, so the count of one compiled
// query over one file is computed once: paging through a filtered query
// then costs one scan per page instead of two.
type countCache struct {
	mu sync.Mutex
	m  map[string]int64
}

// countKey identifies a count: the file (a release's path), the SQL and
// its arguments (hashed: an argument may list many row numbers).
func countKey(parquet, sql string, args []any) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s", parquet, sql)
	for _, a := range args {
		fmt.Fprintf(h, "\x00%T:%v", a, a)
	}
	return string(h.Sum(nil))
}

func (c *countCache) get(key string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.m[key]
	return n, ok
}

func (c *countCache) put(key string, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCounts {
		c.m = make(map[string]int64)
	}
	c.m[key] = n
}
