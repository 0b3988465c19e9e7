package geo

// The coordinate reference systems ligerdata reads, in pure Go: geographic
// WGS 84 and its French and European equivalents, Lambert-93 and the nine
// French conic conformal zones CC42–CC50, and Web Mercator.
//
// The French systems are built on RGF93, whose ellipsoid is GRS 80. RGF93
// and WGS 84 differ by less than a metre in France, and the EPSG registry
// (operation EPSG:1671, "RGF93 v1 to WGS 84 (1)") relates them by a null
// transformation with an accuracy of 1 m, as PROJ does: geographic
// coordinates of all the systems below are taken as one. The GRS 80 and
// WGS 84 ellipsoids differ by 0.1 mm in their semi-minor axis, which is
// below any position we publish (7 decimals of a degree, about 1 cm).

import (
	"fmt"
	"math"
)

// GRS 80, the ellipsoid of RGF93 and ETRS89 (WGS 84's differs by 0.1 mm).
const (
	grs80A    = 6378137.0
	grs80InvF = 298.257222101
)

// grs80E is the first eccentricity of GRS 80.
var grs80E = math.Sqrt(2/grs80InvF - 1/(grs80InvF*grs80InvF))

// crs converts between the coordinates of one system, in visualisation
// order (easting or longitude first), and geographic longitude and latitude
// in degrees on the common datum.
type crs interface {
	toLonLat(x, y float64) (lon, lat float64, err error)
	fromLonLat(lon, lat float64) (x, y float64, err error)
}

// systems are the supported CRSs by EPSG code.
var systems = func() map[int]crs {
	m := map[int]crs{
		EPSGWGS84:       lonLat{}, // WGS 84
		4258:            lonLat{}, // ETRS89
		4171:            lonLat{}, // RGF93 v1
		EPSGWebMercator: webMercator{},
		// Lambert-93: origin 3°E 46°30'N at (700 000, 6 600 000), standard
		// parallels 44°N and 49°N (EPSG:2154).
		EPSGLambert93: newSecantLambert(grs80A, grs80E, 3, 46.5, 44, 49, 700000, 6600000),
	}
	// CC42 to CC50 (EPSG:3942–3950): zone z has its origin at 3°E z°N,
	// standard parallels z ± 0°45', and false origin
	// (1 700 000, (z − 41) × 1 000 000 + 200 000).
	for z := 42; z <= 50; z++ {
		lat := float64(z)
		m[3900+z] = newSecantLambert(grs80A, grs80E, 3, lat, lat-0.75, lat+0.75, 1700000, float64(z-41)*1e6+2e5)
	}
	return m
}()

// supportedCRS names the supported codes in error messages.
const supportedCRS = "4326, 4258, 4171, 2154, 3942 à 3950, 3857"

func lookupCRS(epsg int) (crs, error) {
	c, ok := systems[epsg]
	if !ok {
		return nil, fmt.Errorf("unsupported CRS EPSG:%d (supported: EPSG %s)", epsg, supportedCRS)
	}
	return c, nil
}

const deg = math.Pi / 180

// lonLat is a geographic CRS in longitude, latitude order.
type lonLat struct{}

func (lonLat) toLonLat(x, y float64) (float64, float64, error)   { return x, y, checkLat(y) }
func (lonLat) fromLonLat(x, y float64) (float64, float64, error) { return x, y, nil }

func checkLat(lat float64) error {
	if math.Abs(lat) > 90 {
		return fmt.Errorf("latitude %v beyond the pole", lat)
	}
	return nil
}

// wrapLon brings a longitude in radians into [−π, π].
func wrapLon(lon float64) float64 {
	if math.Abs(lon) <= math.Pi {
		return lon
	}
	lon = math.Mod(lon+math.Pi, 2*math.Pi)
	if lon < 0 {
		lon += 2 * math.Pi
	}
	return lon - math.Pi
}

// webMercator is EPSG:3857, "WGS 84 / Pseudo-Mercator": the spherical
// Mercator formulas applied to WGS 84 coordinates with the sphere of radius
// a (EPSG method 1024).
type webMercator struct{}

func (webMercator) fromLonLat(lon, lat float64) (float64, float64, error) {
	if err := checkLat(lat); err != nil {
		return 0, 0, err
	}
	if math.Abs(lat) == 90 {
		return 0, 0, fmt.Errorf("latitude %v: the pole is at infinity in Mercator", lat)
	}
	return grs80A * wrapLon(lon*deg), grs80A * math.Log(math.Tan(math.Pi/4+lat*deg/2)), nil
}

func (webMercator) toLonLat(x, y float64) (float64, float64, error) {
	return wrapLon(x/grs80A) / deg, math.Atan(math.Sinh(y/grs80A)) / deg, nil
}
