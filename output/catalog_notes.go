package output

import (
	"fmt"
	"strings"
)

// versionNotes summarises in French the changelog (changes.json) of a
// release, for adms:versionNotes; "" when the release has none.
func versionNotes(publicDir string, coll Collection, dataset, release string) string {
	c, err := coll.ReadChanges(publicDir, dataset, release)
	if err != nil {
		return ""
	}
	return changesNotes(c)
}

// changesNotes is the French summary of a changelog:
// "Par rapport à la version X : 12 lignes ajoutées, 3 supprimées,
// 5 modifiées. Colonnes ajoutées : a, b." In French, 0 and 1 take the
// singular.
func changesNotes(c *Changes) string {
	r := c.Rows
	if c.Previous == nil || *c.Previous == "" {
		return fmt.Sprintf("Première version publiée : %d %s.", r.Added, plural(r.Added, "ligne", "lignes"))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Par rapport à la version %s : ", *c.Previous)
	if r.Added == 0 && r.Removed == 0 && r.Changed == 0 {
		b.WriteString("aucune ligne ajoutée, supprimée ou modifiée.")
	} else {
		fmt.Fprintf(&b, "%d %s, %d %s, %d %s.",
			r.Added, plural(r.Added, "ligne ajoutée", "lignes ajoutées"),
			r.Removed, plural(r.Removed, "supprimée", "supprimées"),
			r.Changed, plural(r.Changed, "modifiée", "modifiées"))
	}
	s := c.Schema
	if len(s.Added) > 0 {
		fmt.Fprintf(&b, " %s : %s.", plural(len(s.Added), "Colonne ajoutée", "Colonnes ajoutées"), strings.Join(s.Added, ", "))
	}
	if len(s.Removed) > 0 {
		fmt.Fprintf(&b, " %s : %s.", plural(len(s.Removed), "Colonne supprimée", "Colonnes supprimées"), strings.Join(s.Removed, ", "))
	}
	if len(s.Retyped) > 0 {
		parts := make([]string, len(s.Retyped))
		for i, t := range s.Retyped {
			parts[i] = fmt.Sprintf("%s (%s → %s)", t.Name, t.From, t.To)
		}
		fmt.Fprintf(&b, " %s : %s.", plural(len(s.Retyped), "Type de colonne modifié", "Types de colonnes modifiés"), strings.Join(parts, ", "))
	}
	return b.String()
}

// plural picks the French singular (0 and 1) or plural form.
func plural(n int, one, many string) string {
	if n <= 1 {
		return one
	}
	return many
}
