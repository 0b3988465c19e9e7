package pipelines

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
)

// faultConnectors names, for every connector that reads over HTTP, the
// embedded pipeline the fault trials run, and the source field renamed by
// the schema drift fault (as it appears in the recorded bodies). The
// communes and frequentation connectors read no HTTP source.
var faultConnectors = []struct {
	kind, pipeline string
	drift          [2]string
}{
	{"file", "lieux-mediation-numerique-pdl", [2]string{"code_postal", "cp"}},
	{"ping", "ping-lieux-mediation", [2]string{"titre", "intitule"}},
	{"opendatasoft", "esr-insertion-professionnelle-master", [2]string{"taux_dinsertion", "taux_insertion"}},
	{"csw", "geopal-catalogue", [2]string{"gmd:title>", "gmd:titre>"}},
	{"wfs", "geopal-lycees", [2]string{`"nom"`, `"name"`}},
	{"hal", "hal-publications", [2]string{`"title_s"`, `"titre_s"`}},
}

// faultKinds are the faults of issue 11, item 9. A transient fault must end
// in the same release as a clean run; any other must either fail the run
// with a reason (the last release kept) or publish only rows of the clean
// release, every missing one counted as rejected.
var faultKinds = []struct {
	name, label string
	transient   bool
}{
	{"reset", "connection reset mid-body", false},
	{"503", "503 then OK", true},
	{"429", "429 + Retry-After: 1", true},
	{"slow", "slow body beyond timeout", false},
	{"truncated", "truncated body", false},
	{"html", "HTML page with 200", false},
	{"encoding", "invalid encoding (Latin-1)", false},
	{"gzip", "gzip bomb (4 GiB)", false},
	{"repeat", "page repeating the previous", false},
	{"drift", "schema drift (field renamed)", false},
}

// faultTimeout bounds each wait for an answer or a body in the trials.
const faultTimeout = time.Second

type faultTrial struct {
	kind, fault, outcome, reason string
	triggered                    bool
	problems                     []string
	took                         time.Duration
}

