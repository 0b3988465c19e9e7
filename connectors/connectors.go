// Package connectors defines how a pipeline reads records from an open-data
// source: the Source contract, the Kind descriptor with its documented
// options, and the Registry of kinds.
//
// Each source kind lives in its own package under connectors/<kind> and
// exports a Kind value; connectors/all lists the built-in kinds.
package connectors

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"unicode"

	"github.com/ligerdata/ligerdata/internal/fetch"
)

// Record is one row as the source delivered it, before mapping to a schema.
type Record struct {
	// Line locates the record in the fetched body (line of a CSV or of a
	// JavaScript literal, index of a JSON array element), so that a rejected
	// row can be traced back by a steward. 0 when unknown.
	Line int
	// Fields holds the source's values: string, json.Number, bool, nil,
	// []any or map[string]any. Keys are the source's own field names.
	Fields map[string]any
}

// Reserved field names a connector may put in Record.Fields.
const (
	// ErrorField marks a record that could not be read whole (a malformed
	// CSV line, a JSON element that is not an object); its value says why,
	// in French (it is shown to stewards; see CSVReason).
	// The pipeline rejects such a record with a source-error and its line,
	// and goes on with the next one.
	ErrorField = "_error"
	// ExtraFieldPrefix names cells beyond the header ("_extra_7"); the
	// pipeline rejects the record with an extra-cell error.
	ExtraFieldPrefix = "_extra_"
)

// Source reads one dataset.
type Source interface {
	// Fetch calls emit with each page of records, in a stable source order,
	// until the dataset is exhausted (it returns nil), emit fails (it returns
	// emit's error, wrapped), or ctx is done (it returns ctx.Err(), wrapped).
	// It returns ErrUnchanged, before emitting anything, when the source
	// answered that nothing changed since the previous run (HTTP 304).
	// Fetch must not retain a page after emit returns, and emit must not
	// retain it either; but the records' field maps are handed over: emit
	// may keep them (the pipeline normalises a page on another goroutine
	// while the next one is read), so Fetch must not reuse nor change them.
	Fetch(ctx context.Context, emit func(page []Record) error) error
}

// ErrUnchanged reports that a source has not changed since the last run.
var ErrUnchanged = errors.New("source unchanged since the previous run")

// Config is the decoded `source:` block of a pipeline, minus `kind`.
type Config interface {
	// Validate reports every problem at once, as *FieldError values joined
	// with errors.Join. It returns nil when the configuration is usable.
	Validate() error
}

// FieldError is a problem with one option of a source configuration.
type FieldError struct {
	Path string // option name as written in YAML, e.g. "url" or "query.fq"
	Msg  string
}

func (e *FieldError) Error() string { return e.Path + ": " + e.Msg }

// Option documents one configuration key of a kind. Its Help is the user
// documentation: `ligerdata connectors` and docs/connectors.md print it.
type Option struct {
	Name     string
	Help     string
	Default  string
	Example  string
	Required bool
}

// Env is what the host hands every connector; connectors hold no globals.
type Env struct {
	// HTTP is the shared polite client (retries, conditional GET, record and
	// replay, egress policy). Every request a connector makes goes through it.
	HTTP *fetch.Client
	// Prev returns the validators of a request seen in the last successful
	// run, for conditional GET; nil when unknown. It may be nil itself.
	Prev func(key string) *fetch.Validators
	// Dir is the folder that relative file paths in the configuration are
	// resolved against (the folder of the pipeline definition).
	Dir string
	// StoreDir is the root of the store the pipeline runs in (sources
	// that publish what the site collected read it); empty when unknown.
	StoreDir string
	Logger   *slog.Logger
	// Since is the high-water mark an Incremental source returned at the
	// end of the last good run; empty asks for a full harvest (first run,
	// changed definition, or `ligerdata run --full`).
	Since string
}

// Incremental is an optional Source capability: a source that can harvest
// only what changed after a high-water mark (HAL's modifiedDate_tdate).
// The pipeline then merges the records with the previous release by
// primary key.
type Incremental interface {
	// Watermark returns, after Fetch returned nil, the mark to hand back as
	// Env.Since on the next run. It returns "" when nothing was harvested
	// and the previous mark should be kept.
	Watermark() string
}

// Local is an optional Source capability: a source that reads inputs other
// than its HTTP responses (a table embedded in the binary, a file on disk)
// reports a digest of them. The pipeline compares it with the last good
// run's: equal, and with no HTTP response to compare, the source is
// unchanged and is not read again; different, every response is processed
// again even if it did not change.
type Local interface {
	// LocalDigest returns a digest of the local inputs (e.g. hex sha256),
	// or an error when they cannot be read.
	LocalDigest() (string, error)
}

// ErrNoHTTP reports an Env without the HTTP client a connector needs.
var ErrNoHTTP = errors.New("no HTTP client in the environment")

