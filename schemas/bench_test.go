package schemas

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// nationalRows generates n realistic rows of the national schema, with the
// repetitive multi-valued fields drawn from their vocabularies.
func nationalRows(tb testing.TB, s *Schema, n int) []byte {
	tb.Helper()
	r := rand.New(rand.NewSource(44))
	pick := func(vocab ...string) string {
		k := 1 + r.Intn(3)
		if k > len(vocab) {
			k = len(vocab)
		}
		idx := r.Perm(len(vocab))[:k]
		parts := make([]string, k)
		for i, j := range idx {
			parts[i] = vocab[j]
		}
		return strings.Join(parts, "|")
	}
	maybe := func(v string) string {
		if r.Intn(4) == 0 {
			return ""
		}
		return v
	}
	communes := []struct{ nom, cp, insee string }{
		{"Nantes", "44000", "44109"}, {"Angers", "49000", "49007"}, {"Le Mans", "72000", "72181"},
		{"Laval", "53000", "53130"}, {"La Roche-sur-Yon", "85000", "85191"}, {"Saint-Nazaire", "44600", "44184"},
		{"Cholet", "49300", "49099"}, {"Saumur", "49400", "49328"},
	}
	values := map[string]func(i int) string{
		"id":                  func(i int) string { return fmt.Sprintf("pdl-%06d", i) },
		"pivot":               func(int) string { return fmt.Sprintf("%014d", r.Int63n(1e14)) },
		"nom":                 func(i int) string { return fmt.Sprintf("Espace numérique n°%d", i) },
		"adresse":             func(int) string { return fmt.Sprintf("%d rue de la Paix", 1+r.Intn(200)) },
		"complement_adresse":  func(int) string { return maybe("Bâtiment B, 2e étage") },
		"latitude":            func(int) string { return fmt.Sprintf("%.5f", 46.3+r.Float64()*1.8) },
		"longitude":           func(int) string { return fmt.Sprintf("%.5f", -2.5+r.Float64()*2.7) },
		"typologie":           func(int) string { return pick("CCAS", "ASSO", "BIB", "MUNI", "TIERS_LIEUX") },
		"telephone":           func(int) string { return maybe(fmt.Sprintf("+332%08d", r.Intn(1e8))) },
		"courriels":           func(int) string { return maybe("contact@exemple.fr") },
		"site_web":            func(int) string { return maybe("https://www.exemple.fr/") },
		"horaires":            func(int) string { return maybe("Mo-Fr 09:00-12:00,14:00-18:00") },
		"presentation_resume": func(int) string { return maybe("Accompagnement aux démarches en ligne et ateliers collectifs.") },
		"presentation_detail": func(int) string { return maybe(strings.Repeat("Ateliers d'initiation au numérique. ", 5)) },
		"source":              func(int) string { return "Région Pays de la Loire" },
		"itinerance":          func(int) string { return maybe(pick("Itinérant", "Fixe")) },
		"structure_parente":   func(int) string { return maybe("Communauté de communes") },
		"date_maj":            func(int) string { return fmt.Sprintf("2024-%02d-%02d", 1+r.Intn(12), 1+r.Intn(28)) },
		"services": func(int) string {
			return pick("Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien", "Insertion professionnelle via le numérique", "Utilisation sécurisée du numérique", "Loisirs et créations numériques")
		},
		"publics_specifiquement_adresses": func(int) string {
			return maybe(pick("Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes"))
		},
		"prise_en_charge_specifique": func(int) string {
			return maybe(pick("Surdité", "Handicaps moteurs", "Illettrisme", "Langues étrangères (anglais)"))
		},
		"frais_a_charge":                  func(int) string { return maybe(pick("Gratuit", "Gratuit sous condition", "Payant")) },
		"dispositif_programmes_nationaux": func(int) string { return maybe(pick("Aidants Connect", "Conseillers numériques", "France Services")) },
		"formations_labels":               func(int) string { return maybe(pick("Formé à « Mon Espace Santé »", "Fabriques de Territoire")) },
		"autres_formations_labels":        func(int) string { return "" },
		"modalites_acces":                 func(int) string { return maybe(pick("Se présenter", "Téléphoner", "Contacter par mail")) },
		"modalites_accompagnement": func(int) string {
			return maybe(pick("En autonomie", "Accompagnement individuel", "Dans un atelier collectif", "À distance"))
		},
		"fiche_acces_libre": func(int) string { return maybe("https://acceslibre.beta.gouv.fr/app/erp/x/") },
		"prise_rdv":         func(int) string { return maybe("https://www.rdv-solidarites.fr/") },
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		header[i] = f.Name
	}
	if err := w.Write(header); err != nil {
		tb.Fatal(err)
	}
	rec := make([]string, len(s.Fields))
	for i := 0; i < n; i++ {
		c := communes[r.Intn(len(communes))]
		for j, f := range s.Fields {
			switch f.Name {
			case "commune":
				rec[j] = c.nom
			case "code_postal":
				rec[j] = c.cp
			case "code_insee":
				rec[j] = c.insee
			default:
				gen, ok := values[f.Name]
				if !ok {
					tb.Fatalf("no generator for %s", f.Name)
				}
				rec[j] = gen(i)
			}
		}
		if err := w.Write(rec); err != nil {
			tb.Fatal(err)
		}
	}
	w.Flush()
	return buf.Bytes()
}

func TestGeneratedNationalRowsAreValid(t *testing.T) {
	s := loadNational(t)
	data := nationalRows(t, s, 500)
	sum, errs := collect(t, s, DefaultDialect(), string(data))
	if sum.Read != 500 || sum.Valid != 500 || len(errs) != 0 {
		t.Fatalf("summary %+v, first errors %v", sum, errs[:min(len(errs), 3)])
	}
}

func BenchmarkReadCSV(b *testing.B) {
	s := loadNational(b)
	data := nationalRows(b, s, 10000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		sum, err := ReadCSV(context.Background(), bytes.NewReader(data), DefaultDialect(), s, func(RowResult) error { return nil })
		if err != nil || sum.Valid != 10000 {
			b.Fatalf("summary %+v, err %v", sum, err)
		}
	}
}
