package output

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const nsSH = "http://www.w3.org/ns/shacl#"

// rdfGraph indexes triples by subject.
type rdfGraph struct {
	triples []ttlTriple
	bySubj  map[string][]ttlTriple
}

func newGraph(triples []ttlTriple) *rdfGraph {
	g := &rdfGraph{triples: triples, bySubj: map[string][]ttlTriple{}}
	for _, t := range triples {
		g.bySubj[t.s.value] = append(g.bySubj[t.s.value], t)
	}
	return g
}

func loadGraph(t *testing.T, path string) *rdfGraph {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	triples, err := parseTurtle(string(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return newGraph(triples)
}

func (g *rdfGraph) values(subj, pred string) []ttlTerm {
	var out []ttlTerm
	for _, t := range g.bySubj[subj] {
		if t.p.value == pred {
			out = append(out, t.o)
		}
	}
	return out
}

// ofType returns the subjects of class cls, sorted.
func (g *rdfGraph) ofType(cls string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range g.triples {
		if t.p.value == rdfType && t.o.value == cls && !seen[t.s.value] {
			seen[t.s.value] = true
			out = append(out, t.s.value)
		}
	}
	sort.Strings(out)
	return out
}

// list reads an RDF collection.
func (g *rdfGraph) list(head ttlTerm) []ttlTerm {
	var out []ttlTerm
	for n := 0; head.value != rdfNil && n < 1000; n++ {
		first := g.values(head.value, rdfFirst)
		rest := g.values(head.value, rdfRest)
		if len(first) != 1 || len(rest) != 1 {
			break
		}
		out = append(out, first[0])
		head = rest[0]
	}
	return out
}

// propertyShape is one sh:property of a node shape with a plain path.
type propertyShape struct {
	class, path        string
	minCount, maxCount int // maxCount -1: unbounded
	datatypes          []string
	nodeKind           string
}

func (p propertyShape) String() string {
	return fmt.Sprintf("%s %s", compactOr(p.class), compactOr(p.path))
}

func compactOr(iri string) string {
	if c := compactIRI(iri); c != "" {
		return c
	}
	return iri
}

// shapesOf derives the property shapes of every sh:targetClass of the
// SHACL shapes graph: path, sh:minCount, sh:maxCount, sh:datatype (also
// through sh:node to a shape that is an sh:or of datatypes) and
// sh:nodeKind. Property shapes whose path is not an IRI are skipped.
func shapesOf(g *rdfGraph) []propertyShape {
	var out []propertyShape
	for _, t := range g.triples {
		if t.p.value != nsSH+"targetClass" {
			continue
		}
		class := t.o.value
		for _, prop := range g.values(t.s.value, nsSH+"property") {
			paths := g.values(prop.value, nsSH+"path")
			if len(paths) != 1 || paths[0].kind != 'I' {
				continue
			}
			ps := propertyShape{class: class, path: paths[0].value, maxCount: -1}
			if v := g.values(prop.value, nsSH+"minCount"); len(v) == 1 {
				ps.minCount, _ = strconv.Atoi(v[0].value)
			}
			if v := g.values(prop.value, nsSH+"maxCount"); len(v) == 1 {
				ps.maxCount, _ = strconv.Atoi(v[0].value)
			}
			for _, dt := range g.values(prop.value, nsSH+"datatype") {
				ps.datatypes = append(ps.datatypes, dt.value)
			}
			for _, node := range g.values(prop.value, nsSH+"node") {
				for _, or := range g.values(node.value, nsSH+"or") {
					for _, alt := range g.list(or) {
						for _, dt := range g.values(alt.value, nsSH+"datatype") {
							ps.datatypes = append(ps.datatypes, dt.value)
						}
					}
				}
			}
			if v := g.values(prop.value, nsSH+"nodeKind"); len(v) == 1 {
				ps.nodeKind = v[0].value
			}
			out = append(out, ps)
		}
	}
	return out
}

func loadShapes(t *testing.T) []propertyShape {
	t.Helper()
	shapes := shapesOf(loadGraph(t, filepath.Join("testdata", "dcat-ap-3.0.1-shapes.ttl")))
	// The derivation must find the shapes: count the mandatory properties
	// it derived per class (not which ones: those come from the file).
	mandatory := map[string]int{}
	for _, s := range shapes {
		if s.minCount >= 1 {
			mandatory[s.class]++
		}
	}
	for cls, atLeast := range map[string]int{nsDCAT + "Catalog": 3, nsDCAT + "Dataset": 2, nsDCAT + "Distribution": 1, nsFOAF + "Agent": 1, nsSPDX + "Checksum": 2} {
		if mandatory[cls] < atLeast {
			t.Fatalf("shapes file: %d mandatory properties derived for %s: the reader missed some", mandatory[cls], cls)
		}
	}
	return shapes
}

// violations checks every node of the targeted classes of g against the
// property shapes.
func violations(g *rdfGraph, shapes []propertyShape) (out []string, checked map[string]int) {
	checked = map[string]int{}
	for _, s := range shapes {
		for _, node := range g.ofType(s.class) {
			checked[compactOr(s.class)]++
			vals := g.values(node, s.path)
			if len(vals) < s.minCount {
				out = append(out, fmt.Sprintf("%s: %s has %d values, min %d", node, s, len(vals), s.minCount))
			}
			if s.maxCount >= 0 && len(vals) > s.maxCount {
				out = append(out, fmt.Sprintf("%s: %s has %d values, max %d", node, s, len(vals), s.maxCount))
			}
			for _, v := range vals {
				if len(s.datatypes) > 0 && (v.kind != 'L' || !containsString(s.datatypes, v.dt)) {
					out = append(out, fmt.Sprintf("%s: %s value %q^^%s not of datatype %v", node, s, v.value, v.dt, s.datatypes))
				}
				if !nodeKindOK(s.nodeKind, v) {
					out = append(out, fmt.Sprintf("%s: %s value %q is not a %s", node, s, v.value, compactOr(s.nodeKind)))
				}
			}
		}
	}
	return out, checked
}

func containsString(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func nodeKindOK(kind string, v ttlTerm) bool {
	switch strings.TrimPrefix(kind, nsSH) {
	case "IRI":
		return v.kind == 'I'
	case "Literal":
		return v.kind == 'L'
	case "BlankNode":
		return v.kind == 'B'
	case "BlankNodeOrIRI":
		return v.kind != 'L'
	case "IRIOrLiteral":
		return v.kind != 'B'
	case "BlankNodeOrLiteral":
		return v.kind != 'I'
	}
	return true
}

// TestCatalogSHACL checks both serialisations of the catalogue (and the
// pages of a paged one) against the DCAT-AP 3.0.1 shapes: every property
// with sh:minCount >= 1 present on every node of its target class, and the
// sh:maxCount, sh:datatype and sh:nodeKind of the properties present.
func TestCatalogSHACL(t *testing.T) {
	shapes := loadShapes(t)
	public := testPublicTree(t)
	meta := testCatalogMeta()
	if err := WriteCatalog(public, meta); err != nil {
		t.Fatal(err)
	}
	paged := testPublicTree(t)
	meta.PageSize = 1
	if err := WriteCatalog(paged, meta); err != nil {
		t.Fatal(err)
	}
	graphs := map[string]*rdfGraph{
		"catalog.ttl":        loadGraph(t, filepath.Join(public, FileCatalogTurtle)),
		"catalog.jsonld":     jsonldGraph(t, filepath.Join(public, FileCatalog)),
		"page 1 of 2":        jsonldGraph(t, filepath.Join(paged, CatalogPageFile(1))),
		"page 2 of 2":        jsonldGraph(t, filepath.Join(paged, CatalogPageFile(2))),
		"catalog.ttl, paged": loadGraph(t, filepath.Join(paged, FileCatalogTurtle)),
	}
	for name, g := range graphs {
		t.Run(name, func(t *testing.T) {
			bad, checked := violations(g, shapes)
			for _, v := range bad {
				t.Error(v)
			}
			if strings.HasPrefix(name, "page") {
				return // a page has some of the datasets only
			}
			for _, cls := range []string{"dcat:Catalog", "dcat:Dataset", "dcat:Distribution", "foaf:Agent", "spdx:Checksum",
				"dct:LicenseDocument", "dct:Location", "dct:PeriodOfTime", "skos:Concept", "skos:ConceptScheme"} {
				if checked[cls] == 0 {
					t.Errorf("no %s node checked", cls)
				}
			}
		})
	}

	// The check itself: a graph missing a mandatory property or with a
	// wrong datatype fails.
	t.Run("detects violations", func(t *testing.T) {
		g := graphs["catalog.ttl"]
		var broken []ttlTriple
		for _, tr := range g.triples {
			switch {
			case tr.p.value == nsDCT+"title" && tr.s.value == testBase+"/datasets/communes":
				continue
			case tr.p.value == nsDCAT+"byteSize":
				tr.o.dt = nsXSD + "string"
			}
			broken = append(broken, tr)
		}
		bad, _ := violations(newGraph(broken), shapes)
		joined := strings.Join(bad, "\n")
		if !strings.Contains(joined, "datasets/communes: dcat:Dataset dct:title has 0 values") ||
			!strings.Contains(joined, "dcat:byteSize value") {
			t.Errorf("violations not detected:\n%s", joined)
		}
	})
}

// jsonldGraph reads a JSON-LD file as triples through json-gold.
func jsonldGraph(t *testing.T, path string) *rdfGraph {
	t.Helper()
	lines := jsonldTriples(t, readCatalogDoc(t, path))
	triples, err := parseTurtle(strings.Join(lines, ""))
	if err != nil {
		t.Fatalf("%s as N-Quads: %v", path, err)
	}
	return newGraph(triples)
}
