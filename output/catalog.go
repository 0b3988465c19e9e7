package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// CatalogMeta describes the catalogue itself. BaseURL is the public root of
// the site without a trailing slash (e.g. https://ligerdata.fr); without
// it the catalogue's IRIs are relative to the site root (they resolve
// against the catalogue's own address). Language is a language code ("fr")
// or an EU language authority URI; it defaults to French.
type CatalogMeta struct {
	Title, Description, Publisher, PublisherURL, Homepage, BaseURL, Language string
	// PublisherType is the ADMS publisher type of the catalogue's publisher
	// (e.g. "RegionalAuthority"), optional.
	PublisherType string
	// License is the licence of the catalogue's metadata (a licence id such
	// as etalab-2.0, or a URL), optional.
	License string
	// PageSize is the number of datasets per JSON-LD page; zero means
	// DefaultCatalogPageSize.
	PageSize int
}

// Names of the catalogue files in the public tree, and their media types
// (TurtleMediaType is what the web server must answer for catalog.ttl).
const (
	FileCatalog          = "catalog.jsonld"
	FileCatalogTurtle    = "catalog.ttl"
	JSONLDMediaType      = "application/ld+json"
	TurtleMediaType      = "text/turtle"
	catalogPagePrefix    = "catalog-"
	catalogPageSuffix    = ".jsonld"
	catalogFragment      = "#catalog"
	distributionFragment = "#distribution"
)

// DefaultCatalogPageSize is the number of datasets per JSON-LD page when
// CatalogMeta.PageSize is zero.
const DefaultCatalogPageSize = 100

// CatalogPageFile returns the file name of JSON-LD page n (from 1):
// catalog.jsonld, catalog-2.jsonld, catalog-3.jsonld …
func CatalogPageFile(n int) string {
	if n <= 1 {
		return FileCatalog
	}
	return catalogPagePrefix + strconv.Itoa(n) + catalogPageSuffix
}

// WriteCatalog writes the DCAT-AP 3.0.1 catalogue of the public tree, each
// dataset described by its latest release: catalog.jsonld (JSON-LD, split
// into pages of meta.PageSize datasets linked by a Hydra
// PartialCollectionView — catalog.jsonld, catalog-2.jsonld … — when there
// is more than one page) and catalog.ttl (Turtle, the same triples without
// the paging, in one file). Every file is first written and fsynced under a
// temporary name, then all are renamed, catalog.jsonld last; pages left
// over from a larger catalogue are removed.
//
// The graph: a dcat:Catalog (dct:title, dct:description, dct:publisher
// foaf:Agent with foaf:name and dct:type, foaf:homepage, dct:language,
// dct:modified, dct:license, dct:spatial, dcat:themeTaxonomy,
// dcat:dataset); per dataset a dcat:Dataset (dct:identifier, dct:title and
// dct:description in French, dct:publisher, dcat:contactPoint
// vcard:Organization, dcat:keyword, dcat:theme skos:Concept, dct:spatial
// dct:Location, dct:temporal dct:PeriodOfTime when the release declares
// one, dct:accrualPeriodicity from the cron schedule (FrequencyOf),
// dct:modified (release time, never in the future), dct:issued (first
// release kept), dcat:landingPage, dct:conformsTo the schema, dcat:version
// (the release id), adms:versionNotes (from changes.json), dct:license
// (LicenseFor), dct:language, dct:accessRights, dcat:distribution); per
// data file of the release (data.csv, data-fr.csv, data.parquet,
// data.geojson) a dcat:Distribution (dct:title, dct:description,
// dcat:accessURL = dcat:downloadURL, dcat:mediaType IANA, dct:format EU
// file type, dcat:byteSize, spdx:checksum sha256, dct:license,
// dct:modified, dcatap:availability, dct:conformsTo for data.csv).
//
// The output is deterministic: the same public tree gives the same bytes
// (datasets sorted by id, keys and predicates sorted, no clock reading
// except to cap dates in the future).
//
// Calls are serialised within and across processes (see catalog_lock.go),
// so that the pages and the Turtle file of two runs finishing together are
// never mixed and the last catalogue written is built from a tree holding
// every release switched in before it; the stale marks it saw are cleared
// once it is written.
func WriteCatalog(publicDir string, meta CatalogMeta) error {
	unlock, err := lockCatalog(publicDir)
	if err != nil {
		return fmt.Errorf("output: catalog: %w", err)
	}
	defer unlock()
	removeCatalogTemps(publicDir)
	marks := staleMarks(publicDir)
	if err := writeCatalog(publicDir, meta, time.Now().UTC()); err != nil {
		return err
	}
	for _, m := range marks {
		os.Remove(m)
	}
	return nil
}

