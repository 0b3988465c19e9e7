package schemas

import "github.com/ligerdata/ligerdata/internal/openinghours"

// FormatOpeningHours is a string format of ours: the value follows the
// OpenStreetMap opening_hours syntax (the subset internal/openinghours
// checks), as the national schema of places of digital inclusion asks of
// its horaires field. A value outside it is a type error.
const FormatOpeningHours = "opening_hours"

var openingHoursCaster = castSpec{
	cast: func(s string) (Value, bool) {
		if openinghours.Valid(s) != nil {
			return nil, false
		}
		return s, true
	},
	what:   "un horaire au format OpenStreetMap (opening_hours) valide",
	expect: "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00",
}
