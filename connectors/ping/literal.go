package ping

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Entry is one member of the top-level object of a JavaScript literal.
type Entry struct {
	// Key is the member name as a string: a bare identifier or number is
	// kept as written ("12"), a quoted key is unescaped.
	Key string
	// Value is a string, json.Number, bool, nil, []any or map[string]any.
	Value any
	// Line is the 1-based line where the entry's key starts.
	Line int
}

// SyntaxError is a parse error located in the source text.
type SyntaxError struct {
	URL    string // where the text came from, when known
	Line   int    // 1-based
	Column int    // 1-based, in characters
	Msg    string
}

func (e *SyntaxError) Error() string {
	where := ""
	if e.URL != "" {
		where = e.URL + ": "
	}
	return fmt.Sprintf("ping: %sline %d, column %d: %s", where, e.Line, e.Column, e.Msg)
}

// maxDepth bounds the nesting of objects and arrays.
const maxDepth = 500

// ParseLiteral parses the JavaScript that PiNG's map serves, such as
//
//	var lieux = {
//		12 : {	"latitude" : "47.21",
//			"activites" : ["Fablab",],
//		},
//	};
//
// and returns the members of the object assigned to variable, in source
// order, duplicates included. The accepted subset of JavaScript is: one or
// more statements `var|let|const NAME = VALUE` each optionally ended by
// `;`, or a bare object; objects with double- or single-quoted, identifier
// or numeric keys; arrays; strings with the JavaScript escapes (\n, \t,
// \uXXXX, \u{X…}, \xXX, \/, line continuations…); numbers in the JSON
// grammar with an optional leading '+'; true, false, null and undefined
// (read as nil); trailing commas; // and /* */ comments. Nested objects
// become map[string]any (the last duplicate key wins), numbers
// json.Number.
//
// When variable is empty, the first statement (or the bare object) is
// used. Errors are *SyntaxError values giving the line and column.
func ParseLiteral(src []byte, variable string) ([]Entry, error) {
	p := &parser{src: src, line: 1}
	if len(src) >= 3 && string(src[:3]) == "\uFEFF" {
		p.pos = 3
		p.lineStart = 3
	}
	if err := p.skipSpace(); err != nil {
		return nil, err
	}
	if p.peek() == '{' {
		entries, err := p.topObject()
		if err != nil {
			return nil, err
		}
		return entries, p.trailer()
	}
	var found []Entry
	seen := false
	for {
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.pos >= len(p.src) {
			break
		}
		stmt, stmtLine, stmtLineStart := p.pos, p.line, p.lineStart
		kw := p.ident()
		if kw != "var" && kw != "let" && kw != "const" {
			return nil, p.errorAt(stmt, stmtLine, stmtLineStart,
				fmt.Sprintf("expected 'var %s = {' at the start of a statement", orName(variable)))
		}
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		name := p.ident()
		if name == "" {
			return nil, p.errorf("expected a variable name after '%s'", kw)
		}
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.peek() != '=' {
			return nil, p.errorf("expected '=' after 'var %s'", name)
		}
		p.pos++
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		wanted := !seen && (variable == "" || name == variable)
		if wanted {
			if p.peek() != '{' {
				return nil, p.errorf("expected '{' after 'var %s ='", name)
			}
			entries, err := p.topObject()
			if err != nil {
				return nil, err
			}
			found, seen = entries, true
		} else if _, err := p.value(0); err != nil {
			return nil, err
		}
		end := p.pos
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		switch {
		case p.pos >= len(p.src):
		case p.peek() == ';':
			p.pos++
		case p.lastNewline > end:
			// automatic semicolon insertion at a line break
		default:
			return nil, p.errorf("unexpected %s after the value of '%s'", p.describe(), name)
		}
	}
	if !seen {
		if variable == "" {
			return nil, p.errorf("no 'var NAME = {' statement found")
		}
		return nil, p.errorf("no 'var %s = {' statement found", variable)
	}
	return found, nil
}

func orName(v string) string {
	if v == "" {
		return "NAME"
	}
	return v
}

type parser struct {
	src       []byte
	pos       int
	line      int // line of pos, 1-based
	lineStart int // offset of the first byte of line
	// lastNewline is the offset just past the last line break skipped by
	// skipSpace, for automatic semicolon insertion.
	lastNewline int
}

