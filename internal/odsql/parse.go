package odsql

import (
	"strings"
)

// maxDepth bounds the nesting of a clause (parentheses, not, operators).
const maxDepth = 64

// maxItems bounds the items of a list (select, in (…), order_by).
const maxItems = 256

// parser is a recursive-descent parser over the tokens of one clause.
type parser struct {
	toks  []token
	i     int
	depth int
}

func newParser(src string) (*parser, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	return &parser{toks: toks}, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// keyword reports whether the next token is the (unquoted) keyword kw.
func (p *parser) keyword(kw string) bool {
	t := p.peek()
	return t.kind == tokIdent && !t.quoted && strings.EqualFold(t.text, kw)
}

func (p *parser) acceptKeyword(kw string) bool {
	if p.keyword(kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) op(s string) bool {
	t := p.peek()
	return t.kind == tokOp && t.text == s
}

func (p *parser) acceptOp(s string) bool {
	if p.op(s) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expectOp(s string) error {
	if !p.acceptOp(s) {
		return p.unexpected("« " + s + " »")
	}
	return nil
}

// unexpected reports the next token where want was expected.
func (p *parser) unexpected(want string) error {
	t := p.peek()
	if t.kind == tokEOF {
		return errorf(t.pos, "fin de clause inattendue : %s attendu", want)
	}
	return errorf(t.pos, "« %s » inattendu : %s attendu", tokenText(t), want)
}

func tokenText(t token) string {
	switch t.kind {
	case tokString:
		return `"` + t.text + `"`
	case tokDate:
		return "date'" + t.text + "'"
	case tokGeom:
		return "geom'" + t.text + "'"
	}
	return t.text + t.unit
}

func (p *parser) end() error {
	if p.peek().kind != tokEOF {
		return p.unexpected("la fin de la clause")
	}
	return nil
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return errorf(p.peek().pos, "expression trop imbriquée (plus de %d niveaux)", maxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// reserved are the keywords that cannot be bare field names.
var reserved = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "like": true, "is": true,
	"null": true, "true": true, "false": true, "as": true, "asc": true, "desc": true,
}

// ParseWhere parses a where clause into a boolean expression; "" gives nil.
func ParseWhere(src string) (Expr, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	p, err := newParser(src)
	if err != nil {
		return nil, inClause(err, "where")
	}
	e, err := p.or()
	if err == nil {
		err = p.end()
	}
	if err != nil {
		return nil, inClause(err, "where")
	}
	return e, nil
}

// ParseSelect parses a select clause ("" gives nil: every field).
func ParseSelect(src string) ([]Item, error) {
	items, err := parseItems(src)
	return items, inClause(err, "select")
}

// ParseGroupBy parses a group_by clause ("" gives nil).
func ParseGroupBy(src string) ([]Item, error) {
	items, err := parseItems(src)
	return items, inClause(err, "group_by")
}

func parseItems(src string) ([]Item, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	p, err := newParser(src)
	if err != nil {
		return nil, err
	}
	var items []Item
	for {
		if len(items) == maxItems {
			return nil, errorf(p.peek().pos, "plus de %d expressions", maxItems)
		}
		var it Item
		if p.op("*") {
			it.X = &Star{P: p.next().pos}
		} else if it.X, err = p.additive(); err != nil {
			return nil, err
		}
		if p.acceptKeyword("as") {
			t := p.next()
			if t.kind != tokIdent || (!t.quoted && reserved[strings.ToLower(t.text)]) {
				p.i--
				return nil, p.unexpected("un nom après « as »")
			}
			it.Alias = t.text
		}
		items = append(items, it)
		if !p.acceptOp(",") {
			break
		}
	}
	return items, p.end()
}

// ParseOrderBy parses an order_by clause ("" gives nil).
func ParseOrderBy(src string) ([]Order, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	p, err := newParser(src)
	if err != nil {
		return nil, inClause(err, "order_by")
	}
	var out []Order
	for {
		if len(out) == maxItems {
			return nil, inClause(errorf(p.peek().pos, "plus de %d expressions", maxItems), "order_by")
		}
		x, err := p.additive()
		if err != nil {
			return nil, inClause(err, "order_by")
		}
		o := Order{X: x}
		if p.acceptKeyword("desc") {
			o.Desc = true
		} else {
			p.acceptKeyword("asc")
		}
		out = append(out, o)
		if !p.acceptOp(",") {
			break
		}
	}
	return out, inClause(p.end(), "order_by")
}

func (p *parser) or() (Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.keyword("or") {
		pos := p.next().pos
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: "or", L: l, R: r, P: pos}
	}
	return l, nil
}

func (p *parser) and() (Expr, error) {
	l, err := p.not()
	if err != nil {
		return nil, err
	}
	for p.keyword("and") {
		pos := p.next().pos
		r, err := p.not()
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: "and", L: l, R: r, P: pos}
	}
	return l, nil
}

func (p *parser) not() (Expr, error) {
	if p.keyword("not") {
		pos := p.next().pos
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return &Not{X: x, P: pos}, nil
	}
	return p.comparison()
}

var comparisons = map[string]string{"=": "=", ":": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

func (p *parser) comparison() (Expr, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind == tokOp {
		if op, ok := comparisons[t.text]; ok {
			p.next()
			if op == "=" && p.op("[") || op == "=" && p.op("]") {
				return p.rangeOf(l, t.pos)
			}
			r, err := p.additive()
			if err != nil {
				return nil, err
			}
			return &Binary{Op: op, L: l, R: r, P: t.pos}, nil
		}
	}
	switch {
	case p.keyword("like"):
		p.next()
		r, err := p.additive()
		if err != nil {
			return nil, err
		}
		return &Binary{Op: "like", L: l, R: r, P: t.pos}, nil
	case p.keyword("is"):
		p.next()
		neg := p.acceptKeyword("not")
		switch {
		case p.acceptKeyword("null"):
			return &IsNull{X: l, Not: neg, P: t.pos}, nil
		case p.keyword("true"), p.keyword("false"):
			b := &Bool{Value: p.keyword("true"), P: p.next().pos}
			op := "="
			if neg {
				op = "!="
			}
			return &Binary{Op: op, L: l, R: b, P: t.pos}, nil
		}
		return nil, p.unexpected("null, true ou false après « is »")
	case p.keyword("not") && p.toks[p.i+1].kind == tokIdent && strings.EqualFold(p.toks[p.i+1].text, "in"):
		p.i += 2
		return p.inList(l, true, t.pos)
	case p.keyword("in"):
		p.next()
		if p.op("[") || p.op("]") {
			return p.rangeOf(l, t.pos)
		}
		return p.inList(l, false, t.pos)
	}
	return l, nil
}

func (p *parser) inList(x Expr, neg bool, pos int) (Expr, error) {
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	in := &In{X: x, Not: neg, P: pos}
	for {
		if len(in.List) == maxItems {
			return nil, errorf(p.peek().pos, "plus de %d valeurs dans « in »", maxItems)
		}
		v, err := p.additive()
		if err != nil {
			return nil, err
		}
		in.List = append(in.List, v)
		if !p.acceptOp(",") {
			break
		}
	}
	return in, p.expectOp(")")
}

// rangeOf parses "[lo..hi]" with either bracket turned either way, or "TO"
// instead of "..".
func (p *parser) rangeOf(x Expr, pos int) (Expr, error) {
	r := &Range{X: x, P: pos, LoIncl: p.next().text == "["}
	var err error
	if r.Lo, err = p.additive(); err != nil {
		return nil, err
	}
	if !p.acceptOp("..") && !p.acceptKeyword("to") {
		return nil, p.unexpected("« .. »")
	}
	if r.Hi, err = p.additive(); err != nil {
		return nil, err
	}
	switch {
	case p.acceptOp("]"):
		r.HiIncl = true
	case p.acceptOp("["):
	default:
		return nil, p.unexpected("« ] » ou « [ »")
	}
	return r, nil
}

func (p *parser) additive() (Expr, error) {
	l, err := p.multiplicative()
	if err != nil {
		return nil, err
	}
	for p.op("+") || p.op("-") {
		t := p.next()
		r, err := p.multiplicative()
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: t.text, L: l, R: r, P: t.pos}
	}
	return l, nil
}

func (p *parser) multiplicative() (Expr, error) {
	l, err := p.primary()
	if err != nil {
		return nil, err
	}
	for p.op("*") || p.op("/") {
		t := p.next()
		r, err := p.primary()
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: t.text, L: l, R: r, P: t.pos}
	}
	return l, nil
}

func (p *parser) primary() (Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	t := p.peek()
	switch t.kind {
	case tokString:
		p.next()
		return &Str{Value: t.text, P: t.pos}, nil
	case tokNumber:
		p.next()
		return &Num{Text: t.text, Unit: t.unit, P: t.pos}, nil
	case tokDate:
		p.next()
		return &DateLit{Text: t.text, P: t.pos}, nil
	case tokGeom:
		p.next()
		return &GeomLit{Text: t.text, P: t.pos}, nil
	case tokIdent:
		return p.identOrCall()
	case tokOp:
		switch t.text {
		case "(":
			p.next()
			e, err := p.or()
			if err != nil {
				return nil, err
			}
			return e, p.expectOp(")")
		case "-":
			p.next()
			n := p.peek()
			if n.kind != tokNumber {
				return nil, p.unexpected("un nombre après « - »")
			}
			p.next()
			return &Num{Text: "-" + n.text, Unit: n.unit, P: t.pos}, nil
		}
	}
	return nil, p.unexpected("une valeur, un champ ou une fonction")
}

func (p *parser) identOrCall() (Expr, error) {
	t := p.next()
	if !t.quoted {
		switch strings.ToLower(t.text) {
		case "true", "false":
			return &Bool{Value: strings.EqualFold(t.text, "true"), P: t.pos}, nil
		case "null":
			return &Null{P: t.pos}, nil
		}
		if reserved[strings.ToLower(t.text)] {
			p.i--
			return nil, p.unexpected("une valeur, un champ ou une fonction")
		}
	}
	if t.quoted || !p.op("(") {
		return &Ident{Name: t.text, P: t.pos}, nil
	}
	p.next()
	c := &Call{Name: strings.ToLower(t.text), P: t.pos}
	if p.acceptOp(")") {
		return c, nil
	}
	for {
		if len(c.Args) == 8 {
			return nil, errorf(p.peek().pos, "trop d'arguments pour %s()", c.Name)
		}
		var a Expr
		var err error
		if p.op("*") {
			a = &Star{P: p.next().pos}
		} else if a, err = p.or(); err != nil {
			return nil, err
		}
		c.Args = append(c.Args, a)
		if !p.acceptOp(",") {
			break
		}
	}
	return c, p.expectOp(")")
}
