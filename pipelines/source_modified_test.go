package pipelines

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/internal/store"
)

// TestSourceModifiedInRelease: the date the source gives for its data (the
// Last-Modified of the recorded PiNG map, Tue, 14 Oct 2025 08:12:03 GMT)
// is kept in the release's datapackage.json beside the release time.
func TestSourceModifiedInRelease(t *testing.T) {
	r := newTestRunner(t, t.TempDir())
	m, err := r.Run(context.Background(), embeddedDef(t, "ping-lieux-mediation"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(r.Store.PublicDir(), "datasets", "ping-lieux-mediation", m.Release, "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dp struct {
		Ligerdata struct {
			SourceModified string `json:"source_modified"`
		} `json:"ligerdata"`
	}
	if err := json.Unmarshal(b, &dp); err != nil {
		t.Fatal(err)
	}
	if dp.Ligerdata.SourceModified != "2025-10-14T08:12:03Z" {
		t.Errorf("source_modified = %q, want 2025-10-14T08:12:03Z", dp.Ligerdata.SourceModified)
	}
}

// TestHarvestLogSourceModified: the latest valid Last-Modified wins; a
// source that gives none, or an unreadable one, gives no date.
func TestHarvestLogSourceModified(t *testing.T) {
	h := &harvestLog{seen: map[string]store.Validators{
		"a": {LastModified: "Tue, 14 Oct 2025 08:12:03 GMT"},
		"b": {LastModified: "Wed, 15 Oct 2025 07:00:00 GMT"},
		"c": {LastModified: "hier"},
		"d": {},
	}}
	got, ok := h.sourceModified()
	if want := time.Date(2025, 10, 15, 7, 0, 0, 0, time.UTC); !ok || !got.Equal(want) {
		t.Errorf("%v %v, want %v", got, ok, want)
	}
	if _, ok := (&harvestLog{seen: map[string]store.Validators{"d": {LastModified: "hier"}}}).sourceModified(); ok {
		t.Error("an unreadable date was taken")
	}
}
