// Package communes provides the "communes" connector: the reference table
// of the communes of région Pays de la Loire, published as a dataset so that
// indicators can aggregate commune → EPCI → département → région through it.
//
// The communes, their département, EPCI and legal population come from the
// table embedded in internal/geo (generated from Etalab's
// @etalab/decoupage-administratif). Each commune is classed rural or urban:
// by INSEE's grille communale de densité when a steward points the connector
// at that file (density_url or density_path), otherwise by a documented
// stand-in on population (StandInDefinition).
package communes

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/fetch"
	"github.com/ligerdata/ligerdata/internal/geo"
)

// DefaultRuralThreshold is the population under which the stand-in classes
// a commune as rural: 2,000 inhabitants, the size of an unité urbaine in
// INSEE's definition of rural communes used until 2020.
const DefaultRuralThreshold = 2000

// Kind is the "communes" connector.
var Kind = connectors.Kind{
	Name:    "communes",
	Summary: "the reference table of the region's communes (INSEE code, département, EPCI, population, rural or urban), optionally classed by INSEE's grille communale de densité",
	Options: []connectors.Option{
		{Name: "density_url", Help: "HTTP(S) address of INSEE's grille communale de densité saved as CSV (columns CODGEO, LIBGEO, DENS…). Without density_url or density_path, the rural class is the population stand-in. Give one of them, not both.", Example: "https://example.org/grille_densite_7_niveaux_2024.csv"},
		{Name: "density_path", Help: "Path on disk of the same file, relative to the folder of the pipeline definition.", Example: "grille_densite_7_niveaux_2024.csv"},
		{Name: "density_levels", Help: "Number of levels of the grid in the file: 4 (rural = levels 3 and 4, communes peu denses or très peu denses) or 7 (rural = levels 5 to 7, bourgs ruraux and rural à habitat dispersé or très dispersé). Required with a file.", Example: "7"},
		{Name: "density_year", Help: "Vintage of the grid (the year in INSEE's file name), quoted in the definition of every row. Required with a file.", Example: "2024"},
		{Name: "density_delimiter", Help: "Field separator of the CSV file: one character, or \\t for tab.", Default: ";"},
		{Name: "density_encoding", Help: "Character encoding of the CSV file: utf-8, windows-1252, iso-8859-15 or iso-8859-1. A UTF-8 byte-order mark is skipped.", Default: "utf-8"},
		{Name: "code_column", Help: "Column holding the commune's INSEE code (case is ignored). Lines before the header row are skipped.", Default: "CODGEO"},
		{Name: "level_column", Help: "Column holding the density level (case is ignored).", Default: "DENS"},
		{Name: "rural_threshold", Help: "Stand-in used without a density file: a commune whose population municipale is below this number is rural.", Default: strconv.Itoa(DefaultRuralThreshold)},
	},
	NewConfig: func() connectors.Config {
		return &Config{DensityDelimiter: ";", DensityEncoding: "utf-8", CodeColumn: "CODGEO", LevelColumn: "DENS", RuralThreshold: DefaultRuralThreshold}
	},
	Open: connectors.Opener(Open),
}

// Config is the `source:` block of a communes pipeline.
type Config struct {
	DensityURL       string `yaml:"density_url"`
	DensityPath      string `yaml:"density_path"`
	DensityLevels    int    `yaml:"density_levels"`
	DensityYear      string `yaml:"density_year"`
	DensityDelimiter string `yaml:"density_delimiter"`
	DensityEncoding  string `yaml:"density_encoding"`
	CodeColumn       string `yaml:"code_column"`
	LevelColumn      string `yaml:"level_column"`
	RuralThreshold   int    `yaml:"rural_threshold"`
}

func (c *Config) hasFile() bool { return c.DensityURL != "" || c.DensityPath != "" }

