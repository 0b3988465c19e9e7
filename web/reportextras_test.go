package web

import (
	"slices"
	"testing"

	"github.com/ligerdata/ligerdata/indicators"
)

// TestReportExtraColumns checks that a report reads what an indicator
// publishes beside its value: for the tourism offers, the population and
// the offers per 1,000 inhabitants, titled as the schema titles them and
// written in French.
func TestReportExtraColumns(t *testing.T) {
	defs, err := indicators.Load(indicators.Embedded)
	if err != nil {
		t.Fatal(err)
	}
	var def *indicators.Definition
	for _, d := range defs {
		if d.ID == "offres-touristiques-par-categorie" {
			def = d
		}
	}
	if def == nil {
		t.Fatal("no indicator offres-touristiques-par-categorie")
	}
	cols := extraColumns(def)
	var names []string
	for _, c := range cols {
		names = append(names, c.Name)
	}
	if want := []string{"population", "offres_pour_1000_habitants"}; !slices.Equal(names, want) {
		t.Fatalf("extra columns = %v, want %v", names, want)
	}
	// 150 offers for 3 907 156 inhabitants: 150 × 1 000 / 3 907 156 =
	// 0.0383…, written with two decimals below 10: "0,04"; digits grouped
	// with narrow no-break spaces.
	rows := []indicators.Row{{"region", "52", "Pays de la Loire", "Ensemble", 150.0, int64(3907156), 150 * 1000.0 / 3907156}}
	obs := observations(def, rows)
	got := extraDetails(cols, obs[0])
	want := []string{"Population municipale : 3\u202f907\u202f156", "Offres pour 1 000 habitants : 0,04"}
	if !slices.Equal(got, want) {
		t.Errorf("details = %q, want %q", got, want)
	}
	cells := extraCells(cols, observation{})
	if len(cells) != 2 || cells[0].Text != "—" || !cells[1].Num {
		t.Errorf("cells of a row without extras = %+v, want two numeric \"—\"", cells)
	}
	share := extraColumn{Name: "part_acces_ouvert", Percent: true}
	if got := extraText(share, observation{Extra: map[string]float64{"part_acces_ouvert": 0.25}}); got != "25\u00a0%" {
		t.Errorf("share = %q, want 25 %%", got)
	}
}
