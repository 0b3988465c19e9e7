package web

import (
	"html/template"
	"slices"
	"strconv"

	"github.com/ligerdata/ligerdata/internal/svgchart"
)

// qualityPoint is one run in a pipeline's quality history.
type qualityPoint struct {
	Label              string // the run's start, "27/11 16:21"
	Accepted, Rejected int64
	AcceptedText       string
	RejectedText       string
}

// qualityHistory is the chart of the rows accepted and rejected by each
// run of a pipeline, oldest first, with the same figures as a table.
type qualityHistory struct {
	ID     string
	Chart  template.HTML
	Points []qualityPoint
}

// historyOf draws the quality history of a pipeline's runs (newest first,
// as the dashboard lists them); runs that read nothing or whose manifest
// is unreadable are left out, and fewer than two runs draw nothing.
func historyOf(pv *pipelineView) *qualityHistory {
	var points []qualityPoint
	seen := map[string]int{}
	for _, rv := range slices.Backward(pv.Runs) {
		if rv.Problem != "" || rv.read == 0 || rv.started.IsZero() {
			continue
		}
		label := rv.started.In(parisLocation).Format("02/01 15:04")
		if seen[label]++; seen[label] > 1 { // two runs in one minute
			label += " (" + strconv.Itoa(seen[label]) + ")"
		}
		points = append(points, qualityPoint{Label: label, Accepted: rv.accepted, Rejected: rv.rejected,
			AcceptedText: frenchInt(rv.accepted), RejectedText: frenchInt(rv.rejected)})
	}
	if len(points) < 2 {
		return nil
	}
	acc := svgchart.Series{Name: "lignes acceptées"}
	rej := svgchart.Series{Name: "lignes rejetées"}
	for _, p := range points {
		acc.Points = append(acc.Points, svgchart.Point{Period: p.Label, Value: float64(p.Accepted), Display: p.AcceptedText})
		rej.Points = append(rej.Points, svgchart.Point{Period: p.Label, Value: float64(p.Rejected), Display: p.RejectedText})
	}
	id := "qualite-" + pv.Pipeline
	c := svgchart.Lines{ID: id, Title: "Lignes acceptées et rejetées par exécution — " + pv.Pipeline, Series: []svgchart.Series{acc, rej},
		Format: func(v float64) string { return frenchInt(int64(v)) }}
	return &qualityHistory{ID: id, Chart: c.SVG(), Points: points}
}
