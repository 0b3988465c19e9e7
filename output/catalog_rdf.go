package output

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// A small RDF graph model, written both as JSON-LD and as Turtle so that
// the two files of the catalogue always hold the same triples.
//
// A graph is a tree of nodes: an IRI node may appear several times (the
// serialisations merge its descriptions), a blank node (empty id) exactly
// once. A node's types and properties keep their insertion order; the
// serialisers sort predicates, so the output depends only on the graph.

// rdfNode is a subject: an IRI (id) or a blank node (id == "").
type rdfNode struct {
	id    string
	types []string // class IRIs
	props []rdfProp
}

// rdfProp is a predicate with its objects, in insertion order.
type rdfProp struct {
	pred string
	objs []rdfObj
}

// rdfObj is an object: an IRI, a node, or a literal (lexical form with a
// language tag or a datatype; neither means xsd:string).
type rdfObj struct {
	iri      string
	node     *rdfNode
	literal  bool
	value    string
	lang, dt string
}

func newNode(id string, types ...string) *rdfNode {
	return &rdfNode{id: id, types: types}
}

// add appends objects to pred; objects that are empty (no IRI, node or
// literal) are skipped, and so is pred when none is left.
func (n *rdfNode) add(pred string, objs ...rdfObj) *rdfNode {
	var keep []rdfObj
	for _, o := range objs {
		if o.literal || o.iri != "" || o.node != nil {
			keep = append(keep, o)
		}
	}
	if len(keep) == 0 {
		return n
	}
	for i := range n.props {
		if n.props[i].pred == pred {
			n.props[i].objs = append(n.props[i].objs, keep...)
			return n
		}
	}
	n.props = append(n.props, rdfProp{pred: pred, objs: keep})
	return n
}

// get returns the objects of pred.
func (n *rdfNode) get(pred string) []rdfObj {
	for _, p := range n.props {
		if p.pred == pred {
			return p.objs
		}
	}
	return nil
}

func iriObj(iri string) rdfObj {
	if iri == "" {
		return rdfObj{}
	}
	return rdfObj{iri: cleanIRI(iri)}
}

func nodeObj(n *rdfNode) rdfObj { return rdfObj{node: n} }

// frLit is a French text; an empty text is no object.
func frLit(s string) rdfObj {
	if strings.TrimSpace(s) == "" {
		return rdfObj{}
	}
	return rdfObj{literal: true, value: cleanText(s), lang: "fr"}
}

// strLit is an xsd:string literal; an empty string is no object.
func strLit(s string) rdfObj {
	if s == "" {
		return rdfObj{}
	}
	return rdfObj{literal: true, value: cleanText(s)}
}

func typedLit(v, datatype string) rdfObj {
	return rdfObj{literal: true, value: cleanText(v), dt: datatype}
}

