//go:build ignore

// gen writes the recorded GetFeature pages of the GEOPAL layer of public
// lycées (rpdl:lycees_publics) from the table below: real lycées of the
// region at approximate WGS 84 positions, projected to Lambert-93 by the
// IGN formula of the Lambert conformal conic projection (notes NTG_71,
// ALG0003/ALG0019), written here without PROJ so that the fixtures check
// the connector's reprojection independently. Deterministic.
//
// Run from the repository root:
//
//	go run testdata/replay/geopal-wfs/gen.go
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strconv"

	"github.com/ligerdata/ligerdata/internal/geo"
)

const (
	dir      = "testdata/replay/geopal-wfs"
	base     = "https://www.geopal.org/geoserver/ows"
	typeName = "rpdl:lycees_publics"
	pageSize = 12
)

type lycee struct {
	gid                  int
	nom                  string // "" = null
	typ                  string
	adresse, cp, commune string
	insee                string // "" = null
	effectif             int    // 0 = null
	lon, lat             float64
	noGeom               bool
}

// Faults planted on purpose: 8 has no geometry, 12 no name, 19 and 23 no
// INSEE code (23 with its commune in capitals without hyphens), 27 is
// positioned in Paris.
var lycees = []lycee{
	{1, "Lycée Georges Clemenceau", "LGT", "1 rue Georges Clemenceau", "44000", "Nantes", "44109", 1650, -1.5487, 47.2203, false},
	{2, "Lycée Gabriel Guist'hau", "LGT", "3 rue Marie-Anne du Boccage", "44000", "Nantes", "44109", 1320, -1.5641, 47.2154, false},
	{3, "Lycée Jules Verne", "LGT", "1 rue de Bouillé", "44000", "Nantes", "44109", 1480, -1.5631, 47.2125, false},
	{4, "Lycée Albert Camus", "LPO", "11 rue Étienne Coutan", "44300", "Nantes", "44109", 1210, -1.5205, 47.2497, false},
	{5, "Lycée Nelson Mandela", "LGT", "40 boulevard de la Prairie au Duc", "44200", "Nantes", "44109", 1390, -1.5650, 47.2050, false},
	{6, "Lycée Jean Perrin", "LGT", "20 rue du Château de Rezé", "44400", "Rezé", "44143", 1120, -1.5590, 47.1855, false},
	{7, "Lycée Aristide Briand", "LPO", "10 boulevard Pierre de Coubertin", "44600", "Saint-Nazaire", "44184", 1710, -2.2132, 47.2789, false},
	{8, "Lycée Lavoisier", "LPO", "281 rue du Pommier", "53100", "Mayenne", "53147", 980, -0.6150, 48.3040, true},
	{9, "Lycée Grand Air", "LGT", "77 avenue du Bois d'Amour", "44500", "La Baule-Escoublac", "44055", 890, -2.3835, 47.2894, false},
	{10, "Lycée Guy Môquet - Étienne Lenoir", "LPO", "1 rue de l'Europe", "44110", "Châteaubriant", "44036", 1240, -1.3763, 47.7145, false},
	{11, "Lycée David d'Angers", "LGT", "1 rue Paul Langevin", "49100", "Angers", "49007", 1350, -0.5488, 47.4722, false},
	{12, "", "LGT", "1 rue Joachim du Bellay", "49100", "Angers", "49007", 1280, -0.5580, 47.4650, false},
	{13, "Lycée Chevrollier", "LPO", "2 rue Adrien Recouvreur", "49000", "Angers", "49007", 1900, -0.5460, 47.4535, false},
	{14, "Lycée Duplessis-Mornay", "LPO", "1 rue Duruy", "49400", "Saumur", "49328", 760, -0.0770, 47.2540, false},
	{15, "Lycée Fernand Renaudeau", "LPO", "rue La Tuilerie", "49300", "Cholet", "49099", 1420, -0.8790, 47.0640, false},
	{16, "Lycée Europe Robert Schuman", "LPO", "39 avenue de l'Europe", "49300", "Cholet", "49099", 1180, -0.8940, 47.0710, false},
	{17, "Lycée Ambroise Paré", "LGT", "17 rue du Lycée", "53000", "Laval", "53130", 1090, -0.7620, 48.0770, false},
	{18, "Lycée Douanier Rousseau", "LPO", "7 rue des Archives", "53000", "Laval", "53130", 1510, -0.7820, 48.0650, false},
	{19, "Lycée Victor Hugo", "LGT", "4 rue du Général Lemonnier", "53200", "Château-Gontier-sur-Mayenne", "", 870, -0.7030, 47.8290, false},
	{20, "Lycée Montesquieu", "LGT", "1 rue Montesquieu", "72000", "Le Mans", "72181", 1230, 0.1960, 48.0010, false},
	{21, "Lycée Bellevue", "LGT", "2 rue Abbé Vérité", "72000", "Le Mans", "72181", 1170, 0.2150, 48.0140, false},
	{22, "Lycée Touchard-Washington", "LPO", "8 place Washington", "72000", "Le Mans", "72181", 1600, 0.1880, 47.9960, false},
	{23, "Lycée Robert Garnier", "LPO", "avenue Général de Gaulle", "72400", "LA FERTE BERNARD", "", 820, 0.6500, 48.1870, false},
	{24, "Lycée d'Estournelles de Constant", "LPO", "rue Henri Dunant", "72200", "La Flèche", "72154", 900, -0.0760, 47.6990, false},
	{25, "Lycée Perseigne", "LGT", "rue Jean Jaurès", "72600", "Mamers", "72180", 540, 0.3720, 48.3520, false},
	{26, "Lycée Pierre Mendès France", "LPO", "boulevard Arago", "85000", "La Roche-sur-Yon", "85191", 1820, -1.4400, 46.6790, false},
	{27, "Lycée Savary de Mauléon", "LPO", "78 avenue de Bretagne", "85100", "Les Sables-d'Olonne", "85194", 950, 2.3470, 48.8460, false},
	{28, "Lycée François Rabelais", "LGT", "45 rue François Rabelais", "85200", "Fontenay-le-Comte", "85092", 0, -0.8080, 46.4690, false},
	{29, "Lycée Jean Monnet", "LPO", "57 rue de la Demoiselle", "85500", "Les Herbiers", "85109", 1010, -1.0160, 46.8700, false},
	{30, "Lycée Atlantique", "LGT", "rue du Docteur Gallet", "85400", "Luçon", "85128", 730, -1.1650, 46.4530, false},
}

