package schemas

import (
	"strings"
	"testing"
)

// TestDateHints checks the hint added to a date that did not cast: the
// form it seems to have and, for a date field, the value written in the
// expected form. Expected values worked out by hand (45366 days after 30
// December 1899: 2024-01-01 is day 45292, and 15 March is 74 days later).
func TestDateHints(t *testing.T) {
	s, err := Parse([]byte(`{"fields": [
		{"name": "iso", "type": "date"},
		{"name": "fr", "type": "date", "format": "%d/%m/%Y"},
		{"name": "horodatage", "type": "datetime"}
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	const iso = "La valeur « %s » du champ « iso » n'est pas une date valide (format attendu : AAAA-MM-JJ)."
	cases := []struct{ field, value, want string }{
		{"iso", "15/03/2024", iso + " Elle semble écrite au format JJ/MM/AAAA : « 2024-03-15 » conviendrait."},
		{"iso", "5.3.2024", iso + " Elle semble écrite au format JJ.MM.AAAA : « 2024-03-05 » conviendrait."},
		{"iso", "03/15/2024", iso + " Elle semble écrite au format MM/JJ/AAAA (le mois avant le jour) : « 2024-03-15 » conviendrait."},
		{"iso", "2024/03/15", iso + " Elle semble écrite au format AAAA/MM/JJ : « 2024-03-15 » conviendrait."},
		{"iso", "20240315", iso + " Elle semble écrite au format AAAAMMJJ (sans séparateurs) : « 2024-03-15 » conviendrait."},
		{"iso", "45366", iso + " Elle semble écrite comme un numéro de date de tableur (45366, soit le 15 mars 2024) : « 2024-03-15 » conviendrait."},
		{"iso", "2024-03-15T10:30:00", iso + " Elle semble écrite au format AAAA-MM-JJ avec une heure, alors qu'une date seule est attendue : « 2024-03-15 » conviendrait."},
		{"iso", "15/03/24", iso + " Elle semble écrite avec une année à deux chiffres (JJ/MM/AA) : l'année s'écrit avec quatre chiffres."},
		{"iso", "31/04/2024", iso + " Le 31 avril 2024 n'existe pas (lu au format JJ/MM/AAAA)."},
		{"iso", "2023-02-29", iso + " Le 29 février 2023 n'existe pas (lu au format AAAA-MM-JJ)."},
		{"iso", "15/13/2024", iso + " Le mois 13 n'existe pas (lu au format JJ/MM/AAAA)."},
		{"iso", "mi-mars", iso},
		{"fr", "2024-03-15", "La valeur « 2024-03-15 » du champ « fr » n'est pas une date valide (format attendu : JJ/MM/AAAA). Elle semble écrite au format AAAA-MM-JJ : « 15/03/2024 » conviendrait."},
		{"horodatage", "2024-03-15", "La valeur « 2024-03-15 » du champ « horodatage » n'est pas une date et heure valide (format attendu : AAAA-MM-JJThh:mm:ssZ ou AAAA-MM-JJThh:mm:ss±hh:mm). Elle ne contient qu'une date : l'heure manque."},
		{"horodatage", "15/03/2024", "La valeur « 15/03/2024 » du champ « horodatage » n'est pas une date et heure valide (format attendu : AAAA-MM-JJThh:mm:ssZ ou AAAA-MM-JJThh:mm:ss±hh:mm). Elle semble écrite au format JJ/MM/AAAA."},
	}
	for _, tc := range cases {
		row := map[string]string{"iso": "2024-01-01", "fr": "01/01/2024", "horodatage": "2024-01-01T00:00:00Z"}
		row[tc.field] = tc.value
		data := "iso,fr,horodatage\n" + row["iso"] + "," + row["fr"] + "," + row["horodatage"] + "\n"
		_, errs := collect(t, s, DefaultDialect(), data)
		if len(errs) != 1 {
			t.Errorf("%s %q: %d errors %v, want 1", tc.field, tc.value, len(errs), errs)
			continue
		}
		want := tc.want
		if strings.Contains(want, "%s") {
			want = strings.Replace(want, "%s", tc.value, 1)
		}
		if errs[0].Message != want {
			t.Errorf("%s %q:\n got %q\nwant %q", tc.field, tc.value, errs[0].Message, want)
		}
	}
}

// TestEnumHints checks the hint added to a value outside an enum: the
// allowed value it matches but for case, accents or spaces, or the one a
// typo away; none when two are as close or the value is too short.
func TestEnumHints(t *testing.T) {
	allowed := []string{"Espace public numérique", "Fablab", "Tiers-lieu", "Tiers-lien", "Médiathèque", "AB", "CD"}
	cases := []struct{ value, want string }{
		{"espace  PUBLIC numerique", " Seules les majuscules, les accents ou les espaces diffèrent de « Espace public numérique », qui conviendrait."},
		{"mediatheque", " Seules les majuscules, les accents ou les espaces diffèrent de « Médiathèque », qui conviendrait."},
		{"Fablabs", " Valeur proche autorisée : « Fablab » (faute de frappe ?)."},
		{"Mediatèques", " Valeur proche autorisée : « Médiathèque » (faute de frappe ?)."}, // two edits, 11 letters
		{"Fabab", " Valeur proche autorisée : « Fablab » (faute de frappe ?)."},
		{"Fblb", ""},         // two edits of a short value
		{"Tiers-lie", ""},    // one edit from two allowed values
		{"AC", ""},           // too short to guess
		{"Bibliothèque", ""}, // far from all
	}
	for _, tc := range cases {
		if got := enumHint(allowed, tc.value); got != tc.want {
			t.Errorf("enumHint(%q) = %q, want %q", tc.value, got, tc.want)
		}
	}
}

// FuzzReadOtherDate: any value gives either no shape, a sentence without a
// date, or a date that exists.
func FuzzReadOtherDate(f *testing.F) {
	for _, s := range []string{"15/03/2024", "03/15/2024", "45366", "2024-02-30", "20241301", "1/1/24", "2024-03-15T10:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		seen, d, ok := readOtherDate(v)
		if ok && (seen == "" || d.IsZero()) {
			t.Fatalf("%q: ok with seen %q, date %v", v, seen, d)
		}
		if !ok && !d.IsZero() {
			t.Fatalf("%q: not ok but date %v", v, d)
		}
	})
}
