package csw

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// Page is one decoded GetRecords answer.
type Page struct {
	// Matched, Returned and Next are the numberOfRecordsMatched,
	// numberOfRecordsReturned and nextRecord attributes of
	// csw:SearchResults; HasNext is false when nextRecord is absent.
	Matched, Returned, Next int
	HasNext                 bool
	// Records holds one flattened record per gmd:MD_Metadata (or
	// gmi:MI_Metadata), in document order. A child of csw:SearchResults
	// that is not ISO 19139 metadata gives a record with the field
	// connectors.ErrorField.
	Records []map[string]any
}

// ExceptionError is an ows:ExceptionReport served in place of results.
type ExceptionError struct {
	Code, Locator, Text string
}

func (e *ExceptionError) Error() string {
	msg := "server answered an ows:ExceptionReport"
	if e.Code != "" {
		msg += " " + e.Code
	}
	if e.Locator != "" {
		msg += " (locator " + e.Locator + ")"
	}
	if e.Text != "" {
		msg += ": " + e.Text
	}
	return msg
}

// valueWrappers are the gco/gmx elements that carry the value of an ISO
// property; the property is their parent element.
var valueWrappers = map[string]bool{
	"CharacterString": true, "Anchor": true, "Decimal": true, "Real": true, "Integer": true,
	"Date": true, "DateTime": true, "URL": true, "Boolean": true,
}

// DecodePage decodes a CSW 2.0.2 GetRecordsResponse in ISO 19139, one
// record at a time, without building a tree of the document. The charset
// is the one of the XML prolog, except that a body which is valid UTF-8 is
// read as UTF-8 whatever the prolog says (catalogues declare ISO-8859-15
// and serve UTF-8); gmd:characterSet is ignored. An ows:ExceptionReport
// gives an *ExceptionError; an HTML page, another root element, a missing
// csw:SearchResults or malformed XML give an error.
func DecodePage(body []byte) (*Page, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	validUTF8 := utf8.Valid(body)
	d := xml.NewDecoder(bytes.NewReader(body))
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		if validUTF8 {
			return in, nil
		}
		enc, err := htmlindex.Get(label)
		if err != nil {
			if enc, err = ianaindex.IANA.Encoding(label); err != nil || enc == nil {
				return nil, fmt.Errorf("unsupported charset %q", label)
			}
		}
		return enc.NewDecoder().Reader(in), nil
	}
	root, err := nextStart(d)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("no XML element in the body")
		}
		return nil, fmt.Errorf("invalid XML: %w", err)
	}
	switch root.Name.Local {
	case "GetRecordsResponse":
	case "ExceptionReport":
		return nil, decodeException(d)
	default:
		if strings.EqualFold(root.Name.Local, "html") {
			return nil, errors.New("got an HTML page where a csw:GetRecordsResponse was expected")
		}
		return nil, fmt.Errorf("root element %s is not a csw:GetRecordsResponse", root.Name.Local)
	}
	var page *Page
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, errors.New("invalid XML: unexpected end of the document")
			}
			return nil, fmt.Errorf("invalid XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "SearchResults" || page != nil {
				if err := d.Skip(); err != nil {
					return nil, fmt.Errorf("invalid XML: %w", err)
				}
				continue
			}
			if page, err = decodeResults(d, t); err != nil {
				return nil, err
			}
		case xml.EndElement:
			// End of GetRecordsResponse; anything after it is ignored by
			// the decoder only if well formed, so read to the end.
			if page == nil {
				return nil, errors.New("no csw:SearchResults in the response")
			}
			for {
				if _, err := d.Token(); err != nil {
					if errors.Is(err, io.EOF) {
						return page, nil
					}
					return nil, fmt.Errorf("invalid XML: %w", err)
				}
			}
		}
	}
}

// nextStart returns the next start element.
func nextStart(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se, nil
		}
	}
}

