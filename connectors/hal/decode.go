package hal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/ligerdata/ligerdata/connectors"
)

// page is one decoded answer of the search API.
type page struct {
	numFound int64
	docs     []any
	// next is nextCursorMark; hasNext is false when the answer has none
	// (a server that ignored cursorMark).
	next    string
	hasNext bool
}

// solrError is a Solr error answer, `{"error":{"msg":…,"code":400}}`.
type solrError struct {
	Code string
	Msg  string
}

func (e *solrError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("Solr error %s: %s", e.Code, e.Msg)
	}
	return "Solr error: " + e.Msg
}

// decodePage reads a JSON answer of the search API. Numbers are kept as
// json.Number, so that _version_ (above 2^53) and docid keep every digit.
// A truncated or otherwise invalid document, trailing data, a Solr error
// object, or an answer without response.docs is an error.
func decodePage(body []byte) (*page, error) {
	if err := connectors.CheckUTF8(body); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("invalid JSON: truncated body (%d bytes): %w", len(body), io.ErrUnexpectedEOF)
		}
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("invalid JSON: data after the end of the document at byte %d", dec.InputOffset())
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("expected a JSON object, got %s", jsonKind(doc))
	}
	if e, ok := obj["error"]; ok && e != nil {
		return nil, parseSolrError(e)
	}
	resp, ok := obj["response"].(map[string]any)
	if !ok {
		return nil, errors.New(`no "response" object in the answer`)
	}
	p := &page{}
	switch n := resp["numFound"].(type) {
	case json.Number:
		v, err := n.Int64()
		if err != nil || v < 0 {
			return nil, fmt.Errorf("response.numFound %q is not a count", n)
		}
		p.numFound = v
	case nil:
		return nil, errors.New("no response.numFound in the answer")
	default:
		return nil, fmt.Errorf("response.numFound is %s, not a number", jsonKind(n))
	}
	docs, ok := resp["docs"].([]any)
	if !ok {
		return nil, fmt.Errorf("response.docs is %s, not an array", jsonKind(resp["docs"]))
	}
	p.docs = docs
	if next, present := obj["nextCursorMark"]; present {
		s, ok := next.(string)
		if !ok || s == "" {
			return nil, fmt.Errorf("nextCursorMark is %s, not a cursor", jsonKind(next))
		}
		p.next, p.hasNext = s, true
	}
	return p, nil
}

// parseSolrError turns the "error" member of a Solr answer into an error.
func parseSolrError(v any) *solrError {
	e := &solrError{Msg: "(no message)"}
	m, ok := v.(map[string]any)
	if !ok {
		e.Msg = strings.TrimSpace(fmt.Sprint(v))
		return e
	}
	if msg, ok := m["msg"].(string); ok && strings.TrimSpace(msg) != "" {
		e.Msg = strings.TrimSpace(msg)
	}
	switch c := m["code"].(type) {
	case json.Number:
		e.Code = c.String()
	case float64:
		e.Code = fmt.Sprint(c)
	case string:
		e.Code = c
	}
	return e
}

// solrMsg finds the message of a Solr error object in a cut body.
var solrMsg = regexp.MustCompile(`"msg"\s*:\s*"((?:[^"\\]|\\.)*)"`)

// solrErrorIn extracts the Solr error message of an error body (the
// snippet of an HTTP 400), or returns nil.
func solrErrorIn(body string) *solrError {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var obj map[string]any
	if dec.Decode(&obj) != nil {
		// The snippet of an HTTP error is cut at 512 bytes: look for the
		// message itself.
		if m := solrMsg.FindStringSubmatch(body); m != nil {
			var msg string
			if json.Unmarshal([]byte(`"`+m[1]+`"`), &msg) == nil && strings.TrimSpace(msg) != "" {
				return &solrError{Msg: strings.TrimSpace(msg)}
			}
		}
		return nil
	}
	if e, ok := obj["error"]; ok && e != nil {
		return parseSolrError(e)
	}
	return nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

// Names of the flattened record fields.
const (
	FieldDocID           = "docid"
	FieldHalID           = "hal_id"
	FieldTitle           = "title"
	FieldDocType         = "doc_type"
	FieldPublicationYear = "publication_year"
	FieldStructures      = "structures"
	FieldDOI             = "doi"
	FieldURI             = "uri"
	FieldOpenAccess      = "open_access"
	FieldModified        = "modified"
	FieldVersion         = "version"
)

// consumed are the HAL fields that the flattened fields replace; the
// modified field of the configuration is consumed too.
var consumed = map[string]bool{
	"docid": true, "halId_s": true, "title_s": true, "docType_s": true,
	"publicationDateY_i": true, "structId_i": true, "doiId_s": true, "uri_s": true,
	"openAccess_bool": true, "submitType_s": true, "_version_": true,
}

// ListFields are the HAL fields, passed through under their own name, that
// are always emitted as lists ([]any), whether the search API answered a
// single value or an array: HAL returns a scalar for a one-element value in
// some records and an array in others.
var ListFields = []string{
	"title_s", "en_title_s", "fr_title_s", "subTitle_s", "abstract_s", "en_abstract_s", "fr_abstract_s",
	"structId_i", "labStructId_i", "instStructId_i", "rteamStructId_i", "structName_s", "structAcronym_s",
	"authFullName_s", "authLastName_s", "authFirstName_s", "authIdHal_s", "authIdHal_i", "authORCIDIdExt_s",
	"keyword_s", "en_keyword_s", "fr_keyword_s", "language_s", "domain_s", "domainAllCode_s",
	"collCode_s", "collName_s", "files_s", "fileMain_s", "anrProjectReference_s", "europeanProjectReference_s",
	"doiId_s",
}

var listField = func() map[string]bool {
	m := make(map[string]bool, len(ListFields))
	for _, f := range ListFields {
		m[f] = true
	}
	return m
}()

// asList returns v as a list: nil and "" give an empty list, a scalar a
// one-element list, an array itself.
func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return []any{}
	case []any:
		return x
	case string:
		if strings.TrimSpace(x) == "" {
			return []any{}
		}
	}
	return []any{v}
}

