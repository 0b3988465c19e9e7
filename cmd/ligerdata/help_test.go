package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/pipelines"
)

// Every command answers -h and help COMMAND, on stdout, in French, with
// its usage, a description, its options and an example, exiting 0.
func TestHelpOfEveryCommand(t *testing.T) {
	for name, h := range commands {
		if name == "help" {
			continue
		}
		for _, args := range [][]string{{name, "-h"}, {name, "--help"}, {"help", name}} {
			code, out, errs := runCmd(t, args...)
			if code != exitOK || !strings.Contains(out, "  ligerdata "+name) || !strings.Contains(out, h.what) || !strings.Contains(out, "Exemple :\n  "+h.example) || errs != "" {
				t.Errorf("%q: exit %d\n%s%s", args, code, out, errs)
			}
		}
	}
	if code, _, errs := runCmd(t, "help", "nope"); code != exitUsage || !strings.Contains(errs, `commande inconnue "nope"`) {
		t.Errorf("help nope: exit %d\n%s", code, errs)
	}
}

func TestDidYouMean(t *testing.T) {
	code, _, errs := runCmd(t, "valdiate")
	if code != exitUsage || !strings.Contains(errs, `commande inconnue "valdiate" (vouliez-vous dire "validate" ?)`) {
		t.Errorf("mistyped command: exit %d\n%s", code, errs)
	}
	if _, _, errs := runCmd(t, "xyzzy"); strings.Contains(errs, "vouliez-vous dire") {
		t.Errorf("far from every command, yet a suggestion:\n%s", errs)
	}
	defs := []*pipelines.Definition{{ID: "geopal-lycees"}, {ID: "hal-publications"}}
	if _, err := selectDefs(defs, []string{"geopal-lycee"}); err == nil || err.Error() != `chaîne inconnue : "geopal-lycee" (vouliez-vous dire "geopal-lycees" ?)` {
		t.Errorf("mistyped pipeline: %v", err)
	}
}

// A blocked run's summary, in French, names its run id, the gate that
// blocked it and the exact approval command.
func TestBlockedSummaryLine(t *testing.T) {
	var b bytes.Buffer
	printSummary(&b, "ping-lieux-mediation", &pipelines.Manifest{RunID: "20261205T041500Z-1a2b", Outcome: pipelines.OutcomeBlocked, Read: 10, Accepted: 7, Rejected: 3, Warned: 2,
		Error: "release blocked by a gate: rejected_share: 3 lignes rejetées sur 10 lues (30,0 %, seuil 25,0 %)",
		Gates: []pipelines.GateResult{{Gate: "empty", Passed: true}, {Gate: "rejected_share", Detail: "3 lignes rejetées sur 10 lues (30,0 %, seuil 25,0 %)"}}})
	want := "ping-lieux-mediation                 bloquée     exécution 20261205T041500Z-1a2b : 10 lues, 7 acceptées (dont 2 avec avertissement), 3 rejetées ; bloquée par la règle « part de lignes rejetées » : 3 lignes rejetées sur 10 lues (30,0 %, seuil 25,0 %)\n" +
		"  pour la publier malgré tout : ligerdata release approve ping-lieux-mediation 20261205T041500Z-1a2b --by NOM --reason \"RAISON\"\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

// The progress line, in French, redraws itself in place; nothing is drawn
// when stderr is not a terminal (a buffer here).
func TestProgressLine(t *testing.T) {
	got := progressLine(pipelines.Progress{Pipeline: "geopal-lycees", Stage: pipelines.StageHarvest, Pages: 3, Rows: 2500, Rejected: 12, Bytes: 1_234_567})
	want := "\rgeopal-lycees : moisson, 3 pages, 2500 lignes (12 rejetées), 1,2 Mo reçus\x1b[K"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for n, want := range map[int64]string{999: "999 o", 1000: "1,0 ko", 45_600_000: "45,6 Mo", 2_500_000_000: "2,5 Go"} {
		if got := byteSize(n); got != want {
			t.Errorf("byteSize(%d) = %q, want %q", n, got, want)
		}
	}
	var r pipelines.Runner
	var b bytes.Buffer
	showProgress(&r, &b)()
	if r.Progress != nil || b.Len() != 0 {
		t.Error("progress drawn on a buffer")
	}
}

// Refusals of options are in French, exit 2, and name the command's help;
// an unknown value of an option is refused.
func TestDidYouMeanFlag(t *testing.T) {
	code, _, errs := runCmd(t, "lint", "--jsno")
	if code != exitUsage || errs != "ligerdata lint : option inconnue : --jsno (vouliez-vous dire --json ?)\nVoir « ligerdata help lint ».\n" {
		t.Errorf("mistyped flag: exit %d\n%s", code, errs)
	}
	cases := map[string][]string{
		"ligerdata lint : valeur \"bavard\" refusée pour l'option --log-level : niveau inconnu (debug, info, warn ou error attendu)\n":                     {"lint", "--log-level", "bavard"},
		"ligerdata validate : valeur \"dix\" refusée pour l'option --max-errors : ce n'est pas une valeur de ce type (nombre, durée ou oui/non attendu)\n": {"validate", "--max-errors", "dix"},
		"ligerdata run : l'option --store demande une valeur\n":                                                                                            {"run", "--all", "--store"},
	}
	for want, args := range cases {
		code, _, errs := runCmd(t, args...)
		if code != exitUsage || !strings.HasPrefix(errs, want) || strings.Contains(errs, "flag") {
			t.Errorf("%q: exit %d\n%s", args, code, errs)
		}
	}
}

// -h lists a command's options with their value and default, in French.
func TestHelpListsOptions(t *testing.T) {
	code, out, _ := runCmd(t, "help", "run")
	for _, want := range []string{"\nOptions :\n", "  --store DOSSIER", "dossier du magasin", "(par défaut : data)", "  --all ", "exécuter toutes les chaînes", "  --log-level NIVEAU"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("help run: exit %d, missing %q\n%s", code, want, out)
		}
	}
}
