package web

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
)

// loadLatest loads the latest release of a dataset; err wraps errNotFound
// when the dataset or its latest release does not exist.
func (s *site) loadLatest(dataset string) (*release, error) {
	name, err := s.tree.latest(dataset)
	if err != nil {
		return nil, err
	}
	rel, qerr, err := s.tree.loadRelease(dataset, name)
	if err != nil {
		return nil, err
	}
	if qerr != nil {
		s.log.Warn("quality report unavailable", "dataset", dataset, "release", name, "err", qerr)
	}
	return rel, nil
}

// link is a titled hyperlink.
type link struct {
	Title string
	URL   string
}

type fieldRow struct {
	Name        string
	Title       string
	Type        string
	Required    string
	Description string
}

type countRow struct {
	Label string
	Code  string
	Count string
}

type sampleRow struct {
	Line    string
	Field   string
	Value   string
	Label   string
	Message string
}

type qualityView struct {
	Sentence     string
	ByCode       []countRow
	ByField      []countRow
	HeaderErrors []sampleRow
	Samples      []sampleRow
	Warnings     *warningsView // nil when no row has a warning
}

type releaseRow struct {
	Name    string
	URL     string // release page
	Date    string
	Latest  bool
	Files   []fileLink
	Problem string
	Changes *changeView // nil when the release has no changes.json
}

type datasetPage struct {
	Layout       layoutData
	Dataset      string
	Title        string
	Paragraphs   []string
	Keywords     []link
	Licences     []link
	Sources      []link
	Publishers   []link
	Release      string
	Updated      string
	Rows         string
	Schedule     string
	Quality      *qualityView
	Fields       []fieldRow
	FieldCount   string
	SchemaName   string
	Files        []fileLink
	LatestURLCSV string
	Releases     []releaseRow
	MoreReleases int
	Table        *tablePreview
	Profile      *profileView
	Map          *mapView
	Downloads    []downloadChoice
	Snippets     []snippet
	DCAT         dcatLinks
	FeedURL      string
	// Harvested is when the release was published; SourceModified when
	// the source says its data last changed ("" when it does not say).
	Harvested      string
	SourceModified string
}

// dcatLinks locate a dataset in the DCAT-AP catalogue.
type dcatLinks struct {
	// ID is the IRI of the dataset's dcat:Dataset node.
	ID     string
	JSONLD string
	Turtle string // "" when catalog.ttl is not published
}

// dcatOf returns the catalogue links of a dataset; the node IRI follows
// package output: base + "/datasets/<id>", under the base r is served at.
func (s *site) dcatOf(r *http.Request, dataset string) dcatLinks {
	d := dcatLinks{ID: s.urlFor(r, "/datasets/"+dataset), JSONLD: s.absURL("/catalog.jsonld")}
	if fi, err := os.Stat(filepath.Join(s.tree.dir, "catalog.ttl")); err == nil && fi.Mode().IsRegular() {
		d.Turtle = s.absURL("/catalog.ttl")
	}
	return d
}

// maxReleasesShown bounds the release list of a dataset page.
const maxReleasesShown = 60

// latestOr404 loads the latest release of the dataset named in the path,
// or answers 404 (logging why when the release exists but cannot be read,
// for the page named by what) and reports false.
func (s *site) latestOr404(w http.ResponseWriter, r *http.Request, what string) (*release, bool) {
	name := r.PathValue("dataset")
	if !validName(name) {
		s.notFound(w, r)
		return nil, false
	}
	rel, err := s.loadLatest(name)
	if err != nil {
		if !errors.Is(err, errNotFound) {
			s.log.Warn(what+": latest release unavailable", "dataset", name, "err", err)
		}
		s.notFound(w, r)
		return nil, false
	}
	return rel, true
}

