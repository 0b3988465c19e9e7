package schemas

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Resource is one tabular resource of a Data Package read from disk: its
// name, the CSV file (path resolved against the descriptor's folder), its
// Table Schema and its CSV dialect.
type Resource struct {
	Name    string
	Path    string
	Schema  *Schema
	Dialect Dialect
}

// packageDescriptor is the part of datapackage.json that validation reads.
type packageDescriptor struct {
	Resources []struct {
		Name    string          `json:"name"`
		Path    json.RawMessage `json:"path"`
		Schema  json.RawMessage `json:"schema"`
		Dialect *struct {
			Delimiter string `json:"delimiter"`
			Header    *bool  `json:"header"`
		} `json:"dialect"`
	} `json:"resources"`
}

// LoadPackage reads a Data Package descriptor and the schemas of its
// resources (inline, or a file beside the descriptor). Every resource
// needs a name, a local relative path that stays inside the package
// folder, and a schema. Problems are reported all at once, in French,
// each naming its resource.
func LoadPackage(path string) ([]Resource, error) {
	data, err := readDescriptor(path)
	if err != nil {
		return nil, fmt.Errorf("schemas: paquet %s : %w", path, err)
	}
	var d packageDescriptor
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("schemas: paquet %s : JSON invalide : %w", path, err)
	}
	if len(d.Resources) == 0 {
		return nil, fmt.Errorf("schemas: paquet %s : aucune ressource (clé resources)", path)
	}
	dir := filepath.Dir(path)
	var out []Resource
	var problems []string
	names := map[string]bool{}
	for i, r := range d.Resources {
		at := fmt.Sprintf("resources[%d]", i)
		if r.Name != "" {
			at = fmt.Sprintf("ressource « %s »", r.Name)
		}
		res, errs := loadResource(dir, r.Name, r.Path, r.Schema)
		if r.Dialect != nil {
			res.Dialect, errs = packageDialect(r.Dialect.Delimiter, r.Dialect.Header, errs)
		}
		if names[r.Name] {
			errs = append(errs, "nom déjà pris par une autre ressource")
		}
		names[r.Name] = true
		for _, e := range errs {
			problems = append(problems, at+" : "+e)
		}
		out = append(out, res)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("schemas: paquet %s :\n  %s", path, strings.Join(problems, "\n  "))
	}
	return out, checkReferences(out)
}

// loadResource reads one resource's path and schema.
func loadResource(dir, name string, rawPath, rawSchema json.RawMessage) (Resource, []string) {
	res := Resource{Name: name, Dialect: Dialect{Header: true}}
	var errs []string
	if name == "" {
		errs = append(errs, "nom manquant (name)")
	}
	var p string
	switch {
	case json.Unmarshal(rawPath, &p) != nil || p == "":
		errs = append(errs, "chemin manquant ou en plusieurs parties (path doit être un seul fichier)")
	case strings.Contains(p, "://"):
		errs = append(errs, fmt.Sprintf("chemin %q : seuls les fichiers locaux sont validés", p))
	case filepath.IsAbs(p) || !filepath.IsLocal(filepath.FromSlash(p)):
		errs = append(errs, fmt.Sprintf("chemin %q : il doit rester dans le dossier du paquet", p))
	default:
		res.Path = filepath.Join(dir, filepath.FromSlash(p))
	}
	var schemaPath string
	switch {
	case len(rawSchema) == 0:
		errs = append(errs, "schéma manquant (schema)")
	case json.Unmarshal(rawSchema, &schemaPath) == nil:
		if !filepath.IsLocal(filepath.FromSlash(schemaPath)) {
			errs = append(errs, fmt.Sprintf("schéma %q : il doit rester dans le dossier du paquet", schemaPath))
			break
		}
		s, err := Load(filepath.Join(dir, filepath.FromSlash(schemaPath)))
		if err != nil {
			errs = append(errs, err.Error())
		}
		res.Schema = s
	default:
		s, err := Parse(rawSchema)
		if err != nil {
			errs = append(errs, "schéma : "+err.Error())
		}
		res.Schema = s
	}
	if res.Schema != nil && res.Schema.Name == "" {
		res.Schema.Name = name
	}
	return res, errs
}

func packageDialect(delim string, header *bool, errs []string) (Dialect, []string) {
	d := Dialect{Delimiter: ',', Header: true}
	if header != nil {
		d.Header = *header
	}
	if delim != "" {
		r, size := utf8.DecodeRuneInString(delim)
		if size != len(delim) {
			errs = append(errs, fmt.Sprintf("dialect.delimiter %q : un seul caractère", delim))
		}
		d.Delimiter = r
	}
	return d, errs
}

// checkReferences makes sure every foreign key names a resource of the
// package, and that the keys to one resource use the same fields (their
// values are collected once per resource).
func checkReferences(res []Resource) error {
	byName := map[string]Resource{}
	for _, r := range res {
		byName[r.Name] = r
	}
	var problems []string
	fieldsOf := map[string]string{}
	for _, r := range res {
		for _, fk := range r.Schema.ForeignKeys {
			target := fk.Reference.Resource
			if target == "" {
				continue
			}
			t, ok := byName[target]
			if !ok {
				problems = append(problems, fmt.Sprintf("ressource « %s » : sa clé étrangère (%s) renvoie à la ressource « %s », absente du paquet", r.Name, strings.Join(fk.Fields, ", "), target))
				continue
			}
			for _, f := range fk.Reference.Fields {
				if t.Schema.FieldIndex(f) < 0 {
					problems = append(problems, fmt.Sprintf("ressource « %s » : sa clé étrangère renvoie au champ %q, inconnu de la ressource « %s »", r.Name, f, target))
				}
			}
			fields := strings.Join(fk.Reference.Fields, ",")
			if prev, ok := fieldsOf[target]; ok && prev != fields {
				problems = append(problems, fmt.Sprintf("la ressource « %s » est visée par des clés étrangères sur des champs différents (%s et %s) : non pris en charge", target, prev, fields))
			}
			fieldsOf[target] = fields
		}
	}
	if len(problems) > 0 {
		return errors.New("schemas: paquet : " + strings.Join(problems, " ; "))
	}
	return nil
}

// PackageReferences collects, for every resource a foreign key of the
// package points to, the set of its referenced keys (read from its CSV
// file), to give Schema.WithReferences.
func PackageReferences(ctx context.Context, res []Resource) (map[string]*KeySet, error) {
	byName := map[string]Resource{}
	for _, r := range res {
		byName[r.Name] = r
	}
	refs := map[string]*KeySet{}
	for _, r := range res {
		for _, fk := range r.Schema.ForeignKeys {
			name := fk.Reference.Resource
			if name == "" || refs[name] != nil {
				continue
			}
			t := byName[name]
			f, err := os.Open(t.Path)
			if err != nil {
				return nil, fmt.Errorf("ressource « %s » : %w", name, err)
			}
			keys, err := CollectKeys(ctx, f, t.Dialect, t.Schema, fk.Reference.Fields)
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("ressource « %s » : %w", name, err)
			}
			refs[name] = keys
		}
	}
	return refs, nil
}