// first returns the first non-empty scalar of v (a scalar or an array) as
// text, or "".
func first(v any) string {
	for _, e := range asList(v) {
		if s := strings.TrimSpace(scalarText(e)); s != "" {
			return s
		}
	}
	return ""
}

// scalarText renders a string, number or boolean; "" for anything else.
func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return ""
}

// orNil returns s, or nil when s is empty.
func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// docRecord is a document turned into a record, with what paging needs.
type docRecord struct {
	rec      connectors.Record
	docid    string // "" when the document has none
	modified time.Time
}

// toRecord flattens one document of response.docs (see the Kind's help
// for the fields). A document that is not an object or has no docid gives
// a record with connectors.ErrorField.
func toRecord(doc any, line int, modifiedField string) docRecord {
	obj, ok := doc.(map[string]any)
	if !ok {
		return docRecord{rec: connectors.Record{Line: line, Fields: map[string]any{
			connectors.ErrorField: fmt.Sprintf("document %d is %s, not an object", line, jsonKind(doc)),
		}}}
	}
	f := make(map[string]any, 12)
	docid := first(obj["docid"])
	f[FieldDocID] = orNil(docid)
	f[FieldHalID] = orNil(first(obj["halId_s"]))
	title := first(obj["title_s"])
	if title != "" {
		title = strings.TrimSpace(html.UnescapeString(title))
	}
	f[FieldTitle] = orNil(title)
	f[FieldDocType] = orNil(first(obj["docType_s"]))
	if y, ok := obj["publicationDateY_i"].(json.Number); ok {
		f[FieldPublicationYear] = y
	} else {
		f[FieldPublicationYear] = orNil(first(obj["publicationDateY_i"]))
	}
	f[FieldStructures] = structures(obj["structId_i"])
	f[FieldDOI] = orNil(first(obj["doiId_s"]))
	f[FieldURI] = orNil(first(obj["uri_s"]))
	f[FieldOpenAccess] = openAccess(obj)
	mod := first(obj[modifiedField])
	f[FieldModified] = orNil(mod)
	f[FieldVersion] = orNil(first(obj["_version_"]))
	for k, v := range obj {
		if consumed[k] || k == modifiedField {
			continue
		}
		if listField[k] {
			v = asList(v)
		}
		f[k] = v
	}
	dr := docRecord{rec: connectors.Record{Line: line, Fields: f}, docid: docid}
	if docid == "" {
		f[connectors.ErrorField] = fmt.Sprintf("le document %d n'a pas d'identifiant HAL (docid)", line)
	}
	if mod != "" {
		if t, err := time.Parse(time.RFC3339Nano, mod); err == nil {
			dr.modified = t
		}
	}
	return dr
}

// structures returns the structure ids of structId_i, in order, each
// once, as json.Number (or string when HAL sent text).
func structures(v any) []any {
	list := asList(v)
	out := make([]any, 0, len(list))
	seen := map[string]bool{}
	for _, e := range list {
		s := strings.TrimSpace(scalarText(e))
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		if n, ok := e.(json.Number); ok {
			out = append(out, n)
		} else {
			out = append(out, s)
		}
	}
	return out
}

// openAccess says whether a full text is openly available: HAL's
// openAccess_bool when the answer has it (true for a deposited file that
// is not under embargo, or an open link such as arXiv or PubMed Central);
// otherwise whether submitType_s is "file"; nil when neither is present.
func openAccess(obj map[string]any) any {
	switch v := obj["openAccess_bool"].(type) {
	case bool:
		return v
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "1":
			return true
		case "false", "0":
			return false
		}
	}
	if st := first(obj["submitType_s"]); st != "" {
		return st == "file"
	}
	return nil
}
