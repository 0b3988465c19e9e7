package schemas

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

func simpleSchema(t testing.TB) *Schema {
	t.Helper()
	s, err := Parse([]byte(`{"fields":[
		{"name":"id","type":"integer","constraints":{"required":true}},
		{"name":"nom"},
		{"name":"cp","constraints":{"pattern":"\\d{5}"}}],"primaryKey":"id"}`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type seenRow struct {
	row, line int
	cells     []string
	codes     []string
}

func readAll(t *testing.T, s *Schema, d Dialect, data string) (Summary, []seenRow) {
	t.Helper()
	var rows []seenRow
	sum, err := ReadCSV(context.Background(), strings.NewReader(data), d, s, func(r RowResult) error {
		sr := seenRow{row: r.Row, line: r.Line, cells: slices.Clone(r.Cells)}
		for _, e := range r.Errors {
			sr.codes = append(sr.codes, e.Code)
		}
		rows = append(rows, sr)
		return nil
	})
	if err != nil {
		t.Fatalf("ReadCSV: %v", err)
	}
	if sum.Read != sum.Valid+sum.Invalid || sum.Read != len(rows) {
		t.Fatalf("accounting: %+v for %d rows", sum, len(rows))
	}
	return sum, rows
}

func TestReadCSV(t *testing.T) {
	type want struct {
		valid, invalid int
		rows           []seenRow // row, line and codes checked; cells when not nil
		header         []string
	}
	cases := []struct {
		name string
		d    Dialect
		data string
		want want
	}{
		{"simple", DefaultDialect(), "id,nom,cp\n1,A,44000\n2,B,49000\n", want{2, 0, []seenRow{
			{row: 2, line: 2, cells: []string{"1", "A", "44000"}}, {row: 3, line: 3, cells: []string{"2", "B", "49000"}}}, nil}},
		{"crlf no final newline", DefaultDialect(), "id,nom,cp\r\n1,A,44000\r\n2,B,49000", want{2, 0, []seenRow{
			{row: 2, line: 2, cells: []string{"1", "A", "44000"}}, {row: 3, line: 3, cells: []string{"2", "B", "49000"}}}, nil}},
		{"bom and quoted header", DefaultDialect(), "\ufeff\"id\",nom,\"cp\"\n1,A,44000\n", want{1, 0, []seenRow{{row: 2, line: 2}}, nil}},
		{"quoted cells with delimiter quotes and newline", DefaultDialect(),
			"id,nom,cp\n1,\"Dupont, \"\"Jean\"\"\nsuite\",44000\n2,B,49000\n", want{2, 0, []seenRow{
				{row: 2, line: 2, cells: []string{"1", "Dupont, \"Jean\"\nsuite", "44000"}}, {row: 3, line: 4, cells: []string{"2", "B", "49000"}}}, nil}},
		{"semicolon sniffed", Dialect{Header: true}, "id;nom;cp\n1;A, B;44000\n", want{1, 0, []seenRow{
			{row: 2, line: 2, cells: []string{"1", "A, B", "44000"}}}, nil}},
		{"tab sniffed", Dialect{Header: true}, "id\tnom\tcp\n1\tA\t44000\n", want{1, 0, []seenRow{{row: 2, line: 2}}, nil}},
		{"no header", Dialect{Delimiter: ',', Header: false}, "1,A,44000\n2,B,4900\n", want{1, 1, []seenRow{
			{row: 1, line: 1}, {row: 2, line: 2, codes: []string{CodeConstraintError}}}, nil}},
		{"bare quote mid file", DefaultDialect(), "id,nom,cp\n1,A,44000\n2,B\"x,49000\n3,C,49100\n", want{2, 1, []seenRow{
			{row: 2, line: 2}, {row: 3, line: 3, codes: []string{CodeSourceError}}, {row: 4, line: 4, cells: []string{"3", "C", "49100"}}}, nil}},
		{"text after closing quote", DefaultDialect(), "id,nom,cp\n1,\"A\"x,44000\n2,B,49000\n", want{1, 1, []seenRow{
			{row: 2, line: 2, codes: []string{CodeSourceError}}, {row: 3, line: 3}}, nil}},
		{"unclosed quote does not swallow the rest", DefaultDialect(), "id,nom,cp\n1,\"A,44000\n2,B,49000\n3,C,49100\n", want{2, 1, []seenRow{
			{row: 2, line: 2, codes: []string{CodeSourceError}}, {row: 3, line: 3, cells: []string{"2", "B", "49000"}}, {row: 4, line: 4}}, nil}},
		{"invalid utf8", DefaultDialect(), "id,nom,cp\n1,Nantes \xe9,44000\n2,B,49000\n", want{1, 1, []seenRow{
			{row: 2, line: 2, codes: []string{CodeEncodingError}}, {row: 3, line: 3}}, nil}},
		{"blank line", DefaultDialect(), "id,nom,cp\n1,A,44000\n\n2,B,49000\n", want{2, 1, []seenRow{
			{row: 2, line: 2}, {row: 3, line: 3, codes: []string{CodeBlankRow}}, {row: 4, line: 4}}, nil}},
		{"short and long rows", DefaultDialect(), "id,nom,cp\n1,A\n2,B,49000,x\n", want{0, 2, []seenRow{
			{row: 2, line: 2, codes: []string{CodeMissingCell}}, {row: 3, line: 3, codes: []string{CodeExtraCell}}}, nil}},
		{"header errors", DefaultDialect(), "id,nom,autre\n1,A,x\n", want{1, 0, []seenRow{{row: 2, line: 2}},
			[]string{CodeExtraLabel, CodeMissingLabel}}},
		{"duplicate primary key", DefaultDialect(), "id,nom,cp\n1,A,44000\n1,B,49000\n", want{1, 1, []seenRow{
			{row: 2, line: 2}, {row: 3, line: 3, codes: []string{CodePrimaryKey}}}, nil}},
		{"empty file", DefaultDialect(), "", want{0, 0, nil, []string{CodeSourceError}}},
		{"malformed header", DefaultDialect(), "id,\"nom\"x,cp\n1,A,44000\n", want{0, 0, nil, []string{CodeSourceError}}},
	}
	s := simpleSchema(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sum, rows := readAll(t, s, tc.d, tc.data)
			if sum.Valid != tc.want.valid || sum.Invalid != tc.want.invalid {
				t.Errorf("summary %+v, want %d valid %d invalid", sum, tc.want.valid, tc.want.invalid)
			}
			var hcodes []string
			for _, e := range sum.HeaderErrors {
				hcodes = append(hcodes, e.Code)
			}
			if !slices.Equal(hcodes, tc.want.header) {
				t.Errorf("header errors %v, want %v", sum.HeaderErrors, tc.want.header)
			}
			if len(rows) != len(tc.want.rows) {
				t.Fatalf("got %d rows %+v, want %d", len(rows), rows, len(tc.want.rows))
			}
			for i, w := range tc.want.rows {
				g := rows[i]
				if g.row != w.row || g.line != w.line || !slices.Equal(g.codes, w.codes) {
					t.Errorf("row %d: got row %d line %d codes %v, want row %d line %d codes %v", i, g.row, g.line, g.codes, w.row, w.line, w.codes)
				}
				if w.cells != nil && !slices.Equal(g.cells, w.cells) {
					t.Errorf("row %d: cells %q, want %q", i, g.cells, w.cells)
				}
			}
			total := 0
			for _, n := range sum.ErrorsByCode {
				total += n
			}
			rowErrs := len(sum.HeaderErrors)
			for _, r := range rows {
				rowErrs += len(r.codes)
			}
			if total != rowErrs {
				t.Errorf("ErrorsByCode counts %d errors, rows and header carry %d", total, rowErrs)
			}
		})
	}
}

func TestReadCSVStops(t *testing.T) {
	s := simpleSchema(t)
	data := "id,nom,cp\n1,A,44000\n2,B,49000\n3,C,49100\n"
	stop := errors.New("stop")
	n := 0
	_, err := ReadCSV(context.Background(), strings.NewReader(data), DefaultDialect(), s, func(RowResult) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Fatalf("err %v after %d rows, want stop after 2", err, n)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = ReadCSV(ctx, strings.NewReader(data), DefaultDialect(), s, func(RowResult) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}

	if _, err := ReadCSV(context.Background(), strings.NewReader(data), Dialect{Delimiter: '"', Header: true}, s,
		func(RowResult) error { return nil }); err == nil {
		t.Fatal("quote as delimiter accepted")
	}
}

func TestReadCSVLongUnclosedQuote(t *testing.T) {
	s := simpleSchema(t)
	var b strings.Builder
	b.WriteString("id,nom,cp\n1,\"open,44000\n")
	for i := 2; i < maxRecordLines+50; i++ {
		b.WriteString("2,B,49000\n")
	}
	sum, rows := readAll(t, s, DefaultDialect(), b.String())
	if len(rows) != maxRecordLines+49 || rows[0].codes[0] != CodeSourceError {
		t.Fatalf("%d rows, first %+v", len(rows), rows[0])
	}
	// Every following line is read again; all but the first are duplicates of id 2.
	if rows[1].line != 3 || len(rows[1].codes) != 0 || sum.ErrorsByCode[CodePrimaryKey] != len(rows)-2 {
		t.Fatalf("row after the broken one: %+v, summary %+v", rows[1], sum)
	}
}