func writeCatalog(publicDir string, meta CatalogMeta, now time.Time) error {
	base := strings.TrimRight(meta.BaseURL, "/")
	var datasets []*rdfNode
	var modified time.Time
	// Datasets first, then the indicators computed from them: both are
	// dcat:Dataset.
	for _, c := range []Collection{CollectionDatasets, CollectionIndicators} {
		ids, err := c.IDs(publicDir)
		if err != nil {
			return fmt.Errorf("output: catalog: %w", err)
		}
		for _, id := range ids {
			node, mod, err := datasetGraph(publicDir, base, c, id, meta, now)
			if err != nil {
				return fmt.Errorf("output: catalog: %s %s: %w", c.Path(), id, err)
			}
			if mod.After(modified) {
				modified = mod
			}
			datasets = append(datasets, node)
		}
	}
	size := meta.PageSize
	if size <= 0 {
		size = DefaultCatalogPageSize
	}
	pages := max(1, (len(datasets)+size-1)/size)

	var files []namedFile
	for p := 1; p <= pages; p++ {
		cat := catalogGraph(base, meta, modified)
		for _, ds := range datasets[min((p-1)*size, len(datasets)):min(p*size, len(datasets))] {
			cat.add(nsDCAT+"dataset", nodeObj(ds))
		}
		if pages > 1 {
			addHydraView(cat, base, p, pages, len(datasets))
		}
		b, err := marshalJSON(map[string]any{
			"@context": jsonldContext(),
			"@graph":   []any{cat.jsonld()},
		})
		if err != nil {
			return fmt.Errorf("output: catalog: %w", err)
		}
		files = append(files, namedFile{CatalogPageFile(p), b})
	}
	cat := catalogGraph(base, meta, modified)
	for _, ds := range datasets {
		cat.add(nsDCAT+"dataset", nodeObj(ds))
	}
	// catalog.jsonld (page 1), the entry point, is renamed last.
	files = append(files[1:], namedFile{FileCatalogTurtle, writeTurtle(cat)}, files[0])
	if err := os.MkdirAll(publicDir, 0o755); err != nil {
		return fmt.Errorf("output: catalog: %w", err)
	}
	if err := writeFilesAtomic(publicDir, files); err != nil {
		return fmt.Errorf("output: catalog: %w", err)
	}
	return removeStalePages(publicDir, pages)
}

// catalogGraph returns the dcat:Catalog node without its datasets.
func catalogGraph(base string, meta CatalogMeta, modified time.Time) *rdfNode {
	cat := newNode(base+"/"+FileCatalog+catalogFragment, nsDCAT+"Catalog")
	cat.add(nsDCT+"title", frLit(meta.Title))
	cat.add(nsDCT+"description", frLit(firstNonEmpty(meta.Description, meta.Title)))
	pub := newNode(cleanIRI(meta.PublisherURL), nsFOAF+"Agent")
	if pub.id == "" {
		// The publisher is on every page: an IRI keeps it one node.
		pub.id = base + "/" + FileCatalog + "#publisher"
	}
	pub.add(nsFOAF+"name", frLit(meta.Publisher))
	if meta.PublisherType != "" {
		pub.add(nsDCT+"type", iriObj(admsPubTyp+meta.PublisherType))
	}
	cat.add(nsDCT+"publisher", nodeObj(pub))
	if meta.Homepage != "" {
		cat.add(nsFOAF+"homepage", nodeObj(newNode(cleanIRI(meta.Homepage), nsFOAF+"Document")))
	}
	cat.add(nsDCT+"language", nodeObj(newNode(languageURI(meta.Language), nsDCT+"LinguisticSystem")))
	if !modified.IsZero() {
		cat.add(nsDCT+"modified", typedLit(modified.Format(time.RFC3339), nsXSD+"dateTime"))
	}
	if l, ok := LicenseFor(meta.License); ok {
		cat.add(nsDCT+"license", nodeObj(licenseNode(l)))
	}
	cat.add(nsDCT+"spatial", nodeObj(regionNode()))
	scheme := newNode(strings.TrimSuffix(euTheme, "/"), nsSKOS+"ConceptScheme")
	scheme.add(nsDCT+"title", frLit("Thèmes de données (Union européenne)"))
	cat.add(nsDCAT+"themeTaxonomy", nodeObj(scheme))
	return cat
}

