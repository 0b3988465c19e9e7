package indicators_test

// Tests of the indicators of the theme "Accès au numérique" on fixture
// releases, against values worked out by hand (the arithmetic is in the
// comments). The four indicators read the consolidated table of places,
// computed first from the export and PiNG's map, as ComputeAll does.

import (
	"testing"

	"github.com/ligerdata/ligerdata/internal/store"
)

// lieux: six places of the national export, published on 2025-06-01.
//
//	id  commune       typologie    services                         date_maj    source
//	p1  Nantes        EPN          Aide aux démarches|Accès internet 2025-03-01  Hub
//	p2  Nantes        FABLAB|ASSO  Loisirs et créations             2024-06-01  Région
//	p3  Abbaretz      EPN|BIB      Aide aux démarches               2025-05-31  Hub
//	p4  Angers        TIERS_LIEUX  (none)                           2025-06-02  Région
//	p5  Bourg-Rural   EPN          Maîtrise des outils              2023-12-31  Région
//	p6  (no INSEE)    EPN          Aide aux démarches               2025-06-01  Hub
var lieux = fixture{
	dataset: "lieux-mediation-numerique-pdl",
	schema:  "lieux-mediation-numerique",
	release: "20250601T080000Z-0001",
	csv: `
id,pivot,nom,commune,code_postal,code_insee,adresse,typologie,services,date_maj,source
p1,00000000000001,EPN de Nantes,Nantes,44000,44109,1 rue A,EPN,Aide aux démarches administratives|Accès internet et matériel informatique,2025-03-01,Hub
p2,00000000000002,Fablab de Nantes,Nantes,44000,44109,2 rue B,FABLAB|ASSO,Loisirs et créations numériques,2024-06-01,Région
p3,00000000000003,EPN d'Abbaretz,Abbaretz,44170,44001,3 rue C,EPN|BIB,Aide aux démarches administratives,2025-05-31,Hub
p4,00000000000004,Tiers-lieu d'Angers,Angers,49000,49007,4 rue D,TIERS_LIEUX,,2025-06-02,Région
p5,00000000000005,EPN du Bocage,Bourg-Rural,49100,49002,5 rue E,EPN,Maîtrise des outils numériques du quotidien,2023-12-31,Région
p6,00000000000006,EPN itinérant,Inconnue,44999,,6 rue F,EPN,Aide aux démarches administratives,2025-06-01,Hub
`,
}

// lieuxPingAcces: four places of PiNG's map, published on 2025-05-15 (source
// "PiNG"). ping-1 has p1's SIRET (pair by pivot), ping-2 p4's name and
// commune (pair by name); ping-3 and ping-4 are seen only there (no
// position, so no pair by distance with p5 in Bourg-Rural).
//
//	id      commune      typologie  services                 date_maj
//	ping-1  Nantes       EPN        Loisirs et créations     2025-05-10  → p1
//	ping-2  Angers       TIERS_LIEUX Accès internet          2024-01-15  → p4
//	ping-3  Carquefou    FABLAB     Loisirs et créations     2024-09-01
//	ping-4  Bourg-Rural  EPN        Maîtrise des outils      2024-05-31
//
// The consolidated table has 6 + 4 − 2 = 8 places, with the export's values
// and PiNG's where the export has none, the later date with its source:
//
//	place  commune      types        services             date_maj    source  published
//	A p1   Nantes       EPN          Aide|Accès (p1's)    2025-05-10  PiNG    2025-05-15
//	B p2   Nantes       FABLAB|ASSO  Loisirs              2024-06-01  Région  2025-06-01
//	C p3   Abbaretz     EPN|BIB      Aide                 2025-05-31  Hub     2025-06-01
//	D p4   Angers       TIERS_LIEUX  Accès (PiNG's)       2025-06-02  Région  2025-06-01
//	E p5   Bourg-Rural  EPN          Maîtrise             2023-12-31  Région  2025-06-01
//	F p6   (unknown)    EPN          Aide                 2025-06-01  Hub     2025-06-01
//	G ping-3 Carquefou  FABLAB       Loisirs              2024-09-01  PiNG    2025-05-15
//	H ping-4 Bourg-Rural EPN         Maîtrise             2024-05-31  PiNG    2025-05-15
var lieuxPingAcces = fixture{
	dataset: "ping-lieux-mediation",
	schema:  "lieux-mediation-numerique",
	release: "20250515T040000Z-0002",
	csv: `
id,pivot,nom,commune,code_postal,code_insee,adresse,typologie,services,date_maj,source
ping-1,00000000000001,EPN Nantes centre,Nantes,44000,44109,1 rue A,EPN,Loisirs et créations numériques,2025-05-10,PiNG
ping-2,99999999999999,Tiers-lieu d'Angers,Angers,49000,49007,4 rue D,TIERS_LIEUX,Accès internet et matériel informatique,2024-01-15,PiNG
ping-3,88888888888888,Fablab de Carquefou,Carquefou,44470,44026,7 rue G,FABLAB,Loisirs et créations numériques,2024-09-01,PiNG
ping-4,77777777777777,Espace numérique du Bocage,Bourg-Rural,49100,49002,8 rue H,EPN,Maîtrise des outils numériques du quotidien,2024-05-31,PiNG
`,
}

