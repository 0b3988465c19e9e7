package schemas

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// fastTestPatterns are the patterns of the embedded schemas and others of
// the shapes the fast matcher takes or must refuse.
func fastTestPatterns(tb testing.TB) []string {
	tb.Helper()
	pats := []string{
		`^[a-zA-Z0-9]{9,14}$`,
		`^\d{5}$`,
		`^([013-9]\d|2[AB1-9])\d{3}$`,
		`^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$`,
		`(?:(?:^|\|)(Gratuit|Gratuit sous condition|Payant))+$`,
		`(?:(?:^|\|)(Itinérant|Fixe))+$`,
		`(?:(?:^|\|)(a|b||c))+$`,
		`(?:(?:^|;)(x|y|z|w|v|u|t|s|r|q|p|o|n|m|l|k|j|i))+`,
		`[a-z]+[0-9]*`,
		`[a-z]*[a-z0-9]`, // not deterministic: regexp
		`a?a`,            // not deterministic: regexp
		`(ab|abc)c`,      // not deterministic: regexp
		`(ab|abc)d`,
		`(a|ab)(c|bcd)`,
		`[A-Z]{3}PDL\d{3}[A-Z0-9]+`,
		`\d{4}-\d{2}`,
		`(44|49|53|72|85)\d{3}`,
		`\+33[1-9]\d{8}`,
		`[a-z][a-z0-9]*(-[a-z0-9]+)*-[0-9]{8}`,
		`10\.[0-9]{4,9}/\S+`,
		`\d{7}[A-Z]`,
		`A\d{2}`,
		`disc\d{2}`,
		`(?i)abc\d`,
		`[à-ü]+`,
		`x*`,
		`(a|)b?`,
		`^$`,
		`a^b`,
		`a$b`,
		`\x{FFFD}`,
		`(?:(?:^|\|)(\x{FFFD}|a))+$`,
		`[[:alpha:]]{2,}\.?`,
		`.{3}`,
	}
	for _, name := range []string{"lieux-mediation-numerique", "offre-touristique", "lycees-publics", "effectifs-etudiants", "insertion-professionnelle-master", "publication-hal"} {
		s, err := Load(name)
		if err != nil {
			tb.Fatal(err)
		}
		for _, f := range s.Fields {
			if f.Constraints.Pattern != "" {
				pats = append(pats, f.Constraints.Pattern)
			}
		}
	}
	return pats
}