// addHydraView makes the catalogue page p of pages a hydra:Collection with
// a hydra:PartialCollectionView, as udata writes and reads them.
func addHydraView(cat *rdfNode, base string, p, pages, total int) {
	cat.types = append(cat.types, nsHydra+"Collection")
	cat.add(nsHydra+"totalItems", typedLit(strconv.Itoa(total), nsXSD+"integer"))
	page := func(n int) string { return base + "/" + CatalogPageFile(n) }
	view := newNode(page(p), nsHydra+"PartialCollectionView")
	view.add(nsHydra+"first", iriObj(page(1)))
	view.add(nsHydra+"last", iriObj(page(pages)))
	if p > 1 {
		view.add(nsHydra+"previous", iriObj(page(p-1)))
	}
	if p < pages {
		view.add(nsHydra+"next", iriObj(page(p+1)))
	}
	cat.add(nsHydra+"view", nodeObj(view))
}

// catalogPackage is what the catalogue reads of a datapackage.json beyond
// dataPackage: the optional temporal coverage of the release
// ("ligerdata": {"temporal": {"start": "2024-01-01", "end": "2024-12-31"}},
// dates as YYYY, YYYY-MM-DD or RFC 3339).
type catalogPackage struct {
	Ligerdata struct {
		Temporal *struct {
			Start string `json:"start"`
			End   string `json:"end"`
		} `json:"temporal"`
	} `json:"ligerdata"`
}

// datasetGraph describes the latest release of a dataset or an indicator
// (collection c); it returns the node and its modification time. An
// indicator names the datasets it was computed from (prov:wasDerivedFrom
// and dct:source, from "ligerdata": {"derived_from": [...]}).
func datasetGraph(publicDir, base string, c Collection, id string, meta CatalogMeta, now time.Time) (*rdfNode, time.Time, error) {
	rel, err := c.Latest(publicDir, id)
	if err != nil {
		return nil, time.Time{}, err
	}
	relDir := filepath.Join(c.dir(publicDir), id, rel)
	raw, err := os.ReadFile(filepath.Join(relDir, FileDataPackage))
	if err != nil {
		return nil, time.Time{}, err
	}
	var dp dataPackage
	var extra catalogPackage
	if err := json.Unmarshal(raw, &dp); err != nil {
		return nil, time.Time{}, fmt.Errorf("%s: %w", FileDataPackage, err)
	}
	_ = json.Unmarshal(raw, &extra) // same document: cannot fail where dp did not
	modified := releaseTime(dp.Created, rel, now)

	dsURL := base + "/" + c.Path() + "/" + url.PathEscape(id)
	ds := newNode(dsURL, nsDCAT+"Dataset")
	describeDataset(ds, id, &dp, &extra, meta)
	ds.add(nsDCT+"modified", typedLit(modified.Format(time.RFC3339), nsXSD+"dateTime"))
	if issued, ok := firstRelease(publicDir, c, id, now); ok {
		ds.add(nsDCT+"issued", typedLit(issued.Format(time.RFC3339), nsXSD+"dateTime"))
	}
	landing := "/jeux-de-donnees/"
	if c == CollectionIndicators {
		landing = "/indicateurs/"
	}
	ds.add(nsDCAT+"landingPage", nodeObj(newNode(base+landing+url.PathEscape(id), nsFOAF+"Document")))
	var schema *rdfNode
	if dp.Ligerdata.SchemaURI != "" {
		schema = newNode(cleanIRI(dp.Ligerdata.SchemaURI), nsDCT+"Standard")
		ds.add(nsDCT+"conformsTo", nodeObj(schema))
	}
	ds.add(nsDCAT+"version", strLit(rel))
	if notes := versionNotes(publicDir, c, id, rel); notes != "" {
		ds.add(nsADMS+"versionNotes", frLit(notes))
	}
	lic, hasLicense := datasetLicense(&dp)
	if hasLicense {
		ds.add(nsDCT+"license", nodeObj(licenseNode(lic)))
	}
	ds.add(nsDCT+"language", nodeObj(newNode(languageURI("fr"), nsDCT+"LinguisticSystem")))
	ds.add(nsDCT+"accessRights", nodeObj(newNode(euAccess+"PUBLIC", nsDCT+"RightsStatement")))
	addSources(ds, base, &dp)

	files, err := releaseFiles(relDir, dp)
	if err != nil {
		return nil, time.Time{}, err
	}
	dist := distributionInfo{base: dsURL + "/" + url.PathEscape(rel) + "/", modified: modified, schema: schema}
	if hasLicense {
		dist.license = &lic
	}
	addDistributions(ds, files, dist)
	return ds, modified, nil
}

