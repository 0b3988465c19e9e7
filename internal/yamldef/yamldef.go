// Package yamldef decodes definition files (pipelines, indicators) from YAML
// strictly: unknown keys (with a "did you mean" suggestion), wrong kinds and
// bad scalars are all collected with their position, never only the first,
// and reported as `file:line:col: path: message`. Messages are read by data
// stewards, so they are in French (see messages_fr.go); key names stay as
// written in the file.
package yamldef

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Error is one problem in a definition file, with its position.
type Error struct {
	File string
	Line int
	Col  int
	Path string // dotted key path, e.g. "source.url" or "fields.nom.transform[1]"
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one or more definition files. Its
// Error lists them one per line, sorted by file and position.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Add appends the problems of err, the error of loading file (Errors or
// any error, which is then one problem of the file), and reports whether
// there were any.
func (es *Errors) Add(file string, err error) bool {
	if err == nil {
		return false
	}
	var des Errors
	if errors.As(err, &des) {
		*es = append(*es, des...)
	} else {
		*es = append(*es, &Error{File: file, Msg: err.Error()})
	}
	return true
}

// Sort orders the problems by file and position.
func (es Errors) Sort() {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Decoder fills Go structs from a YAML node tree strictly: unknown keys,
// wrong kinds and bad scalars are all collected, never only the first.
// Struct fields are matched by their `yaml` tag; a `required` option in the
// tag makes a missing key an error.
type Decoder struct {
	File string
	Errs Errors
	// LookupEnv resolves ${VAR} in strings; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// Expanded lists, in the order met, "path=value" for every string
	// that held a ${VAR} reference, after expansion: a digest of the file
	// alone would not change with the environment.
	Expanded []string
}

// Errorf records a problem at node n (nil: no position).
func (d *Decoder) Errorf(n *yaml.Node, path, format string, args ...any) {
	e := &Error{File: d.File, Path: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	d.Errs = append(d.Errs, e)
}

var (
	durationType = reflect.TypeOf(time.Duration(0))
	nodeType     = reflect.TypeOf(yaml.Node{})
)

// Decode stores node into v (a settable value) and records problems.
func (d *Decoder) Decode(n *yaml.Node, path string, v reflect.Value) {
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		n = n.Content[0]
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if v.Type() == nodeType {
		v.Set(reflect.ValueOf(*n))
		return
	}
	if v.Kind() == reflect.Pointer {
		if n.Tag == "!!null" {
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.Decode(n, path, v.Elem())
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, path, v)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.Errorf(n, path, "%s", msgExpected("une table de clés", n))
			return
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key := reflect.New(v.Type().Key()).Elem()
			d.Decode(k, path, key)
			elem := reflect.New(v.Type().Elem()).Elem()
			if old := v.MapIndex(key); old.IsValid() {
				d.Errorf(k, JoinPath(path, k.Value), "%s", msgDuplicateKey(k.Value))
				continue
			}
			d.Decode(val, JoinPath(path, k.Value), elem)
			v.SetMapIndex(key, elem)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			// A single scalar where a list is expected is accepted as a
			// one-item list: `keywords: tourisme` reads naturally.
			if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
				elem := reflect.New(v.Type().Elem()).Elem()
				d.Decode(n, path+"[0]", elem)
				v.Set(reflect.Append(reflect.MakeSlice(v.Type(), 0, 1), elem))
				return
			}
			if n.Tag == "!!null" {
				return
			}
			d.Errorf(n, path, "%s", msgExpected("une liste", n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.Decode(c, fmt.Sprintf("%s[%d]", path, i), s.Index(i))
		}
		v.Set(s)
	default:
		d.decodeScalar(n, path, v)
	}
}

func (d *Decoder) decodeStruct(n *yaml.Node, path string, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		if n.Tag == "!!null" {
			return
		}
		d.Errorf(n, path, "%s", msgExpected("une table de clés", n))
		return
	}
	t := v.Type()
	type fieldInfo struct {
		index    int
		required bool
	}
	fields := map[string]fieldInfo{}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		fields[name] = fieldInfo{index: i, required: strings.Contains(opts, "required")}
		names = append(names, name)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		fi, ok := fields[k.Value]
		if !ok {
			d.Errorf(k, JoinPath(path, k.Value), "clé inconnue « %s »%s", k.Value, Suggest(k.Value, names))
			continue
		}
		if seen[k.Value] {
			d.Errorf(k, JoinPath(path, k.Value), "%s", msgDuplicateKey(k.Value))
			continue
		}
		seen[k.Value] = true
		d.Decode(val, JoinPath(path, k.Value), v.Field(fi.index))
	}
	for _, name := range names {
		if fields[name].required && !seen[name] {
			d.Errorf(n, JoinPath(path, name), "valeur manquante pour « %s » (clé obligatoire)", name)
		}
	}
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)

// Expand replaces ${VAR} and ${VAR:-default} in s. An unset variable
// without a default is an error; "$${" escapes a literal "${".
func (d *Decoder) Expand(n *yaml.Node, path, s string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	lookup := d.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	const esc = "\x00lit\x00"
	s = strings.ReplaceAll(s, "$${", esc)
	s = envRef.ReplaceAllStringFunc(s, func(ref string) string {
		m := envRef.FindStringSubmatch(ref)
		if val, ok := lookup(m[1]); ok && val != "" {
			return val
		}
		if m[2] != "" {
			return m[3]
		}
		d.Errorf(n, path, "la variable d'environnement %s n'est pas définie (écrire ${%s:-valeur} pour donner une valeur par défaut)", m[1], m[1])
		return ""
	})
	s = strings.ReplaceAll(s, esc, "${")
	d.Expanded = append(d.Expanded, path+"="+s)
	return s
}

func (d *Decoder) decodeScalar(n *yaml.Node, path string, v reflect.Value) {
	if n.Kind != yaml.ScalarNode {
		d.Errorf(n, path, "%s", msgExpected(typeName(v.Type()), n))
		return
	}
	if n.Tag == "!!null" {
		return
	}
	s := d.Expand(n, path, n.Value)
	if v.Type() == durationType {
		dur, err := time.ParseDuration(s)
		if err != nil || dur < 0 {
			d.Errorf(n, path, "durée invalide « %s » (exemples : 30s, 5m, 1h30m)", s)
			return
		}
		v.SetInt(int64(dur))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil || (n.Tag != "!!bool" && n.Tag != "!!str") {
			d.Errorf(n, path, "true ou false attendu, trouvé « %s »", s)
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v.OverflowInt(i) {
			d.Errorf(n, path, "nombre entier attendu, trouvé « %s »", s)
			return
		}
		v.SetInt(i)
	case reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			d.Errorf(n, path, "nombre attendu, trouvé « %s »", s)
			return
		}
		v.SetFloat(f)
	default:
		d.Errorf(n, path, "valeur impossible à lire ici (type interne %s)", v.Type())
	}
}

// JoinPath appends key to a dotted path.
func JoinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// EditDistance is the Levenshtein distance between a and b.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Parse parses data into a node tree, turning a syntax error into a
// positioned Error.
func Parse(file string, data []byte) (*yaml.Node, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return nil, Errors{{File: file, Msg: "YAML illisible (détail technique : " + strings.Join(te.Errors, "; ") + ")"}}
		}
		// yaml.v3 syntax errors read "yaml: line N: message".
		msg := err.Error()
		line := 0
		if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
			if num, tail, ok := strings.Cut(rest, ": "); ok {
				if l, err := strconv.Atoi(num); err == nil {
					line, msg = l, tail
				}
			}
		}
		return nil, Errors{{File: file, Line: line, Col: 1, Msg: "YAML invalide : " + yamlSyntaxFR(strings.TrimPrefix(msg, "yaml: "))}}
	}
	return &root, nil
}

// ValueNode returns the value of key in mapping n, or nil.
func ValueNode(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// KeyNode returns the key node of key in mapping n, or nil.
func KeyNode(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}

// SeqItem returns item i of sequence n, or n itself when there is no such item.
func SeqItem(n *yaml.Node, i int) *yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode || i >= len(n.Content) {
		return n
	}
	return n.Content[i]
}
