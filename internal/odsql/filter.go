package odsql

import (
	"strconv"
	"strings"
)

// foldSQL is the accent- and case-insensitive form of a text column.
func foldSQL(col string) string { return "strip_accents(lower(CAST(" + col + " AS VARCHAR)))" }

// containsWords matches every word of text (accent- and case-insensitive)
// in one of cols; a trailing "*" on a word is accepted and changes nothing
// (words are matched anywhere).
func containsWords(cols []sqlExpr, text string, pos int) (sqlExpr, error) {
	words := strings.Fields(text)
	if len(words) == 0 {
		return boolExpr("TRUE"), nil
	}
	if len(cols) == 0 {
		return boolExpr("FALSE"), nil
	}
	var ands []string
	var args []any
	for _, w := range words {
		w = strings.TrimRight(w, "*")
		if w == "" {
			continue
		}
		var ors []string
		for _, c := range cols {
			ors = append(ors, foldSQL(c.sql)+` LIKE '%' || strip_accents(lower(?)) || '%' ESCAPE '\'`)
			args = append(args, c.args...)
			args = append(args, escapeLike(w))
		}
		ands = append(ands, "("+strings.Join(ors, " OR ")+")")
	}
	if len(ands) == 0 {
		return boolExpr("TRUE"), nil
	}
	return boolExpr("("+strings.Join(ands, " AND ")+")", args), nil
}

// textColumns are the columns a full-text search looks in.
func (c *compiler) textColumns() []sqlExpr {
	var out []sqlExpr
	for _, f := range c.schema {
		if f.Type == Text {
			out = append(out, fieldExpr(f).text())
		}
	}
	return out
}

// search compiles a full-text search in one field, or in every text field
// when field is nil.
func (c *compiler) search(field Expr, text string, pos int) (sqlExpr, error) {
	if _, star := field.(*Star); field == nil || star {
		if c.fullText != nil {
			return c.indexed(text, pos)
		}
		return containsWords(c.textColumns(), text, pos)
	}
	f, err := c.value(field)
	if err != nil {
		return sqlExpr{}, err
	}
	if f.typ != Text || f.agg {
		return sqlExpr{}, errorf(field.Pos(), "la recherche porte sur un champ texte")
	}
	return containsWords([]sqlExpr{f.text()}, text, pos)
}

// indexed compiles a full-text search over every text field answered by
// Options.FullText: the row number is one of those it returns. A search
// for a word the index does not keep (see Indexed) scans the text fields.
func (c *compiler) indexed(text string, pos int) (sqlExpr, error) {
	words := QueryWords(text)
	if len(words) == 0 {
		return boolExpr("TRUE"), nil
	}
	for _, w := range words {
		if !Indexed([]byte(w)) {
			return containsWords(c.textColumns(), text, pos)
		}
	}
	rows, err := c.fullText(words)
	if err != nil {
		return sqlExpr{}, err
	}
	if rows == nil {
		rows = []uint64{}
	}
	return boolExpr(quoteIdent(c.rowNumber)+indexedIn, []any{rows}), nil
}

// indexedIn follows the row number in the condition of an indexed search.
const indexedIn = " IN (SELECT unnest(?))"

func (c *compiler) like(e *Binary) (sqlExpr, error) {
	s, ok := e.R.(*Str)
	if !ok {
		return sqlExpr{}, errorf(e.R.Pos(), "« like » attend une chaîne de caractères")
	}
	return c.search(e.L, s.Value, e.P)
}

// filterCall compiles the filter functions of a where clause.
func (c *compiler) filterCall(e *Call) (sqlExpr, error) {
	switch e.Name {
	case "search":
		if len(e.Args) == 1 {
			if s, ok := e.Args[0].(*Str); ok {
				return c.search(nil, s.Value, e.P)
			}
		}
		if len(e.Args) != 2 {
			return sqlExpr{}, errorf(e.P, "search() prend un champ (ou *) et un texte")
		}
		s, ok := e.Args[1].(*Str)
		if !ok {
			return sqlExpr{}, errorf(e.Args[1].Pos(), "search() cherche une chaîne de caractères")
		}
		return c.search(e.Args[0], s.Value, e.P)
	case "startswith":
		if len(e.Args) != 2 {
			return sqlExpr{}, errorf(e.P, "startswith() prend un champ et un texte")
		}
		f, err := c.value(e.Args[0])
		if err != nil {
			return sqlExpr{}, err
		}
		s, ok := e.Args[1].(*Str)
		if f.typ != Text || f.agg || !ok {
			return sqlExpr{}, errorf(e.P, "startswith() prend un champ texte et une chaîne de caractères")
		}
		return boolExpr("starts_with(CAST("+f.text().sql+" AS VARCHAR), ?)", f.args, []any{s.Value}), nil
	case "within_distance", "distance":
		return c.withinDistance(e)
	case "in_bbox", "bbox":
		return c.inBBox(e)
	}
	if _, ok := datePart[e.Name]; ok {
		return sqlExpr{}, errorf(e.P, "%s() donne un nombre : comparez-le, par exemple %s(champ) = 2024", e.Name, e.Name)
	}
	return sqlExpr{}, errorf(e.P, "fonction de filtre inconnue ou non prise en charge « %s »", e.Name)
}

