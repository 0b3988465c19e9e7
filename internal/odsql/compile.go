package odsql

import (
	"slices"
	"strings"
	"time"
)

// Request is one query, its clauses as the reuser wrote them.
type Request struct {
	Select, Where, GroupBy, OrderBy string
	// Refine and Exclude are "field:value" facet filters: Refine keeps the
	// rows whose field equals value, Exclude drops them.
	Refine, Exclude []string
	// Limit is the number of rows returned, negative for all; Offset the
	// rows skipped.
	Limit, Offset int64
	// Timezone is the IANA zone in which date-times are written and read
	// (date-time literals without an offset); "" is UTC.
	Timezone string
}

// Format is how the compiled query renders its values.
type Format int

const (
	// FormatJSON renders values for JSON: dates and date-times as ISO 8601
	// text, geo_point_2d as {"lon", "lat"}, geo_shape as a GeoJSON geometry,
	// lists and JSON fields as JSON values.
	FormatJSON Format = iota
	// FormatCSV renders values as text cells: geo_point_2d as "lat, lon",
	// lists joined by Options.ListSeparator, geo_shape as GeoJSON text. The
	// columns are named c0, c1…: the caller writes the header line.
	FormatCSV
	// FormatGeoJSON renders one column, "feature", a GeoJSON Feature per
	// row: the geometry of the first geographic column selected, the other
	// columns as properties (rendered as in FormatJSON).
	FormatGeoJSON
	// FormatParquet selects the stored values as they are (typed columns),
	// named after the select clause: names must then be plain identifiers.
	FormatParquet
)

// Options are the caller's side of a compilation.
type Options struct {
	Format        Format
	ListSeparator string // FormatCSV; "" is ";"
	// WKBToGeoJSON names the SQL function the caller registered that turns
	// WKB into GeoJSON geometry text (needed to render WKB geo_shape fields).
	WKBToGeoJSON string
	// JSONText types the column j of the JSON formats VARCHAR instead of
	// JSON, for a reader that would decode JSON values (the Go driver does).
	JSONText bool
	// RowNumber names the column of the table from that numbers its rows
	// (DuckDB's file_row_number of read_parquet(…, file_row_number =
	// true)); "" when it has none. With it, a query that neither groups
	// nor aggregates also gets its two-phase form (Query.RowsSQL,
	// FetchSQL), and FullText may answer full-text searches. It is ignored
	// when the schema has a field of that name.
	RowNumber string
	// FullText, with RowNumber, answers a full-text search over every text
	// field (a bare string, search(*, …)): the ascending numbers of the
	// rows holding every word of words (see QueryWords), a word matching
	// each indexed word it begins (see Words). Without it, such a search
	// matches each word anywhere in a text field, scanning them all.
	FullText func(words []string) ([]uint64, error)
}

// Column is one column of the result.
type Column struct {
	Name string
	Type Type
}

// Query is a compiled request.
type Query struct {
	// SQL selects the rendered rows; its "?" take Args in order. In the JSON
	// formats it has one column, j, a JSON object (FormatJSON) or Feature
	// (FormatGeoJSON) per row.
	SQL  string
	Args []any
	// CountSQL counts the rows (or the groups) the request matches, without
	// limit or offset.
	CountSQL  string
	CountArgs []any
	Columns   []Column
	// Geometry is the column whose value is the feature's geometry
	// (FormatGeoJSON), "" when none is selected.
	Geometry string
	// RowsSQL is the first phase of a query that filters or orders rows
	// but neither groups nor aggregates them, when Options.RowNumber is
	// set ("" otherwise): it selects
	// the row numbers of the page in order, reading only the columns the
	// filter and the order need. Fetch writes the second phase.
	RowsSQL  string
	RowsArgs []any
	// Indexed is set when the whole filter is a full-text search answered
	// by Options.FullText and the query has no order: Matched counts the
	// rows, Page holds the numbers of the page's rows (for Fetch), and
	// neither CountSQL nor RowsSQL need to run.
	Indexed bool
	Matched int64
	Page    []uint64
	// fetchSelect and fetchArgs start the second phase (see Fetch).
	fetchSelect string
	fetchArgs   []any
	rowNumber   string
}