func (p *parser) errorf(format string, args ...any) error {
	return p.errorAt(p.pos, p.line, p.lineStart, fmt.Sprintf(format, args...))
}

func (p *parser) errorAt(pos, line, lineStart int, msg string) error {
	if pos > len(p.src) {
		pos = len(p.src)
	}
	return &SyntaxError{Line: line, Column: utf8.RuneCount(p.src[lineStart:pos]) + 1, Msg: msg}
}

func (p *parser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

// describe names the character at pos for an error message.
func (p *parser) describe() string {
	if p.pos >= len(p.src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(p.src[p.pos:])
	if r == utf8.RuneError {
		return fmt.Sprintf("byte %#x", p.src[p.pos])
	}
	return strconv.QuoteRune(r)
}

func (p *parser) newline(next int) {
	p.line++
	p.lineStart = next
	p.lastNewline = next
}

// skipSpace skips white space, line breaks and comments.
func (p *parser) skipSpace() error {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '\n':
			p.pos++
			p.newline(p.pos)
		case c == '\r':
			p.pos++
			if p.peek() == '\n' {
				p.pos++
			}
			p.newline(p.pos)
		case c == ' ' || c == '\t' || c == '\v' || c == '\f':
			p.pos++
		case c == '/' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '/':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' && p.src[p.pos] != '\r' {
				p.pos++
			}
		case c == '/' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '*':
			line, lineStart, start := p.line, p.lineStart, p.pos
			p.pos += 2
			for {
				if p.pos+1 >= len(p.src) {
					p.pos = len(p.src)
					return p.errorAt(start, line, lineStart, "unterminated /* comment")
				}
				if p.src[p.pos] == '*' && p.src[p.pos+1] == '/' {
					p.pos += 2
					break
				}
				if p.src[p.pos] == '\n' || (p.src[p.pos] == '\r' && p.src[p.pos+1] != '\n') {
					p.pos++
					p.newline(p.pos)
					continue
				}
				p.pos++
			}
		case c >= 0x80:
			r, n := utf8.DecodeRune(p.src[p.pos:])
			switch r {
			case '\u00a0', '\ufeff', '\u2028', '\u2029':
				p.pos += n
				if r == '\u2028' || r == '\u2029' {
					p.newline(p.pos)
				}
			default:
				return nil
			}
		default:
			return nil
		}
	}
	return nil
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || (c|0x20) >= 'a' && (c|0x20) <= 'z'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ident reads an ASCII identifier, or returns "" without moving.
func (p *parser) ident() string {
	start := p.pos
	if p.pos < len(p.src) && isIdentStart(p.src[p.pos]) {
		p.pos++
		for p.pos < len(p.src) && (isIdentStart(p.src[p.pos]) || isDigit(p.src[p.pos])) {
			p.pos++
		}
	}
	return string(p.src[start:p.pos])
}

// topObject parses the top-level object, keeping its members in order.
func (p *parser) topObject() ([]Entry, error) {
	var entries []Entry
	err := p.object(0, func(key string, line int, v any) { entries = append(entries, Entry{Key: key, Value: v, Line: line}) })
	return entries, err
}

// trailer accepts an optional ';' and comments after a bare object.
func (p *parser) trailer() error {
	if err := p.skipSpace(); err != nil {
		return err
	}
	if p.peek() == ';' {
		p.pos++
		if err := p.skipSpace(); err != nil {
			return err
		}
	}
	if p.pos < len(p.src) {
		return p.errorf("unexpected %s after the object", p.describe())
	}
	return nil
}

// object parses {…} at pos, calling member for each key and value.
func (p *parser) object(depth int, member func(key string, line int, v any)) error {
	if depth >= maxDepth {
		return p.errorf("objects and arrays nested deeper than %d levels", maxDepth)
	}
	openLine, openStart, open := p.line, p.lineStart, p.pos
	p.pos++ // '{'
	for {
		if err := p.skipSpace(); err != nil {
			return err
		}
		switch c := p.peek(); {
		case p.pos >= len(p.src):
			return p.errorAt(open, openLine, openStart, "unterminated object: '{' is never closed")
		case c == '}':
			p.pos++
			return nil
		}
		keyLine := p.line
		key, err := p.key()
		if err != nil {
			return err
		}
		if err := p.skipSpace(); err != nil {
			return err
		}
		if p.peek() != ':' {
			return p.errorf("expected ':' after key %s, found %s", strconv.Quote(key), p.describe())
		}
		p.pos++
		if err := p.skipSpace(); err != nil {
			return err
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return err
		}
		member(key, keyLine, v)
		if err := p.skipSpace(); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
		default:
			if p.pos >= len(p.src) {
				return p.errorAt(open, openLine, openStart, "unterminated object: '{' is never closed")
			}
			return p.errorf("expected ',' or '}' after the value of %s, found %s", strconv.Quote(key), p.describe())
		}
	}
}

