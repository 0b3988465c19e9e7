package indicators_test

// Tests of the indicators of the theme "Accès au numérique" on fixture
// releases, against values worked out by hand (the arithmetic is in the
// comments).

import "testing"

// lieux: six places of digital inclusion, published on 2025-06-01 (the
// reference date of the freshness indicator; twelve months before is
// 2024-06-01, and "updated in the last twelve months" means date_maj after
// that day).
//
//	id  commune       typologie    services                         date_maj    source
//	p1  Nantes        EPN          Aide aux démarches|Accès internet 2025-03-01  PiNG
//	p2  Nantes        FABLAB|ASSO  Loisirs et créations             2024-06-01  Région  (exactly 12 months: not updated)
//	p3  Abbaretz      EPN|BIB      Aide aux démarches               2025-05-31  PiNG
//	p4  Angers        TIERS_LIEUX  (none)                           2025-06-02  Région
//	p5  Bourg-Rural   EPN          Maîtrise des outils              2023-12-31  Région
//	p6  (no INSEE)    EPN          Aide aux démarches               2025-06-01  PiNG
var lieux = fixture{
	dataset: "lieux-mediation-numerique-pdl",
	schema:  "lieux-mediation-numerique",
	release: "20250601T080000Z-0001",
	csv: `
id,pivot,nom,commune,code_postal,code_insee,adresse,typologie,services,date_maj,source
p1,00000000000001,EPN de Nantes,Nantes,44000,44109,1 rue A,EPN,Aide aux démarches administratives|Accès internet et matériel informatique,2025-03-01,PiNG
p2,00000000000002,Fablab de Nantes,Nantes,44000,44109,2 rue B,FABLAB|ASSO,Loisirs et créations numériques,2024-06-01,Région
p3,00000000000003,EPN d'Abbaretz,Abbaretz,44170,44001,3 rue C,EPN|BIB,Aide aux démarches administratives,2025-05-31,PiNG
p4,00000000000004,Tiers-lieu d'Angers,Angers,49000,49007,4 rue D,TIERS_LIEUX,,2025-06-02,Région
p5,00000000000005,EPN du Bocage,Bourg-Rural,49100,49002,5 rue E,EPN,Maîtrise des outils numériques du quotidien,2023-12-31,Région
p6,00000000000006,EPN itinérant,Inconnue,44999,,6 rue F,EPN,Aide aux démarches administratives,2025-06-01,PiNG
`,
}

