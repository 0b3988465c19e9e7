package web

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// rejectsPerPage is how many error lines a page of rejected rows shows.
const rejectsPerPage = 100

// rejectFilter selects the error lines of a rejected-rows file by field
// and error code, and the page shown.
type rejectFilter struct {
	Field, Code string
	Page        int // 1-based
}

func (f rejectFilter) match(field, code string) bool {
	return (f.Field == "" || f.Field == field) && (f.Code == "" || f.Code == code)
}

// query gives the filter as a query string, with page p.
func (f rejectFilter) query(p int) string {
	q := url.Values{}
	if f.Field != "" {
		q.Set("champ", f.Field)
	}
	if f.Code != "" {
		q.Set("code", f.Code)
	}
	if p > 1 {
		q.Set("page", strconv.Itoa(p))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func filterOf(q url.Values) rejectFilter {
	f := rejectFilter{Field: q.Get("champ"), Code: q.Get("code"), Page: 1}
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 1 {
		f.Page = p
	}
	return f
}

// rejectGroup counts the errors of one code on one field, with the first
// as an example: "27 erreurs : contrainte non respectée sur code_postal".
type rejectGroup struct {
	Field, Code, Label string
	Count              int64
	CountText          string // Count in French ("1 234")
	Example            rejectRow
	Query              string // the filter showing this group
}

// groupRejects reads every error line of a rejected-rows file and returns
// the groups by (code, field), largest first.
func groupRejects(r io.Reader) ([]rejectGroup, error) {
	byKey := map[[2]string]*rejectGroup{}
	var order []*rejectGroup
	err := scanRejects(r, func(row rejectRow) {
		k := [2]string{row.Code, row.Field}
		g := byKey[k]
		if g == nil {
			g = &rejectGroup{Field: row.Field, Code: row.Code, Label: row.Label, Example: row}
			g.Query = rejectFilter{Field: row.Field, Code: row.Code}.query(1)
			byKey[k] = g
			order = append(order, g)
		}
		g.Count++
	})
	out := make([]rejectGroup, len(order))
	for i, g := range order {
		g.CountText = frenchInt(g.Count)
		out[i] = *g
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Count > out[b].Count })
	return out, err
}

// scanRejects calls fn with every error line of a rejected-rows CSV
// (package output's columns, in the order of its header).
func scanRejects(r io.Reader, fn func(rejectRow)) error {
	cr := csv.NewReader(bufio.NewReaderSize(io.LimitReader(r, maxRejectFileBytes), 64<<10))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("web: rejected rows header: %w", err)
	}
	col := make(map[string]int)
	for i, h := range header {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	if _, ok := col["code"]; !ok {
		return errors.New("web: rejected rows: no \"code\" column")
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return errPartialRejects
		}
		code := get(rec, "code")
		fn(rejectRow{
			Line: get(rec, "line"), Row: get(rec, "row"), Field: get(rec, "field"),
			Value: truncateCell(get(rec, "value"), rejectCellRunes), Code: code, Label: errorCodeLabel(code),
			Constraint: get(rec, "constraint"), Message: get(rec, "message"),
			Record: truncateCell(get(rec, "record"), rejectRecordRunes),
		})
	}
}

// errPartialRejects marks a rejected-rows file whose end could not be read.
var errPartialRejects = errors.New("web: rejected rows: malformed line")

// spreadsheetHeaders are the French column names of the rejected rows for
// a spreadsheet.
var spreadsheetHeaders = map[string]string{
	"line": "ligne", "row": "enregistrement", "field": "champ", "value": "valeur", "code": "code_erreur",
	"constraint": "contrainte", "message": "message", "record": "enregistrement_source", "source": "source",
}

// writeSpreadsheetCSV copies a rejected-rows CSV as a French spreadsheet
// opens it: UTF-8 with a byte order mark, ';' between cells, CRLF line
// ends, French column names.
func writeSpreadsheetCSV(w io.Writer, r io.Reader) error {
	cr := csv.NewReader(bufio.NewReaderSize(r, 64<<10))
	cr.FieldsPerRecord = -1
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("web: rejected rows for a spreadsheet: %w", err)
		}
		if first {
			for i, h := range rec {
				if fr, ok := spreadsheetHeaders[strings.TrimPrefix(h, "\ufeff")]; ok {
					rec[i] = fr
				}
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
