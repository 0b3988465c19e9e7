//go:build ignore

// gen.go writes the recorded body of the national-schema export used by the
// demo and the tests of the "file" connector: 100 places of médiation
// numérique in Pays de la Loire, in the exact CSV format of the schema
// "Lieux de médiation numérique" (LaMednum/standard-mediation-num v1.0.2),
// of which exactly 3 are faulty on purpose (see README.md).
//
// It is deterministic: the same table of communes gives the same bytes.
//
// Usage, from the repository root:
//
//	go run testdata/replay/lieux-pdl/gen.go
package main

import (
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/ligerdata/ligerdata/internal/geo"
)

const (
	outDir  = "testdata/replay/lieux-pdl"
	outBody = "lieux-mediation-numerique-pays-de-la-loire.csv"
)

// header is the header line of exemple-valide.csv, byte for byte (its
// quoting is irregular upstream).
const header = `"id","pivot","nom","commune","code_postal","code_insee","adresse","complement_adresse","latitude","longitude","typologie","telephone","courriels","site_web","horaires","presentation_resume","presentation_detail","source","itinerance","structure_parente","date_maj","services","publics_specifiquement_adresses","prise_en_charge_specifique","frais_a_charge","dispositif_programmes_nationaux",formations_labels,autres_formations_labels,modalites_acces,modalites_accompagnement,"fiche_acces_libre","prise_rdv"`

// Faulty rows, each caught by the schema.
const (
	faultyPostal = "pdl-0017" // code_postal with 4 digits
	faultyNom    = "pdl-0042" // empty required nom
	faultyDate   = "pdl-0077" // date_maj 2024-02-31
)

// site is a commune with the approximate WGS84 position of its centre and
// how many places it gets.
type site struct {
	insee    string
	lat, lon float64
	places   int
}

var sites = []site{
	{"44109", 47.2184, -1.5536, 12}, // Nantes
	{"49007", 47.4784, -0.5632, 7},  // Angers
	{"72181", 48.0061, 0.1996, 7},   // Le Mans
	{"53130", 48.0733, -0.7700, 4},  // Laval
	{"85191", 46.6705, -1.4260, 4},  // La Roche-sur-Yon
	{"44184", 47.2735, -2.2138, 4},  // Saint-Nazaire
	{"49099", 47.0600, -0.8790, 3},  // Cholet
	{"49328", 47.2600, -0.0770, 3},  // Saumur
	{"44162", 47.2122, -1.6497, 3},  // Saint-Herblain
	{"44143", 47.1906, -1.5689, 3},  // Rezé
	{"85194", 46.4966, -1.7836, 2},  // Les Sables-d'Olonne
	{"44114", 47.2711, -1.6228, 1},  // Orvault
	{"44026", 47.2968, -1.4915, 1},  // Carquefou
	{"44043", 47.0868, -1.2818, 1},  // Clisson
	{"44069", 47.3284, -2.4283, 1},  // Guérande
	{"44036", 47.7165, -1.3762, 1},  // Châteaubriant
	{"44003", 47.3661, -1.1773, 1},  // Ancenis-Saint-Géréon
	{"44131", 47.1151, -2.1027, 1},  // Pornic
	{"44015", 47.4759, -1.7617, 1},  // Blain
	{"44195", 47.3610, -1.9418, 1},  // Savenay
	{"44212", 47.1612, -1.2659, 1},  // Vallet
	{"44120", 47.1996, -1.7563, 1},  // Le Pellerin
	{"49353", 47.4453, -0.4659, 1},  // Trélazé
	{"49015", 47.5068, -0.5893, 1},  // Avrillé
	{"49331", 47.6862, -0.8719, 1},  // Segré-en-Anjou Bleu
	{"49023", 47.2043, -0.9881, 1},  // Beaupréau-en-Mauges
	{"49125", 47.1931, -0.2748, 1},  // Doué-en-Anjou
	{"49018", 47.5409, -0.1038, 1},  // Baugé-en-Anjou
	{"49092", 47.2128, -0.7281, 1},  // Chemillé-en-Anjou
	{"49215", 47.1309, -0.1528, 1},  // Montreuil-Bellay
	{"72003", 47.9681, 0.1598, 1},   // Allonnes
	{"72095", 48.0248, 0.2038, 1},   // Coulaines
	{"72154", 47.6979, -0.0748, 2},  // La Flèche
	{"72264", 47.8398, -0.3347, 1},  // Sablé-sur-Sarthe
	{"72180", 48.3498, 0.3689, 1},   // Mamers
	{"72269", 47.9209, 0.7448, 1},   // Saint-Calais
	{"72132", 48.1868, 0.6532, 1},   // La Ferté-Bernard
	{"72168", 47.9961, -0.1551, 1},  // Loué
	{"72039", 48.1782, 0.4251, 1},   // Bonnétable
	{"53147", 48.3031, -0.6142, 2},  // Mayenne
	{"53062", 47.8288, -0.7028, 2},  // Château-Gontier-sur-Mayenne
	{"53097", 48.1561, -0.4048, 1},  // Évron
	{"53096", 48.2970, -0.9330, 1},  // Ernée
	{"53084", 47.8477, -0.9488, 1},  // Craon
	{"53201", 48.0689, -0.8302, 1},  // Saint-Berthevin
	{"53271", 48.3441, -0.2781, 1},  // Villaines-la-Juhel
	{"85047", 46.8469, -1.8781, 2},  // Challans
	{"85109", 46.8702, -1.0128, 1},  // Les Herbiers
	{"85092", 46.4662, -0.8063, 1},  // Fontenay-le-Comte
	{"85128", 46.4551, -1.1659, 1},  // Luçon
	{"85146", 46.9728, -1.3091, 1},  // Montaigu-Vendée
	{"85182", 46.7801, -0.8372, 1},  // Pouzauges
	{"85234", 46.7902, -2.0598, 1},  // Saint-Jean-de-Monts
	{"85113", 46.7231, -2.3479, 1},  // L'Île-d'Yeu
	{"85133", 46.3717, -0.7392, 1},  // Maillezais
}

