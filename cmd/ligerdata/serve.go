package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/ligerdata/ligerdata/alerts"
	"github.com/ligerdata/ligerdata/attendance"
	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/pipelines"
	"github.com/ligerdata/ligerdata/web"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", stderr)
	var c common
	c.register(fs, true)
	addr := fs.String("addr", envOr("LIGERDATA_ADDR", "127.0.0.1:8080"), "`HÔTE:PORT` où écouter")
	noSchedule := fs.Bool("no-schedule", false, "servir seulement, sans exécuter les chaînes selon leur planification")
	config := fs.String("config", envOr("LIGERDATA_CONFIG", ""), "`FICHIER` de configuration du serveur (YAML : adresse, URL publique, magasin, responsables, alertes, limites)")
	if _, err := parseFlags(fs, args); err != nil {
		return flagExit(err)
	}
	cfg, err := serverConfig(*config, fs, &c, *addr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	return serveDaemon(ctx, cfg, &c, daemonMode{cron: !*noSchedule, noActions: *noSchedule}, c.logger(stderr), stdout, stderr)
}

// serverConfig reads the configuration file, if any; flags given on the
// command line win over it.
func serverConfig(path string, fs *flag.FlagSet, c *common, addr string) (*web.Config, error) {
	cfg := &web.Config{}
	if path != "" {
		var err error
		if cfg, err = web.LoadConfig(path); err != nil {
			return nil, err
		}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	override := func(flagName string, dst *string, val string) {
		if set[flagName] || *dst == "" {
			*dst = val
		}
	}
	override("addr", &cfg.Addr, addr)
	override("store", &cfg.Store, c.store)
	override("defs", &cfg.Defs, c.defs)
	// The site takes its base from the request unless one is given: a
	// flag, the environment or the configuration file.
	c.baseExplicit = set["base-url"] || cfg.BaseURL != "" || os.Getenv("LIGERDATA_BASE_URL") != ""
	override("base-url", &cfg.BaseURL, c.baseURL)
	c.store, c.defs, c.baseURL = cfg.Store, cfg.Defs, cfg.BaseURL
	cfg.SetDefaults()
	return cfg, nil
}

// daemonMode says what the scheduler does: run the cron schedule, and run
// from recorded responses (the demo).
type daemonMode struct {
	cron      bool
	noActions bool // no scheduler at all: the dashboard is read-only
	replay    string
}

// serveDaemon is `ligerdata serve`: it records the runs a crash left
// "running" as interrupted, starts the schedule, serves the site, and on
// SIGTERM stops both, giving running harvests the grace period to record
// themselves as cancelled.
func serveDaemon(ctx context.Context, cfg *web.Config, c *common, mode daemonMode, logger *slog.Logger, stdout, stderr io.Writer) int {
	st, err := store.Open(cfg.Store)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata serve :", err)
		return exitFailed
	}
	if _, err := pipelines.MarkInterrupted(st, time.Now(), logger); err != nil {
		logger.Error("marking interrupted runs", "error", err)
	}
	// Attendance files are written by the site: half-written ones of a
	// killed daemon (older than any live write) are removed.
	if removed, err := store.RemoveTemp(filepath.Join(st.Root, attendance.Dir), 3, 10*time.Minute, time.Now()); err != nil || len(removed) > 0 {
		logger.Info("removed temporary attendance files left by a killed process", "files", removed, "error", err)
	}
	var sched *pipelines.Scheduler
	metrics := web.NewMetrics(func() int {
		if sched == nil {
			return 0
		}
		return sched.Queued()
	}, st.PublicDir())
	metrics.Seed(st)
	notifier := alerts.New(cfg.Alerts, cfg.BaseURL, logger, nil)
	onFinish := func(def *pipelines.Definition, m *pipelines.Manifest, err error) {
		metrics.ObserveRun(m)
		notifier.RunFinished(m)
	}
	if !mode.noActions {
		if sched, err = startScheduler(cfg, c, mode, onFinish, notifier, logger); err != nil {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
	}
	stewards := cfg.Stewards
	if len(stewards) == 0 {
		// No steward configured: one for this process only, so the
		// dashboard is usable without leaving it open to anyone.
		token := web.NewToken()
		stewards = []web.Steward{{Name: "local", TokenSHA256: web.HashToken(token)}}
		fmt.Fprintf(stdout, "Aucun responsable dans la configuration : connectez-vous au tableau de bord avec ce jeton (valable jusqu'à l'arrêt du serveur) : %s\n", token)
	}
	idefs, err := siteIndicators(cfg.Defs)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata serve :", err)
		return exitUsage
	}
	_, defErr := loadDefs(cfg.Defs)
	siteBase := ""
	if c.baseExplicit {
		siteBase = cfg.BaseURL
	}
	h, err := web.New(web.Options{PublicDir: st.PublicDir(), StoreDir: st.Root, BaseURL: siteBase, Logger: logger,
		Indicators: idefs, Catalog: catalogMeta(cfg.BaseURL), MapTiles: cfg.MapTiles,
		Steward: &web.StewardOptions{Stewards: stewards, Scheduler: sched, Limits: cfg.Limits, Remind: reminder(cfg, notifier)},
		Metrics: metrics, DefinitionProblems: definitionProblems(defErr),
		Ready: func() error {
			if ctx.Err() != nil {
				return errors.New("shutting down")
			}
			return nil
		}})
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata serve :", err)
		return exitFailed
	}
	stopped := make(chan bool, 1)
	go func() {
		<-ctx.Done()
		if sched == nil {
			stopped <- true
			return
		}
		logger.Info("stopping the scheduler", "grace", cfg.Limits.ShutdownGrace)
		gctx, cancel := context.WithTimeout(context.Background(), cfg.Limits.ShutdownGrace)
		defer cancel()
		stopped <- sched.Stop(gctx)
	}()
	err = web.Serve(ctx, cfg.Addr, h, logger, func(listen string) {
		fmt.Fprintf(stdout, "Site prêt : http://%s/\n", listen)
	})
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata serve :", err)
		return exitFailed
	}
	if !<-stopped {
		logger.Error("runs still going at the end of the grace period; they will show as interrupted")
		return exitFailed
	}
	return exitOK
}