// cleanText makes s valid UTF-8.
func cleanText(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// cleanIRI percent-encodes the characters that an IRI cannot hold (space,
// controls, <>"{}|^`\), so that both serialisations write the same IRI.
func cleanIRI(s string) string {
	s = cleanText(strings.TrimSpace(s))
	if !strings.ContainsFunc(s, iriForbidden) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf && iriForbidden(rune(c)) {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func iriForbidden(r rune) bool {
	return r <= 0x20 || r == 0x7f || strings.ContainsRune("<>\"{}|^`\\", r)
}

// localName matches the local parts written as prefixed names.
var localName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// compactIRI returns prefix:local for an IRI in one of catalogPrefixes
// namespaces, or "" when it has none.
func compactIRI(iri string) string {
	for _, p := range catalogPrefixes {
		if local, ok := strings.CutPrefix(iri, p.ns); ok && localName.MatchString(local) {
			return p.prefix + ":" + local
		}
	}
	return ""
}

// jsonldTerm is an IRI as written in a JSON-LD key or @type: compacted
// when possible.
func jsonldTerm(iri string) string {
	if c := compactIRI(iri); c != "" {
		return c
	}
	return iri
}

// multiValued are the predicates written as JSON arrays even with one
// value, so that the JSON shape of a catalogue does not depend on counts.
var multiValued = map[string]bool{
	nsDCAT + "dataset":      true,
	nsDCAT + "distribution": true,
	nsDCAT + "keyword":      true,
}

// jsonldContext is the inline @context of the JSON-LD catalogue: the
// prefixes only, so that no remote context needs to be fetched.
func jsonldContext() map[string]any {
	ctx := make(map[string]any, len(catalogPrefixes))
	for _, p := range catalogPrefixes {
		ctx[p.prefix] = p.ns
	}
	return ctx
}

// jsonld returns the node as a JSON-LD node object (keys are sorted by
// encoding/json), nesting the nodes it refers to.
func (n *rdfNode) jsonld() map[string]any {
	m := make(map[string]any, len(n.props)+2)
	if n.id != "" {
		m["@id"] = n.id
	}
	switch len(n.types) {
	case 0:
	case 1:
		m["@type"] = jsonldTerm(n.types[0])
	default:
		ts := make([]any, len(n.types))
		for i, t := range n.types {
			ts[i] = jsonldTerm(t)
		}
		m["@type"] = ts
	}
	for _, p := range n.props {
		vals := make([]any, len(p.objs))
		for i, o := range p.objs {
			vals[i] = o.jsonld()
		}
		if len(vals) == 1 && !multiValued[p.pred] {
			m[jsonldTerm(p.pred)] = vals[0]
		} else {
			m[jsonldTerm(p.pred)] = vals
		}
	}
	return m
}

func (o rdfObj) jsonld() any {
	switch {
	case o.node != nil:
		return o.node.jsonld()
	case !o.literal:
		return map[string]any{"@id": o.iri}
	case o.lang != "":
		return map[string]any{"@value": o.value, "@language": o.lang}
	case o.dt != "":
		return map[string]any{"@value": o.value, "@type": jsonldTerm(o.dt)}
	default:
		return o.value
	}
}

// turtleSubject is an IRI node with the merged descriptions of its
// occurrences.
type turtleSubject struct {
	id    string
	types []string
	props map[string][]rdfObj
	seen  map[string]bool // predicate + object keys already added
}

// turtleWriter writes a graph as Turtle: each IRI node once as a subject
// (in the order they are first met), blank nodes inline.
type turtleWriter struct {
	order    []string
	subjects map[string]*turtleSubject
}

// writeTurtle returns the Turtle text of the graphs rooted at roots.
func writeTurtle(roots ...*rdfNode) []byte {
	w := &turtleWriter{subjects: map[string]*turtleSubject{}}
	for _, r := range roots {
		w.collect(r)
	}
	var b bytes.Buffer
	for _, p := range catalogPrefixes {
		fmt.Fprintf(&b, "@prefix %s: <%s> .\n", p.prefix, p.ns)
	}
	for _, id := range w.order {
		s := w.subjects[id]
		b.WriteByte('\n')
		b.WriteString(turtleIRI(id))
		w.body(&b, s.types, s.props, 1)
		b.WriteString(" .\n")
	}
	return b.Bytes()
}

// collect registers the IRI nodes reachable from n, merging their
// descriptions.
func (w *turtleWriter) collect(n *rdfNode) {
	if n.id != "" {
		s := w.subjects[n.id]
		if s == nil {
			s = &turtleSubject{id: n.id, props: map[string][]rdfObj{}, seen: map[string]bool{}}
			w.subjects[n.id] = s
			w.order = append(w.order, n.id)
		}
		for _, t := range n.types {
			if !s.seen["a "+t] {
				s.seen["a "+t] = true
				s.types = append(s.types, t)
			}
		}
		for _, p := range n.props {
			for _, o := range p.objs {
				key := p.pred + " " + o.key()
				if o.node != nil && o.node.id == "" {
					key = "" // a blank node is never a duplicate
				}
				if key != "" && s.seen[key] {
					continue
				}
				if key != "" {
					s.seen[key] = true
				}
				s.props[p.pred] = append(s.props[p.pred], o)
			}
		}
	}
	for _, p := range n.props {
		for _, o := range p.objs {
			if o.node != nil {
				w.collect(o.node)
			}
		}
	}
}

// key identifies an object that is not a blank node.
func (o rdfObj) key() string {
	switch {
	case o.node != nil:
		return "<" + o.node.id + ">"
	case !o.literal:
		return "<" + o.iri + ">"
	}
	return fmt.Sprintf("%q@%s^^%s", o.value, o.lang, o.dt)
}

// body writes the predicate-object list of a subject or blank node.
func (w *turtleWriter) body(b *bytes.Buffer, types []string, props map[string][]rdfObj, depth int) {
	indent := strings.Repeat("    ", depth)
	first := true
	sep := func() {
		if first {
			b.WriteByte(' ')
			first = false
			return
		}
		b.WriteString(" ;\n")
		b.WriteString(indent)
	}
	if len(types) > 0 {
		sep()
		b.WriteString("a ")
		for i, t := range types {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(turtleIRI(t))
		}
	}
	preds := make([]string, 0, len(props))
	for p := range props {
		preds = append(preds, p)
	}
	sort.Slice(preds, func(i, j int) bool { return turtleIRI(preds[i]) < turtleIRI(preds[j]) })
	for _, p := range preds {
		sep()
		b.WriteString(turtleIRI(p))
		b.WriteByte(' ')
		for i, o := range props[p] {
			if i > 0 {
				b.WriteString(", ")
			}
			w.object(b, o, depth)
		}
	}
}

func (w *turtleWriter) object(b *bytes.Buffer, o rdfObj, depth int) {
	switch {
	case o.node != nil && o.node.id == "":
		props := map[string][]rdfObj{}
		for _, p := range o.node.props {
			props[p.pred] = append(props[p.pred], p.objs...)
		}
		b.WriteByte('[')
		w.body(b, o.node.types, props, depth+1)
		b.WriteString(" ]")
	case o.node != nil:
		b.WriteString(turtleIRI(o.node.id))
	case !o.literal:
		b.WriteString(turtleIRI(o.iri))
	default:
		b.WriteString(turtleString(o.value))
		if o.lang != "" {
			b.WriteString("@" + o.lang)
		} else if o.dt != "" {
			b.WriteString("^^" + turtleIRI(o.dt))
		}
	}
}

// turtleIRI writes an IRI as a prefixed name when possible, as <IRI>
// otherwise (cleanIRI has removed the characters an IRIREF cannot hold).
func turtleIRI(iri string) string {
	if c := compactIRI(iri); c != "" {
		return c
	}
	return "<" + cleanIRI(iri) + ">"
}

// turtleString quotes s as a Turtle STRING_LITERAL_QUOTE.
func turtleString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
