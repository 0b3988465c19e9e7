package output

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCatalogLockChild is not a test: TestCatalogLockAcrossProcesses runs it
// in another process to hold the catalogue lock.
func TestCatalogLockChild(t *testing.T) {
	dir := os.Getenv("LIGERDATA_LOCK_CHILD")
	if dir == "" {
		t.Skip("run by TestCatalogLockAcrossProcesses only")
	}
	unlock, err := lockCatalog(dir)
	if err != nil {
		os.Exit(2)
	}
	state := filepath.Join(dir, "state")
	_ = os.WriteFile(state, []byte("held"), 0o644)
	time.Sleep(300 * time.Millisecond)
	_ = os.WriteFile(state, []byte("released"), 0o644)
	unlock()
	os.Exit(0)
}

func TestCatalogLockAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	child := exec.Command(os.Args[0], "-test.run=^TestCatalogLockChild$")
	child.Env = append(os.Environ(), "LIGERDATA_LOCK_CHILD="+dir)
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Wait()
	// Wait until the child holds the lock, then take it: it must be ours
	// only once the child has released it.
	for i := 0; ; i++ {
		if b, _ := os.ReadFile(state); len(b) > 0 {
			break
		}
		if i > 1000 {
			t.Fatal("the child never took the lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	unlock, err := lockCatalog(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(state)
	unlock()
	if strings.TrimSpace(string(b)) != "released" {
		t.Errorf("lock taken while another process held it (its state: %q)", b)
	}
}

func TestCatalogStaleMarks(t *testing.T) {
	public := t.TempDir()
	if CatalogStale(public) {
		t.Fatal("stale without a mark")
	}
	if err := MarkCatalogStale(public, "20260101T000000Z-0001"); err != nil {
		t.Fatal(err)
	}
	if !CatalogStale(public) {
		t.Fatal("mark not seen")
	}
	if err := WriteCatalog(public, CatalogMeta{BaseURL: "http://127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	if CatalogStale(public) {
		t.Error("a written catalogue left its mark")
	}
}