// TestFaultTrials is `make faults`: every connector that reads over HTTP
// runs its pipeline against a server replaying its recorded responses with
// one fault at a time. After each faulty run, the outcome is checked (see
// faultKinds), then a clean run must publish the clean rows again and
// leave no temporary file. It prints a table of outcomes and the figures.
func TestFaultTrials(t *testing.T) {
	if os.Getenv("LIGERDATA_FAULT_TRIALS") == "" {
		t.Skip("make faults sets LIGERDATA_FAULT_TRIALS")
	}
	var trials []faultTrial
	for _, c := range faultConnectors {
		trials = append(trials, connectorTrials(t, c.kind, c.pipeline, c.drift)...)
	}
	failures, applied := 0, 0
	var tab strings.Builder
	tw := tabwriter.NewWriter(&tab, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "connector\tfault\toutcome\tverdict\ttime\treason")
	for _, tr := range trials {
		verdict := "ok"
		if tr.triggered {
			applied++
		} else {
			verdict = "n/a (fault never applied)"
		}
		if len(tr.problems) > 0 {
			failures++
			verdict = "FAILURE: " + strings.Join(tr.problems, "; ")
			t.Errorf("%s × %s: %s", tr.kind, tr.fault, strings.Join(tr.problems, "; "))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", tr.kind, tr.fault, tr.outcome, verdict, tr.took.Round(100*time.Millisecond), shorten(tr.reason, 110))
	}
	tw.Flush()
	t.Logf("fault trials\n%s\nfault trials: %d (fault applied in %d), failures: %d", tab.String(), len(trials), applied, failures)
}

// connectorTrials runs one pipeline clean, then under each fault.
func connectorTrials(t *testing.T, kind, pipeline string, drift [2]string) []faultTrial {
	root := t.TempDir()
	def := embeddedDef(t, pipeline)
	clean := newFaultServer(t, replayDir, "", drift)
	r := faultRunner(t, root, clean)
	m, err := r.Run(context.Background(), def)
	if err != nil {
		t.Fatalf("%s: clean run: %v", pipeline, err)
	}
	base := releaseLines(t, root, def.Dataset, m.Release)
	var out []faultTrial
	for _, f := range faultKinds {
		tr := faultTrial{kind: kind, fault: f.label}
		before, _ := output.Latest(filepath.Join(root, "public"), def.Dataset)
		srv := newFaultServer(t, replayDir, f.name, drift)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		start := time.Now()
		m, err := faultRunner(t, root, srv).Run(ctx, def)
		tr.took = time.Since(start)
		late := ctx.Err() != nil
		cancel()
		tr.triggered, tr.problems = srv.note()
		tr.outcome, tr.reason = "no manifest", fmt.Sprint(err)
		if m != nil {
			tr.outcome, tr.reason = m.Outcome, m.Error
			tr.problems = append(tr.problems, checkFaultRun(t, root, def, m, base, before, f.transient)...)
		}
		if late {
			tr.problems = append(tr.problems, "the run did not end within 3 minutes")
		}
		tr.problems = append(tr.problems, recoverClean(t, root, def, base)...)
		out = append(out, tr)
	}
	return out
}

// checkFaultRun says what is wrong with a faulty run's result.
func checkFaultRun(t *testing.T, root string, def *Definition, m *Manifest, base map[string]bool, before string, transient bool) []string {
	var problems []string
	latest, _ := output.Latest(filepath.Join(root, "public"), def.Dataset)
	switch m.Outcome {
	case "published", "unchanged":
		got := releaseLines(t, root, def.Dataset, latest)
		var foreign int
		for l := range got {
			if !base[l] {
				foreign++
			}
		}
		if foreign > 0 {
			problems = append(problems, fmt.Sprintf("published %d rows that differ from the clean release", foreign))
		}
		if missing := len(base) - (len(got) - foreign); missing > m.Rejected || (transient && missing > 0) {
			problems = append(problems, fmt.Sprintf("%d rows of the clean release missing, %d counted as rejected", missing, m.Rejected))
		}
	default:
		if latest != before {
			problems = append(problems, fmt.Sprintf("latest moved from %s to %s although the run %s", before, latest, m.Outcome))
		}
		if transient {
			problems = append(problems, "a transient fault made the run "+m.Outcome)
		}
		if m.Outcome == "failed" && strings.TrimSpace(m.Error) == "" {
			problems = append(problems, "failed without a reason")
		}
	}
	return problems
}

// recoverClean runs the pipeline against a clean server: it must publish
// the clean rows, and no temporary file may be left in the store.
func recoverClean(t *testing.T, root string, def *Definition, base map[string]bool) []string {
	var problems []string
	m, err := faultRunner(t, root, newFaultServer(t, replayDir, "", [2]string{})).Run(context.Background(), def)
	if err != nil {
		return append(problems, "the clean run after the fault failed: "+err.Error())
	}
	got := releaseLines(t, root, def.Dataset, m.Release)
	if len(got) != len(base) {
		problems = append(problems, fmt.Sprintf("the clean run after the fault published %d lines, not %d", len(got), len(base)))
	}
	if left := storeLeftovers(root); len(left) > 0 {
		problems = append(problems, fmt.Sprintf("temporary files left after the clean run: %v", left))
	}
	return problems
}

func faultRunner(t *testing.T, root string, srv *faultServer) *Runner {
	r := newTestRunner(t, root)
	r.ReplayDir, r.Full, r.HTTPTimeout = "", true, faultTimeout
	r.Transport = srv.transport()
	return r
}

// releaseLines returns the set of lines of a release's data.csv.
func releaseLines(t *testing.T, root, dataset, release string) map[string]bool {
	t.Helper()
	if release == "" {
		var err error
		if release, err = output.Latest(filepath.Join(root, "public"), dataset); err != nil {
			t.Fatal(err)
		}
	}
	dir, err := output.CollectionDatasets.ReleaseDir(filepath.Join(root, "public"), dataset, release)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "data.csv"))
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	for _, l := range strings.Split(string(b), "\n") {
		set[l] = true
	}
	return set
}

// storeLeftovers lists the temporary files of a store: staging folders,
// .tmp-* files, and files in the pipelines' temporary folders.
func storeLeftovers(root string) []string {
	var left []string
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		inTmp := strings.HasPrefix(rel, "tmp"+string(filepath.Separator)) && !d.IsDir()
		if inTmp || store.IsTempName(d.Name()) || strings.HasPrefix(d.Name(), ".staging-") {
			left = append(left, rel)
		}
		return nil
	})
	sort.Strings(left)
	return left
}

// shorten keeps the start and the end of a long reason (the end says
// what happened, the start where).
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n/3]) + " … " + string(r[len(r)-(n-n/3-3):])
	}
	return s
}
