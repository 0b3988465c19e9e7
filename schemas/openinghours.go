package schemas

import (
	"strings"
	"sync"

	"github.com/ligerdata/ligerdata/internal/openinghours"
)

// FormatOpeningHours is a string format of ours: the value follows the
// OpenStreetMap opening_hours syntax (the subset internal/openinghours
// checks), as the national schema of places of digital inclusion asks of
// its horaires field. A value outside it is a type error.
const FormatOpeningHours = "opening_hours"

var openingHoursCaster = castSpec{
	cast: func(s string) (Value, bool) {
		if !hoursVerdicts.valid(s) {
			return nil, false
		}
		return s, true
	},
	what:   "un horaire au format OpenStreetMap (opening_hours) valide",
	expect: "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00",
}

// hoursVerdicts remembers the verdicts on the opening hours checked last:
// a file repeats the same few texts on most of its rows, and checking one
// costs about a microsecond.
var hoursVerdicts = &verdictCache{check: func(s string) bool { return openinghours.Valid(s) == nil }, max: 4096}

// verdictCache memoises a check of short texts, for any number of
// goroutines. It forgets everything when it holds max texts.
type verdictCache struct {
	check func(string) bool
	max   int
	mu    sync.Mutex
	m     map[string]bool
}

// maxCachedText is the longest text a verdictCache keeps.
const maxCachedText = 256

func (c *verdictCache) valid(s string) bool {
	if len(s) > maxCachedText {
		return c.check(s)
	}
	c.mu.Lock()
	v, ok := c.m[s]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = c.check(s)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[string]bool, c.max)
	}
	// A clone: s may share the memory of a whole source line.
	c.m[strings.Clone(s)] = v
	c.mu.Unlock()
	return v
}
