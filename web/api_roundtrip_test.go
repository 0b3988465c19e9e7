package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/ligerdata/ligerdata/connectors/all"
	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
	"github.com/ligerdata/ligerdata/pipelines"
	"github.com/ligerdata/ligerdata/schemas"
)

// TestAPIRoundTrip points our own opendatasoft connector at our own API:
// a pipeline harvests the published dataset through each export format,
// and the release it publishes holds exactly the published rows.
func TestAPIRoundTrip(t *testing.T) {
	srv, public := apiServer(t)
	schemaPath := publishedSchemaFile(t, public, apiDataset, apiRelease)
	s, err := schemas.Load(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	want := readAll(t, public, apiDataset, apiRelease, s)
	if len(want) != len(apiRows) {
		t.Fatalf("published %d rows, want %d", len(want), len(apiRows))
	}
	for _, format := range []string{"csv", "jsonl", "json"} {
		t.Run(format, func(t *testing.T) {
			def := roundTripDefinition(t, srv.URL, format, schemaPath)
			st, err := store.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			r := &pipelines.Runner{Store: st, AllowLoopback: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
			m, err := r.Run(context.Background(), def)
			if err != nil {
				t.Fatalf("run: %v (%+v)", err, m)
			}
			got := readAll(t, st.PublicDir(), def.Dataset, m.Release, s)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("republished rows differ:\ngot  %v\nwant %v", got, want)
			}
		})
	}
	t.Run("records", func(t *testing.T) {
		// Paging through /records (3 at a time) gives the export's rows.
		var pages []map[string]any
		for offset := 0; ; offset += 3 {
			_, _, b := apiGet(t, srv.URL, query("limit", "3", "offset", fmt.Sprint(offset)))
			var ans recordsAnswer
			if err := json.Unmarshal(b, &ans); err != nil {
				t.Fatal(err)
			}
			pages = append(pages, ans.Results...)
			if len(ans.Results) < 3 {
				break
			}
		}
		_, _, b := apiGet(t, srv.URL, "/api/explore/v2.1/catalog/datasets/"+apiDataset+"/exports/json")
		var export []map[string]any
		if err := json.Unmarshal(b, &export); err != nil {
			t.Fatal(err)
		}
		if len(pages) != len(apiRows) || !reflect.DeepEqual(pages, export) {
			t.Errorf("records pages differ from the export:\n%v\n%v", pages, export)
		}
	})
}

func roundTripDefinition(t *testing.T, base, format, schemaPath string) *pipelines.Definition {
	t.Helper()
	yaml := fmt.Sprintf(`id: roundtrip-%[1]s
title: Aller-retour %[1]s
description: Le jeu de données relu par l'API.
publisher: Test
licence: etalab-2.0
source_licence: etalab-2.0
schedule: "0 6 * * *"
source:
  kind: opendatasoft
  base_url: %[2]s
  dataset: %[3]s
  format: %[1]s
schema: %[4]s
`, format, base, apiDataset, schemaPath)
	l := &pipelines.Loader{Registry: all.Registry()}
	name := "roundtrip-" + format + ".yaml"
	def, err := l.Load(fstest.MapFS{name: {Data: []byte(yaml)}}, name)
	if err != nil {
		t.Fatal(err)
	}
	return def
}

// readAll reads the rows of a release as logical values.
func readAll(t *testing.T, public, dataset, release string, s *schemas.Schema) [][]schemas.Value {
	t.Helper()
	var rows [][]schemas.Value
	err := output.ReadRows(public, dataset, release, s, func(v []schemas.Value) error {
		rows = append(rows, append([]schemas.Value(nil), v...))
		return nil
	})
	if err != nil {
		t.Fatalf("read %s: %v", filepath.Join(public, dataset, release), err)
	}
	return rows
}
