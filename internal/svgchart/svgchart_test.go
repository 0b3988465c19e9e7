package svgchart

import (
	"encoding/xml"
	"html/template"
	"strconv"
	"strings"
	"testing"
)

// node is a generic XML element, enough to read the SVG back.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Content string     `xml:",chardata"`
	Nodes   []node     `xml:",any"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) float(t *testing.T, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(n.attr(name), 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.XMLName.Local, name, n.attr(name), err)
	}
	return v
}

// all returns the descendants named local, with class cls when not empty.
func (n node) all(local, cls string) []node {
	var out []node
	for _, c := range n.Nodes {
		if c.XMLName.Local == local && (cls == "" || c.attr("class") == cls) {
			out = append(out, c)
		}
		out = append(out, c.all(local, cls)...)
	}
	return out
}

func parse(t *testing.T, h template.HTML) node {
	t.Helper()
	var n node
	if err := xml.Unmarshal([]byte(h), &n); err != nil {
		t.Fatalf("the SVG is not well-formed XML: %v\n%s", err, h)
	}
	return n
}

// checkAccessible checks role="img" and a title and description that the
// svg element names by id, and returns the description.
func checkAccessible(t *testing.T, n node, id, title string) string {
	t.Helper()
	if n.XMLName.Local != "svg" || n.attr("role") != "img" {
		t.Fatalf("root is <%s role=%q>, want <svg role=img>", n.XMLName.Local, n.attr("role"))
	}
	if got, want := n.attr("aria-labelledby"), id+"-titre "+id+"-desc"; got != want {
		t.Errorf("aria-labelledby = %q, want %q", got, want)
	}
	var gotTitle, desc string
	for _, c := range n.Nodes {
		switch {
		case c.XMLName.Local == "title" && c.attr("id") == id+"-titre":
			gotTitle = c.Content
		case c.XMLName.Local == "desc" && c.attr("id") == id+"-desc":
			desc = c.Content
		}
	}
	if gotTitle != title {
		t.Errorf("title = %q, want %q", gotTitle, title)
	}
	if desc == "" {
		t.Error("no description")
	}
	return desc
}

func near(a, b float64) bool { d := a - b; return d < 0.006 && d > -0.006 }

func TestBarsLengthsProportional(t *testing.T) {
	c := Bars{ID: "b1", Title: "Lieux par département", Items: []BarItem{
		{Label: "Mayenne", Value: 10, Display: "10 lieux"},
		{Label: "Sarthe", Value: 20, Display: "20 lieux"},
		{Label: "Loire-Atlantique", Value: 40, Display: "40 lieux"},
	}}
	n := parse(t, c.SVG())
	desc := checkAccessible(t, n, "b1", "Lieux par département")
	if want := "Mayenne : 10 lieux ; Sarthe : 20 lieux ; Loire-Atlantique : 40 lieux."; desc != want {
		t.Errorf("desc = %q, want %q", desc, want)
	}
	// 230 + 330 + room for "40 lieux" (12 + 8*7.5 = 72) is 632 < 640.
	if got := n.attr("viewBox"); got != "0 0 640 96" {
		t.Errorf("viewBox = %q, want 0 0 640 96 (3 rows of 28 and 2 margins of 6)", got)
	}
	bars := n.all("rect", "bar")
	// The largest value (40) is BarsArea = 330 long: 10 -> 330/4 = 82.5,
	// 20 -> 330/2 = 165; every bar starts at the label column, x = 230.
	want := []float64{82.5, 165, 330}
	if len(bars) != len(want) {
		t.Fatalf("%d bars, want %d", len(bars), len(want))
	}
	for i, b := range bars {
		if w := b.float(t, "width"); !near(w, want[i]) {
			t.Errorf("bar %d width = %v, want %v", i, w, want[i])
		}
		if x := b.float(t, "x"); !near(x, 230) {
			t.Errorf("bar %d x = %v, want 230", i, x)
		}
	}
}

func TestBarsNegativeValues(t *testing.T) {
	c := Bars{ID: "b2", Title: "Évolution", Items: []BarItem{
		{Label: "A", Value: -10, Display: "-10 %"},
		{Label: "B", Value: 30, Display: "+30 %"},
	}}
	n := parse(t, c.SVG())
	bars := n.all("rect", "bar")
	// lo = -10, hi = 30: x(0) = 230 + 10/40*330 = 312.5.
	// -10 runs from x(-10) = 230 to 312.5 (82.5 long); 30 from 312.5,
	// 30/40*330 = 247.5 long.
	cases := []struct{ x, w float64 }{{230, 82.5}, {312.5, 247.5}}
	for i, c := range cases {
		if x, w := bars[i].float(t, "x"), bars[i].float(t, "width"); !near(x, c.x) || !near(w, c.w) {
			t.Errorf("bar %d: x=%v width=%v, want x=%v width=%v", i, x, w, c.x, c.w)
		}
	}
}

func TestBarsEscapesAndClipsLabels(t *testing.T) {
	long := "Communauté de communes du Pays de Château-Gontier & <Mayenne>"
	h := Bars{ID: "b3", Title: `Titre "cité" <b>`, Items: []BarItem{{Label: long, Value: 1, Display: "1"}}}.SVG()
	if strings.Contains(string(h), "<Mayenne>") || strings.Contains(string(h), "<b>") {
		t.Fatalf("unescaped text in %s", h)
	}
	n := parse(t, h)
	checkAccessible(t, n, "b3", `Titre "cité" <b>`)
	texts := n.all("text", "")
	if got := texts[0].Content; got != "Communauté de communes du Pays…" {
		t.Errorf("label = %q, want the first 31 characters and an ellipsis", got)
	}
	// The description keeps the whole label.
	if !strings.Contains(string(h), "&lt;Mayenne&gt; : 1.") {
		t.Errorf("description lost the end of the label: %s", h)
	}
}

func TestLinesPositions(t *testing.T) {
	c := Lines{ID: "l1", Title: "Publications par année", Format: tickV, Series: []Series{{
		Name: "Publications",
		Points: []Point{
			{Period: "2020", Value: 10, Display: "10"},
			{Period: "2021", Value: 25, Display: "25"},
			{Period: "2022", Value: 40, Display: "40"},
		},
	}}}
	n := parse(t, c.SVG())
	desc := checkAccessible(t, n, "l1", "Publications par année")
	if want := "Publications — 2020 : 10 ; 2021 : 25 ; 2022 : 40."; desc != want {
		t.Errorf("desc = %q, want %q", desc, want)
	}
	// Axis 0..40 (step niceStep(40, 4) = 10), plot 220 high from y = 14:
	// y(v) = 14 + (40-v)/40*220 -> y(10) = 179, y(25) = 96.5, y(40) = 14.
	// Plot 640-70-36 = 534 wide: x = 70, 70+267 = 337, 604.
	lines := n.all("polyline", "series")
	if len(lines) != 1 {
		t.Fatalf("%d series drawn, want 1", len(lines))
	}
	if got, want := lines[0].attr("points"), "70,179 337,96.5 604,14"; got != want {
		t.Errorf("points = %q, want %q", got, want)
	}
	// Ticks 0, 10, 20, 30, 40 written by Format.
	var ticks []string
	for _, tx := range n.all("text", "") {
		if tx.attr("text-anchor") == "end" {
			ticks = append(ticks, tx.Content)
		}
	}
	if got := strings.Join(ticks, ","); got != "v0,v10,v20,v30,v40" {
		t.Errorf("ticks = %s", got)
	}
}

func TestLinesSeveralSeries(t *testing.T) {
	c := Lines{ID: "l2", Title: "Taux", Periods: []string{"2021", "2022"}, Series: []Series{
		{Name: "Nantes", Points: []Point{{Period: "2021", Value: 0.5, Display: "50 %"}, {Period: "2022", Value: 1, Display: "100 %"}}},
		{Name: "France", Points: []Point{{Period: "2022", Value: 0.75, Display: "75 %"}, {Period: "1999", Value: 9, Display: "hors axe"}}},
	}}
	n := parse(t, c.SVG())
	lines := n.all("polyline", "series")
	if len(lines) != 2 {
		t.Fatalf("%d series, want 2", len(lines))
	}
	// Axis 0..9 would come from the point outside the periods if it were
	// kept; it is ignored in the drawing but counts in the extent, so the
	// check is on x only: 2022 is the last period (x = 640-36 = 604).
	if got := lines[1].attr("points"); !strings.HasPrefix(got, "604,") || strings.Contains(got, " ") {
		t.Errorf("second series points = %q, want the 2022 point only", got)
	}
	if lines[0].attr("stroke") == lines[1].attr("stroke") || lines[1].attr("stroke-dasharray") == "" {
		t.Error("the two series are not told apart by colour and dash")
	}
	legend := 0
	for _, tx := range n.all("text", "") {
		if tx.Content == "Nantes" || tx.Content == "France" {
			legend++
		}
	}
	if legend != 2 {
		t.Errorf("%d legend entries, want 2", legend)
	}
}

func TestClasses(t *testing.T) {
	// 4 distinct values between 10 and 50: 4 classes of width 10.
	got := Classes([]float64{50, 10, 20, 30, 50})
	want := []float64{10, 20, 30, 40, 50}
	if len(got) != len(want) {
		t.Fatalf("bounds = %v, want %v", got, want)
	}
	for i := range want {
		if !near(got[i], want[i]) {
			t.Fatalf("bounds = %v, want %v", got, want)
		}
	}
	for _, c := range []struct {
		v    float64
		want int
	}{{10, 0}, {19.9, 0}, {20, 1}, {35, 2}, {40, 3}, {50, 3}} {
		if got := classOf(c.v, want); got != c.want {
			t.Errorf("classOf(%v) = %d, want %d", c.v, got, c.want)
		}
	}
	// Two distinct values: two classes.
	if got := Classes([]float64{3, 7, 3}); len(got) != 3 || got[0] != 3 || got[1] != 5 || got[2] != 7 {
		t.Errorf("Classes(3,7,3) = %v, want [3 5 7]", got)
	}
}

func TestDepartementMap(t *testing.T) {
	c := DepartementMap{ID: "m1", Title: "Lieux par département", Format: tickV, Areas: []Area{
		{Code: "44", Value: 50, Display: "50 lieux"},
		{Code: "49", Value: 30, Display: "30 lieux"},
		{Code: "53", Value: 10, Display: "10 lieux"},
		{Code: "72", Value: 20, Display: "20 lieux"},
	}}
	n := parse(t, c.SVG())
	desc := checkAccessible(t, n, "m1", "Lieux par département")
	if want := "Loire-Atlantique : 50 lieux ; Maine-et-Loire : 30 lieux ; Mayenne : 10 lieux ; Sarthe : 20 lieux ; Vendée : non disponible."; desc != want {
		t.Errorf("desc = %q, want %q", desc, want)
	}
	// Classes 10-20-30-40-50: 53 -> 0, 72 -> 1, 49 -> 2, 44 -> 3; 85 has no value.
	want := map[string]string{"44": Palette[3], "49": Palette[2], "53": Palette[0], "72": Palette[1], "85": NoData}
	paths := n.all("path", "dep")
	if len(paths) != 5 {
		t.Fatalf("%d départements drawn, want 5", len(paths))
	}
	for _, p := range paths {
		if got := p.attr("fill"); got != want[p.attr("data-code")] {
			t.Errorf("département %s fill = %s, want %s", p.attr("data-code"), got, want[p.attr("data-code")])
		}
	}
	var legend []string
	for _, tx := range n.all("text", "") {
		if strings.HasPrefix(tx.Content, "de ") || tx.Content == "non disponible" {
			legend = append(legend, tx.Content)
		}
	}
	if got := strings.Join(legend, " | "); got != "de v40 à v50 | de v30 à v40 | de v20 à v30 | de v10 à v20 | non disponible" {
		t.Errorf("legend = %s", got)
	}
}

func TestShapesFrame(t *testing.T) {
	if got := strings.Join(DepartementCodes(), ","); got != "44,49,53,72,85" {
		t.Fatalf("codes = %s", got)
	}
	for _, d := range pdl.Departements {
		for _, f := range strings.FieldsFunc(d.D, func(r rune) bool { return r == 'M' || r == 'L' || r == 'Z' || r == ' ' }) {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil || v < 0 || v > max(pdl.Width, pdl.Height) {
				t.Fatalf("département %s: coordinate %q outside the frame %vx%v", d.Code, f, pdl.Width, pdl.Height)
			}
		}
		if d.LabelX <= 0 || d.LabelX >= pdl.Width || d.LabelY <= 0 || d.LabelY >= pdl.Height {
			t.Errorf("département %s: label point outside the frame", d.Code)
		}
	}
	if !strings.Contains(MapAttribution, "CC BY 4.0") {
		t.Errorf("attribution %q does not name the licence", MapAttribution)
	}
}

func TestNiceStep(t *testing.T) {
	for _, c := range []struct{ span, want float64 }{{40, 10}, {7, 2}, {0.9, 0.5}, {1000, 500}, {12, 5}} {
		if got := niceStep(c.span, 4); !near(got, c.want) {
			t.Errorf("niceStep(%v, 4) = %v, want %v", c.span, got, c.want)
		}
	}
}

// tickV writes tick values as "v" and the integer, so the tests see that
// the chart uses the caller's formatter.
func tickV(v float64) string { return "v" + strconv.Itoa(int(v)) }

func TestBarsWidenForLongValues(t *testing.T) {
	c := Bars{ID: "b4", Title: "Étudiants", Items: []BarItem{{Label: "Universités", Value: 81500, Display: "81 500 étudiants"}}}
	n := parse(t, c.SVG())
	// "81 500 étudiants" is 16 characters: 230 + 330 + 12 + 16*7.5 = 692.
	if got := n.attr("viewBox"); got != "0 0 692 40" {
		t.Errorf("viewBox = %q, want 0 0 692 40", got)
	}
	if w := n.all("rect", "bar")[0].float(t, "width"); !near(w, 330) {
		t.Errorf("bar width = %v, want 330", w)
	}
}
