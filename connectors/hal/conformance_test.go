package hal

import (
	"testing"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/connectors/connectortest"
)

// replayDir holds the recordings of the demo, made for the configuration
// of pipelines/hal-publications.yaml (pipelineConfig).
const replayDir = "../../testdata/replay/hal"

// pipelineStructures are the structures of pipelines/hal-publications.yaml.
var pipelineStructures = []int64{1100589, 93263, 24140, 301088, 1041, 481355, 301215}

// pipelineConfig is the source block of pipelines/hal-publications.yaml,
// with the search endpoint at baseURL.
func pipelineConfig(baseURL string) *Config {
	c := Kind.NewConfig().(*Config)
	c.URL = baseURL
	c.Structures = append([]int64(nil), pipelineStructures...)
	c.Rows = 15
	return c
}

func TestConformance(t *testing.T) {
	connectortest.Run(t, connectortest.Options{
		Kind: Kind,
		Config: func(baseURL string) connectors.Config {
			return pipelineConfig(baseURL + "/search/")
		},
		Replay: replayDir,
		Golden: "testdata/conformance.golden.json",
		BadConfigs: []connectortest.BadConfig{
			{Name: "nothing set", Config: &Config{}, WantPaths: []string{"url", "query", "fields", "rows", "modified_field"}},
			{Name: "everything wrong", Config: &Config{
				URL: "ftp://api.archives-ouvertes.fr/search/", Collection: "UNIV NANTES", Query: " ",
				Filters: []string{""}, Structures: []int64{0, 24140, 24140}, Fields: []string{"title_s", "docid;drop"},
				Rows: 10001, ModifiedField: "modifiedDate_s",
			}, WantPaths: []string{"url", "collection", "query", "filters", "structures", "fields", "rows", "modified_field"}},
			{Name: "query string in url", Config: func() *Config {
				c := pipelineConfig("https://api.archives-ouvertes.fr/search/?q=*:*")
				return c
			}(), WantPaths: []string{"url"}},
		},
		MinRecords: 40,
		Key:        func(r connectors.Record) string { s, _ := r.Fields[FieldDocID].(string); return s },
	})
}
