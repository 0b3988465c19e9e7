//go:build ignore

// gen writes the recorded GetRecords answers of GEOPAL's CSW used by the
// geopal-catalogue pipeline: three pages of ISO 19139 metadata sheets,
// shaped on the GeoNetwork answers kept in /work/shared/samples/csw/, and
// their replay meta files, whose request_body_sha256 is the hash of the
// exact body the csw connector sends (csw.GetRecordsBody). Run it from the
// repository root:
//
//	go run testdata/replay/geopal-csw/gen.go
//
// It is deterministic: the same source gives the same bytes.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/text/encoding/charmap"

	"github.com/ligerdata/ligerdata/connectors/csw"
)

const (
	dir      = "testdata/replay/geopal-csw"
	endpoint = "https://www.geopal.org/geonetwork/srv/fre/csw"
	pageSize = 10 // page_size of pipelines/geopal-catalogue.yaml
	catalog  = "https://www.geopal.org/geonetwork/srv/fre/catalog.search#/metadata/"
	ows      = "https://www.geopal.org/geoserver/ows"
)

type link struct{ url, protocol, name, desc string }

type sheet struct {
	title, abstract, org, email, role string
	level                             string // MD_ScopeCode
	dates                             [][2]string
	stamp                             string
	keywords                          []string
	thesaurus                         [][2]string // keyword, thesaurus title
	topics                            []string
	freq                              string
	box                               [4]string // west, east, south, north as written
	limitation, other                 []string
	access                            string
	layer                             string // workspace:layer for WFS/WMS, "" for none
	wmsOnly                           bool
	download                          string
	charset                           string // gmd:characterSet codeListValue
	service                           bool   // srv:SV_ServiceIdentification
}

// Bounding boxes in degrees (WGS 84) of the areas the sheets cover.
var (
	region = [4]string{"-2.6237", "0.9166", "46.2667", "48.5679"}
	dep44  = [4]string{"-2.5581", "-0.9316", "46.8603", "47.8338"}
	dep49  = [4]string{"-1.3546", "0.2339", "46.9693", "47.8097"}
	dep53  = [4]string{"-1.2384", "-0.0496", "47.7342", "48.5679"}
	dep72  = [4]string{"-0.4475", "0.9166", "47.5693", "48.4853"}
	dep85  = [4]string{"-2.3989", "-0.5376", "46.2667", "47.0838"}
	nantes = [4]string{"-1.8329", "-1.3371", "47.0829", "47.3256"}
	briere = [4]string{"-2.4661", "-2.0558", "47.2572", "47.4843"}
)

const (
	lo2     = "Licence Ouverte version 2.0 (Etalab) : https://www.etalab.gouv.fr/licence-ouverte-open-licence"
	lo1     = "Licence Ouverte 1.0 http://www.data.gouv.fr/Licence-Ouverte-Open-Licence."
	odbl    = "Open Database License (ODbL) 1.0 : https://opendatacommons.org/licenses/odbl/1-0/"
	ccby    = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
	noLimit = "Pas de restriction d'accès public selon INSPIRE"
	ign     = "Mentionner la source : © IGN BD TOPO®, traitement Région Pays de la Loire"
)