func TestCompileFastPattern(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		fast    bool
	}{
		{"fixed digits", `^\d{5}$`, true},
		{"bounded class repeat", `^[a-zA-Z0-9]{9,14}$`, true},
		{"alternation of classes", `^([013-9]\d|2[AB1-9])\d{3}$`, true},
		{"prefixes then digits", `^(\+33|\+590|\+594|\+262)(\d){6,9}$`, true},
		{"delimited enumeration", `(?:(?:^|\|)(Gratuit|Gratuit sous condition|Payant))+$`, true},
		{"repeat overlapping what follows", `[a-z]*[a-z0-9]`, false},
		{"optional overlapping what follows", `a?a`, false},
		{"word extended by what follows", `(ab|abc)c`, false},
		{"case folding", `(?i)abc`, false},
		{"non-ASCII class", `[à-ü]+`, false},
		{"any character", `.{3}`, false},
		{"anchor inside", `a^b`, false},
		{"replacement character", `\x{FFFD}`, false},
		{"unbounded group", `[a-z][a-z0-9]*(-[a-z0-9]+)*-[0-9]{8}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compileFastPattern(`^(?:`+tt.pattern+`)$`) != nil
			if got != tt.fast {
				t.Fatalf("fast matcher for %q: %v, want %v", tt.pattern, got, tt.fast)
			}
		})
	}
}

func TestFastPatternMatches(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		cell    string
		want    bool
	}{
		{"pivot ok", `^[a-zA-Z0-9]{9,14}$`, "20000000000123", true},
		{"pivot too long", `^[a-zA-Z0-9]{9,14}$`, "200000000001234", false},
		{"pivot too short", `^[a-zA-Z0-9]{9,14}$`, "12345678", false},
		{"pivot bad byte", `^[a-zA-Z0-9]{9,14}$`, "1234567é9", false},
		{"postcode", `^\d{5}$`, "44000", true},
		{"postcode short", `^\d{5}$`, "4400", false},
		{"insee corsica", `^([013-9]\d|2[AB1-9])\d{3}$`, "2A004", true},
		{"insee bad", `^([013-9]\d|2[AB1-9])\d{3}$`, "20004", false},
		{"telephone", `^(\+33|\+590|\+594)(\d){6,9}$`, "+33240000000", true},
		{"telephone overseas", `^(\+33|\+590|\+594)(\d){6,9}$`, "+590123456", true},
		{"telephone unknown prefix", `^(\+33|\+590|\+594)(\d){6,9}$`, "+591123456", false},
		{"list one", `(?:(?:^|\|)(Gratuit|Gratuit sous condition|Payant))+$`, "Gratuit", true},
		{"list two", `(?:(?:^|\|)(Gratuit|Gratuit sous condition|Payant))+$`, "Gratuit sous condition|Payant", true},
		{"list leading bar", `(?:(?:^|\|)(Gratuit|Gratuit sous condition|Payant))+$`, "|Payant", true},
		{"list trailing bar", `(?:(?:^|\|)(Gratuit|Gratuit sous condition|Payant))+$`, "Payant|", false},
		{"list empty", `(?:(?:^|\|)(Gratuit|Payant))+$`, "", false},
		{"list unknown", `(?:(?:^|\|)(Gratuit|Payant))+$`, "Gratuit|Libre", false},
		{"list accents", `(?:(?:^|\|)(Itinérant|Fixe))+$`, "Fixe|Itinérant", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := compileFastPattern(`^(?:` + tt.pattern + `)$`)
			if m == nil {
				t.Fatalf("no fast matcher for %q", tt.pattern)
			}
			if got := m.match(tt.cell); got != tt.want {
				t.Fatalf("match(%q) = %v, want %v", tt.cell, got, tt.want)
			}
		})
	}
}

// randomCell builds a cell likely to be near the language of a pattern:
// pieces of the pattern's own literals, digits, letters, delimiters and
// invalid UTF-8.
func randomCell(r *rand.Rand, pattern string) string {
	var pieces []string
	for _, w := range strings.FieldsFunc(pattern, func(c rune) bool { return strings.ContainsRune(`()|^$?:*+\[]{}`, c) }) {
		pieces = append(pieces, w)
	}
	pieces = append(pieces, "0", "9", "12", "a", "Z", "A", "B", "2A", "+", "+33", "+590", "|", ";", " ", "-", ".", "é", "\xff", "\xef\xbf\xbd", "PDL", "disc")
	var b strings.Builder
	for n := r.IntN(8); n > 0; n-- {
		b.WriteString(pieces[r.IntN(len(pieces))])
		if r.IntN(3) == 0 {
			for k := r.IntN(12); k > 0; k-- {
				b.WriteByte("0123456789abcXYZ"[r.IntN(16)])
			}
		}
	}
	return b.String()
}

func TestFastPatternAgreesWithRegexp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, p := range fastTestPatterns(t) {
		anchored := `^(?:` + p + `)$`
		m := compileFastPattern(anchored)
		if m == nil {
			continue
		}
		re := regexp.MustCompile(anchored)
		for range 20000 {
			cell := randomCell(r, p)
			if got, want := m.match(cell), re.MatchString(cell); got != want {
				t.Fatalf("pattern %q, cell %q: fast %v, regexp %v", p, cell, got, want)
			}
		}
	}
}

func FuzzFastPattern(f *testing.F) {
	pats := fastTestPatterns(f)
	type compiled struct {
		re   *regexp.Regexp
		fast fastPattern
	}
	var cs []compiled
	for _, p := range pats {
		anchored := `^(?:` + p + `)$`
		if m := compileFastPattern(anchored); m != nil {
			cs = append(cs, compiled{regexp.MustCompile(anchored), m})
		}
	}
	for _, seed := range []string{"44000", "2A004", "+33240000000", "20000000000123", "Gratuit|Payant", "|Fixe", "Itinérant|", "abc-12345678", "\xff", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, cell string) {
		for _, c := range cs {
			if got, want := c.fast.match(cell), c.re.MatchString(cell); got != want {
				t.Fatalf("pattern %q, cell %q: fast %v, regexp %v", c.re.String(), cell, got, want)
			}
		}
	})
}
