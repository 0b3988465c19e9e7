package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/pipelines"
)

// Every command answers -h and help COMMAND with its usage, a description
// and an example, exiting 0.
func TestHelpOfEveryCommand(t *testing.T) {
	for name, h := range commands {
		if name == "help" {
			continue
		}
		for _, args := range [][]string{{name, "-h"}, {name, "--help"}, {"help", name}} {
			code, out, errs := runCmd(t, args...)
			if code != exitOK || !strings.Contains(out, "  ligerdata "+name) || !strings.Contains(out, h.what) || !strings.Contains(out, "Example:\n  "+h.example) {
				t.Errorf("%q: exit %d\n%s%s", args, code, out, errs)
			}
		}
	}
	if code, _, errs := runCmd(t, "help", "nope"); code != exitUsage || !strings.Contains(errs, `unknown command "nope"`) {
		t.Errorf("help nope: exit %d\n%s", code, errs)
	}
}

func TestDidYouMean(t *testing.T) {
	code, _, errs := runCmd(t, "valdiate")
	if code != exitUsage || !strings.Contains(errs, `unknown command "valdiate" (did you mean "validate"?)`) {
		t.Errorf("mistyped command: exit %d\n%s", code, errs)
	}
	if _, _, errs := runCmd(t, "xyzzy"); strings.Contains(errs, "did you mean") {
		t.Errorf("far from every command, yet a suggestion:\n%s", errs)
	}
	defs := []*pipelines.Definition{{ID: "geopal-lycees"}, {ID: "hal-publications"}}
	if _, err := selectDefs(defs, []string{"geopal-lycee"}); err == nil || err.Error() != `unknown pipeline "geopal-lycee" (did you mean "geopal-lycees"?)` {
		t.Errorf("mistyped pipeline: %v", err)
	}
}

// A blocked run's summary names its run id and the exact approval command.
func TestBlockedSummaryLine(t *testing.T) {
	var b bytes.Buffer
	printSummary(&b, "ping-lieux-mediation", &pipelines.Manifest{RunID: "20261205T041500Z-1a2b", Outcome: pipelines.OutcomeBlocked, Read: 10, Accepted: 7, Rejected: 3,
		Error: "release blocked by a gate: rejected_share: 3 lignes rejetées sur 10 lues (30,0 %, seuil 25,0 %)"})
	want := "ping-lieux-mediation             blocked    run 20261205T041500Z-1a2b, read 10, accepted 7, rejected 3: release blocked by a gate: rejected_share: 3 lignes rejetées sur 10 lues (30,0 %, seuil 25,0 %)\n" +
		"  to publish it anyway: ligerdata release approve ping-lieux-mediation 20261205T041500Z-1a2b --by NAME --reason TEXT\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

// The progress line redraws itself in place; nothing is drawn when stderr
// is not a terminal (a buffer here).
func TestProgressLine(t *testing.T) {
	got := progressLine(pipelines.Progress{Pipeline: "geopal-lycees", Stage: pipelines.StageHarvest, Pages: 3, Rows: 2500, Rejected: 12, Bytes: 1_234_567})
	want := "\rgeopal-lycees: harvesting, 3 pages, 2500 rows (12 rejected), 1.2 MB received\x1b[K"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	var r pipelines.Runner
	var b bytes.Buffer
	showProgress(&r, &b)()
	if r.Progress != nil || b.Len() != 0 {
		t.Error("progress drawn on a buffer")
	}
}

func TestDidYouMeanFlag(t *testing.T) {
	code, _, errs := runCmd(t, "lint", "--jsno")
	if code != exitUsage || !strings.Contains(errs, "did you mean --json?") {
		t.Errorf("mistyped flag: exit %d\n%s", code, errs)
	}
}
