package indicators_test

// Tests of the indicators of the theme "Tourisme" on fixture releases,
// against values worked out by hand (the arithmetic is in the comments).

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/ligerdata/ligerdata/internal/store"
	"github.com/ligerdata/ligerdata/output"
)

// offres: five e-SPRIT tourism offers (o1 … o5 stand for the ids
// HOTPDL000001 … HOTPDL000005).
//
//	id  catégorie     type      commune (INSEE)            capacité  site  courriel  réservation  réseaux
//	o1  hébergement   Hôtel     Nantes 44109                    100  oui   oui       oui          1 lien
//	o2  hébergement   Camping   Abbaretz 44001     — (50 pitches)  oui   —         —            —
//	o3  restauration  Crêperie  Angers 49007                     40  —     oui       —            —
//	o4  hébergement   Hôtel     49099, not in the reference      30  oui   oui       —            2 liens
//	                            (département "Maine-et-Loire")
//	o5  événement     Concert   35238, not in the reference       —  —     —         —            —
//	                            (no département)
var offres = fixture{
	dataset: "esprit-offres-touristiques",
	schema:  "offre-touristique",
	release: "20250701T060000Z-0002",
	csv: `
id,nom,categorie,type,jeu_de_donnees,code_postal,commune,code_insee,departement,capacite,nombre_emplacements,site_web,courriel,reservation_en_ligne,reseaux_sociaux,date_maj
HOTPDL000001,Hôtel du Port,hébergement,Hôtel,hotels,44000,Nantes,44109,Loire-Atlantique,100,,https://o1.example/,o1@o1.example,https://o1.example/resa,https://fb.example/o1,2025-06-01T10:00:00Z
HOTPDL000002,Camping des Pins,hébergement,Camping,campings,44170,Abbaretz,44001,Loire-Atlantique,,50,https://o2.example/,,,,2025-06-01T10:00:00Z
HOTPDL000003,Crêperie du Centre,restauration,Crêperie,restaurants,49000,Angers,49007,Maine-et-Loire,40,,,o3@o3.example,,,2025-06-01T10:00:00Z
HOTPDL000004,Hôtel de la Gare,hébergement,Hôtel,hotels,49300,Cholet,49099,Maine-et-Loire,30,,https://o4.example/,o4@o4.example,,https://fb.example/o4|https://ig.example/o4,2025-06-01T10:00:00Z
HOTPDL000005,Concert d'été,événement,Concert,fetes,35000,Rennes,35238,,,,,,,,2025-06-01T10:00:00Z
`,
}

// aires: two motorhome areas of the ODbL dataset (same schema; a1, a2
// stand for ACCPDL044AIRE01 and ACCPDL049AIRE02), counted with the offers.
//
//	id  catégorie    type                commune (INSEE)           emplacements  site  courriel  réservation  réseaux
//	a1  hébergement  Aire de camping-car Carquefou 44026 (NM)                20  oui   —         oui          —
//	a2  hébergement  Aire de camping-car Bourg-Rural 49002 (Bocage)          10  —     oui       —            1 lien
var aires = fixture{
	dataset: "esprit-aires-camping-car",
	schema:  "offre-touristique",
	release: "20250701T061000Z-0003",
	csv: `
id,nom,categorie,type,jeu_de_donnees,code_postal,commune,code_insee,departement,nombre_emplacements,site_web,courriel,reservation_en_ligne,reseaux_sociaux,date_maj
ACCPDL044AIRE01,Aire du Lac,hébergement,Aire de camping-car,aires,44470,Carquefou,44026,Loire-Atlantique,20,https://a1.example/,,https://a1.example/resa,,2025-06-01T10:00:00Z
ACCPDL049AIRE02,Aire du Bocage,hébergement,Aire de camping-car,aires,49000,Bourg-Rural,49002,Maine-et-Loire,10,,a2@a2.example,,https://fb.example/a2,2025-06-01T10:00:00Z
`,
}

