package udata

import (
	"github.com/ligerdata/ligerdata/output"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// udataOnlyLicenses are udata licence ids with no Data Package
// equivalent, accepted as they are.
var udataOnlyLicenses = map[string]bool{"other-at": true, "other-open": true, "other-pd": true, "notspecified": true}

// LicenseID returns the udata licence id of a Data Package licence id
// (etalab-2.0 → lov2, odc-odbl → odc-odbl, cc-by-4.0 → cc-by, cc0-1.0 →
// cc-zero …) from the one licence table of package output, and false when
// the licence has no udata equivalent (a non-commercial licence, say). A
// udata id given as is is kept.
func LicenseID(id string) (string, bool) {
	key := strings.ToLower(strings.TrimSpace(id))
	if udataOnlyLicenses[key] {
		return key, true
	}
	l, ok := output.LicenseFor(key)
	if !ok || l.UdataID == "" || strings.HasPrefix(key, "http") {
		return "", false
	}
	return l.UdataID, true
}

// Frequencies are the update frequency ids udata accepts
// (udata/core/dataset/constants.py UPDATE_FREQUENCIES).
var Frequencies = []string{
	"unknown", "punctual", "continuous", "hourly", "fourTimesADay", "threeTimesADay",
	"semidaily", "daily", "fourTimesAWeek", "threeTimesAWeek", "semiweekly", "weekly",
	"biweekly", "threeTimesAMonth", "semimonthly", "monthly", "bimonthly", "quarterly",
	"threeTimesAYear", "semiannual", "annual", "biennial", "triennial", "quinquennial",
	"irregular",
}

// FrequencyFromCron returns the udata update frequency of a pipeline
// schedule: a standard 5-field cron expression (minute hour day-of-month
// month day-of-week, as robfig/cron ParseStandard reads it, optionally
// prefixed by CRON_TZ=… or TZ=…) or a descriptor (@hourly, @daily,
// @midnight, @weekly, @monthly, @yearly, @annually, @every <duration>).
// It says how often the data are refreshed: "hourly", "daily", "weekly",
// "monthly", "annual", the "N times a day/week/month/year" ids, "continuous"
// for more often than hourly; "unknown" for an empty, unparsable or
// irregular schedule. It never fails.
func FrequencyFromCron(expr string) string {
	expr = strings.TrimSpace(expr)
	if strings.HasPrefix(expr, "CRON_TZ=") || strings.HasPrefix(expr, "TZ=") {
		_, rest, ok := strings.Cut(expr, " ")
		if !ok {
			return "unknown"
		}
		expr = strings.TrimSpace(rest)
	}
	switch expr {
	case "":
		return "unknown"
	case "@yearly", "@annually":
		return "annual"
	case "@monthly":
		return "monthly"
	case "@weekly":
		return "weekly"
	case "@daily", "@midnight":
		return "daily"
	case "@hourly":
		return "hourly"
	}
	if d, ok := strings.CutPrefix(expr, "@every "); ok {
		dur, err := time.ParseDuration(strings.TrimSpace(d))
		if err != nil || dur <= 0 {
			return "unknown"
		}
		return frequencyOfPeriod(dur)
	}
	f := strings.Fields(expr)
	if len(f) != 5 {
		return "unknown"
	}
	minutes, ok1 := cronValues(f[0], 0, 59)
	hours, ok2 := cronValues(f[1], 0, 23)
	doms, ok3 := cronValues(f[2], 1, 31)
	months, ok4 := cronValues(f[3], 1, 12)
	days, ok5 := cronValues(f[4], 0, 7)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		return "unknown"
	}
	if days[7] { // 0 and 7 are both Sunday
		delete(days, 7)
		days[0] = true
	}
	dow := len(days)
	minute, hour, dom, month := len(minutes), len(hours), len(doms), len(months)
	domAll, monthAll, dowAll := dom == 31, month == 12, dow == 7
	if !domAll && !dowAll {
		return "irregular" // cron ORs the two day fields
	}
	if minute > 1 {
		if hour == 24 && domAll && monthAll && dowAll {
			return "continuous"
		}
		return "irregular"
	}
	switch {
	case hour == 24 && domAll && monthAll && dowAll:
		return "hourly"
	case hour == 24:
		return "irregular"
	case hour > 1:
		if domAll && monthAll && dowAll {
			return pick(hour, map[int]string{2: "semidaily", 3: "threeTimesADay", 4: "fourTimesADay"})
		}
		return "irregular"
	}
	// One run a day on the selected days.
	switch {
	case domAll && dowAll && monthAll:
		return "daily"
	case domAll && monthAll: // selected weekdays
		return pick(dow, map[int]string{1: "weekly", 2: "semiweekly", 3: "threeTimesAWeek", 4: "fourTimesAWeek"})
	case dowAll && monthAll: // selected days of the month
		return pick(dom, map[int]string{1: "monthly", 2: "semimonthly", 3: "threeTimesAMonth"})
	case dowAll && dom == 1: // selected months
		return pick(month, map[int]string{1: "annual", 2: "semiannual", 3: "threeTimesAYear", 4: "quarterly", 6: "bimonthly"})
	}
	return "irregular"
}

// pick returns names[n], or "irregular" when n has no name.
func pick(n int, names map[int]string) string {
	if s, ok := names[n]; ok {
		return s
	}
	return "irregular"
}

// frequencyOfPeriod maps a fixed period (@every) to a udata frequency.
func frequencyOfPeriod(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d < time.Hour:
		return "continuous"
	case d == time.Hour:
		return "hourly"
	case d == 6*time.Hour:
		return "fourTimesADay"
	case d == 8*time.Hour:
		return "threeTimesADay"
	case d == 12*time.Hour:
		return "semidaily"
	case d == day:
		return "daily"
	case d == 7*day:
		return "weekly"
	case d == 14*day:
		return "biweekly"
	}
	return "irregular"
}

// cronValues returns the values of [lo, hi] a cron field selects ("*",
// "?", "5", "1-5", "*/15", "5/10", "1,15"); names such as MON-FRI are not
// supported and report false, as do out-of-range or malformed parts.
func cronValues(field string, lo, hi int) (map[int]bool, bool) {
	seen := make(map[int]bool)
	for part := range strings.SplitSeq(field, ",") {
		rng, stepStr, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			s, err := strconv.Atoi(stepStr)
			if err != nil || s <= 0 {
				return nil, false
			}
			step = s
		}
		var from, to int
		switch {
		case rng == "*" || rng == "?":
			from, to = lo, hi
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			x, err1 := strconv.Atoi(a)
			y, err2 := strconv.Atoi(b)
			if err1 != nil || err2 != nil || x > y {
				return nil, false
			}
			from, to = x, y
		default:
			x, err := strconv.Atoi(rng)
			if err != nil {
				return nil, false
			}
			from, to = x, x
			if hasStep {
				to = hi
			}
		}
		if from < lo || to > hi {
			return nil, false
		}
		for v := from; v <= to; v += step {
			seen[v] = true
		}
	}
	return seen, len(seen) > 0
}

// tagOf turns a keyword into a udata-style tag: lower case, accents
// removed, runs of other characters than letters and digits replaced by a
// hyphen. Tags shorter than 3 or longer than 96 characters, which udata
// refuses, are dropped ("" is returned).
func tagOf(keyword string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(keyword)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	t := b.String()
	if n := len([]rune(t)); n < 3 || n > 96 {
		return ""
	}
	return t
}

// tagsOf returns the tags of keywords, deduplicated, in keyword order.
func tagsOf(keywords []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, k := range keywords {
		if t := tagOf(k); t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
