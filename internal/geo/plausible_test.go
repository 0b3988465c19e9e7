package geo

import "testing"

// TestCheckPosition uses the two faulty places of PiNG's map (a 0,0
// placeholder in Ernée, the Saumur media library published at latitude
// -0.0772, longitude 47.2601) and positions worked out by hand against the
// region's box (46.26–48.57 N, 2.63 W–0.92 E) and a 10 km margin
// (0.0898° of latitude, 0.1322° of longitude at 47.415° N).
func TestCheckPosition(t *testing.T) {
	pdl := Areas["pays-de-la-loire"]
	cases := []struct {
		name     string
		lat, lon float64
		code     string
	}{
		{"Nantes", 47.2184, -1.5536, ""},
		{"Saumur swapped", -0.0772, 47.2601, CodeCoordinatesSwapped},
		{"Ernée placeholder", 0, 0, CodeCoordinatesZero},
		{"Paris", 48.8566, 2.3522, CodeCoordinatesOutside},
		{"Île d'Yeu", 46.7262, -2.3486, ""},
		{"5 km north of the box", 48.615, -0.5, ""}, // 48.57 + 0.045
		{"15 km north of the box", 48.705, -0.5, CodeCoordinatesOutside},
		{"12 km east of the box", 47.5, 1.08, CodeCoordinatesOutside}, // 0.92 + 0.16 > 0.1322
		{"8 km east of the box", 47.5, 1.025, ""},
		{"latitude out of range", 147.2, -1.55, CodeCoordinatesOutside},
	}
	for _, c := range cases {
		got := CheckPosition(c.lat, c.lon, pdl, 10)
		code := ""
		if got != nil {
			code = got.Code
		}
		if code != c.code {
			t.Errorf("%s (%g, %g): code %q, want %q", c.name, c.lat, c.lon, code, c.code)
		}
	}
	want := "latitude et longitude semblent inversées : latitude 47.2601, longitude -0.0772 tombe en Pays de la Loire"
	if got := CheckPosition(-0.0772, 47.2601, pdl, 10); got.Hint != want {
		t.Errorf("hint %q, want %q", got.Hint, want)
	}
}
