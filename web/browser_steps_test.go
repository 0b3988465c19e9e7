package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// browserSteps wraps the steps of a browser test: each failing step ends
// the test with its name.
type browserSteps struct {
	t   *testing.T
	ctx context.Context
}

// must fails the test when a step failed.
func (b browserSteps) must(step string, err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatalf("browser: %s: %v", step, err)
	}
}

// text returns the visible text of the first element matching sel,
// trimmed.
func (b browserSteps) text(step, sel string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	b.must(step, err)
	return strings.TrimSpace(v)
}
