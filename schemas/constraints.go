package schemas

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// compiledField is everything Parse prepares for one field: its caster and
// its constraint checks. It is read-only once built.
type compiledField struct {
	name string
	typ  string
	spec castSpec

	missing      []string
	missingEmpty bool // missing is exactly [""]

	required bool
	unique   bool
	inPK     bool

	lengthKind     int // 0 none, 1 runes (string values), 2 items (list, array, object)
	minLen, maxLen int // -1 when absent
	pattern        *regexp.Regexp
	fastPattern    fastPattern // nil when the pattern has no fast matcher (see compileFastPattern)
	patternSrc     string
	patternText    string // patternSrc in French words, "" when too complex
	enum           map[string]struct{}
	enumText       string
	enumTexts      []string // the allowed values as written, for hints
	bounds         [4]Value // minimum, maximum, exclusiveMinimum, exclusiveMaximum; nil when absent
	boundNames     [4]string
	boundTexts     [4]string
	hasBounds      bool

	item *compiledField // arrayItem of an array field

	replace *strings.Replacer // of Field.Replace; nil when none
}

const (
	lenNone = iota
	lenRunes
	lenItems
)

var orderedTypes = map[string]bool{
	"number": true, "integer": true, "date": true, "datetime": true, "time": true,
	"year": true, "yearmonth": true,
}

func compileField(f *Field, schemaMissing []string) (*compiledField, []string) {
	typ := f.Type
	if typ == "" {
		typ = "string"
	}
	spec, problems := buildCaster(f)
	cf := &compiledField{name: f.Name, typ: typ, spec: spec, minLen: -1, maxLen: -1}
	cf.missing = schemaMissing
	if f.MissingValues != nil {
		cf.missing = f.MissingValues
	}
	cf.missingEmpty = len(cf.missing) == 1 && cf.missing[0] == ""
	c := &f.Constraints
	cf.required = c.Required
	cf.unique = c.Unique

	switch typ {
	case "string", "any":
		cf.lengthKind = lenRunes
	case "list", "array", "object":
		cf.lengthKind = lenItems
	}
	for _, l := range []struct {
		name string
		v    *int
		dst  *int
	}{{"minLength", c.MinLength, &cf.minLen}, {"maxLength", c.MaxLength, &cf.maxLen}} {
		if l.v == nil {
			continue
		}
		if cf.lengthKind == lenNone {
			problems = append(problems, fmt.Sprintf("contrainte %s non prise en charge par le type %s", l.name, typ))
			continue
		}
		if *l.v < 0 {
			problems = append(problems, fmt.Sprintf("contrainte %s négative", l.name))
			continue
		}
		*l.dst = *l.v
	}
	if cf.minLen >= 0 && cf.maxLen >= 0 && cf.minLen > cf.maxLen {
		problems = append(problems, "minLength est plus grand que maxLength")
	}

	if c.Pattern != "" {
		anchored := `^(?:` + c.Pattern + `)$`
		re, err := regexp.Compile(anchored)
		if err != nil {
			problems = append(problems, fmt.Sprintf("motif (pattern) « %s » invalide (détail technique : %v)", c.Pattern, err))
		} else {
			cf.pattern, cf.patternSrc, cf.patternText = re, c.Pattern, patternWords(c.Pattern)
			cf.fastPattern = compileFastPattern(anchored)
		}
	}

	problems = append(problems, compileReplace(cf, f)...)
	problems = append(problems, compileArrayItem(cf, f, schemaMissing)...)
	if len(problems) > 0 {
		// Without a working caster the value constraints cannot be cast.
		return cf, problems
	}

	if c.Enum != nil {
		cf.enum = make(map[string]struct{}, len(c.Enum))
		var texts []string
		var key []byte
		for _, raw := range c.Enum {
			v, ok := castDescriptorValue(typ, spec, raw)
			if !ok {
				problems = append(problems, fmt.Sprintf("la valeur d'enum %v n'est pas valide pour le type %s", raw, typ))
				continue
			}
			key = appendKey(key[:0], v)
			cf.enum[string(key)] = struct{}{}
			texts = append(texts, (&Field{Type: typ, Format: f.Format, DecimalChar: f.DecimalChar}).FormatValue(v))
		}
		cf.enumText = joinLimited(texts, 12)
		cf.enumTexts = texts
	}

	names := [4]string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
	raws := [4]any{c.Minimum, c.Maximum, c.ExclusiveMinimum, c.ExclusiveMaximum}
	for i, raw := range raws {
		if raw == nil {
			continue
		}
		if !orderedTypes[typ] {
			problems = append(problems, fmt.Sprintf("contrainte %s non prise en charge par le type %s", names[i], typ))
			continue
		}
		v, ok := castDescriptorValue(typ, spec, raw)
		if !ok {
			problems = append(problems, fmt.Sprintf("la contrainte %s %v n'est pas valide pour le type %s", names[i], raw, typ))
			continue
		}
		if typ == "number" {
			if iv, isInt := v.(int64); isInt {
				v = float64(iv)
			}
		}
		cf.bounds[i] = v
		cf.boundNames[i] = names[i]
		cf.boundTexts[i] = (&Field{Type: typ, Format: f.Format, DecimalChar: f.DecimalChar}).FormatValue(v)
		if typ == "number" { // a French sentence: "−2,65", not "-2.65"
			cf.boundTexts[i] = strings.NewReplacer(".", ",", "-", "−").Replace(cf.boundTexts[i])
		}
		cf.hasBounds = true
	}
	return cf, problems
}

