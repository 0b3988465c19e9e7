package pipelines

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/geo"
)

func reflectValue(p any) reflect.Value { return reflect.ValueOf(p).Elem() }

// transform is one named step of a field mapping. A step that cannot
// convert a value returns what to publish instead (usually "") and a
// warning that keeps the original.
type transform func(string) (string, *cellWarning)

// plainTransform is a step that always succeeds.
type plainTransform func(string) string

// Transforms lists the transform names a field mapping may use, with the
// help printed by `ligerdata lint --help-transforms` and the docs.
var Transforms = map[string]string{
	"trim":             "remove leading and trailing spaces (always applied first)",
	"upper":            "upper-case",
	"lower":            "lower-case",
	"collapse":         "replace runs of white space (newlines included) by one space",
	"strip_html":       "remove HTML tags and decode entities; <br> and </p> become spaces",
	"phone_fr":         "French phone number to the international form +33XXXXXXXXX; a value that is not a French number is kept as is",
	"digits":           "keep digits only",
	"url":              "prefix http:// to a bare www. address; keep anything else as is",
	"truncate:N":       "cut to N characters, ending with … when cut (give the full text to another field)",
	"replace:A:B":      "replace every A by B",
	"opening_hours_fr": "French opening hours (\"du lundi au vendredi 9h-12h\") to the OpenStreetMap opening_hours syntax; a value it cannot convert is not published and is kept as a warning",
}

func parseTransform(spec string) (transform, error) {
	if spec == "opening_hours_fr" {
		return openingHoursFR, nil
	}
	f, err := parsePlainTransform(spec)
	if err != nil {
		return nil, err
	}
	return func(s string) (string, *cellWarning) { return f(s), nil }, nil
}

func parsePlainTransform(spec string) (plainTransform, error) {
	name, arg, _ := strings.Cut(spec, ":")
	switch name {
	case "trim":
		return strings.TrimSpace, nil
	case "upper":
		return strings.ToUpper, nil
	case "lower":
		return strings.ToLower, nil
	case "collapse":
		return collapseSpace, nil
	case "strip_html":
		return stripHTML, nil
	case "phone_fr":
		return phoneFR, nil
	case "digits":
		return func(s string) string {
			return strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, s)
		}, nil
	case "url":
		return func(s string) string {
			if strings.HasPrefix(strings.ToLower(s), "www.") {
				return "http://" + s
			}
			return s
		}, nil
	case "truncate":
		n, err := strconv.Atoi(arg)
		if err != nil || n < 2 {
			return nil, errors.New("truncate demande une longueur d'au moins 2, par exemple truncate:280")
		}
		return func(s string) string { return truncate(s, n) }, nil
	case "replace":
		from, to, ok := strings.Cut(arg, ":")
		if !ok || from == "" {
			return nil, errors.New("replace demande deux arguments, par exemple replace:;:|")
		}
		return func(s string) string { return strings.ReplaceAll(s, from, to) }, nil
	}
	names := make([]string, 0, len(Transforms))
	for n := range Transforms {
		names = append(names, strings.SplitN(n, ":", 2)[0])
	}
	sort.Strings(names)
	return nil, fmt.Errorf("transformation inconnue « %s » (connues : %s)", spec, strings.Join(names, ", "))
}

var (
	spaceRun = regexp.MustCompile(`\s+`)
	htmlTag  = regexp.MustCompile(`(?s)<[^>]*>`)
	breakTag = regexp.MustCompile(`(?i)<br\s*/?>|</p>|</div>|</li>`)
)

func collapseSpace(s string) string { return strings.TrimSpace(spaceRun.ReplaceAllString(s, " ")) }

func stripHTML(s string) string {
	s = breakTag.ReplaceAllString(s, " ")
	s = htmlTag.ReplaceAllString(s, "")
	return collapseSpace(html.UnescapeString(s))
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:n-1]), unicode.IsSpace) + "…"
}

// phoneInText finds a French phone number inside a longer text, such as
// "02 40 00 00 00 (accueil mairie)".
var phoneInText = regexp.MustCompile(`(?:\+33\s?(?:\(0\))?|0033\s?|0)\s*[1-9](?:[\s.\-]*\d{2}){4}`)

// phoneFR writes a French number as +33 followed by nine digits. Overseas
// numbers already in international form are kept. When the text holds a
// comment beside one number, the number is kept; anything else is left as
// is, for the schema to reject with the value shown to the steward.
func phoneFR(s string) string {
	if p := phoneDigits(s); p != s {
		return p
	}
	if m := phoneInText.FindAllString(s, 2); len(m) == 1 {
		if p := phoneDigits(m[0]); p != m[0] {
			return p
		}
	}
	return s
}

func phoneDigits(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '/' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return s
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "+33") && len(d) == 12:
		return d
	case strings.HasPrefix(d, "+330") && len(d) == 13:
		return "+33" + d[4:]
	case strings.HasPrefix(d, "0033") && len(d) == 13:
		return "+33" + d[4:]
	case strings.HasPrefix(d, "0") && len(d) == 10:
		return "+33" + d[1:]
	case strings.HasPrefix(d, "+"):
		return d
	}
	return s
}

// stringOf renders a source value as the text a schema cell holds.
func stringOf(v any, sep string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			if s := strings.TrimSpace(stringOf(e, sep)); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, sep)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
}