// Validate reports every problem of the configuration at once.
func (c *Config) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, &connectors.FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if c.DensityURL != "" && c.DensityPath != "" {
		add("density_path", "give density_url or density_path, not both")
	}
	if c.DensityURL != "" {
		if u, err := url.Parse(c.DensityURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("density_url", "%q is not an http(s) URL", c.DensityURL)
		}
	}
	if c.hasFile() {
		if _, ok := gridLevels[c.DensityLevels]; !ok {
			add("density_levels", "must be 4 or 7 with a density file (got %d)", c.DensityLevels)
		}
		if strings.TrimSpace(c.DensityYear) == "" {
			add("density_year", "is required with a density file (the vintage quoted in every row)")
		}
	}
	if connectors.Delimiter(c.DensityDelimiter) == 0 {
		add("density_delimiter", "must be one character (got %q)", c.DensityDelimiter)
	}
	if _, err := decoderFor(c.DensityEncoding); err != nil {
		add("density_encoding", "%v", err)
	}
	if strings.TrimSpace(c.CodeColumn) == "" {
		add("code_column", "is required")
	}
	if strings.TrimSpace(c.LevelColumn) == "" {
		add("level_column", "is required")
	}
	if c.RuralThreshold < 1 {
		add("rural_threshold", "must be a positive number of inhabitants (got %d)", c.RuralThreshold)
	}
	return errors.Join(errs...)
}

// Source emits one record per commune of the région.
type Source struct {
	cfg Config
	env connectors.Env
}

var _ connectors.Local = (*Source)(nil)

// Open checks the configuration; it needs env.HTTP only for density_url.
func Open(cfg connectors.Config, env connectors.Env) (*Source, error) {
	c, err := connectors.Configured[Config]("communes", cfg, env, false)
	if err != nil {
		return nil, err
	}
	if c.DensityURL != "" && env.HTTP == nil {
		return nil, fmt.Errorf("communes: open: density_url %s: %w", c.DensityURL, connectors.ErrNoHTTP)
	}
	return &Source{cfg: *c, env: env}, nil
}