// placesStore publishes the reference table and both sources of places,
// and computes the consolidated table the four indicators read.
func placesStore(t *testing.T) *store.Store {
	t.Helper()
	st := publishAll(t, communes, lieux, lieuxPingAcces)
	compute(t, st, embeddedDef(t, "lieux-mediation-numerique-consolides"))
	return st
}

func TestLieuxMediationParTerritoire(t *testing.T) {
	def := embeddedDef(t, "lieux-mediation-par-territoire")
	got := compute(t, placesStore(t), def)
	// Types (one row per type and "Ensemble"): EPN = A C E F H, Fablab = B G,
	// Association = B, Bibliothèque = C, Tiers-lieu = D; 6 dimensions.
	// Rows: 5 communes with a place (Nantes, Carquefou, Abbaretz, Angers,
	// Bourg-Rural) × 6 + 4 EPCI × 6 + 2 départements × 6 + région × 6 = 72.
	// Unlisted rows are the zero cells.
	const epn, fab, asso, bib, tiers = "Espace public numérique", "Fablab", "Association", "Bibliothèque, médiathèque", "Tiers-lieu"
	want := expectation{total: 72, others: zeroValeur, rows: []row{
		// région: the eight places, F included (no commune): p1 and ping-1,
		// p4 and ping-2 count once each.
		{"niveau": "region", "code": "52", "libelle": "Pays de la Loire", "dimension": "Ensemble", "valeur": 8,
			"population": 45000, "lieux_pour_10000_habitants": 8 * 10000.0 / 45000}, // 1.777…
		{"niveau": "region", "code": "52", "dimension": epn, "valeur": 5, "lieux_pour_10000_habitants": 5 * 10000.0 / 45000},
		{"niveau": "region", "code": "52", "dimension": fab, "valeur": 2},
		{"niveau": "region", "code": "52", "dimension": asso, "valeur": 1},
		{"niveau": "region", "code": "52", "dimension": bib, "valeur": 1},
		{"niveau": "region", "code": "52", "dimension": tiers, "valeur": 1},
		// 44: A B C G (F has no commune, so not here).
		{"niveau": "departement", "code": "44", "libelle": "Loire-Atlantique", "dimension": "Ensemble", "valeur": 4,
			"population": 25000, "lieux_pour_10000_habitants": 1.6}, // 4 × 10 000 / 25 000
		{"niveau": "departement", "code": "44", "dimension": epn, "valeur": 2}, // A C
		{"niveau": "departement", "code": "44", "dimension": fab, "valeur": 2}, // B G
		{"niveau": "departement", "code": "44", "dimension": asso, "valeur": 1},
		{"niveau": "departement", "code": "44", "dimension": bib, "valeur": 1},
		// 49: D E H.
		{"niveau": "departement", "code": "49", "dimension": "Ensemble", "valeur": 3,
			"population": 20000, "lieux_pour_10000_habitants": 1.5}, // 3 × 10 000 / 20 000
		{"niveau": "departement", "code": "49", "dimension": epn, "valeur": 2}, // E H
		{"niveau": "departement", "code": "49", "dimension": tiers, "valeur": 1},
		// EPCI: Nantes Métropole A B G (population 24 000), Nozay C, Angers D,
		// Bocage E H.
		{"niveau": "epci", "code": "244400404", "libelle": "Nantes Métropole", "dimension": "Ensemble", "valeur": 3,
			"population": 24000, "lieux_pour_10000_habitants": 1.25}, // 3 × 10 000 / 24 000
		{"niveau": "epci", "code": "244400404", "dimension": epn, "valeur": 1},
		{"niveau": "epci", "code": "244400404", "dimension": fab, "valeur": 2},
		{"niveau": "epci", "code": "244400404", "dimension": asso, "valeur": 1},
		{"niveau": "epci", "code": "244400537", "dimension": "Ensemble", "valeur": 1, "lieux_pour_10000_habitants": 10.0}, // 1 × 10 000 / 1 000
		{"niveau": "epci", "code": "244400537", "dimension": epn, "valeur": 1},
		{"niveau": "epci", "code": "244400537", "dimension": bib, "valeur": 1},
		{"niveau": "epci", "code": "244900015", "dimension": "Ensemble", "valeur": 1, "lieux_pour_10000_habitants": 10000.0 / 15000},
		{"niveau": "epci", "code": "244900015", "dimension": tiers, "valeur": 1},
		{"niveau": "epci", "code": "200071876", "dimension": "Ensemble", "valeur": 2, "lieux_pour_10000_habitants": 4.0}, // 2 × 10 000 / 5 000
		{"niveau": "epci", "code": "200071876", "dimension": epn, "valeur": 2},
		// communes
		{"niveau": "commune", "code": "44109", "libelle": "Nantes", "dimension": "Ensemble", "valeur": 2,
			"population": 20000, "lieux_pour_10000_habitants": 1.0}, // 2 × 10 000 / 20 000
		{"niveau": "commune", "code": "44109", "dimension": epn, "valeur": 1},
		{"niveau": "commune", "code": "44109", "dimension": fab, "valeur": 1},
		{"niveau": "commune", "code": "44109", "dimension": asso, "valeur": 1},
		{"niveau": "commune", "code": "44026", "libelle": "Carquefou", "dimension": "Ensemble", "valeur": 1,
			"lieux_pour_10000_habitants": 2.5}, // 1 × 10 000 / 4 000, seen on PiNG's map only
		{"niveau": "commune", "code": "44026", "dimension": fab, "valeur": 1},
		{"niveau": "commune", "code": "44001", "dimension": "Ensemble", "valeur": 1},
		{"niveau": "commune", "code": "44001", "dimension": epn, "valeur": 1},
		{"niveau": "commune", "code": "44001", "dimension": bib, "valeur": 1},
		{"niveau": "commune", "code": "49007", "dimension": "Ensemble", "valeur": 1},
		{"niveau": "commune", "code": "49007", "dimension": tiers, "valeur": 1},
		{"niveau": "commune", "code": "49002", "dimension": "Ensemble", "valeur": 2, "lieux_pour_10000_habitants": 4.0},
		{"niveau": "commune", "code": "49002", "dimension": epn, "valeur": 2},
	}}
	compare(t, def, got, want)
}