func TestLieuxMediationParTerritoire(t *testing.T) {
	def := embeddedDef(t, "lieux-mediation-par-territoire")
	got := compute(t, publishAll(t, communes, lieux), def)
	// Types (one row per type and "Ensemble"): EPN = p1 p3 p5 p6, Fablab =
	// p2, Association = p2, Bibliothèque = p3, Tiers-lieu = p4; 6 dimensions.
	// Rows: 4 communes with a place (Nantes, Abbaretz, Angers, Bourg-Rural;
	// not Carquefou) × 6 + 4 EPCI × 6 + 2 départements × 6 + région × 6 = 66.
	// Unlisted rows are the zero cells.
	const epn, fab, asso, bib, tiers = "Espace public numérique", "Fablab", "Association", "Bibliothèque, médiathèque", "Tiers-lieu"
	want := expectation{total: 66, others: zeroValeur, rows: []row{
		// région: the six places, p6 included (no commune).
		{"niveau": "region", "code": "52", "libelle": "Pays de la Loire", "dimension": "Ensemble", "valeur": 6,
			"population": 45000, "lieux_pour_10000_habitants": 6 * 10000.0 / 45000}, // 1.333…
		{"niveau": "region", "code": "52", "dimension": epn, "valeur": 4, "lieux_pour_10000_habitants": 4 * 10000.0 / 45000},
		{"niveau": "region", "code": "52", "dimension": fab, "valeur": 1},
		{"niveau": "region", "code": "52", "dimension": asso, "valeur": 1},
		{"niveau": "region", "code": "52", "dimension": bib, "valeur": 1},
		{"niveau": "region", "code": "52", "dimension": tiers, "valeur": 1},
		// 44: p1 p2 p3 (p6 has no commune, so not here).
		{"niveau": "departement", "code": "44", "libelle": "Loire-Atlantique", "dimension": "Ensemble", "valeur": 3,
			"population": 25000, "lieux_pour_10000_habitants": 1.2}, // 3 × 10 000 / 25 000
		{"niveau": "departement", "code": "44", "dimension": epn, "valeur": 2}, // p1 p3
		{"niveau": "departement", "code": "44", "dimension": fab, "valeur": 1},
		{"niveau": "departement", "code": "44", "dimension": asso, "valeur": 1},
		{"niveau": "departement", "code": "44", "dimension": bib, "valeur": 1},
		// 49: p4 p5.
		{"niveau": "departement", "code": "49", "dimension": "Ensemble", "valeur": 2,
			"population": 20000, "lieux_pour_10000_habitants": 1.0}, // 2 × 10 000 / 20 000
		{"niveau": "departement", "code": "49", "dimension": epn, "valeur": 1},
		{"niveau": "departement", "code": "49", "dimension": tiers, "valeur": 1},
		// EPCI: Nantes Métropole p1 p2 (population 24 000), Nozay p3, Angers p4, Bocage p5.
		{"niveau": "epci", "code": "244400404", "libelle": "Nantes Métropole", "dimension": "Ensemble", "valeur": 2,
			"population": 24000, "lieux_pour_10000_habitants": 2 * 10000.0 / 24000},
		{"niveau": "epci", "code": "244400404", "dimension": epn, "valeur": 1},
		{"niveau": "epci", "code": "244400404", "dimension": fab, "valeur": 1},
		{"niveau": "epci", "code": "244400404", "dimension": asso, "valeur": 1},
		{"niveau": "epci", "code": "244400537", "dimension": "Ensemble", "valeur": 1, "lieux_pour_10000_habitants": 10.0}, // 1 × 10 000 / 1 000
		{"niveau": "epci", "code": "244400537", "dimension": epn, "valeur": 1},
		{"niveau": "epci", "code": "244400537", "dimension": bib, "valeur": 1},
		{"niveau": "epci", "code": "244900015", "dimension": "Ensemble", "valeur": 1},
		{"niveau": "epci", "code": "244900015", "dimension": tiers, "valeur": 1},
		{"niveau": "epci", "code": "200071876", "dimension": "Ensemble", "valeur": 1, "lieux_pour_10000_habitants": 2.0}, // 1 × 10 000 / 5 000
		{"niveau": "epci", "code": "200071876", "dimension": epn, "valeur": 1},
		// communes
		{"niveau": "commune", "code": "44109", "libelle": "Nantes", "dimension": "Ensemble", "valeur": 2,
			"population": 20000, "lieux_pour_10000_habitants": 1.0}, // 2 × 10 000 / 20 000
		{"niveau": "commune", "code": "44109", "dimension": epn, "valeur": 1},
		{"niveau": "commune", "code": "44109", "dimension": fab, "valeur": 1},
		{"niveau": "commune", "code": "44109", "dimension": asso, "valeur": 1},
		{"niveau": "commune", "code": "44001", "dimension": "Ensemble", "valeur": 1},
		{"niveau": "commune", "code": "44001", "dimension": epn, "valeur": 1},
		{"niveau": "commune", "code": "44001", "dimension": bib, "valeur": 1},
		{"niveau": "commune", "code": "49007", "dimension": "Ensemble", "valeur": 1},
		{"niveau": "commune", "code": "49007", "dimension": tiers, "valeur": 1},
		{"niveau": "commune", "code": "49002", "dimension": "Ensemble", "valeur": 1},
		{"niveau": "commune", "code": "49002", "dimension": epn, "valeur": 1},
	}}
	compare(t, def, got, want)
}

