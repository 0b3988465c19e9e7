package pipelines

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// A source that renames a field the mappings read (OpenDataSoft's
// taux_dinsertion becoming taux_insertion) no longer publishes that column
// empty: the gate source_fields blocks the release and names the field;
// allow_schema_change lets it through.
func TestRenamedSourceFieldBlocksTheRelease(t *testing.T) {
	root := t.TempDir()
	def := embeddedDef(t, "esr-insertion-professionnelle-master")
	drift := [2]string{"taux_dinsertion", "taux_insertion"}
	if _, err := faultRunner(t, root, newFaultServer(t, replayDir, "", drift)).Run(context.Background(), def); err != nil {
		t.Fatal(err)
	}
	before := releaseLines(t, root, def.Dataset, "")
	m, err := faultRunner(t, root, newFaultServer(t, replayDir, "drift", drift)).Run(context.Background(), def)
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("run with the field renamed: err = %v, want blocked", err)
	}
	var g *GateResult
	for i := range m.Gates {
		if m.Gates[i].Gate == "source_fields" {
			g = &m.Gates[i]
		}
	}
	if g == nil || g.Passed {
		t.Fatalf("gates %+v: want source_fields failed", m.Gates)
	}
	want := "champs de la source absents de toutes les 113 lignes lues, présents lors de l'exécution "
	if len(g.Detail) < len(want) || g.Detail[:len(want)] != want || !strings.Contains(g.Detail, ": taux_dinsertion ;") {
		t.Errorf("detail %q", g.Detail)
	}
	if after := releaseLines(t, root, def.Dataset, ""); len(after) != len(before) {
		t.Errorf("the release changed although the run was blocked")
	}
	def.Gates.AllowSchemaChange = true
	if _, err := faultRunner(t, root, newFaultServer(t, replayDir, "drift", drift)).Run(context.Background(), def); err != nil {
		t.Errorf("allow_schema_change: %v", err)
	}
}
