package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
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
		fs.StringVar(&c.store, "store", envOr("LIGERDATA_STORE", "data"), "`DOSSIER` du magasin (réponses brutes, exécutions, lignes rejetées, fichiers publiés)")
		fs.StringVar(&c.defs, "defs", "", "`DOSSIER` des définitions de chaînes (par défaut, celles intégrées au programme)")
		fs.StringVar(&c.baseURL, "base-url", envOr("LIGERDATA_BASE_URL", "http://127.0.0.1:8080"), "`URL` publique du site, reprise dans le catalogue")
	}
	fs.BoolVar(&c.json, "json", false, "écrire sur la sortie standard des résultats lisibles par un programme (JSON)")
	c.logLevel = envOr("LIGERDATA_LOG_LEVEL", "info")
	fs.Var((*logLevelFlag)(&c.logLevel), "log-level", "`NIVEAU` du journal : debug, info, warn ou error")
}

// logLevelFlag is the --log-level option: an unknown level is refused.
type logLevelFlag string

func (l *logLevelFlag) String() string { return string(*l) }

func (l *logLevelFlag) Set(v string) error {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(v)); err != nil {
		return errors.New("niveau inconnu (debug, info, warn ou error attendu)")
	}
	*l = logLevelFlag(v)
	return nil
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
// arguments, and returns the positional ones. -h prints the command's help
// with its options (errHelp); a refusal is said in French, with the
// command's help to read, and the flag package's own English is silenced.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	out := fs.Output()
	cmd := strings.Fields(strings.TrimPrefix(fs.Name(), "ligerdata "))[0]
	if wantsHelp(args) {
		printCommandHelp(out, cmd, fs)
		return nil, errHelp
	}
	fs.SetOutput(io.Discard)
	defer fs.SetOutput(out)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			fmt.Fprintf(out, "%s : %s\nVoir « ligerdata help %s ».\n", fs.Name(), flagErrorFrench(fs, err), cmd)
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
	if dir != "" {
		return l.LoadDir(dir)
	}
	return l.LoadAll(pipelines.Embedded)
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
	return &pipelines.Runner{
		Store:     st,
		Logger:    logger,
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
	runAll := fs.Bool("all", false, "exécuter toutes les chaînes")
	replay := fs.String("replay", "", "rejouer les réponses enregistrées dans ce `DOSSIER` au lieu d'interroger le réseau")
	record := fs.String("record", "", "garder une copie de chaque réponse dans ce `DOSSIER`, au format de rejeu")
	full := fs.Bool("full", false, "traiter les sources même quand elles n'ont pas changé")
	var duck duckFlags
	duck.register(fs)
	names, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(names) == 0 && !*runAll {
		fmt.Fprintln(stderr, "ligerdata run : nommez des chaînes ou donnez --all")
		return exitUsage
	}
	if len(names) > 0 && *runAll {
		fmt.Fprintln(stderr, "ligerdata run : nommez des chaînes ou donnez --all, pas les deux")
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
		fmt.Fprintln(stderr, "ligerdata run :", err)
		return exitUsage
	}
	runner, err := newRunner(&c, *replay, *record, *full, logger)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata run :", err)
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
	return selectByID(defs, names, "chaîne inconnue", "chaînes connues", func(d *pipelines.Definition) string { return d.ID })
}

// selectByID returns the definitions named, in the order given (all of
// them when none is named); an unknown name is an error, in French, that
// suggests the nearest known name or lists them: unknown ("chaîne
// inconnue") and known ("chaînes connues") word it.
func selectByID[T any](defs []T, names []string, unknown, known string, id func(T) string) ([]T, error) {
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
				return nil, fmt.Errorf("%s : %q (vouliez-vous dire %q ?)", unknown, n, s)
			}
			return nil, fmt.Errorf("%s : %q (%s : %s)", unknown, n, known, strings.Join(ids, ", "))
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
			if code == exitOK {
				code = exitBlocked
			}
		default:
			fmt.Fprintf(stderr, "%s : %s\n", def.ID, termSafe(failureFrench(err.Error())))
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
	fs.StringVar(&c.defs, "defs", "", "`DOSSIER` des définitions de chaînes (par défaut, celles intégrées au programme)")
	if _, err := parseFlags(fs, args); err != nil {
		return flagExit(err)
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
			fmt.Fprintf(stdout, "%d chaînes, %d indicateurs et %d schémas sont valides\n", len(defs), len(idefs), len(schemas.Names()))
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
	markdown := fs.Bool("markdown", false, "écrire la page de documentation docs/connectors.md")
	asJSON := fs.Bool("json", false, "écrire sur la sortie standard des résultats lisibles par un programme (JSON)")
	if _, err := parseFlags(fs, args); err != nil {
		return flagExit(err)
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
					req = " (obligatoire)"
				}
				def := ""
				if o.Default != "" {
					def = fmt.Sprintf(" [par défaut : %s]", o.Default)
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
	addr := fs.String("addr", envOr("LIGERDATA_ADDR", "127.0.0.1:8080"), "`HÔTE:PORT` où écouter")
	replay := fs.String("replay", filepath.Join("testdata", "replay"), "`DOSSIER` des réponses enregistrées")
	noServe := fs.Bool("no-serve", false, "exécuter les chaînes et s'arrêter, sans servir le site")
	var duck duckFlags
	duck.register(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return flagExit(err)
	}
	if _, err := os.Stat(*replay); err != nil {
		fmt.Fprintf(stderr, "ligerdata demo : réponses enregistrées introuvables : %v (lancez la commande depuis la racine du dépôt ou donnez --replay)\n", err)
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
		fmt.Fprintln(stderr, "ligerdata demo :", err)
		return exitFailed
	}
	ix, code := prepareIndicators(&c, defs, &duck, logger, stderr)
	if code != exitOK {
		return code
	}
	if err := seedAttendance(ctx, c.store, *replay); err != nil {
		fmt.Fprintln(stderr, "ligerdata demo : déclarations de fréquentation :", err)
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
		fmt.Fprintln(stderr, "utilisation : ligerdata release approve CHAÎNE EXÉCUTION --by NOM [--reason TEXTE]")
		return exitUsage
	}
	fs := newFlagSet("release approve", stderr)
	var c common
	c.register(fs, true)
	by := fs.String("by", os.Getenv("USER"), "`NOM` de qui approuve (enregistré dans le manifeste de l'exécution)")
	reason := fs.String("reason", "", "`TEXTE` : pourquoi la version bloquée peut être publiée (enregistré)")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 2 {
		fmt.Fprintln(stderr, "utilisation : ligerdata release approve CHAÎNE EXÉCUTION --by NOM [--reason TEXTE]")
		return exitUsage
	}
	defs, err := loadDefs(c.defs)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	selected, err := selectDefs(defs, pos[:1])
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata release approve :", err)
		return exitUsage
	}
	runner, err := newRunner(&c, "", "", false, c.logger(stderr))
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata release approve :", err)
		return exitFailed
	}
	m, err := runner.Approve(ctx, selected[0], pos[1], *by, *reason)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata release approve :", err)
		if errors.Is(err, pipelines.ErrNotBlocked) || errors.Is(err, os.ErrNotExist) {
			return exitUsage
		}
		return exitFailed
	}
	if c.json {
		printJSON(stdout, m)
	} else {
		fmt.Fprintf(stdout, "%s : exécution %s approuvée par %s, publiée en version %s (%d lignes)\n", selected[0].ID, pos[1], *by, m.Release, m.Accepted+m.Kept)
	}
	return exitOK
}

