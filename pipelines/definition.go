// Package pipelines loads pipeline definitions (strict YAML, embedded by
// default) and runs them: harvest through a connector, map and validate
// every record against the dataset's Table Schema, then publish a release
// with its rejected rows, quality report and run manifest.
package pipelines

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/internal/yamldef"
	"github.com/ligerdata/ligerdata/schemas"
)

// Embedded holds the default pipeline definitions and the files they refer
// to (complement tables); `ligerdata run` uses them unless --defs is given.
//
//go:embed *.yaml *.csv
var Embedded embed.FS

// Definition is one pipeline file: where the data comes from, which schema
// it is normalised to, and how it is published.
type Definition struct {
	ID           string   `yaml:"id,required"`
	Dataset      string   `yaml:"dataset"`
	Title        string   `yaml:"title,required"`
	Description  string   `yaml:"description,required"`
	Keywords     []string `yaml:"keywords"`
	Publisher    string   `yaml:"publisher,required"`
	ContactEmail string   `yaml:"contact_email"`
	// Licence is the licence the dataset is republished under; it must be
	// compatible with SourceLicence.
	Licence       string `yaml:"licence,required"`
	SourceLicence string `yaml:"source_licence,required"`
	SourceTitle   string `yaml:"source_title"`
	Spatial       string `yaml:"spatial"`
	Schedule      string `yaml:"schedule"`
	// Timezone is the IANA zone the schedule is read in (default
	// Europe/Paris).
	Timezone string        `yaml:"timezone"`
	Timeout  time.Duration `yaml:"timeout"`
	// MaxBodyMB bounds each response body of the source, in megabytes
	// (10^6 bytes), whatever its connector; 0 keeps the client's default
	// (512 MiB). Bodies a connector keeps on disk have their own bound.
	MaxBodyMB int `yaml:"max_body_mb"`
	// RequestTimeout bounds each request of the source while nothing
	// comes in (0 keeps the client's 60 s); Retries is how many times a
	// request that failed for a reason worth retrying (network, 429, 5xx)
	// is sent again, with growing waits (nil keeps the client's 3; at most
	// 10).
	RequestTimeout time.Duration `yaml:"request_timeout"`
	Retries        *int          `yaml:"retries"`
	// Retention is how many releases of the dataset stay downloadable
	// (the current one always does); default 20, 0 keeps them all.
	Retention *int `yaml:"retention"`
	// Incremental asks an Incremental source for what changed since the
	// last good run and merges it with the previous release by primary key.
	Incremental bool `yaml:"incremental"`
	// AllowPrivateNetwork lets the source live on a private or loopback
	// address (an intranet GeoServer, a test server).
	AllowPrivateNetwork bool                `yaml:"allow_private_network"`
	Source              yaml.Node           `yaml:"source,required"`
	Schema              string              `yaml:"schema,required"`
	Join                []JoinSpec          `yaml:"join"`
	Fields              map[string]FieldMap `yaml:"fields"`
	Communes            *CommuneSpec        `yaml:"communes"`
	Coordinates         *CoordinatesSpec    `yaml:"coordinates"`
	Gates               Gates               `yaml:"gates"`
	Push                *PushSpec           `yaml:"push"`

	// Resolved at load time.
	File         string            `yaml:"-"`
	Kind         connectors.Kind   `yaml:"-"`
	SourceConfig connectors.Config `yaml:"-"`
	SourceURL    string            `yaml:"-"`
	TableSchema  *schemas.Schema   `yaml:"-"`
	FS           fs.FS             `yaml:"-"` // where File, a schema file and join files are read from
	// Dir is the same folder on disk (absolute), set by LoadDir: the
	// source's relative local paths (file connector, reference files) are
	// resolved from it. "" for the embedded definitions, whose relative
	// paths are the working folder's.
	Dir      string         `yaml:"-"`
	Digest   string         `yaml:"-"` // sha256 of the file and its schema
	Cron     cron.Schedule  `yaml:"-"`
	Location *time.Location `yaml:"-"` // of Timezone
	Order    []string       `yaml:"-"` // mapped schema fields, in schema order
	joins    []map[string]joinRow
	coords   *coordCheck // nil when the schema has no position
}

// JoinSpec adds the columns of a steward-maintained CSV table to each
// record whose Key field equals the table's Key column.
type JoinSpec struct {
	File string `yaml:"file,required"`
	Key  string `yaml:"key,required"`
}

