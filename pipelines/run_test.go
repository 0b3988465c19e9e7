package pipelines

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
)

const replayDir = "../testdata/replay"

func embeddedDef(t *testing.T, id string) *Definition {
	t.Helper()
	l := &Loader{Registry: registryForTests()}
	def, err := l.Load(Embedded, id+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return def
}

func newTestRunner(t *testing.T, root string) *Runner {
	t.Helper()
	st, err := store.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	return &Runner{
		Store:     st,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		ReplayDir: replayDir,
		Catalog:   output.CatalogMeta{Title: "Catalogue de test", Description: "Test", Publisher: "Région Pays de la Loire", BaseURL: "http://127.0.0.1:8080"},
	}
}

func readQuality(t *testing.T, dir string) output.Quality {
	t.Helper()
	var q struct {
		Read, Accepted, Rejected int
		ErrorsByCode             map[string]int `json:"errors_by_code"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "quality.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &q); err != nil {
		t.Fatal(err)
	}
	return output.Quality{Read: q.Read, Accepted: q.Accepted, Rejected: q.Rejected, ErrorsByCode: q.ErrorsByCode}
}

// countCSVRows counts the data rows of a CSV file.
func countCSVRows(t *testing.T, path string) int {
	t.Helper()
	return len(readCSV(t, path)) - 1
}

// readCSV returns every record of a CSV file, header included.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// snapshot returns the sha256 of every file of a release folder.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		out[e.Name()] = hex.EncodeToString(sum[:])
	}
	return out
}

func TestRunPublishesValidRowsAndRejectsTheRest(t *testing.T) {
	root := t.TempDir()
	r := newTestRunner(t, root)
	def := embeddedDef(t, "lieux-mediation-numerique-pdl")
	m, err := r.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	if m.Outcome != OutcomePublished || m.Read != 100 || m.Accepted != 97 || m.Rejected != 3 {
		t.Fatalf("manifest: outcome %s, read %d, accepted %d, rejected %d; want published 100 = 97 + 3", m.Outcome, m.Read, m.Accepted, m.Rejected)
	}
	public := r.Store.PublicDir()
	latest, err := output.Latest(public, def.Dataset)
	if err != nil || latest != m.Release {
		t.Fatalf("latest = %q (%v), want %q", latest, err, m.Release)
	}
	dir := filepath.Join(public, "datasets", def.Dataset, latest)
	q := readQuality(t, dir)
	if q.Read != q.Accepted+q.Rejected || q.Read != 100 {
		t.Errorf("quality.json: read %d != accepted %d + rejected %d", q.Read, q.Accepted, q.Rejected)
	}
	if n := countCSVRows(t, filepath.Join(dir, "data.csv")); n != 97 {
		t.Errorf("data.csv has %d rows, want 97", n)
	}

	// The rejected rows name the faults planted in the recorded export.
	f, err := os.Open(m.Rejects)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	fields := map[string]string{}
	lines := map[string]bool{}
	for _, rec := range recs[1:] {
		fields[rec[col["field"]]] = rec[col["code"]]
		lines[rec[col["line"]]] = true
		if rec[col["message"]] == "" {
			t.Errorf("rejected row without a message: %v", rec)
		}
		var orig map[string]any
		if err := json.Unmarshal([]byte(rec[col["record"]]), &orig); err != nil {
			t.Errorf("record column is not the original record: %v", err)
		}
	}
	for _, want := range []string{"code_postal", "nom", "date_maj"} {
		if _, ok := fields[want]; !ok {
			t.Errorf("no rejection on field %s; got %v", want, fields)
		}
	}
	if len(lines) != 3 {
		t.Errorf("rejections on %d distinct lines, want 3", len(lines))
	}

	// The catalogue lists the dataset.
	cat, err := os.ReadFile(filepath.Join(public, "catalog.jsonld"))
	if err != nil || !strings.Contains(string(cat), def.Dataset) {
		t.Errorf("catalog.jsonld does not list %s (%v)", def.Dataset, err)
	}

	// The raw store kept the fetched body with its checksum.
	raws, err := r.Store.ListRaw(def.ID, m.RunID)
	if err != nil || len(raws) != 1 || raws[0].SHA256 == "" || raws[0].URL != def.SourceURL {
		t.Fatalf("raw store: %+v, %v", raws, err)
	}

	// A second run on the same recorded bytes does nothing new.
	before := snapshot(t, dir)
	m2, err := r.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Outcome != OutcomeUnchanged || m2.Release != m.Release || m2.Read != 0 {
		t.Errorf("second run: outcome %s, release %s, read %d; want unchanged %s, 0 rows", m2.Outcome, m2.Release, m2.Read, m.Release)
	}
	if rels, _ := output.Releases(public, def.Dataset); len(rels) != 1 {
		t.Errorf("an unchanged source made a new release: %v", rels)
	}
	after := snapshot(t, dir)
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Error("an unchanged run rewrote released files")
	}

	// --full processes it again into a new release.
	r.Full = true
	m3, err := r.Run(context.Background(), def)
	if err != nil || m3.Outcome != OutcomePublished || m3.Release == m.Release {
		t.Fatalf("full run: %+v, %v", m3, err)
	}
}

func TestRunBlockedByGateKeepsPreviousRelease(t *testing.T) {
	root := t.TempDir()
	r := newTestRunner(t, root)
	def := embeddedDef(t, "lieux-mediation-numerique-pdl")
	first, err := r.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	strict := 0.01
	def.Gates.MaxRejectedShare = &strict
	r.Full = true
	m, err := r.Run(context.Background(), def)
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("want ErrBlocked, got %v", err)
	}
	if m.Outcome != OutcomeBlocked || !strings.Contains(m.Error, "rejected_share") {
		t.Errorf("manifest does not say which gate blocked: %+v", m)
	}
	var saved Manifest
	if err := r.Store.LoadRun(def.ID, m.RunID, &saved); err != nil || saved.Outcome != OutcomeBlocked {
		t.Errorf("saved manifest: %+v, %v", saved, err)
	}
	if latest, _ := output.Latest(r.Store.PublicDir(), def.Dataset); latest != first.Release {
		t.Errorf("latest moved to %s after a blocked run", latest)
	}
	if _, err := os.Stat(m.Rejects); err != nil {
		t.Errorf("a blocked run must still write its rejected rows: %v", err)
	}
}

func TestRunFailureKeepsPreviousRelease(t *testing.T) {
	root := t.TempDir()
	r := newTestRunner(t, root)
	def := embeddedDef(t, "lieux-mediation-numerique-pdl")
	first, err := r.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	// The same pipeline pointed at an address that was never recorded.
	text := strings.Replace(mustRead(t, "lieux-mediation-numerique-pdl.yaml"), "${LIEUX_PDL_URL:-https://www.data.gouv.fr/fr/datasets/r/lieux-mediation-numerique-pays-de-la-loire.csv}", "https://example.org/absent.csv", 1)
	l := &Loader{Registry: registryForTests()}
	broken, err := l.Load(fstest.MapFS{"lieux-mediation-numerique-pdl.yaml": {Data: []byte(text)}}, "lieux-mediation-numerique-pdl.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := r.Run(context.Background(), broken)
	if err == nil || m.Outcome != OutcomeFailed || !strings.Contains(m.Error, "https://example.org/absent.csv") {
		t.Fatalf("want a failure naming the URL, got %v / %+v", err, m)
	}
	if latest, _ := output.Latest(r.Store.PublicDir(), def.Dataset); latest != first.Release {
		t.Errorf("latest moved to %s after a failed run", latest)
	}
	if rels, _ := output.Releases(r.Store.PublicDir(), def.Dataset); len(rels) != 1 {
		t.Errorf("a failed run left a release: %v", rels)
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := Embedded.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRunKilledDuringPublish kills a real process (SIGKILL, nothing runs
// after it) at the moment its release is complete but not yet switched in,
// then checks that readers still see the previous release whole and that
// the next run cleans up after it.
func TestRunKilledDuringPublish(t *testing.T) {
	if os.Getenv("LIGERDATA_KILL_CHILD") != "" {
		runKillChild()
		return
	}
	root := t.TempDir()
	r := newTestRunner(t, root)
	def := embeddedDef(t, "lieux-mediation-numerique-pdl")
	first, err := r.Run(context.Background(), def)
	if err != nil {
		t.Fatal(err)
	}
	public := r.Store.PublicDir()
	dir := filepath.Join(public, "datasets", def.Dataset, first.Release)
	before := snapshot(t, dir)

	cmd := exec.Command(os.Args[0], "-test.run=^TestRunKilledDuringPublish$")
	cmd.Env = append(os.Environ(), "LIGERDATA_KILL_CHILD="+root)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "READY ") {
				ready <- strings.TrimPrefix(sc.Text(), "READY ")
				return
			}
		}
		close(ready)
	}()
	var staging string
	select {
	case staging = <-ready:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("child never reached the publish step")
	}
	if staging == "" {
		t.Fatal("child exited before the publish step")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	if latest, _ := output.Latest(public, def.Dataset); latest != first.Release {
		t.Fatalf("latest = %s after the kill, want %s", latest, first.Release)
	}
	if fmt.Sprint(snapshot(t, dir)) != fmt.Sprint(before) {
		t.Fatal("the served release changed after the kill")
	}
	if rels, _ := output.Releases(public, def.Dataset); len(rels) != 1 {
		t.Errorf("the killed run's release is listed: %v", rels)
	}
	// The daemon starting again records the killed run as interrupted.
	marked, err := MarkInterrupted(r.Store, time.Now(), r.Logger)
	if err != nil || len(marked) != 1 || marked[0].Outcome != OutcomeInterrupted {
		t.Fatalf("runs marked interrupted after the kill: %+v, %v", marked, err)
	}
	// The next run starts cleanly and publishes.
	r.Full = true
	if m, err := r.Run(context.Background(), def); err != nil || m.Outcome != OutcomePublished {
		t.Fatalf("run after the kill: %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(public, "datasets", def.Dataset, ".staging-*"))
	if len(leftovers) != 0 {
		t.Errorf("staging folders left after the next run: %v", leftovers)
	}
}

// runKillChild is the child side of TestRunKilledDuringPublish: it runs the
// pipeline and parks just before the switch until it is killed.
func runKillChild() {
	st, err := store.Open(os.Getenv("LIGERDATA_KILL_CHILD"))
	if err != nil {
		panic(err)
	}
	l := &Loader{Registry: registryForTests()}
	def, err := l.Load(Embedded, "lieux-mediation-numerique-pdl.yaml")
	if err != nil {
		panic(err)
	}
	r := &Runner{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), ReplayDir: replayDir, Full: true}
	r.beforeCommit = func() error {
		staging, _ := filepath.Glob(filepath.Join(st.PublicDir(), "datasets", def.Dataset, ".staging-*"))
		fmt.Printf("READY %s\n", strings.Join(staging, ","))
		select {} // wait for SIGKILL
	}
	_, _ = r.Run(context.Background(), def)
	os.Exit(0)
}
