package attendance

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"time"
)

// Columns are the template's header, in schema order.
func Columns() []string {
	cols := []string{"id", "mois", "visites", "visiteurs_distincts", "ateliers"}
	for _, p := range Profiles {
		cols = append(cols, p.Column)
	}
	return append(cols, "commentaire")
}

// Months returns the n months before now's (Europe/Paris), oldest first:
// the months a place can declare.
func Months(now time.Time, n int) []string {
	cur, _ := time.Parse("2006-01", monthOf(now))
	out := make([]string, n)
	for i := range n {
		out[i] = cur.AddDate(0, i-n, 0).Format("2006-01")
	}
	return out
}

// Template returns a CSV to fill: the header and one row per month with
// the place id (may be empty) and the month filled in. french writes it
// for French spreadsheets: a UTF-8 BOM, ';' between cells, CRLF.
func Template(place string, months []string, french bool) []byte {
	rows := make([][]string, 0, len(months))
	for _, m := range months {
		row := make([]string, len(Columns()))
		row[0], row[1] = place, m
		rows = append(rows, row)
	}
	return encode(rows, french)
}

// Example returns a filled-in example for place over months: made-up
// counts that pass every check.
func Example(place string, months []string, french bool) []byte {
	rows := make([][]string, 0, len(months))
	for i, m := range months {
		visits := 120 + 15*i
		row := []string{place, m, strconv.Itoa(visits), strconv.Itoa(visits / 3), strconv.Itoa(6 + i%3),
			strconv.Itoa(visits / 4), "", strconv.Itoa(visits / 10), strconv.Itoa(visits / 5), strconv.Itoa(visits * 2 / 5), ""}
		if i == 0 {
			row[len(row)-1] = "Fermé une semaine pour travaux"
		}
		rows = append(rows, row)
	}
	return encode(rows, french)
}

func encode(rows [][]string, french bool) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if french {
		b.WriteString("\uFEFF")
		w.Comma, w.UseCRLF = ';', true
	}
	_ = w.Write(Columns()) // a bytes.Buffer does not fail
	_ = w.WriteAll(rows)
	return b.Bytes()
}
