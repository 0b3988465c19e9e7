package web

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/ligerdata/ligerdata/alerts"
	"github.com/ligerdata/ligerdata/internal/yamldef"
)

// Config is the server configuration file of `ligerdata serve --config
// FILE` (YAML). It is read as strictly as pipeline files: unknown keys,
// wrong types and missing required keys are all reported at once as
// file:line:col (internal/yamldef, the decoder of pipeline files), and
// ${VAR} / ${VAR:-default} take values from the environment. Relative paths are resolved from the file's folder.
type Config struct {
	// Addr is the address to listen on (default 127.0.0.1:8080).
	Addr string `yaml:"addr"`
	// BaseURL is the public address of the site; https:// makes the
	// session cookie Secure.
	BaseURL string `yaml:"base_url"`
	// Store is the store folder (default ./data); Defs the folder of
	// pipeline definitions (default: the embedded ones).
	Store string `yaml:"store"`
	Defs  string `yaml:"defs"`
	// Stewards may sign in; StewardsFile adds those of another file (same
	// shape: a `stewards:` list), so tokens can live apart.
	Stewards     []Steward `yaml:"stewards"`
	StewardsFile string    `yaml:"stewards_file"`
	// Alerts says where failures are reported.
	Alerts alerts.Config `yaml:"alerts"`
	// Limits bounds the daemon.
	Limits Limits `yaml:"limits"`
	// MapTiles are the background of the dataset maps (none by default:
	// the points are drawn alone).
	MapTiles MapTiles `yaml:"map_tiles"`
}

// Steward is one person allowed to act on the dashboard and the API. The
// token itself is never stored: only its SHA-256 (`ligerdata token NAME`
// prints a new token and this line).
type Steward struct {
	Name        string `yaml:"name,required"`
	TokenSHA256 string `yaml:"token_sha256,required"`
	// Pipelines, when set, limits the steward's actions to these pipelines.
	Pipelines []string `yaml:"pipelines"`
}

// Limits bounds the daemon. Zero values take the defaults.
type Limits struct {
	// MaxConcurrentRuns caps the runs going at once (default 2).
	MaxConcurrentRuns int `yaml:"max_concurrent_runs"`
	// RunTimeout bounds every run on top of its definition's timeout.
	RunTimeout time.Duration `yaml:"run_timeout"`
	// ShutdownGrace is how long SIGTERM waits for cancelled runs to record
	// themselves (default 30s).
	ShutdownGrace time.Duration `yaml:"shutdown_grace"`
	// SignInAttempts is how many failed sign-ins an address may make in
	// SignInWindow before being refused (defaults 5 and 15m).
	SignInAttempts int           `yaml:"sign_in_attempts"`
	SignInWindow   time.Duration `yaml:"sign_in_window"`
	// SessionLifetime is how long a sign-in lasts (default 12h).
	SessionLifetime time.Duration `yaml:"session_lifetime"`
}

// LoadConfig reads and checks a server configuration file, with its
// stewards file if it names one, and fills in the defaults.
func LoadConfig(path string) (*Config, error) {
	var c Config
	if err := decodeFile(path, &c); err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	c.Store = resolve(dir, c.Store)
	c.Defs = resolve(dir, c.Defs)
	if c.StewardsFile != "" {
		c.StewardsFile = resolve(dir, c.StewardsFile)
		var more struct {
			Stewards []Steward `yaml:"stewards,required"`
		}
		if err := decodeFile(c.StewardsFile, &more); err != nil {
			return nil, err
		}
		c.Stewards = append(c.Stewards, more.Stewards...)
	}
	if err := c.check(path); err != nil {
		return nil, err
	}
	c.SetDefaults()
	return &c, nil
}

// decodeFile decodes a YAML file strictly into v (a pointer to a struct).
func decodeFile(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("server configuration: %w", err)
	}
	root, err := yamldef.Parse(path, data)
	if err != nil {
		return err
	}
	d := &yamldef.Decoder{File: path}
	d.Decode(root, "", reflect.ValueOf(v).Elem())
	if len(d.Errs) > 0 {
		d.Errs.Sort()
		return d.Errs
	}
	return nil
}

func resolve(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// check reports every problem the decoder cannot see.
func (c *Config) check(file string) error {
	var errs yamldef.Errors
	bad := func(path, format string, args ...any) {
		errs = append(errs, &yamldef.Error{File: file, Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		bad("base_url", "want an absolute http(s) address, got %q", c.BaseURL)
	}
	names, hashes := map[string]bool{}, map[string]bool{}
	for i, s := range c.Stewards {
		p := fmt.Sprintf("stewards[%d]", i)
		if names[s.Name] {
			bad(p+".name", "steward %q is declared twice", s.Name)
		}
		names[s.Name] = true
		h, err := hex.DecodeString(s.TokenSHA256)
		if err != nil || len(h) != 32 {
			bad(p+".token_sha256", "want the 64 hexadecimal digits of the token's SHA-256 (ligerdata token NAME prints them)")
		}
		if hashes[strings.ToLower(s.TokenSHA256)] {
			bad(p+".token_sha256", "two stewards share this token: give each their own")
		}
		hashes[strings.ToLower(s.TokenSHA256)] = true
	}
	for _, w := range c.Alerts.Webhooks {
		if !strings.HasPrefix(w.URL, "http://") && !strings.HasPrefix(w.URL, "https://") {
			bad("alerts.webhooks.url", "want an http(s) address, got %q", w.URL)
		}
	}
	if _, err := c.MapTiles.source(); err != nil {
		bad("map_tiles.url", "want an absolute http(s) tile address such as https://data.geopf.fr/wmts?…&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}, got %q", c.MapTiles.URL)
	}
	if e := c.Alerts.Email; e != nil && (e.Port < 0 || e.Port > 65535) {
		bad("alerts.email.port", "not a port number: %d", e.Port)
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// SetDefaults fills the zero values with the documented defaults.
func (c *Config) SetDefaults() {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	l := &c.Limits
	if l.ShutdownGrace == 0 {
		l.ShutdownGrace = 30 * time.Second
	}
	if l.SignInAttempts == 0 {
		l.SignInAttempts = 5
	}
	if l.SignInWindow == 0 {
		l.SignInWindow = 15 * time.Minute
	}
	if l.SessionLifetime == 0 {
		l.SessionLifetime = 12 * time.Hour
	}
}