// kind is a type of place with the values that go with it.
type kind struct {
	prefix, suffix, slug, typologie, services, accompagnement string
	association                                               bool
}

var kinds = []kind{
	{"Espace public numérique", "", "epn", "EPN",
		"Maîtrise des outils numériques du quotidien|Accès internet et matériel informatique", "En autonomie|Dans un atelier collectif", false},
	{"Médiathèque", ", espace numérique", "mediatheque", "BIB",
		"Accès internet et matériel informatique|Loisirs et créations numériques|Compréhension du monde numérique", "En autonomie|Dans un atelier collectif", false},
	{"Fablab", "", "fablab", "FABLAB|ASSO",
		"Loisirs et créations numériques|Compréhension du monde numérique", "Dans un atelier collectif", true},
	{"Point d'appui numérique du CCAS", "", "ccas", "CCAS",
		"Aide aux démarches administratives|Maîtrise des outils numériques du quotidien", "Accompagnement individuel", false},
	{"Tiers-lieu numérique", "", "tiers-lieu", "TIERS_LIEUX|ASSO",
		"Insertion professionnelle via le numérique|Loisirs et créations numériques|Acquisition de matériel informatique à prix solidaire", "Dans un atelier collectif|Accompagnement individuel", true},
	{"Association d'aide au numérique", "", "asso-numerique", "ASSO",
		"Aide aux démarches administratives|Utilisation sécurisée du numérique|Parentalité et éducation avec le numérique", "Accompagnement individuel|À distance", true},
}

var quartiers = []string{"Nord", "Sud", "Est", "Ouest", "Centre", "Gare"}

var streets = []string{
	"1 place de la Mairie", "12 rue Victor Hugo", "3 place de l'Église", "5 avenue Jean Jaurès", "8 rue des Écoles",
	"2 rue du Stade", "10 boulevard Pasteur", "4 rue de la République", "7 allée des Tilleuls", "15 rue Nationale",
	"6 place du Marché", "21 rue Jean Moulin",
}

var horaires = []string{
	"Mo-Fr 09:00-12:00,14:00-17:30",
	"Tu,Th 14:00-18:00; We 10:00-12:00,14:00-18:00; Sa 10:00-17:00",
	"We 14:00-18:00; Fr 16:00-19:00; Sa 10:00-12:30",
	"Tu-Fr 09:30-12:30; Sa 09:30-12:00",
	"Th 18:00-22:00; Sa 14:00-18:00",
}

var publics = []string{"", "Seniors", "Jeunes|Étudiants", "Familles et/ou enfants", "Seniors|Femmes", ""}
var priseEnCharge = []string{"", "", "Illettrisme", "Handicaps moteurs", "Langues étrangères (anglais)|Langues étrangères (autres)", "", "Déficience visuelle"}
var frais = []string{"Gratuit", "Gratuit", "Gratuit sous condition", "Payant", "Gratuit|Payant"}
var dispositifs = []string{"Conseillers numériques", "", "France Services|Conseillers numériques", "Aidants Connect", "", "Point d'accès numérique CAF"}
var labels = []string{"", "", "", "Formé à « Mon Espace Santé »", "", "Étapes numériques(La Poste)"}
var acces = []string{"Se présenter|Téléphoner", "Téléphoner|Contacter par mail", "Prendre un RDV en ligne", "Se présenter", "Se présenter|Contacter par mail"}
var dates = []string{"2024-03-12", "2024-06-05", "2024-09-18", "2024-11-28", "2025-01-22", "2025-04-09", "2025-06-30"}