func TestLieuxMediationPartRurale(t *testing.T) {
	def := embeddedDef(t, "lieux-mediation-part-rurale")
	got := compute(t, placesStore(t), def)
	// Places with a commune: A B C D E G H (F left out). Rural communes:
	// Abbaretz (C) and Bourg-Rural (E H). Only territory × type cells with a
	// place: région 6 + 44: 5 + 49: 3 + EPCI (4 + 3 + 2 + 2) = 25 rows, all
	// listed.
	const epn, fab, asso, bib, tiers = "Espace public numérique", "Fablab", "Association", "Bibliothèque, médiathèque", "Tiers-lieu"
	want := expectation{total: 25, rows: []row{
		// région: 3 rural of 7; EPN A C E H → 3/4; Fablab B G → 0/2;
		// Association B → 0/1; Bibliothèque C → 1/1; Tiers-lieu D → 0/1.
		{"niveau": "region", "code": "52", "libelle": "Pays de la Loire", "dimension": "Ensemble", "valeur": 3.0 / 7, "numerateur": 3, "denominateur": 7},
		{"niveau": "region", "code": "52", "dimension": epn, "valeur": 0.75, "numerateur": 3, "denominateur": 4},
		{"niveau": "region", "code": "52", "dimension": fab, "valeur": 0, "numerateur": 0, "denominateur": 2},
		{"niveau": "region", "code": "52", "dimension": asso, "valeur": 0, "numerateur": 0, "denominateur": 1},
		{"niveau": "region", "code": "52", "dimension": bib, "valeur": 1, "numerateur": 1, "denominateur": 1},
		{"niveau": "region", "code": "52", "dimension": tiers, "valeur": 0, "numerateur": 0, "denominateur": 1},
		// 44: A B C G, rural C → 1/4; EPN A C → 1/2; Fablab B G 0/2;
		// Association B 0/1; Bibliothèque C 1/1.
		{"niveau": "departement", "code": "44", "libelle": "Loire-Atlantique", "dimension": "Ensemble", "valeur": 0.25, "numerateur": 1, "denominateur": 4},
		{"niveau": "departement", "code": "44", "dimension": epn, "valeur": 0.5, "numerateur": 1, "denominateur": 2},
		{"niveau": "departement", "code": "44", "dimension": fab, "valeur": 0, "numerateur": 0, "denominateur": 2},
		{"niveau": "departement", "code": "44", "dimension": asso, "valeur": 0, "numerateur": 0, "denominateur": 1},
		{"niveau": "departement", "code": "44", "dimension": bib, "valeur": 1, "numerateur": 1, "denominateur": 1},
		// 49: D E H, rural E H → 2/3; EPN E H → 2/2; Tiers-lieu D → 0/1.
		{"niveau": "departement", "code": "49", "dimension": "Ensemble", "valeur": 2.0 / 3, "numerateur": 2, "denominateur": 3},
		{"niveau": "departement", "code": "49", "dimension": epn, "valeur": 1, "numerateur": 2, "denominateur": 2},
		{"niveau": "departement", "code": "49", "dimension": tiers, "valeur": 0, "numerateur": 0, "denominateur": 1},
		// Nantes Métropole A B G: nothing rural.
		{"niveau": "epci", "code": "244400404", "libelle": "Nantes Métropole", "dimension": "Ensemble", "valeur": 0, "numerateur": 0, "denominateur": 3},
		{"niveau": "epci", "code": "244400404", "dimension": epn, "valeur": 0, "numerateur": 0, "denominateur": 1},
		{"niveau": "epci", "code": "244400404", "dimension": fab, "valeur": 0, "numerateur": 0, "denominateur": 2},
		{"niveau": "epci", "code": "244400404", "dimension": asso, "valeur": 0, "numerateur": 0, "denominateur": 1},
		// CC de Nozay C (rural).
		{"niveau": "epci", "code": "244400537", "dimension": "Ensemble", "valeur": 1, "numerateur": 1, "denominateur": 1},
		{"niveau": "epci", "code": "244400537", "dimension": epn, "valeur": 1, "numerateur": 1, "denominateur": 1},
		{"niveau": "epci", "code": "244400537", "dimension": bib, "valeur": 1, "numerateur": 1, "denominateur": 1},
		// Angers D.
		{"niveau": "epci", "code": "244900015", "dimension": "Ensemble", "valeur": 0, "numerateur": 0, "denominateur": 1},
		{"niveau": "epci", "code": "244900015", "dimension": tiers, "valeur": 0, "numerateur": 0, "denominateur": 1},
		// CC du Bocage E H (rural).
		{"niveau": "epci", "code": "200071876", "dimension": "Ensemble", "valeur": 1, "numerateur": 2, "denominateur": 2},
		{"niveau": "epci", "code": "200071876", "dimension": epn, "valeur": 1, "numerateur": 2, "denominateur": 2},
	}}
	compare(t, def, got, want)
}