func attr(se xml.StartElement, local string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

func intAttr(se xml.StartElement, local string) (int, bool, error) {
	v, ok := attr(se, local)
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0, true, fmt.Errorf("csw:SearchResults/@%s %q is not a count", local, v)
	}
	return n, true, nil
}

func decodeResults(d *xml.Decoder, se xml.StartElement) (*Page, error) {
	p := &Page{}
	var err error
	var ok bool
	if p.Matched, ok, err = intAttr(se, "numberOfRecordsMatched"); err != nil {
		return nil, err
	} else if !ok {
		return nil, errors.New("csw:SearchResults has no numberOfRecordsMatched")
	}
	if p.Returned, _, err = intAttr(se, "numberOfRecordsReturned"); err != nil {
		return nil, err
	}
	if p.Next, p.HasNext, err = intAttr(se, "nextRecord"); err != nil {
		return nil, err
	}
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, errors.New("invalid XML: unexpected end of the document inside csw:SearchResults")
			}
			return nil, fmt.Errorf("invalid XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "MD_Metadata" && t.Name.Local != "MI_Metadata" {
				if err := d.Skip(); err != nil {
					return nil, fmt.Errorf("invalid XML: %w", err)
				}
				p.Records = append(p.Records, map[string]any{
					errorField: fmt.Sprintf("élément %s au lieu d'une fiche ISO 19139 (gmd:MD_Metadata)", t.Name.Local),
				})
				continue
			}
			rec, err := decodeMetadata(d)
			if err != nil {
				return nil, err
			}
			p.Records = append(p.Records, rec.fields())
		case xml.EndElement:
			return p, nil
		}
	}
}

func decodeException(d *xml.Decoder) error {
	e := &ExceptionError{}
	var texts []string
	var buf strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return fmt.Errorf("invalid XML in ows:ExceptionReport: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			buf.Reset()
			if t.Name.Local == "Exception" && e.Code == "" {
				e.Code, _ = attr(t, "exceptionCode")
				e.Locator, _ = attr(t, "locator")
			}
		case xml.CharData:
			buf.Write(t)
		case xml.EndElement:
			if t.Name.Local == "ExceptionText" {
				if s := collapse(buf.String()); s != "" {
					texts = append(texts, s)
				}
			}
		}
	}
	e.Text = strings.Join(texts, " ")
	return e
}

// party is a gmd:CI_ResponsibleParty.
type party struct{ org, email, role string }

// bbox is a gmd:EX_GeographicBoundingBox, as written.
type bbox struct{ west, east, south, north string }

