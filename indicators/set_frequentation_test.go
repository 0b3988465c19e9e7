package indicators_test

// Tests of the attendance indicators on fixture releases, against values
// worked out by hand (the arithmetic is in the comments). The places are
// those of the fixture lieux (p1, p2 Nantes; p3 Abbaretz; p4 Angers; p5
// Bourg-Rural; p6 without a commune).

import "testing"

// frequentation: the published latest declarations.
//
//	id  commune    mois     visites ateliers jeunes femmes
//	p1  Nantes     2025-01  100     4        < 5    60
//	p1  Nantes     2025-02   50     2        20
//	p1  Nantes     2025-04   30     1
//	p3  Abbaretz   2025-01   20     1               10
//	p4  Angers     2025-02   10     0               < 5
//	p6  (none)     2025-01    5     1
var frequentation = fixture{
	dataset: "frequentation-lieux-mediation",
	schema:  "frequentation-lieux-mediation-publiee",
	release: "20250601T080000Z-0002",
	csv: `
id,nom,code_insee,mois,visites,visiteurs_distincts,ateliers,visites_jeunes,visites_etudiants,visites_familles_enfants,visites_seniors,visites_femmes,declare_le
p1,EPN de Nantes,44109,2025-01,100,40,4,< 5,,,,60,2025-02-03T10:00:00Z
p1,EPN de Nantes,44109,2025-02,50,,2,20,,,,,2025-03-03T10:00:00Z
p1,EPN de Nantes,44109,2025-04,30,,1,,,,,,2025-05-03T10:00:00Z
p3,EPN d'Abbaretz,44001,2025-01,20,,1,,,,,10,2025-02-03T10:00:00Z
p4,Tiers-lieu d'Angers,49007,2025-02,10,,0,,,,,< 5,2025-03-03T10:00:00Z
p6,EPN itinérant,,2025-01,5,,1,,,,,,2025-02-03T10:00:00Z
`,
}