// key reads a quoted, identifier or numeric object key.
func (p *parser) key() (string, error) {
	c := p.peek()
	switch {
	case c == '"' || c == '\'':
		return p.str()
	case isIdentStart(c):
		return p.ident(), nil
	case isDigit(c):
		start := p.pos
		for p.pos < len(p.src) && (isDigit(p.src[p.pos]) || p.src[p.pos] == '.') {
			p.pos++
		}
		return string(p.src[start:p.pos]), nil
	default:
		return "", p.errorf("expected a key, found %s", p.describe())
	}
}

// value parses any value at pos.
func (p *parser) value(depth int) (any, error) {
	c := p.peek()
	switch {
	case c == '{':
		m := map[string]any{}
		err := p.object(depth, func(key string, _ int, v any) { m[key] = v })
		return m, err
	case c == '[':
		return p.array(depth)
	case c == '"' || c == '\'':
		return p.str()
	case c == '-' || c == '+' || isDigit(c):
		return p.number()
	case isIdentStart(c):
		start, line, lineStart := p.pos, p.line, p.lineStart
		switch w := p.ident(); w {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null", "undefined":
			return nil, nil
		default:
			return nil, p.errorAt(start, line, lineStart, fmt.Sprintf("unexpected word %q where a value was expected", w))
		}
	case p.pos >= len(p.src):
		return nil, p.errorf("unexpected end of input where a value was expected")
	default:
		return nil, p.errorf("unexpected %s where a value was expected", p.describe())
	}
}

func (p *parser) array(depth int) ([]any, error) {
	if depth >= maxDepth {
		return nil, p.errorf("objects and arrays nested deeper than %d levels", maxDepth)
	}
	openLine, openStart, open := p.line, p.lineStart, p.pos
	p.pos++ // '['
	out := []any{}
	for {
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.pos >= len(p.src) {
			return nil, p.errorAt(open, openLine, openStart, "unterminated array: '[' is never closed")
		}
		if p.peek() == ']' {
			p.pos++
			return out, nil
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
		default:
			if p.pos >= len(p.src) {
				return nil, p.errorAt(open, openLine, openStart, "unterminated array: '[' is never closed")
			}
			return nil, p.errorf("expected ',' or ']' in array, found %s", p.describe())
		}
	}
}

// number reads a number in the JSON grammar, with an optional leading '+'.
func (p *parser) number() (json.Number, error) {
	start := p.pos
	if c := p.peek(); c == '+' || c == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
			p.pos++
			n++
		}
		return n
	}
	intStart := p.pos
	if digits() == 0 {
		return "", p.errorf("malformed number: expected a digit")
	}
	if p.src[intStart] == '0' && p.pos-intStart > 1 {
		return "", p.errorAt(intStart, p.line, p.lineStart, "malformed number: leading zero")
	}
	if p.peek() == '.' {
		p.pos++
		if digits() == 0 {
			return "", p.errorf("malformed number: expected a digit after '.'")
		}
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.pos++
		if c := p.peek(); c == '+' || c == '-' {
			p.pos++
		}
		if digits() == 0 {
			return "", p.errorf("malformed number: expected a digit in the exponent")
		}
	}
	if c := p.peek(); isIdentStart(c) || isDigit(c) {
		return "", p.errorf("malformed number: unexpected %s", p.describe())
	}
	s := string(p.src[start:p.pos])
	return json.Number(strings.TrimPrefix(s, "+")), nil
}

