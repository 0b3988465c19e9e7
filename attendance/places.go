package attendance

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/schemas"
)

// PlaceDatasets are the published datasets of places, in the national
// schema, whose ids a submission may name: the regional export and
// PiNG's map.
var PlaceDatasets = []string{"lieux-mediation-numerique-pdl", "ping-lieux-mediation"}

// Place is one place on the map.
type Place struct {
	ID, Name, Commune, INSEE string
}

// PlaceTable is the places of the latest published releases, by id.
type PlaceTable map[string]Place

// Known reports whether id is on the map.
func (t PlaceTable) Known(id string) bool { _, ok := t[id]; return ok }

// Sorted returns the places sorted by name, then id.
func (t PlaceTable) Sorted() []Place {
	out := make([]Place, 0, len(t))
	for _, p := range t {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Place) int { return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID)) })
	return out
}

// LoadPlaces reads the latest release of each of PlaceDatasets from the
// published tree; a dataset not published yet adds no place.
func LoadPlaces(publicDir string) (PlaceTable, error) {
	s, err := schemas.Load("lieux-mediation-numerique")
	if err != nil {
		return nil, fmt.Errorf("attendance: %w", err)
	}
	id, name, commune, insee := s.FieldIndex("id"), s.FieldIndex("nom"), s.FieldIndex("commune"), s.FieldIndex("code_insee")
	str := func(v schemas.Value) string { x, _ := v.(string); return x }
	out := PlaceTable{}
	for _, ds := range PlaceDatasets {
		rel, err := output.CollectionDatasets.Latest(publicDir, ds)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("attendance: places: %w", err)
		}
		err = output.CollectionDatasets.ReadRows(publicDir, ds, rel, s, func(v []schemas.Value) error {
			p := Place{ID: str(v[id]), Name: str(v[name]), Commune: str(v[commune]), INSEE: str(v[insee])}
			if _, seen := out[p.ID]; !seen && p.ID != "" {
				out[p.ID] = p
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("attendance: places of %s: %w", ds, err)
		}
	}
	return out, nil
}