func TestFrequentationParTerritoire(t *testing.T) {
	def := embeddedDef(t, "frequentation-par-territoire")
	got := compute(t, publishAll(t, communes, frequentation), def)
	// Rows: région 6 periods (3 months, T1, T2, 2025); 44: 6; 49: 3
	// (2025-02, T1, 2025); Nantes Métropole 6; CC de Nozay 3; Angers 3;
	// places p1 6, p3 3, p4 3, p6 3 = 42.
	want := expectation{total: 42, rows: []row{
		// Places, p6 without a commune included: sums of their own months.
		{"niveau": "lieu", "code": "p1", "libelle": "EPN de Nantes", "periode": "2025-01", "valeur": 100, "ateliers": 4, "lieux_declarants": 1},
		{"niveau": "lieu", "code": "p1", "periode": "2025-02", "valeur": 50, "ateliers": 2, "lieux_declarants": 1},
		{"niveau": "lieu", "code": "p1", "periode": "2025-04", "valeur": 30, "ateliers": 1, "lieux_declarants": 1},
		{"niveau": "lieu", "code": "p1", "periode": "2025-T1", "valeur": 150, "ateliers": 6, "lieux_declarants": 1},
		{"niveau": "lieu", "code": "p1", "periode": "2025-T2", "valeur": 30, "ateliers": 1, "lieux_declarants": 1},
		{"niveau": "lieu", "code": "p1", "periode": "2025", "valeur": 180, "ateliers": 7, "lieux_declarants": 1},
		{"niveau": "lieu", "code": "p3", "libelle": "EPN d'Abbaretz", "periode": "2025-01", "valeur": 20, "ateliers": 1, "lieux_declarants": 1},
		{"niveau": "lieu", "code": "p3", "periode": "2025-T1", "valeur": 20, "ateliers": 1, "lieux_declarants": 1},
		{"niveau": "lieu", "code": "p3", "periode": "2025", "valeur": 20, "ateliers": 1, "lieux_declarants": 1},
		{"niveau": "lieu", "code": "p4", "periode": "2025-02", "valeur": 10, "ateliers": 0, "lieux_declarants": 1},
		{"niveau": "lieu", "code": "p4", "periode": "2025-T1", "valeur": 10, "ateliers": 0, "lieux_declarants": 1},
		{"niveau": "lieu", "code": "p4", "periode": "2025", "valeur": 10, "ateliers": 0, "lieux_declarants": 1},
		{"niveau": "lieu", "code": "p6", "libelle": "EPN itinérant", "periode": "2025-01", "valeur": 5, "ateliers": 1, "lieux_declarants": 1},
		{"niveau": "lieu", "code": "p6", "periode": "2025-T1", "valeur": 5, "ateliers": 1, "lieux_declarants": 1},
		{"niveau": "lieu", "code": "p6", "periode": "2025", "valeur": 5, "ateliers": 1, "lieux_declarants": 1},
		// région, p6 included: January 100 + 20 + 5.
		{"niveau": "region", "code": "52", "periode": "2025-01", "valeur": 125, "ateliers": 6, "lieux_declarants": 3},
		{"niveau": "region", "code": "52", "periode": "2025-02", "valeur": 60, "ateliers": 2, "lieux_declarants": 2},
		{"niveau": "region", "code": "52", "periode": "2025-04", "valeur": 30, "ateliers": 1, "lieux_declarants": 1},
		// T1 = 125 + 60; places p1 p3 p4 p6.
		{"niveau": "region", "code": "52", "periode": "2025-T1", "valeur": 185, "ateliers": 8, "lieux_declarants": 4},
		{"niveau": "region", "code": "52", "periode": "2025-T2", "valeur": 30, "ateliers": 1, "lieux_declarants": 1},
		{"niveau": "region", "code": "52", "libelle": "Pays de la Loire", "periode": "2025", "valeur": 215, "ateliers": 9, "lieux_declarants": 4},
		// 44: p1 and p3 (p6 has no commune).
		{"niveau": "departement", "code": "44", "periode": "2025-01", "valeur": 120, "ateliers": 5, "lieux_declarants": 2},
		{"niveau": "departement", "code": "44", "periode": "2025-02", "valeur": 50, "ateliers": 2, "lieux_declarants": 1},
		{"niveau": "departement", "code": "44", "periode": "2025-04", "valeur": 30, "ateliers": 1, "lieux_declarants": 1},
		{"niveau": "departement", "code": "44", "periode": "2025-T1", "valeur": 170, "ateliers": 7, "lieux_declarants": 2},
		{"niveau": "departement", "code": "44", "periode": "2025-T2", "valeur": 30, "ateliers": 1, "lieux_declarants": 1},
		{"niveau": "departement", "code": "44", "libelle": "Loire-Atlantique", "periode": "2025", "valeur": 200, "ateliers": 8, "lieux_declarants": 2},
		{"niveau": "departement", "code": "49", "periode": "2025-02", "valeur": 10, "ateliers": 0, "lieux_declarants": 1},
		{"niveau": "departement", "code": "49", "periode": "2025-T1", "valeur": 10, "ateliers": 0, "lieux_declarants": 1},
		{"niveau": "departement", "code": "49", "periode": "2025", "valeur": 10, "ateliers": 0, "lieux_declarants": 1},
		// Nantes Métropole: p1 alone; T1 = 100 + 50, year = 180.
		{"niveau": "epci", "code": "244400404", "periode": "2025-01", "valeur": 100, "ateliers": 4, "lieux_declarants": 1},
		{"niveau": "epci", "code": "244400404", "periode": "2025-02", "valeur": 50, "ateliers": 2, "lieux_declarants": 1},
		{"niveau": "epci", "code": "244400404", "periode": "2025-04", "valeur": 30, "ateliers": 1, "lieux_declarants": 1},
		{"niveau": "epci", "code": "244400404", "periode": "2025-T1", "valeur": 150, "ateliers": 6, "lieux_declarants": 1},
		{"niveau": "epci", "code": "244400404", "periode": "2025-T2", "valeur": 30, "ateliers": 1, "lieux_declarants": 1},
		{"niveau": "epci", "code": "244400404", "libelle": "Nantes Métropole", "periode": "2025", "valeur": 180, "ateliers": 7, "lieux_declarants": 1},
		{"niveau": "epci", "code": "244400537", "periode": "2025-01", "valeur": 20, "ateliers": 1, "lieux_declarants": 1},
		{"niveau": "epci", "code": "244400537", "periode": "2025-T1", "valeur": 20, "ateliers": 1, "lieux_declarants": 1},
		{"niveau": "epci", "code": "244400537", "periode": "2025", "valeur": 20, "ateliers": 1, "lieux_declarants": 1},
		{"niveau": "epci", "code": "244900015", "periode": "2025-02", "valeur": 10, "ateliers": 0, "lieux_declarants": 1},
		{"niveau": "epci", "code": "244900015", "periode": "2025-T1", "valeur": 10, "ateliers": 0, "lieux_declarants": 1},
		{"niveau": "epci", "code": "244900015", "periode": "2025", "valeur": 10, "ateliers": 0, "lieux_declarants": 1},
	}}
	compare(t, def, got, want)
}