// describeDataset adds what the datapackage says of the dataset itself:
// identifier, title, description, publisher and contact point, keywords,
// theme, spatial and temporal coverage, update frequency.
func describeDataset(ds *rdfNode, id string, dp *dataPackage, extra *catalogPackage, meta CatalogMeta) {
	ext := dp.Ligerdata
	ds.add(nsDCT+"identifier", strLit(id))
	ds.add(nsDCT+"title", frLit(firstNonEmpty(dp.Title, id)))
	ds.add(nsDCT+"description", frLit(firstNonEmpty(dp.Description, dp.Title, id)))
	publisher := ext.Publisher
	if publisher == "" {
		for _, c := range dp.Contributors {
			if c.Role == "publisher" {
				publisher = c.Title
				break
			}
		}
	}
	publisher = firstNonEmpty(publisher, meta.Publisher)
	if publisher != "" {
		agent := newNode("", nsFOAF+"Agent").add(nsFOAF+"name", frLit(publisher))
		ds.add(nsDCT+"publisher", nodeObj(agent))
	}
	if email := strings.TrimSpace(ext.ContactEml); email != "" {
		cp := newNode("", nsVCard+"Organization")
		cp.add(nsVCard+"fn", frLit(firstNonEmpty(publisher, email)))
		cp.add(nsVCard+"hasEmail", iriObj("mailto:"+email))
		ds.add(nsDCAT+"contactPoint", nodeObj(cp))
	}
	for _, k := range dp.Keywords {
		ds.add(nsDCAT+"keyword", frLit(k))
	}
	if ext.Theme != "" {
		iri, label := themeConcept(ext.Theme)
		concept := newNode(iri, nsSKOS+"Concept")
		if label != "" {
			concept.add(nsSKOS+"prefLabel", frLit(label))
			concept.add(nsSKOS+"inScheme", iriObj(strings.TrimSuffix(euTheme, "/")))
		} else {
			concept.types = nil // an unknown concept: a reference only
		}
		ds.add(nsDCAT+"theme", nodeObj(concept))
	}
	ds.add(nsDCT+"spatial", nodeObj(spatialNode(ext.Spatial)))
	if t := extra.Ligerdata.Temporal; t != nil {
		if period := periodNode(t.Start, t.End); period != nil {
			ds.add(nsDCT+"temporal", nodeObj(period))
		}
	}
	ds.add(nsDCT+"accrualPeriodicity", nodeObj(newNode(euFreq+FrequencyOf(ext.Schedule), nsDCT+"Frequency")))
}

// datasetLicense is the licence of a release: its first datapackage
// licence, else the one its ligerdata block names.
func datasetLicense(dp *dataPackage) (CatalogLicense, bool) {
	text := ""
	if len(dp.Licenses) > 0 {
		text = firstNonEmpty(dp.Licenses[0].Name, dp.Licenses[0].Path)
	}
	return LicenseFor(firstNonEmpty(text, dp.Ligerdata.License))
}

// addSources adds the source of a dataset and, for an indicator, the
// datasets it was computed from.
func addSources(ds *rdfNode, base string, dp *dataPackage) {
	if len(dp.Sources) > 0 && isURI(dp.Sources[0].Path) {
		ds.add(nsDCT+"source", iriObj(dp.Sources[0].Path))
	}
	for _, in := range dp.Ligerdata.DerivedFrom {
		if checkName(in.Dataset) != nil {
			continue
		}
		src := base + "/" + in.Collection.Path() + "/" + url.PathEscape(in.Dataset)
		ds.add(nsPROV+"wasDerivedFrom", iriObj(src))
		ds.add(nsDCT+"source", iriObj(src))
	}
}

// distributionInfo is what every distribution of a release shares.
type distributionInfo struct {
	base     string // address of the release folder, ending with "/"
	modified time.Time
	schema   *rdfNode        // nil without a schema
	license  *CatalogLicense // nil without a known licence
}

