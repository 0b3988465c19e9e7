package web

import "testing"

func TestScheduleFrench(t *testing.T) {
	for _, tt := range []struct{ expr, tz, want string }{
		{"45 4 * * 1", "Europe/Paris", "chaque lundi à 4 h 45"},
		{"15 4 * * *", "", "chaque jour à 4 h 15"},
		{"0 6 1 * *", "", "le 1er de chaque mois à 6 h 00"},
		{"30 2 15 * *", "", "le 15 de chaque mois à 2 h 30"},
		{"*/10 * * * *", "", "toutes les 10 minutes"},
		{"* * * * *", "", "chaque minute"},
		{"5 * * * *", "", "chaque heure à la minute 5"},
		{"0 7,19 * * *", "", "chaque jour à 7 h 00 et 19 h 00"},
		{"0 3 * * 1,4", "", "chaque lundi et jeudi à 3 h 00"},
		{"0 3 * * 0", "", "chaque dimanche à 3 h 00"},
		{"0 8 * * 1-5", "", "chaque jour de la semaine (du lundi au vendredi) à 8 h 00"},
		{"45 4 * * 1", "America/New_York", "chaque lundi à 4 h 45 (fuseau America/New_York)"},
		{"5 4 1-7 * 1", "", "selon l'expression cron « 5 4 1-7 * 1 »"},
		{"0 0 1 1 *", "", "selon l'expression cron « 0 0 1 1 * »"},
	} {
		if got := scheduleFrench(tt.expr, tt.tz); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.expr, got, tt.want)
		}
	}
}
