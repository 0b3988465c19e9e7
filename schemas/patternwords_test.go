package schemas

import "testing"

// Patterns of our schemas, said as a steward would say them (worked by
// hand from each expression).
func TestPatternWords(t *testing.T) {
	cases := map[string]string{
		`^\d{5}$`:                     "5 chiffres",
		`^[0-9]{5}$`:                  "5 chiffres",
		`^(44|49|53|72|85)\d{3}$`:     "« 44 », « 49 », « 53 », « 72 » ou « 85 », puis 3 chiffres",
		`^\d{7}[A-Z]$`:                "7 chiffres, puis une lettre majuscule",
		`^(\d{7}[A-Z]|UNIV)$`:         "soit 7 chiffres puis une lettre majuscule, soit « UNIV »",
		`^[a-zA-Z0-9]{9,14}$`:         "de 9 à 14 lettres ou chiffres",
		`^A\d{2}$`:                    "« A », puis 2 chiffres",
		`^\d{4}-\d{2}$`:               "4 chiffres, puis « - », puis 2 chiffres",
		`^10\.[0-9]{4,9}/\S+$`:        "« 10. », puis de 4 à 9 chiffres, puis « / », puis un ou plusieurs caractères autres que des espaces",
		`^([013-9]\d|2[AB1-9])\d{3}$`: "soit un caractère parmi 0, 1 ou 3 à 9 puis un chiffre, soit « 2 » puis un caractère parmi 1 à 9, A ou B, puis 3 chiffres",
	}
	for re, want := range cases {
		if got := patternWords(re); got != want {
			t.Errorf("%s:\n got %q\nwant %q", re, got, want)
		}
	}
	if got := patternWords(`(?i)x(?=y)`); got != "" {
		t.Errorf("unsupported pattern described: %q", got)
	}
}

// A longitude out of the region's bounds suggests swapped coordinates, and
// the bound is written as in French: "−2,65", not "-2.65".
func TestBoundMessageFrenchWithSwapHint(t *testing.T) {
	s, err := Parse([]byte(`{"fields":[{"name":"longitude","type":"number","constraints":{"minimum":-2.65,"maximum":0.95}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	tab, _ := s.NewTable(nil)
	_, errs := tab.Row(2, 2, []string{"47.2"})
	want := "La valeur « 47.2 » du champ « longitude » doit être inférieure ou égale à 0,95. La latitude et la longitude sont peut-être inversées."
	if len(errs) != 1 || errs[0].Message != want {
		t.Fatalf("errors %+v\nwant one: %q", errs, want)
	}
	_, errs = tab.Row(3, 3, []string{"-3"})
	want = "La valeur « -3 » du champ « longitude » doit être supérieure ou égale à −2,65. La latitude et la longitude sont peut-être inversées."
	if len(errs) != 1 || errs[0].Message != want {
		t.Fatalf("errors %+v\nwant one: %q", errs, want)
	}
}
