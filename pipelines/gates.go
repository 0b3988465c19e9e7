package pipelines

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ligerdata/ligerdata/output"
)

// Gates are the checks a run must pass before its release is published.
// Their verdicts are written in French: stewards read them on the
// dashboard.
type Gates struct {
	// MaxRejectedShare blocks a release when more than this share of the
	// rows read is rejected (0 to 1; default 0.5).
	MaxRejectedShare *float64 `yaml:"max_rejected_share"`
	// MaxRowDrop blocks a release that has lost more than this share of
	// the previous release's rows (0 to 1; default 0.3): a source that
	// suddenly answers half its rows has more likely broken than shrunk.
	MaxRowDrop *float64 `yaml:"max_row_drop"`
	// AllowEmpty lets a release with no row be published.
	AllowEmpty bool `yaml:"allow_empty"`
	// AllowSchemaChange lets a release drop or retype columns of the
	// previous release; added columns always pass.
	AllowSchemaChange bool `yaml:"allow_schema_change"`
}

const (
	defaultMaxRejectedShare = 0.5
	defaultMaxRowDrop       = 0.3
)

// prevRelease is what the gates compare a new release with.
type prevRelease struct {
	ID     string
	Rows   int
	Fields map[string]string // name -> type
	Order  []string
}

// previousRelease reads the latest release's descriptor, or returns nil
// when the dataset has none (or it cannot be read: the gates then have
// nothing to compare with, which the verdict says).
func previousRelease(public, dataset string) *prevRelease {
	id, err := output.Latest(public, dataset)
	if err != nil {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(public, "datasets", dataset, id, output.FileDataPackage))
	if err != nil {
		return nil
	}
	var dp struct {
		Resources []struct {
			Schema *struct {
				Fields []struct{ Name, Type string }
			}
		}
		Ligerdata struct {
			Rows int `json:"rows"`
		} `json:"ligerdata"`
	}
	if err := json.Unmarshal(b, &dp); err != nil {
		return nil
	}
	p := &prevRelease{ID: id, Rows: dp.Ligerdata.Rows, Fields: map[string]string{}}
	for _, r := range dp.Resources {
		if r.Schema == nil {
			continue
		}
		for _, f := range r.Schema.Fields {
			typ := f.Type
			if typ == "" {
				typ = "any"
			}
			p.Fields[f.Name] = typ
			p.Order = append(p.Order, f.Name)
		}
		break
	}
	return p
}

// gates checks a finished harvest before publication, against the
// previous release when there is one.
func (def *Definition) gates(q output.Quality, prev *prevRelease) []GateResult {
	rows := q.Accepted + q.Kept
	var out []GateResult

	empty := GateResult{Gate: "empty", Passed: true, Detail: fmt.Sprintf("%d lignes dans la version", rows)}
	if rows == 0 && !def.Gates.AllowEmpty {
		empty.Passed = false
		empty.Detail = fmt.Sprintf("aucune ligne acceptée sur %d lues (gates.allow_empty permet de publier un jeu vide)", q.Read)
	}
	out = append(out, empty)

	share := defaultMaxRejectedShare
	if def.Gates.MaxRejectedShare != nil {
		share = *def.Gates.MaxRejectedShare
	}
	got := 0.0
	if q.Read > 0 {
		got = float64(q.Rejected) / float64(q.Read)
	}
	out = append(out, GateResult{
		Gate:   "rejected_share",
		Passed: got <= share,
		Detail: fmt.Sprintf("%d lignes rejetées sur %d lues (%s, seuil %s)", q.Rejected, q.Read, percent(got), percent(share)),
	})

	drop := defaultMaxRowDrop
	if def.Gates.MaxRowDrop != nil {
		drop = *def.Gates.MaxRowDrop
	}
	rd := GateResult{Gate: "row_drop", Passed: true, Detail: "pas de version précédente"}
	if prev != nil && prev.Rows > 0 {
		lost := float64(prev.Rows-rows) / float64(prev.Rows)
		if lost < 0 {
			lost = 0
		}
		rd.Passed = lost <= drop
		rd.Detail = fmt.Sprintf("%d lignes contre %d dans la version %s (baisse de %s, seuil %s)", rows, prev.Rows, prev.ID, percent(lost), percent(drop))
	}
	out = append(out, rd)

	sd := GateResult{Gate: "schema_drift", Passed: true, Detail: "pas de version précédente"}
	if prev != nil && len(prev.Fields) > 0 {
		var removed, retyped, added []string
		now := map[string]string{}
		for _, f := range def.TableSchema.Fields {
			typ := f.Type
			if typ == "" {
				typ = "any"
			}
			now[f.Name] = typ
			if old, ok := prev.Fields[f.Name]; !ok {
				added = append(added, f.Name)
			} else if old != typ {
				retyped = append(retyped, fmt.Sprintf("%s (%s → %s)", f.Name, old, typ))
			}
		}
		for _, name := range prev.Order {
			if _, ok := now[name]; !ok {
				removed = append(removed, name)
			}
		}
		var parts []string
		if len(removed) > 0 {
			parts = append(parts, "colonnes supprimées : "+strings.Join(removed, ", "))
		}
		if len(retyped) > 0 {
			parts = append(parts, "colonnes retypées : "+strings.Join(retyped, ", "))
		}
		if len(added) > 0 {
			parts = append(parts, "colonnes ajoutées : "+strings.Join(added, ", "))
		}
		sd.Passed = def.Gates.AllowSchemaChange || (len(removed) == 0 && len(retyped) == 0)
		sd.Detail = "même schéma que la version " + prev.ID
		if len(parts) > 0 {
			sd.Detail = strings.Join(parts, " ; ")
			if !sd.Passed {
				sd.Detail += " (gates.allow_schema_change permet de publier)"
			}
		}
	}
	out = append(out, sd)

	_, src, _ := lookupLicence(def.SourceLicence)
	_, dst, _ := lookupLicence(def.Licence)
	out = append(out, GateResult{Gate: "licence", Passed: true, Detail: fmt.Sprintf("source sous %s, republiée sous %s", src.ID, dst.ID)})
	return out
}

func percent(f float64) string {
	return strings.Replace(fmt.Sprintf("%.1f %%", 100*f), ".", ",", 1)
}