// str reads a single- or double-quoted string with JavaScript escapes.
func (p *parser) str() (string, error) {
	quote := p.src[p.pos]
	openLine, openStart, open := p.line, p.lineStart, p.pos
	p.pos++
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			return "", p.errorAt(open, openLine, openStart, "unterminated string")
		}
		c := p.src[p.pos]
		switch {
		case c == quote:
			p.pos++
			return b.String(), nil
		case c == '\n' || c == '\r':
			return "", p.errorAt(open, openLine, openStart, "unterminated string: line break inside the quotes")
		case c == '\\':
			if err := p.escape(&b); err != nil {
				return "", err
			}
		case c < 0x80:
			b.WriteByte(c)
			p.pos++
		default:
			r, n := utf8.DecodeRune(p.src[p.pos:])
			b.WriteRune(r) // an invalid byte becomes U+FFFD
			p.pos += n
		}
	}
}

// escape decodes the escape sequence at pos (which holds the backslash).
func (p *parser) escape(b *strings.Builder) error {
	at := p.pos
	p.pos++
	if p.pos >= len(p.src) {
		return p.errorAt(at, p.line, p.lineStart, "unterminated string")
	}
	c := p.src[p.pos]
	p.pos++
	switch c {
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'v':
		b.WriteByte('\v')
	case '0':
		if isDigit(p.peek()) {
			return p.errorAt(at, p.line, p.lineStart, "octal escape sequences are not supported")
		}
		b.WriteByte(0)
	case '\n':
		p.newline(p.pos) // line continuation
	case '\r':
		if p.peek() == '\n' {
			p.pos++
		}
		p.newline(p.pos)
	case 'x':
		v, ok := p.hex(2)
		if !ok {
			return p.errorAt(at, p.line, p.lineStart, `malformed \x escape: expected 2 hexadecimal digits`)
		}
		b.WriteRune(rune(v))
	case 'u':
		r, err := p.unicodeEscape(at)
		if err != nil {
			return err
		}
		b.WriteRune(r)
	default:
		if c >= 0x80 {
			r, n := utf8.DecodeRune(p.src[p.pos-1:])
			p.pos += n - 1
			if r == '\u2028' || r == '\u2029' {
				p.newline(p.pos)
				return nil
			}
			b.WriteRune(r)
			return nil
		}
		if isDigit(c) {
			return p.errorAt(at, p.line, p.lineStart, "octal escape sequences are not supported")
		}
		b.WriteByte(c) // \" \' \\ \/ and any other character stand for themselves
	}
	return nil
}

// unicodeEscape decodes \uXXXX (joining surrogate pairs) or \u{X…}; pos is
// just after the 'u'. Lone surrogates become U+FFFD.
func (p *parser) unicodeEscape(at int) (rune, error) {
	if p.peek() == '{' {
		p.pos++
		start := p.pos
		for p.pos < len(p.src) && p.src[p.pos] != '}' && p.pos-start <= 6 {
			p.pos++
		}
		v, err := strconv.ParseUint(string(p.src[start:p.pos]), 16, 32)
		if p.peek() != '}' || err != nil || v > utf8.MaxRune {
			return 0, p.errorAt(at, p.line, p.lineStart, `malformed \u{…} escape`)
		}
		p.pos++
		if v >= 0xD800 && v <= 0xDFFF {
			return utf8.RuneError, nil
		}
		return rune(v), nil
	}
	v, ok := p.hex(4)
	if !ok {
		return 0, p.errorAt(at, p.line, p.lineStart, `malformed \u escape: expected 4 hexadecimal digits`)
	}
	r := rune(v)
	switch {
	case r >= 0xD800 && r < 0xDC00:
		// high surrogate: join with a following \uDC00-\uDFFF
		if p.pos+6 <= len(p.src) && p.src[p.pos] == '\\' && p.src[p.pos+1] == 'u' {
			save := p.pos
			p.pos += 2
			if lo, ok := p.hex(4); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				return 0x10000 + (r-0xD800)<<10 + (rune(lo) - 0xDC00), nil
			}
			p.pos = save
		}
		return utf8.RuneError, nil
	case r >= 0xDC00 && r <= 0xDFFF:
		return utf8.RuneError, nil
	}
	return r, nil
}

// hex reads n hexadecimal digits.
func (p *parser) hex(n int) (uint64, bool) {
	if p.pos+n > len(p.src) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p.src[p.pos:p.pos+n]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.pos += n
	return v, true
}
