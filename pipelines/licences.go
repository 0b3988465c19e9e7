package pipelines

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ligerdata/ligerdata/output"
)

// lookupLicence finds a licence a definition names, by the identifiers of
// package output's licence table (Data Package ids, udata ids, aliases).
// URLs are not accepted here: a definition names licences by id.
func lookupLicence(id string) (output.CatalogLicense, output.License, bool) {
	key := strings.ToLower(strings.TrimSpace(id))
	if key == "" || strings.Contains(key, "/") {
		return output.CatalogLicense{}, output.License{}, false
	}
	l, ok := output.LicenseFor(key)
	if !ok {
		return output.CatalogLicense{}, output.License{}, false
	}
	for _, known := range output.LicenseIDs() {
		if k, _ := output.LicenseFor(known); k.URI == l.URI {
			return l, output.License{ID: known, Title: l.Label, URL: l.URI}, true
		}
	}
	return output.CatalogLicense{}, output.License{}, false
}

// checkLicences reports an unknown licence and a republication that the
// source licence forbids: non-commercial data cannot become open data, and
// share-alike data keeps its licence.
func checkLicences(d *decoder, def *Definition, at func(string) *yaml.Node) {
	known := strings.Join(output.LicenseIDs(), ", ")
	out, outID, okOut := lookupLicence(def.Licence)
	if def.Licence != "" && !okOut {
		d.errorf(at("licence"), "licence", "licence inconnue « %s » (connues : %s)", def.Licence, known)
	}
	src, srcID, okSrc := lookupLicence(def.SourceLicence)
	if def.SourceLicence != "" && !okSrc {
		d.errorf(at("source_licence"), "source_licence", "licence inconnue « %s » (connues : %s)", def.SourceLicence, known)
	}
	if !okOut || !okSrc {
		return
	}
	switch {
	case src.ShareAlike && outID.ID != srcID.ID:
		d.errorf(at("licence"), "licence", "la source est sous %s (partage à l'identique) : elle ne peut être republiée que sous la même licence", srcID.ID)
	case src.NonCommercial && !out.NonCommercial:
		d.errorf(at("licence"), "licence", "la source est sous %s (pas d'usage commercial) : elle ne peut pas être republiée sous %s", srcID.ID, outID.ID)
	}
}
