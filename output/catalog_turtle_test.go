package output

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A Turtle reader for the tests: the subset that the DCAT-AP SHACL shapes
// and our catalog.ttl use (@prefix/PREFIX, IRIs, prefixed names, "a",
// short and long string literals with escapes, language tags, datatypes,
// integers, decimals and booleans, blank node property lists, collections,
// "_:" labels, comments). It returns triples with blank nodes labelled
// _:t0, _:t1 … in document order.

type ttlTerm struct {
	kind  byte // 'I' IRI, 'B' blank node, 'L' literal
	value string
	lang  string
	dt    string
}

type ttlTriple struct{ s, p, o ttlTerm }

const (
	rdfType  = nsRDF + "type"
	rdfFirst = nsRDF + "first"
	rdfRest  = nsRDF + "rest"
	rdfNil   = nsRDF + "nil"
)

type ttlParser struct {
	src      string
	pos      int
	prefixes map[string]string
	bnodes   int
	labels   map[string]string
	triples  []ttlTriple
}

func parseTurtle(src string) ([]ttlTriple, error) {
	p := &ttlParser{src: src, prefixes: map[string]string{}, labels: map[string]string{}}
	for {
		p.skip()
		if p.pos >= len(p.src) {
			return p.triples, nil
		}
		if err := p.statement(); err != nil {
			line := strings.Count(p.src[:min(p.pos, len(p.src))], "\n") + 1
			return nil, fmt.Errorf("turtle line %d: %w", line, err)
		}
	}
}

// skip skips white space and comments.
func (p *ttlParser) skip() {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.pos++
		case c == '#':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.pos++
			}
		default:
			return
		}
	}
}

func (p *ttlParser) peek() byte {
	p.skip()
	if p.pos >= len(p.src) {
		return 0
	}
	return p.src[p.pos]
}

func (p *ttlParser) expect(c byte) error {
	if p.peek() != c {
		return fmt.Errorf("expected %q at %q", c, p.rest())
	}
	p.pos++
	return nil
}

func (p *ttlParser) rest() string {
	return p.src[p.pos:min(len(p.src), p.pos+30)]
}

func (p *ttlParser) keyword(kw string) bool {
	p.skip()
	if len(p.src)-p.pos >= len(kw) && strings.EqualFold(p.src[p.pos:p.pos+len(kw)], kw) {
		end := p.pos + len(kw)
		if end == len(p.src) || p.src[end] == ' ' || p.src[end] == '\t' || p.src[end] == '\n' || p.src[end] == '<' {
			p.pos = end
			return true
		}
	}
	return false
}

func (p *ttlParser) statement() error {
	sparql := false
	if p.keyword("@prefix") || func() bool { sparql = p.keyword("PREFIX"); return sparql }() {
		p.skip()
		start := p.pos
		for p.pos < len(p.src) && p.src[p.pos] != ':' {
			p.pos++
		}
		name := p.src[start:p.pos]
		p.pos++
		iri, err := p.iriRef()
		if err != nil {
			return err
		}
		p.prefixes[name] = iri
		if !sparql {
			return p.expect('.')
		}
		return nil
	}
	var subj ttlTerm
	var err error
	if p.peek() == '[' {
		subj, err = p.blankList()
		if err != nil {
			return err
		}
		if p.peek() == '.' {
			p.pos++
			return nil
		}
	} else if subj, err = p.subject(); err != nil {
		return err
	}
	if err := p.predicateObjects(subj, '.'); err != nil {
		return err
	}
	return p.expect('.')
}

func (p *ttlParser) subject() (ttlTerm, error) {
	switch p.peek() {
	case '(':
		return p.collection()
	case '_':
		return p.blankLabel()
	}
	return p.iri()
}

// predicateObjects reads verb objectList (';' (verb objectList)?)* up to
// the end character (not consumed).
func (p *ttlParser) predicateObjects(subj ttlTerm, end byte) error {
	for {
		c := p.peek()
		if c == end || c == 0 {
			return nil
		}
		if c == ';' {
			p.pos++
			continue
		}
		var pred ttlTerm
		if p.src[p.pos] == 'a' && p.pos+1 < len(p.src) && strings.ContainsRune(" \t\n<[", rune(p.src[p.pos+1])) {
			p.pos++
			pred = ttlTerm{kind: 'I', value: rdfType}
		} else {
			var err error
			if pred, err = p.iri(); err != nil {
				return err
			}
		}
		for {
			obj, err := p.object()
			if err != nil {
				return err
			}
			p.triples = append(p.triples, ttlTriple{subj, pred, obj})
			if p.peek() != ',' {
				break
			}
			p.pos++
		}
		c = p.peek()
		if c != ';' && c != end {
			return fmt.Errorf("expected ';' or %q at %q", end, p.rest())
		}
	}
}