// resource is a gmd:CI_OnlineResource.
type resource struct {
	URL         string `json:"url"`
	Protocol    string `json:"protocol"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// isoRecord collects the parts of one gmd:MD_Metadata the connector keeps.
type isoRecord struct {
	identifier, title, abstract, hierarchy, metadataDate, frequency, crs string
	contacts, pointsOfContact                                            []party
	keywords, themes, topics, useLimitations, access, other              []string
	creation, publication, revision                                      string
	boxes                                                                []bbox
	resources                                                            []resource

	// in progress
	party    party
	date     struct{ value, typ string }
	box      bbox
	resource resource
}

// decodeMetadata reads the children of a gmd:MD_Metadata whose start
// element was just read, up to its end element.
func decodeMetadata(d *xml.Decoder) (*isoRecord, error) {
	r := &isoRecord{}
	var stack []string
	var text strings.Builder
	var code string // codeListValue of the current element
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, errors.New("invalid XML: unexpected end of the document inside gmd:MD_Metadata")
			}
			return nil, fmt.Errorf("invalid XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			// The identification element (MD_DataIdentification,
			// SV_ServiceIdentification…) is matched as "*".
			if len(stack) == 1 && stack[0] == "identificationInfo" {
				name = "*"
			}
			stack = append(stack, name)
			text.Reset()
			code, _ = attr(t, "codeListValue")
		case xml.CharData:
			if text.Len() < maxText {
				text.Write(t)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				return r, nil // end of MD_Metadata
			}
			leaf := stack[len(stack)-1]
			path := strings.Join(stack, "/")
			parent := strings.Join(stack[:len(stack)-1], "/")
			switch {
			case valueWrappers[leaf]:
				r.property(parent, strings.TrimSpace(text.String()))
			case strings.HasSuffix(leaf, "Code"):
				v := strings.TrimSpace(code)
				if v == "" {
					v = strings.TrimSpace(text.String())
				}
				r.property(parent, v)
			default:
				r.end(path)
			}
			stack = stack[:len(stack)-1]
			text.Reset()
			code = ""
		}
	}
}

// maxText bounds the text kept of one element (a runaway abstract).
const maxText = 1 << 20

const (
	idPrefix   = "identificationInfo/*/"
	citation   = idPrefix + "citation/CI_Citation/"
	poc        = idPrefix + "pointOfContact/CI_ResponsibleParty"
	contact    = "contact/CI_ResponsibleParty"
	keywords   = idPrefix + "descriptiveKeywords/MD_Keywords/"
	constraint = idPrefix + "resourceConstraints/"
	geoBox     = idPrefix + "extent/EX_Extent/geographicElement/EX_GeographicBoundingBox"
	onlineRes  = "/onLine/CI_OnlineResource"
)

// property receives the value of the ISO property at path.
func (r *isoRecord) property(path, v string) {
	if v == "" {
		return
	}
	switch path {
	case "fileIdentifier":
		setFirst(&r.identifier, v)
	case "hierarchyLevel":
		setFirst(&r.hierarchy, v)
	case "dateStamp":
		setFirst(&r.metadataDate, v)
	case "referenceSystemInfo/MD_ReferenceSystem/referenceSystemIdentifier/RS_Identifier/code":
		setFirst(&r.crs, v)
	case citation + "title":
		setFirst(&r.title, collapse(v))
	case citation + "date/CI_Date/date":
		r.date.value = v
	case citation + "date/CI_Date/dateType":
		r.date.typ = v
	case idPrefix + "abstract":
		setFirst(&r.abstract, v)
	case poc + "/organisationName", contact + "/organisationName":
		r.party.org = collapse(v)
	case poc + "/contactInfo/CI_Contact/address/CI_Address/electronicMailAddress",
		contact + "/contactInfo/CI_Contact/address/CI_Address/electronicMailAddress":
		if r.party.email == "" {
			r.party.email = v
		}
	case poc + "/role", contact + "/role":
		r.party.role = v
	case keywords + "keyword":
		r.keywords = appendUnique(r.keywords, collapse(v))
	case keywords + "thesaurusName/CI_Citation/title":
		r.themes = appendUnique(r.themes, collapse(v))
	case idPrefix + "topicCategory":
		r.topics = appendUnique(r.topics, v)
	case idPrefix + "resourceMaintenance/MD_MaintenanceInformation/maintenanceAndUpdateFrequency":
		setFirst(&r.frequency, v)
	case geoBox + "/westBoundLongitude":
		r.box.west = v
	case geoBox + "/eastBoundLongitude":
		r.box.east = v
	case geoBox + "/southBoundLatitude":
		r.box.south = v
	case geoBox + "/northBoundLatitude":
		r.box.north = v
	default:
		switch {
		case strings.HasPrefix(path, constraint):
			switch path[strings.LastIndexByte(path, '/')+1:] {
			case "useLimitation":
				r.useLimitations = appendUnique(r.useLimitations, v)
			case "accessConstraints":
				r.access = appendUnique(r.access, v)
			case "otherConstraints":
				r.other = appendUnique(r.other, v)
			}
		case strings.HasPrefix(path, "distributionInfo/") && strings.Contains(path, onlineRes+"/"):
			switch path[strings.LastIndex(path, onlineRes)+len(onlineRes):] {
			case "/linkage":
				r.resource.URL = v
			case "/protocol":
				r.resource.Protocol = v
			case "/name":
				r.resource.Name = collapse(v)
			case "/description":
				r.resource.Description = collapse(v)
			}
		}
	}
}

// end receives the end of a structured element at path.
func (r *isoRecord) end(path string) {
	switch {
	case path == poc:
		r.pointsOfContact = append(r.pointsOfContact, r.party)
		r.party = party{}
	case path == contact:
		r.contacts = append(r.contacts, r.party)
		r.party = party{}
	case path == citation+"date/CI_Date":
		v := isoDate(r.date.value)
		switch r.date.typ {
		case "creation":
			if r.creation == "" || v < r.creation {
				r.creation = v
			}
		case "publication":
			setFirst(&r.publication, v)
		case "revision":
			if v > r.revision {
				r.revision = v
			}
		}
		r.date.value, r.date.typ = "", ""
	case path == geoBox:
		r.boxes = append(r.boxes, r.box)
		r.box = bbox{}
	case strings.HasPrefix(path, "distributionInfo/") && strings.HasSuffix(path, onlineRes):
		if r.resource.URL != "" {
			dup := false
			for _, o := range r.resources {
				if o.URL == r.resource.URL && o.Protocol == r.resource.Protocol && o.Name == r.resource.Name {
					dup = true
					break
				}
			}
			if !dup {
				r.resources = append(r.resources, r.resource)
			}
		}
		r.resource = resource{}
	}
}

func setFirst(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func appendUnique(list []string, v string) []string {
	if v == "" {
		return list
	}
	for _, e := range list {
		if e == v {
			return list
		}
	}
	return append(list, v)
}

var spaces = regexp.MustCompile(`\s+`)

func collapse(s string) string { return strings.TrimSpace(spaces.ReplaceAllString(s, " ")) }

var datePrefix = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(?:[T ]|$)`)

