package indicators_test

// Tests of the indicators of the theme "Information géographique" on a
// fixture release of the GEOPAL catalogue, against values worked out by hand
// (the arithmetic is in the comments).

import "testing"

// fiches: five records of the GEOPAL catalogue, published on 2025-07-01
// (the reference date of the age indicator).
//
//	id  type     organisation  thèmes ISO                 licence          last revision (age on 2025-07-01)  WFS  WMS  download
//	g1  dataset  DREAL         environment, inlandWaters  etalab-2.0       revision 2024-07-01 (365 days)     url  —    WWW:DOWNLOAD
//	g2  dataset  DREAL         environment                cc-by-nc-sa-4.0  publication 2023-07-01 (731 days:  —    OGC:WMS resource
//	                                                                       366 up to 2024-07-01, 2024 is leap, + 365)
//	g3  series   Région        —                          —                creation 2025-01-01 (181 days:     —    —    —
//	                                                                       31+28+31+30+31+30)
//	g4  service  Région        —                          odc-odbl         revision 2025-06-30 (1 day)        —    url  —
//	g5  dataset  —             transportation             etalab-1.0       no date                            —    —    —
var fiches = fixture{
	dataset: "geopal-catalogue",
	schema:  "fiche-metadonnees",
	release: "20250701T000000Z-0003",
	csv: `
identifier,title,hierarchy_level,organisation,topic_category,licence_id,revision_date,publication_date,creation_date,wfs_url,wms_url,online_resources
g1,Cours d'eau,dataset,DREAL,environment|inlandWaters,etalab-2.0,2024-07-01,,2010-01-01,https://geo.example/wfs,,"[{""url"":""https://geo.example/g1.zip"",""protocol"":""WWW:DOWNLOAD-1.0-http--download""}]"
g2,Zones humides,dataset,DREAL,environment,cc-by-nc-sa-4.0,,2023-07-01,,,,"[{""url"":""https://geo.example/wms"",""protocol"":""OGC:WMS""},{""url"":""https://geo.example/fiche"",""protocol"":""WWW:LINK-1.0-http--link""}]"
g3,Orthophotographies,series,Région,,,,,2025-01-01,,,
g4,Service de visualisation,service,Région,,odc-odbl,2025-06-30,,,,https://geo.example/wms,
g5,Routes,dataset,,transportation,etalab-1.0,,,,,,
`,
}

func TestGeopalFiches(t *testing.T) {
	st := publishAll(t, fiches)
	for _, tc := range []struct {
		id   string
		want expectation
	}{
		// By type: 3 datasets (g1 g2 g5), 1 series, 1 service; Ensemble 5.
		{"geopal-fiches-par-type", expectation{total: 4, rows: []row{
			{"niveau": "region", "code": "52", "libelle": "Pays de la Loire", "dimension": "Ensemble", "valeur": 5},
			{"niveau": "region", "code": "52", "dimension": "Jeu de données", "valeur": 3},
			{"niveau": "region", "code": "52", "dimension": "Série de données", "valeur": 1},
			{"niveau": "region", "code": "52", "dimension": "Service", "valeur": 1},
		}}},
		// By organisation: DREAL g1 g2, Région g3 g4, none g5.
		{"geopal-fiches-par-organisation", expectation{total: 4, rows: []row{
			{"niveau": "region", "code": "52", "dimension": "Ensemble", "valeur": 5},
			{"niveau": "region", "code": "52", "dimension": "DREAL", "valeur": 2},
			{"niveau": "region", "code": "52", "dimension": "Région", "valeur": 2},
			{"niveau": "region", "code": "52", "dimension": "Organisation non renseignée", "valeur": 1},
		}}},
		// By theme: environment g1 g2; inlandWaters g1; transportation g5;
		// none g3 g4; Ensemble 5 (g1 counts in two themes).
		{"geopal-fiches-par-theme", expectation{total: 5, rows: []row{
			{"niveau": "region", "code": "52", "dimension": "Ensemble", "valeur": 5},
			{"niveau": "region", "code": "52", "dimension": "Environnement", "valeur": 2},
			{"niveau": "region", "code": "52", "dimension": "Eaux intérieures", "valeur": 1},
			{"niveau": "region", "code": "52", "dimension": "Transports", "valeur": 1},
			{"niveau": "region", "code": "52", "dimension": "Thème non renseigné", "valeur": 2},
		}}},
		// Services, over datasets and series only (g1 g2 g3 g5 = 4): WFS g1
		// (url) 1/4; WMS g2 (OGC:WMS resource) 1/4; download g1 1/4; at least
		// one g1 g2 2/4. g4's WMS url does not count: it is a service record.
		{"geopal-part-services", expectation{total: 4, rows: []row{
			{"niveau": "region", "code": "52", "dimension": "Service WFS", "valeur": 0.25, "numerateur": 1, "denominateur": 4},
			{"niveau": "region", "code": "52", "dimension": "Service WMS", "valeur": 0.25, "numerateur": 1, "denominateur": 4},
			{"niveau": "region", "code": "52", "dimension": "Téléchargement direct", "valeur": 0.25, "numerateur": 1, "denominateur": 4},
			{"niveau": "region", "code": "52", "dimension": "Au moins un des trois", "valeur": 0.5, "numerateur": 2, "denominateur": 4},
		}}},
		// Open licence: g1 (etalab-2.0), g4 (ODbL), g5 (etalab-1.0) = 3/5;
		// g2 is NC, g3 has none. DREAL 1/2, Région 1/2, none 1/1.
		{"geopal-part-licence-ouverte", expectation{total: 4, rows: []row{
			{"niveau": "region", "code": "52", "dimension": "Ensemble", "valeur": 0.6, "numerateur": 3, "denominateur": 5},
			{"niveau": "region", "code": "52", "dimension": "DREAL", "valeur": 0.5, "numerateur": 1, "denominateur": 2},
			{"niveau": "region", "code": "52", "dimension": "Région", "valeur": 0.5, "numerateur": 1, "denominateur": 2},
			{"niveau": "region", "code": "52", "dimension": "Organisation non renseignée", "valeur": 1, "numerateur": 1, "denominateur": 1},
		}}},
		// Age: dated records g1 365, g2 731, g3 181, g4 1 days; sorted 1 181
		// 365 731, median (181 + 365) / 2 = 273 days = 273 / 365.25 years.
		// DREAL: (365 + 731) / 2 = 548 days; Région: (1 + 181) / 2 = 91 days;
		// g5 (no organisation) has no date, so no row for it.
		{"geopal-age-revision", expectation{total: 3, rows: []row{
			{"niveau": "region", "code": "52", "dimension": "Ensemble", "valeur": 273 / 365.25, "fiches": 4, "date_reference": "2025-07-01"},
			{"niveau": "region", "code": "52", "dimension": "DREAL", "valeur": 548 / 365.25, "fiches": 2},
			{"niveau": "region", "code": "52", "dimension": "Région", "valeur": 91 / 365.25, "fiches": 2},
		}}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			def := embeddedDef(t, tc.id)
			compare(t, def, compute(t, st, def), tc.want)
		})
	}
}
