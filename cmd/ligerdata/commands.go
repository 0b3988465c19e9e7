package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/connectors/all"
	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/output/udata"
	"github.com/ligerdata/ligerdata/pipelines"
	"github.com/ligerdata/ligerdata/schemas"
	"github.com/ligerdata/ligerdata/web"
)

// common holds the flags several commands share.
type common struct {
	store    string
	defs     string
	json     bool
	logLevel string
	baseURL  string
	// baseExplicit reports that the base URL was given (flag,
	// environment or configuration), not the default.
	baseExplicit bool
}

func (c *common) register(fs *flag.FlagSet, withStore bool) {
	if withStore {
		fs.StringVar(&c.store, "store", envOr("LIGERDATA_STORE", "data"), "store folder (raw responses, runs, rejected rows, public files)")
		fs.StringVar(&c.defs, "defs", "", "folder of pipeline definitions (default: the embedded ones)")
		fs.StringVar(&c.baseURL, "base-url", envOr("LIGERDATA_BASE_URL", "http://127.0.0.1:8080"), "public address of the site, used in the catalogue")
	}
	fs.BoolVar(&c.json, "json", false, "print machine-readable results on stdout")
	fs.StringVar(&c.logLevel, "log-level", envOr("LIGERDATA_LOG_LEVEL", "info"), "debug, info, warn or error")
}

// printJSON writes v as indented JSON: the --json output of every command.
func printJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func (c *common) logger(stderr io.Writer) *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.logLevel)); err != nil {
		lvl = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lvl}))
}

// parseFlags parses flags placed before, between or after positional
// arguments, and returns the positional ones.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			suggestFlag(fs, err)
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("ligerdata "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// loadDefs loads the embedded definitions or those of a folder.
func loadDefs(dir string) ([]*pipelines.Definition, error) {
	l := &pipelines.Loader{Registry: all.Registry()}
	var fsys fs.FS = pipelines.Embedded
	if dir != "" {
		fsys = os.DirFS(dir)
	}
	return l.LoadAll(fsys)
}

func catalogMeta(baseURL string) output.CatalogMeta {
	return output.CatalogMeta{
		Title:         "Données ouvertes des Pays de la Loire",
		Description:   "Jeux de données moissonnés, vérifiés et republiés par ligerdata pour le portail régional : lieux de médiation numérique, tourisme, information géographique et enseignement supérieur.",
		Publisher:     "Région Pays de la Loire",
		PublisherType: "RegionalAuthority",
		PublisherURL:  "https://www.paysdelaloire.fr/",
		License:       "etalab-2.0",
		Homepage:      strings.TrimSuffix(baseURL, "/") + "/",
		BaseURL:       strings.TrimSuffix(baseURL, "/"),
		Language:      "fr",
	}
}

func newRunner(c *common, replay, record string, full bool, logger *slog.Logger) (*pipelines.Runner, error) {
	st, err := store.Open(c.store)
	if err != nil {
		return nil, err
	}
	defsDir := ""
	if c.defs != "" {
		if defsDir, err = filepath.Abs(c.defs); err != nil {
			return nil, err
		}
	}
	return &pipelines.Runner{
		Store:     st,
		Logger:    logger,
		DefsDir:   defsDir,
		ReplayDir: replay,
		RecordDir: record,
		Full:      full,
		Catalog:   catalogMeta(c.baseURL),
	}, nil
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run", stderr)
	var c common
	c.register(fs, true)
	runAll := fs.Bool("all", false, "run every pipeline")
	replay := fs.String("replay", "", "serve recorded responses from this folder instead of the network")
	record := fs.String("record", "", "keep a copy of every response in this folder, in replay format")
	full := fs.Bool("full", false, "process the sources even when they have not changed")
	var duck duckFlags
	duck.register(fs)
	names, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(names) == 0 && !*runAll {
		fmt.Fprintln(stderr, "ligerdata run: name pipelines or give --all")
		return exitUsage
	}
	if len(names) > 0 && *runAll {
		fmt.Fprintln(stderr, "ligerdata run: name pipelines or give --all, not both")
		return exitUsage
	}
	logger := c.logger(stderr)
	// A broken definition stops only itself: it is reported, the others
	// run, and the exit code says that something failed.
	defs, broken := loadDefs(c.defs)
	if broken != nil {
		fmt.Fprintln(stderr, broken)
		if len(defs) == 0 {
			return exitUsage
		}
	}
	selected, err := selectDefs(defs, names)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata run:", err)
		return exitUsage
	}
	runner, err := newRunner(&c, *replay, *record, *full, logger)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata run:", err)
		return exitFailed
	}
	ix, code := prepareIndicators(&c, defs, &duck, logger, stderr)
	if code != exitOK {
		return code
	}
	code = runAndReport(ctx, runner, selected, ix, c.json, stdout, stderr)
	if broken != nil && code == exitOK {
		fmt.Fprintln(stderr, "ligerdata run: des définitions de pipeline sont invalides (voir ci-dessus) ; les autres ont été exécutées")
		code = exitFailed
	}
	return code
}

