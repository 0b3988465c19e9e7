package web

import (
	"bytes"
	"fmt"

	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

// readReference calls fn with the text of columns for every row of the
// latest release of the reference table of communes (read with the schema
// the release declares).
func (s *site) readReference(columns []string, fn func(values []string)) error {
	rel, err := s.loadLatest(ruralReference)
	if err != nil {
		return fmt.Errorf("reference table %s not published: %w", ruralReference, err)
	}
	var schema *schemas.Schema
	for _, res := range rel.Package.Resources {
		if raw := bytes.TrimSpace(res.Schema); len(raw) > 0 && raw[0] == '{' {
			if schema, err = schemas.Parse(raw); err != nil {
				return fmt.Errorf("schema of %s release %s: %w", ruralReference, rel.Name, err)
			}
			break
		}
	}
	if schema == nil {
		return fmt.Errorf("release %s of %s declares no schema", rel.Name, ruralReference)
	}
	idx := make([]int, len(columns))
	for i, c := range columns {
		if idx[i] = schema.FieldIndex(c); idx[i] < 0 {
			return fmt.Errorf("release %s of %s has no column %s", rel.Name, ruralReference, c)
		}
	}
	out := make([]string, len(columns))
	return output.ReadRows(s.tree.dir, ruralReference, rel.Name, schema, func(values []schemas.Value) error {
		for i, j := range idx {
			out[i] = text(values[j])
		}
		fn(out)
		return nil
	})
}

// ruralDefinitions returns the distinct definitions of "rural" stated by
// the latest release of the reference table of communes, in the order of
// the table; nil (logged) when it cannot be read.
func (s *site) ruralDefinitions() []string {
	seen := map[string]bool{}
	var out []string
	err := s.readReference([]string{ruralColumn}, func(v []string) {
		if d := v[0]; d != "" && !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	})
	if err != nil {
		s.log.Warn("rural definition: read the reference table", "err", err)
		return nil
	}
	return out
}

// nesting maps the key of a territory to the keys of the territories one
// level down inside it: a département to the EPCI that have at least one
// of its communes (an EPCI across two départements is in both), an EPCI to
// its communes.
type nesting map[string][]string

// territoryNesting reads the nesting from the reference table of communes;
// empty (logged) when it cannot be read, so that reports show no
// breakdown by territory rather than fail.
func (s *site) territoryNesting() nesting {
	out := nesting{}
	seen := map[string]bool{}
	add := func(parent, child territory) {
		if parent.Code == "" || child.Code == "" || seen[parent.key()+" "+child.key()] {
			return
		}
		seen[parent.key()+" "+child.key()] = true
		out[parent.key()] = append(out[parent.key()], child.key())
	}
	err := s.readReference([]string{"code_insee", "code_departement", "siren_epci"}, func(v []string) {
		commune, dep, epci := territory{Level: "commune", Code: v[0]}, territory{Level: "departement", Code: v[1]}, territory{Level: "epci", Code: v[2]}
		add(dep, epci)
		add(epci, commune)
	})
	if err != nil {
		s.log.Warn("territories inside territories: read the reference table", "err", err)
		return nesting{}
	}
	return out
}
