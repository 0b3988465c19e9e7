package ping

import (
	"fmt"
	"testing"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/connectors/connectortest"
)

func TestConformance(t *testing.T) {
	connectortest.Run(t, connectortest.Options{
		Kind: Kind,
		Config: func(baseURL string) connectors.Config {
			c := Kind.NewConfig().(*Config)
			c.URL = baseURL + "/carte/_geodata/lieux.js.php"
			return c
		},
		Replay: fixtureDir,
		Golden: "testdata/conformance.golden.json",
		BadConfigs: []connectortest.BadConfig{
			{Name: "nothing set", Config: &Config{}, WantPaths: []string{"url", "variable"}},
			{Name: "ftp url and bad variable", Config: &Config{URL: "ftp://parcoursnumeriques.net/lieux.js", Variable: "1lieux"}, WantPaths: []string{"url", "variable"}},
			{Name: "url without host", Config: &Config{URL: "http:///carte/_geodata/lieux.js.php", Variable: "lieux"}, WantPaths: []string{"url"}},
		},
		MinRecords: 50,
		Key:        func(r connectors.Record) string { return fmt.Sprint(r.Fields["id"]) },
	})
}
