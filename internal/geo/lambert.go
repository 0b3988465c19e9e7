package geo

// The Lambert conformal conic projection on an ellipsoid, as the IGN
// describes it in its note NTG_71 ("Projection cartographique conique
// conforme de Lambert", algorithms ALG0001 to ALG0004 and ALG0054), with
// the notation of the note: e the eccentricity, n the exponent of the
// projection, c the projection constant, lonC the longitude of the origin,
// (xs, ys) the coordinates of the pole in the projection.

import (
	"fmt"
	"math"
)

type lambertConic struct {
	e, n, c, lonC, xs, ys float64 // lonC in radians
}

// newSecantLambert computes the constants of a projection secant along two
// parallels (ALG0054): ellipsoid semi-major axis a and eccentricity e, origin
// lon0, lat0 and standard parallels lat1, lat2 in degrees, false easting x0
// and northing y0 in metres.
func newSecantLambert(a, e, lon0, lat0, lat1, lat2, x0, y0 float64) lambertConic {
	p1, p2 := lat1*deg, lat2*deg
	m1, m2 := smallCircle(e, p1), smallCircle(e, p2)
	l1, l2 := isometricLatitude(e, p1), isometricLatitude(e, p2)
	n := math.Log(m2/m1) / (l1 - l2)
	c := a * m1 / n * math.Exp(n*l1)
	return lambertConic{
		e: e, n: n, c: c, lonC: lon0 * deg,
		xs: x0, ys: y0 + c*math.Exp(-n*isometricLatitude(e, lat0*deg)),
	}
}

// smallCircle is the radius of the parallel at latitude phi on an
// ellipsoid of semi-major axis 1: cos φ / √(1 − e² sin² φ).
func smallCircle(e, phi float64) float64 {
	s := e * math.Sin(phi)
	return math.Cos(phi) / math.Sqrt(1-s*s)
}

// isometricLatitude is ALG0001: L = ln(tan(π/4 + φ/2) · ((1 − e sin φ)/(1 + e sin φ))^(e/2)).
func isometricLatitude(e, phi float64) float64 {
	s := e * math.Sin(phi)
	return math.Log(math.Tan(math.Pi/4+phi/2)) + e/2*math.Log((1-s)/(1+s))
}

// latitudeFromIsometric is ALG0002, the inverse of isometricLatitude by
// fixed-point iteration until two values differ by less than 1e-12 radian
// (about 6 µm on the ground); it converges in about ten steps in France.
func latitudeFromIsometric(e, l float64) float64 {
	expL := math.Exp(l)
	phi := 2*math.Atan(expL) - math.Pi/2
	for range 50 {
		s := e * math.Sin(phi)
		next := 2*math.Atan(math.Pow((1+s)/(1-s), e/2)*expL) - math.Pi/2
		if math.Abs(next-phi) < 1e-12 {
			return next
		}
		phi = next
	}
	return phi
}

// project is ALG0003 with angles in radians.
func (p lambertConic) project(lon, lat float64) (x, y float64) {
	r := p.c * math.Exp(-p.n*isometricLatitude(p.e, lat))
	theta := p.n * wrapLon(lon-p.lonC)
	return p.xs + r*math.Sin(theta), p.ys - r*math.Cos(theta)
}

// unproject is ALG0004 with angles in radians.
func (p lambertConic) unproject(x, y float64) (lon, lat float64) {
	dx, dy := x-p.xs, p.ys-y
	r := math.Hypot(dx, dy)
	gamma := math.Atan2(dx, dy)
	l := -math.Log(r/p.c) / p.n
	return wrapLon(p.lonC + gamma/p.n), latitudeFromIsometric(p.e, l)
}

func (p lambertConic) fromLonLat(lon, lat float64) (float64, float64, error) {
	if err := checkLat(lat); err != nil {
		return 0, 0, err
	}
	if lat == -90 {
		return 0, 0, fmt.Errorf("latitude %v: the south pole is at infinity in this projection", lat)
	}
	x, y := p.project(lon*deg, lat*deg)
	return x, y, nil
}

func (p lambertConic) toLonLat(x, y float64) (float64, float64, error) {
	lon, lat := p.unproject(x, y)
	return lon / deg, lat / deg, nil
}
