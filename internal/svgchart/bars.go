package svgchart

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"unicode/utf8"
)

// Geometry of a bar chart, in SVG units.
const (
	BarsWidth      = 640.0 // total width, or more when values are long (see valueWidth)
	BarsLabelWidth = 230.0 // column of labels, left of the bars
	BarsArea       = 330.0 // length of the longest bar
	barsRow        = 28.0  // height of a row
	barsThickness  = 18.0  // height of a bar
	barsPad        = 6.0   // margin above and below the rows
	barsLabelChars = 32    // longer labels are clipped (the data table has them whole)
)

// BarItem is one bar: a label, the value drawn to scale and the value as
// the page writes it (e.g. "12,5 %").
type BarItem struct {
	Label   string
	Value   float64
	Display string
}

// Bars is a horizontal bar chart.
type Bars struct {
	ID    string // unique in the page
	Title string
	// Desc is the text alternative; empty means "label : display" for
	// every bar.
	Desc  string
	Items []BarItem
}

// SVG draws the chart. Bars start at zero: with lo = min(0, smallest
// value) and hi = max(0, largest value), a value v is drawn from x(0) to
// x(v), where x(v) = BarsLabelWidth + (v-lo)/(hi-lo)*BarsArea, so lengths
// are proportional to values and the longest bar is BarsArea long.
func (c Bars) SVG() template.HTML {
	lo, hi := 0.0, 0.0
	labels := make([]string, len(c.Items))
	values := make([]string, len(c.Items))
	for i, it := range c.Items {
		lo, hi = math.Min(lo, it.Value), math.Max(hi, it.Value)
		labels[i], values[i] = it.Label, it.Display
	}
	if hi == lo {
		hi = lo + 1
	}
	x := func(v float64) float64 { return BarsLabelWidth + (v-lo)/(hi-lo)*BarsArea }
	desc := c.Desc
	if desc == "" {
		desc = describe(labels, values)
	}
	h := 2*barsPad + float64(len(c.Items))*barsRow
	var sb strings.Builder
	header(&sb, c.ID, "bars", max(BarsWidth, BarsLabelWidth+BarsArea+valueWidth(values)), h, c.Title, desc)
	x0 := x(0)
	for i, it := range c.Items {
		top := barsPad + float64(i)*barsRow
		xv := x(it.Value)
		fmt.Fprintf(&sb, `<text x="%s" y="%s" text-anchor="end" fill="%s">%s</text>`,
			num(BarsLabelWidth-8), num(top+barsRow/2+4), Ink, esc(clip(it.Label, barsLabelChars)))
		fmt.Fprintf(&sb, `<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
			num(math.Min(x0, xv)), num(top+(barsRow-barsThickness)/2), num(math.Abs(xv-x0)), num(barsThickness), Bar)
		fmt.Fprintf(&sb, `<text x="%s" y="%s" fill="%s">%s</text>`,
			num(math.Max(x0, xv)+5), num(top+barsRow/2+4), Ink, esc(it.Display))
	}
	fmt.Fprintf(&sb, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(x0), num(barsPad/2), num(x0), num(h-barsPad/2), Ink)
	return finish(&sb)
}

// valueWidth is room for the longest value written after a bar: about 7.5
// units a character at the charts' font size, and a margin.
func valueWidth(values []string) float64 {
	n := 0
	for _, v := range values {
		n = max(n, utf8.RuneCountInString(v))
	}
	return 12 + 7.5*float64(n)
}
