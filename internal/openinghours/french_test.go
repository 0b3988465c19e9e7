package openinghours

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ligerdata/ligerdata/internal/nodetest"
)

// frenchCases are French phrasings seen in the region's sources (PiNG's
// map, tourism offers) and similar ones, with the OSM value worked out by
// hand from the opening_hours specification.
var frenchCases = []struct{ in, want string }{
	{"Du lundi au vendredi 9h-12h30 et 13h30-17h", "Mo-Fr 09:00-12:30,13:30-17:00"},
	{"du lundi au vendredi de 9h à 12h30 et de 13h30 à 17h", "Mo-Fr 09:00-12:30,13:30-17:00"},
	{"Mardi 14h-18h, mercredi 10h-12h", "Tu 14:00-18:00; We 10:00-12:00"},
	{"Mardi 14h-18h\nMercredi 10h-12h et 14h-18h\nSamedi 10h-17h", "Tu 14:00-18:00; We 10:00-12:00,14:00-18:00; Sa 10:00-17:00"},
	{"Jeudi 18h-22h (soirée open lab) Samedi 14h-18h", `Th 18:00-22:00 "soirée open lab"; Sa 14:00-18:00`},
	{"Mercredi 14h-18h Vendredi 16h-19h Samedi 10h-12h30", "We 14:00-18:00; Fr 16:00-19:00; Sa 10:00-12:30"},
	{"Lundi, mardi et jeudi 9h00-12h00", "Mo,Tu,Th 09:00-12:00"},
	{"Du lundi au samedi de 9 h 30 à midi", "Mo-Sa 09:30-12:00"},
	{"Lundi-vendredi 08:30–18:00", "Mo-Fr 08:30-18:00"},
	{"Du lundi au vendredi 9h-17h, fermé le dimanche", "Mo-Fr 09:00-17:00; Su off"},
	{"Du lundi au vendredi 9h-17h sauf le mercredi", "Mo-Fr 09:00-17:00; We off"},
	{"Tous les jours 10h-18h, fermé les jours fériés", "Mo-Su 10:00-18:00; PH off"},
	{"Fermé le samedi et le dimanche", "Sa,Su off"},
	{"Dimanche fermé", "Su off"},
	{"Sur rendez-vous", `"sur rendez-vous"`},
	{"Mardi 14h-17h sur rendez-vous", `Tu 14:00-17:00 "sur rendez-vous"`},
	{"Premier samedi du mois 14h-17h", "Sa[1] 14:00-17:00"},
	{"Troisième samedi du mois 9h30-12h30", "Sa[3] 09:30-12:30"},
	{"Dernier samedi du mois 14h-17h", "Sa[-1] 14:00-17:00"},
	{"1er mardi du mois 18h-20h", "Tu[1] 18:00-20:00"},
	{"En semaine 9h-18h; le week-end 10h-12h", "Mo-Fr 09:00-18:00; Sa-Su 10:00-12:00"},
	{"Lun. au ven. 9h-12h", "Mo-Fr 09:00-12:00"},
	{"7j/7 24h/24", "24/7"},
	{"Mo-Fr 09:00-12:00,14:00-17:30", "Mo-Fr 09:00-12:00,14:00-17:30"}, // already OSM
	{"  ", ""},
}

