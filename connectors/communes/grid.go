package communes

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ligerdata/ligerdata/connectors"
	"github.com/ligerdata/ligerdata/internal/geo"
)

// gridScheme describes one of INSEE's grilles communales de densité.
type gridScheme struct {
	labels     []string // French label of each level, level 1 first
	ruralFrom  int      // first rural level
	definition string   // the rule, in French, without the vintage
}

// gridLevels holds the two grids INSEE publishes. Since 2020 INSEE calls
// rural the communes "peu denses" or "très peu denses" of the 4-level grid;
// the 7-level grid splits them into bourgs ruraux and rural à habitat
// dispersé or très dispersé (levels 5 to 7).
var gridLevels = map[int]gridScheme{
	4: {
		labels:     []string{"Commune densément peuplée", "Commune de densité intermédiaire", "Commune peu dense", "Commune très peu dense"},
		ruralFrom:  3,
		definition: "à 4 niveaux : est rurale une commune peu dense ou très peu dense (niveaux 3 et 4), définition INSEE du rural depuis 2020",
	},
	7: {
		labels:     []string{"Grand centre urbain", "Centre urbain intermédiaire", "Ceinture urbaine", "Petite ville", "Bourg rural", "Rural à habitat dispersé", "Rural à habitat très dispersé"},
		ruralFrom:  5,
		definition: "à 7 niveaux : est rurale une commune des niveaux 5 à 7 (bourg rural, rural à habitat dispersé ou très dispersé), définition INSEE du rural depuis 2020",
	},
}

// GridDefinition is the French definition of "rural" quoted in every row
// classed by a density file of this many levels and this vintage.
func GridDefinition(levels int, year string) string {
	return fmt.Sprintf("Grille communale de densité de l'INSEE (millésime %s) %s.", year, gridLevels[levels].definition)
}

// grid is a parsed density file: the level of each commune of the région.
type grid struct {
	scheme gridScheme
	levels int
	year   string
	level  map[string]string // INSEE code -> level as written
	line   map[string]int    // INSEE code -> line in the file
}

// parseGrid reads the CSV export of INSEE's file: lines before the header
// row (a title, as in the XLSX) are skipped; the header row is the first
// that names both the code and the level column (case and surrounding
// spaces ignored); other columns are ignored. Only communes of the région
// are kept.
func parseGrid(body []byte, cfg Config) (*grid, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(body))
	r.Comma = connectors.Delimiter(cfg.DensityDelimiter)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	codeCol, levelCol := -1, -1
	for codeCol < 0 {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("no header row naming columns %s and %s", cfg.CodeColumn, cfg.LevelColumn)
		}
		if err != nil {
			return nil, err
		}
		codeCol, levelCol = column(rec, cfg.CodeColumn), column(rec, cfg.LevelColumn)
		if codeCol < 0 || levelCol < 0 {
			codeCol = -1
		}
	}
	g := &grid{scheme: gridLevels[cfg.DensityLevels], levels: cfg.DensityLevels, year: strings.TrimSpace(cfg.DensityYear), level: map[string]string{}, line: map[string]int{}}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := r.FieldPos(0)
		if codeCol >= len(rec) {
			continue
		}
		code := strings.TrimSpace(rec[codeCol])
		if _, ok := geo.ByINSEE(code); !ok {
			continue // another région, or a blank line
		}
		if first, dup := g.line[code]; dup {
			return nil, fmt.Errorf("commune %s appears twice (lines %d and %d)", code, first, line)
		}
		g.line[code] = line
		if levelCol < len(rec) {
			g.level[code] = strings.TrimSpace(rec[levelCol])
		}
	}
	return g, nil
}

// column returns the index of the header cell named name, ignoring case
// and surrounding spaces, or -1.
func column(header []string, name string) int {
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(name)) {
			return i
		}
	}
	return -1
}

// classify sets the rural class of c from its level in the grid; the error,
// in French, names a commune absent from the file or a level out of range.
func (g *grid) classify(c geo.Commune, f map[string]any) error {
	line, ok := g.line[c.INSEE]
	if !ok {
		return fmt.Errorf("la commune %s (%s) est absente de la grille communale de densité chargée", c.INSEE, c.Name)
	}
	raw := g.level[c.INSEE]
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > g.levels {
		return fmt.Errorf("la commune %s (%s) a le niveau de densité %q à la ligne %d de la grille, attendu un entier de 1 à %d", c.INSEE, c.Name, raw, line, g.levels)
	}
	setClass(f, n >= g.scheme.ruralFrom, GridDefinition(g.levels, g.year))
	f["grille_densite"] = json.Number(strconv.Itoa(n))
	f["libelle_densite"] = g.scheme.labels[n-1]
	return nil
}

// decoderFor returns a function that decodes the file to UTF-8; UTF-8
// itself is checked, so that a windows-1252 file read by mistake fails.
func decoderFor(enc string) (func([]byte) ([]byte, error), error) {
	dec, err := connectors.Decoder(enc)
	if err != nil || dec != nil {
		return dec, err
	}
	return func(b []byte) ([]byte, error) {
		if !utf8.Valid(b) {
			return nil, errors.New("communes: density file is not valid UTF-8: set density_encoding")
		}
		return b, nil
	}, nil
}
