package csw

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// FuzzDecodePage feeds the decoder real GetRecords answers (the udata
// fixtures of a GeoNetwork catalogue and the GEOPAL-shaped demo pages) and
// their mutations. The decoder must not panic, and what it accepts must be
// records of the allowed types, with boxes in order.
func FuzzDecodePage(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/samples/*.xml")
	demo, _ := filepath.Glob("../../testdata/replay/geopal-csw/*.xml")
	for _, p := range append(seeds, demo...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(resultsXML(3, 0, "t", "a", "b", "c")))
	f.Add([]byte(sheetWithTitle("ISO-8859-15", "Caf\xe9")))
	f.Add([]byte(`<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows"><ows:Exception exceptionCode="X"><ows:ExceptionText>t</ows:ExceptionText></ows:Exception></ows:ExceptionReport>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := DecodePage(body)
		if err != nil {
			if p != nil {
				t.Fatal("DecodePage returned a page and an error")
			}
			return
		}
		if p.Matched < 0 || p.Returned < 0 || p.Next < 0 {
			t.Fatalf("negative counts %+v", p)
		}
		for i, r := range p.Records {
			for k, v := range r {
				switch x := v.(type) {
				case nil, string, bool:
				case json.Number:
					if _, err := strconv.ParseFloat(string(x), 64); err != nil {
						t.Fatalf("record %d %s: json.Number %q does not parse", i, k, x)
					}
				case []any:
					for _, e := range x {
						if _, ok := e.(string); !ok {
							t.Fatalf("record %d %s: list item %T", i, k, e)
						}
					}
				default:
					t.Fatalf("record %d %s: value of type %T", i, k, v)
				}
			}
			if s, ok := r["online_resources"].(string); ok && !json.Valid([]byte(s)) {
				t.Fatalf("record %d: online_resources is not JSON: %q", i, s)
			}
			w, okw := r["bbox_west"].(json.Number)
			e, oke := r["bbox_east"].(json.Number)
			if okw && oke {
				wf, _ := w.Float64()
				ef, _ := e.Float64()
				if wf > ef {
					t.Fatalf("record %d: west %v > east %v after repair", i, w, e)
				}
			}
		}
	})
}
