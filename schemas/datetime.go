package schemas

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dtToken is one piece of a compiled strptime pattern: a literal or a
// directive letter.
type dtToken struct {
	lit string
	dir byte
}

// dtPattern is a compiled strptime pattern.
type dtPattern struct {
	src    string
	tokens []dtToken
}

// dtParts are the components read from a cell.
type dtParts struct {
	year, month, day, yday    int
	hour, min, sec, nsec      int
	offset                    int // seconds east of UTC
	hasTZ, pm, hasPM, hour12  bool
	hasYear, hasMonth, hasDay bool
	hasYDay                   bool
}

const dtDirectives = "YmdyHIMSfzbBaApjTF%"

// compileDT compiles a strptime pattern (a "fmt:" prefix, from early
// frictionless versions, is accepted).
func compileDT(pattern string) (*dtPattern, error) {
	p := &dtPattern{src: pattern}
	src := strings.TrimPrefix(pattern, "fmt:")
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.tokens = append(p.tokens, dtToken{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c != '%' {
			lit.WriteByte(c)
			continue
		}
		if i+1 >= len(src) {
			return nil, fmt.Errorf("pattern %q ends with %%", pattern)
		}
		i++
		d := src[i]
		switch {
		case d == '%':
			lit.WriteByte('%')
		case d == 'T':
			flush()
			p.tokens = append(p.tokens, dtToken{dir: 'H'}, dtToken{lit: ":"}, dtToken{dir: 'M'}, dtToken{lit: ":"}, dtToken{dir: 'S'})
		case d == 'F':
			flush()
			p.tokens = append(p.tokens, dtToken{dir: 'Y'}, dtToken{lit: "-"}, dtToken{dir: 'm'}, dtToken{lit: "-"}, dtToken{dir: 'd'})
		case strings.IndexByte(dtDirectives, d) >= 0:
			flush()
			p.tokens = append(p.tokens, dtToken{dir: d})
		default:
			return nil, fmt.Errorf("pattern %q: unsupported directive %%%c", pattern, d)
		}
	}
	flush()
	if len(p.tokens) == 0 {
		return nil, fmt.Errorf("empty pattern %q", pattern)
	}
	return p, nil
}

var monthNames = []struct {
	name  string
	month int
}{
	// Longest first so that "juillet" wins over "juil.", "june" over "jun".
	{"septembre", 9}, {"september", 9}, {"novembre", 11}, {"november", 11}, {"décembre", 12},
	{"december", 12}, {"february", 2}, {"février", 2}, {"janvier", 1}, {"january", 1},
	{"juillet", 7}, {"octobre", 10}, {"october", 10}, {"august", 8}, {"avril", 4}, {"april", 4},
	{"march", 3}, {"sept.", 9}, {"janv.", 1}, {"févr.", 2}, {"juil.", 7}, {"août", 8},
	{"juin", 6}, {"june", 6}, {"july", 7}, {"mars", 3}, {"avr.", 4}, {"oct.", 10}, {"nov.", 11},
	{"déc.", 12}, {"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4}, {"may", 5}, {"mai", 5},
	{"jun", 6}, {"jul", 7}, {"aug", 8}, {"sep", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12},
}

var dayNames = []string{
	"wednesday", "thursday", "saturday", "mercredi", "dimanche", "tuesday", "samedi", "vendredi",
	"monday", "friday", "sunday", "lundi", "mardi", "jeudi", "mon", "tue", "wed", "thu", "fri",
	"sat", "sun", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.",
}

var englishMonths = [...]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// hasFoldPrefix reports whether s starts with prefix, ignoring ASCII and
// simple Unicode case.
func hasFoldPrefix(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	return strings.EqualFold(s[:len(prefix)], prefix)
}

// readNum reads between min and max digits.
func readNum(s string, min, max int) (int, string, bool) {
	n, i := 0, 0
	for i < len(s) && i < max && isDigit(s[i]) {
		n = n*10 + int(s[i]-'0')
		i++
	}
	if i < min {
		return 0, s, false
	}
	return n, s[i:], true
}

// parse reads s with the pattern; the whole string must be consumed.
func (p *dtPattern) parse(s string) (dtParts, bool) {
	var r dtParts
	var ok bool
	for _, t := range p.tokens {
		if t.dir == 0 {
			if !strings.HasPrefix(s, t.lit) {
				return r, false
			}
			s = s[len(t.lit):]
			continue
		}
		switch t.dir {
		case 'Y':
			r.year, s, ok = readNum(s, 4, 4)
			r.hasYear = true
		case 'y':
			r.year, s, ok = readNum(s, 2, 2)
			if r.year < 69 {
				r.year += 2000
			} else {
				r.year += 1900
			}
			r.hasYear = true
		case 'm':
			r.month, s, ok = readNum(s, 1, 2)
			r.hasMonth = true
		case 'd':
			r.day, s, ok = readNum(s, 1, 2)
			r.hasDay = true
		case 'j':
			r.yday, s, ok = readNum(s, 1, 3)
			r.hasYDay = true
		case 'H':
			r.hour, s, ok = readNum(s, 1, 2)
		case 'I':
			r.hour, s, ok = readNum(s, 1, 2)
			r.hour12 = true
		case 'M':
			r.min, s, ok = readNum(s, 1, 2)
		case 'S':
			r.sec, s, ok = readNum(s, 1, 2)
		case 'f':
			start := len(s)
			r.nsec, s, ok = readNum(s, 1, 9)
			for n := start - len(s); n < 9; n++ {
				r.nsec *= 10
			}
		case 'p':
			ok = false
			if hasFoldPrefix(s, "AM") {
				r.hasPM, ok, s = true, true, s[2:]
			} else if hasFoldPrefix(s, "PM") {
				r.hasPM, r.pm, ok, s = true, true, true, s[2:]
			}
		case 'z':
			r.offset, s, ok = readOffset(s)
			r.hasTZ = true
		case 'b', 'B':
			ok = false
			for _, m := range monthNames {
				if hasFoldPrefix(s, m.name) {
					r.month, s, ok = m.month, s[len(m.name):], true
					r.hasMonth = true
					break
				}
			}
		case 'a', 'A':
			ok = false
			for _, d := range dayNames {
				if hasFoldPrefix(s, d) {
					s, ok = s[len(d):], true
					break
				}
			}
		}
		if !ok {
			return r, false
		}
	}
	if s != "" {
		return r, false
	}
	if r.hour12 {
		if r.hour < 1 || r.hour > 12 {
			return r, false
		}
		if r.hour == 12 {
			r.hour = 0
		}
		if r.pm {
			r.hour += 12
		}
	}
	return r, true
}

// readOffset reads Z, ±HH, ±HHMM or ±HH:MM.
func readOffset(s string) (int, string, bool) {
	if strings.HasPrefix(s, "Z") {
		return 0, s[1:], true
	}
	if s == "" || (s[0] != '+' && s[0] != '-') {
		return 0, s, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	h, rest, ok := readNum(s[1:], 2, 2)
	if !ok || h > 23 {
		return 0, s, false
	}
	m := 0
	if strings.HasPrefix(rest, ":") {
		m, rest, ok = readNum(rest[1:], 2, 2)
		if !ok {
			return 0, s, false
		}
	} else if len(rest) >= 2 && isDigit(rest[0]) {
		m, rest, ok = readNum(rest, 2, 2)
		if !ok {
			return 0, s, false
		}
	}
	if m > 59 {
		return 0, s, false
	}
	return sign * (h*3600 + m*60), rest, true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// date returns the calendar date of the parts, checking it exists.
func (r *dtParts) date() (time.Time, bool) {
	y, m, d := r.year, r.month, r.day
	if !r.hasYear {
		return time.Time{}, false
	}
	if r.hasYDay && !r.hasMonth && !r.hasDay {
		t := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.yday-1)
		if r.yday < 1 || t.Year() != y {
			return time.Time{}, false
		}
		return t, true
	}
	if !r.hasMonth {
		m = 1
	}
	if !r.hasDay {
		d = 1
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
}

func (r *dtParts) clockOK() bool {
	return r.hour >= 0 && r.hour <= 23 && r.min >= 0 && r.min <= 59 && r.sec >= 0 && r.sec <= 59
}

func (r *dtParts) clock() time.Duration {
	return time.Duration(r.hour)*time.Hour + time.Duration(r.min)*time.Minute +
		time.Duration(r.sec)*time.Second + time.Duration(r.nsec)
}

func (r *dtParts) datetime() (time.Time, bool) {
	d, ok := r.date()
	if !ok || !r.clockOK() {
		return time.Time{}, false
	}
	t := d.Add(r.clock() - time.Duration(r.offset)*time.Second)
	if t.Year() < 0 || t.Year() > 9999 {
		return time.Time{}, false
	}
	return t, true
}

// Default and "any" patterns.
var (
	isoDate      = mustDT("%Y-%m-%d")
	isoDateTimes = []*dtPattern{mustDT("%Y-%m-%dT%H:%M:%S"), mustDT("%Y-%m-%dT%H:%M:%S%z"),
		mustDT("%Y-%m-%dT%H:%M:%S.%f"), mustDT("%Y-%m-%dT%H:%M:%S.%f%z")}
	isoTimes = []*dtPattern{mustDT("%H:%M:%S"), mustDT("%H:%M:%S.%f"), mustDT("%H:%M:%S%z"), mustDT("%H:%M:%S.%f%z")}
	// The "any" formats read day-first dates (French usage) before ISO ones.
	anyDates = []*dtPattern{isoDate, mustDT("%d/%m/%Y"), mustDT("%Y/%m/%d"), mustDT("%d-%m-%Y"),
		mustDT("%d.%m.%Y"), mustDT("%Y%m%d"), mustDT("%d/%m/%y"), mustDT("%d %B %Y"), mustDT("%d %b %Y"),
		mustDT("%Y-%m-%dT%H:%M:%S"), mustDT("%Y-%m-%dT%H:%M:%S%z"), mustDT("%Y-%m-%d %H:%M:%S")}
	anyTimes = append(append([]*dtPattern{}, isoTimes...), mustDT("%H:%M"), mustDT("%Hh%M"), mustDT("%I:%M %p"), mustDT("%I:%M:%S %p"))
)

func init() {
	var dts []*dtPattern
	for _, d := range []string{"%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d", "%d-%m-%Y", "%d.%m.%Y"} {
		for _, t := range []string{"T%H:%M:%S", "T%H:%M:%S%z", "T%H:%M:%S.%f", "T%H:%M:%S.%f%z", " %H:%M:%S", " %H:%M:%S%z", " %H:%M", "T%H:%M", "T%H:%M%z"} {
			dts = append(dts, mustDT(d+t))
		}
	}
	anyDateTimes = dts
}

var anyDateTimes []*dtPattern

func mustDT(p string) *dtPattern {
	c, err := compileDT(p)
	if err != nil {
		panic(err)
	}
	return c
}

// fastISODate reads YYYY-MM-DD without going through the generic parser.
func fastISODate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	for i := 0; i < 10; i++ {
		if i != 4 && i != 7 && !isDigit(s[i]) {
			return time.Time{}, false
		}
	}
	y := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	m := int(s[5]-'0')*10 + int(s[6]-'0')
	d := int(s[8]-'0')*10 + int(s[9]-'0')
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
}

// expectFromPattern spells a strptime pattern the French way (JJ/MM/AAAA).
func expectFromPattern(p string) string {
	r := strings.NewReplacer("fmt:", "", "%Y", "AAAA", "%y", "AA", "%m", "MM", "%d", "JJ", "%H", "hh",
		"%I", "hh", "%M", "mm", "%S", "ss", "%f", "ffffff", "%z", "±hh:mm", "%b", "mois", "%B", "mois",
		"%a", "jour", "%A", "jour", "%p", "AM/PM", "%j", "jjj", "%T", "hh:mm:ss", "%F", "AAAA-MM-JJ", "%%", "%")
	return r.Replace(p)
}

func buildDateTimeCaster(typ, format string, problems *[]string) castSpec {
	switch typ {
	case "date":
		spec := castSpec{what: "une date valide", expect: "AAAA-MM-JJ"}
		switch {
		case isDefault(format):
			spec.cast = func(s string) (Value, bool) {
				t, ok := fastISODate(s)
				if !ok {
					return nil, false
				}
				return t, true
			}
		case format == "any":
			spec.expect = "AAAA-MM-JJ ou JJ/MM/AAAA"
			spec.cast = func(s string) (Value, bool) {
				for _, p := range anyDates {
					if r, ok := p.parse(s); ok {
						if t, ok := r.date(); ok && r.clockOK() {
							return t, true
						}
					}
				}
				return nil, false
			}
		default:
			p, err := compileDT(format)
			if err != nil {
				*problems = append(*problems, err.Error())
				return castSpec{cast: castString}
			}
			spec.dt = p
			spec.expect = expectFromPattern(format)
			spec.cast = func(s string) (Value, bool) {
				r, ok := p.parse(s)
				if !ok || !r.clockOK() {
					return nil, false
				}
				t, ok := r.date()
				if !ok {
					return nil, false
				}
				return t, true
			}
		}
		return spec
	case "datetime":
		spec := castSpec{what: "une date et heure valide", expect: "AAAA-MM-JJThh:mm:ssZ ou AAAA-MM-JJThh:mm:ss±hh:mm"}
		var pats []*dtPattern
		switch {
		case isDefault(format):
			pats = isoDateTimes
		case format == "any":
			pats = anyDateTimes
			spec.expect = "AAAA-MM-JJThh:mm:ss ou JJ/MM/AAAA hh:mm:ss"
		default:
			p, err := compileDT(format)
			if err != nil {
				*problems = append(*problems, err.Error())
				return castSpec{cast: castString}
			}
			spec.dt = p
			spec.expect = expectFromPattern(format)
			pats = []*dtPattern{p}
		}
		spec.cast = func(s string) (Value, bool) {
			for _, p := range pats {
				if r, ok := p.parse(s); ok {
					if t, ok := r.datetime(); ok {
						return t, true
					}
				}
			}
			return nil, false
		}
		return spec
	default: // time
		spec := castSpec{what: "une heure valide", expect: "hh:mm:ss"}
		var pats []*dtPattern
		switch {
		case isDefault(format):
			pats = isoTimes
		case format == "any":
			pats = anyTimes
			spec.expect = "hh:mm:ss ou hh:mm"
		default:
			p, err := compileDT(format)
			if err != nil {
				*problems = append(*problems, err.Error())
				return castSpec{cast: castString}
			}
			spec.dt = p
			spec.expect = expectFromPattern(format)
			pats = []*dtPattern{p}
		}
		spec.cast = func(s string) (Value, bool) {
			for _, p := range pats {
				if r, ok := p.parse(s); ok && r.clockOK() {
					d := r.clock() - time.Duration(r.offset)*time.Second
					d = ((d % (24 * time.Hour)) + 24*time.Hour) % (24 * time.Hour)
					return d, true
				}
			}
			return nil, false
		}
		return spec
	}
}

// formatTime writes t (UTC) with the field's format; "any" and default use
// the ISO forms.
func formatTime(typ, format string, t time.Time) string {
	t = t.UTC()
	if isDefault(format) || format == "any" {
		switch typ {
		case "date":
			return t.Format("2006-01-02")
		case "time":
			if t.Nanosecond() != 0 {
				return t.Format("15:04:05.999999999")
			}
			return t.Format("15:04:05")
		default:
			if t.Nanosecond() != 0 {
				return t.Format("2006-01-02T15:04:05.999999999Z")
			}
			return t.Format("2006-01-02T15:04:05Z")
		}
	}
	p, err := compileDT(format)
	if err != nil {
		return t.Format(time.RFC3339Nano)
	}
	var b strings.Builder
	pad := func(n, w int) {
		s := strconv.Itoa(n)
		for i := len(s); i < w; i++ {
			b.WriteByte('0')
		}
		b.WriteString(s)
	}
	for _, tok := range p.tokens {
		if tok.dir == 0 {
			b.WriteString(tok.lit)
			continue
		}
		switch tok.dir {
		case 'Y':
			pad(t.Year(), 4)
		case 'y':
			pad(t.Year()%100, 2)
		case 'm':
			pad(int(t.Month()), 2)
		case 'd':
			pad(t.Day(), 2)
		case 'j':
			pad(t.YearDay(), 3)
		case 'H':
			pad(t.Hour(), 2)
		case 'I':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			pad(h, 2)
		case 'p':
			if t.Hour() >= 12 {
				b.WriteString("PM")
			} else {
				b.WriteString("AM")
			}
		case 'M':
			pad(t.Minute(), 2)
		case 'S':
			pad(t.Second(), 2)
		case 'f':
			pad(t.Nanosecond(), 9)
		case 'z':
			b.WriteString("+00:00")
		case 'b':
			b.WriteString(englishMonths[t.Month()])
		case 'B':
			b.WriteString(t.Month().String())
		case 'a':
			b.WriteString(t.Weekday().String()[:3])
		case 'A':
			b.WriteString(t.Weekday().String())
		}
	}
	return b.String()
}
