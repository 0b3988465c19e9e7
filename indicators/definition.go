// Package indicators computes the declared indicators: each is a YAML
// definition (title, unit, definition and method in French, granularity,
// inputs, audits, the Table Schema of its output) and a SQL query run in
// embedded DuckDB over the latest published releases of its input datasets
// and reference tables. Results are validated against the schema, audited
// and published through package output under
// <public>/indicators/<id>/<release>/ with provenance.json.
//
// The definitions embedded in the binary live in indicators/defs; a
// steward's own are read from a folder (--defs DIR: DIR/indicators/*.yaml
// when that folder exists, else nothing).
package indicators

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ligerdata/ligerdata/internal/yamldef"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

//go:embed defs defs/_prelude.sql
var embedded embed.FS

// Embedded holds the indicators shipped in the binary (indicators/defs:
// <id>.yaml and <id>.sql at the top of the FS).
var Embedded fs.FS = mustSub(embedded, "defs")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// Themes are the report themes an indicator belongs to.
var Themes = []string{"acces-numerique", "tourisme", "information-geographique", "enseignement-superieur-recherche"}

// Levels are the territorial levels of the "niveau" column, from the
// finest to the coarsest.
var Levels = []string{"lieu", "commune", "epci", "departement", "region"}

// Definition is one indicator: <id>.yaml and the query in <id>.sql.
type Definition struct {
	ID          string   `yaml:"id,required"`
	Title       string   `yaml:"title,required"`
	Theme       string   `yaml:"theme,required"`
	Unit        string   `yaml:"unit,required"`
	Definition  string   `yaml:"definition,required"`
	Method      string   `yaml:"method,required"`
	Granularity []string `yaml:"granularity,required"`
	Period      string   `yaml:"period"`
	Licence     string   `yaml:"licence"`
	Keywords    []string `yaml:"keywords"`
	Inputs      Inputs   `yaml:"inputs,required"`
	// Schema is the Table Schema of the output, written in YAML.
	Schema yaml.Node `yaml:"schema,required"`
	Audits []Audit   `yaml:"audits"`

	// Resolved at load time.
	File        string          `yaml:"-"` // <id>.yaml, relative to FS
	SQLFile     string          `yaml:"-"` // <id>.sql
	SQL         string          `yaml:"-"` // the query
	TableSchema *schemas.Schema `yaml:"-"`
	FS          fs.FS           `yaml:"-"`
	// Prelude is the SQL prelude the query runs after (the engine's
	// macros).
	Prelude *Prelude `yaml:"-"`
	// Digest is the sha256 of the YAML file, the SQL file and the
	// prelude: a change of any recomputes the indicator.
	Digest string     `yaml:"-"`
	node   *yaml.Node // the top mapping of the YAML file
}

// Inputs are the published datasets and indicators an indicator reads. In
// the SQL each is a view named after its id with "-" replaced by "_"; an
// indicator input reads the latest release of that indicator.
type Inputs struct {
	Datasets   []string `yaml:"datasets"`
	Indicators []string `yaml:"indicators"`
	References []string `yaml:"references"`
}

// All returns the datasets, the indicators then the references.
func (in Inputs) All() []string {
	return slices.Concat(in.Datasets, in.Indicators, in.References)
}

// Audit is a check of the computed rows that blocks publication when it
// fails. Check is one of not_null (Fields), unique (Fields, together),
// range (Field, Min and/or Max), share (Field in [0, 1]) and total (the
// sum of Field over the rows matching Where equals the number of rows of
// the latest release of the input EqualsCountOf).
type Audit struct {
	Check         string   `yaml:"check,required"`
	Fields        []string `yaml:"fields"`
	Field         string   `yaml:"field"`
	Min           *float64 `yaml:"min"`
	Max           *float64 `yaml:"max"`
	Where         string   `yaml:"where"`
	EqualsCountOf []string `yaml:"equals_count_of"`
}

// ViewName is the name of the SQL view of an input dataset.
func ViewName(dataset string) string { return strings.ReplaceAll(dataset, "-", "_") }

// DefError is one problem of a definition file, with its position.
type DefError = yamldef.Error

// DefErrors is every problem of one or more definition files.
type DefErrors = yamldef.Errors

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Loader reads indicator definitions and checks them.
type Loader struct {
	// Inputs maps every dataset that can be read (published by a pipeline
	// definition, reference tables included) to its Table Schema. When
	// nil, inputs are not checked.
	Inputs map[string]*schemas.Schema
	// Prepare also prepares every query (and audit condition) in DuckDB
	// against empty tables typed from the input schemas (needs Inputs):
	// what `ligerdata lint` does.
	Prepare bool
	// Prelude is the SQL prelude of the queries; nil means the embedded
	// one (EmbeddedPrelude).
	Prelude *Prelude
	// Licences maps datasets to the licence they are published under (a
	// licence id of package output). When set, an indicator reading a
	// share-alike or non-commercial dataset must carry a licence that
	// respects it (see checkLicence).
	Licences map[string]string
	// known are the indicators loaded by earlier LoadAll calls (the
	// embedded ones before a steward's): an indicator may read them.
	known []*Definition
}

