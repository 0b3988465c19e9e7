// Command ligerdata harvests the open data of the Pays de la Loire region,
// validates it against declared Table Schemas and publishes it.
//
// Exit codes: 0 ok, 1 run failed or data invalid, 2 usage or definition
// error, 3 release blocked by a gate.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Europe/Paris for the scheduler, whatever the host has
)

// Exit codes of the command.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitBlocked = 3
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := startProfile(os.Stderr)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopProfile()
	stop()
	os.Exit(code)
}

const usage = `ligerdata moissonne, vérifie et publie les données ouvertes des Pays de la Loire.

Utilisation :
  ligerdata run [CHAÎNE...] [--all] [--store DOSSIER] [--defs DOSSIER] [--replay DOSSIER] [--record DOSSIER] [--full] [--json]
  ligerdata indicators [INDICATEUR...] [--store DOSSIER] [--defs DOSSIER] [--force] [--memory TAILLE] [--threads N] [--json]
  ligerdata validate --schema FICHIER_OU_NOM FICHIER_DE_DONNÉES [--delimiter C] [--json]
  ligerdata validate DATAPACKAGE.json [--json]
  ligerdata lint [--defs DOSSIER] [--json]
  ligerdata serve [--config FICHIER] [--addr HÔTE:PORT] [--store DOSSIER] [--defs DOSSIER] [--no-schedule]
  ligerdata token NOM
  ligerdata demo [--addr HÔTE:PORT] [--store DOSSIER] [--replay DOSSIER] [--no-serve]
  ligerdata release approve CHAÎNE EXÉCUTION --by NOM [--reason TEXTE] [--store DOSSIER] [--defs DOSSIER]
  ligerdata publish udata JEU [--release ID] [--portal URL] [--organization ID] [--mode upload|remote]
  ligerdata connectors [--markdown]
  ligerdata version
  ligerdata help [COMMANDE]          (ou COMMANDE -h)

Codes de sortie : 0 succès, 1 exécution en échec ou données invalides, 2 erreur d'utilisation ou de définition, 3 publication bloquée par une règle ou un contrôle.
Le journal va sur la sortie d'erreur ; --json écrit des résultats lisibles par un programme sur la sortie standard.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "help":
		c, r, code := cmdHelp(rest, stdout, stderr)
		if c == "" {
			return code
		}
		cmd, rest = c, r
	}
	if _, known := commands[cmd]; known && wantsHelp(rest) {
		if cmd == "version" {
			printCommandHelp(stdout, cmd, nil)
			return exitOK
		}
		// The command prints its help, with its options, on stdout.
		return dispatch(ctx, cmd, helpArgs(cmd), stdout, stdout)
	}
	return dispatch(ctx, cmd, rest, stdout, stderr)
}

// dispatch runs a command.
func dispatch(ctx context.Context, cmd string, rest []string, stdout, stderr io.Writer) int {
	switch cmd {
	case "run":
		return cmdRun(ctx, rest, stdout, stderr)
	case "indicators":
		return cmdIndicators(ctx, rest, stdout, stderr)
	case "validate":
		return cmdValidate(ctx, rest, stdout, stderr)
	case "lint":
		return cmdLint(rest, stdout, stderr)
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, rest, stdout, stderr)
	case "connectors":
		return cmdConnectors(rest, stdout, stderr)
	case "release":
		return cmdRelease(ctx, rest, stdout, stderr)
	case "publish":
		return cmdPublish(ctx, rest, stdout, stderr)
	case "token":
		return cmdToken(rest, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "ligerdata", version)
		return exitOK
	}
	unknownCommand(stderr, cmd)
	return exitUsage
}