// cmdPublish pushes a published release to a udata portal (data.gouv.fr or
// a regional udata). The API key comes from UDATA_API_KEY, never a flag.
func cmdPublish(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const use = "utilisation : ligerdata publish udata JEU [--release ID] [--portal URL] [--organization ID] [--mode upload|remote]"
	if len(args) == 0 || args[0] != "udata" {
		fmt.Fprintln(stderr, use)
		return exitUsage
	}
	fs := newFlagSet("publish udata", stderr)
	var c common
	c.register(fs, true)
	release := fs.String("release", "latest", "`VERSION` à envoyer")
	portal := fs.String("portal", envOr("UDATA_URL", "https://www.data.gouv.fr"), "`URL` du portail udata")
	org := fs.String("organization", os.Getenv("UDATA_ORGANIZATION"), "`ID` de l'organisation udata propriétaire des jeux")
	mode := fs.String("mode", udata.ModeUpload, "`MODE` : upload envoie les fichiers ; remote fait pointer les ressources vers les adresses immuables de ce site")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, use)
		return exitUsage
	}
	st, err := store.Open(c.store)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata publish :", err)
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
		fmt.Fprintln(stderr, "ligerdata publish :", err)
		return exitUsage
	}
	res, err := p.Push(ctx, st.PublicDir(), pos[0], *release)
	if err != nil {
		fmt.Fprintln(stderr, "ligerdata publish :", err)
		return exitFailed
	}
	if c.json {
		printJSON(stdout, res)
		return exitOK
	}
	fmt.Fprintf(stdout, "%s → %s : %d envoyés, %d remplacés, %d inchangés\n", pos[0], res.URL, len(res.Uploaded), len(res.Replaced), len(res.Unchanged))
	return exitOK
}

// printSummary writes a run's summary line, in French: outcome, run id,
// counts, release, and why a run failed or was blocked; for a blocked
// run, the exact command that approves it.
func printSummary(w io.Writer, pipeline string, m *pipelines.Manifest) {
	fmt.Fprintf(w, "%-36s %-11s exécution %s : %d lues, %d acceptées", pipeline, pipelines.OutcomeLabel(m.Outcome), m.RunID, m.Read, m.Accepted)
	if m.Warned > 0 {
		fmt.Fprintf(w, " (dont %d avec avertissement)", m.Warned)
	}
	fmt.Fprintf(w, ", %d rejetées", m.Rejected)
	if m.Release != "" {
		fmt.Fprintf(w, ", version %s", m.Release)
	}
	switch {
	case m.Outcome == pipelines.OutcomeBlocked:
		for _, g := range m.Gates {
			if !g.Passed {
				fmt.Fprintf(w, " ; bloquée par la règle « %s » : %s", pipelines.GateLabel(g.Gate), termSafe(g.Detail))
			}
		}
	case m.Error != "":
		// The reason, on the line a user reads (stderr may be buried in
		// logs).
		fmt.Fprintf(w, " ; %s", termSafe(failureFrench(m.Error)))
	}
	if m.CatalogError != "" {
		fmt.Fprintf(w, " (catalogue non réécrit : %s)", termSafe(m.CatalogError))
	}
	fmt.Fprintln(w)
	if m.Outcome == pipelines.OutcomeBlocked {
		fmt.Fprintf(w, "  pour la publier malgré tout : ligerdata release approve %s %s --by NOM --reason \"RAISON\"\n", pipeline, m.RunID)
	}
}

// failureFrench says why a run failed: the likely cause in French, then
// the program's own text as a technical detail.
func failureFrench(errText string) string {
	if cause := pipelines.FailureCause(errText); cause != "" {
		return cause + " (détail technique : " + errText + ")"
	}
	return "échec (détail technique : " + errText + ")"
}
