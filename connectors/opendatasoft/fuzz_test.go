package opendatasoft

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ligerdata/ligerdata/connectors"
)

// seedFiles adds the files matching pattern to the corpus of f.
func seedFiles(f *testing.F, pattern string) {
	f.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed matches %s", pattern)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checkRecords fails on a record that breaks the connectors.Record contract.
func checkRecords(t *testing.T, recs []connectors.Record) {
	for i, r := range recs {
		if r.Fields == nil || r.Line < 1 {
			t.Fatalf("record %d: %+v", i, r)
		}
	}
}

// FuzzReadCSV feeds CSV exports to the CSV reader: the recorded tourism and
// ESR exports (shaped on real ones; the ESR rows start with the ministry's
// real excerpt) and small malformed variants.
func FuzzReadCSV(f *testing.F) {
	seedFiles(f, "../../testdata/replay/ods-*/*.csv")
	f.Add([]byte("\ufeffid;localisation\r\n1;\"47.2, -1.5\"\r\n2;\"x\r\n"))
	f.Add([]byte("a;b\n1;\"2\"3\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		var recs []connectors.Record
		err := readCSV(body, ';', map[string]bool{"localisation": true}, func(r connectors.Record) error {
			recs = append(recs, r)
			return nil
		})
		if err == nil {
			checkRecords(t, recs)
		}
	})
}

// FuzzReadJSONL feeds JSON-lines exports to the JSONL reader.
func FuzzReadJSONL(f *testing.F) {
	seedFiles(f, "../../testdata/replay/ods-esr/*.jsonl")
	f.Add([]byte(`{"geo_point_2d":{"lon":-1.55,"lat":47.2}}` + "\n" + `[1]` + "\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		var recs []connectors.Record
		if err := readJSONL(body, func(r connectors.Record) error { recs = append(recs, r); return nil }); err == nil {
			checkRecords(t, recs)
		}
		recs = nil
		if err := readGeoJSON(body, func(r connectors.Record) error { recs = append(recs, r); return nil }); err == nil {
			checkRecords(t, recs)
		}
	})
}

// FuzzParseMetadata feeds catalogue entries: the recorded ones and the
// Explore v2.0 OpenAPI example, in its "dataset" wrapper.
func FuzzParseMetadata(f *testing.F) {
	seedFiles(f, "../../testdata/replay/ods-*/*.metadata.body.json")
	f.Add([]byte(`{"links":[],"dataset":{"dataset_id":"geonames-all-cities-with-a-population-1000","metas":{"default":{"records_count":137611,"license":"CC BY 4.0"}}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := ParseMetadata(body)
		if err == nil && m.ID == "" {
			t.Fatal("metadata without an id accepted")
		}
	})
}
