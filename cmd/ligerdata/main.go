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

const usage = `ligerdata harvests, validates and publishes the open data of the Pays de la Loire region.

Usage:
  ligerdata run [PIPELINE...] [--all] [--store DIR] [--defs DIR] [--replay DIR] [--record DIR] [--full] [--json]
  ligerdata indicators [INDICATOR...] [--store DIR] [--defs DIR] [--force] [--memory SIZE] [--threads N] [--json]
  ligerdata validate --schema FILE_OR_NAME DATA_FILE [--delimiter C] [--json]
  ligerdata lint [--defs DIR] [--json]
  ligerdata serve [--config FILE] [--addr HOST:PORT] [--store DIR] [--defs DIR] [--no-schedule]
  ligerdata token NAME
  ligerdata demo [--addr HOST:PORT] [--store DIR] [--replay DIR] [--no-serve]
  ligerdata release approve PIPELINE RUN --by NAME [--reason TEXT] [--store DIR] [--defs DIR]
  ligerdata publish udata DATASET [--release ID] [--portal URL] [--organization ID] [--mode upload|remote]
  ligerdata connectors [--markdown]
  ligerdata version
  ligerdata help [COMMAND]          (or COMMAND -h)

Exit codes: 0 ok, 1 run failed or data invalid, 2 usage or definition error, 3 release blocked by a gate or an audit.
Logs go to stderr; --json prints machine-readable results on stdout.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	if _, known := commands[cmd]; known && cmd != "help" && wantsHelp(rest) {
		printCommandHelp(stdout, cmd)
		return exitOK
	}
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
	case "help":
		return cmdHelp(rest, stdout, stderr)
	case "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	unknownCommand(stderr, cmd)
	return exitUsage
}
