package pipelines

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ligerdata/ligerdata/connectors"
)

// Source fields. A source that renames or drops a field the mappings read
// would otherwise publish that column empty without a word (the output
// schema has not changed, so the schema_drift gate passes). Each run
// records which mapped source fields at least one record carried
// (Manifest.SourceFields); a field the last good run saw that no record of
// this harvest carries blocks the release with the gate source_fields.

// noteSourceFields records the mapped source fields rec carries.
func (s *runState) noteSourceFields(rec connectors.Record) {
	if s.srcFields == nil {
		s.srcFields = map[string]bool{}
		for _, fm := range s.def.Fields {
			for _, f := range fm.From {
				s.srcFields[f] = false
			}
		}
	}
	for name, seen := range s.srcFields {
		if !seen {
			if _, ok := rec.Fields[name]; ok {
				s.srcFields[name] = true
			}
		}
	}
}

// seenSourceFields lists, sorted, the mapped source fields seen.
func (s *runState) seenSourceFields() []string {
	var out []string
	for name, seen := range s.srcFields {
		if seen {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// sourceFieldsGate compares the fields seen with those of the last good
// run; nil when there is nothing to compare (no last run, nothing read, or
// an incremental harvest, which may carry only a few records).
func (s *runState) sourceFieldsGate() *GateResult {
	if s.last == nil || len(s.last.SourceFields) == 0 || s.q.Read == 0 || s.base != "" {
		return nil
	}
	var lost []string
	for _, name := range s.last.SourceFields {
		if seen, mapped := s.srcFields[name]; mapped && !seen {
			lost = append(lost, name)
		}
	}
	g := &GateResult{Gate: "source_fields", Passed: true, Detail: "la source fournit les mêmes champs que lors de l'exécution " + s.last.RunID}
	if len(lost) > 0 {
		g.Passed = s.def.Gates.AllowSchemaChange
		g.Detail = fmt.Sprintf("champs de la source absents de toutes les %d lignes lues, présents lors de l'exécution %s : %s ; la source a sans doute changé (gates.allow_schema_change permet de publier)",
			s.q.Read, s.last.RunID, strings.Join(lost, ", "))
	}
	return g
}