// addDistributions adds one dcat:Distribution per data file of the release.
func addDistributions(ds *rdfNode, files map[string]releaseFile, info distributionInfo) {
	for _, f := range distributionFormats {
		file, ok := files[f.name]
		if !ok {
			continue
		}
		u := info.base + f.name
		d := newNode(u+distributionFragment, nsDCAT+"Distribution")
		d.add(nsDCT+"title", frLit(f.title))
		d.add(nsDCT+"description", frLit(f.description))
		d.add(nsDCAT+"accessURL", iriObj(u))
		d.add(nsDCAT+"downloadURL", iriObj(u))
		d.add(nsDCAT+"mediaType", nodeObj(newNode(ianaMedia+f.mediaType, nsDCT+"MediaType")))
		d.add(nsDCT+"format", nodeObj(newNode(euFileType+f.fileType, nsDCT+"MediaTypeOrExtent")))
		d.add(nsDCAT+"byteSize", typedLit(strconv.FormatInt(file.Bytes, 10), nsXSD+"nonNegativeInteger"))
		if file.SHA256 != "" {
			sum := newNode("", nsSPDX+"Checksum")
			sum.add(nsSPDX+"algorithm", iriObj(nsSPDX+"checksumAlgorithm_sha256"))
			sum.add(nsSPDX+"checksumValue", typedLit(file.SHA256, nsXSD+"hexBinary"))
			d.add(nsSPDX+"checksum", nodeObj(sum))
		}
		if info.license != nil {
			d.add(nsDCT+"license", nodeObj(licenseNode(*info.license)))
		}
		d.add(nsDCT+"modified", typedLit(info.modified.Format(time.RFC3339), nsXSD+"dateTime"))
		d.add(nsDCATAP+"availability", iriObj(euPlanned+"STABLE"))
		if f.conformsSchema && info.schema != nil {
			d.add(nsDCT+"conformsTo", nodeObj(info.schema))
		}
		ds.add(nsDCAT+"distribution", nodeObj(d))
	}
}

// releaseTime is the time of a release: its datapackage.json "created",
// else the time in its id, capped to now (a catalogue never claims a
// modification in the future: udata refuses it).
func releaseTime(created, release string, now time.Time) time.Time {
	t, err := time.Parse(time.RFC3339, created)
	if err != nil {
		t, err = releaseIDTime(release)
	}
	if err != nil || t.After(now) {
		t = now
	}
	return t.UTC().Truncate(time.Second)
}

// releaseIDTime reads the time of a release id (20261127T152100Z-…).
func releaseIDTime(release string) (time.Time, error) {
	stamp, _, _ := strings.Cut(release, "-")
	return time.Parse("20060102T150405Z", stamp)
}

// firstRelease returns the time of the oldest release of a dataset still
// published.
func firstRelease(publicDir string, c Collection, id string, now time.Time) (time.Time, bool) {
	rels, err := c.Releases(publicDir, id)
	if err != nil || len(rels) == 0 {
		return time.Time{}, false
	}
	var dp struct {
		Created string `json:"created"`
	}
	raw, err := os.ReadFile(filepath.Join(c.dir(publicDir), id, rels[0], FileDataPackage))
	if err == nil {
		_ = json.Unmarshal(raw, &dp)
	}
	return releaseTime(dp.Created, rels[0], now), true
}

// releaseFile is a data file of a release with its size and checksum.
type releaseFile struct {
	Bytes  int64
	SHA256 string
}

// releaseFiles lists the data files of a release folder: the names and
// checksums of SHA256SUMS (the datapackage.json resources when it is
// missing), with their sizes on disk.
func releaseFiles(relDir string, dp dataPackage) (map[string]releaseFile, error) {
	out := map[string]releaseFile{}
	sums, err := os.ReadFile(filepath.Join(relDir, FileSums))
	switch {
	case err == nil:
		for name, sum := range parseSums(sums) {
			out[name] = releaseFile{SHA256: sum}
		}
	case errors.Is(err, fs.ErrNotExist):
		for _, r := range dp.Resources {
			sum, _ := strings.CutPrefix(r.Hash, "sha256:")
			out[r.Path] = releaseFile{SHA256: sum, Bytes: r.Bytes}
		}
	default:
		return nil, err
	}
	for _, f := range distributionFormats {
		rf, ok := out[f.name]
		if !ok {
			continue
		}
		st, err := os.Stat(filepath.Join(relDir, f.name))
		if err != nil {
			return nil, err
		}
		rf.Bytes = st.Size()
		out[f.name] = rf
	}
	return out, nil
}

// parseSums reads a SHA256SUMS file ("<hex>  <name>" lines, as sha256sum
// writes them; a "*" before the name marks binary mode). Lines that are not
// a 64-digit lowercase hex sum and a plain file name are skipped.
func parseSums(b []byte) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		sum, name, ok := strings.Cut(line, " ")
		if !ok || len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
			continue
		}
		name = strings.TrimPrefix(strings.TrimPrefix(name, " "), "*")
		if name == "" || strings.ContainsAny(name, "/\\") || checkName(name) != nil {
			continue
		}
		out[name] = sum
	}
	return out
}

