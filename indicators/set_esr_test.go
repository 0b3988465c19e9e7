package indicators_test

// Tests of the indicators of the theme "Enseignement supérieur et
// recherche" on fixture releases, against values worked out by hand (the
// arithmetic is in the comments).

import "testing"

// publications: six HAL deposits. Institutions: 1100589 and 93263 are
// Nantes Université, 24140 Université d'Angers, 1041 Centrale Nantes;
// 99999 is a laboratory that is not an institution.
//
//	docid  year  structures        open access
//	1      2023  1100589, 24140    yes
//	2      2023  93263             no
//	3      2023  99999             yes
//	4      2024  24140, 1041       unknown (counts as closed)
//	5      —     1041              yes   (no year: left out)
//	6      2024  1100589, 93263    yes   (Nantes Université once)
var publications = fixture{
	dataset: "hal-publications",
	schema:  "publication-hal",
	release: "20250801T000000Z-0004",
	csv: `
docid,hal_id,title,doc_type,publication_year,structures,url,open_access,modified
1,hal-00000001,Premier article,ART,2023,1100589|24140,https://hal.example/hal-00000001,true,2024-01-01T00:00:00Z
2,hal-00000002,Deuxième article,ART,2023,93263,https://hal.example/hal-00000002,false,2024-01-01T00:00:00Z
3,hal-00000003,Troisième article,COMM,2023,99999,https://hal.example/hal-00000003,true,2024-01-01T00:00:00Z
4,hal-00000004,Quatrième article,ART,2024,24140|1041,https://hal.example/hal-00000004,,2024-01-01T00:00:00Z
5,hal-00000005,Sans année,ART,,1041,https://hal.example/hal-00000005,true,2024-01-01T00:00:00Z
6,hal-00000006,Sixième article,ART,2024,1100589|93263,https://hal.example/hal-00000006,true,2024-01-01T00:00:00Z
`,
}

func TestHal(t *testing.T) {
	public := publishAll(t, publications)
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
	} {
		t.Run(tc.id, func(t *testing.T) {
			def := embeddedDef(t, tc.id)
			compare(t, def, compute(t, public, def), tc.want)
		})
	}
}