func TestLieuxMediationPartRurale(t *testing.T) {
	def := embeddedDef(t, "lieux-mediation-part-rurale")
	got := compute(t, publishAll(t, communes, lieux), def)
	// Places with a commune: p1..p5 (p6 left out). Rural communes: Abbaretz
	// (p3) and Bourg-Rural (p5). Only territory × type cells with a place:
	// région 6 + 44: 5 + 49: 3 + EPCI (4 + 3 + 2 + 2) = 25 rows, all listed.
	const epn, fab, asso, bib, tiers = "Espace public numérique", "Fablab", "Association", "Bibliothèque, médiathèque", "Tiers-lieu"
	want := expectation{total: 25, rows: []row{
		// région: 2 rural of 5; EPN p1 p3 p5 → 2/3; Fablab, Association p2
		// → 0/1; Bibliothèque p3 → 1/1; Tiers-lieu p4 → 0/1.
		{"niveau": "region", "code": "52", "libelle": "Pays de la Loire", "dimension": "Ensemble", "valeur": 0.4, "numerateur": 2, "denominateur": 5},
		{"niveau": "region", "code": "52", "dimension": epn, "valeur": 2.0 / 3, "numerateur": 2, "denominateur": 3},
		{"niveau": "region", "code": "52", "dimension": fab, "valeur": 0, "numerateur": 0, "denominateur": 1},
		{"niveau": "region", "code": "52", "dimension": asso, "valeur": 0, "numerateur": 0, "denominateur": 1},
		{"niveau": "region", "code": "52", "dimension": bib, "valeur": 1, "numerateur": 1, "denominateur": 1},
		{"niveau": "region", "code": "52", "dimension": tiers, "valeur": 0, "numerateur": 0, "denominateur": 1},
		// 44: p1 p2 p3, rural p3 → 1/3; EPN p1 p3 → 1/2; Fablab, Association
		// (p2) 0/1; Bibliothèque (p3) 1/1.
		{"niveau": "departement", "code": "44", "libelle": "Loire-Atlantique", "dimension": "Ensemble", "valeur": 1.0 / 3, "numerateur": 1, "denominateur": 3},
		{"niveau": "departement", "code": "44", "dimension": epn, "valeur": 0.5, "numerateur": 1, "denominateur": 2},
		{"niveau": "departement", "code": "44", "dimension": fab, "valeur": 0, "numerateur": 0, "denominateur": 1},
		{"niveau": "departement", "code": "44", "dimension": asso, "valeur": 0, "numerateur": 0, "denominateur": 1},
		{"niveau": "departement", "code": "44", "dimension": bib, "valeur": 1, "numerateur": 1, "denominateur": 1},
		// 49: p4 p5, rural p5 → 1/2; EPN p5 → 1/1; Tiers-lieu p4 → 0/1.
		{"niveau": "departement", "code": "49", "dimension": "Ensemble", "valeur": 0.5, "numerateur": 1, "denominateur": 2},
		{"niveau": "departement", "code": "49", "dimension": epn, "valeur": 1, "numerateur": 1, "denominateur": 1},
		{"niveau": "departement", "code": "49", "dimension": tiers, "valeur": 0, "numerateur": 0, "denominateur": 1},
		// Nantes Métropole p1 p2: nothing rural.
		{"niveau": "epci", "code": "244400404", "libelle": "Nantes Métropole", "dimension": "Ensemble", "valeur": 0, "numerateur": 0, "denominateur": 2},
		{"niveau": "epci", "code": "244400404", "dimension": epn, "valeur": 0, "numerateur": 0, "denominateur": 1},
		{"niveau": "epci", "code": "244400404", "dimension": fab, "valeur": 0, "numerateur": 0, "denominateur": 1},
		{"niveau": "epci", "code": "244400404", "dimension": asso, "valeur": 0, "numerateur": 0, "denominateur": 1},
		// CC de Nozay p3 (rural).
		{"niveau": "epci", "code": "244400537", "dimension": "Ensemble", "valeur": 1, "numerateur": 1, "denominateur": 1},
		{"niveau": "epci", "code": "244400537", "dimension": epn, "valeur": 1, "numerateur": 1, "denominateur": 1},
		{"niveau": "epci", "code": "244400537", "dimension": bib, "valeur": 1, "numerateur": 1, "denominateur": 1},
		// Angers p4.
		{"niveau": "epci", "code": "244900015", "dimension": "Ensemble", "valeur": 0, "numerateur": 0, "denominateur": 1},
		{"niveau": "epci", "code": "244900015", "dimension": tiers, "valeur": 0, "numerateur": 0, "denominateur": 1},
		// CC du Bocage p5 (rural).
		{"niveau": "epci", "code": "200071876", "dimension": "Ensemble", "valeur": 1, "numerateur": 1, "denominateur": 1},
		{"niveau": "epci", "code": "200071876", "dimension": epn, "valeur": 1, "numerateur": 1, "denominateur": 1},
	}}
	compare(t, def, got, want)
}