// lambert93 projects WGS 84 (taken equal to RGF93) to Lambert-93.
func lambert93(lon, lat float64) (x, y float64) {
	const a, invF = 6378137.0, 298.257222101
	f := 1 / invF
	e := math.Sqrt(2*f - f*f)
	r := math.Pi / 180
	m := func(p float64) float64 { s := math.Sin(p); return math.Cos(p) / math.Sqrt(1-e*e*s*s) }
	t := func(p float64) float64 {
		s := math.Sin(p)
		return math.Tan(math.Pi/4-p/2) / math.Pow((1-e*s)/(1+e*s), e/2)
	}
	p1, p2 := 44*r, 49*r
	n := (math.Log(m(p1)) - math.Log(m(p2))) / (math.Log(t(p1)) - math.Log(t(p2)))
	F := m(p1) / (n * math.Pow(t(p1), n))
	rho := func(p float64) float64 { return a * F * math.Pow(t(p), n) }
	th := n * (lon - 3) * r
	return 700000 + rho(lat*r)*math.Sin(th), 6600000 + rho(46.5*r) - rho(lat*r)*math.Cos(th)
}

// uai makes an illustrative UAI: department, 4 digits, check letter.
func uai(l lycee) string {
	num := l.cp[:2]
	dept := "0" + num
	n, _ := strconv.Atoi(dept + fmt.Sprintf("%04d", 20+l.gid*7))
	return fmt.Sprintf("%07d%c", n, "ABCDEFGHJKLMNPRSTUVWXYZ"[n%23])
}