// isoDate keeps the day of a gco:Date or gco:DateTime ("2019-03-25" of
// "2019-03-25T22:55:41.312+01:00"); anything else is returned as written,
// for the schema to reject with its value.
func isoDate(v string) string {
	v = strings.TrimSpace(v)
	if datePrefix.MatchString(v) {
		return v[:10]
	}
	return v
}

// fields flattens the record; the names are documented in the Kind help.
func (r *isoRecord) fields() map[string]any {
	f := map[string]any{
		"identifier":         str(r.identifier),
		"title":              str(r.title),
		"abstract":           str(r.abstract),
		"hierarchy_level":    str(r.hierarchy),
		"metadata_date":      str(isoDate(r.metadataDate)),
		"keywords":           list(r.keywords),
		"themes":             list(r.themes),
		"topic_category":     list(r.topics),
		"use_limitation":     list(r.useLimitations),
		"access_constraints": list(append(append([]string(nil), r.access...), r.other...)),
		"creation_date":      str(r.creation),
		"publication_date":   str(r.publication),
		"revision_date":      str(r.revision),
		"update_frequency":   str(r.frequency),
		"crs":                str(r.crs),
	}
	p := pickParty(r.pointsOfContact, r.contacts)
	f["organisation"] = str(p.org)
	f["contact_email"] = str(p.email)

	lic := licenceText(append(append([]string(nil), r.useLimitations...), r.other...))
	f["licence"] = str(lic)
	f["licence_id"] = str(guessLicence(lic))

	west, east, south, north, repaired := r.bbox()
	f["bbox_west"], f["bbox_east"], f["bbox_south"], f["bbox_north"] = west, east, south, north
	f["bbox_repaired"] = repaired

	f["online_resources"] = nil
	f["wfs_url"], f["wfs_layer"], f["wms_url"], f["wms_layer"] = nil, nil, nil, nil
	if len(r.resources) > 0 {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r.resources); err == nil {
			f["online_resources"] = strings.TrimSuffix(b.String(), "\n")
		}
		for _, res := range r.resources {
			proto := strings.ToUpper(res.Protocol)
			switch {
			case strings.HasPrefix(proto, "OGC:WFS") && f["wfs_url"] == nil:
				f["wfs_url"], f["wfs_layer"] = res.URL, str(res.Name)
			case strings.HasPrefix(proto, "OGC:WMS") && f["wms_url"] == nil:
				f["wms_url"], f["wms_layer"] = res.URL, str(res.Name)
			}
		}
	}
	return f
}

