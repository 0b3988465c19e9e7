package indicators

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"slices"

	"github.com/ligerdata/ligerdata/output"
)

// input is an input release resolved for a computation.
type input struct {
	InputRelease
	path      string // the data.parquet read
	reference bool
}

// resolveInputs finds the latest release of every input of def. A missing
// input is an error in French: the indicator cannot be computed yet.
func resolveInputs(publicDir string, def *Definition) ([]input, error) {
	var out []input
	var missing []string
	for _, id := range def.Inputs.All() {
		c := def.collectionOf(id)
		rel, err := c.Latest(publicDir, id)
		if errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, id)
			continue
		}
		if err != nil {
			return nil, err
		}
		info, err := c.Info(publicDir, id, rel)
		if err != nil {
			return nil, err
		}
		sum := info.SHA256[output.FileParquet]
		if sum == "" {
			return nil, fmt.Errorf("la version %s de %s n'a pas d'empreinte pour %s", rel, id, output.FileParquet)
		}
		out = append(out, input{
			InputRelease: InputRelease{
				Dataset: id, Release: rel, Published: info.Created,
				File: output.FileParquet, SHA256: sum,
				URL:       "/" + c.Path() + "/" + url.PathEscape(id) + "/" + url.PathEscape(rel) + "/" + output.FileParquet,
				Indicator: c == output.CollectionIndicators,
			},
			path:      filepath.Join(info.Dir, output.FileParquet),
			reference: slices.Contains(def.Inputs.References, id),
		})
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("jeu de données non publié : %s (l'indicateur sera calculé après sa première publication)", joinFrench(missing))
	}
	return out, nil
}

// collectionOf is where input id of def is published: an indicator among
// the indicators, else a dataset.
func (def *Definition) collectionOf(id string) output.Collection {
	if slices.Contains(def.Inputs.Indicators, id) {
		return output.CollectionIndicators
	}
	return output.CollectionDatasets
}

// Unpublished returns the inputs of def that have no published release
// yet: the indicator cannot be computed before they have.
func Unpublished(publicDir string, def *Definition) []string {
	var out []string
	for _, id := range def.Inputs.All() {
		if _, err := def.collectionOf(id).Latest(publicDir, id); err != nil {
			out = append(out, id)
		}
	}
	return out
}

// Waiting returns the inputs of def that have no published release yet,
// leaving out the indicators of batch: computed before def in the same
// batch (ComputeAll), they will be published by then.
func Waiting(publicDir string, def *Definition, batch []*Definition) []string {
	var out []string
	for _, id := range Unpublished(publicDir, def) {
		if !slices.ContainsFunc(batch, func(d *Definition) bool { return d.ID == id && def.collectionOf(id) == output.CollectionIndicators }) {
			out = append(out, id)
		}
	}
	return out
}

// inputsDigest sums the definition and the content of every input: the
// same digest means the same figures, whatever the release ids.
func inputsDigest(def *Definition, inputs []input) string {
	h := sha256.New()
	fmt.Fprintf(h, "definition %s\n", def.Digest)
	for _, in := range inputs {
		fmt.Fprintf(h, "input %s %s\n", in.Dataset, in.SHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// joinFrench joins items as "a, b et c".
func joinFrench(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	out := ""
	for i, s := range items[:len(items)-1] {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out + " et " + items[len(items)-1]
}
