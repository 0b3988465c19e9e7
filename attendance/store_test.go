package attendance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStoreKeepsEverySubmissionAndUsesTheLatest(t *testing.T) {
	s := &Store{Root: t.TempDir()}
	jan := Row{Place: "ping-12", Month: "2026-01", Visits: 100}
	feb := Row{Place: "ping-12", Month: "2026-02", Visits: 80}
	t1 := time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)
	first, err := s.Save("ping-12", "site", []byte("first"), []Row{jan, feb}, t1)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Superseded) != 0 {
		t.Errorf("first submission supersedes %v", first.Superseded)
	}
	jan2 := jan
	jan2.Visits = 110
	// Same second: the order of submission still decides.
	second, err := s.Save("ping-12", "api", []byte("second"), []Row{jan2}, t1)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(second.Superseded, ",") != "2026-01" {
		t.Errorf("second supersedes %v, want 2026-01", second.Superseded)
	}
	if n, err := s.SubmittedSince("ping-12", t1); n != 2 || err != nil {
		t.Errorf("submitted since t1: %d, %v; want 2", n, err)
	}
	if n, _ := s.SubmittedSince("ping-12", t1.Add(time.Second)); n != 0 {
		t.Errorf("submitted after t1: %d, want 0", n)
	}
	hist, err := s.History("ping-12")
	if err != nil || len(hist) != 2 || hist[0].ID != first.ID {
		t.Fatalf("history %+v, %v", hist, err)
	}
	// Both files as received are still there.
	for id, want := range map[string]string{first.ID: "first", second.ID: "second"} {
		b, err := os.ReadFile(filepath.Join(s.Root, Dir, "submissions", "ping-12", id+".csv"))
		if err != nil || string(b) != want {
			t.Errorf("raw %s = %q, %v", id, b, err)
		}
	}
	cur, err := s.Latest()
	if err != nil || len(cur) != 2 {
		t.Fatalf("latest %+v, %v", cur, err)
	}
	if cur[0].Month != "2026-01" || cur[0].Visits != 110 || cur[0].Submission != second.ID {
		t.Errorf("January = %+v, want 110 from the second submission", cur[0])
	}
	if cur[1].Visits != 80 || cur[1].Submission != first.ID {
		t.Errorf("February = %+v, want 80 from the first", cur[1])
	}
}

func TestStoreRefusesPathLikePlaceIDs(t *testing.T) {
	s := &Store{Root: t.TempDir()}
	for _, p := range []string{"../x", "", "a/b", ".hidden"} {
		if _, err := s.Save(p, "site", nil, nil, time.Now()); err == nil {
			t.Errorf("place %q accepted", p)
		}
	}
}

func TestTokensAreHashedPerPlaceAndRevocable(t *testing.T) {
	tk := &Tokens{Root: t.TempDir()}
	at := time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)
	a, err := tk.Issue("ping-12", "Alice", at)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := tk.Issue("ping-13", "Alice", at)
	raw, _ := os.ReadFile(filepath.Join(tk.Root, Dir, "tokens.json"))
	if strings.Contains(string(raw), a) || !strings.Contains(string(raw), hashOf(a)) {
		t.Error("the token file must hold the hash, not the token")
	}
	if p, _ := tk.Place(a); p != "ping-12" {
		t.Errorf("token a is for %q", p)
	}
	if p, _ := tk.Place(b); p != "ping-13" {
		t.Errorf("token b is for %q", p)
	}
	if p, _ := tk.Place("nope"); p != "" {
		t.Errorf("unknown token is for %q", p)
	}
	if n, err := tk.Revoke("ping-12", at); n != 1 || err != nil {
		t.Fatalf("revoked %d, %v", n, err)
	}
	if p, _ := tk.Place(a); p != "" {
		t.Errorf("revoked token still for %q", p)
	}
	if p, _ := tk.Place(b); p != "ping-13" {
		t.Error("revoking ping-12 revoked ping-13's token")
	}
}

func TestCreateOnceNeverOverwritesNorLeavesATemporaryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "000001.json")
	if err := createOnce(path, []byte("first")); err != nil {
		t.Fatal(err)
	}
	if err := createOnce(path, []byte("second")); err == nil {
		t.Error("an existing file was written again")
	}
	if b, _ := os.ReadFile(path); string(b) != "first" {
		t.Errorf("file = %q, want first", b)
	}
	if names, _ := filepath.Glob(filepath.Join(dir, "*")); len(names) != 1 {
		t.Errorf("files left: %v", names)
	}
}
