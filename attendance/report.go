package attendance

import (
	"cmp"
	"slices"
	"strconv"
)

// Period is a place's totals over a quarter (AAAA-T1 … AAAA-T4) or a
// year (AAAA): the sums of the months it declared in it, as the
// indicator frequentation-par-territoire adds them up.
type Period struct {
	Period    string `json:"periode"`
	Months    int    `json:"mois_declares"`
	Visits    int64  `json:"visites"`
	Workshops int64  `json:"ateliers"`
}

// Periods sums one place's months (its current rows) by quarter and by
// year: each year's quarters in order, then the year.
func Periods(months []Current) []Period {
	byKey := map[string]*Period{}
	var keys []string
	for _, c := range months {
		if len(c.Month) != 7 {
			continue
		}
		q, _ := strconv.Atoi(c.Month[5:])
		year := c.Month[:4]
		for _, k := range []string{year + "-T" + strconv.Itoa((q+2)/3), year} {
			p := byKey[k]
			if p == nil {
				p = &Period{Period: k}
				byKey[k] = p
				keys = append(keys, k)
			}
			p.Months++
			p.Visits += c.Visits
			p.Workshops += c.Workshops
		}
	}
	// "2025-T1" < "2025-T4" < "2025": a year follows its quarters.
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(a[:4], b[:4]), cmp.Compare(len(b), len(a)), cmp.Compare(a, b))
	})
	out := make([]Period, len(keys))
	for i, k := range keys {
		out[i] = *byKey[k]
	}
	return out
}