func TestOffresTouristiquesParCategorie(t *testing.T) {
	def := embeddedDef(t, "offres-touristiques-par-categorie")
	st := publishAll(t, communes, offres, aires)
	got := compute(t, st, def)
	// Categories: Ensemble, hébergement, restauration, événement (4). Rows:
	// communes with an offer in the reference (44109, 44001, 49007 and the
	// areas' 44026, 49002) 5 + 4 EPCI + 2 départements + région = 12
	// territories × 4 = 48; the unlisted rows are zero cells.
	want := expectation{total: 48, others: zeroValeur, rows: []row{
		// région: the five offers and the two areas.
		{"niveau": "region", "code": "52", "dimension": "Ensemble", "valeur": 7, "population": 45000,
			"offres_pour_1000_habitants": 7 * 1000.0 / 45000}, // 0.155…
		{"niveau": "region", "code": "52", "dimension": "hébergement", "valeur": 5}, // o1 o2 o4 a1 a2
		{"niveau": "region", "code": "52", "dimension": "restauration", "valeur": 1},
		{"niveau": "region", "code": "52", "dimension": "événement", "valeur": 1},
		// 44: o1 o2 a1.
		{"niveau": "departement", "code": "44", "dimension": "Ensemble", "valeur": 3,
			"offres_pour_1000_habitants": 0.12}, // 3 × 1 000 / 25 000
		{"niveau": "departement", "code": "44", "dimension": "hébergement", "valeur": 3},
		// 49: o3 (Angers), o4 (by its département name) and a2.
		{"niveau": "departement", "code": "49", "libelle": "Maine-et-Loire", "dimension": "Ensemble", "valeur": 3,
			"offres_pour_1000_habitants": 0.15}, // 3 × 1 000 / 20 000
		{"niveau": "departement", "code": "49", "dimension": "hébergement", "valeur": 2}, // o4 a2
		{"niveau": "departement", "code": "49", "dimension": "restauration", "valeur": 1},
		// EPCI: o4 has no commune of the reference, so no EPCI.
		{"niveau": "epci", "code": "244400404", "dimension": "Ensemble", "valeur": 2, // o1 a1
			"offres_pour_1000_habitants": 2 * 1000.0 / 24000},
		{"niveau": "epci", "code": "244400404", "dimension": "hébergement", "valeur": 2},
		{"niveau": "epci", "code": "244400537", "dimension": "Ensemble", "valeur": 1, "offres_pour_1000_habitants": 1.0}, // 1 × 1 000 / 1 000
		{"niveau": "epci", "code": "244400537", "dimension": "hébergement", "valeur": 1},
		{"niveau": "epci", "code": "244900015", "dimension": "Ensemble", "valeur": 1},
		{"niveau": "epci", "code": "244900015", "dimension": "restauration", "valeur": 1},
		{"niveau": "epci", "code": "200071876", "libelle": "CC du Bocage", "dimension": "Ensemble", "valeur": 1,
			"population": 5000, "offres_pour_1000_habitants": 0.2}, // a2: 1 × 1 000 / 5 000
		{"niveau": "epci", "code": "200071876", "dimension": "hébergement", "valeur": 1},
		// communes
		{"niveau": "commune", "code": "44109", "libelle": "Nantes", "dimension": "Ensemble", "valeur": 1,
			"population": 20000, "offres_pour_1000_habitants": 0.05}, // 1 × 1 000 / 20 000
		{"niveau": "commune", "code": "44109", "dimension": "hébergement", "valeur": 1},
		{"niveau": "commune", "code": "44001", "dimension": "Ensemble", "valeur": 1},
		{"niveau": "commune", "code": "44001", "dimension": "hébergement", "valeur": 1},
		{"niveau": "commune", "code": "49007", "dimension": "Ensemble", "valeur": 1},
		{"niveau": "commune", "code": "49007", "dimension": "restauration", "valeur": 1},
		{"niveau": "commune", "code": "44026", "libelle": "Carquefou", "dimension": "Ensemble", "valeur": 1,
			"population": 4000, "offres_pour_1000_habitants": 0.25}, // a1: 1 × 1 000 / 4 000
		{"niveau": "commune", "code": "44026", "dimension": "hébergement", "valeur": 1},
		{"niveau": "commune", "code": "49002", "dimension": "Ensemble", "valeur": 1},
		{"niveau": "commune", "code": "49002", "dimension": "hébergement", "valeur": 1},
	}}
	compare(t, def, got, want)
	wantLicence(t, st, def.ID, "odc-odbl")
}