func licenseNode(l CatalogLicense) *rdfNode {
	n := newNode(l.URI, nsDCT+"LicenseDocument")
	if l.Label != "" {
		n.add(nsRDFS+"label", strLit(l.Label))
	}
	return n
}

// regionNode is Pays de la Loire as a dct:Location.
func regionNode() *rdfNode {
	n := newNode(regionURI, nsDCT+"Location")
	n.add(nsSKOS+"prefLabel", frLit(regionLabel))
	n.add(nsDCAT+"bbox", typedLit(regionBBox, geoJSONLiteral))
	return n
}

// spatialNode is the dct:spatial of a dataset: the region when Spatial is
// empty or names it, the place URI it gives, or a place with its name.
func spatialNode(spatial string) *rdfNode {
	switch {
	case isRegion(spatial):
		return regionNode()
	case isURI(spatial):
		return newNode(cleanIRI(spatial), nsDCT+"Location")
	default:
		return newNode("", nsDCT+"Location").add(nsSKOS+"prefLabel", frLit(spatial))
	}
}

// periodNode is a dct:PeriodOfTime; nil when neither date is valid.
func periodNode(start, end string) *rdfNode {
	n := newNode("", nsDCT+"PeriodOfTime")
	if lit, ok := dateLiteral(start); ok {
		n.add(nsDCAT+"startDate", lit)
	}
	if lit, ok := dateLiteral(end); ok {
		n.add(nsDCAT+"endDate", lit)
	}
	if len(n.props) == 0 {
		return nil
	}
	return n
}

// dateLiteral types a date as xsd:gYear, xsd:date or xsd:dateTime.
func dateLiteral(s string) (rdfObj, bool) {
	s = strings.TrimSpace(s)
	if _, err := time.Parse("2006", s); err == nil && len(s) == 4 {
		return typedLit(s, nsXSD+"gYear"), true
	}
	if _, err := time.Parse(time.DateOnly, s); err == nil {
		return typedLit(s, nsXSD+"date"), true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return typedLit(t.UTC().Format(time.RFC3339), nsXSD+"dateTime"), true
	}
	return rdfObj{}, false
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

func isURI(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// namedFile is a file to write into a folder.
type namedFile struct {
	name string
	data []byte
}

// writeFilesAtomic writes files into dir: each to a hidden temporary file,
// fsynced, then, once all are written, renamed over its name in order, and
// the folder fsynced. On error, the temporary files are removed and no
// file has been replaced.
func writeFilesAtomic(dir string, files []namedFile) error {
	tmps := make([]string, 0, len(files))
	cleanup := func() {
		for _, t := range tmps {
			os.Remove(t)
		}
	}
	for _, f := range files {
		tmp, err := os.CreateTemp(dir, "."+f.name+".tmp-*")
		if err != nil {
			cleanup()
			return fmt.Errorf("create %s: %w", f.name, err)
		}
		tmps = append(tmps, tmp.Name())
		_, err = tmp.Write(f.data)
		if err == nil {
			err = tmp.Chmod(0o644)
		}
		if err == nil {
			err = tmp.Sync()
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			cleanup()
			return fmt.Errorf("write %s: %w", f.name, err)
		}
	}
	for i, f := range files {
		if err := os.Rename(tmps[i], filepath.Join(dir, f.name)); err != nil {
			for _, t := range tmps[i:] {
				os.Remove(t)
			}
			return fmt.Errorf("write %s: %w", f.name, err)
		}
	}
	return syncDir(dir)
}

// removeStalePages removes the JSON-LD pages beyond the last one.
func removeStalePages(publicDir string, pages int) error {
	entries, err := os.ReadDir(publicDir)
	if err != nil {
		return fmt.Errorf("output: catalog: %w", err)
	}
	for _, e := range entries {
		num, ok := strings.CutPrefix(e.Name(), catalogPagePrefix)
		if !ok {
			continue
		}
		num, ok = strings.CutSuffix(num, catalogPageSuffix)
		n, err := strconv.Atoi(num)
		if !ok || err != nil || n <= pages || CatalogPageFile(n) != e.Name() {
			continue
		}
		if err := os.Remove(filepath.Join(publicDir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("output: catalog: %w", err)
		}
	}
	return nil
}
