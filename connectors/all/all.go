// Package all lists the built-in connector kinds.
package all

import (
	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/connectors/file"
	"github.com/ligerdata/ligerdata/connectors/ping"
)

// Registry returns a new registry holding every built-in kind.
func Registry() *connectors.Registry {
	return connectors.NewRegistry(
		file.Kind,
		ping.Kind,
	)
}
