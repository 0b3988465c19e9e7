package geo

import (
	"fmt"
	"math"
)

// Area is a bounding box in WGS84 degrees that positions are expected in.
type Area struct {
	Name                           string // French, as shown in messages
	MinLat, MaxLat, MinLon, MaxLon float64
}

// Areas are the bounding boxes a pipeline can check its positions against.
// pays-de-la-loire spans its five départements, islands included (Yeu,
// Noirmoutier; Le Croisic in the west, the east of the Sarthe, the north of
// the Mayenne, the south of the Vendée); france is metropolitan France
// with Corsica.
var Areas = map[string]Area{
	"pays-de-la-loire": {Name: "Pays de la Loire", MinLat: 46.26, MaxLat: 48.57, MinLon: -2.63, MaxLon: 0.92},
	"france":           {Name: "France métropolitaine", MinLat: 41.33, MaxLat: 51.09, MinLon: -5.15, MaxLon: 9.57},
}

// Codes of an implausible position.
const (
	CodeCoordinatesZero    = "coordinates-zero"
	CodeCoordinatesSwapped = "coordinates-swapped"
	CodeCoordinatesOutside = "coordinates-outside"
)

// Contains reports whether (lat, lon) lies in the area grown by marginKM on
// every side.
func (a Area) Contains(lat, lon, marginKM float64) bool {
	const kmPerDegree = 111.32 // of latitude, and of longitude at the equator
	dLat := marginKM / kmPerDegree
	mid := (a.MinLat + a.MaxLat) / 2 * math.Pi / 180
	dLon := marginKM / (kmPerDegree * math.Cos(mid))
	return lat >= a.MinLat-dLat && lat <= a.MaxLat+dLat && lon >= a.MinLon-dLon && lon <= a.MaxLon+dLon
}

// Implausible is what is wrong with a position, with a French hint.
type Implausible struct {
	Code string // one of the Code* constants
	Hint string
}

// CheckPosition says whether (lat, lon) is a plausible position in the
// area (grown by marginKM): nil when it is. A 0,0 pair is a placeholder; a
// pair that falls in the area once swapped has its latitude and longitude
// inverted; anything else is outside the area.
func CheckPosition(lat, lon float64, a Area, marginKM float64) *Implausible {
	switch {
	case lat == 0 && lon == 0:
		return &Implausible{CodeCoordinatesZero, "coordonnées 0,0 : une valeur par défaut plutôt qu'une position (le point tomberait dans le golfe de Guinée)"}
	case a.Contains(lat, lon, marginKM):
		return nil
	case a.Contains(lon, lat, marginKM):
		return &Implausible{CodeCoordinatesSwapped, fmt.Sprintf("latitude et longitude semblent inversées : latitude %s, longitude %s tombe en %s", fmtDeg(lon), fmtDeg(lat), a.Name)}
	}
	return &Implausible{CodeCoordinatesOutside, fmt.Sprintf("position hors de l'emprise %s (à plus de %s km de ses limites)", areaOf(a), fmtDeg(marginKM))}
}

func areaOf(a Area) string {
	if a.Name == "France métropolitaine" {
		return "de la France métropolitaine"
	}
	return "de la région " + a.Name
}

func fmtDeg(v float64) string { return fmt.Sprintf("%g", v) }
