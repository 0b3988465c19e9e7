package web

import (
	"math"
	"strconv"
	"strings"
)

// frenchNumber formats v with French digit grouping and a decimal comma:
// integers as integers ("12 345"), other values with two decimals below 10
// and one above, trailing zeros dropped ("2,5", "0,75", "123,4").
func frenchNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return frenchInt(int64(v))
	}
	decimals := 1
	if math.Abs(v) < 10 {
		decimals = 2
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	whole, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(whole, 10, 64)
	out := frenchInt(n)
	if frac != "" {
		out += "," + frac
	}
	if v < 0 && out != "0" {
		out = "-" + out
	}
	return out
}

// isPercent reports whether an indicator's unit asks to show its values,
// shares in [0, 1], as percentages.
func isPercent(unit string) bool { return strings.TrimSpace(unit) == "%" }

// scaled is the value as shown for unit: ×100 for "%".
func scaled(v float64, unit string) float64 {
	if isPercent(unit) {
		return v * 100
	}
	return v
}

// valueText writes a value of an indicator with its unit: "12,5 %",
// "1 234 lieux" (a no-break space before the unit).
func valueText(v float64, unit string) string {
	s := frenchNumber(scaled(v, unit))
	if unit = strings.TrimSpace(unit); unit != "" {
		s += "\u00a0" + unit
	}
	return s
}
