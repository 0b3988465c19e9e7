package svgchart

import (
	"fmt"
	"html/template"
	"strings"
)

// Geometry of a time series chart, in SVG units.
const (
	LinesWidth  = 640.0
	LinesLeft   = 70.0  // room for the tick labels of the value axis
	LinesRight  = 36.0  // margin right of the last period (half a period label)
	LinesTop    = 14.0  // margin above the plot
	LinesHeight = 220.0 // height of the plot area
	linesBottom = 34.0  // room for the period labels
	linesLegend = 22.0  // height of a legend line (when there are two series or more)
	linesTicks  = 4     // about this many steps on the value axis
	linesLabels = 10    // at most this many period labels
)

// Point is one value of a series at a period ("2021", "2024-T1"…).
type Point struct {
	Period  string
	Value   float64
	Display string
}

// Series is a named sequence of points.
type Series struct {
	Name   string
	Points []Point
}

// Lines is a time series chart with one or more series.
type Lines struct {
	ID     string
	Title  string
	Desc   string // empty: every series and point is listed
	Series []Series
	// Periods are the periods of the horizontal axis, in order; empty
	// means the periods of the series, in order of first appearance.
	Periods []string
	// Format writes the tick values of the vertical axis.
	Format func(float64) string
}

// SVG draws the chart. The vertical axis runs from lo to hi (0 and every
// value included, rounded outwards to a step of 1, 2 or 5 × 10^k); a value
// v is at y(v) = LinesTop + (hi-v)/(hi-lo)*LinesHeight. Period i of n is at
// x = LinesLeft + i*(LinesWidth-LinesLeft-LinesRight)/(n-1) (centred when
// n = 1). Series differ by colour and dash pattern and are named in a
// legend when there are several.
func (c Lines) SVG() template.HTML {
	periods, index := c.periods()
	var all []float64
	for _, s := range c.Series {
		for _, p := range s.Points {
			all = append(all, p.Value)
		}
	}
	lo, hi, step := extent(all, linesTicks)
	y := func(v float64) float64 { return LinesTop + (hi-v)/(hi-lo)*LinesHeight }
	plotW := LinesWidth - LinesLeft - LinesRight
	x := func(i int) float64 {
		if len(periods) < 2 {
			return LinesLeft + plotW/2
		}
		return LinesLeft + float64(i)*plotW/float64(len(periods)-1)
	}
	legend := 0.0
	if len(c.Series) > 1 {
		legend = float64(len(c.Series)) * linesLegend
	}
	h := LinesTop + LinesHeight + linesBottom + legend
	var sb strings.Builder
	header(&sb, c.ID, "lines", LinesWidth, h, c.Title, c.desc())
	format := c.Format
	if format == nil {
		format = func(v float64) string { return num(v) }
	}
	for v := lo; v <= hi+step/2; v += step {
		fmt.Fprintf(&sb, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(LinesLeft), num(y(v)), num(LinesWidth-LinesRight), num(y(v)), Grid)
		fmt.Fprintf(&sb, `<text x="%s" y="%s" text-anchor="end" fill="%s">%s</text>`, num(LinesLeft-6), num(y(v)+4), Muted, esc(format(v)))
	}
	every := (len(periods) + linesLabels - 1) / linesLabels
	for i, p := range periods {
		if i%every == 0 || i == len(periods)-1 {
			fmt.Fprintf(&sb, `<text x="%s" y="%s" text-anchor="middle" fill="%s">%s</text>`, num(x(i)), num(LinesTop+LinesHeight+20), Muted, esc(p))
		}
	}
	fmt.Fprintf(&sb, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(LinesLeft), num(y(0)), num(LinesWidth-LinesRight), num(y(0)), Ink)
	for k, s := range c.Series {
		st := seriesStyles[k%len(seriesStyles)]
		var pts []string
		for _, p := range s.Points {
			if i, ok := index[p.Period]; ok {
				pts = append(pts, num(x(i))+","+num(y(p.Value)))
			}
		}
		dash := ""
		if st.dash != "" {
			dash = ` stroke-dasharray="` + st.dash + `"`
		}
		fmt.Fprintf(&sb, `<polyline class="series" points="%s" fill="none" stroke="%s" stroke-width="2.5"%s/>`, strings.Join(pts, " "), st.colour, dash)
		for _, pt := range pts {
			xy := strings.SplitN(pt, ",", 2)
			fmt.Fprintf(&sb, `<circle cx="%s" cy="%s" r="3.5" fill="%s"/>`, xy[0], xy[1], st.colour)
		}
		if legend > 0 {
			ly := LinesTop + LinesHeight + linesBottom + float64(k)*linesLegend + linesLegend/2
			fmt.Fprintf(&sb, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2.5"%s/>`, num(LinesLeft), num(ly), num(LinesLeft+36), num(ly), st.colour, dash)
			fmt.Fprintf(&sb, `<text x="%s" y="%s" fill="%s">%s</text>`, num(LinesLeft+44), num(ly+4), Ink, esc(s.Name))
		}
	}
	return finish(&sb)
}

// periods returns the periods of the axis and the index of each.
func (c Lines) periods() ([]string, map[string]int) {
	periods := c.Periods
	index := map[string]int{}
	if len(periods) == 0 {
		for _, s := range c.Series {
			for _, p := range s.Points {
				if _, ok := index[p.Period]; !ok {
					index[p.Period] = len(periods)
					periods = append(periods, p.Period)
				}
			}
		}
		return periods, index
	}
	for i, p := range periods {
		index[p] = i
	}
	return periods, index
}

func (c Lines) desc() string {
	if c.Desc != "" {
		return c.Desc
	}
	var parts []string
	for _, s := range c.Series {
		var labels, values []string
		for _, p := range s.Points {
			labels, values = append(labels, p.Period), append(values, p.Display)
		}
		d := describe(labels, values)
		if len(c.Series) > 1 || s.Name != "" {
			d = s.Name + " — " + d
		}
		parts = append(parts, d)
	}
	return strings.Join(parts, " ")
}
