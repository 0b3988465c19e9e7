package output

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/ligerdata/ligerdata/schemas"
)

const lieuxRaw = `{
  "name": "lieux",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "nom", "type": "string"},
    {"name": "places", "type": "integer"},
    {"name": "position", "type": "geopoint"}
  ],
  "primaryKey": ["id"]
}`

// lieuxDriftRaw adds "note", drops "places" and retypes "position"
// (geopoint -> string).
const lieuxDriftRaw = `{
  "name": "lieux",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "nom", "type": "string"},
    {"name": "position", "type": "string"},
    {"name": "note", "type": "number"}
  ],
  "primaryKey": ["id"]
}`

func ptr(s string) *string { return &s }

func lieu(id, nom string, places any, pos any) []schemas.Value {
	return []schemas.Value{id, nom, places, pos}
}

func TestChangesByPrimaryKey(t *testing.T) {
	public := t.TempDir()
	s := parseSchema(t, lieuxRaw)
	const r1, r2, r3 = "20261127T100000Z-0001", "20261128T100000Z-0002", "20261129T100000Z-0003"
	publishWith(t, public, "lieux", r1, s, [][]schemas.Value{
		lieu("A", "Médiathèque", int64(10), [2]float64{-1.5, 47.2}),
		lieu("B", "Mairie", int64(5), [2]float64{-0.5, 47.4}),
		lieu("C", "Espace numérique", nil, nil),
		lieu("D", "Tiers-lieu", int64(8), [2]float64{-1.4, 46.6}),
	})
	publishWith(t, public, "lieux", r2, s, [][]schemas.Value{
		lieu("E", "Fablab", int64(12), nil),                               // added
		lieu("B", "Mairie annexe", int64(5), [2]float64{-0.5, 47.4}),      // nom changed
		lieu("A", "Médiathèque", int64(10), [2]float64{-1.5, 47.2}),       // unchanged, moved in the file
		lieu("C", "Espace numérique", int64(3), [2]float64{-1.42, 46.67}), // places and position changed
		// D removed
	})
	ch, err := ReadChanges(public, "lieux", r2)
	if err != nil {
		t.Fatal(err)
	}
	first, err := ReadChanges(public, "lieux", r1)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"first release has no previous", first.Previous, (*string)(nil)},
		{"first release adds every row", first.Rows, RowCounts{Added: 4}},
		{"first release lists no key", first.Added, [][]string{}},
		{"previous", *ch.Previous, r1},
		{"key", ch.Key, []string{"id"}},
		{"rows", ch.Rows, RowCounts{Added: 1, Removed: 1, Changed: 2, Unchanged: 1}},
		{"added", ch.Added, [][]string{{"E"}}},
		{"removed", ch.Removed, [][]string{{"D"}}},
		{"changed", ch.Changed, []ChangedRow{
			{Key: []string{"B"}, Columns: []string{"nom"}, Values: map[string]ValueChange{"nom": {Old: ptr("Mairie"), New: ptr("Mairie annexe")}}},
			{Key: []string{"C"}, Columns: []string{"places", "position"}, Values: map[string]ValueChange{
				"places": {Old: nil, New: ptr("3")}, "position": {Old: nil, New: ptr("-1.42,46.67")}}},
		}},
		{"columns changed", ch.ColumnsChanged, map[string]int{"nom": 1, "places": 1, "position": 1}},
		{"schema unchanged", ch.Schema, SchemaChanges{Added: []string{}, Removed: []string{}, Retyped: []Retyped{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %+v, want %+v", tt.got, tt.want)
			}
		})
	}

	// The summary is in datapackage.json.
	b, err := os.ReadFile(filepath.Join(public, "datasets", "lieux", r2, FileDataPackage))
	if err != nil {
		t.Fatal(err)
	}
	var dp struct {
		Ligerdata struct {
			Changes ChangesSummary `json:"changes"`
		} `json:"ligerdata"`
	}
	if err := json.Unmarshal(b, &dp); err != nil {
		t.Fatal(err)
	}
	if got := dp.Ligerdata.Changes; got.Previous == nil || *got.Previous != r1 || got.Rows != ch.Rows {
		t.Errorf("datapackage changes = %+v", got)
	}

	// Schema drift: a field added, one removed, one retyped.
	publishWith(t, public, "lieux", r3, parseSchema(t, lieuxDriftRaw), [][]schemas.Value{
		{"E", "Fablab", nil, 4.5},
		{"B", "Mairie annexe", "-0.5,47.4", nil},
		{"A", "Médiathèque", "-1.5,47.2", nil},
		{"C", "Espace numérique", "-1.42,46.67", nil},
	})
	ch, err = ReadChanges(public, "lieux", r3)
	if err != nil {
		t.Fatal(err)
	}
	want := SchemaChanges{Added: []string{"note"}, Removed: []string{"places"}, Retyped: []Retyped{{Name: "position", From: "geopoint", To: "string"}}}
	if !reflect.DeepEqual(ch.Schema, want) {
		t.Errorf("schema changes %+v, want %+v", ch.Schema, want)
	}
	// Compared on the common fields by their CSV text: the geopoints and
	// the strings that replace them read the same.
	if ch.Rows != (RowCounts{Unchanged: 4}) || len(ch.Changed) != 0 {
		t.Errorf("rows %+v changed %+v", ch.Rows, ch.Changed)
	}
}

