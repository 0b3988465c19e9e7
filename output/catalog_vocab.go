package output

import (
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Controlled vocabularies of the DCAT-AP catalogue: licences as the
// data.gouv.fr (udata) harvester recognises them, EU data themes, EU
// frequencies derived from the pipelines' cron schedules, EU languages,
// EU file types, and the region's place.

// Namespaces of the vocabularies used by the catalogue.
const (
	nsADMS     = "http://www.w3.org/ns/adms#"
	nsDCAT     = "http://www.w3.org/ns/dcat#"
	nsDCATAP   = "http://data.europa.eu/r5r/"
	nsDCT      = "http://purl.org/dc/terms/"
	nsFOAF     = "http://xmlns.com/foaf/0.1/"
	nsHydra    = "http://www.w3.org/ns/hydra/core#"
	nsLOCN     = "http://www.w3.org/ns/locn#"
	nsPROV     = "http://www.w3.org/ns/prov#"
	nsRDF      = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsRDFS     = "http://www.w3.org/2000/01/rdf-schema#"
	nsSKOS     = "http://www.w3.org/2004/02/skos/core#"
	nsSPDX     = "http://spdx.org/rdf/terms#"
	nsVCard    = "http://www.w3.org/2006/vcard/ns#"
	nsXSD      = "http://www.w3.org/2001/XMLSchema#"
	euFileType = "http://publications.europa.eu/resource/authority/file-type/"
	euLanguage = "http://publications.europa.eu/resource/authority/language/"
	euTheme    = "http://publications.europa.eu/resource/authority/data-theme/"
	euFreq     = "http://publications.europa.eu/resource/authority/frequency/"
	euAccess   = "http://publications.europa.eu/resource/authority/access-right/"
	euPlanned  = "http://publications.europa.eu/resource/authority/planned-availability/"
	ianaMedia  = "https://www.iana.org/assignments/media-types/"
	admsPubTyp = "http://purl.org/adms/publishertype/"
	// geoJSONLiteral is the datatype of GeoJSON geometries in GeoDCAT-AP
	// and DCAT-AP 3, and the one the udata harvester reads in dct:spatial.
	geoJSONLiteral = ianaMedia + "application/vnd.geo+json"
)

// catalogPrefixes are the prefixes of the JSON-LD @context and of the
// Turtle file, sorted by prefix.
var catalogPrefixes = []struct{ prefix, ns string }{
	{"adms", nsADMS},
	{"dcat", nsDCAT},
	{"dcatap", nsDCATAP},
	{"dct", nsDCT},
	{"foaf", nsFOAF},
	{"hydra", nsHydra},
	{"locn", nsLOCN},
	{"prov", nsPROV},
	{"rdf", nsRDF},
	{"rdfs", nsRDFS},
	{"skos", nsSKOS},
	{"spdx", nsSPDX},
	{"vcard", nsVCard},
	{"xsd", nsXSD},
}

// CatalogLicense is how a licence is written in the catalogue. URI is the
// object of dct:license and Label its rdfs:label; UdataID is the licence id
// of data.gouv.fr that the udata harvester resolves them to.
//
// The udata harvester (udata/core/dataset/rdf.py, licenses_from_rdf)
// takes the rdfs:label of a dct:license resource when it has one, its IRI
// otherwise, and License.guess matches that text against the licences of
// https://www.data.gouv.fr/api/1/datasets/licenses/: exactly on the id,
// the slug of the title, the url or an alternate url. Label is therefore
// the title data.gouv.fr gives the licence, and URI its url there when it
// names that very licence (Licence Ouverte, ODC), the licence's own
// canonical URI otherwise (Creative Commons 4.0: data.gouv.fr only has
// unversioned CC entries, reached through the label).
//
// NonCommercial and ShareAlike decide what a dataset under the licence may
// be republished under: non-commercial data cannot become open data, and
// share-alike data keeps its licence.
type CatalogLicense struct {
	URI, Label, UdataID string
	NonCommercial       bool
	ShareAlike          bool
}

// catalogLicenses maps the Data Package licence ids (lower case) to the
// catalogue's licences. It is the one place where this mapping lives.
var catalogLicenses = map[string]CatalogLicense{
	"etalab-2.0":      {URI: "https://www.etalab.gouv.fr/licence-ouverte-open-licence", Label: "Licence Ouverte / Open Licence version 2.0", UdataID: "lov2"},
	"etalab-1.0":      {URI: "https://www.etalab.gouv.fr/wp-content/uploads/2014/05/Licence_Ouverte.pdf", Label: "Licence Ouverte / Open Licence", UdataID: "fr-lo"},
	"odc-odbl":        {URI: "http://opendatacommons.org/licenses/odbl/summary/", Label: "Open Data Commons Open Database License (ODbL)", UdataID: "odc-odbl", ShareAlike: true},
	"odc-by":          {URI: "http://opendatacommons.org/licenses/by/summary/", Label: "Open Data Commons Attribution License", UdataID: "odc-by"},
	"odc-pddl":        {URI: "http://opendatacommons.org/licenses/pddl/summary/", Label: "Open Data Commons Public Domain Dedication and Licence (PDDL)", UdataID: "odc-pddl"},
	"cc-by-4.0":       {URI: "http://creativecommons.org/licenses/by/4.0/", Label: "Creative Commons Attribution", UdataID: "cc-by"},
	"cc-by-sa-4.0":    {URI: "http://creativecommons.org/licenses/by-sa/4.0/", Label: "Creative Commons Attribution Share-Alike", UdataID: "cc-by-sa", ShareAlike: true},
	"cc0-1.0":         {URI: "http://creativecommons.org/publicdomain/zero/1.0/", Label: "Creative Commons CCZero", UdataID: "cc-zero"},
	"cc-by-nc-sa-4.0": {URI: "http://creativecommons.org/licenses/by-nc-sa/4.0/", Label: "Creative Commons Attribution - Pas d'utilisation commerciale - Partage dans les mêmes conditions 4.0", NonCommercial: true, ShareAlike: true},
}

// licenseAliases maps other names and URLs of the licences (the udata ids,
// the URLs written by datapackage.json, common variants) to the ids of
// catalogLicenses.
var licenseAliases = map[string]string{
	"lov2": "etalab-2.0", "lo-2.0": "etalab-2.0", "licence-ouverte-2.0": "etalab-2.0",
	"fr-lo": "etalab-1.0", "odbl": "odc-odbl", "odbl-1.0": "odc-odbl", "odc-odbl-1.0": "odc-odbl",
	"cc-by": "cc-by-4.0", "cc-by-sa": "cc-by-sa-4.0", "cc-zero": "cc0-1.0", "cc0": "cc0-1.0",
	"cc-by-3.0": "cc-by-4.0", "cc-by-sa-3.0": "cc-by-sa-4.0", "pddl-1.0": "odc-pddl", "cc-by-nc-sa": "cc-by-nc-sa-4.0",
	"odc-by-1.0": "odc-by", "odc-pddl-1.0": "odc-pddl",
	"https://www.etalab.gouv.fr/licence-ouverte-open-licence":                               "etalab-2.0",
	"https://opendatacommons.org/licenses/odbl/1-0/":                                        "odc-odbl",
	"http://opendatacommons.org/licenses/odbl/1.0/":                                         "odc-odbl",
	"https://opendatacommons.org/licenses/odbl/":                                            "odc-odbl",
	"https://creativecommons.org/licenses/by/4.0/":                                          "cc-by-4.0",
	"https://creativecommons.org/licenses/by-sa/4.0/":                                       "cc-by-sa-4.0",
	"https://creativecommons.org/publicdomain/zero/1.0/":                                    "cc0-1.0",
	"https://www.etalab.gouv.fr/wp-content/uploads/2017/04/etalab-licence-ouverte-v2.0.pdf": "etalab-2.0",
}

// LicenseIDs returns the ids LicenseFor knows, sorted.
func LicenseIDs() []string {
	ids := make([]string, 0, len(catalogLicenses))
	for id := range catalogLicenses {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// LicenseFor returns the catalogue licence of a Data Package licence id, a
// udata licence id or a known licence URL (case-insensitive). For anything
// else that is an http(s) URL it returns that URL without label (udata
// will try to match it as is); ok is false when nothing is known.
func LicenseFor(idOrURL string) (l CatalogLicense, ok bool) {
	key := strings.ToLower(strings.TrimSpace(idOrURL))
	if key == "" {
		return CatalogLicense{}, false
	}
	if id, found := licenseAliases[key]; found {
		key = id
	}
	if l, found := catalogLicenses[key]; found {
		return l, true
	}
	for _, l := range catalogLicenses {
		if strings.EqualFold(l.URI, idOrURL) {
			return l, true
		}
	}
	if isURI(idOrURL) {
		return CatalogLicense{URI: strings.TrimSpace(idOrURL)}, true
	}
	return CatalogLicense{}, false
}

// dataThemes are the EU data themes with their French labels (the
// authority's prefLabel@fr), written as skos:prefLabel so that the udata
// harvester turns them into tags.
var dataThemes = map[string]string{
	"AGRI":      "Agriculture, pêche, sylviculture et alimentation",
	"ECON":      "Économie et finances",
	"EDUC":      "Éducation, culture et sport",
	"ENER":      "Énergie",
	"ENVI":      "Environnement",
	"GOVE":      "Gouvernement et secteur public",
	"HEAL":      "Santé",
	"INTR":      "Questions internationales",
	"JUST":      "Justice, système juridique et sécurité publique",
	"OP_DATPRO": "Données provisoires",
	"REGI":      "Régions et villes",
	"SOCI":      "Population et société",
	"TECH":      "Science et technologie",
	"TRAN":      "Transports",
}

// themeConcept returns the IRI and French label of a theme given as an EU
// data-theme code (case-insensitive) or URI; label is empty when unknown.
func themeConcept(theme string) (iri, label string) {
	theme = strings.TrimSpace(theme)
	if code, ok := strings.CutPrefix(theme, euTheme); ok {
		return theme, dataThemes[code]
	}
	if isURI(theme) {
		return theme, ""
	}
	code := strings.ToUpper(theme)
	return euTheme + code, dataThemes[code]
}

// Frequencies of the EU frequency authority used for dct:accrualPeriodicity.
const (
	FreqHourly    = "HOURLY"
	FreqDaily     = "DAILY"
	FreqWeekly    = "WEEKLY"
	FreqMonthly   = "MONTHLY"
	FreqBimonthly = "BIMONTHLY"
	FreqQuarterly = "QUARTERLY"
	FreqAnnual    = "ANNUAL"
	FreqIrregular = "IRREG"
	FreqUnknown   = "UNKNOWN"
)

// frequencyBounds are the frequencies by the longest wait between two runs
// they allow, shortest first.
var frequencyBounds = []struct {
	code string
	max  time.Duration
}{
	{FreqHourly, time.Hour},
	{FreqDaily, 24 * time.Hour},
	{FreqWeekly, 7 * 24 * time.Hour},
	{FreqMonthly, 31 * 24 * time.Hour},
	{FreqBimonthly, 62 * 24 * time.Hour},
	{FreqQuarterly, 92 * 24 * time.Hour},
	{FreqAnnual, 366 * 24 * time.Hour},
}

// frequencyEpoch and frequencyWindow are the period over which a schedule
// is played to measure its frequency: three years from a fixed date, so
// that the result does not depend on the clock.
var frequencyEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

const (
	frequencyWindowYears = 3
	frequencyMaxRuns     = 40000 // enough for hourly over three years; beyond, the schedule is at least hourly
)

// FrequencyOf returns the EU frequency code of a cron schedule (the
// standard five fields or a descriptor such as @daily or @every 6h, as
// robfig/cron's ParseStandard reads it): the frequency that the schedule
// guarantees, i.e. the shortest of HOURLY, DAILY, WEEKLY, MONTHLY,
// BIMONTHLY, QUARTERLY and ANNUAL whose period (1 h, 24 h, 7 d, 31 d,
// 62 d, 92 d, 366 d) is never exceeded between two runs (or before the
// first) when the schedule is played in UTC over three years. A schedule
// that runs twice a day is DAILY, one that runs on weekdays only WEEKLY.
// It returns IRREG for a schedule that waits longer than a year or never
// runs, and UNKNOWN for an empty or invalid one.
func FrequencyOf(schedule string) string {
	schedule = strings.TrimSpace(schedule)
	if schedule == "" {
		return FreqUnknown
	}
	// The answer only depends on the schedule, and walking a year of runs
	// is costly: a catalogue of many datasets asks for the same few.
	if f, ok := frequencies.Load(schedule); ok {
		return f.(string)
	}
	f := frequencyOf(schedule)
	frequencies.Store(schedule, f)
	return f
}

// frequencies memoises FrequencyOf by trimmed schedule.
var frequencies sync.Map

func frequencyOf(schedule string) string {
	sched, err := cron.ParseStandard(schedule)
	if err != nil {
		return FreqUnknown
	}
	end := frequencyEpoch.AddDate(frequencyWindowYears, 0, 0)
	last := frequencyEpoch // the previous run, or the start of the window
	cursor := frequencyEpoch.Add(-time.Second)
	var longest time.Duration
	runs := 0
	for ; runs < frequencyMaxRuns; runs++ {
		next := sched.Next(cursor)
		if next.IsZero() || next.After(end) {
			longest = max(longest, end.Sub(last))
			break
		}
		longest = max(longest, next.Sub(last))
		last, cursor = next, next
	}
	if runs == 0 {
		return FreqIrregular
	}
	for _, b := range frequencyBounds {
		// An hour of slack past a day: a schedule in a time zone with
		// daylight saving waits 25 hours once a year.
		slack := time.Duration(0)
		if b.max >= 24*time.Hour {
			slack = time.Hour
		}
		if longest <= b.max+slack {
			return b.code
		}
	}
	return FreqIrregular
}

// languageURI maps a language code to the EU language authority.
func languageURI(lang string) string {
	switch l := strings.ToLower(strings.TrimSpace(lang)); {
	case isURI(lang):
		return lang
	case l == "" || l == "fr" || l == "fra" || l == "fre":
		return euLanguage + "FRA"
	case l == "en" || l == "eng":
		return euLanguage + "ENG"
	case l == "br" || l == "bre":
		return euLanguage + "BRE"
	default:
		return euLanguage + strings.ToUpper(l)
	}
}

// Pays de la Loire as a place: the NUTS 2 region FRG0 of the EU NUTS
// vocabulary (the same code in NUTS 2016, 2021 and 2024), with its name
// and a bounding box (WGS 84 longitude/latitude, rounded outward to
// 0.05°) as a GeoJSON polygon, which DCAT-AP recommends (dcat:bbox) and the
// udata harvester reads as the dataset's spatial coverage.
const (
	regionURI   = "http://data.europa.eu/nuts/code/FRG0"
	regionLabel = "Pays de la Loire"
	regionBBox  = `{"type":"Polygon","coordinates":[[[-2.65,46.25],[0.95,46.25],[0.95,48.6],[-2.65,48.6],[-2.65,46.25]]]}`
)

// isRegion reports whether a DatasetMeta.Spatial text names the region.
func isRegion(spatial string) bool {
	s := strings.ToLower(strings.TrimSpace(spatial))
	return s == "" || strings.Contains(s, "pays de la loire") || strings.Contains(s, "pays-de-la-loire") || s == regionURI
}

// distributionFormat describes a published data file as a distribution.
type distributionFormat struct {
	fileType, mediaType, title, description string
	conformsSchema                          bool // the file validates against the published Table Schema
}

// distributionFormats are the data files of a release that the catalogue
// lists, in catalogue order, by file name.
var distributionFormats = []struct {
	name string
	distributionFormat
}{
	{FileCSV, distributionFormat{"CSV", MediaTypeCSV, "Données au format CSV",
		"CSV UTF-8, séparateur virgule, conforme au schéma de données publié.", true}},
	{"data-fr.csv", distributionFormat{"CSV", MediaTypeCSV, "Données au format CSV pour tableur (français)",
		"CSV pour les tableurs réglés en français : UTF-8 avec BOM, séparateur point-virgule, virgule décimale.", false}},
	{FileParquet, distributionFormat{"PARQUET", MediaTypeParquet, "Données au format Parquet",
		"Apache Parquet, une colonne typée par champ du schéma (GeoParquet pour les jeux géographiques).", false}},
	{"data.geojson", distributionFormat{"GEOJSON", "application/geo+json", "Données au format GeoJSON",
		"GeoJSON (RFC 7946) : une entité (Feature) par ligne du jeu, coordonnées WGS 84.", false}},
}
