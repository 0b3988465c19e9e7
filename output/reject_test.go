package output

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ligerdata/ligerdata/schemas"
)

func TestRejectWriter(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rejets.csv")
	w, err := NewRejectWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	record := map[string]any{"code_postal": "4400", "nom": "", "note": "a,b \"c\"\nd"}
	twoErrors := []schemas.Error{
		{Code: "constraint-error", Row: 5, Line: 7, Field: "code_postal", FieldNumber: 1, Value: "4400", Constraint: "pattern",
			Message: "La valeur « 4400 » du champ code_postal ne respecte pas le motif ^[0-9]{5}$."},
		{Code: "constraint-error", Row: 5, Line: 7, Field: "nom", FieldNumber: 2, Constraint: "required",
			Message: "Le champ nom est obligatoire."},
	}
	oneError := []schemas.Error{{Code: "type-error", Row: 9, Line: 11, Field: "effectif", Value: "douze", Message: "« douze » n'est pas un nombre entier."}}
	steps := []struct {
		name     string
		errs     []schemas.Error
		record   any
		wantRows int
	}{
		{"row with two errors", twoErrors, record, 1},
		{"no error is a no-op", nil, record, 1},
		{"second row", oneError, []any{"a", 1}, 2},
		{"nil record", []schemas.Error{{Code: "blank-row", Row: 12, Line: 14}}, nil, 3},
	}
	for _, s := range steps {
		if err := w.Write(s.errs, s.record); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if w.Rows() != s.wantRows {
			t.Fatalf("%s: Rows() = %d, want %d", s.name, w.Rows(), s.wantRows)
		}
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the final file must not exist before Close")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("folder holds %d entries, want only the final file", len(entries))
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"line", "row", "field", "value", "code", "constraint", "message", "record"},
		{"7", "5", "code_postal", "4400", "constraint-error", "pattern", twoErrors[0].Message, ""},
		{"7", "5", "nom", "", "constraint-error", "required", "Le champ nom est obligatoire.", ""},
		{"11", "9", "effectif", "douze", "type-error", "", oneError[0].Message, ""},
		{"14", "12", "", "", "blank-row", "", "", ""},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d: %q", len(lines), len(want), lines)
	}
	records := []any{nil, record, record, []any{"a", float64(1)}, nil}
	for i := range want {
		got := lines[i]
		if i > 0 {
			var rec any
			if err := json.Unmarshal([]byte(got[7]), &rec); err != nil {
				t.Errorf("line %d: record is not JSON: %v (%q)", i+1, err, got[7])
			}
			if !reflect.DeepEqual(rec, records[i]) {
				t.Errorf("line %d: record %v, want %v", i+1, rec, records[i])
			}
			got = append(append([]string(nil), got[:7]...), "")
		}
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("line %d:\n got %q\nwant %q", i+1, got, want[i])
		}
	}
}

func TestRejectWriterAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rejets.csv")
	if err := os.WriteFile(path, []byte("previous\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := NewRejectWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]schemas.Error{{Code: "type-error", Row: 2}}, map[string]any{"a": "b"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil { // no-op after Abort
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "previous\n" {
		t.Fatalf("previous file changed: %q, %v", b, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary file left behind: %v", entries)
	}
}
