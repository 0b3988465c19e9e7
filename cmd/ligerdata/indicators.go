package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/pipelines"
	"github.com/ligerdata/ligerdata/schemas"
)

// duckFlags are the DuckDB settings of the commands that compute
// indicators: flags over LIGERDATA_DUCKDB_MEMORY / LIGERDATA_DUCKDB_THREADS
// over the defaults.
type duckFlags struct {
	memory  string
	threads int
}

func (d *duckFlags) register(fs *flag.FlagSet) {
	def, _ := indicators.ConfigFromEnv()
	fs.StringVar(&d.memory, "memory", def.MemoryLimit, "`TAILLE` : mémoire permise à DuckDB pour les calculs d'indicateurs (variable LIGERDATA_DUCKDB_MEMORY)")
	fs.IntVar(&d.threads, "threads", def.Threads, "`N` fils d'exécution de DuckDB pour les calculs d'indicateurs (variable LIGERDATA_DUCKDB_THREADS)")
}

func (d *duckFlags) config() (indicators.Config, error) {
	if _, err := indicators.ConfigFromEnv(); err != nil {
		return indicators.Config{}, err
	}
	c := indicators.Config{MemoryLimit: d.memory, Threads: d.threads}
	return c, c.Check()
}

// indicatorInputs maps every dataset a pipeline publishes to its schema:
// those of defs, and when defs come from a steward's folder, those of the
// embedded pipelines too (their releases may be in the store).
// It also maps each of them to its licence.
func indicatorInputs(defsDir string, defs []*pipelines.Definition) (map[string]*schemas.Schema, map[string]string) {
	out, licences := map[string]*schemas.Schema{}, map[string]string{}
	add := func(list []*pipelines.Definition) {
		for _, d := range list {
			out[d.Dataset], licences[d.Dataset] = d.TableSchema, d.Licence
		}
	}
	if defsDir != "" {
		if embedded, err := loadDefs(""); err == nil {
			add(embedded)
		}
	}
	add(defs)
	return out, licences
}

// loadIndicators loads the embedded indicators and, with --defs DIR, the
// steward's own in DIR/indicators (*.yaml + *.sql). prepare also prepares
// every query in DuckDB (lint).
func loadIndicators(defsDir string, pdefs []*pipelines.Definition, prepare bool) ([]*indicators.Definition, error) {
	inputs, licences := indicatorInputs(defsDir, pdefs)
	l := &indicators.Loader{Inputs: inputs, Licences: licences, Prepare: prepare}
	sources := []fs.FS{indicators.Embedded}
	if defsDir != "" {
		own := filepath.Join(defsDir, "indicators")
		if st, err := os.Stat(own); err == nil && st.IsDir() {
			sources = append(sources, os.DirFS(own))
		}
	}
	var defs []*indicators.Definition
	var errs indicators.DefErrors
	seen := map[string]bool{}
	for i, fsys := range sources {
		loaded, err := l.LoadAll(fsys)
		if i > 0 && err != nil {
			// Positions in a steward's files are reported with the folder.
			var des indicators.DefErrors
			if errors.As(err, &des) {
				for _, e := range des {
					e.File = filepath.Join(defsDir, "indicators", e.File)
				}
			}
		}
		if errs.Add("indicators", err) {
			continue
		}
		for _, d := range loaded {
			if seen[d.ID] {
				errs = append(errs, &indicators.DefError{File: filepath.Join(defsDir, "indicators", d.File), Path: "id", Msg: fmt.Sprintf("indicator %q is already defined by the embedded indicators", d.ID)})
				continue
			}
			seen[d.ID] = true
			defs = append(defs, d)
		}
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	return defs, nil
}

func newEngine(c *common, cfg indicators.Config, force bool, logger *slog.Logger) (*indicators.Engine, error) {
	st, err := store.Open(c.store)
	if err != nil {
		return nil, err
	}
	return &indicators.Engine{Store: st, DuckDB: cfg, Catalog: catalogMeta(c.baseURL), Logger: logger, Force: force}, nil
}

// pipelineIndicators prepares the indicators computed after pipeline runs.
func pipelineIndicators(c *common, pdefs []*pipelines.Definition, cfg indicators.Config, logger *slog.Logger) (*pipelines.Indicators, error) {
	idefs, err := loadIndicators(c.defs, pdefs, false)
	if err != nil {
		return nil, err
	}
	e, err := newEngine(c, cfg, false, logger)
	if err != nil {
		return nil, err
	}
	return &pipelines.Indicators{Engine: e, Defs: idefs}, nil
}

// serveIndicators prepares the indicators the daemon computes after the
// runs that publish their inputs; DuckDB is configured from the
// environment (LIGERDATA_DUCKDB_MEMORY, LIGERDATA_DUCKDB_THREADS).
func serveIndicators(c *common, defsDir string, pdefs []*pipelines.Definition, logger *slog.Logger) (*pipelines.Indicators, error) {
	cfg, err := indicators.ConfigFromEnv()
	if err != nil {
		return nil, err
	}
	cc := *c
	cc.defs = defsDir
	return pipelineIndicators(&cc, pdefs, cfg, logger)
}

// cmdIndicators computes indicators on their own, over what is published.
func cmdIndicators(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("indicators", stderr)
	var c common
	c.register(fs, true)
	var d duckFlags
	d.register(fs)
	force := fs.Bool("force", false, "calculer même quand la définition et les jeux lus n'ont pas changé")
	ids, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	cfg, err := d.config()
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata indicators :", err)
		return exitUsage
	}
	pdefs, err := loadDefs(c.defs)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	idefs, err := loadIndicators(c.defs, pdefs, false)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	selected, err := selectIndicators(idefs, ids)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata indicators :", err)
		return exitUsage
	}
	logger := c.logger(stderr)
	e, err := newEngine(&c, cfg, *force, logger)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata indicators :", err)
		return exitFailed
	}
	if len(ids) == 0 {
		selected = readyIndicators(e, selected, stderr)
	}
	ms, err := e.ComputeAll(ctx, selected)
	if c.json {
		printJSON(stdout, ms)
	} else {
		printIndicatorRuns(stdout, ms)
	}
	return indicatorsExit(err, stderr)
}

