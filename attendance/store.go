package attendance

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Dir is where the attendance lives in the store.
const Dir = "attendance"

// Store keeps submissions under Root/attendance/submissions/PLACE/: the
// file as received (ID.csv) and what was recorded from it (ID.json), both
// created once and never rewritten. IDs sort in the order of submission.
type Store struct {
	Root string
	mu   sync.Mutex
}

// Submission is the record of one accepted file.
type Submission struct {
	ID       string    `json:"id"`
	Place    string    `json:"lieu"`
	Received time.Time `json:"recu_le"`
	// Via is "site" or "api".
	Via  string `json:"via"`
	Rows []Row  `json:"lignes"`
	// Superseded lists the months this submission declares again: an
	// earlier declaration of them is kept but no longer used.
	Superseded []string `json:"remplace,omitempty"`
}

var placeDirRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$`)

func (s *Store) placeDir(place string) (string, error) {
	if !placeDirRe.MatchString(place) {
		return "", fmt.Errorf("attendance: invalid place id %q", place)
	}
	return filepath.Join(s.Root, Dir, "submissions", place), nil
}

// Save records an accepted submission: the raw bytes and the rows. It
// never replaces an earlier file.
func (s *Store) Save(place, via string, raw []byte, rows []Row, at time.Time) (*Submission, error) {
	dir, err := s.placeDir(place)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	prev, err := s.History(place)
	if err != nil {
		return nil, err
	}
	declared := map[string]bool{}
	for _, p := range prev {
		for _, r := range p.Rows {
			declared[r.Month] = true
		}
	}
	sub := &Submission{ID: newID(len(prev)+1, at), Place: place, Received: at.UTC(), Via: via, Rows: rows}
	for _, r := range rows {
		if declared[r.Month] {
			sub.Superseded = append(sub.Superseded, r.Month)
		}
	}
	meta, err := json.MarshalIndent(sub, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("attendance: encode submission: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("attendance: %w", err)
	}
	if err := createOnce(filepath.Join(dir, sub.ID+".csv"), raw); err != nil {
		return nil, err
	}
	if err := createOnce(filepath.Join(dir, sub.ID+".json"), append(meta, '\n')); err != nil {
		return nil, err
	}
	return sub, nil
}

// newID is a submission id that sorts in the order of submission: the
// place's sequence number, the UTC time and 4 random bytes.
func newID(seq int, at time.Time) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%06d-%s-%s", seq, at.UTC().Format("20060102T150405Z"), hex.EncodeToString(b))
}

// createOnce writes a new file, failing if it exists: the data is written
// and synced under a temporary name, then linked to path, so a reader
// (the publishing run) never sees a half-written file and nothing is
// ever overwritten.
func createOnce(path string, data []byte) error {
	tmp := fmt.Sprintf("%s.tmp-%d", path, os.Getpid())
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return fmt.Errorf("attendance: %w", err)
	}
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("attendance: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("attendance: sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("attendance: write %s: %w", path, err)
	}
	if err := os.Link(tmp, path); err != nil {
		return fmt.Errorf("attendance: %w", err)
	}
	return nil
}

// History returns every submission of place, oldest first.
func (s *Store) History(place string) ([]Submission, error) {
	dir, err := s.placeDir(place)
	if err != nil {
		return nil, err
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("attendance: %w", err)
	}
	sort.Strings(names)
	var out []Submission
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("attendance: %w", err)
		}
		var sub Submission
		if err := json.Unmarshal(b, &sub); err != nil {
			return nil, fmt.Errorf("attendance: read %s: %w", n, err)
		}
		out = append(out, sub)
	}
	return out, nil
}

// Current is the row of a month as it counts: from the latest submission
// that declares it.
type Current struct {
	Row
	Submission string    `json:"soumission"`
	Received   time.Time `json:"recu_le"`
}

// Latest returns the rows that count, for every place, sorted by place
// and month.
func (s *Store) Latest() ([]Current, error) {
	entries, err := os.ReadDir(filepath.Join(s.Root, Dir, "submissions"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("attendance: %w", err)
	}
	var out []Current
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		subs, err := s.History(e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, latest(subs)...)
	}
	slices.SortFunc(out, func(a, b Current) int {
		return cmp.Or(strings.Compare(a.Place, b.Place), strings.Compare(a.Month, b.Month))
	})
	return out, nil
}

// LatestOf returns the rows that count for place, sorted by month, and
// every submission of the place, oldest first.
func (s *Store) LatestOf(place string) ([]Current, []Submission, error) {
	subs, err := s.History(place)
	if err != nil {
		return nil, nil, err
	}
	cur := latest(subs)
	slices.SortFunc(cur, func(a, b Current) int { return strings.Compare(a.Month, b.Month) })
	return cur, subs, nil
}

// latest returns the row of each month from the latest submission that
// declares it; subs are one place's, oldest first.
func latest(subs []Submission) []Current {
	byMonth := map[string]Current{}
	for _, sub := range subs { // oldest first: later ones win
		for _, r := range sub.Rows {
			byMonth[r.Month] = Current{Row: r, Submission: sub.ID, Received: sub.Received}
		}
	}
	out := make([]Current, 0, len(byMonth))
	for _, c := range byMonth {
		out = append(out, c)
	}
	return out
}

// SubmittedSince counts the submissions of place received at or after
// since: the stored files themselves, so the count survives a restart.
func (s *Store) SubmittedSince(place string, since time.Time) (int, error) {
	subs, err := s.History(place)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sub := range subs {
		if !sub.Received.Before(since) {
			n++
		}
	}
	return n, nil
}
