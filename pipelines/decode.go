package pipelines

import (
	"reflect"

	"gopkg.in/yaml.v3"

	"github.com/ligerdata/ligerdata/internal/yamldef"
)

// DefError is one problem in a definition file, with its position.
type DefError = yamldef.Error

// DefErrors is every problem found in one or more definition files.
type DefErrors = yamldef.Errors

// decoder is the strict YAML decoder of internal/yamldef, with the short
// names this package's checks use.
type decoder struct{ yamldef.Decoder }

func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	d.Errorf(n, path, format, args...)
}

func (d *decoder) decode(n *yaml.Node, path string, v reflect.Value) { d.Decode(n, path, v) }

var (
	parseYAML = yamldef.Parse
	suggest   = yamldef.Suggest
	valueNode = yamldef.ValueNode
	keyNode   = yamldef.KeyNode
	seqItem   = yamldef.SeqItem
)
