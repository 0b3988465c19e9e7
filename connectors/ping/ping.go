// Package ping provides the "ping" connector: it reads the places of PiNG's
// map of public digital spaces in Pays de la Loire ("parcours numériques",
// http://parcoursnumeriques.net/carte/), which the map serves only as a
// JavaScript object literal (`var lieux = {…}` from _geodata/lieux.js.php).
//
// The package holds a tolerant parser for that subset of JavaScript
// (ParseLiteral) and an extractor for the HTML popup of each place, whose
// parts become popup_* fields of the records.
package ping

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/fetch"
)

// DefaultVariable is the JavaScript variable that holds the places.
const DefaultVariable = "lieux"

// Kind is the "ping" connector.
var Kind = connectors.Kind{
	Name:    "ping",
	Summary: "PiNG's map of public digital spaces (parcours numériques): places from the JavaScript literal of _geodata/lieux.js.php",
	Options: []connectors.Option{
		{
			Name:     "url",
			Required: true,
			Help: "Absolute http(s) URL of the script that prints the places, `var lieux = {…}`. " +
				"It is fetched with a conditional GET; an HTML page or an empty answer is an error.",
			Example: "http://parcoursnumeriques.net/carte/_geodata/lieux.js.php",
		},
		{
			Name: "variable",
			Help: "Name of the JavaScript variable assigned the object of places, when the script " +
				"declares several.",
			Default: DefaultVariable,
			Example: "lieux",
		},
	},
	NewConfig: func() connectors.Config { return &Config{Variable: DefaultVariable} },
	Open:      connectors.Opener(Open),
}

// Config is the `source:` block of a ping pipeline.
type Config struct {
	// URL of lieux.js.php; required, absolute http or https.
	URL string `yaml:"url"`
	// Variable is the JavaScript variable holding the places; default "lieux".
	Variable string `yaml:"variable"`
}

var identRe = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

// Validate reports every problem of the configuration as *connectors.FieldError
// values joined with errors.Join, or nil.
func (c *Config) Validate() error {
	var errs []error
	switch u, err := url.Parse(c.URL); {
	case strings.TrimSpace(c.URL) == "":
		errs = append(errs, &connectors.FieldError{Path: "url", Msg: "is required"})
	case err != nil:
		errs = append(errs, &connectors.FieldError{Path: "url", Msg: fmt.Sprintf("is not a valid URL: %v", err)})
	case u.Scheme != "http" && u.Scheme != "https":
		errs = append(errs, &connectors.FieldError{Path: "url", Msg: fmt.Sprintf("must be an http or https URL, got %q", c.URL)})
	case u.Host == "":
		errs = append(errs, &connectors.FieldError{Path: "url", Msg: fmt.Sprintf("has no host: %q", c.URL)})
	}
	if !identRe.MatchString(c.Variable) {
		errs = append(errs, &connectors.FieldError{Path: "variable", Msg: fmt.Sprintf("must be a JavaScript identifier such as %q, got %q", DefaultVariable, c.Variable)})
	}
	return errors.Join(errs...)
}

// Source reads the places of one PiNG map.
type Source struct {
	cfg Config
	env connectors.Env
	log *slog.Logger
}

// Open returns the source for cfg, which must be a *Config that validates.
// env.HTTP is required.
func Open(cfg connectors.Config, env connectors.Env) (*Source, error) {
	c, err := connectors.Configured[Config]("ping", cfg, env, true)
	if err != nil {
		return nil, err
	}
	return &Source{cfg: *c, env: env, log: env.Log("ping", "url", c.URL)}, nil
}