// pickParty returns the first point of contact of the resource with an
// organisation name, else the first metadata contact with one.
func pickParty(lists ...[]party) party {
	for _, l := range lists {
		for _, p := range l {
			if p.org != "" {
				return p
			}
		}
	}
	return party{}
}

func str(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func list(l []string) any {
	if len(l) == 0 {
		return nil
	}
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

// bbox returns the union of the record's bounding boxes as json.Number,
// west/east and south/north swapped where they were written the wrong way
// round (repaired then reports it). A coordinate that is not a number is
// returned as written (a string, for the schema to reject), and no repair
// or union is attempted.
func (r *isoRecord) bbox() (west, east, south, north any, repaired bool) {
	if len(r.boxes) == 0 {
		return nil, nil, nil, nil, false
	}
	var u [4]float64
	for i, b := range r.boxes {
		var v [4]float64
		for j, s := range []string{b.west, b.east, b.south, b.north} {
			f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				first := r.boxes[0]
				return str(first.west), str(first.east), str(first.south), str(first.north), false
			}
			v[j] = f
		}
		if v[0] > v[1] {
			v[0], v[1] = v[1], v[0]
			repaired = true
		}
		if v[2] > v[3] {
			v[2], v[3] = v[3], v[2]
			repaired = true
		}
		if i == 0 {
			u = v
			continue
		}
		u[0], u[1], u[2], u[3] = min(u[0], v[0]), max(u[1], v[1]), min(u[2], v[2]), max(u[3], v[3])
	}
	num := func(f float64) any { return json.Number(strconv.FormatFloat(f, 'f', -1, 64)) }
	return num(u[0]), num(u[1]), num(u[2]), num(u[3]), repaired
}

var licenceWords = regexp.MustCompile(`(?i)licen[cs]e|odbl|creative\s*commons|\bcc[- ]?(by|0|zero)\b|etalab`)

// licenceText returns the first constraint text that names a licence.
func licenceText(texts []string) string {
	for _, t := range texts {
		if licenceWords.MatchString(t) {
			return collapse(t)
		}
	}
	return ""
}

// licenceGuesses maps words of a licence text to a licence identifier, most
// specific first.
var licenceGuesses = []struct {
	re *regexp.Regexp
	id string
}{
	{regexp.MustCompile(`(?i)odbl|open\s*database\s*licen[cs]e`), "odc-odbl"},
	{regexp.MustCompile(`(?i)cc[- ]?by[- ]?nc[- ]?sa`), "cc-by-nc-sa-4.0"},
	{regexp.MustCompile(`(?i)cc[- ]?by[- ]?sa|partage dans les m[êe]mes conditions`), "cc-by-sa-4.0"},
	{regexp.MustCompile(`(?i)\bcc[- ]?(0|zero)\b`), "cc0-1.0"},
	{regexp.MustCompile(`(?i)\bcc[- ]?by\b|creative\s*commons`), "cc-by-4.0"},
	{regexp.MustCompile(`(?i)(licence\s*ouverte|open\s*licen[cs]e|etalab)[^0-9]{0,40}1\.0`), "etalab-1.0"},
	{regexp.MustCompile(`(?i)licence\s*ouverte|open\s*licen[cs]e|etalab`), "etalab-2.0"},
}

// guessLicence names the licence of a text, or "" when none is recognised.
// An unversioned Licence Ouverte is taken as version 2.0, the one in force.
func guessLicence(text string) string {
	for _, g := range licenceGuesses {
		if g.re.MatchString(text) {
			return g.id
		}
	}
	return ""
}