func (l *Loader) prelude() (*Prelude, error) {
	if l.Prelude != nil {
		return l.Prelude, nil
	}
	return EmbeddedPrelude()
}

// Load reads every indicator of fsys without checking its inputs.
func Load(fsys fs.FS) ([]*Definition, error) { return (&Loader{}).LoadAll(fsys) }

// LoadAll reads every <id>.yaml of the top of fsys (with its <id>.sql). It
// returns the definitions sorted by id, or DefErrors listing every problem
// of every file at once.
func (l *Loader) LoadAll(fsys fs.FS) ([]*Definition, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var defs []*Definition
	var all DefErrors
	for _, name := range names {
		def, err := l.Load(fsys, name)
		if all.Add(name, err) {
			continue
		}
		defs = append(defs, def)
	}
	all = append(all, l.checkIndicatorInputs(defs)...)
	if l.Prepare && len(defs) > 0 {
		all = append(all, l.prepareAll(defs)...)
	}
	if len(all) == 0 {
		l.known = append(l.known, defs...)
	}
	if len(all) > 0 {
		all.Sort()
		return nil, all
	}
	return defs, nil
}

// Load reads and checks one definition file of fsys.
func (l *Loader) Load(fsys fs.FS, name string) (*Definition, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	root, err := yamldef.Parse(name, data)
	if err != nil {
		return nil, err
	}
	prelude, err := l.prelude()
	if err != nil {
		return nil, err
	}
	d := &yamldef.Decoder{File: name, LookupEnv: noEnv}
	def := &Definition{File: name, FS: fsys, Licence: "etalab-2.0", Prelude: prelude}
	d.Decode(root, "", reflect.ValueOf(def).Elem())
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		def.node = root.Content[0]
	}
	sql := l.check(d, def, data)
	if len(d.Errs) > 0 {
		d.Errs.Sort()
		return nil, d.Errs
	}
	sum := sha256.New()
	fmt.Fprintf(sum, "%d\n", len(data))
	sum.Write(data)
	sum.Write(sql)
	fmt.Fprintf(sum, "\nprelude %d\n%s", len(prelude.SQL), prelude.SQL)
	def.Digest = hex.EncodeToString(sum.Sum(nil))
	return def, nil
}

// noEnv leaves ${...} in indicator files alone: SQL-like text is not
// expanded from the environment.
func noEnv(string) (string, bool) { return "", false }

func (l *Loader) check(d *yamldef.Decoder, def *Definition, data []byte) []byte {
	at := func(key string) *yaml.Node { return yamldef.ValueNode(def.node, key) }
	base := strings.TrimSuffix(path.Base(def.File), ".yaml")
	if def.ID != "" && def.ID != base {
		d.Errorf(at("id"), "id", "doit être le nom du fichier, « %s »", base)
	} else if def.ID != "" && !idPattern.MatchString(def.ID) {
		d.Errorf(at("id"), "id", "doit être en minuscules, chiffres et tirets simples (par exemple « lieux-par-departement »)")
	}
	if def.Theme != "" && !slices.Contains(Themes, def.Theme) {
		d.Errorf(at("theme"), "theme", "thème inconnu « %s »%s", def.Theme, yamldef.Suggest(def.Theme, Themes))
	}
	for i, g := range def.Granularity {
		if !slices.Contains(Levels, g) {
			d.Errorf(yamldef.SeqItem(at("granularity"), i), fmt.Sprintf("granularity[%d]", i), "niveau inconnu « %s »%s", g, yamldef.Suggest(g, Levels))
		}
	}
	if def.Licence != "" {
		if _, ok := output.LicenseFor(def.Licence); !ok {
			d.Errorf(at("licence"), "licence", "licence inconnue « %s » (connues : %s)", def.Licence, strings.Join(output.LicenseIDs(), ", "))
		}
	}
	l.checkInputs(d, def, at("inputs"))
	l.checkLicence(d, def)
	def.TableSchema = checkSchema(d, def, at("schema"))
	checkAudits(d, def, at("audits"))
	def.SQLFile = strings.TrimSuffix(def.File, ".yaml") + ".sql"
	sql, err := fs.ReadFile(def.FS, def.SQLFile)
	if err != nil {
		d.Errorf(def.node, "", "la requête %s est absente : chaque indicateur a un fichier <id>.yaml et un fichier <id>.sql", def.SQLFile)
		return nil
	}
	def.SQL = string(sql)
	if strings.TrimSpace(def.SQL) == "" {
		d.Errs = append(d.Errs, &DefError{File: def.SQLFile, Line: 1, Col: 1, Msg: "requête vide"})
	}
	return sql
}

