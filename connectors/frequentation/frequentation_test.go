package frequentation

import (
	"context"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/attendance"
	"github.com/ligerdata/ligerdata/connectors"
)

func TestFetchPublishesTheLatestMonthsMasked(t *testing.T) {
	root := t.TempDir()
	st := &attendance.Store{Root: root}
	n := func(v int64) *int64 { return &v }
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	first := attendance.Row{Place: "pdl-0001", Month: "2026-01", Visits: 40, Distinct: n(3), Workshops: 2,
		ByProfile: []*int64{n(0), nil, n(4), n(5), n(12)}, Comment: "Mme X est venue"}
	if _, err := st.Save("pdl-0001", "site", nil, []attendance.Row{first}, at); err != nil {
		t.Fatal(err)
	}
	again := first
	again.Visits = 41
	if _, err := st.Save("pdl-0001", "api", nil, []attendance.Row{again}, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	src, err := open(&Config{}, connectors.Env{StoreDir: root})
	if err != nil {
		t.Fatal(err)
	}
	var got []connectors.Record
	if err := src.Fetch(context.Background(), func(p []connectors.Record) error { got = append(got, p...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("got %d records, want the one month", len(got))
	}
	f := got[0].Fields
	// 41 visits from the second declaration; 3 visitors and 4 families
	// masked; 0 and 5 as they are; students not counted; no comment; the
	// place is not on any published map here, so its id names it.
	want := map[string]any{"id": "pdl-0001", "nom": "pdl-0001", "code_insee": "", "mois": "2026-01", "visites": "41",
		"visiteurs_distincts": "< 5", "ateliers": "2", "visites_jeunes": "0", "visites_etudiants": "",
		"visites_familles_enfants": "< 5", "visites_seniors": "5", "visites_femmes": "12", "declare_le": "2026-03-02T09:00:00Z"}
	if len(f) != len(want) {
		t.Errorf("fields %v", f)
	}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("%s = %v, want %v", k, f[k], v)
		}
	}
	d1, _ := src.LocalDigest()
	if _, err := st.Save("pdl-0001", "api", nil, []attendance.Row{first}, at.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if d2, _ := src.LocalDigest(); d1 == d2 {
		t.Error("a new declaration did not change the digest")
	}
}
