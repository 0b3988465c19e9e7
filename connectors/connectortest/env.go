package connectortest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/fetch"
)

// EnvOption adjusts the environment that Env builds.
type EnvOption func(*envSettings)

type envSettings struct {
	fetch fetch.Options
	env   connectors.Env
}

// WithFetchOptions lets f change the options of the HTTP client, after the
// suite's defaults are set (for instance ReplayDir, MaxAttempts or Observe).
func WithFetchOptions(f func(*fetch.Options)) EnvOption {
	return func(s *envSettings) { f(&s.fetch) }
}

// WithPrev sets Env.Prev, the validators of the previous run.
func WithPrev(prev func(key string) *fetch.Validators) EnvOption {
	return func(s *envSettings) { s.env.Prev = prev }
}

// WithDir sets Env.Dir, the folder that relative paths are resolved against.
func WithDir(dir string) EnvOption {
	return func(s *envSettings) { s.env.Dir = dir }
}

// WithLogger replaces the logger, which by default writes to the test's
// output at debug level.
func WithLogger(l *slog.Logger) EnvOption {
	return func(s *envSettings) { s.env.Logger = l }
}

// Env returns a connector environment for tests: an HTTP client that may
// reach loopback addresses (httptest servers) and nothing else private,
// makes at most 3 attempts per request without waiting between them, and
// times an attempt out after 10 s; no previous validators; no Dir; a logger
// writing to the test's output. opts change these defaults. It fails the
// test if the client cannot be built.
func Env(t testing.TB, opts ...EnvOption) connectors.Env {
	t.Helper()
	s := envSettings{
		fetch: fetch.Options{
			Egress:      fetch.Egress{AllowLoopback: true},
			MaxAttempts: 3,
			BaseDelay:   time.Millisecond,
			MaxDelay:    time.Millisecond,
			Timeout:     10 * time.Second,
			Sleep:       noSleep,
		},
	}
	s.env.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	for _, o := range opts {
		o(&s)
	}
	if s.fetch.Logger == nil {
		s.fetch.Logger = s.env.Logger
	}
	c, err := fetch.New(s.fetch)
	if err != nil {
		t.Fatalf("connectortest: HTTP client: %v", err)
	}
	s.env.HTTP = c
	return s.env
}

// noSleep stands for the backoff between attempts: it only honours ctx.
func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }
