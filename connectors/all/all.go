// Package all lists the built-in connector kinds.
package all

import (
	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/connectors/communes"
	"github.com/ligerdata/ligerdata/connectors/csw"
	"github.com/ligerdata/ligerdata/connectors/file"
	"github.com/ligerdata/ligerdata/connectors/frequentation"
	"github.com/ligerdata/ligerdata/connectors/hal"
	"github.com/ligerdata/ligerdata/connectors/opendatasoft"
	"github.com/ligerdata/ligerdata/connectors/ping"
	"github.com/ligerdata/ligerdata/connectors/wfs"
)

// Registry returns a new registry holding every built-in kind.
func Registry() *connectors.Registry {
	return connectors.NewRegistry(
		communes.Kind,
		csw.Kind,
		file.Kind,
		frequentation.Kind,
		hal.Kind,
		opendatasoft.Kind,
		ping.Kind,
		wfs.Kind,
	)
}