// geoPointField compiles the first argument of a geographic filter, which
// must be a geo_point_2d field.
func (c *compiler) geoPointField(e *Call) (sqlExpr, error) {
	if len(e.Args) == 0 {
		return sqlExpr{}, errorf(e.P, "%s() prend d'abord un champ géographique", e.Name)
	}
	f, err := c.value(e.Args[0])
	if err != nil {
		return sqlExpr{}, err
	}
	if f.typ != GeoPoint {
		return sqlExpr{}, errorf(e.Args[0].Pos(), "%s() s'applique à un champ de type geo_point_2d", e.Name)
	}
	return f, nil
}

// earthRadius is the mean radius of the Earth in metres (IUGG).
const earthRadius = 6371008.8

// withinDistance compiles within_distance(point_field, geom'POINT(lon
// lat)', 10km): the haversine distance to the centre is at most the
// distance.
func (c *compiler) withinDistance(e *Call) (sqlExpr, error) {
	f, err := c.geoPointField(e)
	if err != nil {
		return sqlExpr{}, err
	}
	if len(e.Args) != 3 {
		return sqlExpr{}, errorf(e.P, "%s() prend un champ, un point geom'POINT(lon lat)' et une distance (10km)", e.Name)
	}
	g, ok := e.Args[1].(*GeomLit)
	if !ok {
		return sqlExpr{}, errorf(e.Args[1].Pos(), "le centre s'écrit geom'POINT(longitude latitude)'")
	}
	lon, lat, ok := parsePoint(g.Text)
	if !ok {
		return sqlExpr{}, errorf(g.P, "point invalide « %s » : geom'POINT(longitude latitude)' attendu", g.Text)
	}
	d, ok := e.Args[2].(*Num)
	factor, known := distanceUnits[strings.ToLower(d.unitOrEmpty())]
	if !ok || !known {
		return sqlExpr{}, errorf(e.Args[2].Pos(), "distance invalide : un nombre suivi de m, km, mi, yd, ft, cm ou mm")
	}
	dist, ok := parseNumber(d.Text)
	if !ok || dist < 0 {
		return sqlExpr{}, errorf(d.P, "distance invalide « %s »", d.Text)
	}
	col := f.sql
	s := "(2 * " + floatSQL(earthRadius) + " * asin(sqrt(" +
		"pow(sin(radians(" + col + ".lat - ?) / 2), 2) + " +
		"cos(radians(?)) * cos(radians(" + col + ".lat)) * pow(sin(radians(" + col + ".lon - ?) / 2), 2))) <= ?)"
	return boolExpr(s, f.args, []any{lat}, []any{lat}, f.args, f.args, []any{lon, dist * factor}), nil
}

func (n *Num) unitOrEmpty() string {
	if n == nil {
		return "?"
	}
	return n.Unit
}

// inBBox compiles in_bbox(point_field, lat1, lon1, lat2, lon2): the point
// lies in the box whose opposite corners are given.
func (c *compiler) inBBox(e *Call) (sqlExpr, error) {
	f, err := c.geoPointField(e)
	if err != nil {
		return sqlExpr{}, err
	}
	if len(e.Args) != 5 {
		return sqlExpr{}, errorf(e.P, "%s() prend un champ puis lat1, lon1, lat2, lon2", e.Name)
	}
	var v [4]float64
	for i := range v {
		n, ok := e.Args[i+1].(*Num)
		if ok && n.Unit == "" {
			v[i], ok = parseNumber(n.Text)
		}
		if !ok {
			return sqlExpr{}, errorf(e.Args[i+1].Pos(), "%s() attend des coordonnées en degrés", e.Name)
		}
	}
	latLo, latHi := min(v[0], v[2]), max(v[0], v[2])
	lonLo, lonHi := min(v[1], v[3]), max(v[1], v[3])
	s := "(" + f.sql + ".lat BETWEEN ? AND ? AND " + f.sql + ".lon BETWEEN ? AND ?)"
	return boolExpr(s, f.args, []any{latLo, latHi}, f.args, []any{lonLo, lonHi}), nil
}

// floatSQL writes a constant of the compiler (never user input) as SQL.
func floatSQL(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