// readyIndicators leaves out, saying so, the indicators whose inputs have
// not been published yet: without names, `ligerdata indicators` computes
// what it can.
func readyIndicators(e *indicators.Engine, defs []*indicators.Definition, stderr io.Writer) []*indicators.Definition {
	var out []*indicators.Definition
	for _, d := range defs {
		if missing := indicators.Waiting(e.Store.PublicDir(), d, defs); len(missing) > 0 {
			fmt.Fprintf(stderr, "%s : en attente de la publication de %s\n", d.ID, strings.Join(missing, ", "))
			continue
		}
		out = append(out, d)
	}
	return out
}

func selectIndicators(defs []*indicators.Definition, ids []string) ([]*indicators.Definition, error) {
	return selectByID(defs, ids, "indicateur inconnu", "indicateurs connus", func(d *indicators.Definition) string { return d.ID })
}

func printIndicatorRuns(w io.Writer, ms []*indicators.RunManifest) {
	for _, m := range ms {
		fmt.Fprintf(w, "%-40s %-12s %d lignes", m.Indicator, indicatorOutcomeLabel(m.Outcome), m.Rows)
		if m.Release != "" {
			fmt.Fprintf(w, ", version %s", m.Release)
		}
		fmt.Fprintln(w)
	}
}

// indicatorOutcomeLabels name the outcomes of a computation in French.
var indicatorOutcomeLabels = map[string]string{
	indicators.OutcomeComputed:    "calculé",
	indicators.OutcomeUnchanged:   "inchangé",
	indicators.OutcomeAuditFailed: "bloqué",
	indicators.OutcomeFailed:      "en échec",
}

func indicatorOutcomeLabel(o string) string {
	if l, ok := indicatorOutcomeLabels[o]; ok {
		return l
	}
	return o
}

// indicatorsExit prints the error of computations and returns the exit
// code: failed (1) before blocked by an audit (3) before ok.
func indicatorsExit(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, err)
	var joined interface{ Unwrap() []error }
	errs := []error{err}
	if errors.As(err, &joined) {
		errs = joined.Unwrap()
	}
	for _, e := range errs {
		if !errors.Is(e, indicators.ErrAuditFailed) {
			return exitFailed
		}
	}
	return exitBlocked
}
