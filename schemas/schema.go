// Package schemas provides a frictionless Table Schema engine: it parses
// Table Schema descriptors (v1, with the cheap v2 additions: list type,
// field-level missingValues), casts cells to logical values, checks
// constraints, unique and primary keys, and streams CSV files through a
// schema, reporting every problem with a French message meant for data users.
//
// The schemas the project publishes against are embedded in the package
// (see Names and Load).
package schemas

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
)

//go:embed *.json
var embedded embed.FS

// Schema is a Table Schema descriptor (frictionless v1, with v2 additions
// where cheap). A Schema returned by Parse or Load is compiled: it must not
// be modified afterwards, and it is then safe for concurrent use (each Table
// made from it keeps its own state). A Schema built by hand rather than by
// Parse is not compiled and cannot make Tables: marshal it and Parse it.
type Schema struct {
	Name        string  `json:"name,omitempty"`
	Title       string  `json:"title,omitempty"`
	Description string  `json:"description,omitempty"`
	Version     string  `json:"version,omitempty"`
	Homepage    string  `json:"homepage,omitempty"`
	URI         string  `json:"uri,omitempty"`
	Fields      []Field `json:"fields"`
	// PrimaryKey names the fields of the primary key; in JSON it may be a
	// string or an array of strings.
	PrimaryKey []string `json:"primaryKey,omitempty"`
	// MissingValues are the cell strings meaning "no value"; [""] when the
	// descriptor does not say.
	MissingValues []string  `json:"missingValues"`
	Licenses      []License `json:"licenses,omitempty"`
	// FieldsMatch says how a header is matched to Fields (see NewTable):
	// exact, equal, subset, superset or partial; "" reads as equal.
	FieldsMatch string `json:"fieldsMatch,omitempty"`
	// ForeignKeys are checked by Table.Row and Table.Unresolved.
	ForeignKeys []ForeignKey `json:"foreignKeys,omitempty"`
	// Geometry (property "x-ligerdata-geometry", ours) declares that each
	// row is a point given by two number fields, longitude and latitude on
	// WGS 84: the published files then have a point geometry (see
	// README.md). Nil when the schema declares none.
	Geometry *GeometryFields `json:"x-ligerdata-geometry,omitempty"`
	// Raw is the descriptor as read, for re-embedding in datapackage.json.
	Raw json.RawMessage `json:"-"`

	compiled []*compiledField
	pkIdx    []int
	index    map[string]int
	refs     map[string]*KeySet // see WithReferences
}

// GeometryFields names the longitude and latitude fields of a point
// geometry (both number fields, in decimal degrees on WGS 84).
type GeometryFields struct {
	Longitude string `json:"longitude"`
	Latitude  string `json:"latitude"`
}

// License is a licence of the schema itself.
type License struct {
	Name  string `json:"name,omitempty"`
	Title string `json:"title,omitempty"`
	Path  string `json:"path,omitempty"`
}