func TestFromFrench(t *testing.T) {
	for _, c := range frenchCases {
		got, err := FromFrench(c.in)
		if err != nil {
			t.Errorf("FromFrench(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("FromFrench(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestFromFrenchRefuses checks that phrases it cannot read faithfully fail
// with a French reason instead of a guess.
func TestFromFrenchRefuses(t *testing.T) {
	cases := []struct{ in, reason string }{
		{"Ouvert pendant les vacances scolaires", "mot non reconnu « pendant »"},
		{"Lundi 9h", "heure « 9h » sans fin"},
		{"Lundi 18h-9h", "plage horaire à l'envers (18h-9h)"},
		{"Lundi 25h-26h", "heure impossible « 25h »"},
		{"Lundi et mardi", "jours sans heures (Mo,Tu)"},
		{"Lundi 9h-12h (le matin", "parenthèse non fermée"},
		{"fermé", "« fermé » sans jour"},
		{"Lundi 9h-12h fermé 14h-16h", "heures après « fermé »"},
	}
	for _, c := range cases {
		_, err := FromFrench(c.in)
		var ce *ConversionError
		if !errors.As(err, &ce) {
			t.Errorf("FromFrench(%q): error %v, want a ConversionError", c.in, err)
			continue
		}
		if ce.Reason != c.reason {
			t.Errorf("FromFrench(%q): reason %q, want %q", c.in, ce.Reason, c.reason)
		}
	}
}

func TestValid(t *testing.T) {
	good := []string{
		"Mo-Fr 09:00-12:30,13:30-17:00", "Tu,Th 14:00-18:00; We 10:00-12:00,14:00-18:00; Sa 10:00-17:00",
		"24/7", "Su off", `"sur rendez-vous"`, `Th 18:00-22:00 "soirée open lab"; Sa 14:00-18:00`,
		"Sa[1] 14:00-17:00", "Jul-Aug Mo-Su 10:00-19:00", "Mo-Fr 09:00-17:00; PH off", "Fr 22:00-02:00", "Mo-Fr 08:00-12:00 || closed",
	}
	for _, s := range good {
		if err := Valid(s); err != nil {
			t.Errorf("Valid(%q): %v", s, err)
		}
	}
	bad := []string{"", "lundi 9h-12h", "Mo-Fr 9:00-12:00", "Mo-Fr 09:00-12:00 Sa", "Mo 09:00-12:60", `Mo "ouvert`, "Mo-Fr 09:00-12:00;;"}
	for _, s := range bad {
		if err := Valid(s); err == nil {
			t.Errorf("Valid(%q) accepted it", s)
		}
	}
}

// TestAgainstReferenceParser feeds every converted value and every value
// Valid accepts to the OpenStreetMap reference parser (npm opening_hours,
// pinned in tools/browser), which must accept it without a warning.
func TestAgainstReferenceParser(t *testing.T) {
	var values []string
	for _, c := range frenchCases {
		if c.want != "" {
			values = append(values, c.want)
		}
	}
	values = append(values, "Jul-Aug Mo-Su 10:00-19:00", "Fr 22:00-02:00")
	in, _ := json.Marshal(values)
	const script = `
const oh = require('opening_hours');
const values = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = values.map(v => {
  try {
    const w = new oh(v, null, {}).getWarnings();
    return w.length ? 'avertissement : ' + w.join(' | ') : '';
  } catch (e) { return String(e); }
});
process.stdout.write(JSON.stringify(out));`
	var verdicts []string
	if err := json.Unmarshal(nodetest.Run(t, script, in, "opening_hours"), &verdicts); err != nil {
		t.Fatal(err)
	}
	for i, v := range verdicts {
		if v != "" {
			t.Errorf("reference parser on %q: %s", values[i], strings.TrimSpace(v))
		}
	}
}

func FuzzFromFrench(f *testing.F) {
	for _, c := range frenchCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := FromFrench(s)
		if err != nil || out == "" {
			return
		}
		if err := Valid(out); err != nil {
			t.Fatalf("FromFrench(%q) = %q, which Valid refuses: %v", s, out, err)
		}
	})
}

// FuzzValid checks that Valid never panics and that what it accepts keeps
// being accepted once its rules are rejoined with the canonical separator.
func FuzzValid(f *testing.F) {
	for _, s := range []string{"Mo-Fr 09:00-12:30,13:30-17:00", "24/7", `Tu 14:00-17:00 "sur rendez-vous"`,
		"Sa[1] 14:00-17:00", "Jul-Aug Mo-Su 10:00-19:00", "Mo-Fr 08:00-12:00 || closed", `Mo "ouvert`, "Mo-Fr 09:00-12:00;;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if Valid(s) != nil {
			return
		}
		if strings.TrimSpace(s) == "" {
			t.Fatalf("Valid accepted a blank value %q", s)
		}
		var rules []string
		for _, r := range strings.Split(s, ";") {
			rules = append(rules, strings.TrimSpace(r))
		}
		if err := Valid(strings.Join(rules, "; ")); err != nil {
			t.Fatalf("Valid(%q) accepted, its canonical form refused: %v", s, err)
		}
	})
}
