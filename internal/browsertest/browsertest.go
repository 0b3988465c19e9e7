// Package browsertest starts headless Chromium for the site's tests and
// checks pages with axe-core.
//
// Browser tests are skipped when Chromium or axe-core is absent, unless
// LIGERDATA_BROWSER_TESTS=1 (as in CI), where an absence is a failure.
// axe-core is installed by `npm ci --prefix tools/browser` (.ci/run does it);
// its version is pinned in tools/browser/package-lock.json.
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package installs the browser.
const ChromiumPath = "/usr/bin/chromium"

// required reports whether browser tests must run (CI) rather than skip.
func required() bool { return os.Getenv("LIGERDATA_BROWSER_TESTS") == "1" }

// skipOrFail skips the test, or fails it when browser tests are required.
func skipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if required() {
		t.Fatalf("LIGERDATA_BROWSER_TESTS=1 but "+format, args...)
	}
	t.Skipf(format, args...)
}

// New starts a headless Chromium for the test and returns a browser context
// that is valid until the test ends or timeout passes. It skips the test in
// -short mode and when Chromium is absent (failing instead under
// LIGERDATA_BROWSER_TESTS=1).
func New(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		skipOrFail(t, "Chromium is unavailable at %s: %v", ChromiumPath, err)
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancelBrowser)
	return bctx
}

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// axeScript reads axe.min.js from tools/browser/node_modules, found by
// walking up from the test's working directory to the module root.
func axeScript() (string, error) {
	axeOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			axeErr = err
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				axeErr = fmt.Errorf("go.mod not found above the test's folder")
				return
			}
			dir = parent
		}
		b, err := os.ReadFile(filepath.Join(dir, "tools", "browser", "node_modules", "axe-core", "axe.min.js"))
		if err != nil {
			axeErr = fmt.Errorf("%w (run `npm ci --prefix tools/browser`)", err)
			return
		}
		axeSource = string(b)
	})
	return axeSource, axeErr
}

// Violation is one axe-core rule that a page breaks.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// Axe runs axe-core on the page loaded in ctx and fails the test for every
// violation of impact "serious" or "critical", naming the rule, its help
// text and the elements. Lesser violations are logged. page names the page
// in messages.
func Axe(t testing.TB, ctx context.Context, page string) []Violation {
	t.Helper()
	src, err := axeScript()
	if err != nil {
		skipOrFail(t, "axe-core is unavailable: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		t.Fatalf("axe on %s: loading axe-core: %v", page, err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	var vs []Violation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatalf("axe on %s: reading its answer: %v", page, err)
	}
	for _, v := range vs {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target))
		}
		msg := fmt.Sprintf("axe on %s: %s (%s): %s at %s", page, v.ID, v.Impact, v.Help, strings.Join(where, ", "))
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
	return vs
}
