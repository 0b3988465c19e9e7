package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/ligerdata/ligerdata/internal/yamldef"
)

// commandHelp is what `ligerdata COMMAND -h` and `ligerdata help COMMAND`
// print: a description and an example, after the command's usage line and
// before its options.
type commandHelp struct{ what, example string }

var commands = map[string]commandHelp{
	"run":        {"Moissonne, vérifie et publie les chaînes nommées (toutes avec --all), puis calcule les indicateurs qui les lisent.", "ligerdata run ping-lieux-mediation --replay testdata/replay"},
	"indicators": {"Calcule dans DuckDB les indicateurs dont les jeux lus sont publiés (ou ceux nommés).", "ligerdata indicators --force"},
	"validate":   {"Vérifie un fichier CSV selon un schéma (fichier ou schéma intégré), ou chaque ressource d'un datapackage.json (clés étrangères entre elles comprises), et liste chaque problème avec sa ligne, son champ et sa raison.", "ligerdata validate --schema lieux-mediation-numerique lieux.csv"},
	"lint":       {"Vérifie toutes les définitions de chaînes, les schémas et les indicateurs, et signale tous les problèmes à la fois.", "ligerdata lint --defs ./mes-chaines"},
	"serve":      {"Exécute les chaînes selon leur planification et sert le site, le tableau de bord et les actions des responsables.", "ligerdata serve --config ligerdata.yaml"},
	"token":      {"Crée un jeton de responsable et affiche l'empreinte SHA-256 que garde la configuration du serveur.", "ligerdata token alice"},
	"demo":       {"Exécute toutes les chaînes sur les réponses enregistrées, puis sert le site.", "ligerdata demo --addr 127.0.0.1:8080"},
	"release":    {"Publie la moisson d'une exécution bloquée par une règle, telle qu'elle a été moissonnée, en enregistrant qui l'a approuvée et pourquoi.", "ligerdata release approve ping-lieux-mediation 20261205T041500Z-1a2b --by alice --reason \"rejets connus\""},
	"publish":    {"Crée ou met à jour le jeu sur un portail udata et y dépose ses fichiers (clé d'API dans UDATA_API_KEY).", "ligerdata publish udata lieux-mediation-numerique-pdl --portal https://demo.data.gouv.fr"},
	"connectors": {"Liste les connecteurs et leurs options.", "ligerdata connectors --markdown"},
	"version":    {"Affiche la version.", "ligerdata version"},
	"help":       {"Affiche l'aide d'une commande.", "ligerdata help run"},
}

// errHelp is returned by parseFlags once it printed a command's help.
var errHelp = errors.New("help printed")

// wantsHelp reports whether a command's arguments ask for its help.
func wantsHelp(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool { return a == "-h" || a == "--help" || a == "-help" })
}

// helpArgs are the arguments that make a command print its help through
// its own flags (release and publish take their subcommand first).
func helpArgs(cmd string) []string {
	switch cmd {
	case "release":
		return []string{"approve", "-h"}
	case "publish":
		return []string{"udata", "-h"}
	}
	return []string{"-h"}
}

// flagExit is a command's exit code after parseFlags failed: 0 when it
// printed the help, 2 (usage) otherwise.
func flagExit(err error) int {
	if errors.Is(err, errHelp) {
		return exitOK
	}
	return exitUsage
}

// printCommandHelp prints a command's usage line, description, options
// (those of fs, when given) and example.
func printCommandHelp(w io.Writer, cmd string, fs *flag.FlagSet) {
	h := commands[cmd]
	fmt.Fprintln(w, "Utilisation :")
	for _, l := range strings.Split(usage, "\n") {
		if strings.HasPrefix(l, "  ligerdata "+cmd+" ") || l == "  ligerdata "+cmd {
			fmt.Fprintln(w, l)
		}
	}
	fmt.Fprintf(w, "\n%s\n", h.what)
	if fs != nil {
		fmt.Fprintln(w, "\nOptions :")
		fs.VisitAll(func(f *flag.Flag) { fmt.Fprintln(w, optionLine(f)) })
	}
	fmt.Fprintf(w, "\nExemple :\n  %s\n", h.example)
}

// optionLine describes an option: "  --store DOSSIER  dossier du magasin
// (par défaut : data)". A backquoted word of the usage names its value.
func optionLine(f *flag.Flag) string {
	name, text := flag.UnquoteUsage(f)
	if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); isBool {
		name = ""
	} else if name == "" || name == "value" || name == "string" || name == "int" {
		name = "VALEUR"
	}
	// A French word naming the value opens the sentence: "DOSSIER du
	// magasin" reads "dossier du magasin"; acronyms stay.
	if name != "" && len(name) >= 3 && name != "URL" && !strings.Contains(name, ":") && strings.HasPrefix(text, name) {
		text = strings.ToLower(name) + text[len(name):]
	}
	head := "  --" + f.Name
	if name != "" {
		head += " " + name
	}
	line := fmt.Sprintf("%-28s %s", head, text)
	if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
		line += " (par défaut : " + f.DefValue + ")"
	}
	return line
}

// cmdHelp serves `ligerdata help [COMMAND]`; a command's help is printed
// by the command itself, with its options.
func cmdHelp(args []string, stdout, stderr io.Writer) (cmd string, rest []string, code int) {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return "", nil, exitOK
	}
	if _, ok := commands[args[0]]; !ok || args[0] == "help" {
		if args[0] == "help" {
			printCommandHelp(stdout, "help", nil)
			return "", nil, exitOK
		}
		unknownCommand(stderr, args[0])
		return "", nil, exitUsage
	}
	return args[0], helpArgs(args[0]), exitOK
}

// unknownCommand refuses a command, suggesting the closest known one.
func unknownCommand(w io.Writer, cmd string) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	fmt.Fprintf(w, "ligerdata : commande inconnue %q", cmd)
	if s := closest(cmd, names); s != "" {
		fmt.Fprintf(w, " (vouliez-vous dire %q ?)", s)
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

// The flag package's refusals, turned into French by flagErrorFrench.
var (
	reFlagUnknown = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	reFlagNoValue = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	reFlagBadVal  = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-+([^:]*): (.*)$`)
	reFlagSyntax  = regexp.MustCompile(`^bad flag syntax: (.*)$`)
)

// flagErrorFrench says in French why the flag package refused the
// arguments of a command, with "vouliez-vous dire --store ?" after an
// unknown option near a known one.
func flagErrorFrench(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := reFlagUnknown.FindStringSubmatch(msg); m != nil {
		var known []string
		fs.VisitAll(func(f *flag.Flag) { known = append(known, f.Name) })
		out := "option inconnue : --" + m[1]
		if s := closest(m[1], known); s != "" {
			out += " (vouliez-vous dire --" + s + " ?)"
		}
		return out
	}
	if m := reFlagNoValue.FindStringSubmatch(msg); m != nil {
		return "l'option --" + m[1] + " demande une valeur"
	}
	if m := reFlagBadVal.FindStringSubmatch(msg); m != nil {
		reason := m[3]
		switch {
		case strings.Contains(reason, "parse error") || strings.Contains(reason, "invalid syntax"):
			reason = "ce n'est pas une valeur de ce type (nombre, durée ou oui/non attendu)"
		case strings.Contains(reason, "value out of range"):
			reason = "nombre trop grand"
		}
		return fmt.Sprintf("valeur %q refusée pour l'option --%s : %s", m[1], m[2], reason)
	}
	if m := reFlagSyntax.FindStringSubmatch(msg); m != nil {
		return "option mal écrite : " + m[1]
	}
	return msg
}
