package textfold

import "testing"

func TestFold(t *testing.T) {
	cases := map[string]string{
		"Œuvre Médiathèque": "oeuvre mediatheque",
		"ÉTAPES NUMÉRIQUES": "etapes numeriques",
		"Straße":            "strasse",
		"déjà-vu":           "deja-vu",
		"":                  "",
	}
	for in, want := range cases {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
