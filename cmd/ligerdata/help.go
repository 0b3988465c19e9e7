package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ligerdata/ligerdata/internal/yamldef"
)

// commandHelp is what `ligerdata COMMAND -h` and `ligerdata help COMMAND`
// print: a description and an example, after the command's usage line.
type commandHelp struct{ what, example string }

var commands = map[string]commandHelp{
	"run":        {"Harvest, validate and publish pipelines (all of them without names), then compute the indicators that read them.", "ligerdata run ping-lieux-mediation --replay testdata/replay"},
	"indicators": {"Compute the indicators whose inputs are published (or the ones named) in embedded DuckDB.", "ligerdata indicators --force"},
	"validate":   {"Check a CSV file against a schema file or an embedded schema, or every resource of a datapackage.json (foreign keys between them included), and list every problem with its row, field and reason.", "ligerdata validate --schema lieux-mediation-numerique lieux.csv"},
	"lint":       {"Check every pipeline definition, schema and indicator and report all problems at once.", "ligerdata lint --defs ./mes-chaines"},
	"serve":      {"Run the pipelines on their cron schedules and serve the site, the dashboard and the stewards' actions.", "ligerdata serve --config ligerdata.yaml"},
	"token":      {"Print a new steward token and the SHA-256 the server configuration keeps.", "ligerdata token alice"},
	"demo":       {"Run every pipeline on the recorded responses, then serve the site.", "ligerdata demo --addr 127.0.0.1:8080"},
	"release":    {"Publish the harvest of a run a gate blocked, as it was fetched, recording who approved it and why.", "ligerdata release approve ping-lieux-mediation 20261205T041500Z-1a2b --by alice --reason \"rejets connus\""},
	"publish":    {"Create or update the dataset on a udata portal and upload its files (API key in UDATA_API_KEY).", "ligerdata publish udata lieux-mediation-numerique-pdl --portal https://demo.data.gouv.fr"},
	"connectors": {"List the connectors and their options.", "ligerdata connectors --markdown"},
	"version":    {"Print the version.", "ligerdata version"},
	"help":       {"Print the help of a command.", "ligerdata help run"},
}

// wantsHelp reports whether a command's arguments ask for its help.
func wantsHelp(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool { return a == "-h" || a == "--help" || a == "-help" })
}

// printCommandHelp prints a command's usage line, description and example.
func printCommandHelp(w io.Writer, cmd string) {
	h := commands[cmd]
	fmt.Fprintln(w, "Usage:")
	for _, l := range strings.Split(usage, "\n") {
		if strings.HasPrefix(l, "  ligerdata "+cmd+" ") || l == "  ligerdata "+cmd {
			fmt.Fprintln(w, l)
		}
	}
	fmt.Fprintf(w, "\n%s\n\nExample:\n  %s\n", h.what, h.example)
}

// cmdHelp serves `ligerdata help [COMMAND]`.
func cmdHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if _, ok := commands[args[0]]; !ok {
		unknownCommand(stderr, args[0])
		return exitUsage
	}
	printCommandHelp(stdout, args[0])
	return exitOK
}

// unknownCommand refuses a command, suggesting the closest known one.
func unknownCommand(w io.Writer, cmd string) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	fmt.Fprintf(w, "ligerdata: unknown command %q", cmd)
	if s := closest(cmd, names); s != "" {
		fmt.Fprintf(w, " (did you mean %q?)", s)
	}
	fmt.Fprintf(w, "\n\n%s", usage)
}

// closest returns the known name nearest to s when it is near enough to
// be a typo (edit distance 1, or 2 for a name of four letters or more),
// else "".
func closest(s string, known []string) string {
	best, bestD := "", 3
	slices.Sort(known)
	for _, k := range known {
		if d := yamldef.EditDistance(s, k); d < bestD && (d <= 1 || len(k) >= 4) {
			best, bestD = k, d
		}
	}
	return best
}

// suggestFlag adds "did you mean --store?" after the flag package's refusal
// of an unknown flag, when a known one is near.
func suggestFlag(fs *flag.FlagSet, err error) {
	name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: ")
	if !ok {
		return
	}
	name = strings.TrimLeft(name, "-")
	var known []string
	fs.VisitAll(func(f *flag.Flag) { known = append(known, f.Name) })
	if s := closest(name, known); s != "" {
		fmt.Fprintf(fs.Output(), "did you mean --%s?\n", s)
	}
}