// Configured returns cfg as a *C after the checks every Kind.Open makes, in
// this order: cfg is a *C and not a nil one, cfg.Validate() returns nil, and,
// when needHTTP, env.HTTP is not nil (the error then wraps ErrNoHTTP). Every
// error starts with "<kind>: open: " and wraps the Validate error as is, so
// errors.As still finds its *FieldError values. C cannot be inferred from
// the arguments: a kind's package calls Configured[Config](kind, cfg, env, true).
func Configured[C any, P interface {
	*C
	Config
}](kind string, cfg Config, env Env, needHTTP bool) (*C, error) {
	c, ok := cfg.(P)
	if !ok || c == nil {
		return nil, fmt.Errorf("%s: open: configuration is %T, want %T", kind, cfg, P(nil))
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%s: open: %w", kind, err)
	}
	if needHTTP && env.HTTP == nil {
		return nil, fmt.Errorf("%s: open: %w", kind, ErrNoHTTP)
	}
	return c, nil
}

// Opener adapts a kind's exported Open, which returns its own source type
// S, to Kind.Open: it returns open's result as a Source, and a nil Source,
// never a typed nil in the interface, with open's error.
func Opener[S Source](open func(Config, Env) (S, error)) func(Config, Env) (Source, error) {
	return func(cfg Config, env Env) (Source, error) {
		s, err := open(cfg, env)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
}

// Log returns the logger a source of the given kind should use: env.Logger,
// or one that discards everything when it is nil, with the attribute
// connector=kind followed by attrs (key-value pairs, as for slog.Logger.With).
func (e Env) Log(kind string, attrs ...any) *slog.Logger {
	log := e.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return log.With(append([]any{"connector", kind}, attrs...)...)
}

// PrevFor returns the previous validators for a request, or nil.
func (e Env) PrevFor(method, url string, body []byte) *fetch.Validators {
	if e.Prev == nil {
		return nil
	}
	return e.Prev(fetch.RequestKey(method, url, body))
}

// Kind describes one connector: its options and how to open it.
type Kind struct {
	Name      string // the YAML `kind:` value and the package name
	Summary   string // one line, in English, shown by `ligerdata connectors`
	Options   []Option
	NewConfig func() Config // a pointer to a zero Config with defaults filled in
	Open      func(cfg Config, env Env) (Source, error)
}

// Registry holds the known kinds by name.
type Registry struct {
	kinds map[string]Kind
}

// NewRegistry returns a registry holding the given kinds. It panics on an
// empty or duplicate name, which is a programming error.
func NewRegistry(kinds ...Kind) *Registry {
	r := &Registry{kinds: map[string]Kind{}}
	for _, k := range kinds {
		r.Register(k)
	}
	return r
}

// Register adds a kind. It panics on an empty or duplicate name or a kind
// without NewConfig or Open.
func (r *Registry) Register(k Kind) {
	if k.Name == "" {
		panic("connectors: Register with an empty kind name")
	}
	if k.NewConfig == nil || k.Open == nil {
		panic("connectors: kind " + k.Name + " has no NewConfig or Open")
	}
	if _, dup := r.kinds[k.Name]; dup {
		panic("connectors: kind " + k.Name + " registered twice")
	}
	r.kinds[k.Name] = k
}

// Lookup returns the kind called name; the error lists the known names.
func (r *Registry) Lookup(name string) (Kind, error) {
	k, ok := r.kinds[name]
	if !ok {
		return Kind{}, fmt.Errorf("unknown connector kind %q (known: %s)", name, strings.Join(r.Names(), ", "))
	}
	return k, nil
}

// Names returns the registered kind names, sorted.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.kinds))
	for n := range r.kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Kinds returns the registered kinds sorted by name.
func (r *Registry) Kinds() []Kind {
	out := make([]Kind, 0, len(r.kinds))
	for _, n := range r.Names() {
		out = append(out, r.kinds[n])
	}
	return out
}

// IsHTMLPage reports whether a response that should carry data is an HTML
// page instead, such as a portal's error or login page served with status
// 200: its media type (contentType, the Content-Type header) is text/html or
// application/xhtml+xml, or its body, after a UTF-8 byte-order mark and
// white space, starts with "<!doctype html" or "<html" in any case.
// Connectors use it to fail rather than publish such a page as records.
func IsHTMLPage(contentType string, body []byte) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	if mt == "text/html" || mt == "application/xhtml+xml" {
		return true
	}
	head := bytes.TrimLeftFunc(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), unicode.IsSpace)
	head = head[:min(len(head), len("<!doctype html"))]
	return hasPrefixFold(head, "<!doctype html") || hasPrefixFold(head, "<html")
}

// hasPrefixFold reports whether b starts with the lower-case ASCII prefix,
// ignoring case.
func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}