func TestChangesWithoutPrimaryKey(t *testing.T) {
	public := t.TempDir()
	s := parseSchema(t, `{"fields":[{"name":"commune","type":"string"},{"name":"annee","type":"year"},{"name":"taux","type":"number"}]}`)
	const r1, r2 = "20261127T100000Z-0001", "20261128T100000Z-0002"
	publishWith(t, public, "taux", r1, s, [][]schemas.Value{
		{"Nantes", int64(2024), 0.5}, {"Angers", int64(2024), 0.25}, {"Nantes", int64(2024), 0.5},
	})
	publishWith(t, public, "taux", r2, s, [][]schemas.Value{
		{"Angers", int64(2024), 0.3}, {"Nantes", int64(2024), 0.5},
	})
	ch, err := ReadChanges(public, "taux", r2)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ch.Key, []string{"commune", "annee", "taux"}) {
		t.Errorf("key %v", ch.Key)
	}
	if ch.Rows != (RowCounts{Added: 1, Removed: 2, Unchanged: 1}) {
		t.Errorf("rows %+v", ch.Rows)
	}
	if !reflect.DeepEqual(ch.Added, [][]string{{"Angers", "2024", "0.3"}}) ||
		!reflect.DeepEqual(ch.Removed, [][]string{{"Nantes", "2024", "0.5"}, {"Angers", "2024", "0.25"}}) {
		t.Errorf("added %v removed %v", ch.Added, ch.Removed)
	}
}

func TestChangesListsAreCapped(t *testing.T) {
	public := t.TempDir()
	s := parseSchema(t, `{"fields":[{"name":"id","type":"integer"},{"name":"v","type":"string"}],"primaryKey":"id"}`)
	var prev, next [][]schemas.Value
	const n = MaxListedChanges + 7
	for i := range n {
		prev = append(prev, []schemas.Value{int64(i), "a"})
		next = append(next, []schemas.Value{int64(i), "b"})
	}
	publishWith(t, public, "cap", "20261127T100000Z-0001", s, prev)
	publishWith(t, public, "cap", "20261128T100000Z-0002", s, next)
	ch, err := ReadChanges(public, "cap", "20261128T100000Z-0002")
	if err != nil {
		t.Fatal(err)
	}
	if ch.Rows.Changed != n || len(ch.Changed) != MaxListedChanges || ch.ColumnsChanged["v"] != n {
		t.Errorf("changed %d, listed %d, columns %v", ch.Rows.Changed, len(ch.Changed), ch.ColumnsChanged)
	}
	if last := ch.Changed[MaxListedChanges-1]; last.Key[0] != fmt.Sprint(MaxListedChanges-1) || !reflect.DeepEqual(last.Columns, []string{"v"}) {
		t.Errorf("last listed %+v", last)
	}
	// Values are given for the first MaxValuedChanges changed rows only.
	want := map[string]ValueChange{"v": {Old: ptr("a"), New: ptr("b")}}
	if got := ch.Changed[MaxValuedChanges-1].Values; !reflect.DeepEqual(got, want) {
		t.Errorf("values of changed row %d = %+v, want %+v", MaxValuedChanges-1, got, want)
	}
	if got := ch.Changed[MaxValuedChanges].Values; got != nil {
		t.Errorf("values of changed row %d = %+v, want none", MaxValuedChanges, got)
	}
}

