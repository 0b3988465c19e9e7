package odsql

import (
	"strconv"
	"strings"
)

// Type is the ODS type of a field or of a computed column.
type Type string

// The ODS field types the compiler knows.
const (
	Text     Type = "text"
	Int      Type = "int"
	Double   Type = "double"
	Boolean  Type = "boolean"
	Date     Type = "date"
	DateTime Type = "datetime"
	GeoPoint Type = "geo_point_2d"
	GeoShape Type = "geo_shape"
	JSON     Type = "json"
)

// Field is one column of the queried table.
//
// Storage in DuckDB, as the compiler expects it: Text a VARCHAR (or TIME,
// rendered as text); Int a BIGINT; Double a DOUBLE; Boolean a BOOLEAN;
// Date a DATE; DateTime a TIMESTAMP WITH TIME ZONE; GeoPoint a STRUCT(lon
// DOUBLE, lat DOUBLE); GeoShape a BLOB of WKB when WKB is set, else a
// VARCHAR of GeoJSON text; JSON a VARCHAR of JSON text. List marks a
// multivalued Text field stored as a LIST of VARCHAR, or, with ListJSON
// (releases written before LIST columns), as the JSON text of an array of
// strings.
type Field struct {
	Name     string
	Type     Type
	List     bool
	ListJSON bool
	WKB      bool
}

// Schema is the ordered list of the queried columns.
type Schema []Field

func (s Schema) field(name string) (Field, bool) {
	for _, f := range s {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// quoteIdent writes a field name taken from the schema as a DuckDB quoted
// identifier.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func numeric(t Type) bool  { return t == Int || t == Double }
func temporal(t Type) bool { return t == Date || t == DateTime }

// typeName is the French name of a type in messages.
func typeName(t Type) string {
	switch t {
	case Text:
		return "texte"
	case Int:
		return "entier"
	case Double:
		return "décimal"
	case Boolean:
		return "booléen"
	case Date:
		return "date"
	case DateTime:
		return "date et heure"
	case GeoPoint:
		return "point géographique"
	case GeoShape:
		return "forme géographique"
	case JSON:
		return "JSON"
	}
	return string(t)
}

// exprText is the canonical text of an expression: the name of an
// un-aliased select column, as ODS names it ("count(*)", "year(date)").
func exprText(e Expr) string {
	switch e := e.(type) {
	case *Ident:
		return e.Name
	case *Star:
		return "*"
	case *Str:
		return strconv.Quote(e.Value)
	case *Num:
		return e.Text + e.Unit
	case *Bool:
		return strconv.FormatBool(e.Value)
	case *Null:
		return "null"
	case *DateLit:
		return "date'" + e.Text + "'"
	case *GeomLit:
		return "geom'" + e.Text + "'"
	case *Call:
		args := make([]string, len(e.Args))
		for i, a := range e.Args {
			args[i] = exprText(a)
		}
		return e.Name + "(" + strings.Join(args, ", ") + ")"
	case *Binary:
		return exprText(e.L) + " " + e.Op + " " + exprText(e.R)
	case *Not:
		return "not " + exprText(e.X)
	}
	return "?"
}