// coveragePing is PiNG's map for the coverage test: the places of
// lieuxPing (paired with the export's as in TestLieuxConsolides) and
// ping-7, whose commune is unknown.
var coveragePing = fixture{
	dataset: lieuxPing.dataset,
	schema:  lieuxPing.schema,
	release: lieuxPing.release,
	csv:     lieuxPing.csv + "ping-7,77777777777770,EPN mobile,Ailleurs,44999,,10 rue J,,,EPN,2025-01-01,PiNG\n",
}

// coverageDeclarations are declarations of places of lieuxExport and
// coveragePing; pdl-old is not on the map.
var coverageDeclarations = fixture{
	dataset: "frequentation-lieux-mediation",
	schema:  "frequentation-lieux-mediation-publiee",
	release: "20250601T080000Z-0003",
	csv: `
id,nom,code_insee,mois,visites,ateliers,declare_le
pdl-a1,Espace numérique du Centre,44109,2025-01,10,1,2025-02-03T10:00:00Z
ping-1,EPN du centre-ville,44109,2025-01,12,1,2025-02-03T10:00:00Z
ping-3,Atelier numérique,44026,2025-01,8,1,2025-02-03T10:00:00Z
ping-4,Cyber-base Abbaretz,49002,2025-01,9,1,2025-02-03T10:00:00Z
ping-7,EPN mobile,,2025-01,6,1,2025-02-03T10:00:00Z
ping-6,Tiers-lieu du bourg,44001,2025-02,7,1,2025-03-03T10:00:00Z
pdl-a5,Bibliothèque Nord,49007,2025-02,20,1,2025-03-03T10:00:00Z
pdl-old,Ancien EPN,44109,2025-02,30,1,2025-03-03T10:00:00Z
`,
}

func TestFrequentationCouverture(t *testing.T) {
	st := publishAll(t, communes, lieuxExport, coveragePing, coverageDeclarations)
	compute(t, st, embeddedDef(t, "lieux-mediation-numerique-consolides"))
	def := embeddedDef(t, "frequentation-couverture")
	got := compute(t, st, def)
	// The map is the consolidated table: 6 export + 7 PiNG places, 4 pairs
	// (a1–1, a2–2, a3–3, a5–5) = 9 places:
	//   44: pdl-a1 pdl-a2 pdl-a3 (Nantes Métropole), pdl-a4 ping-6 (Nozay)
	//   49: ping-4 (Bocage), pdl-a5 pdl-a6 (Angers)
	//   no commune: ping-7 (région only)
	// January: pdl-a1 (declared as pdl-a1 and as ping-1: once), pdl-a3
	// (declared as its PiNG twin ping-3), ping-4, ping-7 = 4 of 9.
	// February: ping-6, pdl-a5 = 2 of 9 (pdl-old is not on the map).
	// The first quarter and the year (a month of it at least): the six.
	// Rows: 4 periods × (région + 2 départements + 4 EPCI) = 28.
	want := expectation{total: 28, rows: []row{
		{"niveau": "region", "code": "52", "periode": "2025-01", "valeur": 4.0 / 9, "numerateur": 4, "denominateur": 9},
		{"niveau": "region", "code": "52", "periode": "2025-02", "valeur": 2.0 / 9, "numerateur": 2, "denominateur": 9},
		{"niveau": "region", "code": "52", "periode": "2025-T1", "valeur": 6.0 / 9, "numerateur": 6, "denominateur": 9},
		{"niveau": "region", "code": "52", "periode": "2025", "valeur": 6.0 / 9, "numerateur": 6, "denominateur": 9},
		{"niveau": "departement", "code": "44", "periode": "2025-01", "valeur": 0.4, "numerateur": 2, "denominateur": 5}, // a1 a3
		{"niveau": "departement", "code": "44", "periode": "2025-02", "valeur": 0.2, "numerateur": 1, "denominateur": 5}, // ping-6
		{"niveau": "departement", "code": "44", "periode": "2025-T1", "valeur": 0.6, "numerateur": 3, "denominateur": 5},
		{"niveau": "departement", "code": "44", "periode": "2025", "valeur": 0.6, "numerateur": 3, "denominateur": 5},
		{"niveau": "departement", "code": "49", "periode": "2025-01", "valeur": 1.0 / 3, "numerateur": 1, "denominateur": 3}, // ping-4
		{"niveau": "departement", "code": "49", "periode": "2025-02", "valeur": 1.0 / 3, "numerateur": 1, "denominateur": 3}, // a5
		{"niveau": "departement", "code": "49", "periode": "2025-T1", "valeur": 2.0 / 3, "numerateur": 2, "denominateur": 3},
		{"niveau": "departement", "code": "49", "periode": "2025", "valeur": 2.0 / 3, "numerateur": 2, "denominateur": 3},
		{"niveau": "epci", "code": "244400404", "periode": "2025-01", "valeur": 2.0 / 3, "numerateur": 2, "denominateur": 3},
		{"niveau": "epci", "code": "244400404", "periode": "2025-02", "valeur": 0, "numerateur": 0, "denominateur": 3},
		{"niveau": "epci", "code": "244400404", "periode": "2025-T1", "valeur": 2.0 / 3, "numerateur": 2, "denominateur": 3},
		{"niveau": "epci", "code": "244400404", "periode": "2025", "valeur": 2.0 / 3, "numerateur": 2, "denominateur": 3},
		{"niveau": "epci", "code": "244400537", "periode": "2025-01", "valeur": 0, "numerateur": 0, "denominateur": 2},
		{"niveau": "epci", "code": "244400537", "periode": "2025-02", "valeur": 0.5, "numerateur": 1, "denominateur": 2},
		{"niveau": "epci", "code": "244400537", "periode": "2025-T1", "valeur": 0.5, "numerateur": 1, "denominateur": 2},
		{"niveau": "epci", "code": "244400537", "periode": "2025", "valeur": 0.5, "numerateur": 1, "denominateur": 2},
		{"niveau": "epci", "code": "244900015", "periode": "2025-01", "valeur": 0, "numerateur": 0, "denominateur": 2},
		{"niveau": "epci", "code": "244900015", "periode": "2025-02", "valeur": 0.5, "numerateur": 1, "denominateur": 2},
		{"niveau": "epci", "code": "244900015", "periode": "2025-T1", "valeur": 0.5, "numerateur": 1, "denominateur": 2},
		{"niveau": "epci", "code": "244900015", "periode": "2025", "valeur": 0.5, "numerateur": 1, "denominateur": 2},
		{"niveau": "epci", "code": "200071876", "periode": "2025-01", "valeur": 1, "numerateur": 1, "denominateur": 1},
		{"niveau": "epci", "code": "200071876", "periode": "2025-02", "valeur": 0, "numerateur": 0, "denominateur": 1},
		{"niveau": "epci", "code": "200071876", "periode": "2025-T1", "valeur": 1, "numerateur": 1, "denominateur": 1},
		{"niveau": "epci", "code": "200071876", "periode": "2025", "valeur": 1, "numerateur": 1, "denominateur": 1},
	}}
	compare(t, def, got, want)
}

