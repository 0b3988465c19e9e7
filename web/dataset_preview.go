package web

import (
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Table preview of a dataset page: rows asked to the query API, paged,
// sorted and filtered by the page's query string, so it works without
// JavaScript.
const (
	previewPageSize = 20
	// previewMaxPages follows the API's window: offset + limit ≤ 10,000.
	previewMaxPages = 10000 / previewPageSize
	previewAnchor   = "#apercu"
)

// previewColumn is one column header of the preview: its sort link and
// the current sort (aria-sort value), if any.
type previewColumn struct {
	Name, Title string
	SortURL     string
	Sort        string // "ascending", "descending" or ""
	SortLabel   string // what following SortURL does, for screen readers
}

// option is one choice of a select element.
type option struct {
	Value, Label string
	Selected     bool
}

// tablePreview is the preview of a dataset page.
type tablePreview struct {
	Columns    []previewColumn
	Rows       [][]cell
	Total      string // rows matching, in words
	From, To   string
	Page       int
	Pages      int
	Prev, Next string
	Filter     string
	Options    []option // the columns the filter may look in
	Sort       string   // the tri parameter to keep when filtering
	Error      string   // the API's French refusal, if any
	Filtered   bool
	ResetURL   string
	// Static is a preview of the first rows of data.csv, without paging,
	// sort nor filter: the fallback when the API cannot read the release.
	Static  bool
	Partial bool // the static preview could not read the file to its end
	// Transient reports a passing refusal (the API's queries are all
	// taken): the page must not be kept in the page cache.
	Transient bool
}

// previewParams are what the query string asks of the preview.
type previewParams struct {
	page           int
	sortField      string
	desc           bool
	filter, column string
}

// readPreviewParams reads page, tri (a field, "-" first for descending),
// filtre and colonne; unknown fields are ignored.
func readPreviewParams(q url.Values, known map[string]bool) previewParams {
	p := previewParams{filter: strings.TrimSpace(q.Get("filtre"))}
	p.page, _ = strconv.Atoi(q.Get("page"))
	p.page = min(max(p.page, 1), previewMaxPages)
	tri := q.Get("tri")
	if f, ok := strings.CutPrefix(tri, "-"); ok {
		tri, p.desc = f, true
	}
	if known[tri] {
		p.sortField = tri
	}
	if c := q.Get("colonne"); known[c] {
		p.column = c
	}
	if len(p.filter) > 200 {
		p.filter = p.filter[:200]
	}
	return p
}

// apiQuery is the records request of the preview page.
func (p previewParams) apiQuery() url.Values {
	q := url.Values{}
	q.Set("limit", strconv.Itoa(previewPageSize))
	q.Set("offset", strconv.Itoa((p.page-1)*previewPageSize))
	if p.sortField != "" {
		dir := " asc"
		if p.desc {
			dir = " desc"
		}
		q.Set("order_by", p.sortField+dir)
	}
	if p.filter != "" {
		in := "*"
		if p.column != "" {
			in = p.column
		}
		q.Set("where", "search("+in+", "+odsqlString(p.filter)+")")
	}
	return q
}

// odsqlString quotes s as an ODSQL string literal.
func odsqlString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// tablePreviewOf builds the preview of rel's latest rows for r's query
// string; fields are the schema's columns.
func (s *site) tablePreviewOf(r *http.Request, rel *release, fields []schemaField) *tablePreview {
	dataset := rel.Dataset
	known := map[string]bool{}
	for _, f := range fields {
		known[f.Name] = true
	}
	qv := r.URL.Query()
	p := readPreviewParams(qv, known)
	tp := &tablePreview{Page: p.page, Filter: p.filter, Filtered: p.filter != "", ResetURL: "?" + previewAnchor}
	if p.sortField != "" {
		tp.Sort = qv.Get("tri")
	}
	tp.Options = append(tp.Options, option{Value: "", Label: "toutes les colonnes", Selected: p.column == ""})
	for _, f := range fields {
		tp.Options = append(tp.Options, option{Value: f.Name, Label: cmp.Or(f.Title, f.Name), Selected: p.column == f.Name})
		tp.Columns = append(tp.Columns, sortColumn(qv, f, p))
	}
	ans, err := s.apiRecords(r.Context(), dataset, p.apiQuery())
	if err != nil {
		var refusal *apiAnswerError
		if errors.As(err, &refusal) && refusal.Status == http.StatusBadRequest && refusal.Message != "" {
			tp.Error = refusal.Message
			return tp
		}
		if errors.As(err, &refusal) && (refusal.Status == http.StatusTooManyRequests || refusal.Status == http.StatusServiceUnavailable) {
			tp.Error, tp.Transient = "L'API est très sollicitée en ce moment : l'aperçu reviendra dans un instant, rechargez la page.", true
			return tp
		}
		s.log.Warn("dataset page: query API unavailable for the preview, first rows of data.csv instead", "dataset", dataset, "err", err)
		return s.staticPreview(rel)
	}
	for _, rec := range ans.Results {
		row := make([]cell, len(fields))
		for i, f := range fields {
			row[i] = truncateCell(recordText(rec[f.Name]), previewCellRunes)
		}
		tp.Rows = append(tp.Rows, row)
	}
	tp.pages(qv, ans.TotalCount)
	return tp
}

// staticPreview is the preview of the first rows of rel's data.csv; nil
// when it cannot be read.
func (s *site) staticPreview(rel *release) *tablePreview {
	pv, err := previewOf(rel)
	if err != nil || pv == nil {
		if err != nil {
			s.log.Warn("dataset page: preview unavailable", "dataset", rel.Dataset, "release", rel.Name, "err", err)
		}
		return nil
	}
	tp := &tablePreview{Static: true, Rows: pv.Rows, Partial: pv.Partial}
	for _, h := range pv.Header {
		tp.Columns = append(tp.Columns, previewColumn{Name: h})
	}
	return tp
}

// pages fills the counts and the previous and next links.
func (tp *tablePreview) pages(qv url.Values, total int64) {
	tp.Total = frenchInt(total) + " " + plural(total, "ligne", "lignes")
	tp.Pages = int(min((total+previewPageSize-1)/previewPageSize, previewMaxPages))
	if len(tp.Rows) > 0 {
		from := int64(tp.Page-1)*previewPageSize + 1
		tp.From, tp.To = frenchInt(from), frenchInt(from+int64(len(tp.Rows))-1)
	}
	link := func(page int) string {
		u := cloneValues(qv)
		u.Set("page", strconv.Itoa(page))
		return "?" + u.Encode() + previewAnchor
	}
	if tp.Page > 1 && tp.Pages > 0 {
		tp.Prev = link(min(tp.Page-1, tp.Pages))
	}
	if tp.Page < tp.Pages {
		tp.Next = link(tp.Page + 1)
	}
}

// sortColumn is the header of field f: following its link sorts by it,
// ascending first, then descending; the page goes back to the first.
func sortColumn(qv url.Values, f schemaField, p previewParams) previewColumn {
	c := previewColumn{Name: f.Name, Title: f.Title}
	next := f.Name
	c.SortLabel = "trier par ordre croissant"
	if p.sortField == f.Name {
		if p.desc {
			c.Sort = "descending"
		} else {
			c.Sort, next = "ascending", "-"+f.Name
			c.SortLabel = "trier par ordre décroissant"
		}
	}
	u := cloneValues(qv)
	u.Del("page")
	u.Set("tri", next)
	c.SortURL = "?" + u.Encode() + previewAnchor
	return c
}

// recordText is the text of a value of an API record: strings as they
// are, numbers as the API wrote them, true/false in French, lists joined
// with ", ", anything else as compact JSON.
func recordText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "oui"
		}
		return "non"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = recordText(e)
		}
		return strings.Join(parts, ", ")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
