package pipelines

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ligerdata/ligerdata/internal/geo"
	"github.com/ligerdata/ligerdata/schemas"
	"gopkg.in/yaml.v3"
)

// CoordinatesSpec says how the positions of a dataset are checked. Every
// pipeline whose schema has latitude and longitude fields is checked, with
// the defaults below when it declares nothing.
type CoordinatesSpec struct {
	Latitude  string `yaml:"latitude"`  // field, default latitude
	Longitude string `yaml:"longitude"` // field, default longitude
	// Area is a key of geo.Areas: pays-de-la-loire (default) or france.
	Area string `yaml:"area"`
	// MarginKM grows the area on every side (default 10).
	MarginKM *float64 `yaml:"margin_km"`
	// OnImplausible is what happens to a row whose position is 0,0, outside
	// the area, or swapped: reject (default) the row; drop its position and
	// publish it with a warning; repair swaps a swapped pair back (with a
	// warning) and drops the others' position like drop.
	OnImplausible string `yaml:"on_implausible"`
}

// Policies of CoordinatesSpec.OnImplausible.
const (
	CoordinatesReject = "reject"
	CoordinatesDrop   = "drop"
	CoordinatesRepair = "repair"
)

const defaultMarginKM = 10

// coordCheck is a resolved CoordinatesSpec.
type coordCheck struct {
	lat, lon int // field indexes
	area     geo.Area
	marginKM float64
	policy   string
}

// checkCoordinates resolves def.Coordinates (or the defaults when the
// schema has latitude and longitude fields) into def.coords.
func checkCoordinates(d *decoder, def *Definition, at func(string) *yaml.Node) {
	spec := CoordinatesSpec{}
	if def.Coordinates != nil {
		spec = *def.Coordinates
	}
	node := at("coordinates")
	ts := def.TableSchema
	latName, lonName := orDefault(spec.Latitude, "latitude"), orDefault(spec.Longitude, "longitude")
	c := &coordCheck{lat: ts.FieldIndex(latName), lon: ts.FieldIndex(lonName), marginKM: defaultMarginKM, policy: orDefault(spec.OnImplausible, CoordinatesReject)}
	if c.lat < 0 || c.lon < 0 {
		if def.Coordinates != nil {
			d.errorf(node, "coordinates", "schema %s has no fields %s and %s", def.Schema, latName, lonName)
		}
		return
	}
	area, ok := geo.Areas[orDefault(spec.Area, "pays-de-la-loire")]
	if !ok {
		d.errorf(valueNode(node, "area"), "coordinates.area", "unknown area %q (known: %s)", spec.Area, strings.Join(areaNames(), ", "))
	}
	c.area = area
	if spec.MarginKM != nil {
		if *spec.MarginKM < 0 {
			d.errorf(valueNode(node, "margin_km"), "coordinates.margin_km", "must be 0 or more (got %v)", *spec.MarginKM)
		}
		c.marginKM = *spec.MarginKM
	}
	switch c.policy {
	case CoordinatesReject, CoordinatesDrop, CoordinatesRepair:
	default:
		d.errorf(valueNode(node, "on_implausible"), "coordinates.on_implausible", "must be reject, drop or repair (got %q)", spec.OnImplausible)
	}
	def.coords = c
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func areaNames() []string {
	names := make([]string, 0, len(geo.Areas))
	for n := range geo.Areas {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// apply checks the position in cells. An implausible one gives an error
// (reject) or, once dropped or repaired in cells, a warning. Cells that are
// empty or not numbers are left to the schema.
func (c *coordCheck) apply(cells []string, row, line int, ts *schemas.Schema) (errs, warns []schemas.Error) {
	latCell, lonCell := cells[c.lat], cells[c.lon]
	lat, err1 := strconv.ParseFloat(latCell, 64)
	lon, err2 := strconv.ParseFloat(lonCell, 64)
	if latCell == "" || lonCell == "" || err1 != nil || err2 != nil {
		return nil, nil
	}
	bad := geo.CheckPosition(lat, lon, c.area, c.marginKM)
	if bad == nil {
		return nil, nil
	}
	e := schemas.Error{Code: bad.Code, Row: row, Line: line, Field: ts.Fields[c.lat].Name, FieldNumber: c.lat + 1,
		Value: latCell + ", " + lonCell}
	what := fmt.Sprintf("Position (latitude %s, longitude %s) improbable : %s", latCell, lonCell, bad.Hint)
	switch {
	case c.policy == CoordinatesReject:
		e.Message = what + "."
		return []schemas.Error{e}, nil
	case c.policy == CoordinatesRepair && bad.Code == geo.CodeCoordinatesSwapped:
		cells[c.lat], cells[c.lon] = lonCell, latCell
		e.Message = what + " ; elles ont été échangées."
	default:
		cells[c.lat], cells[c.lon] = "", ""
		e.Message = what + " ; la position n'est pas publiée."
	}
	return nil, []schemas.Error{e}
}