func TestFrequentationParPublic(t *testing.T) {
	def := embeddedDef(t, "frequentation-par-public")
	got := compute(t, publishAll(t, communes, frequentation), def)
	// One row per public (5) for the région, 44, 49 and the three EPCI with
	// a declaration, for 2025: 6 × 5 = 30. A "< 5" counts 0. Unlisted rows
	// (students, families, seniors everywhere) are 0.
	want := expectation{total: 30, others: zeroValeur, rows: []row{
		// région: 215 visits; young 0 + 20; women 60 + 10 + 0.
		{"niveau": "region", "code": "52", "periode": "2025", "dimension": "Jeunes", "valeur": 20.0 / 215, "numerateur": 20, "denominateur": 215},
		{"niveau": "region", "code": "52", "periode": "2025", "dimension": "Femmes", "valeur": 70.0 / 215, "numerateur": 70, "denominateur": 215},
		{"niveau": "region", "code": "52", "periode": "2025", "dimension": "Seniors", "valeur": 0, "numerateur": 0, "denominateur": 215},
		// 44: 200 visits (p1 180 + p3 20).
		{"niveau": "departement", "code": "44", "periode": "2025", "dimension": "Jeunes", "valeur": 0.1, "numerateur": 20, "denominateur": 200},
		{"niveau": "departement", "code": "44", "periode": "2025", "dimension": "Femmes", "valeur": 0.35, "numerateur": 70, "denominateur": 200},
		// 49: p4's "< 5" women count 0 of 10.
		{"niveau": "departement", "code": "49", "periode": "2025", "dimension": "Femmes", "valeur": 0, "numerateur": 0, "denominateur": 10},
		{"niveau": "epci", "code": "244400404", "periode": "2025", "dimension": "Jeunes", "valeur": 20.0 / 180, "numerateur": 20, "denominateur": 180},
		{"niveau": "epci", "code": "244400404", "periode": "2025", "dimension": "Femmes", "valeur": 60.0 / 180, "numerateur": 60, "denominateur": 180},
		{"niveau": "epci", "code": "244400537", "periode": "2025", "dimension": "Femmes", "valeur": 0.5, "numerateur": 10, "denominateur": 20},
		{"niveau": "epci", "code": "244900015", "periode": "2025", "dimension": "Femmes", "valeur": 0, "numerateur": 0, "denominateur": 10},
	}}
	compare(t, def, got, want)
}