// Fetch writes the second phase of a two-phase query: the rows numbered
// nums rendered, as two columns: the row number, then j. The numbers are
// written as a list of parameters, which DuckDB pushes down to the Parquet
// reader: only the row groups that hold them are read.
func (q *Query) Fetch(nums []uint64) (string, []any) {
	marks := strings.Repeat(", ?", len(nums))
	args := slices.Clip(q.fetchArgs)
	for _, n := range nums {
		args = append(args, n)
	}
	return q.fetchSelect + " WHERE " + quoteIdent(q.rowNumber) + " IN (" + strings.TrimPrefix(marks, ", ") + ")", args
}

// Macros are the SQL macros compiled queries call; the caller creates
// them once per database before running queries. ld_datetime(ts, tz)
// writes a TIMESTAMPTZ in zone tz as ISO 8601 with its offset
// (2024-03-01T10:00:00+01:00).
var Macros = []string{
	`CREATE OR REPLACE MACRO ld_offset(s) AS
	  CASE WHEN s < 0 THEN '-' ELSE '+' END || lpad(CAST(abs(s) // 3600 AS VARCHAR), 2, '0') || ':' || lpad(CAST((abs(s) % 3600) // 60 AS VARCHAR), 2, '0')`,
	`CREATE OR REPLACE MACRO ld_datetime(ts, tz) AS
	  strftime(timezone(tz, ts), '%Y-%m-%dT%H:%M:%S') || ld_offset(CAST(epoch(timezone(tz, ts)) - epoch(ts) AS BIGINT))`,
}

// selected is one compiled select item.
type selected struct {
	name string
	expr sqlExpr
}

// Compile compiles req over the table from (SQL supplied by the caller,
// typically "read_parquet(?)", with fromArgs) whose columns are schema.
func Compile(schema Schema, from string, fromArgs []any, req Request, opts Options) (*Query, error) {
	loc, tz, err := zone(req.Timezone)
	if err != nil {
		return nil, err
	}
	if _, clash := schema.field(opts.RowNumber); clash {
		opts.RowNumber, opts.FullText = "", nil
	}
	if opts.RowNumber == "" {
		opts.FullText = nil
	}
	c := &compiler{schema: schema, loc: loc, tz: tz, fullText: opts.FullText, rowNumber: opts.RowNumber}
	where, err := c.whereClause(req)
	if err != nil {
		return nil, err
	}
	groups, err := c.items(req.GroupBy, ParseGroupBy, "group_by")
	if err != nil {
		return nil, err
	}
	sel, err := c.selectClause(req.Select, groups)
	if err != nil {
		return nil, err
	}
	order, err := c.orderClause(req.OrderBy, sel, groups)
	if err != nil {
		return nil, err
	}
	q := &Query{}
	rendered, renderedArgs, err := c.render(sel, opts, q)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("SELECT " + rendered + " FROM " + from)
	args := concat(renderedArgs, fromArgs)
	tail, tailArgs := c.tail(where, groups, sel)
	b.WriteString(tail)
	args = concat(args, tailArgs)
	if order.sql != "" {
		b.WriteString(" ORDER BY " + order.sql)
		args = concat(args, order.args)
	}
	args = limitOffset(&b, args, req)
	q.SQL, q.Args = b.String(), args
	q.CountSQL, q.CountArgs = c.count(from, fromArgs, where, groups, sel)
	// Without filter nor order the first rows of the file are the page:
	// one phase reads no more than two would.
	if opts.RowNumber != "" && !grouped(sel, groups) && (where.sql != "" || order.sql != "") {
		c.twoPhase(q, from, fromArgs, where, order, req, rendered, renderedArgs)
		if rows, ok := c.onlyIndexed(where, req); ok && order.sql == "" {
			q.Indexed, q.Matched, q.Page = true, int64(len(rows)), pageOf(rows, req)
		}
	}
	return q, nil
}

// onlyIndexed returns the row numbers of the filter when it is only a
// full-text search answered by the index (see indexed).
func (c *compiler) onlyIndexed(where sqlExpr, req Request) ([]uint64, bool) {
	if len(req.Refine)+len(req.Exclude) > 0 || where.sql != quoteIdent(c.rowNumber)+indexedIn || len(where.args) != 1 {
		return nil, false
	}
	rows, ok := where.args[0].([]uint64)
	return rows, ok
}

