package odsql

import (
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
	c := &compiler{schema: schema, loc: loc, tz: tz}
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
	rendered, args, err := c.render(sel, opts, q)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("SELECT " + rendered + " FROM " + from)
	args = concat(args, fromArgs)
	tail, tailArgs := c.tail(where, groups, sel)
	b.WriteString(tail)
	args = concat(args, tailArgs)
	if order.sql != "" {
		b.WriteString(" ORDER BY " + order.sql)
		args = concat(args, order.args)
	}
	if req.Limit >= 0 {
		b.WriteString(" LIMIT ?")
		args = append(args, req.Limit)
	}
	if req.Offset > 0 {
		b.WriteString(" OFFSET ?")
		args = append(args, req.Offset)
	}
	q.SQL, q.Args = b.String(), args
	q.CountSQL, q.CountArgs = c.count(from, fromArgs, where, groups, sel)
	return q, nil
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
	col := sqlExpr{sql: quoteIdent(f.Name), typ: f.Type, list: f.List}
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
				out = append(out, selected{name: f.Name, expr: sqlExpr{sql: quoteIdent(f.Name), typ: f.Type, name: f.Name, list: f.List, wkb: f.WKB}})
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
			out = append(out, selected{name: f.Name, expr: sqlExpr{sql: quoteIdent(f.Name), typ: f.Type, name: f.Name, list: f.List, wkb: f.WKB}})
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