func TestChangesValueTextIsCut(t *testing.T) {
	public := t.TempDir()
	s := parseSchema(t, `{"fields":[{"name":"id","type":"integer"},{"name":"v","type":"string"}],"primaryKey":"id"}`)
	long := strings.Repeat("é", 250)
	publishWith(t, public, "long", "20261127T100000Z-0001", s, [][]schemas.Value{{int64(1), "court"}})
	publishWith(t, public, "long", "20261128T100000Z-0002", s, [][]schemas.Value{{int64(1), long}})
	ch, err := ReadChanges(public, "long", "20261128T100000Z-0002")
	if err != nil {
		t.Fatal(err)
	}
	// 199 characters kept, then the ellipsis: 200 characters in all.
	want := ValueChange{Old: ptr("court"), New: ptr(strings.Repeat("é", 199) + "…")}
	if got := ch.Changed[0].Values["v"]; !reflect.DeepEqual(got, want) {
		t.Errorf("value change %+v, want %+v", got, want)
	}
}

func TestChangesGeoJSONAgainstLegacyRelease(t *testing.T) {
	// A release written before the WKB column (geojson as JSON text) is
	// still read, and its geometries compare equal to the WKB ones.
	public := t.TempDir()
	s := parseSchema(t, communesRaw)
	const r1, r2 = "20261127T100000Z-0001", "20261128T100000Z-0002"
	publishWith(t, public, "communes", r1, s, communesRows())
	// Rewrite r1's data.parquet with the legacy layout.
	legacy, err := newPlanLayout(s, layout{alphabetical: true, jsonLists: true, noGeo: true})
	if err != nil {
		t.Fatal(err)
	}
	if legacy.geo != nil || legacy.columns[5].kind != kindJSON {
		t.Fatalf("legacy plan %+v", legacy.columns[5])
	}
	writeLegacyParquet(t, filepath.Join(public, "datasets", "communes", r1, FileParquet), legacy, communesRows())
	publishWith(t, public, "communes", r2, s, communesRows())
	ch, err := ReadChanges(public, "communes", r2)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Rows != (RowCounts{Unchanged: 4}) {
		t.Errorf("rows %+v, changed %+v", ch.Rows, ch.Changed)
	}
}

func TestPrune(t *testing.T) {
	rels := []string{"20261101T000000Z-0001", "20261102T000000Z-0002", "20261103T000000Z-0003", "20261104T000000Z-0004", "20261105T000000Z-0005"}
	tests := []struct {
		name        string
		keep        int
		latest      string // "" for the newest
		wantRemoved []string
	}{
		{"keep all", 0, "", nil},
		{"negative keeps all", -1, "", nil},
		{"keep more than there are", 10, "", nil},
		{"keep two", 2, "", rels[:3]},
		{"keep one", 1, "", rels[:4]},
		{"latest rolled back is kept", 2, rels[1], []string{rels[0], rels[2]}},
	}
	s := parseSchema(t, `{"fields":[{"name":"id","type":"integer"}]}`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			public := t.TempDir()
			for i, rel := range rels {
				publishWith(t, public, "d", rel, s, [][]schemas.Value{{int64(i)}})
			}
			if tt.latest != "" {
				if err := switchLatest(filepath.Join(public, "datasets", "d"), tt.latest); err != nil {
					t.Fatal(err)
				}
			}
			removed, err := Prune(public, "d", tt.keep)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(removed, tt.wantRemoved) {
				t.Errorf("removed %v, want %v", removed, tt.wantRemoved)
			}
			left, err := Releases(public, "d")
			if err != nil {
				t.Fatal(err)
			}
			if len(left)+len(removed) != len(rels) {
				t.Errorf("left %v", left)
			}
			for _, r := range removed {
				assertNoEntry(t, filepath.Join(public, "datasets", "d", r))
			}
			latest, err := Latest(public, "d")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(public, "datasets", "d", latest, FileParquet)); err != nil {
				t.Errorf("latest %s gone: %v", latest, err)
			}
			entries, _ := os.ReadDir(filepath.Join(public, "datasets", "d"))
			for _, e := range entries {
				if e.Name()[0] == '.' {
					t.Errorf("leftover %s", e.Name())
				}
			}
		})
	}
	if _, err := Prune(t.TempDir(), "absent", 1); err == nil {
		t.Error("Prune of a missing dataset should fail")
	}
}

