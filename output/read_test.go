package output

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ligerdata/ligerdata/schemas"
)

func TestReadRowsGivesBackWhatWasAppended(t *testing.T) {
	public := t.TempDir()
	rows := allTypesRows()
	publish(t, public, "communes", "20260101T000000Z-aaaa", rows, Quality{})
	s := allTypesSchema(t)
	var got [][]schemas.Value
	err := ReadRows(public, "communes", "20260101T000000Z-aaaa", s, func(v []schemas.Value) error {
		got = append(got, append([]schemas.Value(nil), v...))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rows) {
		t.Fatalf("read %d rows, want %d", len(got), len(rows))
	}
	checkReadBack(t, s, rows, got)

	stop := errors.New("stop")
	calls := 0
	err = ReadRows(public, "communes", "20260101T000000Z-aaaa", s, func([]schemas.Value) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("an error from fn must stop reading: %v after %d calls", err, calls)
	}
	if err := ReadRows(public, "communes", "../x", s, func([]schemas.Value) error { return nil }); err == nil {
		t.Error("a release name with a path was accepted")
	}
	other := &schemas.Schema{Name: "autre", Fields: []schemas.Field{{Name: "x", Type: "string"}}}
	if err := ReadRows(public, "communes", "20260101T000000Z-aaaa", other, func([]schemas.Value) error { return nil }); err == nil {
		t.Error("reading a release with another schema's columns was accepted")
	}
}

// checkReadBack compares rows read back from a release with the rows
// appended (an `any` field comes back as text).
func checkReadBack(t *testing.T, s *schemas.Schema, rows, got [][]schemas.Value) {
	t.Helper()
	if len(got) != len(rows) {
		t.Fatalf("read %d rows, want %d", len(got), len(rows))
	}
	anyField := -1
	for i, f := range s.Fields {
		if f.Name == "divers" {
			anyField = i
		}
	}
	for i, want := range rows {
		for j := range want {
			w := want[j]
			if j == anyField && w != nil {
				w = fmt.Sprint(w) // an `any` field is published as text
			}
			if l, ok := w.([]schemas.Value); ok && len(l) == 0 {
				w = []schemas.Value{}
			}
			if !reflect.DeepEqual(got[i][j], w) {
				t.Errorf("row %d, field %s: got %#v, want %#v", i, s.Fields[j].Name, got[i][j], w)
			}
		}
	}
}

// TestReadRowsLegacyLayouts reads releases written in every older layout
// (columns by name, lists as JSON text, no geometry column).
func TestReadRowsLegacyLayouts(t *testing.T) {
	s := allTypesSchema(t)
	rows := allTypesRows()
	for _, lay := range legacyLayouts {
		t.Run(fmt.Sprintf("%+v", lay), func(t *testing.T) {
			public := t.TempDir()
			const rel = "20260101T000000Z-aaaa"
			publish(t, public, "communes", rel, rows, Quality{})
			p, err := newPlanLayout(s, lay)
			if err != nil {
				t.Fatal(err)
			}
			writeLegacyParquet(t, filepath.Join(public, "datasets", "communes", rel, FileParquet), p, rows)
			var got [][]schemas.Value
			err = ReadRows(public, "communes", rel, s, func(v []schemas.Value) error {
				got = append(got, append([]schemas.Value(nil), v...))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			checkReadBack(t, s, rows, got)
		})
	}
}
