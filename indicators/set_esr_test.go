package indicators_test

// Tests of the indicators of the theme "Enseignement supérieur et
// recherche" on fixture releases, against values worked out by hand (the
// arithmetic is in the comments).

import "testing"

// publications: six HAL deposits. Institutions: 1100589 and 93263 are
// Nantes Université, 24140 Université d'Angers, 1041 Centrale Nantes;
// 99999 is a laboratory that is not an institution.
//
//	docid  year  structures        open access                     discipline
//	1      2023  1100589, 24140    yes                             info
//	2      2023  93263             no                              shs
//	3      2023  99999             yes                             —
//	4      2024  24140, 1041       unknown (counts as closed)      info
//	5      —     1041              yes   (no year: left out)       spi
//	6      2024  1100589, 93263    yes   (Nantes Université once)  spi
var publications = fixture{
	dataset: "hal-publications",
	schema:  "publication-hal",
	release: "20250801T000000Z-0004",
	csv: `
docid,hal_id,title,doc_type,publication_year,structures,url,open_access,discipline_code,discipline,modified
1,hal-00000001,Premier article,ART,2023,1100589|24140,https://hal.example/hal-00000001,true,info,Informatique,2024-01-01T00:00:00Z
2,hal-00000002,Deuxième article,ART,2023,93263,https://hal.example/hal-00000002,false,shs,Sciences humaines et sociales,2024-01-01T00:00:00Z
3,hal-00000003,Troisième article,COMM,2023,99999,https://hal.example/hal-00000003,true,,,2024-01-01T00:00:00Z
4,hal-00000004,Quatrième article,ART,2024,24140|1041,https://hal.example/hal-00000004,,info,Informatique,2024-01-01T00:00:00Z
5,hal-00000005,Sans année,ART,,1041,https://hal.example/hal-00000005,true,spi,Sciences de l'ingénieur,2024-01-01T00:00:00Z
6,hal-00000006,Sixième article,ART,2024,1100589|93263,https://hal.example/hal-00000006,true,spi,Sciences de l'ingénieur,2024-01-01T00:00:00Z
`,
}

func TestHal(t *testing.T) {
	st := publishAll(t, publications)
	const nantes, angers, centrale = "Nantes Université", "Université d'Angers", "École Centrale de Nantes"
	for _, tc := range []struct {
		id   string
		want expectation
	}{
		// 2023: Ensemble 1 2 3 = 3; Nantes 1 2 = 2; Angers 1 = 1.
		// 2024: Ensemble 4 6 = 2; Angers 4; Centrale 4; Nantes 6 (once).
		{"hal-publications-par-etablissement", expectation{total: 7, rows: []row{
			{"niveau": "region", "code": "52", "periode": "2023", "dimension": "Ensemble", "valeur": 3},
			{"niveau": "region", "code": "52", "periode": "2023", "dimension": nantes, "valeur": 2},
			{"niveau": "region", "code": "52", "periode": "2023", "dimension": angers, "valeur": 1},
			{"niveau": "region", "code": "52", "periode": "2024", "dimension": "Ensemble", "valeur": 2},
			{"niveau": "region", "code": "52", "periode": "2024", "dimension": angers, "valeur": 1},
			{"niveau": "region", "code": "52", "periode": "2024", "dimension": centrale, "valeur": 1},
			{"niveau": "region", "code": "52", "periode": "2024", "dimension": nantes, "valeur": 1},
		}}},
		// Open: 2023 Ensemble 1 3 of 3; Nantes 1 of 1 2; Angers 1 of 1.
		// 2024 Ensemble 6 of 4 6; Angers 0/1 (4 unknown = closed); Centrale
		// 0/1; Nantes 1/1.
		{"hal-part-acces-ouvert", expectation{total: 7, rows: []row{
			{"niveau": "region", "code": "52", "periode": "2023", "dimension": "Ensemble", "valeur": 2.0 / 3, "numerateur": 2, "denominateur": 3},
			{"niveau": "region", "code": "52", "periode": "2023", "dimension": nantes, "valeur": 0.5, "numerateur": 1, "denominateur": 2},
			{"niveau": "region", "code": "52", "periode": "2023", "dimension": angers, "valeur": 1, "numerateur": 1, "denominateur": 1},
			{"niveau": "region", "code": "52", "periode": "2024", "dimension": "Ensemble", "valeur": 0.5, "numerateur": 1, "denominateur": 2},
			{"niveau": "region", "code": "52", "periode": "2024", "dimension": angers, "valeur": 0, "numerateur": 0, "denominateur": 1},
			{"niveau": "region", "code": "52", "periode": "2024", "dimension": centrale, "valeur": 0, "numerateur": 0, "denominateur": 1},
			{"niveau": "region", "code": "52", "periode": "2024", "dimension": nantes, "valeur": 1, "numerateur": 1, "denominateur": 1},
		}}},
		// By discipline, each deposit once: 2023 Ensemble 3 (open 1 3: 2/3),
		// Informatique 1 (open), SHS 1 (closed), none 3 (open); 2024 Ensemble
		// 2 (open 6: 1/2), Informatique 4 (closed), Sciences de l'ingénieur 6
		// (open).
		{"hal-publications-par-discipline", expectation{total: 7, rows: []row{
			{"niveau": "region", "code": "52", "periode": "2023", "dimension": "Ensemble", "valeur": 3, "en_acces_ouvert": 2, "part_acces_ouvert": 2.0 / 3},
			{"niveau": "region", "code": "52", "periode": "2023", "dimension": "Informatique", "valeur": 1, "en_acces_ouvert": 1, "part_acces_ouvert": 1},
			{"niveau": "region", "code": "52", "periode": "2023", "dimension": "Sciences humaines et sociales", "valeur": 1, "en_acces_ouvert": 0, "part_acces_ouvert": 0},
			{"niveau": "region", "code": "52", "periode": "2023", "dimension": "Discipline non renseignée", "valeur": 1, "en_acces_ouvert": 1, "part_acces_ouvert": 1},
			{"niveau": "region", "code": "52", "periode": "2024", "dimension": "Ensemble", "valeur": 2, "en_acces_ouvert": 1, "part_acces_ouvert": 0.5},
			{"niveau": "region", "code": "52", "periode": "2024", "dimension": "Informatique", "valeur": 1, "en_acces_ouvert": 0, "part_acces_ouvert": 0},
			{"niveau": "region", "code": "52", "periode": "2024", "dimension": "Sciences de l'ingénieur", "valeur": 1, "en_acces_ouvert": 1, "part_acces_ouvert": 1},
		}}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			def := embeddedDef(t, tc.id)
			compare(t, def, compute(t, st, def), tc.want)
		})
	}
}