// FieldMap says how one schema field is filled from a source record.
// Steps run in this order: from (first non-empty), join of lists, regex,
// transforms, map, prefix, default. Value replaces from altogether.
type FieldMap struct {
	From      []string          `yaml:"from"`
	Value     string            `yaml:"value"`
	Separator string            `yaml:"separator"`
	Regex     string            `yaml:"regex"`
	Transform []string          `yaml:"transform"`
	Map       map[string]string `yaml:"map"`
	Otherwise *string           `yaml:"otherwise"`
	Prefix    string            `yaml:"prefix"`
	Default   string            `yaml:"default"`

	re    *regexp.Regexp
	steps []transform
}

// CommuneSpec names the schema fields used to resolve the INSEE code of a
// commune from its postal code and name against the region's reference
// table, when the source gives none.
type CommuneSpec struct {
	PostalCode string `yaml:"postal_code,required"`
	Name       string `yaml:"name,required"`
	INSEE      string `yaml:"insee,required"`
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Loader reads definitions from a folder and checks them against the
// known connector kinds and schemas.
type Loader struct {
	Registry *connectors.Registry
	// LookupEnv resolves ${VAR}; nil means the process environment.
	LookupEnv func(string) (string, bool)
}

// LoadDir loads the definitions of a folder on disk, as LoadAll, and
// records the folder in each definition (Definition.Dir): everything a
// definition names by a relative path, read by the loader or by its
// connector during a run, is then read from that one folder.
func (l *Loader) LoadDir(dir string) ([]*Definition, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("definitions folder %s: %w", dir, err)
	}
	defs, err := l.LoadAll(os.DirFS(abs))
	for _, d := range defs {
		d.Dir = abs
	}
	return defs, err
}

// LoadAll reads every *.yaml file at the top of fsys. It returns the
// definitions that loaded, sorted by id, and DefErrors listing every
// problem of every other file at once: one broken file stops only itself,
// and callers that run or serve the others do so (a nil error means every
// file loaded).
func (l *Loader) LoadAll(fsys fs.FS) ([]*Definition, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	more, _ := fs.Glob(fsys, "*.yml")
	names = append(names, more...)
	sort.Strings(names)
	if len(names) == 0 {
		return nil, errors.New("aucune définition de pipeline (*.yaml) trouvée")
	}
	var defs []*Definition
	var all DefErrors
	byDataset := map[string]string{}
	for _, name := range names {
		def, err := l.Load(fsys, name)
		if all.Add(name, err) {
			continue
		}
		if other, dup := byDataset[def.Dataset]; dup {
			all = append(all, &DefError{File: name, Path: "dataset", Msg: fmt.Sprintf("le jeu de données « %s » est déjà publié par %s", def.Dataset, other)})
			continue
		}
		byDataset[def.Dataset] = name
		defs = append(defs, def)
	}
	sort.Slice(defs, func(i, j int) bool { return defs[i].ID < defs[j].ID })
	if len(all) > 0 {
		all.Sort()
		return defs, all
	}
	return defs, nil
}

// readLimited reads a file of fsys, refusing one larger than limit bytes.
func readLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s : fichier de plus de %d Kio, ce n'est pas une définition de pipeline", name, limit>>10)
	}
	return data, nil
}

// MaxDefinitionSize bounds a definition file: a pipeline fits in a few
// kilobytes, and a huge file would only make the loader and the YAML parser
// hold it all in memory.
const MaxDefinitionSize = 1 << 20

// Load reads and checks one definition file of fsys.
func (l *Loader) Load(fsys fs.FS, name string) (*Definition, error) {
	data, err := readLimited(fsys, name, MaxDefinitionSize)
	if err != nil {
		return nil, err
	}
	root, err := parseYAML(name, data)
	if err != nil {
		return nil, err
	}
	d := &decoder{yamldef.Decoder{File: name, LookupEnv: l.LookupEnv}}
	def := &Definition{File: name, FS: fsys}
	d.decode(root, "", reflectValue(def))
	l.check(d, def, root, data)
	if len(d.Errs) > 0 {
		d.Errs.Sort()
		return nil, d.Errs
	}
	return def, nil
}

