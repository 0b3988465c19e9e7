package indicators

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// TestLicenceOfDerivedIndicator checks that an indicator reading a
// share-alike dataset must carry that licence, and one reading a
// non-commercial dataset a non-commercial licence; Licence Ouverte inputs
// leave the choice free.
func TestLicenceOfDerivedIndicator(t *testing.T) {
	cases := []struct {
		name     string
		licence  string // of the indicator ("" = the default, etalab-2.0)
		lieux    string // licence of the input "lieux"
		wantErrs []string
	}{
		{"open inputs", "", "etalab-2.0", nil},
		{"share-alike input, default licence", "", "odc-odbl",
			[]string{`lieux-par-departement.yaml:`, "licence: l'entrée lieux est sous odc-odbl (partage à l'identique) : un indicateur qui en dérive doit aussi être publié sous odc-odbl"}},
		{"share-alike input, same licence", "odc-odbl", "odc-odbl", nil},
		{"share-alike input, another share-alike licence", "cc-by-sa-4.0", "odc-odbl",
			[]string{"l'entrée lieux est sous odc-odbl (partage à l'identique)"}},
		{"non-commercial input, open licence", "cc-by-4.0", "cc-by-nc-sa-4.0",
			[]string{"l'entrée lieux est sous cc-by-nc-sa-4.0 (partage à l'identique)"}},
		{"non-commercial share-alike input, same licence", "cc-by-nc-sa-4.0", "cc-by-nc-sa-4.0", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			yml := lieuxYAML
			if c.licence != "" {
				yml = strings.Replace(yml, "granularity:", "licence: "+c.licence+"\ngranularity:", 1)
			}
			fsys := fstest.MapFS{
				"lieux-par-departement.yaml": {Data: []byte(yml)},
				"lieux-par-departement.sql":  {Data: []byte(lieuxSQL)},
			}
			l := &Loader{Licences: map[string]string{"lieux": c.lieux, "communes": "etalab-2.0"}}
			_, err := l.LoadAll(fsys)
			if len(c.wantErrs) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var des DefErrors
			if !errors.As(err, &des) {
				t.Fatalf("want definition errors, got %v", err)
			}
			msg := err.Error()
			for _, w := range c.wantErrs {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
		})
	}
}

// TestLicenceOfIndicatorReadingIndicator: the licence of an indicator
// passes on to the indicators that read it, like a dataset's.
func TestLicenceOfIndicatorReadingIndicator(t *testing.T) {
	for _, c := range []struct {
		name, down string // licence of total-departements ("" = etalab-2.0)
		wantErr    string
	}{
		{"default licence", "", "total-departements.yaml:"},
		{"same licence", "odc-odbl", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := chainDefs(false)
			up := string(fsys["lieux-par-departement.yaml"].Data)
			fsys["lieux-par-departement.yaml"].Data = []byte(strings.Replace(up, "granularity:", "licence: odc-odbl\ngranularity:", 1))
			if c.down != "" {
				down := string(fsys["total-departements.yaml"].Data)
				fsys["total-departements.yaml"].Data = []byte(strings.Replace(down, "granularity:", "licence: "+c.down+"\ngranularity:", 1))
			}
			_, err := (&Loader{}).LoadAll(fsys)
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			want := "licence: l'entrée lieux-par-departement est sous odc-odbl (partage à l'identique) : un indicateur qui en dérive doit aussi être publié sous odc-odbl"
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), want) {
				t.Fatalf("got %v, want an error of %s saying %q", err, c.wantErr, want)
			}
		})
	}
}
