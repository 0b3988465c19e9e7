package odsql

import (
	"reflect"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Médiathèque d'Orvault", []string{"mediatheque", "d", "orvault"}},
		{"ŒUVRE Çà et là — 2024/25", []string{"oeuvre", "ca", "et", "la", "2024", "25"}},
		{"Tiers-lieu_Fablab", []string{"tiers", "lieu", "fablab"}},
		{`["Wi-Fi","Café"]`, []string{"wi", "fi", "cafe"}},
		{"  ", nil},
		// Cut at MaxWordBytes (32): the 40 letters give their first 32.
		{strings.Repeat("a", 40) + " b", []string{strings.Repeat("a", 32), "b"}},
		// Greek folded too: "Ά" is alpha with an accent.
		{"Άλφα", []string{"αλφα"}},
	}
	for _, tt := range tests {
		var got []string
		Words(tt.text, func(w []byte) { got = append(got, string(w)) })
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Words(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	if got := QueryWords("FabLab fablab* Médiath"); !reflect.DeepEqual(got, []string{"fablab", "mediath"}) {
		t.Errorf("QueryWords = %q", got)
	}
}

func TestCompileTwoPhaseAndFullText(t *testing.T) {
	schema := Schema{{Name: "nom", Type: Text}, {Name: "n", Type: Int}}
	var asked []string
	opts := Options{Format: FormatJSON, RowNumber: "file_row_number", FullText: func(words []string) ([]uint64, error) {
		asked = words
		return []uint64{2, 5}, nil
	}}
	q, err := Compile(schema, "t", nil, Request{Where: `"Fablab" and n > 3`, OrderBy: "nom desc", Limit: 10, Offset: 20}, opts)
	if err != nil {
		t.Fatal(err)
	}
	// The search is the index's row numbers; the rest of the filter is
	// compiled as usual; the row number breaks the ties of the order.
	head := `SELECT "file_row_number" FROM t WHERE ("file_row_number" IN (SELECT unnest(?)) AND `
	tail := ` ORDER BY "nom" DESC, "file_row_number" LIMIT ? OFFSET ?`
	a := q.RowsArgs
	if !strings.HasPrefix(q.RowsSQL, head) || !strings.HasSuffix(q.RowsSQL, tail) || len(a) != 4 ||
		!reflect.DeepEqual(a[0], []uint64{2, 5}) || a[2] != int64(10) || a[3] != int64(20) {
		t.Errorf("rows: %s %v", q.RowsSQL, q.RowsArgs)
	}
	wantFetch := `SELECT "file_row_number", json_object(?, "nom", ?, "n") AS j FROM t WHERE "file_row_number" IN (?, ?)`
	if sql, args := q.Fetch([]uint64{7, 3}); sql != wantFetch || !reflect.DeepEqual(args, []any{"nom", "n", uint64(7), uint64(3)}) {
		t.Errorf("fetch: %s %v", sql, args)
	}
	if !reflect.DeepEqual(asked, []string{"fablab"}) {
		t.Errorf("full text asked %q", asked)
	}
	// A search alone, without order: counted and paged from the index.
	q, err = Compile(schema, "t", nil, Request{Where: `"fablab"`, Limit: 1, Offset: 1}, opts)
	if err != nil || !q.Indexed || q.Matched != 2 || !reflect.DeepEqual(q.Page, []uint64{5}) {
		t.Errorf("search alone: indexed %v, matched %d, page %v (%v)", q.Indexed, q.Matched, q.Page, err)
	}
	q, err = Compile(schema, "t", nil, Request{Where: `"fablab"`, Limit: 10, Offset: 5}, opts)
	if err != nil || !q.Indexed || len(q.Page) != 0 {
		t.Errorf("page past the end: %v (%v)", q.Page, err)
	}
	q, err = Compile(schema, "t", nil, Request{Where: `"fablab"`, OrderBy: "nom", Limit: 10}, opts)
	if err != nil || q.Indexed {
		t.Errorf("ordered search paged from the index (%v)", err)
	}
	// A long code is not in the index: the text fields are scanned.
	asked = nil
	q, err = Compile(schema, "t", nil, Request{Where: `"44000 12345678901234"`, Limit: 10}, opts)
	if err != nil || asked != nil || !strings.Contains(q.SQL, "LIKE") || strings.Contains(q.SQL, "unnest") {
		t.Errorf("long code: asked %q, sql %s (%v)", asked, q.SQL, err)
	}
	if !Indexed([]byte("44000")) || Indexed([]byte("123456")) || !Indexed([]byte("mediatheque")) {
		t.Error("Indexed: want 44000 and mediatheque, not 123456")
	}
	// Grouped: no two-phase form.
	q, err = Compile(schema, "t", nil, Request{Select: "nom, count(*) as c", GroupBy: "nom", Limit: 10}, opts)
	if err != nil || q.RowsSQL != "" {
		t.Errorf("grouped query has a two-phase form: %q (%v)", q.RowsSQL, err)
	}
	// A field named like the row number column: neither.
	clash := append(Schema{{Name: "file_row_number", Type: Int}}, schema...)
	q, err = Compile(clash, "t", nil, Request{Where: `"fablab"`, Limit: 10}, opts)
	if err != nil || q.RowsSQL != "" || strings.Contains(q.SQL, "unnest") {
		t.Errorf("clashing schema: rows %q, sql %q (%v)", q.RowsSQL, q.SQL, err)
	}
}