type props struct {
	Gid        int     `json:"gid"`
	UAI        string  `json:"uai"`
	Nom        *string `json:"nom"`
	TypeEtab   string  `json:"type_etab"`
	Adresse    string  `json:"adresse"`
	CodePostal string  `json:"code_postal"`
	Commune    string  `json:"commune"`
	CodeInsee  *string `json:"code_insee"`
	Effectif   *int    `json:"effectif"`
	DateMaj    string  `json:"date_maj"`
}

type geometry struct {
	Type        string         `json:"type"`
	Coordinates [2]json.Number `json:"coordinates"`
}

type feature struct {
	Type         string    `json:"type"`
	ID           string    `json:"id"`
	Geometry     *geometry `json:"geometry"`
	GeometryName string    `json:"geometry_name"`
	Properties   props     `json:"properties"`
}

func ptr[T any](v T) *T { return &v }

func main() {
	for _, l := range lycees {
		if l.insee != "" {
			c, ok := geo.ByINSEE(l.insee)
			if !ok || c.Name != l.commune {
				log.Fatalf("gid %d: INSEE %s is not %s", l.gid, l.insee, l.commune)
			}
		}
	}
	total := len(lycees)
	for page, start := 1, 0; start < total; page, start = page+1, start+pageSize {
		end := min(start+pageSize, total)
		var feats []feature
		for _, l := range lycees[start:end] {
			f := feature{Type: "Feature", ID: fmt.Sprintf("lycees_publics.%d", l.gid), GeometryName: "the_geom",
				Properties: props{Gid: l.gid, UAI: uai(l), TypeEtab: l.typ, Adresse: l.adresse, CodePostal: l.cp, Commune: l.commune,
					DateMaj: fmt.Sprintf("2025-09-%02dZ", 1+l.gid%20)}}
			if l.nom != "" {
				f.Properties.Nom = ptr(l.nom)
			}
			if l.insee != "" {
				f.Properties.CodeInsee = ptr(l.insee)
			}
			if l.effectif != 0 {
				f.Properties.Effectif = ptr(l.effectif)
			}
			if !l.noGeom {
				x, y := lambert93(l.lon, l.lat)
				f.Geometry = &geometry{"Point", [2]json.Number{json.Number(strconv.FormatFloat(x, 'f', 2, 64)), json.Number(strconv.FormatFloat(y, 'f', 2, 64))}}
			}
			feats = append(feats, f)
		}
		fb, err := json.Marshal(feats)
		if err != nil {
			log.Fatal(err)
		}
		// GeoServer writes the counts after the features; the last page
		// plays a layer with skipNumberMatched: "unknown", no numberMatched.
		counts := fmt.Sprintf(`"totalFeatures":%d,"numberMatched":%d,`, total, total)
		if end == total {
			counts = `"totalFeatures":"unknown",`
		}
		body := fmt.Sprintf(`{"type":"FeatureCollection","features":%s,%s"numberReturned":%d,"timeStamp":"2025-10-14T06:12:%02d.512Z","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}}}`,
			fb, counts, len(feats), page)
		bodyFile := fmt.Sprintf("lycees-page-%d.geojson", page)
		write(bodyFile, []byte(body))
		q := url.Values{}
		q.Set("service", "WFS")
		q.Set("version", "2.0.0")
		q.Set("request", "GetFeature")
		q.Set("typeNames", typeName)
		q.Set("outputFormat", "application/json")
		q.Set("srsName", "EPSG:2154")
		q.Set("count", strconv.Itoa(pageSize))
		q.Set("startIndex", strconv.Itoa(start))
		q.Set("sortBy", "gid")
		meta := map[string]any{
			"method":    "GET",
			"url":       base + "?" + q.Encode(),
			"status":    200,
			"headers":   map[string][]string{"Content-Type": {"application/json;charset=UTF-8"}},
			"body_file": bodyFile,
			"note":      fmt.Sprintf("GEOPAL WFS 2.0 GetFeature, page %d of the public lycées, illustrative (see README.md, generated by gen.go)", page),
		}
		var mb bytes.Buffer
		enc := json.NewEncoder(&mb)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(meta); err != nil {
			log.Fatal(err)
		}
		write(fmt.Sprintf("lycees-page-%d.json", page), mb.Bytes())
	}
}

func write(name string, b []byte) {
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		log.Fatal(err)
	}
}