// etudiants: commune-level headcounts of the atlas, by sex.
//
//	commune         year     regroupement  Feminin  Masculin
//	Nantes 44109    2022-23  TOTAL             100        80   = 180
//	Nantes 44109    2022-23  UNIV               50        30   =  80
//	Nantes 44109    2023-24  TOTAL             110        90   = 200
//	Nantes 44109    2023-24  UNIV               55        35   =  90
//	Angers 49007    2022-23  TOTAL              60         —   =  60 (incomplete)
//	Angers 49007    2023-24  TOTAL              70        50   = 120
//	Carquefou 44026 2023-24  TOTAL              10        10   =  20 (no 2022-23)

var etudiants = fixture{
	dataset: "esr-effectifs-etudiants",
	schema:  "effectifs-etudiants",
	release: "20250901T000000Z-0005",
	csv: `
annee_universitaire,rentree,niveau_geographique,geo_id,geo_nom,regroupement,sexe_de_l_etudiant,effectif
2022-23,2022,Commune,44109,Nantes,TOTAL,Feminin,100
2022-23,2022,Commune,44109,Nantes,TOTAL,Masculin,80
2022-23,2022,Commune,44109,Nantes,UNIV,Feminin,50
2022-23,2022,Commune,44109,Nantes,UNIV,Masculin,30
2023-24,2023,Commune,44109,Nantes,TOTAL,Feminin,110
2023-24,2023,Commune,44109,Nantes,TOTAL,Masculin,90
2023-24,2023,Commune,44109,Nantes,UNIV,Feminin,55
2023-24,2023,Commune,44109,Nantes,UNIV,Masculin,35
2022-23,2022,Commune,49007,Angers,TOTAL,Feminin,60
2023-24,2023,Commune,49007,Angers,TOTAL,Feminin,70
2023-24,2023,Commune,49007,Angers,TOTAL,Masculin,50
2023-24,2023,Commune,44026,Carquefou,TOTAL,Feminin,10
2023-24,2023,Commune,44026,Carquefou,TOTAL,Masculin,10
`,
}

