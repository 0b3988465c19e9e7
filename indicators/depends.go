package indicators

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ligerdata/ligerdata/internal/yamldef"
)

// checkIndicatorInputs checks the indicators that defs read: each must be
// defined (in defs or loaded before), and no indicator may depend on
// itself through them (a cycle, reported in French with its path).
func (l *Loader) checkIndicatorInputs(defs []*Definition) DefErrors {
	byID := indexByID(slices.Concat(l.known, defs))
	var errs DefErrors
	for _, def := range defs {
		for i, id := range def.Inputs.Indicators {
			if byID[id] == nil {
				n := yamldef.SeqItem(yamldef.ValueNode(yamldef.ValueNode(def.node, "inputs"), "indicators"), i)
				errs = append(errs, nodeError(def, n, fmt.Sprintf("inputs.indicators[%d]", i), fmt.Sprintf("no indicator %q is defined", id)))
			}
		}
		for _, id := range def.Inputs.Indicators {
			if up := byID[id]; up != nil {
				if msg := licenceConflict(def, id, up.Licence); msg != "" {
					errs = append(errs, nodeError(def, licenceNode(def), "licence", msg))
				}
			}
		}
		if cycle := findCycle(def, byID); cycle != nil {
			errs = append(errs, &DefError{File: def.File, Path: "inputs.indicators",
				Msg: "dépendance circulaire entre indicateurs : " + strings.Join(cycle, " → ") + " (un indicateur ne peut pas lire, même indirectement, son propre résultat)"})
		}
	}
	return errs
}

// nodeError is a definition error of def at node n (no position when n is
// nil).
func nodeError(def *Definition, n *yaml.Node, path, msg string) *DefError {
	e := &DefError{File: def.File, Path: path, Msg: msg}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	return e
}

func indexByID(defs []*Definition) map[string]*Definition {
	out := make(map[string]*Definition, len(defs))
	for _, d := range defs {
		out[d.ID] = d
	}
	return out
}

// findCycle returns the path from def back to def through the indicators
// it reads, nil when there is none.
func findCycle(def *Definition, byID map[string]*Definition) []string {
	var path []string
	seen := map[string]bool{}
	var walk func(d *Definition) bool
	walk = func(d *Definition) bool {
		path = append(path, d.ID)
		for _, id := range d.Inputs.Indicators {
			if id == def.ID {
				path = append(path, id)
				return true
			}
			if up := byID[id]; up != nil && !seen[id] {
				seen[id] = true
				if walk(up) {
					return true
				}
			}
		}
		path = path[:len(path)-1]
		return false
	}
	if walk(def) {
		return path
	}
	return nil
}

// Order returns defs so that every indicator comes after the indicators of
// defs it reads, otherwise in the order of defs. Cycles (which lint
// rejects) are broken in the order of defs.
func Order(defs []*Definition) []*Definition {
	byID := indexByID(defs)
	done := map[string]bool{}
	out := make([]*Definition, 0, len(defs))
	var visit func(d *Definition)
	visit = func(d *Definition) {
		if done[d.ID] {
			return
		}
		done[d.ID] = true
		for _, id := range d.Inputs.Indicators {
			if up := byID[id]; up != nil {
				visit(up)
			}
		}
		out = append(out, d)
	}
	for _, d := range defs {
		visit(d)
	}
	return out
}

// Dependents returns the indicators of defs that read at least one of
// datasets, directly or through another indicator of defs, in an order
// where an indicator comes after those it reads.
func Dependents(defs []*Definition, datasets []string) []*Definition {
	hit := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, def := range defs {
			if hit[def.ID] {
				continue
			}
			reads := func(id string) bool { return slices.Contains(datasets, id) || hit[id] }
			if slices.ContainsFunc(def.Inputs.All(), reads) {
				hit[def.ID], changed = true, true
			}
		}
	}
	var out []*Definition
	for _, def := range Order(defs) {
		if hit[def.ID] {
			out = append(out, def)
		}
	}
	return out
}