// compileArrayItem compiles the arrayItem of an array field: a field
// descriptor without a name, of any type but array, whose constraints apply
// to each item (unique is meaningless there and refused).
func compileArrayItem(cf *compiledField, f *Field, schemaMissing []string) []string {
	if f.ArrayItem == nil {
		return nil
	}
	if cf.typ != "array" {
		return []string{fmt.Sprintf("arrayItem applies to array, not %s", cf.typ)}
	}
	item := *f.ArrayItem
	var problems []string
	if item.Name != "" {
		problems = append(problems, "arrayItem : name n'est pas permis")
	}
	if item.Type == "array" || item.ArrayItem != nil {
		problems = append(problems, "arrayItem : listes imbriquées non prises en charge")
	}
	if item.Constraints.Unique {
		problems = append(problems, "arrayItem : contrainte unique non prise en charge")
	}
	item.Name = f.Name + " (élément)"
	ic, errs := compileField(&item, schemaMissing)
	for _, e := range errs {
		problems = append(problems, "arrayItem : "+e)
	}
	cf.item = ic
	return problems
}

func joinLimited(items []string, max int) string {
	quoted := make([]string, 0, max+1)
	for i, s := range items {
		if i == max {
			quoted = append(quoted, fmt.Sprintf("… (%d valeurs au total)", len(items)))
			break
		}
		quoted = append(quoted, "« "+s+" »")
	}
	return strings.Join(quoted, ", ")
}

// isMissing reports whether the cell is one of the field's missing values.
func (cf *compiledField) isMissing(cell string) bool {
	if cf.missingEmpty {
		return cell == ""
	}
	for _, m := range cf.missing {
		if cell == m {
			return true
		}
	}
	return false
}

// lengthSurelyIn reports whether a string value is known to satisfy the
// field's minLength and maxLength from its size in bytes alone: a string
// of b bytes has at least b/4 and at most b characters (an invalid byte
// counting as one). False means "count them".
func lengthSurelyIn(cf *compiledField, v Value) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	b := len(s)
	return (cf.maxLen < 0 || b <= cf.maxLen) && (cf.minLen < 0 || b/4 >= cf.minLen)
}

// length measures a value for minLength/maxLength.
func length(v Value) int {
	switch x := v.(type) {
	case string:
		return utf8.RuneCountInString(x)
	case []Value:
		return len(x)
	case json.RawMessage:
		var items []json.RawMessage
		if json.Unmarshal(x, &items) == nil {
			return len(items)
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(x, &obj) == nil {
			return len(obj)
		}
	}
	return 0
}

// compare orders two logical values of the same type; ok is false when
// they cannot be ordered.
func compare(a, b Value) (int, bool) {
	switch x := a.(type) {
	case int64:
		switch y := b.(type) {
		case int64:
			return cmp3(x < y, x > y), true
		case float64:
			return cmp3(float64(x) < y, float64(x) > y), true
		}
	case float64:
		switch y := b.(type) {
		case float64:
			if math.IsNaN(x) || math.IsNaN(y) {
				return 0, false
			}
			return cmp3(x < y, x > y), true
		case int64:
			return cmp3(x < float64(y), x > float64(y)), true
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y), true
		}
	case time.Duration:
		if y, ok := b.(time.Duration); ok {
			return cmp3(x < y, x > y), true
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), true
		}
	}
	return 0, false
}

func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}

// appendKey appends an unambiguous binary encoding of v, used for enum
// membership and for unique/primary-key hashing.
func appendKey(b []byte, v Value) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, 'n')
	case string:
		b = append(b, 's')
		b = binary.AppendUvarint(b, uint64(len(x)))
		return append(b, x...)
	case int64:
		return binary.LittleEndian.AppendUint64(append(b, 'i'), uint64(x))
	case float64:
		if x == 0 {
			x = 0 // -0 == 0
		}
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			// integral numbers compare equal to the same integer
			return binary.LittleEndian.AppendUint64(append(b, 'i'), uint64(int64(x)))
		}
		if math.IsNaN(x) {
			x = math.NaN()
		}
		return binary.LittleEndian.AppendUint64(append(b, 'f'), math.Float64bits(x))
	case bool:
		if x {
			return append(b, 'b', 1)
		}
		return append(b, 'b', 0)
	case time.Time:
		b = binary.LittleEndian.AppendUint64(append(b, 't'), uint64(x.Unix()))
		return binary.LittleEndian.AppendUint32(b, uint32(x.Nanosecond()))
	case time.Duration:
		return binary.LittleEndian.AppendUint64(append(b, 'd'), uint64(x))
	case [2]float64:
		b = binary.LittleEndian.AppendUint64(append(b, 'g'), math.Float64bits(x[0]))
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(x[1]))
	case json.RawMessage:
		b = append(b, 'j')
		b = binary.AppendUvarint(b, uint64(len(x)))
		return append(b, x...)
	case []Value:
		b = append(b, 'l')
		b = binary.AppendUvarint(b, uint64(len(x)))
		for _, e := range x {
			b = appendKey(b, e)
		}
		return b
	}
	s := fmt.Sprint(v)
	b = append(b, '?')
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// compileReplace builds the replacer of x-ligerdata-replace, its pairs in
// key order so that overlapping keys always resolve the same way.
func compileReplace(cf *compiledField, f *Field) []string {
	if len(f.Replace) == 0 {
		return nil
	}
	keys := make([]string, 0, len(f.Replace))
	for k := range f.Replace {
		if k == "" {
			return []string{"x-ligerdata-replace: empty key"}
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		pairs = append(pairs, k, f.Replace[k])
	}
	cf.replace = strings.NewReplacer(pairs...)
	return nil
}