func TestLieuxMediationPartParService(t *testing.T) {
	def := embeddedDef(t, "lieux-mediation-part-par-service")
	got := compute(t, placesStore(t), def)
	// Every place declares a service (D through PiNG's twin of p4) →
	// région denominator 8; 44: A B C G → 4; 49: D E H → 3. Nine services
	// per territory: 3 × 9 = 27 rows; unlisted services have numerator 0.
	// A keeps p1's services: PiNG's "Loisirs" for ping-1 is not added.
	const aide, acces, loisirs, maitrise = "Aide aux démarches administratives", "Accès internet et matériel informatique",
		"Loisirs et créations numériques", "Maîtrise des outils numériques du quotidien"
	want := expectation{total: 27, rows: []row{
		{"niveau": "region", "code": "52", "dimension": aide, "valeur": 0.375, "numerateur": 3, "denominateur": 8},            // A C F
		{"niveau": "region", "code": "52", "dimension": acces, "valeur": 0.25, "numerateur": 2, "denominateur": 8},            // A D
		{"niveau": "region", "code": "52", "dimension": loisirs, "valeur": 0.25, "numerateur": 2, "denominateur": 8},          // B G
		{"niveau": "region", "code": "52", "dimension": maitrise, "valeur": 0.25, "numerateur": 2, "denominateur": 8},         // E H
		{"niveau": "departement", "code": "44", "dimension": aide, "valeur": 0.5, "numerateur": 2, "denominateur": 4},         // A C
		{"niveau": "departement", "code": "44", "dimension": acces, "valeur": 0.25, "numerateur": 1, "denominateur": 4},       // A
		{"niveau": "departement", "code": "44", "dimension": loisirs, "valeur": 0.5, "numerateur": 2, "denominateur": 4},      // B G
		{"niveau": "departement", "code": "49", "dimension": acces, "valeur": 1.0 / 3, "numerateur": 1, "denominateur": 3},    // D
		{"niveau": "departement", "code": "49", "dimension": maitrise, "valeur": 2.0 / 3, "numerateur": 2, "denominateur": 3}, // E H
	}, others: zeroValeur}
	compare(t, def, got, want)
}