func TestLieuxMediationPartParService(t *testing.T) {
	def := embeddedDef(t, "lieux-mediation-part-par-service")
	got := compute(t, publishAll(t, communes, lieux), def)
	// Places declaring a service: p1 p2 p3 p5 p6 (p4 none) → région
	// denominator 5; 44: p1 p2 p3 → 3; 49: p5 → 1. Nine services per
	// territory: 3 × 9 = 27 rows; unlisted services have numerator 0.
	const aide, acces, loisirs, maitrise = "Aide aux démarches administratives", "Accès internet et matériel informatique",
		"Loisirs et créations numériques", "Maîtrise des outils numériques du quotidien"
	want := expectation{total: 27, rows: []row{
		{"niveau": "region", "code": "52", "dimension": aide, "valeur": 0.6, "numerateur": 3, "denominateur": 5},          // p1 p3 p6
		{"niveau": "region", "code": "52", "dimension": acces, "valeur": 0.2, "numerateur": 1, "denominateur": 5},         // p1
		{"niveau": "region", "code": "52", "dimension": loisirs, "valeur": 0.2, "numerateur": 1, "denominateur": 5},       // p2
		{"niveau": "region", "code": "52", "dimension": maitrise, "valeur": 0.2, "numerateur": 1, "denominateur": 5},      // p5
		{"niveau": "departement", "code": "44", "dimension": aide, "valeur": 2.0 / 3, "numerateur": 2, "denominateur": 3}, // p1 p3
		{"niveau": "departement", "code": "44", "dimension": acces, "valeur": 1.0 / 3, "numerateur": 1, "denominateur": 3},
		{"niveau": "departement", "code": "44", "dimension": loisirs, "valeur": 1.0 / 3, "numerateur": 1, "denominateur": 3},
		{"niveau": "departement", "code": "49", "dimension": maitrise, "valeur": 1, "numerateur": 1, "denominateur": 1},
	}, others: zeroValeur}
	compare(t, def, got, want)
}

func TestLieuxMediationPartAJour(t *testing.T) {
	def := embeddedDef(t, "lieux-mediation-part-a-jour")
	got := compute(t, publishAll(t, communes, lieux), def)
	// Reference date 2025-06-01 (release 20250601T…); updated = date_maj
	// after 2024-06-01: p1 p3 p4 p6 yes; p2 (2024-06-01 exactly) and p5 no.
	// Sources: PiNG p1 p3 p6 (3/3); Région p2 p4 p5 (1/3).
	// Rows: région 3, 44: 3, 49: 2 (no PiNG place in 49), all listed.
	want := expectation{total: 8, rows: []row{
		{"niveau": "region", "code": "52", "dimension": "Ensemble", "valeur": 4.0 / 6, "numerateur": 4, "denominateur": 6, "date_reference": "2025-06-01"},
		{"niveau": "region", "code": "52", "dimension": "PiNG", "valeur": 1, "numerateur": 3, "denominateur": 3},
		{"niveau": "region", "code": "52", "dimension": "Région", "valeur": 1.0 / 3, "numerateur": 1, "denominateur": 3},
		// 44: p1 (PiNG, yes) p2 (Région, no) p3 (PiNG, yes).
		{"niveau": "departement", "code": "44", "dimension": "Ensemble", "valeur": 2.0 / 3, "numerateur": 2, "denominateur": 3},
		{"niveau": "departement", "code": "44", "dimension": "PiNG", "valeur": 1, "numerateur": 2, "denominateur": 2},
		{"niveau": "departement", "code": "44", "dimension": "Région", "valeur": 0, "numerateur": 0, "denominateur": 1},
		// 49: p4 (Région, yes) p5 (Région, no).
		{"niveau": "departement", "code": "49", "dimension": "Ensemble", "valeur": 0.5, "numerateur": 1, "denominateur": 2},
		{"niveau": "departement", "code": "49", "dimension": "Région", "valeur": 0.5, "numerateur": 1, "denominateur": 2, "date_reference": "2025-06-01"},
	}}
	compare(t, def, got, want)
}
