package indicators_test

// Tests of the indicators of the theme "Tourisme" on fixture releases,
// against values worked out by hand (the arithmetic is in the comments).

import "testing"

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

func TestOffresTouristiquesParCategorie(t *testing.T) {
	def := embeddedDef(t, "offres-touristiques-par-categorie")
	got := compute(t, publishAll(t, communes, offres), def)
	// Categories: Ensemble, hébergement, restauration, événement (4). Rows:
	// communes with an offer in the reference (44109, 44001, 49007) 3 + 4 EPCI
	// + 2 départements + région = 10 territories × 4 = 40; the unlisted rows
	// are zero cells.
	want := expectation{total: 40, others: zeroValeur, rows: []row{
		// région: all five offers.
		{"niveau": "region", "code": "52", "dimension": "Ensemble", "valeur": 5, "population": 45000,
			"offres_pour_1000_habitants": 5 * 1000.0 / 45000}, // 0.111…
		{"niveau": "region", "code": "52", "dimension": "hébergement", "valeur": 3}, // o1 o2 o4
		{"niveau": "region", "code": "52", "dimension": "restauration", "valeur": 1},
		{"niveau": "region", "code": "52", "dimension": "événement", "valeur": 1},
		// 44: o1 o2.
		{"niveau": "departement", "code": "44", "dimension": "Ensemble", "valeur": 2,
			"offres_pour_1000_habitants": 0.08}, // 2 × 1 000 / 25 000
		{"niveau": "departement", "code": "44", "dimension": "hébergement", "valeur": 2},
		// 49: o3 (Angers) and o4 (by its département name).
		{"niveau": "departement", "code": "49", "libelle": "Maine-et-Loire", "dimension": "Ensemble", "valeur": 2,
			"offres_pour_1000_habitants": 0.1}, // 2 × 1 000 / 20 000
		{"niveau": "departement", "code": "49", "dimension": "hébergement", "valeur": 1},
		{"niveau": "departement", "code": "49", "dimension": "restauration", "valeur": 1},
		// EPCI: o4 has no commune of the reference, so no EPCI.
		{"niveau": "epci", "code": "244400404", "dimension": "Ensemble", "valeur": 1,
			"offres_pour_1000_habitants": 1000.0 / 24000},
		{"niveau": "epci", "code": "244400404", "dimension": "hébergement", "valeur": 1},
		{"niveau": "epci", "code": "244400537", "dimension": "Ensemble", "valeur": 1, "offres_pour_1000_habitants": 1.0}, // 1 × 1 000 / 1 000
		{"niveau": "epci", "code": "244400537", "dimension": "hébergement", "valeur": 1},
		{"niveau": "epci", "code": "244900015", "dimension": "Ensemble", "valeur": 1},
		{"niveau": "epci", "code": "244900015", "dimension": "restauration", "valeur": 1},
		// communes
		{"niveau": "commune", "code": "44109", "libelle": "Nantes", "dimension": "Ensemble", "valeur": 1,
			"population": 20000, "offres_pour_1000_habitants": 0.05}, // 1 × 1 000 / 20 000
		{"niveau": "commune", "code": "44109", "dimension": "hébergement", "valeur": 1},
		{"niveau": "commune", "code": "44001", "dimension": "Ensemble", "valeur": 1},
		{"niveau": "commune", "code": "44001", "dimension": "hébergement", "valeur": 1},
		{"niveau": "commune", "code": "49007", "dimension": "Ensemble", "valeur": 1},
		{"niveau": "commune", "code": "49007", "dimension": "restauration", "valeur": 1},
	}}
	compare(t, def, got, want)
}

