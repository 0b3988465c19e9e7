package output

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// CatalogMeta describes the catalogue itself. BaseURL is the public root of
// the site without a trailing slash (e.g. https://ligerdata.fr). Language is
// a language code ("fr") or an EU language authority URI; it defaults to French.
type CatalogMeta struct {
	Title, Description, Publisher, PublisherURL, Homepage, BaseURL, Language string
}

// FileCatalog is the name of the catalogue in the public tree.
const FileCatalog = "catalog.jsonld"

// catalogContext is the JSON-LD @context of the catalogue.
var catalogContext = map[string]any{
	"dcat":   "http://www.w3.org/ns/dcat#",
	"dct":    "http://purl.org/dc/terms/",
	"foaf":   "http://xmlns.com/foaf/0.1/",
	"vcard":  "http://www.w3.org/2006/vcard/ns#",
	"spdx":   "http://spdx.org/rdf/terms#",
	"xsd":    "http://www.w3.org/2001/XMLSchema#",
	"skos":   "http://www.w3.org/2004/02/skos/core#",
	"locn":   "http://www.w3.org/ns/locn#",
	"dcatap": "http://data.europa.eu/r5r/",
	"rdfs":   "http://www.w3.org/2000/01/rdf-schema#",
}

const (
	euFileType  = "http://publications.europa.eu/resource/authority/file-type/"
	euLanguage  = "http://publications.europa.eu/resource/authority/language/"
	euDataTheme = "http://publications.europa.eu/resource/authority/data-theme/"
	ianaMedia   = "https://www.iana.org/assignments/media-types/"
)

// WriteCatalog writes <public>/catalog.jsonld (atomically) describing every
// dataset's latest release, as read from its datapackage.json.
//
// The catalogue is a dcat:Catalog (dct:title, dct:description, dct:publisher
// as foaf:Agent with foaf:name — the DCAT-AP 3.0.1 mandatory properties —
// plus dct:language, foaf:homepage and dct:modified, the most recent
// dataset modification) with, per dataset, a dcat:Dataset (dct:identifier,
// dct:title and dct:description in French, dct:publisher,
// dcat:contactPoint as vcard:Organization with vcard:hasEmail, dct:license,
// dcat:keyword, dct:modified (the release creation, never in the future),
// dcat:landingPage BaseURL+"/jeux-de-donnees/<id>", dct:conformsTo the
// schema URI when known, dcat:version, dcat:theme and dct:spatial when
// known) and a dcat:Distribution per data file (dcat:accessURL and
// dcat:downloadURL BaseURL+"/datasets/<id>/<release>/<file>", dcat:mediaType
// as an IANA URI, dcat:byteSize as xsd:nonNegativeInteger, spdx:checksum
// with spdx:checksumAlgorithm_sha256, dct:format from the EU file-type
// authority, dct:license).
//
// The output is deterministic for the same public tree: datasets are sorted
// and every JSON object has sorted keys.
func WriteCatalog(publicDir string, meta CatalogMeta) error {
	ids, err := Datasets(publicDir)
	if err != nil {
		return fmt.Errorf("output: catalog: %w", err)
	}
	base := strings.TrimRight(meta.BaseURL, "/")
	now := time.Now().UTC()
	var datasets []any
	var modified time.Time
	for _, id := range ids {
		rel, err := Latest(publicDir, id)
		if err != nil {
			return fmt.Errorf("output: catalog: %w", err)
		}
		raw, err := os.ReadFile(filepath.Join(publicDir, datasetsDir, id, rel, FileDataPackage))
		if err != nil {
			return fmt.Errorf("output: catalog: dataset %s: %w", id, err)
		}
		var dp dataPackage
		if err := json.Unmarshal(raw, &dp); err != nil {
			return fmt.Errorf("output: catalog: dataset %s: %s: %w", id, FileDataPackage, err)
		}
		node, mod := datasetNode(base, id, rel, dp, meta, now)
		if mod.After(modified) {
			modified = mod
		}
		datasets = append(datasets, node)
	}
	if datasets == nil {
		datasets = []any{}
	}
	catalog := map[string]any{
		"@id":             base + "/" + FileCatalog,
		"@type":           "dcat:Catalog",
		"dct:title":       frText(meta.Title),
		"dct:description": frText(meta.Description),
		"dct:publisher":   agent(meta.Publisher, meta.PublisherURL),
		"dct:language":    ref(languageURI(meta.Language)),
		"dcat:dataset":    datasets,
	}
	if meta.Homepage != "" {
		catalog["foaf:homepage"] = ref(meta.Homepage)
	}
	if !modified.IsZero() {
		catalog["dct:modified"] = typed(modified.Format(time.RFC3339), "xsd:dateTime")
	}
	doc := map[string]any{
		"@context": catalogContext,
		"@graph":   []any{catalog},
	}
	b, err := marshalJSON(doc)
	if err != nil {
		return fmt.Errorf("output: catalog: %w", err)
	}
	if err := os.MkdirAll(publicDir, 0o755); err != nil {
		return fmt.Errorf("output: catalog: %w", err)
	}
	return writeFileAtomic(filepath.Join(publicDir, FileCatalog), b)
}

