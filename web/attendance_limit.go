package web

import (
	"slices"
	"sync"
	"time"
)

// Limits of the attendance submissions.
const (
	// submissionsPerWindow bounds the submission attempts of one client
	// address in submissionWindow, accepted or not.
	submissionsPerWindow = 20
	submissionWindow     = 10 * time.Minute
	// placeSubmissionsPerDay bounds the accepted submissions of one place
	// in 24 hours: a place declares once a month, and corrects it a few
	// times at most.
	placeSubmissionsPerDay = 10
)

// submissionLimiter bounds the submission attempts of each client address
// in a sliding window.
//
// It is kept in memory, deliberately: `ligerdata serve` is a single
// process, so one limiter sees every request, and a restart (an
// operator's act) only forgets the current window. What a flood could
// fill for good, the store, is bounded separately and persistently: the
// accepted submissions of a place are counted from the store itself
// (placeSubmissionsPerDay). Addresses quiet for a whole window are
// forgotten, so the memory held is that of the last window's clients.
type submissionLimiter struct {
	max    int
	window time.Duration

	mu     sync.Mutex
	recent map[string][]time.Time // attempts let through, oldest first
	swept  time.Time
}

func newSubmissionLimiter(max int, window time.Duration) *submissionLimiter {
	return &submissionLimiter{max: max, window: window, recent: map[string][]time.Time{}}
}

// allow records an attempt from addr at now and reports whether it is
// within the limit; an attempt refused is not counted.
func (l *submissionLimiter) allow(addr string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	cut := now.Add(-l.window)
	if now.Sub(l.swept) >= l.window {
		for a, ts := range l.recent {
			if ts[len(ts)-1].Before(cut) {
				delete(l.recent, a)
			}
		}
		l.swept = now
	}
	recent := slices.DeleteFunc(l.recent[addr], func(t time.Time) bool { return t.Before(cut) })
	if len(recent) >= l.max {
		l.recent[addr] = recent
		return false
	}
	l.recent[addr] = append(recent, now)
	return true
}

// addresses is how many client addresses the limiter holds.
func (l *submissionLimiter) addresses() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent)
}