func TestCapaciteHebergementTouristique(t *testing.T) {
	def := embeddedDef(t, "capacite-hebergement-touristique")
	got := compute(t, publishAll(t, communes, offres), def)
	// Accommodation: o1 Hôtel 100 (44, Nantes Métropole), o2 Camping without
	// capacity (44, Nozay), o4 Hôtel 30 (49 by name, no EPCI). o3 is a
	// restaurant: its capacity (covers) does not count. The 50 pitches of o2
	// are in emplacements; no offer gives rooms or dwellings. All 12 rows
	// listed.
	want := expectation{total: 12, rows: []row{
		// région: 100 + 30 = 130 from 3 offers, 2 with a capacity.
		{"niveau": "region", "code": "52", "dimension": "Ensemble", "valeur": 130, "offres": 3, "offres_avec_capacite": 2,
			"emplacements": 50, "chambres": nil, "logements": nil},
		{"niveau": "region", "code": "52", "dimension": "Hôtel", "valeur": 130, "offres": 2, "offres_avec_capacite": 2, "emplacements": nil},
		{"niveau": "region", "code": "52", "dimension": "Camping", "valeur": 0, "offres": 1, "offres_avec_capacite": 0, "emplacements": 50},
		{"niveau": "departement", "code": "44", "dimension": "Ensemble", "valeur": 100, "offres": 2, "offres_avec_capacite": 1},
		{"niveau": "departement", "code": "44", "dimension": "Hôtel", "valeur": 100, "offres": 1, "offres_avec_capacite": 1},
		{"niveau": "departement", "code": "44", "dimension": "Camping", "valeur": 0, "offres": 1, "offres_avec_capacite": 0},
		{"niveau": "departement", "code": "49", "libelle": "Maine-et-Loire", "dimension": "Ensemble", "valeur": 30, "offres": 1, "offres_avec_capacite": 1},
		{"niveau": "departement", "code": "49", "dimension": "Hôtel", "valeur": 30, "offres": 1, "offres_avec_capacite": 1},
		{"niveau": "epci", "code": "244400404", "libelle": "Nantes Métropole", "dimension": "Ensemble", "valeur": 100, "offres": 1, "offres_avec_capacite": 1},
		{"niveau": "epci", "code": "244400404", "dimension": "Hôtel", "valeur": 100, "offres": 1, "offres_avec_capacite": 1},
		{"niveau": "epci", "code": "244400537", "dimension": "Ensemble", "valeur": 0, "offres": 1, "offres_avec_capacite": 0},
		{"niveau": "epci", "code": "244400537", "dimension": "Camping", "valeur": 0, "offres": 1, "offres_avec_capacite": 0, "emplacements": 50},
	}}
	compare(t, def, got, want)
}

func TestVisibiliteNumeriqueOffresTouristiques(t *testing.T) {
	def := embeddedDef(t, "visibilite-numerique-offres-touristiques")
	got := compute(t, publishAll(t, communes, offres), def)
	// région (5 offers): site o1 o2 o4 = 3/5; courriel o1 o3 o4 = 3/5;
	// réservation o1 = 1/5; réseaux o1 o4 = 2/5.
	// 44 (o1 o2): site 2/2, courriel 1/2, réservation 1/2, réseaux 1/2.
	// 49 (o3 o4): site 1/2, courriel 2/2, réservation 0/2, réseaux 1/2.
	want := expectation{total: 12, rows: []row{
		{"niveau": "region", "code": "52", "dimension": "Site web", "valeur": 0.6, "numerateur": 3, "denominateur": 5},
		{"niveau": "region", "code": "52", "dimension": "Courriel", "valeur": 0.6, "numerateur": 3, "denominateur": 5},
		{"niveau": "region", "code": "52", "dimension": "Réservation en ligne", "valeur": 0.2, "numerateur": 1, "denominateur": 5},
		{"niveau": "region", "code": "52", "dimension": "Réseaux sociaux", "valeur": 0.4, "numerateur": 2, "denominateur": 5},
		{"niveau": "departement", "code": "44", "dimension": "Site web", "valeur": 1, "numerateur": 2, "denominateur": 2},
		{"niveau": "departement", "code": "44", "dimension": "Courriel", "valeur": 0.5, "numerateur": 1, "denominateur": 2},
		{"niveau": "departement", "code": "44", "dimension": "Réservation en ligne", "valeur": 0.5, "numerateur": 1, "denominateur": 2},
		{"niveau": "departement", "code": "44", "dimension": "Réseaux sociaux", "valeur": 0.5, "numerateur": 1, "denominateur": 2},
		{"niveau": "departement", "code": "49", "dimension": "Site web", "valeur": 0.5, "numerateur": 1, "denominateur": 2},
		{"niveau": "departement", "code": "49", "dimension": "Courriel", "valeur": 1, "numerateur": 2, "denominateur": 2},
		{"niveau": "departement", "code": "49", "dimension": "Réservation en ligne", "valeur": 0, "numerateur": 0, "denominateur": 2},
		{"niveau": "departement", "code": "49", "dimension": "Réseaux sociaux", "valeur": 0.5, "numerateur": 1, "denominateur": 2},
	}}
	compare(t, def, got, want)
}
