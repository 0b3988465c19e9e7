package indicators

import (
	"github.com/ligerdata/ligerdata/internal/yamldef"
	"github.com/ligerdata/ligerdata/output"
)

// checkLicence checks the licence of an indicator release against the
// licences of the datasets it reads (Loader.Licences). An indicator table is
// a database derived from its inputs: an input under a share-alike licence
// (ODbL, CC BY-SA…) passes its licence on to the indicator, and a
// non-commercial input makes the indicator non-commercial. Inputs whose
// licence is unknown to the loader are not checked.
func (l *Loader) checkLicence(d *yamldef.Decoder, def *Definition) {
	if l.Licences == nil || def.Licence == "" {
		return
	}
	out, okOut := output.LicenseFor(def.Licence)
	if !okOut {
		return // reported with the unknown licence
	}
	at := yamldef.ValueNode(def.node, "licence")
	if at == nil {
		at = def.node
	}
	for _, in := range def.Inputs.All() {
		id, ok := l.Licences[in]
		if !ok {
			continue
		}
		src, ok := output.LicenseFor(id)
		if !ok {
			continue
		}
		switch {
		case src.ShareAlike && src.URI != out.URI:
			d.Errorf(at, "licence", "input %s is under %s (share-alike): an indicator derived from it must be published under %s too", in, id, id)
		case src.NonCommercial && !out.NonCommercial:
			d.Errorf(at, "licence", "input %s is under %s (non-commercial): the indicator cannot be published under %s", in, id, def.Licence)
		}
	}
}
