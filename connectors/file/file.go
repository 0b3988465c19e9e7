// Package file reads a CSV or JSON file, over HTTP(S) or from disk, as
// records: exports already shaped by their producer, steward-maintained
// tables, or any dump that needs no API paging.
package file

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/fetch"
)

// Config is the `source:` block of a file pipeline.
type Config struct {
	URL         string `yaml:"url"`
	Path        string `yaml:"path"`
	Format      string `yaml:"format"`
	Delimiter   string `yaml:"delimiter"`
	Encoding    string `yaml:"encoding"`
	RecordsPath string `yaml:"records_path"`
	PageSize    int    `yaml:"page_size"`
}

// Kind registers the file connector.
var Kind = connectors.Kind{
	Name:    "file",
	Summary: "a CSV or JSON file over HTTP(S) or on disk",
	Options: []connectors.Option{
		{Name: "url", Help: "HTTP(S) address of the file. Give url or path, not both.", Example: "https://www.data.gouv.fr/fr/datasets/r/…"},
		{Name: "path", Help: "Path of a file on disk, relative to the folder of the pipeline definition. Give url or path, not both.", Example: "exports/lieux.csv"},
		{Name: "format", Help: "csv or json. Nothing is guessed from the content.", Default: "csv"},
		{Name: "delimiter", Help: "CSV field separator: one character, or \\t for tab.", Default: ","},
		{Name: "encoding", Help: "Character encoding of the file: utf-8, windows-1252 or iso-8859-15. A UTF-8 byte-order mark is skipped.", Default: "utf-8"},
		{Name: "records_path", Help: "For JSON: dot-separated path to the array of records inside the document; empty when the document is the array itself.", Example: "results"},
		{Name: "page_size", Help: "Records handed to the pipeline at a time.", Default: "1000"},
	},
	NewConfig: func() connectors.Config {
		return &Config{Format: "csv", Delimiter: ",", Encoding: "utf-8", PageSize: 1000}
	},
	Open: open,
}

// Validate reports every problem of the configuration at once.
func (c *Config) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, &connectors.FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	switch {
	case c.URL == "" && c.Path == "":
		add("url", "give url or path")
	case c.URL != "" && c.Path != "":
		add("path", "give url or path, not both")
	case c.URL != "":
		u, err := url.Parse(c.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("url", "%q is not an http(s) URL", c.URL)
		}
	}
	if c.Format != "csv" && c.Format != "json" {
		add("format", "must be csv or json (got %q)", c.Format)
	}
	if d := c.delimiter(); d == 0 {
		add("delimiter", "must be one character (got %q)", c.Delimiter)
	}
	if _, err := decoderFor(c.Encoding); err != nil {
		add("encoding", "%v", err)
	}
	if c.RecordsPath != "" && c.Format != "json" {
		add("records_path", "only applies to format json")
	}
	if c.PageSize < 1 || c.PageSize > 100000 {
		add("page_size", "must be between 1 and 100000 (got %d)", c.PageSize)
	}
	return errors.Join(errs...)
}

func (c *Config) delimiter() rune {
	if c.Delimiter == `\t` {
		return '\t'
	}
	r, size := utf8.DecodeRuneInString(c.Delimiter)
	if size == 0 || size != len(c.Delimiter) || r == '"' || r == '\n' || r == '\r' {
		return 0
	}
	return r
}