var sheets = []sheet{
	{title: "Zones humides inventoriées en Loire-Atlantique", org: "DDTM de Loire-Atlantique", email: "ddtm-sig@loire-atlantique.gouv.example", role: "pointOfContact",
		abstract: "Inventaire communal des zones humides réalisé dans le cadre des SAGE (Estuaire de la Loire, Vilaine, Logne-Boulogne-Ognon-Grand Lieu), validé par les commissions locales de l'eau. Délimitation selon les critères de l'arrêté du 24 juin 2008 modifié.",
		dates:    [][2]string{{"2014-06-12", "creation"}, {"2023-09-18", "revision"}}, stamp: "2023-09-19T10:12:44",
		keywords: []string{"zones humides", "SAGE", "eau"}, thesaurus: [][2]string{{"Hydrographie", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"inlandWaters", "environment"}, freq: "irregular", box: dep44,
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "ddtm44:zones_humides_44"},
	{title: "Périmètres de protection des captages d'eau potable en Pays de la Loire", org: "ARS Pays de la Loire", email: "ars-pdl-sante-environnement@ars.sante.example", role: "owner",
		abstract: "Périmètres de protection immédiate, rapprochée et éloignée des captages d'eau destinée à la consommation humaine, déclarés d'utilité publique par arrêté préfectoral.",
		dates:    [][2]string{{"2011-03-01", "creation"}, {"2024-01-15", "revision"}}, stamp: "2024-01-16T08:30:00",
		keywords: []string{"captage", "eau potable", "servitude AS1"}, thesaurus: [][2]string{{"Zones de gestion, de restriction ou de réglementation et unités de déclaration", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"health", "inlandWaters"}, freq: "asNeeded", box: region,
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "ars:perimetres_captages"},
	{title: "Itinéraires cyclables régionaux (La Loire à Vélo, Vélodyssée, Vélo Francette)", org: "Région Pays de la Loire", email: "sig@paysdelaloire.example", role: "owner",
		abstract: "Tracés des véloroutes et voies vertes d'intérêt régional et national traversant les Pays de la Loire, avec leur statut d'aménagement (voie verte, bande cyclable, route partagée).",
		dates:    [][2]string{{"2016-04-20", "creation"}, {"2024-05-02", "revision"}}, stamp: "2024-05-03T14:02:11",
		keywords: []string{"vélo", "véloroute", "tourisme"}, thesaurus: [][2]string{{"Réseaux de transport", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"transportation"}, freq: "annually", box: region,
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "region:itineraires_cyclables"},
	{title: "Plan local d'urbanisme métropolitain de Nantes Métropole", org: "Nantes Métropole", email: "sig@nantesmetropole.example", role: "pointOfContact",
		abstract: "Zonage, prescriptions et informations du PLUm de Nantes Métropole approuvé le 5 avril 2019, au standard CNIG PLU v2022.",
		dates:    [][2]string{{"2019-04-05", "publication"}, {"2024-11-22", "revision"}}, stamp: "2024-11-25T09:41:07+01:00",
		keywords: []string{"PLU", "urbanisme", "zonage"}, thesaurus: [][2]string{{"Usage des sols", "GEMET - INSPIRE themes, version 1.0"}, {"Aménagement Urbanisme/Zonages Planification", "Arborescence thématique de la COVADIS"}},
		topics: []string{"planningCadastre"}, freq: "asNeeded", box: nantes,
		limitation: []string{"Seul le document papier fait foi : il est consultable au siège de Nantes Métropole.", lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "nm:plum_zonage"},
	{title: "Bâtiments de la BD TOPO® en Pays de la Loire", org: "Région Pays de la Loire", email: "sig@paysdelaloire.example", role: "distributor",
		abstract: "Extraction régionale de la couche « bâtiment » de la BD TOPO® de l'IGN : emprise, hauteur, nombre d'étages, usage et date d'apparition des bâtiments.",
		dates:    [][2]string{{"2024-03-15", "publication"}}, stamp: "2024-04-02T11:00:00",
		keywords: []string{"bâtiment", "BD TOPO", "IGN"}, thesaurus: [][2]string{{"Bâtiments", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"structure"}, freq: "quarterly", box: region,
		limitation: []string{ign, lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "region:batiments_bdtopo", download: "batiments_bdtopo_pdl.zip"},
	{title: "Orthophotographie régionale 2022 à 20 cm", org: "Région Pays de la Loire", email: "sig@paysdelaloire.example", role: "owner",
		abstract: "Mosaïque d'orthophotographies en couleurs naturelles à 20 cm de résolution couvrant les cinq départements, acquise en partenariat avec l'IGN (PCRS image).",
		dates:    [][2]string{{"2022-08-31", "creation"}, {"2023-02-10", "publication"}}, stamp: "2023-02-10T16:25:53",
		keywords: []string{"orthophotographie", "image aérienne", "PCRS"}, thesaurus: [][2]string{{"Ortho-imagerie", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"imageryBaseMapsEarthCover"}, freq: "notPlanned", box: region,
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "region:ortho_2022", wmsOnly: true},
	{title: "ZNIEFF de type 1 en Pays de la Loire", org: "DREAL Pays de la Loire", email: "sig.dreal-pdl@developpement-durable.example", role: "owner",
		abstract: "Zones naturelles d'intérêt écologique, faunistique et floristique de type 1 (inventaire de deuxième génération), secteurs de superficie limitée abritant des espèces ou habitats remarquables.",
		dates:    [][2]string{{"2008-01-01", "creation"}, {"2024-06-30", "revision"}}, stamp: "2024-07-01T07:15:00",
		keywords: []string{"ZNIEFF", "biodiversité", "patrimoine naturel"}, thesaurus: [][2]string{{"Sites protégés", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"biota", "environment"}, freq: "annually", box: region,
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "dreal:znieff1"},
	{title: "Sites Natura 2000 : zones de protection spéciale (directive Oiseaux)", org: "DREAL Pays de la Loire", email: "sig.dreal-pdl@developpement-durable.example", role: "owner",
		abstract: "Périmètres des zones de protection spéciale (ZPS) désignées au titre de la directive 2009/147/CE « Oiseaux » dans la région, dont l'estuaire de la Loire et le marais poitevin.",
		dates:    [][2]string{{"2006-11-01", "creation"}, {"2023-12-12", "revision"}}, stamp: "2023-12-13T10:00:00",
		keywords: []string{"Natura 2000", "ZPS", "oiseaux"}, thesaurus: [][2]string{{"Sites protégés", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"environment"}, freq: "asNeeded", box: region,
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "dreal:n2000_zps"},
	{title: "Lycées publics et privés sous contrat des Pays de la Loire", org: "Région Pays de la Loire", email: "sig@paysdelaloire.example", role: "owner",
		abstract: "Localisation des lycées d'enseignement général, technologique, professionnel et agricole de la région, avec leur UAI, leur statut et leur capacité d'accueil.",
		dates:    [][2]string{{"2017-09-01", "creation"}, {"2024-09-02", "revision"}}, stamp: "2024-09-03T08:00:00",
		keywords: []string{"lycée", "éducation", "UAI"}, thesaurus: [][2]string{{"Services d'utilité publique et services publics", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"society"}, freq: "annually", box: region,
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "region:lycees", download: "lycees_pdl.csv"},
	{title: "Périmètres des EPCI à fiscalité propre au 1er janvier 2025", org: "Région Pays de la Loire", email: "sig@paysdelaloire.example", role: "owner",
		abstract: "Contours des 71 établissements publics de coopération intercommunale à fiscalité propre de la région, reconstitués à partir des limites communales d'ADMIN EXPRESS.",
		dates:    [][2]string{{"2025-01-01", "publication"}}, stamp: "2025-01-20T13:45:00",
		keywords: []string{"EPCI", "intercommunalité", "limites administratives"}, thesaurus: [][2]string{{"Unités administratives", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"boundaries"}, freq: "annually", box: region,
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "region:epci_2025"},
	{title: "PPRi Val d'Authion et Loire saumuroise", org: "DDT de Maine-et-Loire", email: "ddt-sig@maine-et-loire.gouv.example", role: "pointOfContact",
		abstract: "Zonage réglementaire du plan de prévention du risque inondation du Val d'Authion et de la Loire saumuroise, approuvé le 29 novembre 2019.",
		dates:    [][2]string{{"2019-11-29", "publication"}}, stamp: "2020-02-14T15:20:31",
		keywords: []string{"PPRI", "risque inondation", "Loire"}, thesaurus: [][2]string{{"Zones à risque naturel", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"inlandWaters", "planningCadastre"}, freq: "asNeeded", box: dep49,
		limitation: []string{lo1}, access: "otherRestrictions", other: []string{"L124-4-I-1 du code de l'environnement (Directive 2007/2/CE (INSPIRE), Article 13.1.d)"}, layer: "ddt49:pprn_authion"},
	{title: "Arrêts du réseau régional de transport Aléop", org: "Région Pays de la Loire", email: "mobilites@paysdelaloire.example", role: "owner",
		abstract: "Points d'arrêt des lignes régulières d'autocar et de transport scolaire du réseau Aléop, avec leurs identifiants GTFS.",
		dates:    [][2]string{{"2019-09-01", "creation"}, {"2025-01-06", "revision"}}, stamp: "2025-01-07T06:00:00",
		keywords: []string{"Aléop", "transport en commun", "GTFS"}, thesaurus: [][2]string{{"Réseaux de transport", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"transportation"}, freq: "monthly", box: region,
		limitation: []string{odbl}, access: "otherRestrictions", other: []string{noLimit}, layer: "region:aleop_arrets"},
	{title: "Haies bocagères de la Mayenne", org: "Département de la Mayenne", email: "sig@lamayenne.example", role: "owner",
		abstract: "Linéaire de haies bocagères photo-interprété sur l'orthophotographie 2020, qualifié par type de haie (multistrate, arbustive, alignement d'arbres).",
		dates:    [][2]string{{"2021-05-17", "creation"}}, stamp: "2021-06-01T10:30:00",
		keywords: []string{"bocage", "haie", "paysage"}, thesaurus: [][2]string{{"Occupation des terres", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"environment", "farming"}, freq: "notPlanned",
		// Planted fault: west and east written the wrong way round.
		box:        [4]string{"-0.0496", "-1.2384", "47.7342", "48.5679"},
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "cd53:haies"},
	{title: "Réseau routier départemental de la Vendée", org: "Département de la Vendée", email: "sig@vendee.example", role: "owner",
		abstract: "Routes départementales de la Vendée avec leur numéro, leur catégorie (réseau structurant, de desserte) et le trafic moyen journalier annuel.",
		dates:    [][2]string{{"2015-01-01", "creation"}, {"2024-03-28", "revision"}}, stamp: "2024-03-29T09:00:00",
		keywords: []string{"route départementale", "trafic", "voirie"}, thesaurus: [][2]string{{"Réseaux de transport", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"transportation"}, freq: "annually", box: dep85,
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "cd85:routes_departementales"},
	{title: "Zones d'activités économiques de la Sarthe", org: "Département de la Sarthe", email: "sig@sarthe.example", role: "pointOfContact",
		abstract: "Périmètres des zones d'activités économiques communautaires de la Sarthe, avec la surface commercialisable disponible.",
		dates:    [][2]string{{"2018-10-10", "creation"}, {"2024-10-01", "revision"}}, stamp: "2024-10-02T17:12:00",
		keywords: []string{"zone d'activités", "foncier économique"}, thesaurus: [][2]string{{"Installations de production et installations industrielles", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"economy"}, freq: "biannually",
		// Planted fault: the box is written in Lambert-93 metres, not degrees.
		box:        [4]string{"449000", "551000", "6711000", "6830000"},
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "cd72:zae"},
	{title: "Parcelles conduites en agriculture biologique (RPG)", org: "DRAAF Pays de la Loire", email: "sral.draaf-pays-de-la-loire@agriculture.example", role: "owner",
		abstract: "Îlots et parcelles déclarés en agriculture biologique ou en conversion au registre parcellaire graphique, agrégés à l'échelle régionale.",
		dates:    [][2]string{{"2023-12-01", "publication"}}, stamp: "2023-12-05T12:00:00",
		keywords: []string{"agriculture biologique", "RPG", "PAC"}, thesaurus: [][2]string{{"Installations agricoles et aquacoles", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"farming"}, freq: "annually", box: region,
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "draaf:rpg_bio"},
	{title: "Service de visualisation WMS de GEOPAL", org: "Gigalis", email: "geopal@gigalis.example", role: "custodian", level: "service", service: true,
		abstract: "Service WMS de la plateforme régionale GEOPAL donnant accès aux couches publiques des partenaires (Région, DREAL, départements, intercommunalités).",
		dates:    [][2]string{{"2016-06-01", "creation"}, {"2025-02-01", "revision"}}, stamp: "2025-02-03T08:45:00",
		keywords: []string{"WMS", "GEOPAL", "infrastructure de données géographiques"}, thesaurus: [][2]string{{"Service de visualisation", "Classification of spatial data services"}},
		freq: "continual", box: region,
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "geopal", wmsOnly: true},
	{title: "Cours d'eau de la BD TOPAGE® du bassin de la Maine", org: "Agence de l'eau Loire-Bretagne", email: "sig@eau-loire-bretagne.example", role: "owner",
		abstract: "Tronçons hydrographiques de la BD TOPAGE® sur le bassin versant de la Maine (Mayenne, Sarthe, Loir), avec leur code hydrographique.",
		dates:    [][2]string{{"2020-07-01", "creation"}, {"2024-12-16", "revision"}}, stamp: "2024-12-17T10:10:10",
		keywords: []string{"cours d'eau", "hydrographie", "BD TOPAGE"}, thesaurus: [][2]string{{"Hydrographie", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"inlandWaters"}, freq: "annually", box: [4]string{"-1.2384", "0.9166", "47.3872", "48.5679"},
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "aelb:topage_maine"},
	{title: "Limites du Parc naturel régional de Brière", org: "Parc naturel régional de Brière", email: "sig@parc-naturel-briere.example", role: "owner",
		abstract: "Périmètre du Parc naturel régional de Brière et de ses 21 communes adhérentes, selon la charte 2014-2029.",
		dates:    [][2]string{{"2014-06-05", "publication"}}, stamp: "2019-05-22T11:11:11",
		keywords: []string{"parc naturel régional", "Brière", "marais"}, thesaurus: [][2]string{{"Sites protégés", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"environment", "boundaries"}, freq: "notPlanned", box: briere,
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "pnrb:perimetre"},
	{title: "Sentiers de grande randonnée en Maine-et-Loire", org: "Département de Maine-et-Loire", email: "sig@maine-et-loire.example", role: "owner",
		abstract: "Tracés des sentiers GR® et GR® de Pays inscrits au plan départemental des itinéraires de promenade et de randonnée (PDIPR).",
		dates:    [][2]string{{"2012-04-01", "creation"}, {"2023-04-14", "revision"}}, stamp: "2023-04-15T09:09:09",
		keywords: []string{"randonnée", "PDIPR", "GR"}, thesaurus: [][2]string{{"Réseaux de transport", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"transportation", "society"}, freq: "annually", box: dep49,
		limitation: []string{ccby}, access: "otherRestrictions", other: []string{noLimit}, layer: "cd49:pdipr_gr"},
	{title: "Occupation du sol à grande échelle (OCS GE) de la Loire-Atlantique", org: "Région Pays de la Loire", email: "sig@paysdelaloire.example", role: "distributor",
		abstract: "Base de données vectorielle de l'occupation et de l'usage du sol à grande échelle produite par l'IGN, millésime 2021, utilisée pour le suivi de l'artificialisation (ZAN).",
		dates:    [][2]string{{"2021-01-01", "creation"}, {"2023-06-01", "publication"}}, stamp: "2023-06-02T10:00:00",
		keywords: []string{"occupation du sol", "artificialisation", "ZAN"}, thesaurus: [][2]string{{"Occupation des terres", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"imageryBaseMapsEarthCover", "planningCadastre"}, freq: "irregular", box: dep44,
		limitation: []string{ign, lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "region:ocsge_44", download: "ocsge_44_2021.zip"},
	{title: "Bornes de recharge pour véhicules électriques du SYDELA", org: "SYDELA", email: "mobilite@sydela.example", role: "owner",
		abstract: "Points de recharge publics pour véhicules électriques déployés par le SYDELA en Loire-Atlantique, au format du schéma national IRVE.",
		dates:    [][2]string{{"2017-03-01", "creation"}, {"2025-01-31", "revision"}}, stamp: "2025-02-01T02:00:00",
		keywords: []string{"IRVE", "recharge", "mobilité électrique"}, thesaurus: [][2]string{{"Services d'utilité publique et services publics", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"utilitiesCommunication", "transportation"}, freq: "weekly", box: dep44,
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "sydela:irve", download: "irve_sydela.csv"},
	{title: "Quartiers prioritaires de la politique de la ville en Pays de la Loire", org: "DREAL Pays de la Loire", email: "sig.dreal-pdl@developpement-durable.example", role: "pointOfContact",
		abstract: "Contours des quartiers prioritaires de la politique de la ville (QPV) de la région, génération 2024.",
		dates:    [][2]string{{"2024-01-01", "publication"}}, stamp: "2024-02-12T14:14:14",
		keywords: []string{"QPV", "politique de la ville"}, thesaurus: [][2]string{{"Unités statistiques", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"society", "boundaries"}, freq: "notPlanned", box: region,
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "dreal:qpv_2024"},
	{title: "Sites classés et sites inscrits", org: "DREAL Pays de la Loire", email: "sig.dreal-pdl@developpement-durable.example", role: "owner",
		abstract: "Périmètres des sites classés et inscrits au titre des articles L341-1 et suivants du code de l'environnement, dont la vallée de la Loire et la corniche vendéenne.",
		dates:    [][2]string{{"2010-01-01", "creation"}, {"2024-04-04", "revision"}}, stamp: "2024-04-05T08:08:08",
		keywords: []string{"site classé", "site inscrit", "paysage"}, thesaurus: [][2]string{{"Sites protégés", "GEMET - INSPIRE themes, version 1.0"}},
		topics: []string{"environment"}, freq: "asNeeded", box: region,
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}, layer: "dreal:sites_classes_inscrits"},
	// Planted fault: the title was left empty in the catalogue.
	{title: "", org: "Département de Loire-Atlantique", email: "sig@loire-atlantique.example", role: "owner",
		abstract: "Inventaire des mares et plans d'eau de moins d'un hectare réalisé par le Département avec les associations naturalistes.",
		dates:    [][2]string{{"2022-02-01", "creation"}}, stamp: "2022-02-02T12:00:00",
		keywords: []string{"mare", "zones humides"}, topics: []string{"inlandWaters"}, freq: "unknown", box: dep44,
		limitation: []string{lo2}, access: "otherRestrictions", other: []string{noLimit}},
}

// uuid derives a stable UUID-shaped identifier from a sheet.
func uuid(s sheet) string {
	h := sha256.Sum256([]byte("geopal\x00" + s.title + "\x00" + s.org + "\x00" + s.abstract))
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-4" + x[13:16] + "-a" + x[17:20] + "-" + x[20:32]
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

const codeList = "http://standards.iso.org/iso/19139/resources/gmxCodelists.xml#"

func cs(indent, elem, v string) string {
	if v == "" {
		return indent + "<" + elem + " gco:nilReason=\"missing\">\n" + indent + "  <gco:CharacterString />\n" + indent + "</" + elem + ">\n"
	}
	return indent + "<" + elem + ">\n" + indent + "  <gco:CharacterString>" + esc(v) + "</gco:CharacterString>\n" + indent + "</" + elem + ">\n"
}

func render(s sheet, id string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	level := s.level
	if level == "" {
		level = "dataset"
	}
	charset := s.charset
	if charset == "" {
		charset = "utf8"
	}
	w(`    <gmd:MD_Metadata
      xmlns:gmd="http://www.isotc211.org/2005/gmd"
      xmlns:gco="http://www.isotc211.org/2005/gco"
      xmlns:gmx="http://www.isotc211.org/2005/gmx"
      xmlns:srv="http://www.isotc211.org/2005/srv"
      xmlns:xlink="http://www.w3.org/1999/xlink"
      xmlns:geonet="http://www.fao.org/geonetwork" xsi:schemaLocation="http://www.isotc211.org/2005/gmd http://schemas.opengis.net/csw/2.0.2/profiles/apiso/1.0.0/apiso.xsd">
`)
	b.WriteString(cs("      ", "gmd:fileIdentifier", id))
	w(`      <gmd:language>
        <gmd:LanguageCode codeListValue="fre" codeList="http://www.loc.gov/standards/iso639-2/">fre</gmd:LanguageCode>
      </gmd:language>
      <gmd:characterSet>
        <gmd:MD_CharacterSetCode codeListValue="%s" codeList="%sMD_CharacterSetCode">%s</gmd:MD_CharacterSetCode>
      </gmd:characterSet>
      <gmd:hierarchyLevel>
        <gmd:MD_ScopeCode codeListValue="%s" codeList="%sMD_ScopeCode">%s</gmd:MD_ScopeCode>
      </gmd:hierarchyLevel>
`, charset, codeList, charset, level, codeList, level)
	party := func(indent, elem, role string) {
		w("%s<%s>\n%s  <gmd:CI_ResponsibleParty>\n", indent, elem, indent)
		b.WriteString(cs(indent+"    ", "gmd:organisationName", s.org))
		w(`%[1]s    <gmd:contactInfo>
%[1]s      <gmd:CI_Contact>
%[1]s        <gmd:address>
%[1]s          <gmd:CI_Address>
%[1]s            <gmd:electronicMailAddress>
%[1]s              <gco:CharacterString>%[2]s</gco:CharacterString>
%[1]s            </gmd:electronicMailAddress>
%[1]s          </gmd:CI_Address>
%[1]s        </gmd:address>
%[1]s      </gmd:CI_Contact>
%[1]s    </gmd:contactInfo>
%[1]s    <gmd:role>
%[1]s      <gmd:CI_RoleCode codeListValue="%[3]s" codeList="%[4]sCI_RoleCode">%[3]s</gmd:CI_RoleCode>
%[1]s    </gmd:role>
%[1]s  </gmd:CI_ResponsibleParty>
%[1]s</%[5]s>
`, indent, esc(s.email), role, codeList, elem)
	}
	party("      ", "gmd:contact", "pointOfContact")
	w(`      <gmd:dateStamp>
        <gco:DateTime>%s</gco:DateTime>
      </gmd:dateStamp>
      <gmd:metadataStandardName>
        <gco:CharacterString>ISO 19115:2003/19139</gco:CharacterString>
      </gmd:metadataStandardName>
      <gmd:metadataStandardVersion>
        <gco:CharacterString>1.0</gco:CharacterString>
      </gmd:metadataStandardVersion>
      <gmd:referenceSystemInfo>
        <gmd:MD_ReferenceSystem>
          <gmd:referenceSystemIdentifier>
            <gmd:RS_Identifier>
              <gmd:code>
                <gmx:Anchor xlink:href="http://www.opengis.net/def/crs/EPSG/0/2154" xlink:title="RGF93 - Lambert 93">2154</gmx:Anchor>
              </gmd:code>
              <gmd:codeSpace>
                <gco:CharacterString>EPSG</gco:CharacterString>
              </gmd:codeSpace>
            </gmd:RS_Identifier>
          </gmd:referenceSystemIdentifier>
        </gmd:MD_ReferenceSystem>
      </gmd:referenceSystemInfo>
      <gmd:identificationInfo>
`, s.stamp)
	ident, ext := "gmd:MD_DataIdentification", "gmd:extent"
	if s.service {
		ident, ext = "srv:SV_ServiceIdentification", "srv:extent"
	}
	w("        <%s>\n          <gmd:citation>\n            <gmd:CI_Citation>\n", ident)
	b.WriteString(cs("              ", "gmd:title", s.title))
	for _, d := range s.dates {
		w(`              <gmd:date>
                <gmd:CI_Date>
                  <gmd:date>
                    <gco:Date>%s</gco:Date>
                  </gmd:date>
                  <gmd:dateType>
                    <gmd:CI_DateTypeCode codeListValue="%s" codeList="%sCI_DateTypeCode">%s</gmd:CI_DateTypeCode>
                  </gmd:dateType>
                </gmd:CI_Date>
              </gmd:date>
`, d[0], d[1], codeList, d[1])
	}
	w("            </gmd:CI_Citation>\n          </gmd:citation>\n")
	b.WriteString(cs("          ", "gmd:abstract", s.abstract))
	party("          ", "gmd:pointOfContact", s.role)
	w(`          <gmd:resourceMaintenance>
            <gmd:MD_MaintenanceInformation>
              <gmd:maintenanceAndUpdateFrequency>
                <gmd:MD_MaintenanceFrequencyCode codeListValue="%s" codeList="%sMD_MaintenanceFrequencyCode">%s</gmd:MD_MaintenanceFrequencyCode>
              </gmd:maintenanceAndUpdateFrequency>
            </gmd:MD_MaintenanceInformation>
          </gmd:resourceMaintenance>
`, s.freq, codeList, s.freq)
	for _, t := range s.thesaurus {
		w(`          <gmd:descriptiveKeywords>
            <gmd:MD_Keywords>
              <gmd:keyword>
                <gco:CharacterString>%s</gco:CharacterString>
              </gmd:keyword>
              <gmd:type>
                <gmd:MD_KeywordTypeCode codeListValue="theme" codeList="%sMD_KeywordTypeCode" />
              </gmd:type>
              <gmd:thesaurusName>
                <gmd:CI_Citation>
                  <gmd:title>
                    <gco:CharacterString>%s</gco:CharacterString>
                  </gmd:title>
                  <gmd:date>
                    <gmd:CI_Date>
                      <gmd:date>
                        <gco:Date>2008-06-01</gco:Date>
                      </gmd:date>
                      <gmd:dateType>
                        <gmd:CI_DateTypeCode codeListValue="publication" codeList="%sCI_DateTypeCode">publication</gmd:CI_DateTypeCode>
                      </gmd:dateType>
                    </gmd:CI_Date>
                  </gmd:date>
                </gmd:CI_Citation>
              </gmd:thesaurusName>
            </gmd:MD_Keywords>
          </gmd:descriptiveKeywords>
`, esc(t[0]), codeList, esc(t[1]), codeList)
	}
	for _, k := range s.keywords {
		w(`          <gmd:descriptiveKeywords>
            <gmd:MD_Keywords>
              <gmd:keyword>
                <gco:CharacterString>%s</gco:CharacterString>
              </gmd:keyword>
              <gmd:type>
                <gmd:MD_KeywordTypeCode codeListValue="theme" codeList="%sMD_KeywordTypeCode">theme</gmd:MD_KeywordTypeCode>
              </gmd:type>
            </gmd:MD_Keywords>
          </gmd:descriptiveKeywords>
`, esc(k), codeList)
	}
	w("          <gmd:resourceConstraints>\n            <gmd:MD_Constraints>\n")
	for _, l := range s.limitation[:len(s.limitation)-1] {
		b.WriteString(cs("              ", "gmd:useLimitation", l))
	}
	w("            </gmd:MD_Constraints>\n          </gmd:resourceConstraints>\n")
	w("          <gmd:resourceConstraints>\n            <gmd:MD_LegalConstraints>\n")
	b.WriteString(cs("              ", "gmd:useLimitation", s.limitation[len(s.limitation)-1]))
	w(`              <gmd:accessConstraints>
                <gmd:MD_RestrictionCode codeListValue="%s" codeList="%sMD_RestrictionCode">%s</gmd:MD_RestrictionCode>
              </gmd:accessConstraints>
              <gmd:useConstraints>
                <gmd:MD_RestrictionCode codeListValue="license" codeList="%sMD_RestrictionCode">license</gmd:MD_RestrictionCode>
              </gmd:useConstraints>
`, s.access, codeList, s.access, codeList)
	for _, o := range s.other {
		b.WriteString(cs("              ", "gmd:otherConstraints", o))
	}
	w("            </gmd:MD_LegalConstraints>\n          </gmd:resourceConstraints>\n")
	if !s.service {
		w(`          <gmd:spatialRepresentationType>
            <gmd:MD_SpatialRepresentationTypeCode codeListValue="vector" codeList="%sMD_SpatialRepresentationTypeCode">vector</gmd:MD_SpatialRepresentationTypeCode>
          </gmd:spatialRepresentationType>
          <gmd:language>
            <gmd:LanguageCode codeListValue="fre" codeList="http://www.loc.gov/standards/iso639-2/">fre</gmd:LanguageCode>
          </gmd:language>
          <gmd:characterSet>
            <gmd:MD_CharacterSetCode codeListValue="8859part15" codeList="%sMD_CharacterSetCode">8859part15</gmd:MD_CharacterSetCode>
          </gmd:characterSet>
`, codeList, codeList)
		for _, t := range s.topics {
			w("          <gmd:topicCategory>\n            <gmd:MD_TopicCategoryCode>%s</gmd:MD_TopicCategoryCode>\n          </gmd:topicCategory>\n", t)
		}
	} else {
		w(`          <srv:serviceType>
            <gco:LocalName codeSpace="www.w3c.org">view</gco:LocalName>
          </srv:serviceType>
          <srv:serviceTypeVersion>
            <gco:CharacterString>1.3.0</gco:CharacterString>
          </srv:serviceTypeVersion>
`)
	}
	w(`          <%[1]s>
            <gmd:EX_Extent>
              <gmd:description>
                <gco:CharacterString>Pays de la Loire</gco:CharacterString>
              </gmd:description>
              <gmd:geographicElement>
                <gmd:EX_GeographicBoundingBox>
                  <gmd:westBoundLongitude>
                    <gco:Decimal>%[2]s</gco:Decimal>
                  </gmd:westBoundLongitude>
                  <gmd:eastBoundLongitude>
                    <gco:Decimal>%[3]s</gco:Decimal>
                  </gmd:eastBoundLongitude>
                  <gmd:southBoundLatitude>
                    <gco:Decimal>%[4]s</gco:Decimal>
                  </gmd:southBoundLatitude>
                  <gmd:northBoundLatitude>
                    <gco:Decimal>%[5]s</gco:Decimal>
                  </gmd:northBoundLatitude>
                </gmd:EX_GeographicBoundingBox>
              </gmd:geographicElement>
            </gmd:EX_Extent>
          </%[1]s>
`, ext, s.box[0], s.box[1], s.box[2], s.box[3])
	w("        </%s>\n      </gmd:identificationInfo>\n", ident)

	// Online resources, grouped as GeoNetwork writes them.
	links := []link{{catalog + id, "WWW:LINK-1.0-http--link", "Fiche de métadonnées sur GEOPAL", ""}}
	if s.layer != "" {
		links = append(links, link{ows + "?SERVICE=WMS&REQUEST=GetCapabilities", "OGC:WMS", s.layer, "Visualisation (WMS)"})
		if !s.wmsOnly {
			links = append(links, link{ows + "?SERVICE=WFS&REQUEST=GetCapabilities", "OGC:WFS", s.layer, "Téléchargement des objets (WFS)"})
		}
	}
	if s.download != "" {
		links = append(links, link{"https://www.geopal.org/geonetwork/srv/api/records/" + id + "/attachments/" + s.download, "WWW:DOWNLOAD-1.0-http--download", s.download, "Téléchargement direct du lot"})
	}
	w("      <gmd:distributionInfo>\n        <gmd:MD_Distribution>\n")
	if !s.service {
		w(`          <gmd:distributionFormat>
            <gmd:MD_Format>
              <gmd:name>
                <gco:CharacterString>ESRI Shapefile</gco:CharacterString>
              </gmd:name>
              <gmd:version>
                <gco:CharacterString />
              </gmd:version>
            </gmd:MD_Format>
          </gmd:distributionFormat>
`)
	}
	w("          <gmd:transferOptions>\n            <gmd:MD_DigitalTransferOptions>\n")
	for _, l := range links {
		w(`              <gmd:onLine>
                <gmd:CI_OnlineResource>
                  <gmd:linkage>
                    <gmd:URL>%s</gmd:URL>
                  </gmd:linkage>
                  <gmd:protocol>
                    <gco:CharacterString>%s</gco:CharacterString>
                  </gmd:protocol>
                  <gmd:name>
                    <gco:CharacterString>%s</gco:CharacterString>
                  </gmd:name>
`, esc(l.url), esc(l.protocol), esc(l.name))
		if l.desc != "" {
			b.WriteString(cs("                  ", "gmd:description", l.desc))
		}
		w("                </gmd:CI_OnlineResource>\n              </gmd:onLine>\n")
	}
	w("            </gmd:MD_DigitalTransferOptions>\n          </gmd:transferOptions>\n        </gmd:MD_Distribution>\n      </gmd:distributionInfo>\n")
	w("    </gmd:MD_Metadata>\n")
	return b.String()
}

type meta struct {
	Note              string              `json:"note"`
	Method            string              `json:"method"`
	URL               string              `json:"url"`
	Status            int                 `json:"status"`
	Headers           map[string][]string `json:"headers"`
	BodyFile          string              `json:"body_file"`
	RequestBodySHA256 string              `json:"request_body_sha256"`
}

func main() {
	type entry struct {
		id string
		s  sheet
	}
	var all []entry
	for _, s := range sheets {
		all = append(all, entry{uuid(s), s})
	}
	// The connector asks for apiso:identifier ASC.
	sort.Slice(all, func(i, j int) bool { return all[i].id < all[j].id })
	matched := len(all)
	for page, start := 1, 1; start <= matched; page, start = page+1, start+pageSize {
		end := min(start+pageSize-1, matched)
		next := end + 1
		if next > matched {
			next = 0
		}
		// Page 2 declares ISO-8859-15 in its prolog but is served in
		// UTF-8; page 3 is really encoded in ISO-8859-15. Both happen on
		// GeoNetwork catalogues.
		prolog := "UTF-8"
		if page >= 2 {
			prolog = "ISO-8859-15"
		}
		var b strings.Builder
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="%s"?>
<csw:GetRecordsResponse xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.opengis.net/cat/csw/2.0.2 http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd">
  <csw:SearchStatus timestamp="2025-03-03T05:12:%02d.118Z" />
  <csw:SearchResults numberOfRecordsMatched="%d" numberOfRecordsReturned="%d" elementSet="full" nextRecord="%d">
`, prolog, 40+page, matched, end-start+1, next)
		for _, e := range all[start-1 : end] {
			b.WriteString(render(e.s, e.id))
		}
		b.WriteString("  </csw:SearchResults>\n</csw:GetRecordsResponse>\n")
		body := []byte(b.String())
		contentType := "application/xml;charset=UTF-8"
		if page == 3 {
			enc, err := charmap.ISO8859_15.NewEncoder().Bytes(body)
			if err != nil {
				log.Fatalf("page 3 to ISO-8859-15: %v", err)
			}
			body = enc
			contentType = "application/xml;charset=ISO-8859-15"
		}
		name := fmt.Sprintf("getrecords-page-%d", page)
		if err := os.WriteFile(filepath.Join(dir, name+".xml"), body, 0o644); err != nil {
			log.Fatal(err)
		}
		req := csw.GetRecordsBody(csw.SchemaGMD, "", start, pageSize)
		sum := sha256.Sum256(req)
		m := meta{
			Note:   fmt.Sprintf("CSW GetRecords page %d (startPosition %d, maxRecords %d), written by gen.go", page, start, pageSize),
			Method: "POST", URL: endpoint, Status: 200,
			Headers:           map[string][]string{"Content-Type": {contentType}},
			BodyFile:          name + ".xml",
			RequestBodySHA256: hex.EncodeToString(sum[:]),
		}
		data, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".json"), append(data, '\n'), 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: records %d-%d of %d\n", name, start, end, matched)
	}
}
