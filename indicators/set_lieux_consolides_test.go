package indicators_test

// Test of the consolidated table of places of digital inclusion on fixture
// releases of its two sources: each rule that counts a place once, and the
// places it must leave apart, with the result worked out by hand.

import "testing"

// Export (national schema) and PiNG places, communes of the fixture
// reference table. Distances: 0.00027° of latitude is 30.0 m and 0.00063°
// is 70.1 m (1° = 6 371 000 × π / 180 = 111 195 m); 0.009° is 1 km.
//
//	export                                         PiNG
//	pdl-a1 11111111111111 Espace numérique…  44109  ping-1 same SIRET, other name, 1.3 km  → rule 1 (pivot)
//	pdl-a2 22222222222222 Médiathèque Jacques Demy  ping-2 other SIRET, "MÉDIATHÈQUE  JACQUES-DEMY", 1 km → rule 2
//	pdl-a3 33333333333333 Fablab de Carquefou 44026 ping-3 other SIRET and name, 30 m → rule 3 (distance)
//	pdl-a4 44444444444444 Cyber-base Abbaretz 44001 ping-4 same name but commune 49002 → apart
//	                                                ping-6 other name, 70 m from pdl-a4 → apart (> 50 m)
//	pdl-a5 55555555555555 Bibliothèque Nord   49007 ping-5 SIRET 555… shared by pdl-a5 and pdl-a6 in the
//	pdl-a6 55555555555555 Bibliothèque Sud    49007        export: no pivot match; 0 m from pdl-a5 → rule 3
//
// 6 + 6 places, 4 pairs: 12 − 4 = 8 consolidated places. The export was
// published on 2025-06-01 (its source field says "Région"), PiNG's map on
// 2025-05-20 ("PiNG"): a paired place keeps the later date_maj, with the
// source and the publication day of the listing that date comes from.
var lieuxExport = fixture{
	dataset: "lieux-mediation-numerique-pdl",
	schema:  "lieux-mediation-numerique",
	release: "20250601T000000Z-0001",
	csv: `
id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,typologie,date_maj,source
pdl-a1,11111111111111,Espace numérique du Centre,Nantes,44000,44109,1 rue A,47.2184,-1.5536,EPN,2025-01-10,Région
pdl-a2,22222222222222,Médiathèque Jacques Demy,Nantes,44000,44109,2 rue B,47.21,-1.56,BIB,2025-02-10,Région
pdl-a3,33333333333333,Fablab de Carquefou,Carquefou,44470,44026,3 rue C,47.297,-1.491,FABLAB,2025-03-10,Région
pdl-a4,44444444444444,Cyber-base Abbaretz,Abbaretz,44170,44001,4 rue D,47.553,-1.533,EPN,2025-04-10,Région
pdl-a5,55555555555555,Bibliothèque Nord,Angers,49000,49007,5 rue E,47.48,-0.55,BIB,2025-05-10,Région
pdl-a6,55555555555555,Bibliothèque Sud,Angers,49000,49007,6 rue F,47.45,-0.56,BIB,2025-05-30,Région
`,
}

var lieuxPing = fixture{
	dataset: "ping-lieux-mediation",
	schema:  "lieux-mediation-numerique",
	release: "20250520T040000Z-0002",
	csv: `
id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,typologie,date_maj,source
ping-1,11111111111111,EPN du centre-ville,Nantes,44000,44109,1 rue A,47.23,-1.55,EPN,2025-05-01,PiNG
ping-2,99999999999999,MÉDIATHÈQUE  JACQUES-DEMY,Nantes,44000,44109,2 rue B,47.219,-1.56,,2024-12-01,PiNG
ping-3,88888888888888,Atelier numérique,Carquefou,44470,44026,3 rue C,47.29727,-1.491,FABLAB,2025-03-10,PiNG
ping-4,77777777777777,Cyber-base Abbaretz,Bourg-Rural,49290,49002,8 rue H,47.3,-0.7,EPN,2025-01-01,PiNG
ping-5,55555555555555,Espace multimédia,Angers,49000,49007,5 rue E,47.48,-0.55,,2025-01-01,PiNG
ping-6,66666666666666,Tiers-lieu du bourg,Abbaretz,44170,44001,9 rue I,47.55363,-1.533,TIERS_LIEUX,2025-01-01,PiNG
`,
}

func TestLieuxConsolides(t *testing.T) {
	st := publishAll(t, communes, lieuxExport, lieuxPing)
	def := embeddedDef(t, "lieux-mediation-numerique-consolides")
	const e, p = "lieux-mediation-numerique-pdl:", "ping-lieux-mediation:"
	const fromExport, fromPing = "2025-06-01", "2025-05-20" // publication days of the two releases
	compare(t, def, compute(t, st, def), expectation{total: 8, rows: []row{
		{"niveau": "commune", "code": "44001", "dimension": "pdl-a4", "libelle": "Abbaretz", "regle": "une seule source", "sources": e + "pdl-a4", "nombre_sources": 1, "valeur": 1,
			"date_maj": "2025-04-10", "source": "Région", "date_publication": fromExport},
		{"niveau": "commune", "code": "44001", "dimension": "ping-6", "regle": "une seule source", "sources": p + "ping-6", "nombre_sources": 1,
			"date_maj": "2025-01-01", "source": "PiNG", "date_publication": fromPing},
		// A tie (2025-03-10 both): the export's source and publication.
		{"niveau": "commune", "code": "44026", "dimension": "pdl-a3", "regle": "distance", "sources": e + "pdl-a3|" + p + "ping-3", "nombre_sources": 2,
			"date_maj": "2025-03-10", "source": "Région", "date_publication": fromExport},
		// The export's name and position prevail; PiNG's later date wins,
		// with its source and publication day.
		{"niveau": "commune", "code": "44109", "dimension": "pdl-a1", "regle": "pivot", "nom": "Espace numérique du Centre", "latitude": 47.2184, "sources": e + "pdl-a1|" + p + "ping-1", "nombre_sources": 2,
			"date_maj": "2025-05-01", "source": "PiNG", "date_publication": fromPing},
		// PiNG has no typology for ping-2: the export's is kept, and its
		// later date.
		{"niveau": "commune", "code": "44109", "dimension": "pdl-a2", "regle": "nom et commune", "typologie": "BIB", "sources": e + "pdl-a2|" + p + "ping-2", "nombre_sources": 2,
			"date_maj": "2025-02-10", "source": "Région", "date_publication": fromExport},
		{"niveau": "commune", "code": "49002", "dimension": "ping-4", "libelle": "Bourg-Rural", "regle": "une seule source", "sources": p + "ping-4", "nombre_sources": 1},
		{"niveau": "commune", "code": "49007", "dimension": "pdl-a5", "regle": "distance", "sources": e + "pdl-a5|" + p + "ping-5", "nombre_sources": 2,
			"date_maj": "2025-05-10", "source": "Région", "date_publication": fromExport},
		{"niveau": "commune", "code": "49007", "dimension": "pdl-a6", "regle": "une seule source", "sources": e + "pdl-a6", "nombre_sources": 1},
	}})
}
