package indicators

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/ligerdata/ligerdata/output"
)

// euThemes maps the report themes to the EU data themes of the catalogue.
var euThemes = map[string]string{
	"acces-numerique":                  "TECH",
	"tourisme":                         "ECON",
	"information-geographique":         "REGI",
	"enseignement-superieur-recherche": "EDUC",
}

// meta is how the indicator is described in datapackage.json and the
// catalogue.
func (e *Engine) meta(def *Definition, prov *Provenance) output.DatasetMeta {
	m := output.DatasetMeta{
		ID: def.ID, Title: def.Title, Description: def.Definition,
		Keywords: append([]string{"indicateur"}, def.Keywords...),
		License:  output.License{ID: def.Licence}, Publisher: e.Catalog.Publisher,
		Theme: euThemes[def.Theme], Spatial: "Région Pays de la Loire",
		Collection: output.CollectionIndicators,
	}
	for _, in := range append(append([]InputRelease(nil), prov.Inputs...), prov.References...) {
		d := output.Derivation{Dataset: in.Dataset, Release: in.Release}
		if in.Indicator {
			d.Collection = output.CollectionIndicators
		}
		m.DerivedFrom = append(m.DerivedFrom, d)
	}
	return m
}

// publish writes the release of the rows with provenance.json, switches
// it in, rewrites the catalogue and prunes old releases.
func (e *Engine) publish(def *Definition, rows []Row, prov *Provenance, m *RunManifest, log *slog.Logger) error {
	public := e.Store.PublicDir()
	provJSON, err := json.MarshalIndent(prov, "", "  ")
	if err != nil {
		return fmt.Errorf("provenance: %w", err)
	}
	r, err := output.NewRelease(public, e.meta(def, prov), def.TableSchema, m.RunID, e.now)
	if err != nil {
		return err
	}
	for _, row := range rows {
		if err := r.Append(row); err != nil {
			r.Abort()
			return err
		}
	}
	if err := r.AddFile(FileProvenance, output.MediaTypeJSON, append(provJSON, '\n')); err != nil {
		r.Abort()
		return err
	}
	// A later run rewrites the catalogue if this one cannot (see
	// output.MarkCatalogStale).
	if err := output.MarkCatalogStale(public, m.RunID); err != nil {
		r.Abort()
		return err
	}
	p, err := r.Commit(output.Quality{})
	if err != nil {
		r.Abort()
		return err
	}
	m.Outcome, m.Release, m.Rows, m.Files = OutcomeComputed, p.Release, p.Rows, p.Files
	log.Info("indicator published", "release", p.Release, "rows", p.Rows)
	if err := output.WriteCatalog(public, e.Catalog); err != nil {
		m.CatalogError = err.Error()
		log.Error("catalogue not rewritten", "err", err)
	}
	keep := e.Retention
	if keep == 0 {
		keep = DefaultRetention
	}
	if m.Pruned, err = output.CollectionIndicators.Prune(public, def.ID, keep); err != nil {
		log.Warn("old releases not pruned", "err", err)
	}
	return nil
}