// prepareIndicators loads the indicators computed after the pipelines.
func prepareIndicators(c *common, defs []*pipelines.Definition, duck *duckFlags, logger *slog.Logger, stderr io.Writer) (*pipelines.Indicators, int) {
	cfg, err := duck.config()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, exitUsage
	}
	ix, err := pipelineIndicators(c, defs, cfg, logger)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, exitUsage
	}
	return ix, exitOK
}

func selectDefs(defs []*pipelines.Definition, names []string) ([]*pipelines.Definition, error) {
	return selectByID(defs, names, "pipeline", func(d *pipelines.Definition) string { return d.ID })
}

// selectByID returns the definitions named, in the order given (all of
// them when none is named); an unknown name is an error listing the known.
func selectByID[T any](defs []T, names []string, what string, id func(T) string) ([]T, error) {
	if len(names) == 0 {
		return defs, nil
	}
	byID := map[string]T{}
	var ids []string
	for _, d := range defs {
		byID[id(d)] = d
		ids = append(ids, id(d))
	}
	var out []T
	for _, n := range names {
		d, ok := byID[n]
		if !ok {
			if s := closest(n, ids); s != "" {
				return nil, fmt.Errorf("unknown %s %q (did you mean %q?)", what, n, s)
			}
			return nil, fmt.Errorf("unknown %s %q (known: %s)", what, n, strings.Join(ids, ", "))
		}
		out = append(out, d)
	}
	return out, nil
}

// runAndReport runs pipelines one after the other, then the indicators
// that read their datasets, and returns the worst exit code: failed (1)
// before blocked by a gate or an audit (3) before ok. --json prints
// {"pipelines": [...], "indicators": [...]}.
func runAndReport(ctx context.Context, runner *pipelines.Runner, defs []*pipelines.Definition, ix *pipelines.Indicators, asJSON bool, stdout, stderr io.Writer) int {
	code := exitOK
	var manifests []*pipelines.Manifest
	clear := showProgress(runner, stderr)
	for _, def := range defs {
		m, err := runner.Run(ctx, def)
		clear()
		if m != nil {
			manifests = append(manifests, m)
		}
		switch {
		case err == nil:
		case errors.Is(err, pipelines.ErrBlocked):
			fmt.Fprintf(stderr, "%s: %v\n", def.ID, err)
			if code == exitOK {
				code = exitBlocked
			}
		default:
			fmt.Fprintf(stderr, "%s: %v\n", def.ID, err)
			code = exitFailed
		}
		if !asJSON && m != nil {
			printSummary(stdout, def.ID, m)
		}
		if ctx.Err() != nil {
			break
		}
	}
	var datasets []string
	for _, def := range defs {
		datasets = append(datasets, def.Dataset)
	}
	ims, err := ix.After(ctx, datasets)
	if !asJSON {
		printIndicatorRuns(stdout, ims)
	} else {
		if ims == nil {
			ims = []*indicators.RunManifest{}
		}
		printJSON(stdout, map[string]any{"pipelines": manifests, "indicators": ims})
	}
	switch icode := indicatorsExit(err, stderr); {
	case icode == exitFailed:
		code = exitFailed
	case icode == exitBlocked && code == exitOK:
		code = exitBlocked
	}
	return code
}

func cmdLint(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("lint", stderr)
	var c common
	c.register(fs, false)
	fs.StringVar(&c.defs, "defs", "", "folder of pipeline definitions (default: the embedded ones)")
	if _, err := parseFlags(fs, args); err != nil {
		return exitUsage
	}
	var problems []string
	for _, name := range schemas.Names() {
		if _, err := schemas.Load(name); err != nil {
			problems = append(problems, fmt.Sprintf("schemas/%s.json: %v", name, err))
		}
	}
	defs, err := loadDefs(c.defs)
	problems = append(problems, problemLines(err)...)
	// Indicators are checked even when a pipeline is broken: every problem
	// is reported at once. Their queries are prepared in DuckDB.
	idefs, err := loadIndicators(c.defs, defs, true)
	problems = append(problems, problemLines(err)...)
	if c.json {
		ids, iids := []string{}, []string{}
		for _, d := range defs {
			ids = append(ids, d.ID)
		}
		for _, d := range idefs {
			iids = append(iids, d.ID)
		}
		printJSON(stdout, map[string]any{"ok": len(problems) == 0, "pipelines": ids, "indicators": iids, "problems": append([]string{}, problems...)})
	} else {
		for _, p := range problems {
			fmt.Fprintln(stderr, p)
		}
		if len(problems) == 0 {
			fmt.Fprintf(stdout, "%d pipelines, %d indicators and %d schemas are valid\n", len(defs), len(idefs), len(schemas.Names()))
		}
	}
	if len(problems) > 0 {
		return exitUsage
	}
	return exitOK
}

