package schemas

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// Fast matchers for the simple patterns that schemas use most: codes and
// identifiers (`^\d{5}$`, `^[a-zA-Z0-9]{9,14}$`, `^(\+33|\+590)\d{6,9}$`,
// `^([013-9]\d|2[AB1-9])\d{3}$`) and delimited enumerations
// (`(?:(?:^|\|)(Fixe|Itinérant))+$`). compileFastPattern analyses the
// syntax tree of the anchored pattern once, at Parse time; a pattern it
// cannot prove it matches exactly like package regexp gets no fast matcher
// and is run by regexp.
//
// Sequence patterns are an anchored sequence of steps over ASCII bytes: a
// literal, a character class repeated between min and max times, or a
// finite set of strings (an alternation, kept as a trie). They are only
// accepted when each step's choice is forced by the next input byte
// (greedy matching is then exact, with no backtracking): a repeat whose
// class shares no byte with what may follow it (or of fixed count), a trie
// whose words that are prefixes of longer words are never followed by the
// byte that extends them.

// fastPattern reports whether a cell matches a pattern, exactly as the
// anchored regexp would.
type fastPattern interface {
	match(s string) bool
}

// Limits of what the analysis expands.
const (
	fastMaxWords   = 256 // strings of a finite alternation
	fastMaxWordLen = 256
	fastMaxNodes   = 1024 // trie nodes
	fastMaxSteps   = 32
	fastMaxClass   = 64 // characters of a class expanded into a finite set
)

// compileFastPattern returns the fast matcher of the anchored pattern src
// (as compiled by compileField: `^(?:pattern)$`), or nil.
func compileFastPattern(src string) fastPattern {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil
	}
	var items []*syntax.Regexp
	flattenConcat(re, &items)
	// Leading ^ and trailing $: required, and nowhere else.
	begin, end := 0, len(items)
	for begin < end && items[begin].Op == syntax.OpBeginText {
		begin++
	}
	for end > begin && items[end-1].Op == syntax.OpEndText {
		end--
	}
	if begin == 0 || end == len(items) {
		return nil
	}
	items = items[begin:end]
	if m := compileListPattern(items); m != nil {
		return m
	}
	return compileSeqPattern(items)
}

// flattenConcat appends the elements of nested concatenations and
// non-capturing groups or captures of concatenations.
func flattenConcat(re *syntax.Regexp, out *[]*syntax.Regexp) {
	switch re.Op {
	case syntax.OpConcat:
		for _, s := range re.Sub {
			flattenConcat(s, out)
		}
	case syntax.OpCapture:
		if re.Sub[0].Op == syntax.OpConcat {
			flattenConcat(re.Sub[0], out)
			return
		}
		*out = append(*out, re)
	default:
		*out = append(*out, re)
	}
}

func uncapture(re *syntax.Regexp) *syntax.Regexp {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	return re
}

// finiteLanguage returns every string re matches when that set is finite
// and small (ascii: only ASCII characters allowed). U+FFFD is refused:
// regexp matches it against any invalid UTF-8 byte.
func finiteLanguage(re *syntax.Regexp, ascii bool) ([]string, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []string{""}, true
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		for _, r := range re.Rune {
			if r == utf8.RuneError || (ascii && r >= utf8.RuneSelf) || r > utf8.MaxRune || r < 0 {
				return nil, false
			}
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi-lo >= fastMaxClass || len(out) > fastMaxClass {
				return nil, false
			}
			for r := lo; r <= hi; r++ {
				if r == utf8.RuneError || (ascii && r >= utf8.RuneSelf) || r > utf8.MaxRune || (r >= 0xD800 && r <= 0xDFFF) {
					return nil, false
				}
				out = append(out, string(r))
			}
		}
		return out, len(out) <= fastMaxClass
	case syntax.OpCapture:
		return finiteLanguage(re.Sub[0], ascii)
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			l, ok := finiteLanguage(s, ascii)
			if !ok || len(out)+len(l) > fastMaxWords {
				return nil, false
			}
			out = append(out, l...)
		}
		return out, true
	case syntax.OpConcat:
		out := []string{""}
		for _, s := range re.Sub {
			l, ok := finiteLanguage(s, ascii)
			if !ok || len(out)*len(l) > fastMaxWords {
				return nil, false
			}
			next := make([]string, 0, len(out)*len(l))
			for _, a := range out {
				for _, b := range l {
					if len(a)+len(b) > fastMaxWordLen {
						return nil, false
					}
					next = append(next, a+b)
				}
			}
			out = next
		}
		return out, true
	case syntax.OpQuest:
		l, ok := finiteLanguage(re.Sub[0], ascii)
		if !ok || len(l)+1 > fastMaxWords {
			return nil, false
		}
		return append([]string{""}, l...), true
	}
	return nil, false
}

