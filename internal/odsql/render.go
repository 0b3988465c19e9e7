package odsql

import (
	"regexp"
	"strconv"
	"strings"
)

// columnName is what a column of a Parquet export may be called (its names
// are SQL identifiers there; everywhere else names are parameters or
// written by the caller).
var columnName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`)

// orderClause compiles order_by. An item may name a selected column (its
// alias), a field or an aggregate; in a grouped query only group keys and
// aggregates.
func (c *compiler) orderClause(src string, sel, groups []selected) (sqlExpr, error) {
	items, err := ParseOrderBy(src)
	if err != nil {
		return sqlExpr{}, err
	}
	grouped := len(groups) > 0
	for _, s := range sel {
		grouped = grouped || s.expr.agg
	}
	var out sqlExpr
	for i, it := range items {
		x, err := c.orderItem(it.X, sel)
		if err != nil {
			return sqlExpr{}, inClause(err, "order_by")
		}
		if grouped && !x.agg && !isGroupKey(x, groups) && !isGroupKey(x, sel) {
			return sqlExpr{}, &Error{Clause: "order_by", Pos: it.X.Pos(), Msg: "« " + exprText(it.X) + " » n'est ni une clé de regroupement ni un agrégat"}
		}
		if x.typ == GeoPoint || x.typ == GeoShape || x.typ == JSON {
			return sqlExpr{}, &Error{Clause: "order_by", Pos: it.X.Pos(), Msg: "un champ de type " + typeName(x.typ) + " ne se trie pas"}
		}
		if i > 0 {
			out.sql += ", "
		}
		dir := " ASC"
		if it.Desc {
			dir = " DESC"
		}
		out.sql += x.sql + dir
		out.args = append(out.args, x.args...)
	}
	return out, nil
}

func (c *compiler) orderItem(e Expr, sel []selected) (sqlExpr, error) {
	if id, ok := e.(*Ident); ok {
		for _, s := range sel {
			if s.name == id.Name {
				return s.expr, nil
			}
		}
	}
	return c.value(e)
}

// render writes the select list in the requested format and fills
// q.Columns and q.Geometry.
func (c *compiler) render(sel []selected, opts Options, q *Query) (string, []any, error) {
	for _, s := range sel {
		if opts.Format == FormatParquet && !columnName.MatchString(s.name) {
			return "", nil, &Error{Clause: "select", Pos: -1, Msg: "nommez la colonne « " + s.name + " » avec « as » (lettres, chiffres et _)"}
		}
		q.Columns = append(q.Columns, Column{Name: s.name, Type: s.expr.typ})
	}
	switch opts.Format {
	case FormatCSV, FormatParquet:
		var parts []string
		var args []any
		for i, s := range sel {
			v, a := s.expr.sql, s.expr.args
			if opts.Format == FormatCSV {
				var err error
				if v, a, err = c.cell(s.expr, opts); err != nil {
					return "", nil, err
				}
			}
			// CSV columns are named by position: the caller writes the
			// header from q.Columns.
			name := "c" + strconv.Itoa(i)
			if opts.Format == FormatParquet {
				name = quoteIdent(s.name)
			}
			parts = append(parts, v+" AS "+name)
			args = append(args, a...)
		}
		return strings.Join(parts, ", "), args, nil
	case FormatGeoJSON:
		return c.feature(sel, opts, q)
	}
	obj, args, err := c.object(sel, opts)
	if opts.JSONText {
		obj = "CAST(" + obj + " AS VARCHAR)"
	}
	return obj + " AS j", args, err
}

// object renders the selected columns as one JSON object; its keys are
// parameters.
func (c *compiler) object(sel []selected, opts Options) (string, []any, error) {
	var parts []string
	var args []any
	for _, s := range sel {
		v, a, err := c.jsonValue(s.expr, opts)
		if err != nil {
			return "", nil, err
		}
		parts = append(parts, "?, "+v)
		args = append(args, s.name)
		args = append(args, a...)
	}
	return "json_object(" + strings.Join(parts, ", ") + ")", args, nil
}

// jsonValue renders one value for JSON.
func (c *compiler) jsonValue(x sqlExpr, opts Options) (string, []any, error) {
	switch {
	case x.typ == DateTime:
		return "ld_datetime(" + x.sql + ", ?)", concat(x.args, []any{c.tz}), nil
	case x.typ == GeoShape && x.wkb:
		if opts.WKBToGeoJSON == "" {
			return "", nil, &Error{Pos: -1, Msg: "les formes géographiques ne peuvent pas être écrites ici"}
		}
		return "CAST(" + opts.WKBToGeoJSON + "(" + x.sql + ") AS JSON)", x.args, nil
	case x.typ == GeoShape, x.typ == JSON, x.list:
		return "CAST(" + x.sql + " AS JSON)", x.args, nil
	}
	return x.sql, x.args, nil
}

// cell renders one value as a CSV cell.
func (c *compiler) cell(x sqlExpr, opts Options) (string, []any, error) {
	switch {
	case x.typ == DateTime:
		return "ld_datetime(" + x.sql + ", ?)", concat(x.args, []any{c.tz}), nil
	case x.typ == GeoPoint:
		return "CASE WHEN " + x.sql + " IS NULL THEN NULL ELSE CAST(" + x.sql + ".lat AS VARCHAR) || ', ' || CAST(" + x.sql + ".lon AS VARCHAR) END",
			concat(x.args, x.args, x.args), nil
	case x.typ == GeoShape && x.wkb:
		if opts.WKBToGeoJSON == "" {
			return "", nil, &Error{Pos: -1, Msg: "les formes géographiques ne peuvent pas être écrites ici"}
		}
		return opts.WKBToGeoJSON + "(" + x.sql + ")", x.args, nil
	case x.list:
		sep := opts.ListSeparator
		if sep == "" {
			sep = ";"
		}
		return "array_to_string(" + x.listSQL() + ", ?)", concat(x.args, []any{sep}), nil
	}
	return x.sql, x.args, nil
}

// feature renders each row as a GeoJSON Feature: the first geographic
// column is its geometry, the others its properties.
func (c *compiler) feature(sel []selected, opts Options, q *Query) (string, []any, error) {
	geo := -1
	for i, s := range sel {
		if s.expr.typ == GeoPoint || s.expr.typ == GeoShape {
			geo = i
			break
		}
	}
	geom, gargs := "NULL", []any(nil)
	props := sel
	if geo >= 0 {
		g := sel[geo]
		q.Geometry = g.name
		if g.expr.typ == GeoPoint {
			geom = "CASE WHEN " + g.expr.sql + " IS NULL THEN NULL ELSE json_object('type', 'Point', 'coordinates', json_array(" + g.expr.sql + ".lon, " + g.expr.sql + ".lat)) END"
			gargs = concat(g.expr.args, g.expr.args, g.expr.args)
		} else {
			v, a, err := c.jsonValue(g.expr, opts)
			if err != nil {
				return "", nil, err
			}
			geom, gargs = v, a
		}
		props = append(append([]selected(nil), sel[:geo]...), sel[geo+1:]...)
	}
	obj, args, err := c.object(props, opts)
	if err != nil {
		return "", nil, err
	}
	return "json_object('type', 'Feature', 'geometry', " + geom + ", 'properties', " + obj + ") AS j", concat(gargs, args), nil
}

// tail writes WHERE and GROUP BY.
func (c *compiler) tail(where sqlExpr, groups, sel []selected) (string, []any) {
	var b strings.Builder
	var args []any
	if where.sql != "" {
		b.WriteString(" WHERE " + where.sql)
		args = append(args, where.args...)
	}
	if len(groups) > 0 {
		var keys []string
		for _, g := range groups {
			keys = append(keys, g.expr.sql)
			args = append(args, g.expr.args...)
		}
		b.WriteString(" GROUP BY " + strings.Join(keys, ", "))
	}
	return b.String(), args
}

// count writes the query counting the matched rows, or groups.
func (c *compiler) count(from string, fromArgs []any, where sqlExpr, groups, sel []selected) (string, []any) {
	tail, args := c.tail(where, groups, sel)
	if len(groups) > 0 {
		return "SELECT count(*) FROM (SELECT 1 FROM " + from + tail + ")", concat(fromArgs, args)
	}
	for _, s := range sel {
		if s.expr.agg {
			return "SELECT CAST(1 AS BIGINT)", nil
		}
	}
	return "SELECT count(*) FROM " + from + tail, concat(fromArgs, args)
}
