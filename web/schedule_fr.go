package web

import (
	"strconv"
	"strings"
)

var weekdaysFR = []string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}

// scheduleFrench describes a five-field cron expression in French words:
// "chaque lundi à 4 h 45", "chaque jour à 4 h 15", "le 1er de chaque mois
// à 6 h 00", "toutes les 10 minutes". An expression it cannot put in words
// is quoted: "selon l'expression cron « 5 4 1-7 * 1 »".
func scheduleFrench(expr, timezone string) string {
	s := describeCron(expr)
	if s == "" {
		s = "selon l'expression cron « " + expr + " »"
	}
	if timezone != "" && timezone != "Europe/Paris" {
		s += " (fuseau " + timezone + ")"
	}
	return s
}

func describeCron(expr string) string {
	switch expr {
	case "@hourly":
		return "chaque heure"
	case "@daily", "@midnight":
		return "chaque jour à 0 h 00"
	case "@weekly":
		return "chaque dimanche à 0 h 00"
	case "@monthly":
		return "le 1er de chaque mois à 0 h 00"
	}
	f := strings.Fields(expr)
	if len(f) != 5 {
		return ""
	}
	min, hour, dom, month, dow := f[0], f[1], f[2], f[3], f[4]
	if month != "*" {
		return ""
	}
	if hour == "*" && dom == "*" && dow == "*" {
		switch {
		case min == "*":
			return "chaque minute"
		case strings.HasPrefix(min, "*/"):
			if n, err := strconv.Atoi(min[2:]); err == nil && n > 0 {
				return "toutes les " + strconv.Itoa(n) + " minutes"
			}
		default:
			if m, ok := cronNumber(min, 59); ok {
				return "chaque heure à la minute " + strconv.Itoa(m)
			}
		}
		return ""
	}
	at := clock(min, hour)
	if at == "" {
		return ""
	}
	switch {
	case dom == "*" && dow == "*":
		return "chaque jour à " + at
	case dom == "*":
		days := weekdays(dow)
		if days == "" {
			return ""
		}
		return "chaque " + days + " à " + at
	case dow == "*":
		d, ok := cronNumber(dom, 31)
		if !ok || d == 0 {
			return ""
		}
		day := strconv.Itoa(d)
		if d == 1 {
			day = "1er"
		}
		return "le " + day + " de chaque mois à " + at
	}
	return ""
}

// clock writes hours and minutes as "4 h 45"; several hours as
// "4 h 45 et 16 h 45".
func clock(min, hour string) string {
	m, ok := cronNumber(min, 59)
	if !ok {
		return ""
	}
	var parts []string
	for _, h := range strings.Split(hour, ",") {
		n, ok := cronNumber(h, 23)
		if !ok {
			return ""
		}
		parts = append(parts, strconv.Itoa(n)+" h "+twoDigits(m))
	}
	return joinFrench(parts)
}

// weekdays writes "1-5" as "jour de semaine (du lundi au vendredi)" and
// "1,4" as "lundi et jeudi".
func weekdays(dow string) string {
	if dow == "1-5" {
		return "jour de la semaine (du lundi au vendredi)"
	}
	var names []string
	for _, d := range strings.Split(dow, ",") {
		n, ok := cronNumber(d, 7)
		if !ok {
			return ""
		}
		names = append(names, weekdaysFR[n])
	}
	return joinFrench(names)
}

func cronNumber(s string, max int) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && n <= max
}

// joinFrench joins "a", "b", "c" as "a, b et c".
func joinFrench(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " et " + items[len(items)-1]
}