// Field describes one column.
type Field struct {
	Name        string `json:"name"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	// Type is one of string, number, integer, boolean, object, array, list,
	// date, time, datetime, year, yearmonth, duration, geopoint, geojson,
	// any. Empty means string.
	Type string `json:"type,omitempty"`
	// Format depends on Type: string (default, email, uri, binary, uuid,
	// and opening_hours, ours: see FormatOpeningHours),
	// date/time/datetime (default, any, or a strptime pattern such as
	// %d/%m/%Y), geopoint (default, array, object), geojson (default,
	// topojson).
	Format      string      `json:"format,omitempty"`
	Example     any         `json:"example,omitempty"`
	Constraints Constraints `json:"constraints,omitempty"`
	// DecimalChar (default ".") and GroupChar (default none) apply to number
	// and integer (integer uses GroupChar only).
	DecimalChar string `json:"decimalChar,omitempty"`
	GroupChar   string `json:"groupChar,omitempty"`
	// BareNumber (default true): when false, non-numeric characters before
	// and after the number ("€ 12,5", "95%") are ignored.
	BareNumber *bool `json:"bareNumber,omitempty"`
	// TrueValues and FalseValues override the boolean spellings; the defaults
	// are true/True/TRUE/1 and false/False/FALSE/0.
	TrueValues  []string `json:"trueValues,omitempty"`
	FalseValues []string `json:"falseValues,omitempty"`
	// Delimiter (default ",") and ItemType (default string) apply to list.
	Delimiter string `json:"delimiter,omitempty"`
	ItemType  string `json:"itemType,omitempty"`
	// MissingValues, when not nil, replaces the schema's missing values for
	// this field.
	MissingValues []string `json:"missingValues,omitempty"`
	// ArrayItem describes each item of an array field (type, format and
	// constraints; no name): every item is cast and checked with it.
	ArrayItem *Field `json:"arrayItem,omitempty"`
	// Replace (property "x-ligerdata-replace", ours) rewrites every
	// occurrence of each key by its value in a cell before it is cast and
	// checked: a way to accept a known misspelling on input and publish the
	// spelling the schema's users expect (see README.md).
	Replace map[string]string `json:"x-ligerdata-replace,omitempty"`
}

// Constraints restrict the values of a field.
type Constraints struct {
	Required  bool `json:"required,omitempty"`
	Unique    bool `json:"unique,omitempty"`
	MinLength *int `json:"minLength,omitempty"`
	MaxLength *int `json:"maxLength,omitempty"`
	// Minimum, Maximum, ExclusiveMinimum and ExclusiveMaximum hold the raw
	// JSON value (a number, or a string in the field's format); Parse casts
	// them with the field's type.
	Minimum          any    `json:"minimum,omitempty"`
	Maximum          any    `json:"maximum,omitempty"`
	ExclusiveMinimum any    `json:"exclusiveMinimum,omitempty"`
	ExclusiveMaximum any    `json:"exclusiveMaximum,omitempty"`
	Pattern          string `json:"pattern,omitempty"`
	Enum             []any  `json:"enum,omitempty"`
}

// rawSchema mirrors the JSON descriptor where Schema's Go types are too
// narrow (primaryKey as string or array, missingValues absent vs empty).
type rawSchema struct {
	Name          string          `json:"name"`
	Title         string          `json:"title"`
	Description   string          `json:"description"`
	Version       string          `json:"version"`
	Homepage      string          `json:"homepage"`
	URI           string          `json:"uri"`
	Fields        []Field         `json:"fields"`
	PrimaryKey    json.RawMessage `json:"primaryKey"`
	MissingValues *[]string       `json:"missingValues"`
	Licenses      []License       `json:"licenses"`
	FieldsMatch   *string         `json:"fieldsMatch"`
	ForeignKeys   []ForeignKey    `json:"foreignKeys"`
	Geometry      *GeometryFields `json:"x-ligerdata-geometry"`
}

// Parse reads and compiles a Table Schema descriptor. The checks are strict:
// a property the engine does not know (see descriptor.go), an unknown type,
// a format or option the type does not support, a pattern that does not
// compile, a constraint value that does not cast, duplicate field names, a
// primary or foreign key naming an unknown field or an unknown fieldsMatch
// are all reported together in one error, by name.
func Parse(data []byte) (*Schema, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw rawSchema
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("schémas : descripteur JSON illisible (détail technique : %w)", err)
	}
	s := &Schema{
		Name: raw.Name, Title: raw.Title, Description: raw.Description,
		Version: raw.Version, Homepage: raw.Homepage, URI: raw.URI,
		Fields: raw.Fields, Licenses: raw.Licenses,
		Raw: append(json.RawMessage(nil), data...),
	}
	problems := unsupportedProperties(data)
	s.ForeignKeys = raw.ForeignKeys
	s.Geometry = raw.Geometry
	if raw.FieldsMatch != nil {
		s.FieldsMatch = *raw.FieldsMatch
		if !fieldsMatchModes[s.FieldsMatch] {
			problems = append(problems, fmt.Sprintf("fieldsMatch : « %s » non pris en charge (exact, equal, subset, superset ou partial)", s.FieldsMatch))
		}
	}
	if raw.MissingValues != nil {
		s.MissingValues = *raw.MissingValues
	} else {
		s.MissingValues = []string{""}
	}
	if len(raw.PrimaryKey) > 0 && string(raw.PrimaryKey) != "null" {
		var one string
		if err := json.Unmarshal(raw.PrimaryKey, &one); err == nil {
			s.PrimaryKey = []string{one}
		} else if err := json.Unmarshal(raw.PrimaryKey, &s.PrimaryKey); err != nil {
			problems = append(problems, "primaryKey : doit être un texte ou une liste de textes")
		}
	}
	if len(s.Fields) == 0 {
		problems = append(problems, "fields : aucun champ")
	}
	problems = append(problems, s.geometryProblems()...)
	if err := s.compile(&problems); err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		name := ""
		if s.Name != "" {
			name = " « " + s.Name + " »"
		}
		return nil, fmt.Errorf("schémas : descripteur%s invalide : %s", name, strings.Join(problems, " ; "))
	}
	return s, nil
}

// compile builds the per-field casters and checks, appending every problem.
func (s *Schema) compile(problems *[]string) error {
	s.index = make(map[string]int, len(s.Fields))
	s.compiled = make([]*compiledField, len(s.Fields))
	for i := range s.Fields {
		f := &s.Fields[i]
		if f.Name == "" {
			*problems = append(*problems, fmt.Sprintf("fields[%d] : nom vide", i))
		} else if j, dup := s.index[f.Name]; dup {
			*problems = append(*problems, fmt.Sprintf("fields[%d] : nom « %s » déjà pris par fields[%d]", i, f.Name, j))
		} else {
			s.index[f.Name] = i
		}
		cf, errs := compileField(f, s.MissingValues)
		for _, e := range errs {
			*problems = append(*problems, fmt.Sprintf("champ « %s » : %s", f.Name, e))
		}
		s.compiled[i] = cf
	}
	seen := map[string]bool{}
	for _, name := range s.PrimaryKey {
		i, ok := s.index[name]
		switch {
		case !ok:
			*problems = append(*problems, fmt.Sprintf("primaryKey : champ inconnu « %s »", name))
		case seen[name]:
			*problems = append(*problems, fmt.Sprintf("primaryKey : champ « %s » cité deux fois", name))
		default:
			seen[name] = true
			s.pkIdx = append(s.pkIdx, i)
			if s.compiled[i] != nil {
				s.compiled[i].inPK = true
			}
		}
	}
	s.compileForeignKeys(problems)
	return nil
}

// FieldIndex returns the position of the named field in Fields, or -1.
func (s *Schema) FieldIndex(name string) int {
	if i, ok := s.index[name]; ok {
		return i
	}
	return -1
}

// Names returns the names of the embedded schemas, sorted.
func Names() []string {
	entries, err := fs.ReadDir(embedded, ".")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") {
			names = append(names, strings.TrimSuffix(e.Name(), ".json"))
		}
	}
	sort.Strings(names)
	return names
}

// ErrUnknownSchema is returned by Load for a name that is neither an
// embedded schema nor a readable file.
var ErrUnknownSchema = errors.New("introuvable (ni schéma intégré, ni fichier)")

var schemaNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// MaxDescriptorSize bounds a schema file read by Load (the largest schema of
// schema.data.gouv.fr is under 200 KiB).
const MaxDescriptorSize = 4 << 20

func readDescriptor(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxDescriptorSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxDescriptorSize {
		return nil, fmt.Errorf("fichier de plus de %d Mio : ce n'est pas un schéma de table", MaxDescriptorSize>>20)
	}
	return data, nil
}

// Load returns the embedded schema of that name (see Names), or else parses
// the descriptor file at that path.
func Load(nameOrPath string) (*Schema, error) {
	if schemaNameRe.MatchString(nameOrPath) && !strings.HasSuffix(nameOrPath, ".json") {
		data, err := embedded.ReadFile(nameOrPath + ".json")
		if err == nil {
			s, err := Parse(data)
			if err != nil {
				return nil, fmt.Errorf("schémas : schéma intégré %s : %w", nameOrPath, err)
			}
			return s, nil
		}
	}
	data, err := readDescriptor(nameOrPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("schémas : schéma « %s » %w (schémas intégrés : %s)", nameOrPath, ErrUnknownSchema, strings.Join(Names(), ", "))
		}
		return nil, fmt.Errorf("schémas : %s : %w", nameOrPath, err)
	}
	s, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("schémas : %s : %w", nameOrPath, err)
	}
	return s, nil
}

// geometryProblems checks the x-ligerdata-geometry declaration: two
// distinct number fields of the schema.
func (s *Schema) geometryProblems() []string {
	g := s.Geometry
	if g == nil {
		return nil
	}
	var problems []string
	for _, side := range []struct{ key, name string }{{"longitude", g.Longitude}, {"latitude", g.Latitude}} {
		found := false
		for _, f := range s.Fields {
			if f.Name == side.name && side.name != "" {
				found = true
				if f.Type != "number" {
					problems = append(problems, fmt.Sprintf("x-ligerdata-geometry: %s field %q is not a number field", side.key, side.name))
				}
			}
		}
		if !found {
			problems = append(problems, fmt.Sprintf("x-ligerdata-geometry: %s names no field (%q)", side.key, side.name))
		}
	}
	if g.Longitude == g.Latitude && g.Longitude != "" {
		problems = append(problems, "x-ligerdata-geometry: longitude and latitude name the same field")
	}
	return problems
}