// datasetNode describes one dataset's latest release; it returns the node
// and its modification time.
func datasetNode(base, id, rel string, dp dataPackage, meta CatalogMeta, now time.Time) (map[string]any, time.Time) {
	ext := dp.Ligerdata
	modified, err := time.Parse(time.RFC3339, dp.Created)
	if err != nil || modified.After(now) {
		modified = now.Truncate(time.Second)
	}
	modified = modified.UTC()
	landing := base + "/jeux-de-donnees/" + id
	publisher := ext.Publisher
	if publisher == "" {
		for _, c := range dp.Contributors {
			if c.Role == "publisher" {
				publisher = c.Title
				break
			}
		}
	}
	if publisher == "" {
		publisher = meta.Publisher
	}
	licenseURL := ext.License
	if licenseURL == "" && len(dp.Licenses) > 0 {
		licenseURL = dp.Licenses[0].Path
	}
	node := map[string]any{
		"@id":             base + "/datasets/" + id,
		"@type":           "dcat:Dataset",
		"dct:identifier":  id,
		"dct:title":       frText(dp.Title),
		"dct:description": frText(dp.Description),
		"dct:publisher":   agent(publisher, ""),
		"dct:modified":    typed(modified.Format(time.RFC3339), "xsd:dateTime"),
		"dcat:landingPage": map[string]any{
			"@id":   landing,
			"@type": "foaf:Document",
		},
		"dcat:version": rel,
	}
	if ext.ContactEml != "" {
		node["dcat:contactPoint"] = map[string]any{
			"@type":          "vcard:Organization",
			"vcard:fn":       publisher,
			"vcard:hasEmail": ref("mailto:" + ext.ContactEml),
		}
	}
	if licenseURL != "" {
		node["dct:license"] = license(licenseURL)
	}
	if len(dp.Keywords) > 0 {
		kw := make([]any, len(dp.Keywords))
		for i, k := range dp.Keywords {
			kw[i] = frText(k)
		}
		node["dcat:keyword"] = kw
	}
	if ext.SchemaURI != "" {
		node["dct:conformsTo"] = map[string]any{"@id": ext.SchemaURI, "@type": "dct:Standard"}
	}
	if ext.Theme != "" {
		node["dcat:theme"] = ref(themeURI(ext.Theme))
	}
	if ext.Spatial != "" {
		if isURI(ext.Spatial) {
			node["dct:spatial"] = ref(ext.Spatial)
		} else {
			node["dct:spatial"] = map[string]any{
				"@type":          "dct:Location",
				"skos:prefLabel": frText(ext.Spatial),
			}
		}
	}
	if len(dp.Sources) > 0 && isURI(dp.Sources[0].Path) {
		node["dct:source"] = ref(dp.Sources[0].Path)
	}
	var dists []any
	for _, res := range dp.Resources {
		url := base + "/datasets/" + id + "/" + rel + "/" + res.Path
		d := map[string]any{
			"@id":              url + "#distribution",
			"@type":            "dcat:Distribution",
			"dct:title":        frText(distributionTitle(res.Format)),
			"dcat:accessURL":   ref(url),
			"dcat:downloadURL": ref(url),
			"dcat:mediaType":   ref(ianaMedia + res.MediaType),
			"dcat:byteSize":    typed(strconv.FormatInt(res.Bytes, 10), "xsd:nonNegativeInteger"),
			"dct:format":       ref(euFileType + strings.ToUpper(res.Format)),
			"dct:modified":     typed(modified.Format(time.RFC3339), "xsd:dateTime"),
		}
		if sum, ok := strings.CutPrefix(res.Hash, "sha256:"); ok {
			d["spdx:checksum"] = map[string]any{
				"@type":              "spdx:Checksum",
				"spdx:algorithm":     ref("spdx:checksumAlgorithm_sha256"),
				"spdx:checksumValue": typed(sum, "xsd:hexBinary"),
			}
		}
		if licenseURL != "" {
			d["dct:license"] = license(licenseURL)
		}
		if res.Format == "csv" && ext.SchemaURI != "" {
			d["dct:conformsTo"] = map[string]any{"@id": ext.SchemaURI, "@type": "dct:Standard"}
		}
		dists = append(dists, d)
	}
	if dists != nil {
		node["dcat:distribution"] = dists
	}
	return node, modified
}

func distributionTitle(format string) string {
	switch format {
	case "csv":
		return "Données au format CSV"
	case "parquet":
		return "Données au format Parquet"
	}
	return "Données au format " + format
}

func frText(s string) map[string]any {
	return map[string]any{"@value": s, "@language": "fr"}
}

func ref(uri string) map[string]any { return map[string]any{"@id": uri} }

func typed(v, typ string) map[string]any { return map[string]any{"@value": v, "@type": typ} }

func agent(name, uri string) map[string]any {
	a := map[string]any{"@type": "foaf:Agent", "foaf:name": frText(name)}
	if uri != "" {
		a["@id"] = uri
	}
	return a
}

func license(uri string) map[string]any {
	return map[string]any{"@id": uri, "@type": "dct:LicenseDocument"}
}

func isURI(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
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

// themeURI maps an EU data-theme code (ENVI, TRAN, REGI …) to its URI.
func themeURI(theme string) string {
	if isURI(theme) {
		return theme
	}
	return euDataTheme + strings.ToUpper(strings.TrimSpace(theme))
}
