package indicators_test

import (
	"testing"

	"github.com/ligerdata/ligerdata/connectors/all"
	"github.com/ligerdata/ligerdata/indicators"
	"github.com/ligerdata/ligerdata/pipelines"
	"github.com/ligerdata/ligerdata/schemas"
)

// TestEmbeddedIndicatorsPassLint checks every embedded indicator as
// `ligerdata lint` does: its inputs are datasets the embedded pipelines
// publish, its licence respects theirs (ODbL inputs make ODbL indicators),
// its query prepares in DuckDB against their schemas and returns the
// declared columns, and its audits are well formed.
func TestEmbeddedIndicatorsPassLint(t *testing.T) {
	inputs, licences := publishedSchemas(t)
	l := &indicators.Loader{Inputs: inputs, Licences: licences, Prepare: true}
	defs, err := l.LoadAll(indicators.Embedded)
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) == 0 {
		t.Fatal("no embedded indicator")
	}
}

// publishedSchemas maps every dataset an embedded pipeline publishes to its
// schema, and to its licence.
func publishedSchemas(t *testing.T) (map[string]*schemas.Schema, map[string]string) {
	t.Helper()
	pdefs, err := (&pipelines.Loader{Registry: all.Registry()}).LoadAll(pipelines.Embedded)
	if err != nil {
		t.Fatal(err)
	}
	inputs, licences := map[string]*schemas.Schema{}, map[string]string{}
	for _, d := range pdefs {
		inputs[d.Dataset], licences[d.Dataset] = d.TableSchema, d.Licence
	}
	return inputs, licences
}
