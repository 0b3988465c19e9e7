package odsql

import (
	"encoding/json"
	"strings"
	"time"
)

// sqlExpr is a compiled expression: SQL text whose "?" take args in order.
type sqlExpr struct {
	sql  string
	args []any
	typ  Type
	agg  bool   // contains an aggregate
	name string // the field, when the expression is a bare field
	list bool
	// listJSON: the list is stored as JSON array text (releases written
	// before LIST columns), else as a DuckDB LIST of VARCHAR.
	listJSON bool
	wkb      bool
}

// fieldExpr is the expression of the bare field f.
func fieldExpr(f Field) sqlExpr {
	return sqlExpr{sql: quoteIdent(f.Name), typ: f.Type, name: f.Name, list: f.List, listJSON: f.List && f.ListJSON, wkb: f.WKB}
}

// listSQL is the SQL of the list x as a DuckDB LIST.
func (x sqlExpr) listSQL() string {
	if x.listJSON {
		return "CAST(json_extract_string(" + x.sql + ", '$[*]') AS VARCHAR[])"
	}
	return x.sql
}

// text returns x as text for searches: a LIST joined with spaces.
func (x sqlExpr) text() sqlExpr {
	if x.list && !x.listJSON {
		x.sql = "array_to_string(" + x.sql + ", ' ')"
	}
	return x
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// compiler compiles the expressions of one request.
type compiler struct {
	schema    Schema
	loc       *time.Location
	tz        string
	rowNumber string                                 // Options.RowNumber
	fullText  func(words []string) ([]uint64, error) // Options.FullText
}

// value compiles an expression that yields a value: a field, a literal, a
// date function, an aggregate or arithmetic on numbers.
func (c *compiler) value(e Expr) (sqlExpr, error) {
	switch e := e.(type) {
	case *Ident:
		f, ok := c.schema.field(e.Name)
		if !ok {
			return sqlExpr{}, errorf(e.P, "champ inconnu « %s »", e.Name)
		}
		return fieldExpr(f), nil
	case *Num:
		if e.Unit != "" {
			return sqlExpr{}, errorf(e.P, "unité « %s » inattendue ici", e.Unit)
		}
		v, ok := parseNumber(e.Text)
		if !ok {
			return sqlExpr{}, errorf(e.P, "nombre invalide « %s »", e.Text)
		}
		return sqlExpr{sql: "CAST(? AS DOUBLE)", args: []any{v}, typ: Double}, nil
	case *Str:
		return sqlExpr{sql: "CAST(? AS VARCHAR)", args: []any{e.Value}, typ: Text}, nil
	case *Call:
		return c.call(e)
	case *Binary:
		switch e.Op {
		case "+", "-", "*", "/":
			return c.arithmetic(e)
		}
	}
	return sqlExpr{}, errorf(e.Pos(), "expression « %s » inattendue ici", exprText(e))
}

func (c *compiler) arithmetic(e *Binary) (sqlExpr, error) {
	l, err := c.value(e.L)
	if err != nil {
		return sqlExpr{}, err
	}
	r, err := c.value(e.R)
	if err != nil {
		return sqlExpr{}, err
	}
	if !numeric(l.typ) || !numeric(r.typ) {
		return sqlExpr{}, errorf(e.P, "l'opérateur « %s » demande des nombres", e.Op)
	}
	op := e.Op
	if op == "/" {
		return sqlExpr{sql: "(CAST(" + l.sql + " AS DOUBLE) / NULLIF(" + r.sql + ", 0))", args: concat(l.args, r.args), typ: Double, agg: l.agg || r.agg}, nil
	}
	t := Double
	if l.typ == Int && r.typ == Int {
		t = Int
	}
	return sqlExpr{sql: "(" + l.sql + " " + op + " " + r.sql + ")", args: concat(l.args, r.args), typ: t, agg: l.agg || r.agg}, nil
}

// datePart maps the ODSQL date functions to DuckDB's.
var datePart = map[string]string{"year": "year", "month": "month", "day": "day", "hour": "hour", "minute": "minute", "second": "second"}

// aggregates maps the ODSQL aggregates to DuckDB's.
var aggregates = map[string]string{"count": "count", "sum": "sum", "avg": "avg", "min": "min", "max": "max", "median": "median"}

func (c *compiler) call(e *Call) (sqlExpr, error) {
	if part, ok := datePart[e.Name]; ok {
		if len(e.Args) != 1 {
			return sqlExpr{}, errorf(e.P, "%s() prend un champ date", e.Name)
		}
		a, err := c.value(e.Args[0])
		if err != nil {
			return sqlExpr{}, err
		}
		switch {
		case a.typ == Date && (part == "year" || part == "month" || part == "day"):
			return sqlExpr{sql: part + "(" + a.sql + ")", args: a.args, typ: Int, agg: a.agg}, nil
		case a.typ == DateTime:
			return sqlExpr{sql: part + "(timezone(?, " + a.sql + "))", args: concat([]any{c.tz}, a.args), typ: Int, agg: a.agg}, nil
		}
		return sqlExpr{}, errorf(e.P, "%s() demande un champ de type date ou date et heure", e.Name)
	}
	fn, ok := aggregates[e.Name]
	if !ok {
		return sqlExpr{}, errorf(e.P, "fonction inconnue ou non prise en charge « %s »", e.Name)
	}
	if len(e.Args) != 1 {
		return sqlExpr{}, errorf(e.P, "%s() prend un argument", e.Name)
	}
	if _, star := e.Args[0].(*Star); star {
		if fn != "count" {
			return sqlExpr{}, errorf(e.P, "%s(*) n'existe pas ; count(*) compte les enregistrements", e.Name)
		}
		return sqlExpr{sql: "count(*)", typ: Int, agg: true}, nil
	}
	a, err := c.value(e.Args[0])
	if err != nil {
		return sqlExpr{}, err
	}
	if a.agg {
		return sqlExpr{}, errorf(e.P, "agrégat imbriqué dans %s()", e.Name)
	}
	switch fn {
	case "count":
		return sqlExpr{sql: "count(" + a.sql + ")", args: a.args, typ: Int, agg: true}, nil
	case "sum":
		if !numeric(a.typ) {
			break
		}
		if a.typ == Int {
			return sqlExpr{sql: "CAST(sum(" + a.sql + ") AS BIGINT)", args: a.args, typ: Int, agg: true}, nil
		}
		return sqlExpr{sql: "sum(" + a.sql + ")", args: a.args, typ: Double, agg: true}, nil
	case "avg", "median":
		if !numeric(a.typ) {
			break
		}
		return sqlExpr{sql: fn + "(CAST(" + a.sql + " AS DOUBLE))", args: a.args, typ: Double, agg: true}, nil
	case "min", "max":
		if !numeric(a.typ) && !temporal(a.typ) && a.typ != Text {
			break
		}
		return sqlExpr{sql: fn + "(" + a.sql + ")", args: a.args, typ: a.typ, agg: true}, nil
	}
	return sqlExpr{}, errorf(e.P, "%s() ne s'applique pas à un champ de type %s", e.Name, typeName(a.typ))
}

// cond compiles a boolean condition of a where clause.
func (c *compiler) cond(e Expr) (sqlExpr, error) {
	switch e := e.(type) {
	case *Binary:
		switch e.Op {
		case "and", "or":
			l, err := c.cond(e.L)
			if err != nil {
				return sqlExpr{}, err
			}
			r, err := c.cond(e.R)
			if err != nil {
				return sqlExpr{}, err
			}
			return boolExpr("("+l.sql+" "+strings.ToUpper(e.Op)+" "+r.sql+")", l.args, r.args), nil
		case "like":
			return c.like(e)
		case "+", "-", "*", "/":
		default:
			return c.compare(e)
		}
	case *Not:
		x, err := c.cond(e.X)
		if err != nil {
			return sqlExpr{}, err
		}
		return boolExpr("(NOT "+x.sql+")", x.args), nil
	case *Str:
		return c.search(nil, e.Value, e.P)
	case *Ident:
		v, err := c.value(e)
		if err != nil {
			return sqlExpr{}, err
		}
		if v.typ != Boolean {
			return sqlExpr{}, errorf(e.P, "le champ « %s » n'est pas booléen : comparez-le à une valeur", e.Name)
		}
		return boolExpr("("+v.sql+" IS TRUE)", v.args), nil
	case *Bool:
		return boolExpr("?", []any{e.Value}), nil
	case *IsNull:
		v, err := c.value(e.X)
		if err != nil {
			return sqlExpr{}, err
		}
		op := " IS NULL"
		if e.Not {
			op = " IS NOT NULL"
		}
		return boolExpr("("+v.sql+op+")", v.args), nil
	case *In:
		return c.in(e)
	case *Range:
		return c.rangeCond(e)
	case *Call:
		return c.filterCall(e)
	}
	return sqlExpr{}, errorf(e.Pos(), "« %s » n'est pas une condition", exprText(e))
}

func boolExpr(sql string, args ...[]any) sqlExpr {
	return sqlExpr{sql: sql, args: concat(args...), typ: Boolean}
}

func concat(lists ...[]any) []any {
	var out []any
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

var sqlOps = map[string]string{"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

// compare compiles "field op literal" (either side may be the field).
func (c *compiler) compare(e *Binary) (sqlExpr, error) {
	op := sqlOps[e.Op]
	fieldSide, lit := e.L, e.R
	if isLiteral(e.L) && !isLiteral(e.R) {
		fieldSide, lit = e.R, e.L
		op = flip(op)
	}
	if isLiteral(fieldSide) {
		return sqlExpr{}, errorf(e.P, "une comparaison porte sur un champ")
	}
	f, err := c.value(fieldSide)
	if err != nil {
		return sqlExpr{}, err
	}
	if f.agg {
		return sqlExpr{}, errorf(e.P, "un agrégat ne peut pas filtrer les enregistrements")
	}
	if _, isNull := lit.(*Null); isNull {
		switch op {
		case "=":
			return boolExpr("("+f.sql+" IS NULL)", f.args), nil
		case "<>":
			return boolExpr("("+f.sql+" IS NOT NULL)", f.args), nil
		}
		return sqlExpr{}, errorf(e.P, "null ne se compare qu'avec = ou !=")
	}
	if !isLiteral(lit) {
		return sqlExpr{}, errorf(lit.Pos(), "un champ se compare à une valeur")
	}
	v, err := c.literal(f, lit)
	if err != nil {
		return sqlExpr{}, err
	}
	if f.list && (op == "=" || op == "<>") {
		s := "list_contains(" + f.listSQL() + ", " + v.sql + ")"
		if op == "<>" {
			s = "(NOT " + s + ")"
		}
		return boolExpr(s, f.args, v.args), nil
	}
	if f.typ == Boolean && (op == "=" || op == "<>") {
		// "x is true", "x = false": a missing value is neither.
		dist := " IS NOT DISTINCT FROM "
		if op == "<>" {
			dist = " IS DISTINCT FROM "
		}
		return boolExpr("("+f.sql+dist+v.sql+")", f.args, v.args), nil
	}
	return boolExpr("("+f.sql+" "+op+" "+v.sql+")", f.args, v.args), nil
}

func flip(op string) string {
	switch op {
	case "<":
		return ">"
	case "<=":
		return ">="
	case ">":
		return "<"
	case ">=":
		return "<="
	}
	return op
}

func isLiteral(e Expr) bool {
	switch e.(type) {
	case *Str, *Num, *Bool, *Null, *DateLit:
		return true
	}
	return false
}

// literal compiles a literal to a parameter typed like the field f.
func (c *compiler) literal(f sqlExpr, lit Expr) (sqlExpr, error) {
	text, pos := literalText(lit)
	switch f.typ {
	case Text, JSON:
		if _, ok := lit.(*Bool); ok {
			break
		}
		return sqlExpr{sql: "?", args: []any{text}}, nil
	case Int, Double:
		n, ok := parseNumber(text)
		if _, isDate := lit.(*DateLit); !ok || isDate {
			return sqlExpr{}, errorf(pos, "« %s » n'est pas un nombre (champ de type %s)", text, typeName(f.typ))
		}
		return sqlExpr{sql: "CAST(? AS DOUBLE)", args: []any{n}}, nil
	case Boolean:
		if b, ok := lit.(*Bool); ok {
			return sqlExpr{sql: "?", args: []any{b.Value}}, nil
		}
		if s, ok := lit.(*Str); ok && (s.Value == "true" || s.Value == "false") {
			return sqlExpr{sql: "?", args: []any{s.Value == "true"}}, nil
		}
		return sqlExpr{}, errorf(pos, "« %s » n'est pas true ou false (champ booléen)", text)
	case Date, DateTime:
		if _, ok := lit.(*Num); ok && f.typ == Date {
			// year(d) = 2024 is compiled by value(), so a bare number here is a mistake.
			return sqlExpr{}, errorf(pos, "« %s » n'est pas une date : écrivez date'%s'", text, text)
		}
		t, ok := parseDate(text, c.loc)
		if !ok {
			return sqlExpr{}, errorf(pos, "« %s » n'est pas une date (AAAA-MM-JJ ou AAAA/MM/JJ)", text)
		}
		if f.typ == Date {
			return sqlExpr{sql: "CAST(? AS DATE)", args: []any{t.Format("2006-01-02")}}, nil
		}
		return sqlExpr{sql: "CAST(? AS TIMESTAMPTZ)", args: []any{t.UTC().Format("2006-01-02 15:04:05.999999Z07:00")}}, nil
	}
	return sqlExpr{}, errorf(pos, "un champ de type %s ne se compare pas à « %s »", typeName(f.typ), text)
}

func literalText(e Expr) (string, int) {
	switch e := e.(type) {
	case *Str:
		return e.Value, e.P
	case *Num:
		return e.Text, e.P
	case *DateLit:
		return e.Text, e.P
	case *Bool:
		if e.Value {
			return "true", e.P
		}
		return "false", e.P
	}
	return exprText(e), e.Pos()
}

func (c *compiler) in(e *In) (sqlExpr, error) {
	f, err := c.value(e.X)
	if err != nil {
		return sqlExpr{}, err
	}
	if f.agg {
		return sqlExpr{}, errorf(e.P, "un agrégat ne peut pas filtrer les enregistrements")
	}
	var parts []string
	var args []any
	for _, it := range e.List {
		if !isLiteral(it) {
			return sqlExpr{}, errorf(it.Pos(), "« in » attend une liste de valeurs")
		}
		v, err := c.literal(f, it)
		if err != nil {
			return sqlExpr{}, err
		}
		parts = append(parts, v.sql)
		args = append(args, v.args...)
	}
	s := "(" + f.sql + " IN (" + strings.Join(parts, ", ") + "))"
	if e.Not {
		s = "(" + f.sql + " NOT IN (" + strings.Join(parts, ", ") + "))"
	}
	return boolExpr(s, f.args, args), nil
}

func (c *compiler) rangeCond(e *Range) (sqlExpr, error) {
	f, err := c.value(e.X)
	if err != nil {
		return sqlExpr{}, err
	}
	if !numeric(f.typ) && !temporal(f.typ) {
		return sqlExpr{}, errorf(e.P, "un intervalle s'applique à un nombre ou une date, pas à un champ de type %s", typeName(f.typ))
	}
	lo, err := c.literal(f, e.Lo)
	if err != nil {
		return sqlExpr{}, err
	}
	hi, err := c.literal(f, e.Hi)
	if err != nil {
		return sqlExpr{}, err
	}
	lop, hop := ">", "<"
	if e.LoIncl {
		lop = ">="
	}
	if e.HiIncl {
		hop = "<="
	}
	return boolExpr("("+f.sql+" "+lop+" "+lo.sql+" AND "+f.sql+" "+hop+" "+hi.sql+")", f.args, lo.args, f.args, hi.args), nil
}
