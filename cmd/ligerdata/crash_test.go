package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
)

// TestCrashTrials is `make crash`: LIGERDATA_CRASH_TRIALS runs of a
// pipeline, each killed with SIGKILL after a random delay (before, during or
// after its harvest, normalisation or switch), then followed by a normal
// run. The release served after the kill, and after the next run, must be
// whole (every file of its SHA256SUMS there with that checksum); the next
// run must succeed, the catalogue must name the latest release and only
// releases on disk, and no temporary file may be left in the store. It
// prints the figures at the end.
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
	failures, leftovers, corruptions := 0, 0, 0
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
		// What the kill left served must be whole, before any repair.
		if err := latestWhole(public, pipe); err != nil {
			corruptions++
			t.Errorf("trial %d: after the kill: %v", trial, err)
		}
		if code, _, errs := runCmd(t, args...); code != exitOK {
			t.Errorf("trial %d: the run after the kill: exit %d\n%s", trial, code, errs)
		}
		checkCatalogue(t, trial, public, []string{pipe})
		if err := latestWhole(public, pipe); err != nil {
			corruptions++
			t.Errorf("trial %d: after the next run: %v", trial, err)
		}
		if left := tempLeftovers(store); len(left) > 0 {
			leftovers++
			t.Errorf("trial %d: temporary files left: %v", trial, left)
		}
		if t.Failed() != before {
			failures++
		}
	}
	t.Logf("crash trials: %d, corruptions: %d, trials with leftovers after the next run: %d, trials with a failure: %d", n, corruptions, leftovers, failures)
}

// tempLeftovers lists the temporary files of the store: staging folders,
// files with a temporary name (store.IsTempName), and files in the
// pipelines' temporary folders.
func tempLeftovers(root string) []string {
	var left []string
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		rel, _ := filepath.Rel(root, p)
		inTmp := strings.HasPrefix(rel, "tmp"+string(filepath.Separator)) && !d.IsDir()
		if inTmp || store.IsTempName(name) || strings.HasPrefix(name, ".staging-") {
			left = append(left, rel)
		}
		return nil
	})
	return left
}

// latestWhole checks the latest release of a dataset: every file its
// SHA256SUMS lists is there with that checksum, and the data files are
// among them.
func latestWhole(public, dataset string) error {
	latest, err := output.Latest(public, dataset)
	if err != nil {
		return fmt.Errorf("no latest release: %w", err)
	}
	dir, err := output.CollectionDatasets.ReleaseDir(public, dataset, latest)
	if err != nil {
		return err
	}
	sums, err := os.ReadFile(filepath.Join(dir, output.FileSums))
	if err != nil {
		return fmt.Errorf("release %s: %w", latest, err)
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		want, name, ok := strings.Cut(line, "  ")
		if !ok {
			return fmt.Errorf("release %s: SHA256SUMS line %q", latest, line)
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("release %s: %w", latest, err)
		}
		if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != want {
			return fmt.Errorf("release %s: %s does not match its checksum", latest, name)
		}
		listed[name] = true
	}
	for _, name := range []string{"data.parquet", "data.csv", "datapackage.json"} {
		if !listed[name] {
			return fmt.Errorf("release %s: %s not in SHA256SUMS", latest, name)
		}
	}
	return nil
}