// check validates a decoded definition and resolves its references, step
// by step; every step records its problems in d and the next still runs.
func (l *Loader) check(d *decoder, def *Definition, root *yaml.Node, data []byte) {
	top := root
	if top.Kind == yaml.DocumentNode && len(top.Content) > 0 {
		top = top.Content[0]
	}
	at := func(key string) *yaml.Node { return valueNode(top, key) }

	checkIdentity(d, def, at)
	checkLicences(d, def, at)
	checkPush(d, def, at)
	checkSchedule(d, def, at)
	checkLimits(d, def, at)
	l.checkSource(d, def, at("source"))
	checkSchemaRef(d, def, at, data)
	checkJoins(d, def, at)
	if def.TableSchema == nil {
		return
	}
	checkFields(d, def, at)
	checkCommunes(d, def, at)
	checkCoordinates(d, def, at)
}

// checkIdentity checks id, dataset and contact_email; dataset defaults to
// the id.
func checkIdentity(d *decoder, def *Definition, at func(string) *yaml.Node) {
	base := strings.TrimSuffix(strings.TrimSuffix(path.Base(def.File), ".yaml"), ".yml")
	if def.ID != "" && def.ID != base {
		d.errorf(at("id"), "id", "doit être le nom du fichier, « %s »", base)
	} else if def.ID != "" && !idPattern.MatchString(def.ID) {
		d.errorf(at("id"), "id", "%s", msgKebab)
	} else if strings.HasPrefix(def.ID, indicators.RunKey("")) {
		d.errorf(at("id"), "id", "ne doit pas commencer par « %s » : les exécutions des indicateurs sont enregistrées sous ce nom", indicators.RunKey(""))
	}
	if def.Dataset == "" {
		def.Dataset = def.ID
	} else if !idPattern.MatchString(def.Dataset) {
		d.errorf(at("dataset"), "dataset", "%s", msgKebab)
	}
	if def.ContactEmail != "" && !strings.Contains(def.ContactEmail, "@") {
		d.errorf(at("contact_email"), "contact_email", "« %s » n'est pas une adresse électronique", def.ContactEmail)
	}
}

// msgKebab is the rule of ids and dataset names, for stewards.
const msgKebab = "doit être en minuscules, chiffres et tirets (par exemple « lieux-culturels »)"

// maxRetries bounds a definition's retries: more would hammer a source
// that is down.
const maxRetries = 10

// checkLimits checks retention and the gates' shares, and gives the run
// timeout its default.
func checkLimits(d *decoder, def *Definition, at func(string) *yaml.Node) {
	if def.Retention != nil && *def.Retention < 0 {
		d.errorf(at("retention"), "retention", "doit valoir 0 (garder toutes les publications) ou plus (trouvé %d)", *def.Retention)
	}
	if def.Timeout == 0 {
		def.Timeout = 30 * time.Minute
	}
	if def.MaxBodyMB < 0 {
		d.errorf(at("max_body_mb"), "max_body_mb", "doit être un nombre de mégaoctets supérieur à 0 (trouvé %d)", def.MaxBodyMB)
	}
	if def.Retries != nil && (*def.Retries < 0 || *def.Retries > maxRetries) {
		d.errorf(at("retries"), "retries", "doit être entre 0 et %d (trouvé %d)", maxRetries, *def.Retries)
	}
	for key, g := range map[string]*float64{"max_rejected_share": def.Gates.MaxRejectedShare, "max_row_drop": def.Gates.MaxRowDrop} {
		if g != nil && (*g < 0 || *g > 1) {
			d.errorf(valueNode(at("gates"), key), "gates."+key, "doit être entre 0 et 1, par exemple 0.05 pour 5 %% (trouvé %v)", *g)
		}
	}
}

// attempts is the fetch client's MaxAttempts for the definition's
// retries: 0 keeps the client's default.
func (def *Definition) attempts() int {
	if def.Retries == nil {
		return 0
	}
	return *def.Retries + 1
}

