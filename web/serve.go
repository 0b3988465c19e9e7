package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// shutdownGrace is how long Serve waits for in-flight requests to finish.
const shutdownGrace = 5 * time.Second

// Serve listens on addr and serves h until ctx is done, then shuts down
// gracefully: it stops accepting connections and waits up to 5 s for
// in-flight requests before closing the remaining ones. It calls
// ready(listenAddr) once listening, with the actual address (useful when
// addr is ":0"); ready may be nil. It returns nil after a shutdown caused by
// ctx, and an error if it cannot listen, if serving fails, or if requests
// were still running at the end of the grace period. A nil logger discards
// logs.
func Serve(ctx context.Context, addr string, h http.Handler, logger *slog.Logger, ready func(addr string)) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("web: listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		// Pages and API answers are written within WriteTimeout; a
		// download extends its own deadline (see downloadWriteTimeout).
		WriteTimeout:   2 * time.Minute,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	listenAddr := ln.Addr().String()
	logger.Info("web site listening", "addr", listenAddr)
	if ready != nil {
		ready(listenAddr)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("web: serve on %s: %w", listenAddr, err)
	case <-ctx.Done():
	}
	logger.Info("web site shutting down", "addr", listenAddr)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	shutdownErr := srv.Shutdown(sctx)
	if shutdownErr != nil {
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("web: serve on %s: %w", listenAddr, err)
	}
	if shutdownErr != nil {
		return fmt.Errorf("web: shut down %s: %w", listenAddr, shutdownErr)
	}
	return nil
}
