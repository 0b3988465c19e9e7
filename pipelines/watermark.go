package pipelines

import (
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/ligerdata/ligerdata/connectors"
)

// nextWatermark is the high-water mark an incremental run hands to the
// next one: the source's mark, or since when the source harvested no
// dated record, and never later than the run's start. A record dated after
// the start (a clock ahead at the source, a document changed during the
// harvest) is asked for again by the next run rather than skipped: the
// lower bound of the next request includes the mark, and records
// harvested twice are merged by primary key.
func nextWatermark(inc connectors.Incremental, since string, started time.Time) string {
	mark := inc.Watermark()
	if mark == "" {
		mark = since
	}
	t, err := time.Parse(time.RFC3339Nano, mark)
	if err != nil || !t.After(started) {
		return mark
	}
	return started.UTC().Format(time.RFC3339Nano)
}

// rowDigest is the digest of a row's values, to tell a record harvested
// again unchanged (the inclusive bound answers again the records dated at
// the mark) from one that changed.
func rowDigest(values []any) [sha256.Size]byte {
	h := sha256.New()
	for _, v := range values {
		fmt.Fprintf(h, "%T\x1f%v\x1e", v, v)
	}
	var d [sha256.Size]byte
	copy(d[:], h.Sum(nil))
	return d
}

// sameAsBase reports whether an incremental run harvested nothing new:
// every row it accepted is, key and values, a row of the release it merges
// with, and nothing was rejected. Such a run publishes nothing.
func (s *runState) sameAsBase() bool {
	return s.base != "" && s.q.Rejected == 0 && s.q.Accepted == len(s.harvested) && s.sameRows == len(s.harvested)
}
