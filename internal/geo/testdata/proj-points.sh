#!/bin/sh
# Writes proj-points.csv: reference values computed by PROJ's cs2cs for the
# tests of the pure-Go transformations (crs.go, lambert.go). The tests read
# the CSV and never need PROJ. Regenerate (PROJ 9 installed) with:
#
#	sh internal/geo/testdata/proj-points.sh > internal/geo/testdata/proj-points.csv
#
# Columns: epsg, direction, lon, lat, x, y. A "forward" row gives PROJ's
# projection of a round WGS 84 position (lon, lat), an "inverse" row PROJ's
# WGS 84 position of round projected coordinates (x, y). EPSG:4326 is given
# to cs2cs in its authority order (latitude first).
set -eu
echo "epsg,direction,lon,lat,x,y"

# grid LON0 LON1 LAT0 LAT1 STEPS: STEPS x STEPS positions "lat lon".
grid() {
	awk -v a="$1" -v b="$2" -v c="$3" -v d="$4" -v n="$5" 'BEGIN {
		for (i = 0; i < n; i++) for (j = 0; j < n; j++)
			printf "%.6f %.6f\n", c + (d - c) * j / (n - 1), a + (b - a) * i / (n - 1) }'
}

# forward EPSG LON0 LON1 LAT0 LAT1
forward() {
	grid "$2" "$3" "$4" "$5" 7 > /tmp/proj-points.in
	cs2cs -f %.4f EPSG:4326 "EPSG:$1" < /tmp/proj-points.in | paste -d' ' /tmp/proj-points.in - |
		awk -v e="$1" '{ printf "%s,forward,%s,%s,%s,%s\n", e, $2, $1, $3, $4 }'
}

# inverse EPSG X0 X1 Y0 Y1
inverse() {
	awk -v a="$2" -v b="$3" -v c="$4" -v d="$5" 'BEGIN {
		for (i = 0; i < 5; i++) for (j = 0; j < 5; j++)
			printf "%.0f %.0f\n", a + (b - a) * i / 4, c + (d - c) * j / 4 }' > /tmp/proj-points.in
	cs2cs -f %.10f "EPSG:$1" EPSG:4326 < /tmp/proj-points.in | paste -d' ' /tmp/proj-points.in - |
		awk -v e="$1" '{ printf "%s,inverse,%s,%s,%s,%s\n", e, $4, $3, $1, $2 }'
}

# Lambert-93 over metropolitan France and Corsica.
forward 2154 -5.5 9.6 41.3 51.1
inverse 2154 100000 1250000 6040000 7120000
# CC42 to CC50, each over its band of latitude (zone ± 1°).
for z in 42 43 44 45 46 47 48 49 50; do
	forward "39$z" -5 9 "$((z - 1))" "$((z + 1))"
	inverse "39$z" 1100000 2300000 "$(((z - 41) * 1000000 + 200000 - 110000))" "$(((z - 41) * 1000000 + 200000 + 110000))"
done
# Web Mercator over the world.
forward 3857 -180 180 -85 85
inverse 3857 -20000000 20000000 -20000000 20000000
rm -f /tmp/proj-points.in
