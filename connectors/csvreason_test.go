package connectors

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"
)

// A malformed line is explained in French, never with encoding/csv's text.
func TestCSVReasonIsFrench(t *testing.T) {
	cases := map[string]string{
		"a,b\n1,x\"y\n":   "guillemet dans une cellule qui ne commence pas par un guillemet (doublez-le : \"\")",
		"a,b\n1,\"x\"y\n": "guillemet ouvrant sans guillemet fermant, ou caractère après le guillemet fermant d'une cellule",
	}
	for in, want := range cases {
		r := csv.NewReader(strings.NewReader(in))
		var err error
		for err == nil {
			_, err = r.Read()
		}
		if errors.Is(err, io.EOF) {
			t.Fatalf("%q: read without error", in)
		}
		if got := CSVReason(err); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	if got := CellCountReason(1, 3); got != "1 cellule alors que l'en-tête a 3 colonnes" {
		t.Errorf("cell count: %q", got)
	}
}