// writeLegacyParquet rewrites path with plan p (no geometry column).
func writeLegacyParquet(t *testing.T, path string, p *plan, rows [][]schemas.Value) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := parquet.NewWriter(f, p.schema)
	for _, vals := range rows {
		var scratch []byte
		row, err := p.parquetRow(vals, &scratch, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.WriteRows([]parquet.Row{row}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestDamagedPreviousReleaseDoesNotBlockTheNext(t *testing.T) {
	public := t.TempDir()
	first := publish(t, public, "communes", "20260101T000000Z-0001", allTypesRows(), Quality{})
	// Both the Parquet file and the row index are damaged: nothing is left
	// to compare with.
	for _, name := range []string{FileParquet, rowIndexName} {
		if err := os.WriteFile(filepath.Join(first.Dir, name), []byte("PAR1 abîmé"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	second := publish(t, public, "communes", "20260102T000000Z-0002", allTypesRows(), Quality{})
	c, err := ReadChanges(public, "communes", second.Release)
	if err != nil {
		t.Fatal(err)
	}
	if c.Previous == nil || *c.Previous != first.Release || c.Error == "" || c.Rows.Added != len(allTypesRows()) {
		t.Errorf("changelog after a damaged release: previous %v, error %q, rows %+v", c.Previous, c.Error, c.Rows)
	}
	if latest, _ := Latest(public, "communes"); latest != second.Release {
		t.Errorf("latest = %s, want %s", latest, second.Release)
	}
}

// The changelog of a release whose previous one has a row index reads the
// previous rows from it and from data.csv, not from data.parquet.
func TestChangesFromTheRowIndexWithoutParquet(t *testing.T) {
	public := t.TempDir()
	s := parseSchema(t, `{"fields":[{"name":"id","type":"integer"},{"name":"nom","type":"string"},{"name":"n","type":"number"}],"primaryKey":"id"}`)
	first := publishWith(t, public, "idx", "20260101T000000Z-0001", s, [][]schemas.Value{
		{int64(1), "un", 1.5}, {int64(2), "deux, \"2\"\nbis", nil}, {int64(3), "trois", 3.0}})
	if err := os.WriteFile(filepath.Join(first.Dir, FileParquet), []byte("PAR1 abîmé"), 0o644); err != nil {
		t.Fatal(err)
	}
	second := publishWith(t, public, "idx", "20260102T000000Z-0002", s, [][]schemas.Value{
		{int64(2), "deux, \"2\"\nbis", 2.0}, {int64(3), "trois", 3.0}, {int64(4), "quatre", nil}})
	c, err := ReadChanges(public, "idx", second.Release)
	if err != nil {
		t.Fatal(err)
	}
	// 1 removed; 2 changed (n: missing -> 2); 3 unchanged; 4 added.
	want := RowCounts{Added: 1, Removed: 1, Changed: 1, Unchanged: 1}
	two := "2"
	changed := []ChangedRow{{Key: []string{"2"}, Columns: []string{"n"}, Values: map[string]ValueChange{"n": {Old: nil, New: &two}}}}
	if c.Error != "" || c.Rows != want || !reflect.DeepEqual(c.Removed, [][]string{{"1"}}) || !reflect.DeepEqual(c.Added, [][]string{{"4"}}) ||
		!reflect.DeepEqual(c.Changed, changed) {
		t.Errorf("changes = %+v, want rows %+v, removed 1, added 4, 2 changed in n", c, want)
	}
}

// Many rows across every spill partition, more added and removed rows than
// are listed, duplicates in the previous release, and files read in order:
// from the row indexes in one partition, in several, and from the Parquet
// files of releases without row index.
func TestChangesThroughSpillPartitions(t *testing.T) {
	for _, way := range []string{"index", "index in partitions", "parquet"} {
		t.Run(way, func(t *testing.T) { testChangesThroughSpillPartitions(t, way) })
	}
}

func testChangesThroughSpillPartitions(t *testing.T, way string) {
	public := t.TempDir()
	s := parseSchema(t, `{"fields":[{"name":"id","type":"integer"},{"name":"nom","type":"string"},{"name":"n","type":"integer"}],"primaryKey":"id"}`)
	var prev, next [][]schemas.Value
	// Previous: ids 0..2999, id 5 twice. New: ids 1000..3999; ids 1000..2999
	// that are multiples of 10 get another nom.
	for i := range 3000 {
		prev = append(prev, []schemas.Value{int64(i), "a", int64(i)})
		if i == 5 {
			prev = append(prev, []schemas.Value{int64(i), "a", int64(i)})
		}
	}
	for i := 1000; i < 4000; i++ {
		nom := "a"
		if i < 3000 && i%10 == 0 {
			nom = "b"
		}
		next = append(next, []schemas.Value{int64(i), nom, int64(i)})
	}
	p1 := publishWith(t, public, "spill", "20261127T100000Z-0001", s, prev)
	p2 := publishWith(t, public, "spill", "20261128T100000Z-0002", s, next)
	ch, err := ReadChanges(public, "spill", "20261128T100000Z-0002")
	if err != nil {
		t.Fatal(err)
	}
	if way != "index" {
		if way == "parquet" {
			for _, dir := range []string{p1.Dir, p2.Dir} {
				if err := os.Remove(filepath.Join(dir, rowIndexName)); err != nil {
					t.Fatal(err)
				}
			}
		} else {
			defer func(n int) { partRows = n }(partRows)
			partRows = 256 // 4000 rows: 16 partitions
		}
		if ch, err = diffReleases(filepath.Join(t.TempDir(), "spill"), p1.Dir, s, p2.Dir, s); err != nil {
			t.Fatal(err)
		}
	}
	// Added 3000..3999 = 1000; removed 0..999 plus the second id 5 = 1001;
	// changed: multiples of 10 in 1000..2999 = 200; unchanged 2000-200 = 1800.
	want := RowCounts{Added: 1000, Removed: 1001, Changed: 200, Unchanged: 1800}
	if ch.Rows != want {
		t.Errorf("rows %+v, want %+v", ch.Rows, want)
	}
	if len(ch.Added) != 1000 || ch.Added[0][0] != "3000" || ch.Added[999][0] != "3999" {
		t.Errorf("added: %d listed, first %v", len(ch.Added), ch.Added[:1])
	}
	// Removed in previous-release order: 0..5, 5 again, 6..: the 1000th is 998.
	if len(ch.Removed) != 1000 || ch.Removed[5][0] != "5" || ch.Removed[6][0] != "5" || ch.Removed[999][0] != "998" {
		t.Errorf("removed: %d listed, [5] %v [6] %v [999] %v", len(ch.Removed), ch.Removed[5], ch.Removed[6], ch.Removed[999])
	}
	if len(ch.Changed) != 200 || ch.Changed[0].Key[0] != "1000" || ch.Changed[199].Key[0] != "2990" ||
		!reflect.DeepEqual(ch.Changed[7].Columns, []string{"nom"}) || !reflect.DeepEqual(ch.ColumnsChanged, map[string]int{"nom": 200}) {
		t.Errorf("changed: %d listed, first %+v, last %+v, columns %v", len(ch.Changed), ch.Changed[0], ch.Changed[len(ch.Changed)-1], ch.ColumnsChanged)
	}
	if _, err := os.Stat(filepath.Join(public, "datasets", "spill", "20261128T100000Z-0002", spillDirName)); !os.IsNotExist(err) {
		t.Errorf("spill folder left in the release: %v", err)
	}
}

func TestSkipIdenticalRows(t *testing.T) {
	public := t.TempDir()
	s := parseSchema(t, lieuxRaw)
	const r1, r2, r3 = "20261127T100000Z-0001", "20261128T100000Z-0002", "20261129T100000Z-0003"
	rows := [][]schemas.Value{lieu("A", "Médiathèque", int64(10), nil), lieu("B", "Mairie", nil, [2]float64{-0.5, 47.4})}
	publishWith(t, public, "lieux", r1, s, rows)
	commit := func(id string, rows [][]schemas.Value) (Published, error) {
		t.Helper()
		r, err := NewRelease(public, testMeta("lieux"), s, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Abort()
		r.SkipIdentical()
		for _, row := range rows {
			if err := r.Append(row); err != nil {
				t.Fatal(err)
			}
		}
		return r.Commit(Quality{})
	}
	// The same rows in another order: nothing published.
	p, err := commit(r2, [][]schemas.Value{rows[1], rows[0]})
	if !errors.Is(err, ErrIdentical) || p.Release != r1 {
		t.Fatalf("identical rows: release %q, error %v; want %s and ErrIdentical", p.Release, err, r1)
	}
	if rels, _ := Releases(public, "lieux"); !reflect.DeepEqual(rels, []string{r1}) {
		t.Errorf("releases %v, want [%s]", rels, r1)
	}
	if entries, _ := os.ReadDir(filepath.Join(public, "datasets", "lieux")); len(entries) != 2 { // r1 and latest
		t.Errorf("dataset folder holds %d entries, want r1 and latest", len(entries))
	}
	// One value changed: a new release.
	p, err = commit(r3, [][]schemas.Value{rows[0], lieu("B", "Mairie", int64(2), [2]float64{-0.5, 47.4})})
	if err != nil || p.Release != r3 {
		t.Fatalf("changed row: release %q, error %v", p.Release, err)
	}
	if latest, _ := Latest(public, "lieux"); latest != r3 {
		t.Errorf("latest %s, want %s", latest, r3)
	}
}
