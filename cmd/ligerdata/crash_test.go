package main

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/output"
)

// TestCrashTrials is `make crash`: LIGERDATA_CRASH_TRIALS runs of a
// pipeline, each killed with SIGKILL after a random delay (before, during or
// after its harvest, normalisation or switch), then followed by a normal
// run. After each, the next run must succeed, the catalogue must name the
// latest release and only releases on disk, and no temporary file may be
// left in the store. It prints the figures at the end.
func TestCrashTrials(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("LIGERDATA_CRASH_TRIALS"))
	if n <= 0 {
		t.Skip("make crash sets LIGERDATA_CRASH_TRIALS")
	}
	store := t.TempDir()
	public := filepath.Join(store, "public")
	const pipe = "lieux-mediation-numerique-pdl"
	args := []string{"run", pipe, "--store", store, "--replay", "../../testdata/replay", "--full"}
	if code, _, errs := runCmd(t, args...); code != exitOK {
		t.Fatalf("first run: exit %d\n%s", code, errs)
	}
	failures, leftovers := 0, 0
	for trial := 1; trial <= n; trial++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$")
		cmd.Env = append(os.Environ(), "LIGERDATA_TEST_CHILD="+strings.Join(args, "\x1f"))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.IntN(1500)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		before := t.Failed()
		if code, _, errs := runCmd(t, args...); code != exitOK {
			t.Errorf("trial %d: the run after the kill: exit %d\n%s", trial, code, errs)
		}
		checkCatalogue(t, trial, public, []string{pipe})
		if _, err := output.Latest(public, pipe); err != nil {
			t.Errorf("trial %d: no latest release: %v", trial, err)
		}
		if left := tempLeftovers(store); len(left) > 0 {
			leftovers++
			t.Errorf("trial %d: temporary files left: %v", trial, left)
		}
		if t.Failed() != before {
			failures++
		}
	}
	t.Logf("crash trials: %d, failures found: %d, trials with leftovers: %d", n, failures, leftovers)
}

// tempLeftovers lists the temporary files of the store: staging folders,
// .tmp-* files, and files in the pipelines' temporary folders.
func tempLeftovers(store string) []string {
	var left []string
	_ = filepath.WalkDir(store, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		rel, _ := filepath.Rel(store, p)
		inTmp := strings.HasPrefix(rel, "tmp"+string(filepath.Separator)) && !d.IsDir()
		if inTmp || strings.HasPrefix(name, ".tmp-") || strings.HasPrefix(name, ".staging-") {
			left = append(left, rel)
		}
		return nil
	})
	return left
}
