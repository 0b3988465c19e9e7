package pipelines

import (
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ligerdata/ligerdata/output"
)

// licence describes an open licence the way the catalogue needs it, with
// the two properties that decide whether data under it can be republished
// under another licence.
type licence struct {
	output.License
	nonCommercial bool // NC: no republication under an open licence
	shareAlike    bool // SA / ODbL: republish under the same licence only
}

// licences are the licences a definition may name, by the identifiers the
// data.gouv.fr harvester and Data Package descriptors use. Aliases map to
// the same entry.
var licences = map[string]licence{
	"etalab-2.0":      {License: output.License{ID: "etalab-2.0", Title: "Licence Ouverte / Open Licence version 2.0", URL: "https://www.etalab.gouv.fr/licence-ouverte-open-licence"}},
	"odc-odbl":        {License: output.License{ID: "odc-odbl", Title: "Open Database License (ODbL) 1.0", URL: "https://opendatacommons.org/licenses/odbl/1-0/"}, shareAlike: true},
	"odc-by":          {License: output.License{ID: "odc-by", Title: "Open Data Commons Attribution License 1.0", URL: "https://opendatacommons.org/licenses/by/1-0/"}},
	"cc-by-4.0":       {License: output.License{ID: "cc-by-4.0", Title: "Creative Commons Attribution 4.0 International", URL: "https://creativecommons.org/licenses/by/4.0/"}},
	"cc-by-sa-4.0":    {License: output.License{ID: "cc-by-sa-4.0", Title: "Creative Commons Attribution - Partage dans les mêmes conditions 4.0", URL: "https://creativecommons.org/licenses/by-sa/4.0/"}, shareAlike: true},
	"cc-by-nc-sa-4.0": {License: output.License{ID: "cc-by-nc-sa-4.0", Title: "Creative Commons Attribution - Pas d'utilisation commerciale - Partage dans les mêmes conditions 4.0", URL: "https://creativecommons.org/licenses/by-nc-sa/4.0/"}, nonCommercial: true, shareAlike: true},
	"cc0-1.0":         {License: output.License{ID: "cc0-1.0", Title: "Creative Commons Zero 1.0", URL: "https://creativecommons.org/publicdomain/zero/1.0/"}},
}

var licenceAliases = map[string]string{
	"lov2":             "etalab-2.0",
	"fr-lo":            "etalab-2.0",
	"licence-ouverte":  "etalab-2.0",
	"odbl":             "odc-odbl",
	"cc-by":            "cc-by-4.0",
	"cc-by-sa":         "cc-by-sa-4.0",
	"cc-by-nc-sa":      "cc-by-nc-sa-4.0",
	"cc-zero":          "cc0-1.0",
	"cc0":              "cc0-1.0",
	"etalab-licence-2": "etalab-2.0",
}

func lookupLicence(id string) (licence, bool) {
	id = strings.ToLower(strings.TrimSpace(id))
	if a, ok := licenceAliases[id]; ok {
		id = a
	}
	l, ok := licences[id]
	return l, ok
}

func licenceIDs() string {
	ids := make([]string, 0, len(licences))
	for id := range licences {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return strings.Join(ids, ", ")
}

// checkLicences reports an unknown licence and a republication that the
// source licence forbids: non-commercial data cannot become open data, and
// share-alike data keeps its licence.
func checkLicences(d *decoder, def *Definition, at func(string) *yaml.Node) {
	out, okOut := lookupLicence(def.Licence)
	if def.Licence != "" && !okOut {
		d.errorf(at("licence"), "licence", "unknown licence %q (known: %s)", def.Licence, licenceIDs())
	}
	src, okSrc := lookupLicence(def.SourceLicence)
	if def.SourceLicence != "" && !okSrc {
		d.errorf(at("source_licence"), "source_licence", "unknown licence %q (known: %s)", def.SourceLicence, licenceIDs())
	}
	if !okOut || !okSrc {
		return
	}
	switch {
	case src.shareAlike && out.ID != src.ID:
		d.errorf(at("licence"), "licence", "the source is under %s (share-alike): it can only be republished under the same licence", src.ID)
	case src.nonCommercial && !out.nonCommercial:
		d.errorf(at("licence"), "licence", "the source is under %s (non-commercial): it cannot be republished under %s", src.ID, out.ID)
	}
}
