package pipelines

import (
	"errors"
	"fmt"

	"github.com/ligerdata/ligerdata/internal/openinghours"
)

// cellWarning is a doubt about one cell of an accepted row: the row is
// published, the cell as the warning says, and the warning goes to the
// release's warnings.csv with the original value.
type cellWarning struct {
	Code    string
	Value   string // the source value, before the step that gave up
	Message string // French
}

// CodeOpeningHoursDropped is the warning of a value of opening hours that
// opening_hours_fr could not convert: it is not published.
const CodeOpeningHoursDropped = "opening-hours-not-converted"

// openingHoursFR converts French opening hours to the OpenStreetMap
// syntax (internal/openinghours.FromFrench). A value it cannot convert
// faithfully is not published: it gives "" and a warning with the reason.
func openingHoursFR(s string) (string, *cellWarning) {
	out, err := openinghours.FromFrench(s)
	if err == nil {
		return out, nil
	}
	reason := err.Error()
	var ce *openinghours.ConversionError
	if errors.As(err, &ce) {
		reason = ce.Reason
	}
	return "", &cellWarning{
		Code:    CodeOpeningHoursDropped,
		Value:   s,
		Message: fmt.Sprintf("Horaires « %s » non publiés : ils n'ont pas pu être écrits au format OpenStreetMap (%s).", s, reason),
	}
}
