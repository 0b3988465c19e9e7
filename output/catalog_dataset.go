package output

import (
	"fmt"
	"strings"
	"time"
)

// DatasetDocument describes the latest release of one dataset (or
// indicator) of collection c as its catalogue node does, as a document of
// its own: Turtle when turtle is set, else JSON-LD with the catalogue's
// context. meta.BaseURL is the root of its IRIs, so the site can answer a
// dataset's DCAT identifier under the address it is served from. An
// unknown id is an error wrapping fs.ErrNotExist.
func DatasetDocument(publicDir string, c Collection, id string, meta CatalogMeta, turtle bool) ([]byte, error) {
	if err := checkName(id); err != nil {
		return nil, fmt.Errorf("output: dataset document: %w", err)
	}
	base := strings.TrimRight(meta.BaseURL, "/")
	node, _, err := datasetGraph(publicDir, base, c, id, meta, time.Now().UTC())
	if err != nil {
		return nil, fmt.Errorf("output: dataset document %s %s: %w", c.Path(), id, err)
	}
	if turtle {
		return writeTurtle(node), nil
	}
	b, err := marshalJSON(map[string]any{"@context": jsonldContext(), "@graph": []any{node.jsonld()}})
	if err != nil {
		return nil, fmt.Errorf("output: dataset document %s: %w", id, err)
	}
	return b, nil
}