// pageOf returns the rows of the page req asks for.
func pageOf(rows []uint64, req Request) []uint64 {
	start := min(max(req.Offset, 0), int64(len(rows)))
	end := int64(len(rows))
	if req.Limit >= 0 {
		end = min(end, start+req.Limit)
	}
	return rows[start:end]
}

// twoPhase writes q.RowsSQL and q.FetchSQL (see Query). The row number
// breaks ties of the order, so that pages never overlap.
func (c *compiler) twoPhase(q *Query, from string, fromArgs []any, where, order sqlExpr, req Request, rendered string, renderedArgs []any) {
	rn := quoteIdent(c.rowNumber)
	var b strings.Builder
	b.WriteString("SELECT " + rn + " FROM " + from)
	args := concat(fromArgs)
	if where.sql != "" {
		b.WriteString(" WHERE " + where.sql)
		args = concat(args, where.args)
	}
	if order.sql != "" {
		b.WriteString(" ORDER BY " + order.sql + ", " + rn)
		args = concat(args, order.args)
	}
	args = limitOffset(&b, args, req)
	q.RowsSQL, q.RowsArgs = b.String(), args
	q.fetchSelect = "SELECT " + rn + ", " + rendered + " FROM " + from
	q.fetchArgs = concat(renderedArgs, fromArgs)
	q.rowNumber = c.rowNumber
}

// limitOffset writes the LIMIT and OFFSET of req and returns args with
// their values.
func limitOffset(b *strings.Builder, args []any, req Request) []any {
	if req.Limit >= 0 {
		b.WriteString(" LIMIT ?")
		args = append(args, req.Limit)
	}
	if req.Offset > 0 {
		b.WriteString(" OFFSET ?")
		args = append(args, req.Offset)
	}
	return args
}

// grouped reports whether a query groups or aggregates its rows.
func grouped(sel, groups []selected) bool {
	if len(groups) > 0 {
		return true
	}
	for _, s := range sel {
		if s.expr.agg {
			return true
		}
	}
	return false
}

// zone loads the request's time zone (UTC by default).
func zone(name string) (*time.Location, string, error) {
	if name == "" {
		return time.UTC, "UTC", nil
	}
	if len(name) > 64 || strings.ContainsAny(name, " \\") {
		return nil, "", &Error{Clause: "timezone", Pos: -1, Msg: "fuseau horaire inconnu « " + name + " »"}
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, "", &Error{Clause: "timezone", Pos: -1, Msg: "fuseau horaire inconnu « " + name + " » (exemple : Europe/Paris)"}
	}
	return loc, name, nil
}

// whereClause compiles where, refine and exclude into one condition.
func (c *compiler) whereClause(req Request) (sqlExpr, error) {
	var parts []sqlExpr
	w, err := ParseWhere(req.Where)
	if err != nil {
		return sqlExpr{}, err
	}
	if w != nil {
		x, err := c.cond(w)
		if err != nil {
			return sqlExpr{}, inClause(err, "where")
		}
		parts = append(parts, x)
	}
	for _, r := range req.Refine {
		x, err := c.facet(r, false)
		if err != nil {
			return sqlExpr{}, inClause(err, "refine")
		}
		parts = append(parts, x)
	}
	for _, r := range req.Exclude {
		x, err := c.facet(r, true)
		if err != nil {
			return sqlExpr{}, inClause(err, "exclude")
		}
		parts = append(parts, x)
	}
	var out sqlExpr
	for i, p := range parts {
		if i > 0 {
			out.sql += " AND "
		}
		out.sql += p.sql
		out.args = append(out.args, p.args...)
	}
	return out, nil
}

// facet compiles a refine (or exclude) "field:value". A date field is
// refined by a year, a month or a day ("2024", "2024/03", "2024/03/15").
func (c *compiler) facet(s string, exclude bool) (sqlExpr, error) {
	name, value, ok := strings.Cut(s, ":")
	if !ok {
		return sqlExpr{}, errorf(-1, "« %s » : champ:valeur attendu", s)
	}
	name = strings.TrimSpace(name)
	if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
		value = value[1 : len(value)-1]
	}
	f, found := c.schema.field(name)
	if !found {
		return sqlExpr{}, errorf(-1, "champ inconnu « %s »", name)
	}
	col := fieldExpr(f)
	var x sqlExpr
	var err error
	if temporal(f.Type) {
		x, err = c.dateFacet(col, value)
	} else {
		x, err = c.compare(&Binary{Op: "=", L: &Ident{Name: f.Name}, R: &Str{Value: value}})
	}
	if err != nil {
		return sqlExpr{}, err
	}
	if exclude {
		x.sql = "coalesce(NOT " + x.sql + ", TRUE)"
	}
	return x, nil
}