// siteIndicators are the indicators whose reports and pages the site
// serves: the embedded ones and, with --defs DIR, the steward's own in
// DIR/indicators.
func siteIndicators(defsDir string) ([]*indicators.Definition, error) {
	pdefs, err := loadDefs(defsDir)
	if err != nil && len(pdefs) == 0 && definitionProblems(err) == nil {
		return nil, err
	}
	return loadIndicators(defsDir, pdefs, false)
}

func startScheduler(cfg *web.Config, c *common, mode daemonMode, onFinish func(*pipelines.Definition, *pipelines.Manifest, error), notifier *alerts.Notifier, logger *slog.Logger) (*pipelines.Scheduler, error) {
	// A broken definition stops only itself: the others are scheduled.
	defs, err := loadDefs(cfg.Defs)
	if err != nil {
		if len(defs) == 0 && definitionProblems(err) == nil {
			return nil, err
		}
		logger.Error("pipeline definitions with problems are not scheduled; the others are", "error", err)
	}
	runner, err := newRunner(c, mode.replay, "", false, logger)
	if err != nil {
		return nil, fmt.Errorf("ligerdata serve : %w", err)
	}
	ix, err := serveIndicators(c, cfg.Defs, defs, logger)
	if err != nil {
		return nil, err
	}
	sched, err := pipelines.NewScheduler(runner, defs, logger, pipelines.SchedulerOptions{
		MaxConcurrent: cfg.Limits.MaxConcurrentRuns,
		RunTimeout:    cfg.Limits.RunTimeout,
		OnFinish: func(def *pipelines.Definition, m *pipelines.Manifest, err error) {
			onFinish(def, m, err)
			computeIndicators(ix, def, m, notifier, logger)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("ligerdata serve : %w", err)
	}
	if mode.cron {
		sched.Start()
	}
	return sched, nil
}

func cmdToken(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("token", stderr)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "utilisation : ligerdata token NOM")
		return exitUsage
	}
	token := web.NewToken()
	fmt.Fprintf(stdout, "Jeton de %s (à lui remettre ; il n'est gardé nulle part) : %s\n", pos[0], token)
	fmt.Fprintf(stdout, "À ajouter aux responsables (stewards) de la configuration du serveur :\n  - {name: %s, token_sha256: %s}\n", pos[0], web.HashToken(token))
	return exitOK
}

// computeIndicators computes, after a published run, the indicators that
// read its dataset, and reports those an audit blocked.
func computeIndicators(ix *pipelines.Indicators, def *pipelines.Definition, m *pipelines.Manifest, notifier *alerts.Notifier, logger *slog.Logger) {
	if ix == nil || m == nil || m.Outcome != pipelines.OutcomePublished {
		return
	}
	ms, err := ix.After(context.Background(), []string{def.Dataset})
	if err != nil {
		logger.Error("indicators after the run", "pipeline", def.ID, "run", m.RunID, "error", err)
	}
	for _, im := range ms {
		if im.Outcome == indicators.OutcomeAuditFailed {
			notifier.AuditFailed(im.Indicator, im.RunID, im.Error)
		}
	}
}

// reminder returns how attendance reminders are sent: through the alerts'
// webhooks and e-mail, nil when none is configured.
func reminder(cfg *web.Config, n *alerts.Notifier) func(place, name, month, url string) {
	if len(cfg.Alerts.Webhooks) == 0 && cfg.Alerts.Email == nil {
		return nil
	}
	return n.Remind
}

// definitionProblems returns the problems of the definition files that did
// not load, or nil when err is something else (an unreadable folder) or nil.
func definitionProblems(err error) pipelines.DefErrors {
	var problems pipelines.DefErrors
	if errors.As(err, &problems) {
		return problems
	}
	return nil
}
