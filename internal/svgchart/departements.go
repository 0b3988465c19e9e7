package svgchart

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"strings"
)

//go:embed departements_pdl.json
var departementsJSON []byte

// shapes is the content of departements_pdl.json (written by ./mapgen).
type shapes struct {
	Source       string  `json:"source"`
	Licence      string  `json:"licence"`
	Attribution  string  `json:"attribution"`
	Width        float64 `json:"width"`
	Height       float64 `json:"height"`
	Departements []struct {
		Code   string  `json:"code"`
		Nom    string  `json:"nom"`
		D      string  `json:"d"`
		LabelX float64 `json:"label_x"`
		LabelY float64 `json:"label_y"`
	} `json:"departements"`
}

var pdl = mustShapes()

func mustShapes() shapes {
	var s shapes
	if err := json.Unmarshal(departementsJSON, &s); err != nil {
		panic("svgchart: departements_pdl.json: " + err.Error())
	}
	return s
}

// MapAttribution is the credit the licence of the shapes (CC BY 4.0)
// requires wherever a map is shown.
var MapAttribution = pdl.Attribution

// DepartementCodes are the départements the map draws, in INSEE order.
func DepartementCodes() []string {
	out := make([]string, len(pdl.Departements))
	for i, d := range pdl.Departements {
		out[i] = d.Code
	}
	return out
}

// Palette are the fills of the classes of a map, lightest (smallest
// values) first; NoData fills a département without a value.
var (
	Palette = []string{"#dbe9f6", "#9cc3e4", "#4a90c8", "#0b5d8c"}
	NoData  = "#ffffff"
)

// Geometry of the map, in SVG units.
const (
	mapLegendWidth = 250.0
	mapFontSize    = 20.0
	mapLegendRow   = 34.0
)

// Area is the value of one département ("44"…).
type Area struct {
	Code    string
	Value   float64
	Display string
}

// DepartementMap colours the five départements by value, in classes of
// equal width, with a legend. Every département is labelled with its name
// and value, so the figures do not depend on colour.
type DepartementMap struct {
	ID     string
	Title  string
	Desc   string // empty: every département and its value
	Areas  []Area
	Format func(float64) string // writes the class bounds of the legend
}

// Classes returns the bounds of the classes of values: k = min(4, number
// of distinct values) classes of equal width between the smallest and the
// largest value; bounds has k+1 entries.
func Classes(values []float64) []float64 {
	if len(values) == 0 {
		return nil
	}
	lo, hi := values[0], values[0]
	distinct := map[float64]bool{}
	for _, v := range values {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
		distinct[v] = true
	}
	k := min(len(Palette), len(distinct))
	bounds := make([]float64, k+1)
	for i := range bounds {
		bounds[i] = lo + (hi-lo)*float64(i)/float64(k)
	}
	bounds[k] = hi
	return bounds
}

// classOf returns the class of v among bounds (the last class includes
// its upper bound).
func classOf(v float64, bounds []float64) int {
	k := len(bounds) - 1
	for i := 1; i < k; i++ {
		if v < bounds[i] {
			return i - 1
		}
	}
	return k - 1
}

// SVG draws the map.
func (c DepartementMap) SVG() template.HTML {
	byCode := map[string]Area{}
	var values []float64
	for _, a := range c.Areas {
		byCode[a.Code] = a
		values = append(values, a.Value)
	}
	bounds := Classes(values)
	colours := Palette
	if k := len(bounds) - 1; k > 0 && k < len(Palette) {
		// Fewer classes than colours: spread them over the palette.
		colours = make([]string, k)
		for i := range colours {
			colours[i] = Palette[i*(len(Palette)-1)/max(k-1, 1)]
		}
	}
	w := pdl.Width + mapLegendWidth
	var sb strings.Builder
	header(&sb, c.ID, "map", w, pdl.Height, c.Title, c.desc())
	var labels strings.Builder
	for _, d := range pdl.Departements {
		a, ok := byCode[d.Code]
		fill, value := NoData, "non disponible"
		if ok {
			fill, value = colours[classOf(a.Value, bounds)], a.Display
		}
		fmt.Fprintf(&sb, `<path class="dep" data-code="%s" d="%s" fill="%s" stroke="%s" stroke-width="1.5"/>`, esc(d.Code), d.D, fill, Ink)
		fmt.Fprintf(&labels, `<text x="%s" y="%s" text-anchor="middle" font-size="%s" fill="%s" stroke="#ffffff" stroke-width="4" paint-order="stroke" stroke-linejoin="round"><tspan x="%s" font-weight="600">%s</tspan><tspan x="%s" dy="1.2em">%s</tspan></text>`,
			num(d.LabelX), num(d.LabelY-mapFontSize*0.2), num(mapFontSize), Ink, num(d.LabelX), esc(d.Nom), num(d.LabelX), esc(value))
	}
	sb.WriteString(labels.String())
	c.legend(&sb, bounds, colours, len(byCode) < len(pdl.Departements))
	return finish(&sb)
}

// legend draws a swatch and the bounds of each class, right of the map.
func (c DepartementMap) legend(sb *strings.Builder, bounds []float64, colours []string, missing bool) {
	format := c.Format
	if format == nil {
		format = num
	}
	x := pdl.Width + 10
	y := 20.0
	row := func(fill, text string) {
		fmt.Fprintf(sb, `<rect x="%s" y="%s" width="28" height="22" fill="%s" stroke="%s"/>`, num(x), num(y), fill, Ink)
		fmt.Fprintf(sb, `<text x="%s" y="%s" font-size="%s" fill="%s">%s</text>`, num(x+36), num(y+17), num(mapFontSize*0.85), Ink, esc(text))
		y += mapLegendRow
	}
	for i := len(bounds) - 2; i >= 0; i-- {
		text := "de " + format(bounds[i]) + " à " + format(bounds[i+1])
		if bounds[i] == bounds[i+1] {
			text = format(bounds[i])
		}
		row(colours[i], text)
	}
	if missing {
		row(NoData, "non disponible")
	}
}

func (c DepartementMap) desc() string {
	if c.Desc != "" {
		return c.Desc
	}
	byCode := map[string]Area{}
	for _, a := range c.Areas {
		byCode[a.Code] = a
	}
	var labels, values []string
	for _, d := range pdl.Departements {
		v := "non disponible"
		if a, ok := byCode[d.Code]; ok {
			v = a.Display
		}
		labels, values = append(labels, d.Nom), append(values, v)
	}
	return describe(labels, values)
}