func (s *site) dataset(w http.ResponseWriter, r *http.Request) {
	rel, ok := s.latestOr404(w, r, "dataset page")
	if !ok {
		return
	}
	page := s.datasetPageOf(r, rel)
	if page.Table != nil && page.Table.Transient {
		w.Header().Set("Cache-Control", "no-store")
	}
	s.render(w, r, http.StatusOK, "dataset.html", page)
}

// datasetPageOf prepares the page of rel, the latest release of its
// dataset, for r (whose query string drives the preview).
func (s *site) datasetPageOf(r *http.Request, rel *release) datasetPage {
	dp := rel.Package
	page := datasetPage{
		Layout:     s.datasetLayout(r, rel.title(), rel.Dataset, rel.title()),
		Dataset:    rel.Dataset,
		Title:      rel.title(),
		Paragraphs: paragraphs(dp.Description),
		Release:    rel.Name,
		Updated:    frenchDate(rel.Time),
		Harvested:  frenchDateTime(rel.Time),
		Rows:       frenchInt(rel.rows()) + " " + plural(rel.rows(), "ligne", "lignes"),
		Schedule:   dp.Ligerdata.Schedule,
		SchemaName: dp.Ligerdata.Schema,
		Files:      s.files(rel),
		Downloads:  s.downloadChoices(rel),
		Snippets:   s.reuseSnippets(r, rel),
		DCAT:       s.dcatOf(r, rel.Dataset),
		FeedURL:    s.absURL(datasetFeedURL(rel.Dataset)),
	}
	if t, ok := sourceModified(dp); ok {
		page.SourceModified = frenchDateTime(t)
	}
	for _, k := range dp.Keywords {
		page.Keywords = append(page.Keywords, link{Title: k, URL: "/recherche?" + url.Values{"mot-cle": {k}}.Encode()})
	}
	page.Licences, page.Sources, page.Publishers = datasetLinks(dp)
	if _, ok := rel.sum("data.csv"); ok {
		page.LatestURLCSV = s.absURL(fileURL(rel.Dataset, latestName, "data.csv"))
	}
	if rel.Quality != nil {
		page.Quality = qualityViewOf(rel.Quality)
	}
	schema, err := dp.schema()
	if err != nil {
		s.log.Warn("dataset page: schema unavailable", "dataset", rel.Dataset, "release", rel.Name, "err", err)
	}
	if schema != nil {
		page.Fields, page.FieldCount = fieldRows(schema)
		page.Table = s.tablePreviewOf(r, rel, schema.Fields)
		page.Profile = s.profileOf(rel, schema.Fields)
		page.Map = s.mapOf(rel.Dataset, rel, schema.Fields)
	}
	if page.Map != nil {
		page.Layout.Styles = []string{staticPath("static/leaflet/leaflet.css")}
		page.Layout.Scripts = []string{staticPath("static/leaflet/leaflet.js"), staticPath("static/carte.js")}
	}
	page.Releases, page.MoreReleases = s.releaseRows(rel.Dataset, rel.Name)
	s.describeDatasetPage(r, &page, rel)
	return page
}

// datasetLinks are the licences, sources and publishers of a release.
func datasetLinks(dp *dataPackage) (licences, sources, publishers []link) {
	for _, l := range dp.Licenses {
		licences = append(licences, link{Title: cmp.Or(l.Title, l.Name), URL: l.Path})
	}
	for _, src := range dp.Sources {
		sources = append(sources, link{Title: cmp.Or(src.Title, src.Path), URL: src.Path})
	}
	for _, c := range dp.Contributors {
		if c.Role != "publisher" && c.Role != "" {
			continue
		}
		u := c.Path
		if u == "" && c.Email != "" {
			u = "mailto:" + c.Email
		}
		publishers = append(publishers, link{Title: c.Title, URL: u})
	}
	return licences, sources, publishers
}

