// Package frequentation publishes the attendance the places declared
// (package attendance): the latest declaration of each place for each
// month, with the place's name and commune from the published map, small
// counts of people masked (attendance.Threshold) and no comment.
package frequentation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/ligerdata/ligerdata/attendance"
	"github.com/ligerdata/ligerdata/connectors"
)

// Config is the `source:` block of the attendance pipeline: no option.
type Config struct{}

// Validate accepts the empty configuration.
func (c *Config) Validate() error { return nil }

// Kind registers the connector.
var Kind = connectors.Kind{
	Name:      "frequentation",
	Summary:   "the attendance declared by the places of digital inclusion on the site (latest declaration per place and month, small counts of people masked)",
	Options:   nil,
	NewConfig: func() connectors.Config { return &Config{} },
	Open:      connectors.Opener(open),
}

// Source reads the store's attendance.
type Source struct{ root string }

func open(cfg connectors.Config, env connectors.Env) (*Source, error) {
	if _, err := connectors.Configured[Config]("frequentation", cfg, env, false); err != nil {
		return nil, err
	}
	if env.StoreDir == "" {
		return nil, errors.New("frequentation: open: no store in the environment")
	}
	return &Source{root: env.StoreDir}, nil
}

// rows returns the published fields of every current row.
func (s *Source) rows() ([]map[string]any, error) {
	current, err := (&attendance.Store{Root: s.root}).Latest()
	if err != nil {
		return nil, fmt.Errorf("frequentation: %w", err)
	}
	places, err := attendance.LoadPlaces(filepath.Join(s.root, "public"))
	if err != nil {
		return nil, fmt.Errorf("frequentation: %w", err)
	}
	out := make([]map[string]any, 0, len(current))
	for _, c := range current {
		out = append(out, attendance.Published(c, places[c.Place]))
	}
	return out, nil
}

// Fetch emits the rows in one page, sorted by place and month.
func (s *Source) Fetch(ctx context.Context, emit func([]connectors.Record) error) error {
	rows, err := s.rows()
	if err != nil {
		return err
	}
	page := make([]connectors.Record, len(rows))
	for i, r := range rows {
		page[i] = connectors.Record{Line: i + 1, Fields: r}
	}
	if err := emit(page); err != nil {
		return fmt.Errorf("frequentation: %w", err)
	}
	return nil
}

// LocalDigest implements connectors.Local: the SHA-256 of the rows to
// publish, so a run without a new declaration (nor a new map) is
// "unchanged".
func (s *Source) LocalDigest() (string, error) {
	rows, err := s.rows()
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(rows)
	if err != nil {
		return "", fmt.Errorf("frequentation: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