// Fetch gets the literal with a conditional GET and emits one page holding
// a record per place, in source order. Each record has the place's own
// fields as served (latitude, longitude, type, activites, centres_interet,
// espaces, commune, titre, texte…), "id" set to the object key, and the
// parts of the popup HTML in "texte": popup_adresse, popup_code_postal,
// popup_commune, popup_telephone, popup_email, popup_site_web,
// popup_horaires and popup_presentation (nil when missing). Record.Line is
// the line where the place starts. A place whose value is not an object
// gives a record with "id" only, and a warning.
//
// It returns connectors.ErrUnchanged on a 304, and a clear error naming the
// URL when the answer is empty, an HTML page, or not parseable.
func (s *Source) Fetch(ctx context.Context, emit func(page []connectors.Record) error) error {
	u := s.cfg.URL
	resp, err := s.env.HTTP.Do(ctx, fetch.Request{Method: http.MethodGet, URL: u, Prev: s.env.PrevFor(http.MethodGet, u, nil)})
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			return fmt.Errorf("ping: GET %s: %w", u, ctxErr)
		}
		return fmt.Errorf("ping: %w", err) // it names the method and URL
	}
	if resp.Unchanged && len(resp.Body) == 0 {
		return connectors.ErrUnchanged
	}
	body, err := s.checkBody(resp)
	if err != nil {
		return err
	}
	entries, err := ParseLiteral(body, s.cfg.Variable)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			se.URL = u
			return se
		}
		return fmt.Errorf("ping: %s: %w", u, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ping: GET %s: %w", u, err)
	}
	page := make([]connectors.Record, 0, len(entries))
	for _, e := range entries {
		page = append(page, s.record(e))
	}
	s.log.Debug("ping: parsed places", "places", len(page))
	if err := emit(page); err != nil {
		return fmt.Errorf("ping: emit page of %s: %w", u, err)
	}
	// A run cancelled while the consumer held the page is not a success.
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ping: GET %s: %w", u, err)
	}
	return nil
}

// checkBody returns the body as UTF-8 without BOM, or an error when it is
// not the expected JavaScript.
func (s *Source) checkBody(resp *fetch.Response) ([]byte, error) {
	u := s.cfg.URL
	body := bytes.TrimPrefix(resp.Body, []byte("\uFEFF"))
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("ping: GET %s: empty answer (HTTP %d), expected the JavaScript `var %s = {…}`", u, resp.Status, s.cfg.Variable)
	}
	ctype := resp.Header.Get("Content-Type")
	_, params, _ := mime.ParseMediaType(ctype)
	if connectors.IsHTMLPage(ctype, trimmed) || trimmed[0] == '<' {
		return nil, fmt.Errorf("ping: GET %s: got an HTML page (Content-Type %q) instead of the JavaScript `var %s = {…}`; has the map moved or is it down?", u, ctype, s.cfg.Variable)
	}
	if !utf8.Valid(body) {
		cs := strings.ToLower(params["charset"])
		if cs != "" && cs != "iso-8859-1" && cs != "latin1" && cs != "windows-1252" {
			return nil, fmt.Errorf("ping: GET %s: body is not valid %s", u, cs)
		}
		decoded, err := charmap.Windows1252.NewDecoder().Bytes(body)
		if err != nil {
			return nil, fmt.Errorf("ping: GET %s: decode Windows-1252: %w", u, err)
		}
		s.log.Warn("ping: body is not UTF-8, read as Windows-1252", "content_type", ctype)
		body = decoded
	}
	return body, nil
}

// record turns one entry into a record with the popup fields.
func (s *Source) record(e Entry) connectors.Record {
	fields := map[string]any{}
	obj, ok := e.Value.(map[string]any)
	if !ok {
		s.log.Warn("ping: place is not an object", "id", e.Key, "line", e.Line, "type", fmt.Sprintf("%T", e.Value))
	}
	for k, v := range obj {
		fields[k] = v
	}
	fields["id"] = e.Key
	if ok {
		texte, _ := obj["texte"].(string)
		for k, v := range extractPopup(texte).fields() {
			fields[k] = v
		}
	}
	return connectors.Record{Line: e.Line, Fields: fields}
}