// problemLines lists the problems of a definition error, one a line.
func problemLines(err error) []string {
	if err == nil {
		return nil
	}
	var des pipelines.DefErrors
	if !errors.As(err, &des) {
		return []string{err.Error()}
	}
	out := make([]string, len(des))
	for i, e := range des {
		out[i] = e.Error()
	}
	return out
}

func cmdConnectors(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("connectors", stderr)
	markdown := fs.Bool("markdown", false, "print the documentation page docs/connectors.md")
	asJSON := fs.Bool("json", false, "print machine-readable results on stdout")
	if _, err := parseFlags(fs, args); err != nil {
		return exitUsage
	}
	kinds := all.Registry().Kinds()
	switch {
	case *asJSON:
		type kindJSON struct {
			Name    string              `json:"name"`
			Summary string              `json:"summary"`
			Options []connectors.Option `json:"options"`
		}
		var out []kindJSON
		for _, k := range kinds {
			out = append(out, kindJSON{k.Name, k.Summary, k.Options})
		}
		printJSON(stdout, out)
	case *markdown:
		fmt.Fprint(stdout, connectorsMarkdown(kinds))
	default:
		for _, k := range kinds {
			fmt.Fprintf(stdout, "%s — %s\n", k.Name, k.Summary)
			for _, o := range k.Options {
				req := ""
				if o.Required {
					req = " (required)"
				}
				def := ""
				if o.Default != "" {
					def = fmt.Sprintf(" [default: %s]", o.Default)
				}
				fmt.Fprintf(stdout, "  %-14s %s%s%s\n", o.Name, o.Help, req, def)
			}
			fmt.Fprintln(stdout)
		}
	}
	return exitOK
}

// connectorsMarkdown renders the connector documentation from the same
// Help texts the command prints.
func connectorsMarkdown(kinds []connectors.Kind) string {
	var b strings.Builder
	b.WriteString("# Connectors\n\nGenerated by `ligerdata connectors --markdown` from the option help in the code; do not edit by hand.\n")
	for _, k := range kinds {
		fmt.Fprintf(&b, "\n## %s\n\n%s.\n\n| option | required | default | help |\n|---|---|---|---|\n", k.Name, strings.TrimSuffix(k.Summary, "."))
		for _, o := range k.Options {
			req := "no"
			if o.Required {
				req = "yes"
			}
			help := strings.ReplaceAll(o.Help, "|", `\|`)
			if o.Example != "" {
				help += fmt.Sprintf(" Example: `%s`.", o.Example)
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", o.Name, req, codeOrDash(o.Default), help)
		}
	}
	return b.String()
}

func codeOrDash(s string) string {
	if s == "" {
		return "—"
	}
	return "`" + s + "`"
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("demo", stderr)
	var c common
	c.register(fs, true)
	addr := fs.String("addr", envOr("LIGERDATA_ADDR", "127.0.0.1:8080"), "address to listen on")
	replay := fs.String("replay", filepath.Join("testdata", "replay"), "folder of recorded responses")
	noServe := fs.Bool("no-serve", false, "run the pipelines and stop, without serving the site")
	var duck duckFlags
	duck.register(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return exitUsage
	}
	if _, err := os.Stat(*replay); err != nil {
		fmt.Fprintf(stderr, "ligerdata demo: recorded responses not found: %v (run from the repository root or give --replay)\n", err)
		return exitUsage
	}
	logger := c.logger(stderr)
	defs, err := loadDefs(c.defs)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	runner, err := newRunner(&c, *replay, "", false, logger)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata demo:", err)
		return exitFailed
	}
	ix, code := prepareIndicators(&c, defs, &duck, logger, stderr)
	if code != exitOK {
		return code
	}
	if err := seedAttendance(ctx, c.store, *replay); err != nil {
		fmt.Fprintln(stderr, "ligerdata demo: attendance declarations:", err)
		return exitFailed
	}
	code = runAndReport(ctx, runner, attendanceLast(defs), ix, c.json, stdout, stderr)
	if *noServe {
		return code
	}
	// A pipeline that failed keeps its previous release (or none): the
	// site is still worth showing, and stderr said what failed.
	// Stewards can start runs (replayed) from the dashboard; nothing runs
	// on a schedule.
	cfg := &web.Config{Addr: *addr, Store: c.store, Defs: c.defs, BaseURL: c.baseURL}
	cfg.SetDefaults()
	return serveDaemon(ctx, cfg, &c, daemonMode{replay: *replay}, logger, stdout, stderr)
}

