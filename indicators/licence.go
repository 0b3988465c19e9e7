package indicators

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/ligerdata/ligerdata/internal/yamldef"
	"github.com/ligerdata/ligerdata/output"
)

// checkLicence checks the licence of an indicator release against the
// licences of the datasets it reads (Loader.Licences). An indicator table is
// a database derived from its inputs: an input under a share-alike licence
// (ODbL, CC BY-SA…) passes its licence on to the indicator, and a
// non-commercial input makes the indicator non-commercial. Inputs whose
// licence is unknown to the loader are not checked; the indicators it reads
// are checked once all are loaded (checkIndicatorInputs).
func (l *Loader) checkLicence(d *yamldef.Decoder, def *Definition) {
	if l.Licences == nil || def.Licence == "" {
		return
	}
	for _, in := range def.Inputs.All() {
		if msg := licenceConflict(def, in, l.Licences[in]); msg != "" {
			d.Errorf(licenceNode(def), "licence", "%s", msg)
		}
	}
}

// licenceConflict says why def cannot be published under its licence when
// it reads input in published under licence id; "" when it can, or when
// either licence is unknown (an unknown licence is reported elsewhere).
func licenceConflict(def *Definition, in, id string) string {
	out, okOut := output.LicenseFor(def.Licence)
	src, okSrc := output.LicenseFor(id)
	if !okOut || !okSrc {
		return ""
	}
	switch {
	case src.ShareAlike && src.URI != out.URI:
		return fmt.Sprintf("l'entrée %s est sous %s (partage à l'identique) : un indicateur qui en dérive doit aussi être publié sous %s", in, id, id)
	case src.NonCommercial && !out.NonCommercial:
		return fmt.Sprintf("l'entrée %s est sous %s (pas d'usage commercial) : l'indicateur ne peut pas être publié sous %s", in, id, def.Licence)
	}
	return ""
}

// licenceNode is where a licence error of def points: its licence key, or
// the definition itself when the key is absent.
func licenceNode(def *Definition) *yaml.Node {
	if at := yamldef.ValueNode(def.node, "licence"); at != nil {
		return at
	}
	return def.node
}