func TestLieuxMediationPartAJour(t *testing.T) {
	def := embeddedDef(t, "lieux-mediation-part-a-jour")
	got := compute(t, placesStore(t), def)
	// Reference date: the latest publication day of the places' dates,
	// 2025-06-01 (the export's; PiNG's is 2025-05-15). Updated = date_maj
	// after 2024-06-01: A C D F G yes; B (2024-06-01 exactly), E and H
	// (2024-05-31) no. Sources: Hub C F (2/2); PiNG A G H (2/3: A is p1,
	// whose later date came from PiNG); Région B D E (1/3).
	// Rows: région 4, 44: 4, 49: 3 (no Hub place in 49), all listed.
	want := expectation{total: 11, rows: []row{
		{"niveau": "region", "code": "52", "dimension": "Ensemble", "valeur": 5.0 / 8, "numerateur": 5, "denominateur": 8, "date_reference": "2025-06-01"},
		{"niveau": "region", "code": "52", "dimension": "Hub", "valeur": 1, "numerateur": 2, "denominateur": 2},
		{"niveau": "region", "code": "52", "dimension": "PiNG", "valeur": 2.0 / 3, "numerateur": 2, "denominateur": 3},
		{"niveau": "region", "code": "52", "dimension": "Région", "valeur": 1.0 / 3, "numerateur": 1, "denominateur": 3},
		// 44: A (PiNG, yes) B (Région, no) C (Hub, yes) G (PiNG, yes).
		{"niveau": "departement", "code": "44", "dimension": "Ensemble", "valeur": 0.75, "numerateur": 3, "denominateur": 4},
		{"niveau": "departement", "code": "44", "dimension": "Hub", "valeur": 1, "numerateur": 1, "denominateur": 1},
		{"niveau": "departement", "code": "44", "dimension": "PiNG", "valeur": 1, "numerateur": 2, "denominateur": 2},
		{"niveau": "departement", "code": "44", "dimension": "Région", "valeur": 0, "numerateur": 0, "denominateur": 1},
		// 49: D (Région, yes) E (Région, no) H (PiNG, no).
		{"niveau": "departement", "code": "49", "dimension": "Ensemble", "valeur": 1.0 / 3, "numerateur": 1, "denominateur": 3},
		{"niveau": "departement", "code": "49", "dimension": "PiNG", "valeur": 0, "numerateur": 0, "denominateur": 1},
		{"niveau": "departement", "code": "49", "dimension": "Région", "valeur": 0.5, "numerateur": 1, "denominateur": 2, "date_reference": "2025-06-01"},
	}}
	compare(t, def, got, want)
}