// apply fills one cell from a record, with the warning of a transform that
// could not convert the value (nil when none).
func (fm *FieldMap) apply(rec map[string]any, runDate string) (string, *cellWarning) {
	sep := fm.Separator
	if sep == "" {
		sep = "|"
	}
	var s string
	if fm.Value != "" {
		s = strings.ReplaceAll(fm.Value, "{{run_date}}", runDate)
	} else {
		for _, from := range fm.From {
			if s = strings.TrimSpace(stringOf(rec[from], sep)); s != "" {
				break
			}
		}
	}
	if fm.re != nil && s != "" {
		m := fm.re.FindStringSubmatch(s)
		switch {
		case m == nil:
			s = ""
		case len(m) > 1:
			s = m[1]
		default:
			s = m[0]
		}
	}
	s = strings.TrimSpace(s)
	var warn *cellWarning
	for _, step := range fm.steps {
		var w *cellWarning
		if s, w = step(s); w != nil && warn == nil {
			warn = w
		}
	}
	if fm.Map != nil && s != "" {
		if parts := strings.Split(s, sep); len(parts) > 1 {
			for i, p := range parts {
				parts[i] = fm.mapOne(p)
			}
			s = joinNonEmpty(parts, sep)
		} else {
			s = fm.mapOne(s)
		}
	}
	if s != "" && fm.Prefix != "" {
		s = fm.Prefix + s
	}
	if s == "" {
		s = strings.ReplaceAll(fm.Default, "{{run_date}}", runDate)
	}
	return s, warn
}

func (fm *FieldMap) mapOne(s string) string {
	if v, ok := fm.Map[s]; ok {
		return v
	}
	if fm.Otherwise != nil {
		return *fm.Otherwise
	}
	return s
}

func joinNonEmpty(parts []string, sep string) string {
	out := parts[:0]
	seen := map[string]bool{}
	for _, p := range parts {
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// joinRow is one row of a complement table, by column name.
type joinRow map[string]string

// loadJoin reads a complement CSV (comma or semicolon, UTF-8, header line)
// keyed by its Key column. Duplicate keys are an error: a steward must know
// which line wins.
func loadJoin(fsys fs.FS, j JoinSpec) (map[string]joinRow, error) {
	f, err := fsys.Open(j.File)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", j.File, err)
	}
	data = []byte(strings.TrimPrefix(string(data), "\ufeff"))
	r := csv.NewReader(strings.NewReader(string(data)))
	if first, _, _ := strings.Cut(string(data), "\n"); strings.Count(first, ";") > strings.Count(first, ",") {
		r.Comma = ';'
	}
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", j.File, err)
	}
	keyCol := -1
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
		if header[i] == j.Key {
			keyCol = i
		}
	}
	if keyCol < 0 {
		return nil, fmt.Errorf("%s : aucune colonne « %s » (colonnes : %s)", j.File, j.Key, strings.Join(header, ", "))
	}
	rows := map[string]joinRow{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", j.File, err)
		}
		line, _ := r.FieldPos(0)
		key := strings.TrimSpace(rec[keyCol])
		if _, dup := rows[key]; dup {
			return nil, fmt.Errorf("%s : ligne %d : la clé « %s » apparaît deux fois", j.File, line, key)
		}
		row := joinRow{}
		for i, h := range header {
			row[h] = strings.TrimSpace(rec[i])
		}
		rows[key] = row
	}
	return rows, nil
}

// enrich adds the join tables' columns to a record. Columns the record
// already has non-empty are left alone: the source wins over complements.
func (def *Definition) enrich(rec connectors.Record) {
	for i, j := range def.Join {
		key := strings.TrimSpace(stringOf(rec.Fields[j.Key], "|"))
		row, ok := def.joins[i][key]
		if !ok {
			continue
		}
		for k, v := range row {
			if strings.TrimSpace(stringOf(rec.Fields[k], "|")) == "" {
				rec.Fields[k] = v
			}
		}
	}
}

// communeStats counts INSEE resolutions for the run manifest.
type communeStats struct {
	Resolved   int            `json:"resolved"`
	Unresolved int            `json:"unresolved"`
	Reasons    map[string]int `json:"reasons,omitempty"`
}

// resolveCommune fills the INSEE code (and a missing postal code when the
// commune has only one) from the reference table of communes.
func (def *Definition) resolveCommune(cells []string, st *communeStats) {
	c := def.Communes
	if c == nil {
		return
	}
	ts := def.TableSchema
	pi, ni, ii := ts.FieldIndex(c.PostalCode), ts.FieldIndex(c.Name), ts.FieldIndex(c.INSEE)
	if cells[ii] != "" {
		return
	}
	m, err := geo.Resolve(cells[pi], cells[ni])
	if err != nil {
		st.Unresolved++
		if st.Reasons == nil {
			st.Reasons = map[string]int{}
		}
		var re *geo.ResolveError
		reason := err.Error()
		if errors.As(err, &re) {
			reason = re.Reason
		}
		st.Reasons[reason]++
		return
	}
	st.Resolved++
	cells[ii] = m.Commune.INSEE
	if cells[pi] == "" && len(m.Commune.PostalCodes) == 1 {
		cells[pi] = m.Commune.PostalCodes[0]
	}
}
