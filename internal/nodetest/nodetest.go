// Package nodetest runs a Node.js script from the test suite, with the npm
// packages pinned in tools/browser (installed by `npm ci --prefix
// tools/browser`, as .ci/run does). Used to check our output against
// reference implementations published on npm.
//
// A test that needs Node is skipped when node or the packages are missing,
// unless LIGERDATA_BROWSER_TESTS=1 (CI), where that is a failure.
package nodetest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// moduleRoot walks up from the working directory to the folder of go.mod.
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("nodetest: go.mod not found above the test's folder")
		}
		dir = parent
	}
}

// Run runs script with node, stdin as its standard input, and returns its
// standard output. The script can require() the packages of tools/browser.
// A failing script fails the test with its standard error.
func Run(t testing.TB, script string, stdin []byte, pkgs ...string) []byte {
	t.Helper()
	node, err := exec.LookPath("node")
	modules := filepath.Join(moduleRoot(t), "tools", "browser", "node_modules")
	if err == nil {
		for _, p := range pkgs {
			if _, err = os.Stat(filepath.Join(modules, p)); err != nil {
				break
			}
		}
	}
	if err != nil {
		if os.Getenv("LIGERDATA_BROWSER_TESTS") == "1" {
			t.Fatalf("nodetest: LIGERDATA_BROWSER_TESTS=1 but node or a package is missing (run `npm ci --prefix tools/browser`): %v", err)
		}
		t.Skipf("nodetest: node or a package is missing: %v", err)
	}
	cmd := exec.Command(node, "-e", script)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("nodetest: %v\n%s", err, stderr.String())
	}
	return out
}