func TestCapaciteHebergementTouristique(t *testing.T) {
	def := embeddedDef(t, "capacite-hebergement-touristique")
	st := publishAll(t, communes, offres, aires)
	got := compute(t, st, def)
	// Accommodation: o1 Hôtel 100 (44, Nantes Métropole), o2 Camping without
	// capacity, 50 pitches (44, Nozay), o4 Hôtel 30 (49 by name, no EPCI),
	// a1 area, 20 pitches (44, Nantes Métropole), a2 area, 10 pitches (49,
	// Bocage); the areas give no capacity. o3 is a restaurant: its capacity
	// (covers) does not count. No offer gives rooms or dwellings. All 18 rows
	// listed: région 4 types, 44 4, 49 3, Nantes Métropole 3, Nozay 2,
	// Bocage 2.
	const aire = "Aire de camping-car"
	want := expectation{total: 18, rows: []row{
		// région: 100 + 30 = 130 from 5 offers, 2 with a capacity; pitches
		// 50 + 20 + 10 = 80.
		{"niveau": "region", "code": "52", "dimension": "Ensemble", "valeur": 130, "offres": 5, "offres_avec_capacite": 2,
			"emplacements": 80, "chambres": nil, "logements": nil},
		{"niveau": "region", "code": "52", "dimension": "Hôtel", "valeur": 130, "offres": 2, "offres_avec_capacite": 2, "emplacements": nil},
		{"niveau": "region", "code": "52", "dimension": "Camping", "valeur": 0, "offres": 1, "offres_avec_capacite": 0, "emplacements": 50},
		{"niveau": "region", "code": "52", "dimension": aire, "valeur": 0, "offres": 2, "offres_avec_capacite": 0, "emplacements": 30},
		{"niveau": "departement", "code": "44", "dimension": "Ensemble", "valeur": 100, "offres": 3, "offres_avec_capacite": 1, "emplacements": 70},
		{"niveau": "departement", "code": "44", "dimension": "Hôtel", "valeur": 100, "offres": 1, "offres_avec_capacite": 1},
		{"niveau": "departement", "code": "44", "dimension": "Camping", "valeur": 0, "offres": 1, "offres_avec_capacite": 0},
		{"niveau": "departement", "code": "44", "dimension": aire, "valeur": 0, "offres": 1, "offres_avec_capacite": 0, "emplacements": 20},
		{"niveau": "departement", "code": "49", "libelle": "Maine-et-Loire", "dimension": "Ensemble", "valeur": 30, "offres": 2, "offres_avec_capacite": 1, "emplacements": 10},
		{"niveau": "departement", "code": "49", "dimension": "Hôtel", "valeur": 30, "offres": 1, "offres_avec_capacite": 1},
		{"niveau": "departement", "code": "49", "dimension": aire, "valeur": 0, "offres": 1, "offres_avec_capacite": 0, "emplacements": 10},
		{"niveau": "epci", "code": "244400404", "libelle": "Nantes Métropole", "dimension": "Ensemble", "valeur": 100, "offres": 2, "offres_avec_capacite": 1, "emplacements": 20},
		{"niveau": "epci", "code": "244400404", "dimension": "Hôtel", "valeur": 100, "offres": 1, "offres_avec_capacite": 1},
		{"niveau": "epci", "code": "244400404", "dimension": aire, "valeur": 0, "offres": 1, "offres_avec_capacite": 0, "emplacements": 20},
		{"niveau": "epci", "code": "244400537", "dimension": "Ensemble", "valeur": 0, "offres": 1, "offres_avec_capacite": 0},
		{"niveau": "epci", "code": "244400537", "dimension": "Camping", "valeur": 0, "offres": 1, "offres_avec_capacite": 0, "emplacements": 50},
		{"niveau": "epci", "code": "200071876", "dimension": "Ensemble", "valeur": 0, "offres": 1, "offres_avec_capacite": 0, "emplacements": 10},
		{"niveau": "epci", "code": "200071876", "dimension": aire, "valeur": 0, "offres": 1, "offres_avec_capacite": 0, "emplacements": 10},
	}}
	compare(t, def, got, want)
	wantLicence(t, st, def.ID, "odc-odbl")
}