// checkSchemaRef loads the schema named and computes the definition's
// digest (the file and the schema together).
func checkSchemaRef(d *decoder, def *Definition, at func(string) *yaml.Node, data []byte) {
	if def.Schema == "" {
		return
	}
	s, err := loadSchema(def)
	switch {
	case errors.Is(err, schemas.ErrUnknownSchema):
		d.errorf(at("schema"), "schema", "%v", err) // it lists the embedded schemas
	case err != nil:
		d.errorf(at("schema"), "schema", "%v (schémas intégrés : %s)", err, strings.Join(schemas.Names(), ", "))
	case len(s.ForeignKeys) > 0:
		// Rows are published as they are validated: a key found later
		// could not take its row back. ligerdata validate checks them.
		d.errorf(at("schema"), "schema", "le schéma « %s » déclare des foreignKeys, que les pipelines ne vérifient pas (ligerdata validate le fait)", def.Schema)
	default:
		def.TableSchema = s
		sum := sha256.New()
		sum.Write(data)
		sum.Write(s.Raw)
		for _, e := range d.Expanded { // ${VAR} values: a changed source address is a changed definition
			sum.Write([]byte("\x00" + e))
		}
		def.Digest = hex.EncodeToString(sum.Sum(nil))
	}
}

// checkJoins reads the complement tables of join.
func checkJoins(d *decoder, def *Definition, at func(string) *yaml.Node) {
	for i, j := range def.Join {
		rows, err := loadJoin(def.FS, j)
		if err != nil {
			d.errorf(seqItem(at("join"), i), fmt.Sprintf("join[%d].file", i), "%v", err)
			continue
		}
		def.joins = append(def.joins, rows)
	}
}

// checkFields checks the field mappings against the schema and resolves
// them in the schema's order; without fields, each field is read from the
// record's field of the same name.
func checkFields(d *decoder, def *Definition, at func(string) *yaml.Node) {
	fieldsNode := at("fields")
	for name := range def.Fields {
		if def.TableSchema.FieldIndex(name) < 0 {
			d.errorf(keyNode(fieldsNode, name), "fields."+name, "aucun champ de ce nom dans le schéma %s%s", def.Schema, suggest(name, fieldNames(def.TableSchema)))
		}
	}
	if def.Incremental && len(def.TableSchema.PrimaryKey) == 0 {
		d.errorf(at("incremental"), "incremental", "le schéma %s n'a pas de primaryKey : une exécution incrémentale ne peut pas fusionner avec la publication précédente", def.Schema)
	}
	identity := len(def.Fields) == 0
	for _, f := range def.TableSchema.Fields {
		fm, ok := def.Fields[f.Name]
		if !identity && !ok {
			continue
		}
		if !ok {
			fm = FieldMap{From: []string{f.Name}}
		}
		checkFieldMap(d, &fm, "fields."+f.Name, valueNode(fieldsNode, f.Name))
		if def.Fields == nil {
			def.Fields = map[string]FieldMap{}
		}
		def.Fields[f.Name] = fm
		def.Order = append(def.Order, f.Name)
	}
}

// checkFieldMap checks one field mapping at path p and compiles its regex
// and transform steps.
func checkFieldMap(d *decoder, fm *FieldMap, p string, fmNode *yaml.Node) {
	if fm.Value == "" && len(fm.From) == 0 && fm.Default == "" {
		d.errorf(fmNode, p, "indiquer from, value ou default")
	}
	if fm.Value != "" && len(fm.From) > 0 {
		d.errorf(fmNode, p, "from et value s'excluent : n'en garder qu'un")
	}
	if fm.Regex != "" {
		re, err := regexp.Compile(fm.Regex)
		if err != nil {
			d.errorf(valueNode(fmNode, "regex"), p+".regex", "expression régulière invalide (détail technique : %v)", err)
		}
		fm.re = re
	}
	for i, t := range fm.Transform {
		step, err := parseTransform(t)
		if err != nil {
			d.errorf(seqItem(valueNode(fmNode, "transform"), i), fmt.Sprintf("%s.transform[%d]", p, i), "%v", err)
			continue
		}
		fm.steps = append(fm.steps, step)
	}
}

// checkCommunes checks that the fields the commune lookup reads exist.
func checkCommunes(d *decoder, def *Definition, at func(string) *yaml.Node) {
	c := def.Communes
	if c == nil {
		return
	}
	cn := at("communes")
	for key, field := range map[string]string{"postal_code": c.PostalCode, "name": c.Name, "insee": c.INSEE} {
		if field != "" && def.TableSchema.FieldIndex(field) < 0 {
			d.errorf(valueNode(cn, key), "communes."+key, "aucun champ de ce nom dans le schéma %s", def.Schema)
		}
	}
}