func TestEtudiantsEffectifs(t *testing.T) {
	def := embeddedDef(t, "etudiants-effectifs")
	got := compute(t, publishAll(t, communes, etudiants), def)
	// Sums over both sexes, incomplete cells included as they are. Rows:
	// communes 7 (Nantes 4, Angers 2, Carquefou 1), EPCI 6 (4 + 2),
	// départements 6 (4 + 2), région 4 = 23, all listed.
	const univ = "Universités"
	want := expectation{total: 23, rows: []row{
		// communes
		{"niveau": "commune", "code": "44109", "libelle": "Nantes", "periode": "2022-23", "dimension": "Ensemble", "valeur": 180},
		{"niveau": "commune", "code": "44109", "periode": "2022-23", "dimension": univ, "valeur": 80},
		{"niveau": "commune", "code": "44109", "periode": "2023-24", "dimension": "Ensemble", "valeur": 200},
		{"niveau": "commune", "code": "44109", "periode": "2023-24", "dimension": univ, "valeur": 90},
		{"niveau": "commune", "code": "49007", "periode": "2022-23", "dimension": "Ensemble", "valeur": 60},
		{"niveau": "commune", "code": "49007", "periode": "2023-24", "dimension": "Ensemble", "valeur": 120},
		{"niveau": "commune", "code": "44026", "periode": "2023-24", "dimension": "Ensemble", "valeur": 20},
		// Nantes Métropole (Nantes + Carquefou): 180; 200 + 20 = 220; UNIV 80, 90.
		{"niveau": "epci", "code": "244400404", "periode": "2022-23", "dimension": "Ensemble", "valeur": 180},
		{"niveau": "epci", "code": "244400404", "periode": "2023-24", "dimension": "Ensemble", "valeur": 220},
		{"niveau": "epci", "code": "244400404", "periode": "2023-24", "dimension": univ, "valeur": 90},
		{"niveau": "epci", "code": "244400404", "periode": "2022-23", "dimension": univ, "valeur": 80},
		// Angers Loire Métropole: 60; 120.
		{"niveau": "epci", "code": "244900015", "periode": "2022-23", "dimension": "Ensemble", "valeur": 60},
		{"niveau": "epci", "code": "244900015", "periode": "2023-24", "dimension": "Ensemble", "valeur": 120},
		// 44 = Nantes Métropole here; 49 = Angers.
		{"niveau": "departement", "code": "44", "periode": "2022-23", "dimension": "Ensemble", "valeur": 180},
		{"niveau": "departement", "code": "44", "periode": "2023-24", "dimension": "Ensemble", "valeur": 220},
		{"niveau": "departement", "code": "49", "periode": "2023-24", "dimension": "Ensemble", "valeur": 120},
		// région: 180 + 60 = 240; 220 + 120 = 340.
		{"niveau": "region", "code": "52", "periode": "2022-23", "dimension": "Ensemble", "valeur": 240},
		{"niveau": "region", "code": "52", "periode": "2023-24", "dimension": "Ensemble", "valeur": 340},
		{"niveau": "departement", "code": "44", "periode": "2022-23", "dimension": univ, "valeur": 80},
		{"niveau": "departement", "code": "44", "periode": "2023-24", "dimension": univ, "valeur": 90},
		{"niveau": "departement", "code": "49", "periode": "2022-23", "dimension": "Ensemble", "valeur": 60},
		{"niveau": "region", "code": "52", "periode": "2022-23", "dimension": univ, "valeur": 80},
		{"niveau": "region", "code": "52", "periode": "2023-24", "dimension": univ, "valeur": 90},
	}}
	compare(t, def, got, want)
}

func TestEtudiantsEvolution(t *testing.T) {
	def := embeddedDef(t, "etudiants-evolution")
	got := compute(t, publishAll(t, communes, etudiants), def)
	// Complete in both years: Nantes TOTAL (180 → 200) and UNIV (80 → 90).
	// Angers 2022-23 lacks a sex (left out), Carquefou has no 2022-23.
	// Growth: 200 / 180 − 1 = 1/9; 90 / 80 − 1 = 0.125. Same figures for
	// Nantes Métropole, 44 and the région; none for 49.
	want := expectation{total: 6}
	for _, t := range [][2]string{{"epci", "244400404"}, {"departement", "44"}, {"region", "52"}} {
		want.rows = append(want.rows,
			row{"niveau": t[0], "code": t[1], "periode": "2023-24", "dimension": "Ensemble", "valeur": 1.0 / 9, "effectif": 200, "effectif_annee_precedente": 180},
			row{"niveau": t[0], "code": t[1], "periode": "2023-24", "dimension": "Universités", "valeur": 0.125, "effectif": 90, "effectif_annee_precedente": 80})
	}
	compare(t, def, got, want)
}