func TestVisibiliteNumeriqueOffresTouristiques(t *testing.T) {
	def := embeddedDef(t, "visibilite-numerique-offres-touristiques")
	st := publishAll(t, communes, offres, aires)
	got := compute(t, st, def)
	// région (7 offers): site o1 o2 o4 a1 = 4/7; courriel o1 o3 o4 a2 = 4/7;
	// réservation o1 a1 = 2/7; réseaux o1 o4 a2 = 3/7.
	// 44 (o1 o2 a1): site 3/3, courriel 1/3, réservation 2/3, réseaux 1/3.
	// 49 (o3 o4 a2): site 1/3, courriel 3/3, réservation 0/3, réseaux 2/3.
	want := expectation{total: 12, rows: []row{
		{"niveau": "region", "code": "52", "dimension": "Site web", "valeur": 4.0 / 7, "numerateur": 4, "denominateur": 7},
		{"niveau": "region", "code": "52", "dimension": "Courriel", "valeur": 4.0 / 7, "numerateur": 4, "denominateur": 7},
		{"niveau": "region", "code": "52", "dimension": "Réservation en ligne", "valeur": 2.0 / 7, "numerateur": 2, "denominateur": 7},
		{"niveau": "region", "code": "52", "dimension": "Réseaux sociaux", "valeur": 3.0 / 7, "numerateur": 3, "denominateur": 7},
		{"niveau": "departement", "code": "44", "dimension": "Site web", "valeur": 1, "numerateur": 3, "denominateur": 3},
		{"niveau": "departement", "code": "44", "dimension": "Courriel", "valeur": 1.0 / 3, "numerateur": 1, "denominateur": 3},
		{"niveau": "departement", "code": "44", "dimension": "Réservation en ligne", "valeur": 2.0 / 3, "numerateur": 2, "denominateur": 3},
		{"niveau": "departement", "code": "44", "dimension": "Réseaux sociaux", "valeur": 1.0 / 3, "numerateur": 1, "denominateur": 3},
		{"niveau": "departement", "code": "49", "dimension": "Site web", "valeur": 1.0 / 3, "numerateur": 1, "denominateur": 3},
		{"niveau": "departement", "code": "49", "dimension": "Courriel", "valeur": 1, "numerateur": 3, "denominateur": 3},
		{"niveau": "departement", "code": "49", "dimension": "Réservation en ligne", "valeur": 0, "numerateur": 0, "denominateur": 3},
		{"niveau": "departement", "code": "49", "dimension": "Réseaux sociaux", "valeur": 2.0 / 3, "numerateur": 2, "denominateur": 3},
	}}
	compare(t, def, got, want)
	wantLicence(t, st, def.ID, "odc-odbl")
}

// wantLicence checks the licence the latest release of an indicator
// declares in its datapackage.json (and so in the catalogue).
func wantLicence(t *testing.T, st *store.Store, id, licence string) {
	t.Helper()
	rel, err := output.CollectionIndicators.Latest(st.PublicDir(), id)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := output.CollectionIndicators.ReleaseDir(st.PublicDir(), id, rel)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dp struct {
		Licenses []struct{ Name, Path string } `json:"licenses"`
	}
	if err := json.Unmarshal(b, &dp); err != nil {
		t.Fatal(err)
	}
	if len(dp.Licenses) != 1 || dp.Licenses[0].Name != licence {
		t.Errorf("%s: datapackage.json licences = %+v, want %s only", id, dp.Licenses, licence)
	}
}
