package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// TestServeBaseURL: the site takes its base from the request unless one is
// given by flag, environment or configuration file; the catalogue a run
// writes keeps the default address either way (the site rebases it).
func TestServeBaseURL(t *testing.T) {
	t.Setenv("LIGERDATA_BASE_URL", "")
	cfgFile := filepath.Join(t.TempDir(), "ligerdata.yaml")
	if err := os.WriteFile(cfgFile, []byte("base_url: https://donnees.example.fr\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		args     []string
		config   string
		explicit bool
		base     string
	}{
		{"nothing given", nil, "", false, "http://127.0.0.1:8080"},
		{"flag", []string{"--base-url", "https://a.example"}, "", true, "https://a.example"},
		{"configuration", nil, cfgFile, true, "https://donnees.example.fr"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c common
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			c.register(fs, true)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			cfg, err := serverConfig(tc.config, fs, &c, "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			if c.baseExplicit != tc.explicit || cfg.BaseURL != tc.base {
				t.Errorf("explicit %v, base %q; want %v, %q", c.baseExplicit, cfg.BaseURL, tc.explicit, tc.base)
			}
		})
	}
}