func (l *Loader) checkInputs(d *yamldef.Decoder, def *Definition, n *yaml.Node) {
	if len(def.Inputs.All()) == 0 {
		d.Errorf(n, "inputs", "un indicateur lit au moins un jeu de données")
	}
	seen := map[string]bool{}
	for _, list := range []struct {
		key string
		ids []string
	}{{"datasets", def.Inputs.Datasets}, {"indicators", def.Inputs.Indicators}, {"references", def.Inputs.References}} {
		for i, id := range list.ids {
			p := fmt.Sprintf("inputs.%s[%d]", list.key, i)
			item := yamldef.SeqItem(yamldef.ValueNode(n, list.key), i)
			if seen[id] {
				d.Errorf(item, p, "%s est cité deux fois", id)
			}
			seen[id] = true
			if l.Inputs == nil || list.key == "indicators" {
				continue
			}
			if _, ok := l.Inputs[id]; !ok {
				d.Errorf(item, p, "aucun pipeline ne publie le jeu de données « %s »%s", id, yamldef.Suggest(id, slices.Sorted(maps.Keys(l.Inputs))))
			}
		}
	}
}

// checkSchema turns the YAML schema into a Table Schema and checks that it
// starts with the columns every indicator has.
func checkSchema(d *yamldef.Decoder, def *Definition, n *yaml.Node) *schemas.Schema {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		d.Errorf(n, "schema", "%v", err)
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		d.Errorf(n, "schema", "%v", err)
		return nil
	}
	s, err := schemas.Parse(raw)
	if err != nil {
		d.Errorf(n, "schema", "%s", strings.TrimPrefix(err.Error(), "schémas : "))
		return nil
	}
	if s.Name == "" {
		s.Name = def.ID
	}
	checkColumns(d, s, n)
	return s
}

// requiredColumns are the first columns of every indicator, in order, and
// their types; optional ones may be absent.
var requiredColumns = []struct {
	name, typ string
	optional  bool
}{
	{"niveau", "string", false},
	{"code", "string", false},
	{"libelle", "string", false},
	{"periode", "string", true},
	{"dimension", "string", true},
	{"valeur", "number", false},
}

func checkColumns(d *yamldef.Decoder, s *schemas.Schema, n *yaml.Node) {
	fields := yamldef.ValueNode(n, "fields")
	i := 0
	for _, c := range requiredColumns {
		if i < len(s.Fields) && s.Fields[i].Name == c.name {
			if t := s.Fields[i].Type; t != c.typ && !(c.typ == "string" && t == "") {
				d.Errorf(yamldef.SeqItem(fields, i), fmt.Sprintf("schema.fields[%d]", i), "%s doit être de type %s (trouvé %s)", c.name, c.typ, t)
			}
			i++
			continue
		}
		if !c.optional {
			d.Errorf(yamldef.SeqItem(fields, i), fmt.Sprintf("schema.fields[%d]", i), "colonne %s attendue ici : tout indicateur commence par niveau, code, libelle, [periode], [dimension], valeur", c.name)
			return
		}
	}
	if len(s.PrimaryKey) == 0 {
		d.Errorf(n, "schema.primaryKey", "un indicateur déclare sa clé primaire, primaryKey (la requête trie ses lignes selon elle)")
	}
}

var auditChecks = []string{"not_null", "unique", "range", "share", "total"}

func checkAudits(d *yamldef.Decoder, def *Definition, n *yaml.Node) {
	for i, a := range def.Audits {
		p := fmt.Sprintf("audits[%d]", i)
		an := yamldef.SeqItem(n, i)
		bad := func(format string, args ...any) { d.Errorf(an, p, format, args...) }
		switch a.Check {
		case "not_null", "unique":
			if len(a.Fields) == 0 || a.Field != "" {
				bad("le contrôle %s s'écrit avec fields: [...]", a.Check)
			}
		case "range", "share":
			if a.Field == "" || len(a.Fields) > 0 {
				bad("le contrôle %s s'écrit avec field: NOM", a.Check)
			}
			if a.Check == "range" && a.Min == nil && a.Max == nil {
				bad("le contrôle range demande min, max ou les deux")
			}
		case "total":
			if a.Field == "" || len(a.EqualsCountOf) == 0 {
				bad("le contrôle total demande field et equals_count_of")
			}
			for _, in := range a.EqualsCountOf {
				if !slices.Contains(def.Inputs.All(), in) {
					bad("equals_count_of « %s » ne fait pas partie des entrées (inputs) de l'indicateur", in)
				}
			}
		default:
			d.Errorf(yamldef.ValueNode(an, "check"), p+".check", "contrôle inconnu « %s »%s", a.Check, yamldef.Suggest(a.Check, auditChecks))
			continue
		}
		if a.Where != "" && a.Check != "total" {
			bad("where ne s'applique qu'au contrôle total")
		}
		if def.TableSchema == nil {
			continue
		}
		for _, f := range append(append([]string(nil), a.Fields...), a.Field) {
			if f != "" && def.TableSchema.FieldIndex(f) < 0 {
				bad("aucune colonne « %s » dans le schéma%s", f, yamldef.Suggest(f, fieldNames(def.TableSchema)))
			}
		}
	}
}

func fieldNames(s *schemas.Schema) []string {
	out := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		out[i] = f.Name
	}
	return out
}
