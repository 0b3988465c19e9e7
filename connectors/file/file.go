// Package file reads a CSV or JSON file, over HTTP(S) or from disk, as
// records: exports already shaped by their producer, steward-maintained
// tables, or any dump that needs no API paging.
package file

import (
	"bufio"
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
	"golang.org/x/text/transform"

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
	MaxBytes    int64  `yaml:"max_bytes"`
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
		{Name: "max_bytes", Help: "Largest file accepted from url, in bytes. The file is streamed to disk as it arrives and read from there, never held whole in memory (except JSON, which is parsed as one document).", Default: "68719476736 (64 GiB)"},
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
	if c.MaxBytes < 0 {
		add("max_bytes", "must not be negative (got %d)", c.MaxBytes)
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

// decoderFor returns the character map of enc, nil for UTF-8.
func decoderFor(enc string) (*charmap.Charmap, error) {
	switch strings.ToLower(enc) {
	case "", "utf-8", "utf8":
		return nil, nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252, nil
	case "iso-8859-15", "latin-9", "latin9":
		return charmap.ISO8859_15, nil
	case "iso-8859-1", "latin-1", "latin1":
		return charmap.ISO8859_1, nil
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

// Fetch streams the file and emits its records in file order: a file
// from url is first streamed to disk (see fetch.Request.ToDisk), then read
// from there, so memory does not grow with it. An HTML page, an empty body,
// a CSV header naming a column twice, and JSON that does not parse or goes
// on after its document are errors, and then nothing is emitted.
func (s *source) Fetch(ctx context.Context, emit func([]connectors.Record) error) error {
	where := s.cfg.URL
	if where == "" {
		where = s.cfg.Path
	}
	body, err := s.open(ctx)
	if err != nil {
		return err
	}
	defer body.Close()
	text, err := s.decoded(body)
	if err != nil {
		return fmt.Errorf("file: %s: %w", where, err)
	}
	if s.cfg.Format == "json" {
		err = s.emitJSON(ctx, text, emit)
	} else {
		err = s.emitCSV(ctx, text, emit)
	}
	if err != nil {
		return fmt.Errorf("file: %s: %w", where, err)
	}
	return nil
}

// open returns the file's bytes, checked (checkContent) when it comes from
// url, and connectors.ErrUnchanged when the source says it did not change.
func (s *source) open(ctx context.Context) (io.ReadCloser, error) {
	if s.cfg.URL == "" {
		p := s.cfg.Path
		if !filepath.IsAbs(p) && s.env.Dir != "" {
			p = filepath.Join(s.env.Dir, p)
		}
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("file: %w", err)
		}
		return f, nil
	}
	resp, err := s.env.HTTP.Do(ctx, fetch.Request{URL: s.cfg.URL, Prev: s.env.PrevFor("GET", s.cfg.URL, nil), ToDisk: true, MaxBytes: s.cfg.MaxBytes})
	if err != nil {
		return nil, fmt.Errorf("file: %w", err)
	}
	if resp.Unchanged {
		resp.Close()
		return nil, connectors.ErrUnchanged
	}
	rc, err := resp.Open()
	if err != nil {
		resp.Close()
		return nil, fmt.Errorf("file: %w", err)
	}
	body := &responseBody{Reader: bufio.NewReaderSize(rc, 1<<16), rc: rc, resp: resp}
	if err := checkContent(resp, body.Reader, s.cfg.Format); err != nil {
		body.Close()
		return nil, fmt.Errorf("file: %s: %w", s.cfg.URL, err)
	}
	return body, nil
}

// responseBody reads a fetched body and releases it on Close.
type responseBody struct {
	*bufio.Reader
	rc   io.Closer
	resp *fetch.Response
}

func (b *responseBody) Close() error { return errors.Join(b.rc.Close(), b.resp.Close()) }

// decoded returns the text of body in UTF-8, without a byte-order mark.
func (s *source) decoded(body io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(body, 1<<16)
	// The byte-order mark is skipped before decoding: read as a single-byte
	// encoding it would become "ï»¿" glued to the first column name.
	if head, _ := br.Peek(3); bytes.Equal(head, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	cm, err := decoderFor(s.cfg.Encoding)
	if err != nil {
		return nil, err
	}
	if cm == nil {
		return br, nil
	}
	return transform.NewReader(br, cm.NewDecoder()), nil
}

// checkContent refuses an HTML error page served with status 200 where
// data was expected, looking at the start of the body: publishing it as
// rows would be worse than failing.
func checkContent(resp *fetch.Response, body *bufio.Reader, format string) error {
	head, _ := body.Peek(512)
	if ct := resp.Header.Get("Content-Type"); connectors.IsHTMLPage(ct, head) {
		return fmt.Errorf("got an HTML page (Content-Type %q) where %s data was expected", ct, format)
	}
	if resp.Size == 0 {
		return errors.New("empty body")
	}
	return nil
}

// emitCSV emits one record per data line. A malformed line becomes a
// record with the field "_error" so that the pipeline rejects it with its
// line number, and reading goes on.
func (s *source) emitCSV(ctx context.Context, body io.Reader, emit func([]connectors.Record) error) error {
	r := csv.NewReader(body)
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
			fields[connectors.ErrorField] = connectors.CSVReason(pe)
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
				fields[connectors.ErrorField] = connectors.CellCountReason(len(rec), len(names))
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

func (s *source) emitJSON(ctx context.Context, body io.Reader, emit func([]connectors.Record) error) error {
	data, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	if err := connectors.CheckUTF8(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
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
