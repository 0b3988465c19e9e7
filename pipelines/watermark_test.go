package pipelines

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ligerdata/ligerdata/connectors"
)

type fixedMark string

func (m fixedMark) Watermark() string { return string(m) }

func TestNextWatermarkNeverAfterStart(t *testing.T) {
	started := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct{ name, mark, since, want string }{
		{"before the start", "2026-03-01T09:59:59Z", "", "2026-03-01T09:59:59Z"},
		{"at the start", "2026-03-01T10:00:00Z", "", "2026-03-01T10:00:00Z"},
		{"a source clock ahead", "2026-03-01T12:30:00Z", "", "2026-03-01T10:00:00Z"},
		{"ahead, with an offset", "2026-03-01T11:00:01+01:00", "", "2026-03-01T10:00:00Z"},
		{"nothing dated keeps since", "", "2026-02-01T00:00:00Z", "2026-02-01T00:00:00Z"},
		{"not a date is left to the source", "42", "", "42"},
	}
	for _, tt := range tests {
		if got := nextWatermark(fixedMark(tt.mark), tt.since, started); got != tt.want {
			t.Errorf("%s: nextWatermark(%q, %q) = %q, want %q", tt.name, tt.mark, tt.since, got, tt.want)
		}
	}
}

// TestRunIncrementalInclusiveBound: a source whose lower bound includes
// the mark answers again the record modified at it. Unchanged, the run
// publishes nothing; changed in the same instant, it is published once,
// with its new value.
func TestRunIncrementalInclusiveBound(t *testing.T) {
	var table []map[string]any
	for i := 1; i <= 10; i++ {
		table = append(table, map[string]any{"id": fmt.Sprintf("r%02d", i), "nom": "v1", "modified": i})
	}
	kind := connectors.Kind{
		Name:      "changes",
		Summary:   "incremental test source, bound included",
		NewConfig: func() connectors.Config { return &changesConfig{} },
		Open: func(_ connectors.Config, env connectors.Env) (connectors.Source, error) {
			return &changesSource{table: &table, since: env.Since, inclusive: true}, nil
		},
	}
	dir := t.TempDir()
	schemaPath := filepath.Join(dir, "pages.json")
	if err := os.WriteFile(schemaPath, []byte(pagesSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	def := fmt.Sprintf("id: changes\ntitle: T\ndescription: D\npublisher: P\nlicence: etalab-2.0\nsource_licence: etalab-2.0\nincremental: true\nsource:\n  kind: changes\nschema: %s\n", schemaPath)
	d, err := (&Loader{Registry: connectors.NewRegistry(kind)}).Load(fstest.MapFS{"changes.yaml": {Data: []byte(def)}}, "changes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := newTestRunner(t, filepath.Join(dir, "store"))
	r.ReplayDir = ""
	first, err := r.Run(context.Background(), d)
	if err != nil || first.Watermark != "10" {
		t.Fatalf("full harvest: %+v, %v", first, err)
	}
	again, err := r.Run(context.Background(), d)
	if err != nil || again.Since != "10" || again.Read != 1 || again.Outcome != OutcomeUnchanged || again.Release != first.Release {
		t.Fatalf("r10 answered again, unchanged: since %q, read %d, %s, release %q (want %q), %v", again.Since, again.Read, again.Outcome, again.Release, first.Release, err)
	}
	table[9]["nom"] = "v2" // changed in the same instant as the mark
	changed, err := r.Run(context.Background(), d)
	if err != nil || changed.Outcome != OutcomePublished || changed.Read != 1 || changed.Kept != 9 {
		t.Fatalf("r10 changed at the mark: %s, read %d, kept %d, %v", changed.Outcome, changed.Read, changed.Kept, err)
	}
	recs := readCSV(t, filepath.Join(r.Store.PublicDir(), "datasets", "changes", changed.Release, "data.csv"))
	count := 0
	for _, rec := range recs[1:] {
		if rec[0] == "r10" {
			count++
			if rec[1] != "v2" {
				t.Errorf("r10 = %q, want v2", rec[1])
			}
		}
	}
	if len(recs) != 11 || count != 1 {
		t.Errorf("release: %d rows, r10 %d times; want 10 rows, r10 once", len(recs)-1, count)
	}
}