func cmdRelease(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "approve" {
		fmt.Fprintln(stderr, "usage: ligerdata release approve PIPELINE RUN --by NAME [--reason TEXT]")
		return exitUsage
	}
	fs := newFlagSet("release approve", stderr)
	var c common
	c.register(fs, true)
	by := fs.String("by", os.Getenv("USER"), "who approves (recorded in the run manifest)")
	reason := fs.String("reason", "", "why the blocked release may be published (recorded)")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return exitUsage
	}
	if len(pos) != 2 {
		fmt.Fprintln(stderr, "usage: ligerdata release approve PIPELINE RUN --by NAME [--reason TEXT]")
		return exitUsage
	}
	defs, err := loadDefs(c.defs)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	selected, err := selectDefs(defs, pos[:1])
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata release approve:", err)
		return exitUsage
	}
	runner, err := newRunner(&c, "", "", false, c.logger(stderr))
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata release approve:", err)
		return exitFailed
	}
	m, err := runner.Approve(ctx, selected[0], pos[1], *by, *reason)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata release approve:", err)
		if errors.Is(err, pipelines.ErrNotBlocked) || errors.Is(err, os.ErrNotExist) {
			return exitUsage
		}
		return exitFailed
	}
	if c.json {
		printJSON(stdout, m)
	} else {
		fmt.Fprintf(stdout, "%s: run %s approved by %s, published as release %s (%d rows)\n", selected[0].ID, pos[1], *by, m.Release, m.Accepted+m.Kept)
	}
	return exitOK
}

// cmdPublish pushes a published release to a udata portal (data.gouv.fr or
// a regional udata). The API key comes from UDATA_API_KEY, never a flag.
func cmdPublish(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const use = "usage: ligerdata publish udata DATASET [--release ID] [--portal URL] [--organization ID] [--mode upload|remote]"
	if len(args) == 0 || args[0] != "udata" {
		fmt.Fprintln(stderr, use)
		return exitUsage
	}
	fs := newFlagSet("publish udata", stderr)
	var c common
	c.register(fs, true)
	release := fs.String("release", "latest", "release to push")
	portal := fs.String("portal", envOr("UDATA_URL", "https://www.data.gouv.fr"), "udata portal address")
	org := fs.String("organization", os.Getenv("UDATA_ORGANIZATION"), "udata organisation id that owns the datasets")
	mode := fs.String("mode", udata.ModeUpload, "upload: send the files; remote: point the resources to this site's immutable URLs")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return exitUsage
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, use)
		return exitUsage
	}
	st, err := store.Open(c.store)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata publish:", err)
		return exitFailed
	}
	p, err := udata.New(udata.Options{
		BaseURL:       *portal,
		Organization:  *org,
		Logger:        c.logger(stderr),
		Mode:          *mode,
		PublicBaseURL: c.baseURL,
		StateDir:      filepath.Join(st.Root, "udata"),
		Schemas:       map[string]string{"lieux-mediation-numerique": "LaMednum/standard-mediation-num"},
	})
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata publish:", err)
		return exitUsage
	}
	res, err := p.Push(ctx, st.PublicDir(), pos[0], *release)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata publish:", err)
		return exitFailed
	}
	if c.json {
		printJSON(stdout, res)
		return exitOK
	}
	fmt.Fprintf(stdout, "%s → %s: %d uploaded, %d replaced, %d unchanged\n", pos[0], res.URL, len(res.Uploaded), len(res.Replaced), len(res.Unchanged))
	return exitOK
}

// printSummary writes a run's summary line: outcome, run id, counts,
// release, and the reason of a failure; for a blocked run, the exact
// command that approves it.
func printSummary(w io.Writer, pipeline string, m *pipelines.Manifest) {
	fmt.Fprintf(w, "%-32s %-10s run %s, read %d, accepted %d, rejected %d", pipeline, m.Outcome, m.RunID, m.Read, m.Accepted, m.Rejected)
	if m.Release != "" {
		fmt.Fprintf(w, ", release %s", m.Release)
	}
	if m.Error != "" {
		// The reason, on the line a user reads (stderr may be buried in
		// logs).
		fmt.Fprintf(w, ": %s", termSafe(m.Error))
	}
	if m.CatalogError != "" {
		fmt.Fprintf(w, " (catalogue not rewritten: %s)", termSafe(m.CatalogError))
	}
	fmt.Fprintln(w)
	if m.Outcome == pipelines.OutcomeBlocked {
		fmt.Fprintf(w, "  to publish it anyway: ligerdata release approve %s %s --by NAME --reason TEXT\n", pipeline, m.RunID)
	}
}
