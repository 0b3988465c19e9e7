package web

import (
	"cmp"
	"encoding/json"
	"html/template"
	"net/http"
	"time"
)

// openGraph are the Open Graph properties of a page.
type openGraph struct {
	Type, Title, Description, URL, SiteName string
}

// siteName is the name of the site in titles and metadata.
const siteName = "Données ouvertes des Pays de la Loire"

// schemaOrgDataset is the schema.org Dataset description of a dataset
// page, for search engines (Google Dataset Search reads it).
type schemaOrgDataset struct {
	Context      string            `json:"@context"`
	Type         string            `json:"@type"`
	ID           string            `json:"@id"`
	Name         string            `json:"name"`
	Description  string            `json:"description"`
	URL          string            `json:"url"`
	Identifier   string            `json:"identifier"`
	Keywords     []string          `json:"keywords,omitempty"`
	License      string            `json:"license,omitempty"`
	Creator      *schemaOrgOrg     `json:"creator,omitempty"`
	DateModified string            `json:"dateModified,omitempty"`
	Version      string            `json:"version"`
	Free         bool              `json:"isAccessibleForFree"`
	Spatial      string            `json:"spatialCoverage"`
	InLanguage   string            `json:"inLanguage"`
	Distribution []schemaOrgDownld `json:"distribution,omitempty"`
	IncludedIn   schemaOrgCatalog  `json:"includedInDataCatalog"`
	IsBasedOn    string            `json:"isBasedOn,omitempty"`
}

type schemaOrgOrg struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

type schemaOrgDownld struct {
	Type       string `json:"@type"`
	Format     string `json:"encodingFormat"`
	ContentURL string `json:"contentUrl"`
}

type schemaOrgCatalog struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// describeDatasetPage sets the meta description, Open Graph properties and
// schema.org JSON-LD of a dataset page.
func (s *site) describeDatasetPage(r *http.Request, page *datasetPage, rel *release) {
	dp := rel.Package
	summary := excerpt(dp.Description, 300)
	if summary == "" {
		summary = page.Title
	}
	pageURL := s.urlFor(r, "/jeux-de-donnees/"+rel.Dataset)
	page.Layout.Description = summary
	page.Layout.OG = &openGraph{Type: "website", Title: page.Title, Description: summary, URL: pageURL, SiteName: siteName}
	d := schemaOrgDataset{
		Context: "https://schema.org/", Type: "Dataset", ID: s.urlFor(r, "/datasets/"+rel.Dataset),
		Name: page.Title, Description: excerpt(dp.Description, 5000), URL: pageURL, Identifier: rel.Dataset,
		Keywords: dp.Keywords, Version: rel.Name, Free: true, Spatial: "Pays de la Loire, France", InLanguage: "fr",
		IncludedIn: schemaOrgCatalog{Type: "DataCatalog", Name: siteName, URL: s.urlFor(r, "/")},
	}
	if d.Description == "" {
		d.Description = page.Title
	}
	if len(dp.Licenses) > 0 {
		d.License = cmp.Or(dp.Licenses[0].Path, dp.Licenses[0].Name)
	}
	if len(page.Publishers) > 0 {
		d.Creator = &schemaOrgOrg{Type: "Organization", Name: page.Publishers[0].Title}
	}
	if !rel.Time.IsZero() {
		d.DateModified = rel.Time.UTC().Format(time.RFC3339)
	}
	if len(dp.Sources) > 0 && isHTTP(dp.Sources[0].Path) {
		d.IsBasedOn = dp.Sources[0].Path
	}
	for _, g := range downloadGuide {
		if _, ok := rel.sum(g.file); ok {
			d.Distribution = append(d.Distribution, schemaOrgDownld{Type: "DataDownload",
				Format: contentType(g.file), ContentURL: s.urlFor(r, fileURL(rel.Dataset, latestName, g.file))})
		}
	}
	// encoding/json escapes <, > and &: the text cannot end the script
	// element it is written in.
	if b, err := json.Marshal(d); err == nil {
		page.Layout.JSONLD = template.JS(b)
	}
}

// isHTTP reports whether s is an http(s) address.
func isHTTP(s string) bool {
	return len(s) > 8 && (s[:7] == "http://" || s[:8] == "https://")
}

// sourceModified is the time the source gave for its data's last change.
func sourceModified(dp *dataPackage) (time.Time, bool) {
	if dp.Ligerdata.SourceModified == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, dp.Ligerdata.SourceModified)
	return t, err == nil
}