// listPattern matches a delimited enumeration: `(?:(?:^|D)(A|B|…))+` where
// D is one ASCII byte found in none of the words. Its language is an
// optional D followed by words of the set separated by D.
type listPattern struct {
	delim byte
	words []string            // small sets, compared in turn
	set   map[string]struct{} // larger sets
}

func compileListPattern(items []*syntax.Regexp) fastPattern {
	if len(items) != 1 || items[0].Op != syntax.OpPlus {
		return nil
	}
	body := uncapture(items[0].Sub[0])
	if body.Op != syntax.OpConcat || len(body.Sub) != 2 {
		return nil
	}
	sep := body.Sub[0]
	if sep.Op != syntax.OpAlternate || len(sep.Sub) != 2 {
		return nil
	}
	a, b := sep.Sub[0], sep.Sub[1]
	if a.Op != syntax.OpBeginText {
		a, b = b, a
	}
	if a.Op != syntax.OpBeginText || b.Op != syntax.OpLiteral || len(b.Rune) != 1 || b.Rune[0] >= utf8.RuneSelf ||
		b.Flags&syntax.FoldCase != 0 {
		return nil
	}
	d := byte(b.Rune[0])
	words, ok := finiteLanguage(body.Sub[1], false)
	if !ok || len(words) == 0 {
		return nil
	}
	for _, w := range words {
		if strings.IndexByte(w, d) >= 0 {
			return nil
		}
	}
	m := &listPattern{delim: d}
	if len(words) <= 16 {
		m.words = words
	} else {
		m.set = make(map[string]struct{}, len(words))
		for _, w := range words {
			m.set[w] = struct{}{}
		}
	}
	return m
}

func (m *listPattern) has(w string) bool {
	if m.set != nil {
		_, ok := m.set[w]
		return ok
	}
	for _, x := range m.words {
		if x == w {
			return true
		}
	}
	return false
}

func (m *listPattern) match(s string) bool {
	if len(s) > 0 && s[0] == m.delim {
		s = s[1:]
	}
	for {
		i := strings.IndexByte(s, m.delim)
		if i < 0 {
			return m.has(s)
		}
		if !m.has(s[:i]) {
			return false
		}
		s = s[i+1:]
	}
}

// byteSet is a set of bytes.
type byteSet [4]uint64

func (b *byteSet) add(c byte)      { b[c>>6] |= 1 << (c & 63) }
func (b *byteSet) has(c byte) bool { return b[c>>6]&(1<<(c&63)) != 0 }
func (b *byteSet) union(o byteSet) {
	b[0], b[1], b[2], b[3] = b[0]|o[0], b[1]|o[1], b[2]|o[2], b[3]|o[3]
}
func (b *byteSet) meets(o byteSet) bool { return b[0]&o[0]|b[1]&o[1]|b[2]&o[2]|b[3]&o[3] != 0 }

const (
	stepLit = iota
	stepRepeat
	stepTrie
)

// seqStep is one step of a sequence pattern.
type seqStep struct {
	kind     int
	lit      string  // stepLit
	class    byteSet // stepRepeat
	min, max int     // stepRepeat; max -1 when unbounded
	trie     []trieNode
}

// trieNode is a node of an ASCII trie; next[c] is the index of the child
// for byte c (0: none; the root is node 0 and never a child).
type trieNode struct {
	next  [128]uint16
	final bool
}

// seqPattern matches an anchored sequence of deterministic steps.
type seqPattern struct {
	steps []seqStep
}

// asciiClass returns the byte set of a character class (or a one-rune
// literal) made only of ASCII characters.
func asciiClass(re *syntax.Regexp) (byteSet, bool) {
	var set byteSet
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) != 1 || re.Flags&syntax.FoldCase != 0 || re.Rune[0] < 0 || re.Rune[0] >= utf8.RuneSelf {
			return set, false
		}
		set.add(byte(re.Rune[0]))
		return set, true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if lo < 0 || hi >= utf8.RuneSelf {
				return set, false
			}
			for r := lo; r <= hi; r++ {
				set.add(byte(r))
			}
		}
		return set, true
	}
	return set, false
}