func (c *compiler) dateFacet(col sqlExpr, value string) (sqlExpr, error) {
	m := partialDate.FindStringSubmatch(strings.TrimSpace(value))
	if m == nil {
		return sqlExpr{}, errorf(-1, "« %s » : une date s'affine par AAAA, AAAA/MM ou AAAA/MM/JJ", value)
	}
	ts := col.sql
	var args []any
	if col.typ == DateTime {
		ts = "timezone(?, " + col.sql + ")"
		args = []any{c.tz}
	}
	var conds []string
	var condArgs []any
	for i, part := range []string{"year", "month", "day"} {
		if m[i+1] == "" {
			break
		}
		n, _ := parseNumber(m[i+1])
		conds = append(conds, part+"("+ts+") = ?")
		condArgs = append(condArgs, args...)
		condArgs = append(condArgs, int64(n))
	}
	return boolExpr("("+strings.Join(conds, " AND ")+")", condArgs), nil
}

// items compiles a group_by clause.
func (c *compiler) items(src string, parse func(string) ([]Item, error), clause string) ([]selected, error) {
	items, err := parse(src)
	if err != nil {
		return nil, err
	}
	var out []selected
	for _, it := range items {
		if _, star := it.X.(*Star); star {
			return nil, &Error{Clause: clause, Pos: it.X.Pos(), Msg: "* n'est pas une clé de regroupement"}
		}
		x, err := c.value(it.X)
		if err != nil {
			return nil, inClause(err, clause)
		}
		if x.agg {
			return nil, &Error{Clause: clause, Pos: it.X.Pos(), Msg: "un agrégat n'est pas une clé de regroupement"}
		}
		out = append(out, selected{name: nameOf(it), expr: x})
	}
	return out, nil
}

func nameOf(it Item) string {
	if it.Alias != "" {
		return it.Alias
	}
	return exprText(it.X)
}

// selectClause compiles select; with group_by and no select, the groups
// are selected. A grouped or aggregated select may only name group keys
// outside aggregates.
func (c *compiler) selectClause(src string, groups []selected) ([]selected, error) {
	items, err := ParseSelect(src)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 && len(groups) > 0 {
		return groups, nil
	}
	var out []selected
	for _, it := range items {
		if _, star := it.X.(*Star); star {
			for _, f := range c.schema {
				out = append(out, selected{name: f.Name, expr: fieldExpr(f)})
			}
			continue
		}
		x, err := c.value(it.X)
		if err != nil {
			return nil, inClause(err, "select")
		}
		out = append(out, selected{name: nameOf(it), expr: x})
	}
	if len(items) == 0 {
		for _, f := range c.schema {
			out = append(out, selected{name: f.Name, expr: fieldExpr(f)})
		}
	}
	if err := checkGrouping(out, groups); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, s := range out {
		if seen[s.name] {
			return nil, &Error{Clause: "select", Pos: -1, Msg: "la colonne « " + s.name + " » est sélectionnée deux fois : donnez-lui un alias avec « as »"}
		}
		seen[s.name] = true
	}
	return out, nil
}

// checkGrouping refuses a non-aggregated column beside aggregates or
// groups when it is not a group key.
func checkGrouping(sel, groups []selected) error {
	aggregated := len(groups) > 0
	for _, s := range sel {
		aggregated = aggregated || s.expr.agg
	}
	if !aggregated {
		return nil
	}
	for _, s := range sel {
		if s.expr.agg || isGroupKey(s.expr, groups) {
			continue
		}
		return &Error{Clause: "select", Pos: -1, Msg: "« " + s.name + " » doit figurer dans group_by ou être agrégé (count, sum, avg, min, max)"}
	}
	return nil
}

func isGroupKey(x sqlExpr, groups []selected) bool {
	for _, g := range groups {
		if g.expr.sql == x.sql && equalArgs(g.expr.args, x.args) {
			return true
		}
	}
	return false
}

func equalArgs(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
