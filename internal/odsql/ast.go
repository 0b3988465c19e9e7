// Package odsql parses the subset of ODSQL, the query language of the
// OpenDataSoft Explore API v2.1, that ligerdata's query API accepts, into a
// tree, and compiles that tree to parameterised DuckDB SQL over one table
// whose columns are known (see Compile).
//
// The contract that makes the API safe: the text of a clause never becomes
// SQL text. Values become bound parameters ("?"), field names are looked up
// in the schema and written from the schema (quoted), function names and
// operators come from fixed tables. Anything else is refused with an *Error
// whose message is in French.
//
// Accepted, for what reusers use:
//   - where: comparisons (= : != <> < <= > >=), and, or, not, parentheses,
//     in (list) and in [a..b] ranges, like, is [not] null, is true/false,
//     a bare boolean field, a bare string (full-text search over the text
//     fields), search(field|*, "text"), startswith(field, "text"),
//     within_distance(geo, geom'POINT(lon lat)', 10km) and
//     in_bbox(geo, lat1, lon1, lat2, lon2) on geo_point_2d fields,
//     year(), month(), day() of dates;
//   - select: *, fields, year()/month()/day(), count(*), count(f), sum, avg,
//     min, max, each with an optional "as alias";
//   - group_by: fields and year()/month()/day() of dates, with aliases;
//   - order_by: fields, aliases and aggregates, asc or desc.
package odsql

// Expr is a node of a parsed clause.
type Expr interface {
	// Pos is the byte offset of the node in its clause.
	Pos() int
}

// Ident is a field name (or an alias, in order_by).
type Ident struct {
	Name string
	P    int
}

// Star is "*" (in select and in count(*)).
type Star struct{ P int }

// Str is a string literal.
type Str struct {
	Value string
	P     int
}

// Num is a number literal; Unit is a unit glued to it ("km" in 10km).
type Num struct {
	Text string
	Unit string
	P    int
}

// Bool is true or false.
type Bool struct {
	Value bool
	P     int
}

// Null is the null literal.
type Null struct{ P int }

// DateLit is date'…'.
type DateLit struct {
	Text string
	P    int
}

// GeomLit is geom'…' (WKT or GeoJSON).
type GeomLit struct {
	Text string
	P    int
}

// Call is a function call; Name is lower-cased.
type Call struct {
	Name string
	Args []Expr
	P    int
}

// Binary is "L Op R": and, or, comparisons (= != < <= > >=), like, and
// arithmetic (+ - * /).
type Binary struct {
	Op   string
	L, R Expr
	P    int
}

// Not is "not X".
type Not struct {
	X Expr
	P int
}

// In is "X [not] in (a, b, …)".
type In struct {
	X    Expr
	List []Expr
	Not  bool
	P    int
}

// Range is "X in [lo..hi]" (brackets turned outwards exclude the bound).
type Range struct {
	X              Expr
	Lo, Hi         Expr
	LoIncl, HiIncl bool
	P              int
}

// IsNull is "X is [not] null".
type IsNull struct {
	X   Expr
	Not bool
	P   int
}

func (e *Ident) Pos() int   { return e.P }
func (e *Star) Pos() int    { return e.P }
func (e *Str) Pos() int     { return e.P }
func (e *Num) Pos() int     { return e.P }
func (e *Bool) Pos() int    { return e.P }
func (e *Null) Pos() int    { return e.P }
func (e *DateLit) Pos() int { return e.P }
func (e *GeomLit) Pos() int { return e.P }
func (e *Call) Pos() int    { return e.P }
func (e *Binary) Pos() int  { return e.P }
func (e *Not) Pos() int     { return e.P }
func (e *In) Pos() int      { return e.P }
func (e *Range) Pos() int   { return e.P }
func (e *IsNull) Pos() int  { return e.P }

// Item is one expression of a select or group_by clause, with its alias
// ("" when none).
type Item struct {
	X     Expr
	Alias string
}

// Order is one expression of an order_by clause.
type Order struct {
	X    Expr
	Desc bool
}
