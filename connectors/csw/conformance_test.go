package csw

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/connectors/connectortest"
)

// cswPath is the path of the endpoint in the tests' URLs.
const cswPath = "/geonetwork/srv/fre/csw"

// conformanceReplay writes, in a temporary folder, the replay recording of
// the one-page catalogue testdata/conformance/getrecords.xml, matched by the
// hash of the body the default configuration sends for page 1.
//
// The suite's Unchanged304 subtest looks previous validators up by method
// and URL only, so every page of a multi-page POST paging would share one
// entry: the suite runs on a single page, and paging is tested below.
func conformanceReplay(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	body, err := os.ReadFile("testdata/conformance/getrecords.xml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "getrecords.xml"), body, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := Kind.NewConfig().(*Config)
	sum := sha256.Sum256(GetRecordsBody(cfg.OutputSchema, cfg.Constraint, 1, cfg.PageSize))
	meta, err := json.Marshal(map[string]any{
		"method":              "POST",
		"url":                 "https://catalogue.example" + cswPath,
		"status":              200,
		"headers":             map[string][]string{"Content-Type": {"application/xml;charset=UTF-8"}},
		"body_file":           "getrecords.xml",
		"request_body_sha256": hex.EncodeToString(sum[:]),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "getrecords.json"), meta, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestConformance(t *testing.T) {
	connectortest.Run(t, connectortest.Options{
		Kind: Kind,
		Config: func(baseURL string) connectors.Config {
			c := Kind.NewConfig().(*Config)
			c.URL = baseURL + cswPath
			return c
		},
		Replay: conformanceReplay(t),
		Golden: "testdata/conformance.golden.json",
		BadConfigs: []connectortest.BadConfig{
			{Name: "nothing set", Config: &Config{}, WantPaths: []string{"url", "output_schema", "page_size"}},
			{Name: "ftp url and DCAT output", Config: &Config{URL: "ftp://www.geopal.org/csw", OutputSchema: "http://www.w3.org/ns/dcat#", PageSize: 50}, WantPaths: []string{"url", "output_schema"}},
			{Name: "page too large and negative cap", Config: &Config{URL: "https://www.geopal.org" + cswPath, OutputSchema: SchemaGMD, PageSize: MaxPageSize + 1, MaxRecords: -1}, WantPaths: []string{"page_size", "max_records"}},
			{Name: "control character in constraint", Config: &Config{URL: "https://www.geopal.org" + cswPath, OutputSchema: SchemaGMD, PageSize: 50, Constraint: "type = 'dataset'\x00"}, WantPaths: []string{"constraint"}},
			{Name: "url without host", Config: &Config{URL: "https://" + cswPath, OutputSchema: SchemaGMD, PageSize: 50}, WantPaths: []string{"url"}},
		},
		MinRecords: 2,
		Key:        func(r connectors.Record) string { return fmt.Sprint(r.Fields["identifier"]) },
	})
}
