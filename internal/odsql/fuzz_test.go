package odsql

import (
	"strings"
	"testing"
)

// FuzzCompile feeds arbitrary clauses to the parser and compiler: they
// must never panic, and whatever compiles has one argument per
// placeholder, no statement separator and no comment.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		`departement = "44"`, `capacite in [1..10[ and not ouvert`, `"fablab*" or search(nom, 'x')`,
		`within_distance(position, geom'POINT(-1.5 47.2)', 2km)`, `year(debut) = 2021`, "`and` : 'x'",
		`labels = "Wi-Fi"`, `debut > date'2020/03' or maj is null`, `nom like "a%_\"b"`,
	} {
		f.Add(s, "nom, count(*) as n", "nom", "n desc")
	}
	f.Fuzz(func(t *testing.T, where, sel, group, order string) {
		q, err := compile(Request{Where: where, Select: sel, GroupBy: group, OrderBy: order, Limit: 10})
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not an *odsql.Error: %v", err, err)
			}
			return
		}
		for _, sql := range []string{q.SQL, q.CountSQL} {
			if strings.Contains(sql, ";") || strings.Contains(sql, "--") || strings.Contains(sql, "/*") {
				t.Fatalf("suspicious SQL for %q: %s", where, sql)
			}
		}
		if strings.Count(q.SQL, "?") != len(q.Args) || strings.Count(q.CountSQL, "?") != len(q.CountArgs) {
			t.Fatalf("placeholders and args differ for %q: %s %v", where, q.SQL, q.Args)
		}
	})
}
