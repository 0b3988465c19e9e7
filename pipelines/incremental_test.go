package pipelines

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ligerdata/ligerdata/connectors"
)

// changesSource is an incremental test source over an in-memory table of
// records with a modification counter.
type changesSource struct {
	table *[]map[string]any
	since string
	mark  string
	// inclusive answers the records modified at since as well, as HAL's
	// [mark TO *] does.
	inclusive bool
}

func (s *changesSource) Fetch(ctx context.Context, emit func([]connectors.Record) error) error {
	since, _ := strconv.Atoi(s.since)
	var page []connectors.Record
	best := since
	for i, r := range *s.table {
		mod := r["modified"].(int)
		if s.since != "" && (mod < since || mod == since && !s.inclusive) {
			continue
		}
		best = max(best, mod)
		page = append(page, connectors.Record{Line: i + 1, Fields: map[string]any{"id": r["id"], "nom": r["nom"]}})
	}
	if best > since || s.since == "" {
		s.mark = strconv.Itoa(best)
	}
	if len(page) == 0 {
		return nil
	}
	return emit(page)
}

func (s *changesSource) Watermark() string { return s.mark }

type changesConfig struct{}

func (*changesConfig) Validate() error { return nil }

func TestRunIncrementalMergesWithPreviousRelease(t *testing.T) {
	var table []map[string]any
	for i := 1; i <= 10; i++ {
		table = append(table, map[string]any{"id": fmt.Sprintf("r%02d", i), "nom": "v1", "modified": i})
	}
	var sinceSeen []string
	kind := connectors.Kind{
		Name:      "changes",
		Summary:   "incremental test source",
		NewConfig: func() connectors.Config { return &changesConfig{} },
		Open: func(_ connectors.Config, env connectors.Env) (connectors.Source, error) {
			sinceSeen = append(sinceSeen, env.Since)
			return &changesSource{table: &table, since: env.Since}, nil
		},
	}
	dir := t.TempDir()
	schemaPath := filepath.Join(dir, "pages.json")
	if err := os.WriteFile(schemaPath, []byte(pagesSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	def := fmt.Sprintf("id: changes\ntitle: T\ndescription: D\npublisher: P\nlicence: etalab-2.0\nsource_licence: etalab-2.0\nincremental: true\nsource:\n  kind: changes\nschema: %s\n", schemaPath)
	l := &Loader{Registry: connectors.NewRegistry(kind)}
	d, err := l.Load(fstest.MapFS{"changes.yaml": {Data: []byte(def)}}, "changes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := newTestRunner(t, filepath.Join(dir, "store"))
	r.ReplayDir = ""

	releaseRows := func(m *Manifest) map[string]string {
		t.Helper()
		recs := readCSV(t, filepath.Join(r.Store.PublicDir(), "datasets", "changes", m.Release, "data.csv"))
		out := map[string]string{}
		for _, rec := range recs[1:] {
			if _, dup := out[rec[0]]; dup {
				t.Errorf("id %s twice in the release", rec[0])
			}
			out[rec[0]] = rec[1]
		}
		return out
	}

	first, err := r.Run(context.Background(), d)
	if err != nil || first.Read != 10 || first.Watermark != "10" {
		t.Fatalf("full harvest: %+v, %v", first, err)
	}

	table[2]["nom"], table[2]["modified"] = "v2", 11
	table = append(table, map[string]any{"id": "r11", "nom": "v1", "modified": 12})
	second, err := r.Run(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	if second.Since != "10" || second.Read != 2 || second.Kept != 9 || second.Watermark != "12" || second.Outcome != OutcomePublished {
		t.Fatalf("incremental run: since %q, read %d, kept %d, watermark %q, %s", second.Since, second.Read, second.Kept, second.Watermark, second.Outcome)
	}
	rows := releaseRows(second)
	if len(rows) != 11 || rows["r03"] != "v2" || rows["r11"] != "v1" || rows["r01"] != "v1" {
		keys := make([]string, 0, len(rows))
		for k, v := range rows {
			keys = append(keys, k+"="+v)
		}
		sort.Strings(keys)
		t.Errorf("merged release: %s", strings.Join(keys, " "))
	}

	third, err := r.Run(context.Background(), d)
	if err != nil || third.Outcome != OutcomeUnchanged || third.Watermark != "12" || third.Release != second.Release {
		t.Fatalf("nothing modified: %+v, %v", third, err)
	}

	r.Full = true
	full, err := r.Run(context.Background(), d)
	if err != nil || full.Since != "" || full.Read != 11 || full.Kept != 0 {
		t.Fatalf("--full: %+v, %v", full, err)
	}
	if want := []string{"", "10", "12", ""}; fmt.Sprint(sinceSeen) != fmt.Sprint(want) {
		t.Errorf("Since handed to the source: %q, want %q", sinceSeen, want)
	}
}