// Fetch emits the 1,228 communes of the embedded table in INSEE code order,
// in one page. With a density file, a commune absent from it, or whose level
// is not one of the grid's, gives a record with connectors.ErrorField that
// names it; a file without the code or level column, or naming a commune of
// the région twice, is an error and nothing is emitted. It returns
// connectors.ErrUnchanged when the density file answered 304.
func (s *Source) Fetch(ctx context.Context, emit func([]connectors.Record) error) error {
	classify := s.standIn
	if s.cfg.hasFile() {
		body, err := s.readDensityFile(ctx)
		if err != nil {
			return err
		}
		grid, err := parseGrid(body, s.cfg)
		if err != nil {
			return fmt.Errorf("communes: density file %s: %w", s.densityWhere(), err)
		}
		classify = grid.classify
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("communes: %w", err)
	}
	all := geo.Communes()
	page := make([]connectors.Record, 0, len(all))
	for i, c := range all {
		// Line is the commune's line in the embedded table (header = 1).
		rec := connectors.Record{Line: i + 2, Fields: baseFields(c)}
		if err := classify(c, rec.Fields); err != nil {
			rec.Fields = map[string]any{"code_insee": c.INSEE, connectors.ErrorField: err.Error()}
		}
		page = append(page, rec)
	}
	if err := emit(page); err != nil {
		return fmt.Errorf("communes: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("communes: %w", err)
	}
	return nil
}

// baseFields holds everything but the rural class, under the names of the
// schema communes-pays-de-la-loire.
func baseFields(c geo.Commune) map[string]any {
	f := map[string]any{
		"code_insee":       c.INSEE,
		"nom":              c.Name,
		"codes_postaux":    strings.Join(c.PostalCodes, "|"),
		"code_departement": c.Departement,
		"nom_departement":  c.DepartementName,
		"siren_epci":       c.EPCI,
		"nom_epci":         c.EPCIName,
		"nature_epci":      c.EPCINature,
		"population":       nil,
		"population_annee": nil,
	}
	if c.PopulationYear != 0 {
		f["population"] = json.Number(strconv.Itoa(c.Population))
		f["population_annee"] = json.Number(strconv.Itoa(c.PopulationYear))
	}
	return f
}

// standIn classes a commune by its population (StandInDefinition).
func (s *Source) standIn(c geo.Commune, f map[string]any) error {
	if c.PopulationYear == 0 {
		return fmt.Errorf("la commune %s (%s) n'a pas de population légale : le substitut de la classe rurale ne peut pas s'appliquer", c.INSEE, c.Name)
	}
	setClass(f, c.Population < s.cfg.RuralThreshold, StandInDefinition(s.cfg.RuralThreshold, c.PopulationYear))
	f["grille_densite"] = nil
	f["libelle_densite"] = ""
	return nil
}

// StandInDefinition is the French definition of "rural" quoted in every row
// when no density file is given.
func StandInDefinition(threshold, populationYear int) string {
	return fmt.Sprintf("Substitut, faute de grille communale de densité de l'INSEE chargée : "+
		"est rurale une commune de moins de %s habitants (population municipale %d, INSEE). "+
		"Seuil repris de l'ancienne définition INSEE du rural (avant 2020 : commune hors unité urbaine, "+
		"une unité urbaine comptant au moins 2 000 habitants), sans tenir compte de la continuité du bâti.",
		frenchInt(threshold), populationYear)
}

func setClass(f map[string]any, rural bool, definition string) {
	f["rural"] = rural
	f["classe_rurale"] = "urbaine"
	if rural {
		f["classe_rurale"] = "rurale"
	}
	f["definition_rurale"] = definition
}

// frenchInt writes n with a narrow no-break space between thousands.
func frenchInt(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u202f')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// LocalDigest implements connectors.Local: the SHA-256 of the embedded
// table, and of the density file when it is read from disk.
func (s *Source) LocalDigest() (string, error) {
	if s.cfg.DensityPath == "" {
		return geo.TableSHA256(), nil
	}
	b, err := os.ReadFile(s.densityFilePath())
	if err != nil {
		return "", fmt.Errorf("communes: density file: %w", err)
	}
	sum := sha256.Sum256(append([]byte(geo.TableSHA256()), b...))
	return hex.EncodeToString(sum[:]), nil
}

func (s *Source) densityFilePath() string {
	p := s.cfg.DensityPath
	if !filepath.IsAbs(p) && s.env.Dir != "" {
		p = filepath.Join(s.env.Dir, p)
	}
	return p
}

func (s *Source) densityWhere() string {
	if s.cfg.DensityURL != "" {
		return s.cfg.DensityURL
	}
	return s.cfg.DensityPath
}

// readDensityFile returns the density file's bytes, decoded to UTF-8.
func (s *Source) readDensityFile(ctx context.Context) ([]byte, error) {
	var body []byte
	if u := s.cfg.DensityURL; u != "" {
		resp, err := s.env.HTTP.Do(ctx, fetch.Request{Method: http.MethodGet, URL: u, Prev: s.env.PrevFor(http.MethodGet, u, nil)})
		if err != nil {
			return nil, fmt.Errorf("communes: %w", err) // it names the method and URL
		}
		if resp.Unchanged && len(resp.Body) == 0 {
			return nil, connectors.ErrUnchanged
		}
		if ct := resp.Header.Get("Content-Type"); connectors.IsHTMLPage(ct, resp.Body) {
			return nil, fmt.Errorf("communes: GET %s: got an HTML page (Content-Type %q) where a CSV file was expected", u, ct)
		}
		body = resp.Body
	} else {
		b, err := os.ReadFile(s.densityFilePath())
		if err != nil {
			return nil, fmt.Errorf("communes: density file: %w", err)
		}
		body = b
	}
	if len(body) == 0 {
		return nil, fmt.Errorf("communes: density file %s: empty body", s.densityWhere())
	}
	dec, _ := decoderFor(s.cfg.DensityEncoding)
	return dec(body)
}