// insertion: rows of the master's employment survey (taux in %).
//
//	year  university (UAI)             discipline                 situation  answers  rate
//	2020  Angers 0490970N              disc02 Droit               30 mois        100    90
//	2020  Angers                       disc04 Gestion             30 mois        300    80
//	2020  Angers                       disc01 Ensemble DEG        30 mois        400  82.5  (aggregate: left out)
//	2020  Angers                       disc16 Informatique        18 mois         50    99  (18 months: left out)
//	2020  Angers                       disc13 SVT                 30 mois         20    ns  (secret: left out)
//	2020  Le Mans 0720916E             disc16 Informatique        30 mois        200    95
//	2021  Le Mans (Le Mans Université) disc16 Informatique        30 mois        100    85
//	2020  national (UNIV)              disc02 Droit               30 mois       1000    88
//	2020  national                     disc04 Gestion             30 mois       3000    86
//	2020  national                     disc01 Ensemble DEG        30 mois       4000  86.5  (aggregate: left out)
var insertion = fixture{
	dataset: "esr-insertion-professionnelle-master",
	schema:  "insertion-professionnelle-master",
	release: "20251001T000000Z-0006",
	csv: `
annee,diplome,numero_de_l_etablissement,etablissement,etablissementactuel,code_de_l_academie,academie,perimetre,code_du_domaine,code_de_la_discipline,discipline,situation,nombre_de_reponses,taux_dinsertion
2020,MASTER LMD,0490970N,Angers,Université d'Angers,A17,Nantes,etablissement,DEG,disc02,Droit,30 mois après le diplôme,100,90
2020,MASTER LMD,0490970N,Angers,Université d'Angers,A17,Nantes,etablissement,DEG,disc04,Gestion,30 mois après le diplôme,300,80
2020,MASTER LMD,0490970N,Angers,Université d'Angers,A17,Nantes,etablissement,DEG,disc01,"Ensemble formations juridiques, économiques et de gestion",30 mois après le diplôme,400,82.5
2020,MASTER LMD,0490970N,Angers,Université d'Angers,A17,Nantes,etablissement,STS,disc16,Informatique,18 mois après le diplôme,50,99
2020,MASTER LMD,0490970N,Angers,Université d'Angers,A17,Nantes,etablissement,STS,disc13,Sciences de la vie et de la terre,30 mois après le diplôme,20,ns
2020,MASTER LMD,0720916E,Le Mans,,A17,Nantes,etablissement,STS,disc16,Informatique,30 mois après le diplôme,200,95
2021,MASTER LMD,0720916E,Le Mans,Le Mans Université,A17,Nantes,etablissement,STS,disc16,Informatique,30 mois après le diplôme,100,85
2020,MASTER LMD,UNIV,Toutes universités et établissements assimilés,,,,national,DEG,disc02,Droit,30 mois après le diplôme,1000,88
2020,MASTER LMD,UNIV,Toutes universités et établissements assimilés,,,,national,DEG,disc04,Gestion,30 mois après le diplôme,3000,86
2020,MASTER LMD,UNIV,Toutes universités et établissements assimilés,,,,national,DEG,disc01,Ensemble formations juridiques,30 mois après le diplôme,4000,86.5
`,
}

func TestInsertionMasterTauxEmploi(t *testing.T) {
	def := embeddedDef(t, "insertion-master-taux-emploi")
	got := compute(t, publishAll(t, insertion), def)
	// 2020 Angers: (0.90 × 100 + 0.80 × 300) / 400 = (90 + 240) / 400 = 0.825.
	// 2020 Le Mans: 0.95 on 200 answers (named by its current name, given on
	// its 2021 row). 2020 Ensemble: (90 + 240 + 0.95 × 200) / 600 = 520 / 600.
	// 2021: Le Mans and Ensemble 0.85 on 100 answers. National reference
	// 2020: (0.88 × 1 000 + 0.86 × 3 000) / 4 000 = (880 + 2 580) / 4 000 =
	// 0.865, on every 2020 row; none in 2021.
	want := expectation{total: 5, rows: []row{
		{"niveau": "region", "code": "52", "periode": "2020", "dimension": "Ensemble", "valeur": 520.0 / 600, "reponses": 600, "reference": 0.865},
		{"niveau": "region", "code": "52", "periode": "2020", "dimension": "Université d'Angers", "valeur": 0.825, "reponses": 400, "reference": 0.865},
		{"niveau": "region", "code": "52", "periode": "2020", "dimension": "Le Mans Université", "valeur": 0.95, "reponses": 200, "reference": 0.865},
		{"niveau": "region", "code": "52", "periode": "2021", "dimension": "Ensemble", "valeur": 0.85, "reponses": 100, "reference": nil},
		{"niveau": "region", "code": "52", "periode": "2021", "dimension": "Le Mans Université", "valeur": 0.85, "reponses": 100},
	}}
	compare(t, def, got, want)
}
