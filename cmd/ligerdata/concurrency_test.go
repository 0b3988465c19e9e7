package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/output"
)

// TestChildProcess is not a test: it is how TestCatalogueUnderConcurrentProcesses
// runs `ligerdata` in other processes (the test binary started again with
// LIGERDATA_TEST_CHILD holding the arguments).
func TestChildProcess(t *testing.T) {
	args := os.Getenv("LIGERDATA_TEST_CHILD")
	if args == "" {
		t.Skip("run by TestCatalogueUnderConcurrentProcesses only")
	}
	os.Exit(run(context.Background(), strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
}

var releaseIDRe = regexp.MustCompile(`\d{8}T\d{6}Z-\d{3}[0-9a-f]`)

// Four pipelines run at once, each in its own process, round after round
// (a full harvest each time, two releases kept, so that every round prunes).
// After each round the catalogue (JSON-LD and Turtle) must name the latest
// release of every dataset and no release that is not on disk.
// LIGERDATA_CONCURRENCY_ROUNDS sets the number of rounds (5 by default).
func TestCatalogueUnderConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	rounds := 5
	if n, err := strconv.Atoi(os.Getenv("LIGERDATA_CONCURRENCY_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	pipes := []string{"lieux-mediation-numerique-pdl", "ping-lieux-mediation", "esr-effectifs-etudiants", "geopal-lycees"}
	defs := t.TempDir()
	entries, err := os.ReadDir("../../pipelines")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") || e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join("../../pipelines", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(e.Name(), ".yaml") {
			b = append(b, "\nretention: 2\n"...)
		}
		if err := os.WriteFile(filepath.Join(defs, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	store := t.TempDir()
	public := filepath.Join(store, "public")
	for round := 1; round <= rounds; round++ {
		cmds := make([]*exec.Cmd, len(pipes))
		outs := make([]strings.Builder, len(pipes))
		for i, p := range pipes {
			args := []string{"run", p, "--store", store, "--defs", defs, "--replay", "../../testdata/replay", "--full"}
			cmds[i] = exec.Command(os.Args[0], "-test.run=^TestChildProcess$")
			cmds[i].Env = append(os.Environ(), "LIGERDATA_TEST_CHILD="+strings.Join(args, "\x1f"))
			cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
			if err := cmds[i].Start(); err != nil {
				t.Fatal(err)
			}
		}
		for i, c := range cmds {
			if err := c.Wait(); err != nil {
				t.Fatalf("round %d: %s: %v\n%s", round, pipes[i], err, outs[i].String())
			}
		}
		checkCatalogue(t, round, public, pipes)
	}
}

func checkCatalogue(t *testing.T, round int, public string, pipes []string) {
	t.Helper()
	jsonld, err := os.ReadFile(filepath.Join(public, "catalog.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(jsonld) {
		t.Fatalf("round %d: catalog.jsonld is not JSON", round)
	}
	ttl, err := os.ReadFile(filepath.Join(public, "catalog.ttl"))
	if err != nil {
		t.Fatal(err)
	}
	onDisk := map[string]bool{}
	for _, p := range pipes {
		latest, err := output.Latest(public, p)
		if err != nil {
			t.Fatalf("round %d: %s: %v", round, p, err)
		}
		for name, text := range map[string][]byte{"catalog.jsonld": jsonld, "catalog.ttl": ttl} {
			if !strings.Contains(string(text), latest) {
				t.Errorf("round %d: %s does not name %s's latest release %s", round, name, p, latest)
			}
		}
		rels, err := output.Releases(public, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rels {
			onDisk[r] = true
		}
	}
	named := func(text []byte) map[string]bool {
		m := map[string]bool{}
		for _, id := range releaseIDRe.FindAllString(string(text), -1) {
			m[id] = true
		}
		return m
	}
	inJSON, inTTL := named(jsonld), named(ttl)
	for id := range inJSON {
		if !onDisk[id] {
			t.Errorf("round %d: catalog.jsonld names release %s, not on disk (pruned?)", round, id)
		}
	}
	if fmt.Sprint(inJSON) != fmt.Sprint(inTTL) {
		t.Errorf("round %d: catalog.jsonld names %v, catalog.ttl %v", round, inJSON, inTTL)
	}
}