func (p *ttlParser) newBlank() ttlTerm {
	t := ttlTerm{kind: 'B', value: "_:t" + strconv.Itoa(p.bnodes)}
	p.bnodes++
	return t
}

func (p *ttlParser) blankList() (ttlTerm, error) {
	if err := p.expect('['); err != nil {
		return ttlTerm{}, err
	}
	b := p.newBlank()
	if err := p.predicateObjects(b, ']'); err != nil {
		return ttlTerm{}, err
	}
	return b, p.expect(']')
}

func (p *ttlParser) blankLabel() (ttlTerm, error) {
	if !strings.HasPrefix(p.src[p.pos:], "_:") {
		return ttlTerm{}, fmt.Errorf("bad blank node at %q", p.rest())
	}
	p.pos += 2
	start := p.pos
	for p.pos < len(p.src) && isNameByte(p.src[p.pos]) {
		p.pos++
	}
	label := strings.TrimRight(p.src[start:p.pos], ".")
	p.pos = start + len(label)
	if _, ok := p.labels[label]; !ok {
		p.labels[label] = p.newBlank().value
	}
	return ttlTerm{kind: 'B', value: p.labels[label]}, nil
}

func (p *ttlParser) collection() (ttlTerm, error) {
	if err := p.expect('('); err != nil {
		return ttlTerm{}, err
	}
	var items []ttlTerm
	for p.peek() != ')' {
		if p.peek() == 0 {
			return ttlTerm{}, fmt.Errorf("unterminated collection")
		}
		o, err := p.object()
		if err != nil {
			return ttlTerm{}, err
		}
		items = append(items, o)
	}
	p.pos++
	head := ttlTerm{kind: 'I', value: rdfNil}
	for i := len(items) - 1; i >= 0; i-- {
		cell := p.newBlank()
		p.triples = append(p.triples,
			ttlTriple{cell, ttlTerm{kind: 'I', value: rdfFirst}, items[i]},
			ttlTriple{cell, ttlTerm{kind: 'I', value: rdfRest}, head})
		head = cell
	}
	return head, nil
}

func (p *ttlParser) object() (ttlTerm, error) {
	switch c := p.peek(); {
	case c == '[':
		return p.blankList()
	case c == '(':
		return p.collection()
	case c == '_':
		return p.blankLabel()
	case c == '"' || c == '\'':
		return p.literal()
	case c == '+' || c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case p.keyword("true"):
		return ttlTerm{kind: 'L', value: "true", dt: nsXSD + "boolean"}, nil
	case p.keyword("false"):
		return ttlTerm{kind: 'L', value: "false", dt: nsXSD + "boolean"}, nil
	}
	return p.iri()
}

func (p *ttlParser) number() (ttlTerm, error) {
	start := p.pos
	if p.src[p.pos] == '+' || p.src[p.pos] == '-' {
		p.pos++
	}
	dt := nsXSD + "integer"
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c >= '0' && c <= '9' {
			p.pos++
			continue
		}
		if c == '.' && p.pos+1 < len(p.src) && p.src[p.pos+1] >= '0' && p.src[p.pos+1] <= '9' {
			dt = nsXSD + "decimal"
			p.pos++
			continue
		}
		break
	}
	if p.pos == start {
		return ttlTerm{}, fmt.Errorf("bad number at %q", p.rest())
	}
	return ttlTerm{kind: 'L', value: p.src[start:p.pos], dt: dt}, nil
}