// fieldRows are the rows of a schema's table, and their count in words.
func fieldRows(schema *tableSchema) ([]fieldRow, string) {
	pk := make(map[string]bool)
	for _, k := range schema.primaryKey() {
		pk[k] = true
	}
	var rows []fieldRow
	for _, f := range schema.Fields {
		req := "non"
		if f.Constraints.Required || pk[f.Name] {
			req = "oui"
		}
		rows = append(rows, fieldRow{
			Name: f.Name, Title: f.Title, Type: fieldTypeLabel(f.Type),
			Required: req, Description: f.Description,
		})
	}
	n := int64(len(rows))
	return rows, frenchInt(n) + " " + plural(n, "champ", "champs")
}

// keysOnDatasetPage bounds the row keys listed per kind for each release
// on a dataset page; the release page lists them all.
const keysOnDatasetPage = 20

// releaseRows lists the most recent published releases of a dataset with
// their files and changelogs.
func (s *site) releaseRows(dataset, latest string) ([]releaseRow, int) {
	names, err := s.publishedReleases(dataset, latest)
	if err != nil {
		s.log.Warn("list releases", "dataset", dataset, "err", err)
		return nil, 0
	}
	more := 0
	if len(names) > maxReleasesShown {
		more = len(names) - maxReleasesShown
		names = names[:maxReleasesShown]
	}
	var rows []releaseRow
	for _, n := range names {
		row := releaseRow{Name: n, Latest: n == latest, URL: s.absURL(releasePageURL(dataset, n))}
		if t, ok := releaseTime(n); ok {
			row.Date = frenchDateTime(t)
		}
		dir, err := s.tree.releaseDir(dataset, n)
		if err == nil {
			var sums []checksum
			sums, _, err = s.tree.sums(dir)
			for _, c := range sums {
				row.Files = append(row.Files, fileLink{Name: c.File, URL: s.absURL(fileURL(dataset, n, c.File))})
			}
			if err == nil {
				c, cerr := s.changes.load(&release{Dataset: dataset, Name: n, Dir: dir, Sums: sums})
				if cerr != nil {
					s.log.Warn("changelog unavailable", "dataset", dataset, "release", n, "err", cerr)
				} else if c != nil {
					row.Changes = s.changeViewOf(dataset, c, keysOnDatasetPage)
				}
			}
		}
		if err != nil {
			s.log.Warn("release listed without files", "dataset", dataset, "release", n, "err", err)
			row.Problem = "fichiers indisponibles"
		}
		rows = append(rows, row)
	}
	return rows, more
}

// qualityViewOf prepares the French quality summary of a report.
func qualityViewOf(q *quality) *qualityView {
	v := &qualityView{Sentence: releaseQualitySentence(q), Warnings: warningsViewOf(q)}
	v.ByCode = countRows(q.ErrorsByCode, func(code string) string { return errorCodeLabel(code) })
	v.ByField = countRows(q.ErrorsByField, func(field string) string { return field })
	for _, e := range q.HeaderErrors {
		v.HeaderErrors = append(v.HeaderErrors, sampleRowOf(e))
	}
	for _, e := range q.SampleErrors {
		v.Samples = append(v.Samples, sampleRowOf(e))
	}
	return v
}

func sampleRowOf(e qualityError) sampleRow {
	line := ""
	if e.Line > 0 {
		line = frenchInt(e.Line)
	} else if e.Row > 0 {
		line = frenchInt(e.Row)
	}
	return sampleRow{
		Line: line, Field: e.Field, Value: excerpt(e.valueText(), 80),
		Label: errorCodeLabel(e.Code), Message: e.Message,
	}
}

// countRows sorts a count map by decreasing count, then key.
func countRows(m map[string]int64, label func(string) string) []countRow {
	keys := make([]string, 0, len(m))
	for k, n := range m {
		if n > 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	out := make([]countRow, 0, len(keys))
	for _, k := range keys {
		out = append(out, countRow{Label: label(k), Code: k, Count: frenchInt(m[k])})
	}
	return out
}