func compileSeqPattern(items []*syntax.Regexp) fastPattern {
	var steps []seqStep
	for _, it := range items {
		it = uncapture(it)
		if it.Op == syntax.OpEmptyMatch {
			continue
		}
		if len(steps) >= fastMaxSteps {
			return nil
		}
		if it.Op == syntax.OpLiteral && it.Flags&syntax.FoldCase == 0 {
			lit, ok := finiteLanguage(it, true)
			if !ok {
				return nil
			}
			steps = append(steps, seqStep{kind: stepLit, lit: lit[0]})
			continue
		}
		if set, ok := asciiClass(it); ok {
			steps = append(steps, seqStep{kind: stepRepeat, class: set, min: 1, max: 1})
			continue
		}
		switch it.Op {
		case syntax.OpRepeat, syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
			if set, ok := asciiClass(uncapture(it.Sub[0])); ok {
				st := seqStep{kind: stepRepeat, class: set}
				switch it.Op {
				case syntax.OpRepeat:
					st.min, st.max = it.Min, it.Max
				case syntax.OpStar:
					st.min, st.max = 0, -1
				case syntax.OpPlus:
					st.min, st.max = 1, -1
				case syntax.OpQuest:
					st.min, st.max = 0, 1
				}
				if st.min < 0 || (st.max >= 0 && st.max < st.min) {
					return nil
				}
				steps = append(steps, st)
				continue
			}
		}
		words, ok := finiteLanguage(it, true)
		if !ok {
			return nil
		}
		trie, ok := buildTrie(words)
		if !ok {
			return nil
		}
		steps = append(steps, seqStep{kind: stepTrie, trie: trie})
	}
	// Determinism: what may follow each step must not be a possible
	// continuation of that step.
	var follow byteSet // first bytes of what may follow step i (the end aside)
	for i := len(steps) - 1; i >= 0; i-- {
		st := &steps[i]
		var first byteSet
		nullable := false
		switch st.kind {
		case stepLit:
			first.add(st.lit[0])
		case stepRepeat:
			if st.min != st.max && st.class.meets(follow) {
				return nil
			}
			first, nullable = st.class, st.min == 0
		case stepTrie:
			for _, n := range st.trie {
				if !n.final {
					continue
				}
				for c, nx := range n.next {
					if nx != 0 && follow.has(byte(c)) {
						return nil
					}
				}
			}
			for c, nx := range st.trie[0].next {
				if nx != 0 {
					first.add(byte(c))
				}
			}
			nullable = st.trie[0].final
		}
		if nullable {
			follow.union(first)
		} else {
			follow = first
		}
	}
	return &seqPattern{steps: steps}
}

func buildTrie(words []string) ([]trieNode, bool) {
	nodes := []trieNode{{}}
	for _, w := range words {
		n := 0
		for i := 0; i < len(w); i++ {
			c := w[i]
			if c >= utf8.RuneSelf {
				return nil, false
			}
			if nodes[n].next[c] == 0 {
				if len(nodes) >= fastMaxNodes {
					return nil, false
				}
				nodes = append(nodes, trieNode{})
				nodes[n].next[c] = uint16(len(nodes) - 1)
			}
			n = int(nodes[n].next[c])
		}
		nodes[n].final = true
	}
	return nodes, true
}

func (m *seqPattern) match(s string) bool {
	pos := 0
	for i := range m.steps {
		st := &m.steps[i]
		switch st.kind {
		case stepLit:
			if !strings.HasPrefix(s[pos:], st.lit) {
				return false
			}
			pos += len(st.lit)
		case stepRepeat:
			k := 0
			for pos+k < len(s) && (st.max < 0 || k < st.max) && st.class.has(s[pos+k]) {
				k++
			}
			if k < st.min {
				return false
			}
			pos += k
		case stepTrie:
			n := 0
			for pos < len(s) {
				c := s[pos]
				if c >= utf8.RuneSelf {
					break
				}
				nx := st.trie[n].next[c]
				if nx == 0 {
					break
				}
				n = int(nx)
				pos++
			}
			if !st.trie[n].final {
				return false
			}
		}
	}
	return pos == len(s)
}
