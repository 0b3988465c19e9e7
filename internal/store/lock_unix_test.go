//go:build unix

package store

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestLockAcrossProcesses runs the test binary again as a second process
// that tries to take the lock held here.
func TestLockAcrossProcesses(t *testing.T) {
	if root := os.Getenv("LIGERDATA_STORE_LOCK_CHILD"); root != "" {
		s, err := Open(root)
		if err != nil {
			os.Stdout.WriteString("child error: " + err.Error())
			os.Exit(2)
		}
		if _, err := s.Lock("lycees"); err != nil {
			os.Stdout.WriteString("child: " + err.Error())
			os.Exit(3)
		}
		os.Stdout.WriteString("child: locked")
		os.Exit(0)
	}
	s := openTemp(t)
	child := func() (string, int) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLockAcrossProcesses$")
		cmd.Env = append(os.Environ(), "LIGERDATA_STORE_LOCK_CHILD="+s.Root)
		out, _ := cmd.Output()
		return string(out), cmd.ProcessState.ExitCode()
	}
	unlock, err := s.Lock("lycees")
	if err != nil {
		t.Fatal(err)
	}
	out, code := child()
	if code != 3 || !strings.Contains(out, `pipeline "lycees" is already running`) {
		t.Errorf("child while locked: exit %d, output %q; want exit 3 and the running error", code, out)
	}
	unlock()
	if out, code := child(); code != 0 || !strings.Contains(out, "child: locked") {
		t.Errorf("child after unlock: exit %d, output %q; want the lock", code, out)
	}
}
