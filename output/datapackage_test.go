package output

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/schemas"
)

// TestDataPackageV2 checks datapackage.json against the rules of the
// profile it declares (Data Package 2.0), as its specification states
// them: what our descriptors use of them, checked by hand rather than by a
// copy of the profile.
func TestDataPackageV2(t *testing.T) {
	s := parseSchema(t, `{"name":"lieux","fields":[
	 {"name":"id","type":"string","example":"L1"},
	 {"name":"horaires","type":"string","format":"opening_hours","example":"Mo-Fr 09:00-12:00"},
	 {"name":"places","type":"integer","example":12},
	 {"name":"latitude","type":"number"},{"name":"longitude","type":"number"},
	 {"name":"services","type":"list","delimiter":"|"},
	 {"name":"maj","type":"datetime"}
	],"x-ligerdata-geometry":{"longitude":"longitude","latitude":"latitude"}}`)
	p := publishWith(t, t.TempDir(), "lieux", "20261205T103000Z-0001", s, lieuxLatLonRows2())
	b, err := os.ReadFile(filepath.Join(p.Dir, FileDataPackage))
	if err != nil {
		t.Fatal(err)
	}
	var dp map[string]any
	if err := json.Unmarshal(b, &dp); err != nil {
		t.Fatal(err)
	}
	if dp["$schema"] != "https://datapackage.org/profiles/2.0/datapackage.json" || dp["profile"] != nil {
		t.Errorf("declared profile: $schema %v, profile %v", dp["$schema"], dp["profile"])
	}
	relPath := regexp.MustCompile(`^[^./~][^:\\]*$`)
	hash := regexp.MustCompile(`^[^:]+:[a-fA-F0-9]+$`)
	media := regexp.MustCompile(`^(.+)/(.+)$`)
	licName := regexp.MustCompile(`^([-a-zA-Z0-9._])+$`)
	for _, l := range dp["licenses"].([]any) {
		if name, _ := l.(map[string]any)["name"].(string); !licName.MatchString(name) {
			t.Errorf("licence name %q", name)
		}
	}
	for _, c := range dp["contributors"].([]any) {
		if roles, _ := c.(map[string]any)["roles"].([]any); len(roles) == 0 {
			t.Errorf("contributor without roles: %v", c)
		}
	}
	byName := map[string]map[string]any{}
	for _, rv := range dp["resources"].([]any) {
		r := rv.(map[string]any)
		name, _ := r["name"].(string)
		byName[name] = r
		path, _ := r["path"].(string)
		if name == "" || !relPath.MatchString(path) || !hash.MatchString(r["hash"].(string)) || !media.MatchString(r["mediatype"].(string)) {
			t.Errorf("resource %v", r)
		}
		if b, ok := r["bytes"].(float64); !ok || b != float64(int64(b)) || b <= 0 {
			t.Errorf("resource %s: bytes %v", name, r["bytes"])
		}
		if typ, ok := r["type"]; ok {
			if typ != "table" || r["schema"] == nil {
				t.Errorf("resource %s: type %v needs a schema", name, typ)
			}
		}
		if sch, ok := r["schema"].(map[string]any); ok {
			checkTableSchemaV2(t, name, sch)
		}
	}
	fr := byName["data-fr-csv"]
	if fr["encoding"] != "utf-8-sig" || fr["dialect"].(map[string]any)["delimiter"] != ";" || fr["description"] == nil {
		t.Errorf("data-fr-csv: %v", fr)
	}
	if pq := byName["data-parquet"]; pq["description"] == nil || pq["format"] != "parquet" {
		t.Errorf("data-parquet: %v", pq)
	}
	if gj := byName["data-geojson"]; gj == nil || gj["mediatype"] != "application/geo+json" {
		t.Errorf("data-geojson: %v", gj)
	}
}

// checkTableSchemaV2 checks the field rules of Table Schema 2.0 our
// schemas can break: the types, the string formats, examples as strings,
// the list item types, the declared profile.
func checkTableSchemaV2(t *testing.T, res string, sch map[string]any) {
	t.Helper()
	if sch["$schema"] != "https://datapackage.org/profiles/2.0/tableschema.json" {
		t.Errorf("%s: schema $schema %v", res, sch["$schema"])
	}
	types := map[string]bool{"string": true, "number": true, "integer": true, "date": true, "time": true, "datetime": true,
		"year": true, "yearmonth": true, "boolean": true, "object": true, "geopoint": true, "geojson": true, "array": true,
		"list": true, "duration": true, "any": true}
	items := map[string]bool{"string": true, "integer": true, "boolean": true, "number": true, "datetime": true, "date": true, "time": true}
	formats := map[string]bool{"default": true, "email": true, "uri": true, "binary": true, "uuid": true}
	for _, fv := range sch["fields"].([]any) {
		f := fv.(map[string]any)
		typ, _ := f["type"].(string)
		if typ != "" && !types[typ] {
			t.Errorf("%s: field %v: type", res, f["name"])
		}
		if fm, ok := f["format"].(string); ok && (typ == "" || typ == "string") && !formats[fm] {
			t.Errorf("%s: field %v: string format %q", res, f["name"], fm)
		}
		if ex, ok := f["example"]; ok {
			if _, isText := ex.(string); !isText {
				t.Errorf("%s: field %v: example %v is not a string", res, f["name"], ex)
			}
		}
		if it, ok := f["itemType"].(string); ok && !items[it] {
			t.Errorf("%s: field %v: itemType %q", res, f["name"], it)
		}
	}
}

func lieuxLatLonRows2() [][]schemas.Value {
	return [][]schemas.Value{
		{"L1", "Mo-Fr 09:00-12:00", int64(12), 47.2184, -1.5536, []schemas.Value{"Wi-Fi"}, time.Date(2026, 12, 5, 10, 30, 0, 0, time.UTC)},
	}
}

// TestPublishedSchemasV2: the published schema of every embedded schema
// keeps to Table Schema 2.0.
func TestPublishedSchemasV2(t *testing.T) {
	for _, name := range schemas.Names() {
		s, err := schemas.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := publishedSchema(s)
		if err != nil {
			t.Fatal(err)
		}
		var sch map[string]any
		if err := json.Unmarshal(raw, &sch); err != nil {
			t.Fatal(err)
		}
		checkTableSchemaV2(t, name, sch)
		// It is still a schema ligerdata reads.
		if _, err := schemas.Parse(raw); err != nil {
			t.Errorf("%s: published schema: %v", name, err)
		}
	}
}
