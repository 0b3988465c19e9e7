// Package lieuxgen generates large CSV files in the national "Lieux de
// médiation numérique" schema for the benchmarks: realistic, varied values
// from a fixed seed, so that two runs get the same bytes.
package lieuxgen

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/ligerdata/ligerdata/internal/geo"
	"github.com/ligerdata/ligerdata/schemas"
)

// Generate writes n rows in the national schema with realistic, varied
// values; about one row in a thousand is faulty, as real exports are.
func Generate(path string, n int) error {
	return GenerateChanged(path, n, 0)
}

// GenerateChanged writes the file of Generate with one row in every
// `every` (0: none) given another name: the 1 % of rows a source changes
// between two harvests when every is 100.
func GenerateChanged(path string, n, every int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	s, err := schemas.Load("lieux-mediation-numerique")
	if err != nil {
		return err
	}
	header := make([]string, len(s.Fields))
	for i, fd := range s.Fields {
		header[i] = fd.Name
	}
	if err := w.Write(header); err != nil {
		return err
	}
	communes := geo.Communes()
	r := rand.New(rand.NewPCG(52, 2026))
	pick := func(vals []string) string { return vals[r.IntN(len(vals))] }
	multi := func(vals []string) string {
		k := 1 + r.IntN(3)
		seen := map[string]bool{}
		var out []string
		for len(out) < k {
			v := pick(vals)
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
		return strings.Join(out, "|")
	}
	kinds := []string{"Espace public numérique", "Médiathèque", "Fablab", "Tiers-lieu", "France Services", "Centre social", "Maison de quartier"}
	typologies := []string{"EPN", "BIB", "FABLAB", "TIERS_LIEUX", "ASSO", "CCAS", "MUNI"}
	services := []string{"Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien", "Insertion professionnelle via le numérique", "Utilisation sécurisée du numérique", "Parentalité et éducation avec le numérique", "Loisirs et créations numériques", "Compréhension du monde numérique", "Accès internet et matériel informatique"}
	publics := []string{"Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes"}
	frais := []string{"Gratuit", "Gratuit sous condition", "Payant"}
	acces := []string{"Se présenter", "Téléphoner", "Contacter par mail", "Prendre un RDV en ligne"}
	accomp := []string{"En autonomie", "Accompagnement individuel", "Dans un atelier collectif", "À distance"}
	voies := []string{"rue de la Paix", "avenue de la République", "place de l'Église", "boulevard Victor Hugo", "rue des Écoles", "chemin du Moulin", "rue Jean Jaurès"}
	row := make([]string, len(header))
	for i := 0; i < n; i++ {
		c := communes[r.IntN(len(communes))]
		for j := range row {
			row[j] = ""
		}
		set := func(name, v string) { row[s.FieldIndex(name)] = v }
		kind := pick(kinds)
		set("id", fmt.Sprintf("lieu-%07d", i+1))
		set("pivot", fmt.Sprintf("%014d", 20000000000000+r.Int64N(9999999999999)))
		set("nom", kind+" de "+c.Name)
		set("commune", c.Name)
		set("code_postal", c.PostalCodes[0])
		set("code_insee", c.INSEE)
		set("adresse", fmt.Sprintf("%d %s", 1+r.IntN(120), pick(voies)))
		set("latitude", strconv.FormatFloat(46.3+r.Float64()*2.2, 'f', 5, 64))
		set("longitude", strconv.FormatFloat(-2.6+r.Float64()*3, 'f', 5, 64))
		set("typologie", pick(typologies))
		set("telephone", fmt.Sprintf("+332%08d", r.IntN(100000000)))
		set("courriels", fmt.Sprintf("contact@lieu-%d.example.org", i+1))
		set("site_web", fmt.Sprintf("https://lieu-%d.example.org/", i+1))
		set("horaires", "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00")
		set("presentation_resume", kind+" ouvert à tous, accompagnement aux usages numériques du quotidien.")
		set("source", "Région Pays de la Loire")
		set("itinerance", pick([]string{"Fixe", "Itinérant", "Fixe|Itinérant"}))
		set("date_maj", fmt.Sprintf("2026-%02d-%02d", 1+r.IntN(11), 1+r.IntN(28)))
		set("services", multi(services))
		set("publics_specifiquement_adresses", multi(publics))
		set("frais_a_charge", pick(frais))
		set("modalites_acces", multi(acces))
		set("modalites_accompagnement", multi(accomp))
		if every > 0 && i%every == every-1 {
			set("nom", kind+" (nouveau nom) de "+c.Name)
		}
		if r.IntN(1000) == 0 {
			set("code_postal", c.PostalCodes[0][:4])
		}
		if err := w.Write(row); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}
