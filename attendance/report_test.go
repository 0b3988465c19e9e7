package attendance

import (
	"reflect"
	"testing"
)

func TestPeriodsSumQuartersThenTheYear(t *testing.T) {
	month := func(m string, visits, workshops int64) Current {
		return Current{Row: Row{Place: "p", Month: m, Visits: visits, Workshops: workshops}}
	}
	got := Periods([]Current{
		month("2025-11", 40, 2), month("2026-01", 100, 4), month("2026-02", 50, 3),
		month("2026-03", 10, 0), month("2026-04", 7, 1),
	})
	// 2025: November alone (Q4). 2026: Q1 = 100 + 50 + 10, Q2 = 7; the
	// year 167 visits and 8 workshops over 4 months.
	want := []Period{
		{"2025-T4", 1, 40, 2}, {"2025", 1, 40, 2},
		{"2026-T1", 3, 160, 7}, {"2026-T2", 1, 7, 1}, {"2026", 4, 167, 8},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("periods\n got %+v\nwant %+v", got, want)
	}
	if Periods(nil) == nil || len(Periods(nil)) != 0 {
		t.Error("no month: want an empty list")
	}
}