func decoderFor(enc string) (func([]byte) ([]byte, error), error) {
	switch strings.ToLower(enc) {
	case "", "utf-8", "utf8":
		return nil, nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Bytes, nil
	case "iso-8859-15", "latin-9", "latin9":
		return charmap.ISO8859_15.NewDecoder().Bytes, nil
	case "iso-8859-1", "latin-1", "latin1":
		return charmap.ISO8859_1.NewDecoder().Bytes, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q (utf-8, windows-1252, iso-8859-15, iso-8859-1)", enc)
}

type source struct {
	cfg Config
	env connectors.Env
}

var _ connectors.Source = (*source)(nil)

// open needs env.HTTP only for a url; a local path is read without it.
func open(cfg connectors.Config, env connectors.Env) (connectors.Source, error) {
	c, err := connectors.Configured[Config]("file", cfg, env, false)
	if err != nil {
		return nil, err
	}
	if c.URL != "" && env.HTTP == nil {
		return nil, fmt.Errorf("file: open: url %s: %w", c.URL, connectors.ErrNoHTTP)
	}
	return &source{cfg: *c, env: env}, nil
}

// Fetch reads the whole file, then emits its records in file order. An
// HTML page, an empty body, a CSV header naming a column twice, and JSON
// that does not parse or goes on after its document are errors, and then
// nothing is emitted.
func (s *source) Fetch(ctx context.Context, emit func([]connectors.Record) error) error {
	where := s.cfg.URL
	var body []byte
	if s.cfg.URL != "" {
		resp, err := s.env.HTTP.Do(ctx, fetch.Request{URL: s.cfg.URL, Prev: s.env.PrevFor("GET", s.cfg.URL, nil)})
		if err != nil {
			return fmt.Errorf("file: %w", err)
		}
		if resp.Unchanged {
			return connectors.ErrUnchanged
		}
		if err := checkContent(resp, s.cfg.Format); err != nil {
			return fmt.Errorf("file: %s: %w", where, err)
		}
		body = resp.Body
	} else {
		where = s.cfg.Path
		p := s.cfg.Path
		if !filepath.IsAbs(p) && s.env.Dir != "" {
			p = filepath.Join(s.env.Dir, p)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("file: %w", err)
		}
		body = b
	}
	// The byte-order mark is skipped before decoding: read as a single-byte
	// encoding it would become "ï»¿" glued to the first column name.
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	dec, _ := decoderFor(s.cfg.Encoding)
	if dec != nil {
		b, err := dec(body)
		if err != nil {
			return fmt.Errorf("file: %s: decoding %s: %w", where, s.cfg.Encoding, err)
		}
		body = b
	}
	var err error
	if s.cfg.Format == "json" {
		err = s.emitJSON(ctx, body, emit)
	} else {
		err = s.emitCSV(ctx, body, emit)
	}
	if err != nil {
		return fmt.Errorf("file: %s: %w", where, err)
	}
	return nil
}

// checkContent refuses an HTML error page served with status 200 where
// data was expected: publishing it as rows would be worse than failing.
func checkContent(resp *fetch.Response, format string) error {
	if ct := resp.Header.Get("Content-Type"); connectors.IsHTMLPage(ct, resp.Body) {
		return fmt.Errorf("got an HTML page (Content-Type %q) where %s data was expected", ct, format)
	}
	if len(resp.Body) == 0 {
		return errors.New("empty body")
	}
	return nil
}

// emitCSV emits one record per data line. A malformed line becomes a
// record with the field "_error" so that the pipeline rejects it with its
// line number, and reading goes on.
func (s *source) emitCSV(ctx context.Context, body []byte, emit func([]connectors.Record) error) error {
	r := csv.NewReader(bytes.NewReader(body))
	r.Comma = s.cfg.delimiter()
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("empty file: no header line")
		}
		return fmt.Errorf("header: %w", err)
	}
	names := make([]string, len(header))
	seen := make(map[string]bool, len(header))
	for i, h := range header {
		names[i] = strings.TrimSpace(h)
		// Two columns of the same name would keep only the last cell.
		if names[i] != "" && seen[names[i]] {
			return fmt.Errorf("header: column %q appears twice", names[i])
		}
		seen[names[i]] = true
	}
	page := make([]connectors.Record, 0, s.cfg.PageSize)
	flush := func() error {
		if len(page) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := emit(page); err != nil {
			return err
		}
		page = page[:0]
		return nil
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var line int
		fields := make(map[string]any, len(names))
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return err
			}
			line = pe.StartLine
			fields[connectors.ErrorField] = pe.Err.Error()
		} else {
			line, _ = r.FieldPos(0)
			for i, v := range rec {
				if i < len(names) {
					fields[names[i]] = v
				} else {
					fields[fmt.Sprintf("%s%d", connectors.ExtraFieldPrefix, i+1)] = v
				}
			}
			if len(rec) < len(names) {
				fields[connectors.ErrorField] = fmt.Sprintf("%d cells where the header has %d", len(rec), len(names))
			}
		}
		page = append(page, connectors.Record{Line: line, Fields: fields})
		if len(page) == s.cfg.PageSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	// A run cancelled while the consumer held the last page is not a success.
	return ctx.Err()
}

func (s *source) emitJSON(ctx context.Context, body []byte, emit func([]connectors.Record) error) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	// A second document (two exports glued, JSON Lines read as json) would
	// otherwise be dropped without a word.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("invalid JSON: data after the JSON document at byte %d", dec.InputOffset())
	}
	if s.cfg.RecordsPath != "" {
		for _, key := range strings.Split(s.cfg.RecordsPath, ".") {
			obj, ok := doc.(map[string]any)
			if !ok {
				return fmt.Errorf("records_path %q: %q is not inside an object", s.cfg.RecordsPath, key)
			}
			doc, ok = obj[key]
			if !ok {
				return fmt.Errorf("records_path %q: no key %q", s.cfg.RecordsPath, key)
			}
		}
	}
	arr, ok := doc.([]any)
	if !ok {
		return fmt.Errorf("expected an array of records, got %T", doc)
	}
	page := make([]connectors.Record, 0, s.cfg.PageSize)
	for i, item := range arr {
		fields, ok := item.(map[string]any)
		if !ok {
			fields = map[string]any{connectors.ErrorField: fmt.Sprintf("element %d is not an object", i)}
		}
		page = append(page, connectors.Record{Line: i + 1, Fields: fields})
		if len(page) == s.cfg.PageSize || i == len(arr)-1 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := emit(page); err != nil {
				return err
			}
			page = page[:0]
		}
	}
	return ctx.Err()
}