func main() {
	rng := rand.New(rand.NewPCG(52, 2026))
	var rows [][]string
	n := 0
	for si, s := range sites {
		c, ok := geo.ByINSEE(s.insee)
		if !ok {
			log.Fatalf("commune %s is not in the reference table", s.insee)
		}
		for j := 0; j < s.places; j++ {
			n++
			rows = append(rows, place(rng, n, si, j, c, s))
		}
	}
	if n != 100 {
		log.Fatalf("%d places, want 100", n)
	}
	var b strings.Builder
	b.WriteString(header + "\n")
	for _, r := range rows {
		for i, v := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"` + strings.ReplaceAll(v, `"`, `""`) + `"`)
		}
		b.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(outDir, outBody), []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s: %d places\n", filepath.Join(outDir, outBody), n)
}

// place builds the n-th row (1-based), the j-th in commune c, the si-th site.
func place(rng *rand.Rand, n, si, j int, c geo.Commune, s site) []string {
	id := fmt.Sprintf("pdl-%04d", n)
	k := kinds[(si+j)%len(kinds)]
	nom := k.prefix + " " + of(c.Name) + k.suffix
	if j >= len(kinds) {
		nom += ", antenne " + quartiers[(j-len(kinds))%len(quartiers)]
	}
	slug := fmt.Sprintf("%s-%s-%d", k.slug, asciiSlug(c.Name), j+1)
	pivot := siret(rng)
	if k.association && n%2 == 0 {
		pivot = fmt.Sprintf("W%s2%06d", c.Departement, rng.IntN(1000000))
	}
	postal := c.PostalCodes[j%len(c.PostalCodes)]
	date := dates[n%len(dates)]
	switch id {
	case faultyPostal:
		postal = postal[:4]
	case faultyNom:
		nom = ""
	case faultyDate:
		date = "2024-02-31"
	}
	lat := s.lat + (rng.Float64()-0.5)*0.012
	lon := s.lon + (rng.Float64()-0.5)*0.016
	resume := fmt.Sprintf("Lieu de médiation numérique %s : accueil, ateliers et accompagnement aux usages du numérique.", at(c.Name))
	detail := "Le lieu accueille toute personne souhaitant gagner en autonomie avec le numérique. " +
		"Des ateliers collectifs et des rendez-vous individuels sont proposés chaque semaine."
	itinerance := "Fixe"
	if n%9 == 0 {
		itinerance = "Itinérant|Fixe"
	}
	parent := ""
	if k.typologie == "BIB" || k.typologie == "CCAS" || k.typologie == "EPN" {
		parent = "Commune " + of(c.Name)
	}
	rdv := ""
	if strings.Contains(acces[n%len(acces)], "RDV") {
		rdv = "https://rdv." + slug + ".example/"
	}
	return []string{
		id, pivot, nom, c.Name, postal, c.INSEE,
		streets[(n*7+j)%len(streets)], "",
		fmt.Sprintf("%.5f", lat), fmt.Sprintf("%.5f", lon),
		k.typologie,
		fmt.Sprintf("+33261%02d%04d", 91, rng.IntN(10000)), // 02 61 91 xx xx: range reserved for fiction by ARCEP
		"contact@" + slug + ".example",
		"https://www." + slug + ".example/",
		horaires[n%len(horaires)],
		resume, detail,
		"Région Pays de la Loire", itinerance, parent, date,
		k.services,
		publics[n%len(publics)], priseEnCharge[n%len(priseEnCharge)], frais[n%len(frais)],
		dispositifs[n%len(dispositifs)], labels[n%len(labels)], "",
		acces[n%len(acces)], k.accompagnement,
		"", rdv,
	}
}

// siret returns a made-up 14-digit SIRET whose SIREN and SIRET pass the
// Luhn check, as real ones do.
func siret(rng *rand.Rand) string {
	for {
		d := make([]byte, 14)
		d[0] = '9'
		for i := 1; i < 14; i++ {
			d[i] = byte('0' + rng.IntN(10))
		}
		if luhn(d[:9]) && luhn(d) {
			return string(d)
		}
	}
}

func luhn(digits []byte) bool {
	sum := 0
	for i := range digits {
		v := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

// asciiSlug lower-cases name and keeps ASCII letters and digits, joined by '-'.
func asciiSlug(name string) string {
	key := geo.NormalizeName(name)
	var b strings.Builder
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// of returns "de Nantes", "d'Angers", "du Mans", "des Sables-d'Olonne".
func of(name string) string {
	switch {
	case strings.HasPrefix(name, "Le "):
		return "du " + name[len("Le "):]
	case strings.HasPrefix(name, "Les "):
		return "des " + name[len("Les "):]
	case strings.ContainsRune("AEIOUÉÎH", []rune(name)[0]):
		return "d'" + name
	}
	return "de " + name
}

// at returns "à Nantes", "au Mans", "aux Sables-d'Olonne".
func at(name string) string {
	switch {
	case strings.HasPrefix(name, "Le "):
		return "au " + name[len("Le "):]
	case strings.HasPrefix(name, "Les "):
		return "aux " + name[len("Les "):]
	}
	return "à " + name
}
