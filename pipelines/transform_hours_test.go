package pipelines

import (
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/internal/geo"
	"github.com/ligerdata/ligerdata/schemas"
)

// TestOpeningHoursTransform runs opening_hours_fr through a field mapping:
// PiNG's French text (with its HTML) becomes OSM, and a phrase it cannot
// read is not published but kept in a warning with its original text.
func TestOpeningHoursTransform(t *testing.T) {
	fm := FieldMap{From: []string{"h"}}
	for _, spec := range []string{"strip_html", "opening_hours_fr"} {
		step, err := parseTransform(spec)
		if err != nil {
			t.Fatal(err)
		}
		fm.steps = append(fm.steps, step)
	}
	got, w := fm.apply(map[string]any{"h": "Du lundi au vendredi<br>9h-12h30 et 13h30-17h"}, "2026-12-05")
	if got != "Mo-Fr 09:00-12:30,13:30-17:00" || w != nil {
		t.Errorf("got %q, %+v; want the OSM value and no warning", got, w)
	}
	got, w = fm.apply(map[string]any{"h": "Ouvert pendant les vacances scolaires"}, "2026-12-05")
	if got != "" || w == nil {
		t.Fatalf("got %q, %+v; want nothing published and a warning", got, w)
	}
	if w.Code != CodeOpeningHoursDropped || w.Value != "Ouvert pendant les vacances scolaires" ||
		w.Message != "Horaires « Ouvert pendant les vacances scolaires » non publiés : ils n'ont pas pu être écrits au format OpenStreetMap (mot non reconnu « pendant »)." {
		t.Errorf("warning %+v", w)
	}
}

// TestCoordinatePolicies applies each policy to PiNG's two faulty places:
// the Saumur media library typed latitude -0.0772, longitude 47.2601 and
// the Ernée space at 0,0.
func TestCoordinatePolicies(t *testing.T) {
	ts, err := schemas.Load("lieux-mediation-numerique")
	if err != nil {
		t.Fatal(err)
	}
	lat, lon := ts.FieldIndex("latitude"), ts.FieldIndex("longitude")
	cases := []struct {
		policy, inLat, inLon string
		outLat, outLon, code string
		rejected             bool
	}{
		{CoordinatesRepair, "-0.0772", "47.2601", "47.2601", "-0.0772", "coordinates-swapped", false},
		{CoordinatesRepair, "0", "0", "", "", "coordinates-zero", false},
		{CoordinatesDrop, "-0.0772", "47.2601", "", "", "coordinates-swapped", false},
		{CoordinatesReject, "-0.0772", "47.2601", "-0.0772", "47.2601", "coordinates-swapped", true},
		{CoordinatesReject, "47.2601", "-0.0772", "47.2601", "-0.0772", "", false},
		{CoordinatesReject, "", "", "", "", "", false},
	}
	for _, c := range cases {
		check := &coordCheck{lat: lat, lon: lon, area: mustArea(t), marginKM: 10, policy: c.policy}
		cells := make([]string, len(ts.Fields))
		cells[lat], cells[lon] = c.inLat, c.inLon
		errs, warns := check.apply(cells, 24, 222, ts)
		got := append(errs, warns...)
		if cells[lat] != c.outLat || cells[lon] != c.outLon {
			t.Errorf("%s %s,%s: cells %q,%q, want %q,%q", c.policy, c.inLat, c.inLon, cells[lat], cells[lon], c.outLat, c.outLon)
		}
		if c.code == "" {
			if len(got) > 0 {
				t.Errorf("%s %s,%s: %v, want nothing", c.policy, c.inLat, c.inLon, got)
			}
			continue
		}
		if len(got) != 1 || got[0].Code != c.code || (len(errs) == 1) != c.rejected || got[0].Line != 222 || got[0].Field != "latitude" {
			t.Errorf("%s %s,%s: errors %v warnings %v, want one %s (rejected %v)", c.policy, c.inLat, c.inLon, errs, warns, c.code, c.rejected)
		}
	}
	check := &coordCheck{lat: lat, lon: lon, area: mustArea(t), marginKM: 10, policy: CoordinatesRepair}
	cells := make([]string, len(ts.Fields))
	cells[lat], cells[lon] = "-0.0772", "47.2601"
	_, warns := check.apply(cells, 67, 652, ts)
	if !strings.Contains(warns[0].Message, "latitude et longitude semblent inversées") {
		t.Errorf("message %q lacks the hint", warns[0].Message)
	}
}

func mustArea(t *testing.T) geo.Area {
	t.Helper()
	a, ok := geo.Areas["pays-de-la-loire"]
	if !ok {
		t.Fatal("no pays-de-la-loire area")
	}
	return a
}

// TestEmbeddedCoordinatePolicies checks the policies the places pipelines
// declare, and the default (reject in the region) of a pipeline with a
// position that declares none.
func TestEmbeddedCoordinatePolicies(t *testing.T) {
	l := &Loader{Registry: registryForTests()}
	defs, err := l.LoadAll(Embedded)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"ping-lieux-mediation": CoordinatesRepair, "lieux-mediation-numerique-pdl": CoordinatesReject, "geopal-lycees": CoordinatesReject}
	for _, def := range defs {
		policy, ok := want[def.ID]
		if !ok {
			continue
		}
		if def.coords == nil || def.coords.policy != policy || def.coords.area.Name != "Pays de la Loire" || def.coords.marginKM != 10 {
			t.Errorf("%s: coordinates %+v, want %s in Pays de la Loire with 10 km", def.ID, def.coords, policy)
		}
	}
}