func (l *Loader) checkSource(d *decoder, def *Definition, src *yaml.Node) {
	if src == nil || src.Kind != yaml.MappingNode {
		return
	}
	kindNode := valueNode(src, "kind")
	if kindNode == nil {
		d.errorf(src, "source.kind", "valeur manquante pour « kind » (au choix : %s)", strings.Join(l.Registry.Names(), ", "))
		return
	}
	kind, err := l.Registry.Lookup(kindNode.Value)
	if err != nil {
		d.errorf(kindNode, "source.kind", "%v", err)
		return
	}
	def.Kind = kind
	// Decode everything but `kind` into the kind's own configuration.
	rest := &yaml.Node{Kind: yaml.MappingNode, Line: src.Line, Column: src.Column}
	for i := 0; i+1 < len(src.Content); i += 2 {
		if src.Content[i].Value != "kind" {
			rest.Content = append(rest.Content, src.Content[i], src.Content[i+1])
		}
	}
	cfg := kind.NewConfig()
	if rv := reflect.ValueOf(cfg); rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		d.errorf(kindNode, "source.kind", "connector %s: its configuration is not a pointer to a struct (%T)", kind.Name, cfg)
		return
	}
	before := len(d.Errs)
	d.decode(rest, "source", reflectValue(cfg))
	if len(d.Errs) > before {
		return
	}
	if err := cfg.Validate(); err != nil {
		for _, e := range flatten(err) {
			var fe *connectors.FieldError
			if errors.As(e, &fe) {
				n := valueNode(src, strings.SplitN(fe.Path, ".", 2)[0])
				if n == nil {
					n = src
				}
				d.errorf(n, "source."+fe.Path, "%s", fe.Msg)
			} else {
				d.errorf(src, "source", "%v", e)
			}
		}
		return
	}
	def.SourceConfig = cfg
	if u := valueNode(src, "url"); u != nil {
		def.SourceURL = d.Expand(u, "source.url", u.Value)
	} else if p := valueNode(src, "path"); p != nil {
		def.SourceURL = d.Expand(p, "source.path", p.Value)
	}
}

func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

func fieldNames(s *schemas.Schema) []string {
	names := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		names[i] = f.Name
	}
	return names
}

// DefaultTimezone is the zone of a schedule that names none.
const DefaultTimezone = "Europe/Paris"

// checkSchedule parses the cron expression in the definition's time zone.
func checkSchedule(d *decoder, def *Definition, at func(string) *yaml.Node) {
	if def.Timezone == "" {
		def.Timezone = DefaultTimezone
	}
	loc, err := time.LoadLocation(def.Timezone)
	if err != nil || def.Timezone == "Local" {
		d.errorf(at("timezone"), "timezone", "fuseau horaire inconnu « %s » (écrire un nom IANA comme Europe/Paris)", def.Timezone)
		loc = time.UTC
	}
	def.Location = loc
	if def.Schedule == "" {
		return
	}
	if strings.HasPrefix(def.Schedule, "CRON_TZ=") || strings.HasPrefix(def.Schedule, "TZ=") {
		d.errorf(at("schedule"), "schedule", "indiquer le fuseau horaire avec la clé timezone, pas dans schedule")
		return
	}
	sched, err := cron.ParseStandard("CRON_TZ=" + loc.String() + " " + def.Schedule)
	if err != nil {
		d.errorf(at("schedule"), "schedule", "expression cron invalide « %s » (format : minute heure jour mois jour-de-semaine, par exemple « 45 4 * * 1 » ; détail technique : %v)", def.Schedule, err)
		return
	}
	def.Cron = sched
}

// loadSchema loads a definition's schema: an embedded one by name, or a
// file; a relative file path is read from the definitions' folder (the
// definition's FS), not the working directory.
func loadSchema(def *Definition) (*schemas.Schema, error) {
	p := def.Schema
	if path.IsAbs(p) || filepath.IsAbs(p) || def.FS == nil || !strings.HasSuffix(p, ".json") || !fs.ValidPath(path.Clean(p)) {
		return schemas.Load(p)
	}
	data, err := readLimited(def.FS, path.Clean(p), schemas.MaxDescriptorSize)
	if err != nil {
		return nil, fmt.Errorf("schéma %s (lu dans le dossier des définitions) : %w", p, err)
	}
	return schemas.Parse(data)
}
