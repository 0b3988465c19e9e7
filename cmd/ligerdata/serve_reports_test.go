package main

import "testing"

// TestSiteIndicatorsIncludeTheStewards checks that the site serves the
// reports and pages of a steward's own indicators (--defs DIR/indicators)
// beside the embedded ones.
func TestSiteIndicatorsIncludeTheStewards(t *testing.T) {
	dir := stewardDefs(t, "code_insee,code_departement,population\n44109,44,1\n")
	ids := func(defsDir string) map[string]bool {
		t.Helper()
		defs, err := siteIndicators(defsDir)
		if err != nil {
			t.Fatalf("siteIndicators(%q): %v", defsDir, err)
		}
		out := map[string]bool{}
		for _, d := range defs {
			out[d.ID] = true
		}
		return out
	}
	own, embedded := ids(dir), ids("")
	if !own["population-test"] || !own["hal-publications-par-etablissement"] {
		t.Errorf("with --defs: %v, want the steward's population-test and the embedded indicators", own)
	}
	if embedded["population-test"] || !embedded["hal-publications-par-etablissement"] {
		t.Errorf("without --defs: %v, want the embedded indicators only", embedded)
	}
}
