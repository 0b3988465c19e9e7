package attendance

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkCheckLargestFile checks a file of MaxRows months, the largest
// a place may send.
func BenchmarkCheckLargestFile(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(header)
	start := time.Date(2006, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range MaxRows {
		fmt.Fprintf(&sb, "ping-12,%s,140,52,8,30,,12,40,50,Fermé le 1er\n", start.AddDate(0, i, 0).Format("2006-01"))
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		rows, problems, err := Check(context.Background(), data, "ping-12", places, now)
		if err != nil || problems != nil || len(rows) != MaxRows {
			b.Fatalf("%d rows, %v, %v", len(rows), problems, err)
		}
	}
}

// BenchmarkLatest reads the current rows of 200 places that each sent a
// year of months and then corrected one month: what a publishing run and
// the dashboard read.
func BenchmarkLatest(b *testing.B) {
	s := &Store{Root: b.TempDir()}
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	for p := range 200 {
		place := fmt.Sprintf("pdl-%04d", p)
		var rows []Row
		for m := range 12 {
			rows = append(rows, Row{Place: place, Month: fmt.Sprintf("2025-%02d", m+1), Visits: 100})
		}
		if _, err := s.Save(place, "api", nil, rows, at); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Save(place, "api", nil, rows[:1], at); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		cur, err := s.Latest()
		if err != nil || len(cur) != 200*12 {
			b.Fatalf("%d rows, %v", len(cur), err)
		}
	}
}