func (p *ttlParser) literal() (ttlTerm, error) {
	q := p.src[p.pos]
	long := strings.HasPrefix(p.src[p.pos:], strings.Repeat(string(q), 3))
	if long {
		p.pos += 3
	} else {
		p.pos++
	}
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			return ttlTerm{}, fmt.Errorf("unterminated string")
		}
		c := p.src[p.pos]
		if long && strings.HasPrefix(p.src[p.pos:], strings.Repeat(string(q), 3)) {
			p.pos += 3
			break
		}
		if !long && c == q {
			p.pos++
			break
		}
		if !long && (c == '\n' || c == '\r') {
			return ttlTerm{}, fmt.Errorf("line break in a short string")
		}
		if c == '\\' {
			if p.pos+1 >= len(p.src) {
				return ttlTerm{}, fmt.Errorf("bad escape")
			}
			e := p.src[p.pos+1]
			p.pos += 2
			switch e {
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case '"', '\'', '\\':
				b.WriteByte(e)
			case 'u', 'U':
				n := 4
				if e == 'U' {
					n = 8
				}
				if p.pos+n > len(p.src) {
					return ttlTerm{}, fmt.Errorf("bad escape")
				}
				v, err := strconv.ParseUint(p.src[p.pos:p.pos+n], 16, 32)
				if err != nil || !utf8.ValidRune(rune(v)) {
					return ttlTerm{}, fmt.Errorf("bad escape \\%c%s", e, p.src[p.pos:p.pos+n])
				}
				b.WriteRune(rune(v))
				p.pos += n
			default:
				return ttlTerm{}, fmt.Errorf("bad escape \\%c", e)
			}
			continue
		}
		b.WriteByte(c)
		p.pos++
	}
	t := ttlTerm{kind: 'L', value: b.String()}
	if p.pos < len(p.src) && p.src[p.pos] == '@' {
		p.pos++
		start := p.pos
		for p.pos < len(p.src) && (isAlnum(p.src[p.pos]) || p.src[p.pos] == '-') {
			p.pos++
		}
		t.lang = strings.ToLower(p.src[start:p.pos])
	} else if strings.HasPrefix(p.src[p.pos:], "^^") {
		p.pos += 2
		dt, err := p.iri()
		if err != nil {
			return ttlTerm{}, err
		}
		t.dt = dt.value
	}
	if t.lang == "" && t.dt == nsXSD+"string" {
		t.dt = ""
	}
	return t, nil
}

func (p *ttlParser) iri() (ttlTerm, error) {
	if p.peek() == '<' {
		v, err := p.iriRef()
		return ttlTerm{kind: 'I', value: v}, err
	}
	start := p.pos
	for p.pos < len(p.src) && (isNameByte(p.src[p.pos]) || p.src[p.pos] == ':') {
		p.pos++
	}
	name := strings.TrimRight(p.src[start:p.pos], ".")
	p.pos = start + len(name)
	prefix, local, ok := strings.Cut(name, ":")
	if !ok {
		return ttlTerm{}, fmt.Errorf("expected an IRI at %q", p.rest())
	}
	ns, known := p.prefixes[prefix]
	if !known {
		return ttlTerm{}, fmt.Errorf("undeclared prefix %q", prefix)
	}
	return ttlTerm{kind: 'I', value: ns + local}, nil
}

func (p *ttlParser) iriRef() (string, error) {
	if err := p.expect('<'); err != nil {
		return "", err
	}
	end := strings.IndexByte(p.src[p.pos:], '>')
	if end < 0 {
		return "", fmt.Errorf("unterminated IRI")
	}
	v := p.src[p.pos : p.pos+end]
	if strings.ContainsAny(v, " \n\t\"{}|^`\\<") {
		return "", fmt.Errorf("bad IRI <%s>", v)
	}
	p.pos += end + 1
	return v, nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isNameByte(c byte) bool {
	return isAlnum(c) || c == '_' || c == '-' || c == '.' || c >= 0x80
}

// nquads writes triples as N-Quads lines, sorted and deduplicated.
func nquads(triples []ttlTriple) string {
	seen := map[string]bool{}
	var lines []string
	for _, t := range triples {
		l := nqTerm(t.s) + " " + nqTerm(t.p) + " " + nqTerm(t.o) + " .\n"
		if !seen[l] {
			seen[l] = true
			lines = append(lines, l)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "")
}

func nqTerm(t ttlTerm) string {
	switch t.kind {
	case 'I':
		return "<" + t.value + ">"
	case 'B':
		return t.value
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range t.value {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	if t.lang != "" {
		b.WriteString("@" + t.lang)
	} else if t.dt != "" {
		b.WriteString("^^<" + t.dt + ">")
	}
	return b.String()
}
