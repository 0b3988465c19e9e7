// Package udatatest provides an in-memory udata API v1 server for tests:
// the dataset and resource endpoints the publisher uses, answering and
// refusing like udata does (udata/core/dataset/api.py, forms.py,
// udata/api/__init__.py), with fault injection.
//
// What it enforces, as udata does: the X-API-KEY header on every write
// (401 {"message": "Invalid API Key"} for a wrong key, 401 without one);
// application/json bodies on JSON endpoints (400 {"errors": {"Content-Type":
// "expecting application/json"}}); dataset title and description required,
// licence among udata's ids, frequency among UPDATE_FREQUENCIES (legacy ids
// mapped), organization the key's user belongs to; resource title required,
// type among RESOURCE_TYPES, checksum type among CHECKSUM_TYPES with a
// value, filetype not changed after creation, the url of an uploaded file
// kept; POST /resources/ only for filetype "remote"; uploads need the
// multipart field "file" (400 {"success": false, "error": "Missing file
// parameter"}) and get the sha1 and size of the file, titled with the file
// name. Validation errors are 400 {"message": "Validation error", "errors":
// {field: [messages]}}. Unknown JSON fields are ignored (WTForms).
package udatatest

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Licenses are the licence ids the server knows (data.gouv.fr's list).
var Licenses = []string{"cc-by", "cc-by-sa", "cc-zero", "fr-lo", "lov2", "notspecified",
	"odc-by", "odc-odbl", "odc-pddl", "other-at", "other-open", "other-pd"}

var frequencies = []string{"unknown", "punctual", "continuous", "hourly", "fourTimesADay",
	"threeTimesADay", "semidaily", "daily", "fourTimesAWeek", "threeTimesAWeek", "semiweekly",
	"weekly", "biweekly", "threeTimesAMonth", "semimonthly", "monthly", "bimonthly", "quarterly",
	"threeTimesAYear", "semiannual", "annual", "biennial", "triennial", "quinquennial", "irregular"}

var legacyFrequencies = map[string]string{"fortnighly": "biweekly", "biannual": "semiannual", "realtime": "continuous"}

var resourceTypes = []string{"main", "documentation", "update", "api", "code", "other"}

var checksumTypes = []string{"sha1", "sha2", "sha256", "md5", "crc"}

// Checksum is a resource checksum.
type Checksum struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Resource is a stored resource, in udata's JSON shape.
type Resource struct {
	ID          string         `json:"id"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	URL         string         `json:"url"`
	Filetype    string         `json:"filetype"`
	Type        string         `json:"type"`
	Format      string         `json:"format"`
	Mime        string         `json:"mime"`
	Filesize    *int64         `json:"filesize"`
	Checksum    *Checksum      `json:"checksum"`
	Extras      map[string]any `json:"extras"`
	Schema      map[string]any `json:"schema"`
	// Uploads counts the files received for this resource (not in udata).
	Uploads int `json:"-"`
	// ContentSHA1 is the sha1 of the last file received (not in udata).
	ContentSHA1 string `json:"-"`
}

// Dataset is a stored dataset, in udata's JSON shape (API v1: license and
// frequency are ids).
type Dataset struct {
	ID           string            `json:"id"`
	Slug         string            `json:"slug"`
	Page         string            `json:"page"`
	URI          string            `json:"uri"`
	Title        string            `json:"title"`
	Description  string            `json:"description"`
	License      string            `json:"license"`
	Frequency    string            `json:"frequency"`
	Tags         []string          `json:"tags"`
	Private      bool              `json:"private"`
	Extras       map[string]any    `json:"extras"`
	Organization map[string]string `json:"organization"`
	Resources    []*Resource       `json:"resources"`
	Deleted      bool              `json:"-"`
}

// Server is the fake portal. Its URL is the portal root (the API is at
// URL/api/1). Methods are safe for concurrent use.
type Server struct {
	*httptest.Server
	// APIKey is the only key accepted; Organization is the id of the
	// organization its user belongs to.
	APIKey, Organization string

	mu       sync.Mutex
	datasets []*Dataset
	requests []string
	faults   []fault
}

type fault struct {
	method, prefix string
	status         int
}

// New starts a server accepting apiKey, whose user is a member of
// organization org. Close it when done.
func New(apiKey, org string) *Server {
	s := &Server{APIKey: apiKey, Organization: org}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Fail makes the next request whose method is method and whose path starts
// with prefix answer status (with a JSON error body), once per status given,
// in order, before the request is processed.
func (s *Server) Fail(method, prefix string, statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range statuses {
		s.faults = append(s.faults, fault{method, prefix, st})
	}
}

// Requests returns the requests received, as "METHOD /path".
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Writes returns the requests received other than GET.
func (s *Server) Writes() []string {
	var out []string
	for _, r := range s.Requests() {
		if !strings.HasPrefix(r, "GET ") {
			out = append(out, r)
		}
	}
	return out
}

// Datasets returns deep copies of the stored datasets (deleted ones
// included), in creation order.
func (s *Server) Datasets() []Dataset {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Dataset, len(s.datasets))
	for i, d := range s.datasets {
		b, _ := json.Marshal(d)
		var c Dataset
		_ = json.Unmarshal(b, &c)
		c.Deleted = d.Deleted
		for j, r := range d.Resources {
			c.Resources[j].Uploads, c.Resources[j].ContentSHA1 = r.Uploads, r.ContentSHA1
		}
		out[i] = c
	}
	return out
}

// Delete marks a dataset deleted (GET answers 410, as udata does).
func (s *Server) Delete(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.find(id); d != nil {
		d.Deleted = true
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func abort(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"message": msg})
}

func invalid(w http.ResponseWriter, errs map[string]any) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Validation error", "errors": errs})
}

func newID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newUUID() string {
	h := newID(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (s *Server) find(id string) *Dataset {
	for _, d := range s.datasets {
		if d.ID == id || d.Slug == id {
			return d
		}
	}
	return nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.Method+" "+r.URL.Path)
	for i, f := range s.faults {
		if f.method == r.Method && strings.HasPrefix(r.URL.Path, f.prefix) {
			s.faults = slices.Delete(s.faults, i, i+1)
			abort(w, f.status, http.StatusText(f.status))
			return
		}
	}
	p, ok := strings.CutPrefix(r.URL.Path, "/api/1/datasets/")
	if !ok {
		abort(w, http.StatusNotFound, "Not found")
		return
	}
	if r.Method != http.MethodGet {
		key := r.Header.Get("X-API-KEY")
		if key == "" {
			abort(w, http.StatusUnauthorized, "Unauthorized")
			return
		}
		if key != s.APIKey {
			abort(w, http.StatusUnauthorized, "Invalid API Key")
			return
		}
	}
	parts := strings.Split(strings.TrimSuffix(p, "/"), "/")
	if p == "" {
		parts = nil
	}
	switch {
	case len(parts) == 0 && r.Method == http.MethodGet:
		s.list(w, r)
	case len(parts) == 0 && r.Method == http.MethodPost:
		s.createDataset(w, r)
	case len(parts) == 1 && (r.Method == http.MethodGet || r.Method == http.MethodPut):
		d := s.live(w, parts[0])
		if d == nil {
			return
		}
		if r.Method == http.MethodGet {
			writeJSON(w, http.StatusOK, d)
			return
		}
		s.updateDataset(w, r, d)
	case len(parts) == 2 && parts[1] == "upload" && r.Method == http.MethodPost:
		if d := s.live(w, parts[0]); d != nil {
			s.upload(w, r, d, nil)
		}
	case len(parts) == 2 && parts[1] == "resources" && r.Method == http.MethodPost:
		if d := s.live(w, parts[0]); d != nil {
			s.createRemote(w, r, d)
		}
	case len(parts) == 3 && parts[1] == "resources" && (r.Method == http.MethodGet || r.Method == http.MethodPut):
		d := s.live(w, parts[0])
		if d == nil {
			return
		}
		res := resourceOf(d, parts[2])
		if res == nil {
			abort(w, http.StatusNotFound, "Resource does not exist")
			return
		}
		if r.Method == http.MethodGet {
			writeJSON(w, http.StatusOK, res)
			return
		}
		s.updateResource(w, r, res)
	case len(parts) == 4 && parts[1] == "resources" && parts[3] == "upload" && r.Method == http.MethodPost:
		d := s.live(w, parts[0])
		if d == nil {
			return
		}
		res := resourceOf(d, parts[2])
		if res == nil {
			abort(w, http.StatusNotFound, "Resource does not exist")
			return
		}
		s.upload(w, r, d, res)
	default:
		abort(w, http.StatusMethodNotAllowed, "The method is not allowed for the requested URL.")
	}
}

// live returns the dataset id, or answers 404/410.
func (s *Server) live(w http.ResponseWriter, id string) *Dataset {
	d := s.find(id)
	if d == nil {
		abort(w, http.StatusNotFound, "Dataset not found")
		return nil
	}
	if d.Deleted {
		abort(w, http.StatusGone, "Dataset has been deleted")
		return nil
	}
	return d
}

func resourceOf(d *Dataset, rid string) *Resource {
	for _, r := range d.Resources {
		if r.ID == rid {
			return r
		}
	}
	return nil
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 {
		page = 1
	}
	size, _ := strconv.Atoi(q.Get("page_size"))
	if size < 1 {
		size = 20
	}
	org := q.Get("organization")
	var all []*Dataset
	for _, d := range s.datasets {
		if d.Deleted || (d.Private && r.Header.Get("X-API-KEY") != s.APIKey) {
			continue
		}
		if org != "" && d.Organization["id"] != org {
			continue
		}
		all = append(all, d)
	}
	from := min((page-1)*size, len(all))
	to := min(from+size, len(all))
	var next any
	if to < len(all) {
		u := *r.URL
		q.Set("page", strconv.Itoa(page+1))
		u.RawQuery = q.Encode()
		next = s.URL + u.String()
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"data": all[from:to], "page": page, "page_size": size, "total": len(all), "next_page": next,
	})
}

// decodeJSON reads a JSON object body, answering 400 as udata does.
func decodeJSON(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, bool) {
	if !strings.Contains(r.Header.Get("Content-Type"), "application/json") {
		invalid(w, map[string]any{"Content-Type": "expecting application/json"})
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil || m == nil {
		abort(w, http.StatusBadRequest, "The browser (or proxy) sent a request that this server could not understand.")
		return nil, false
	}
	return m, true
}

func str(m map[string]json.RawMessage, k string) (string, bool, bool) {
	raw, present := m[k]
	if !present || string(raw) == "null" {
		return "", present, true
	}
	var v string
	if json.Unmarshal(raw, &v) != nil {
		return "", true, false
	}
	return v, true, true
}

// applyDataset validates m and applies it to d (all fields when create).
func (s *Server) applyDataset(m map[string]json.RawMessage, d *Dataset, create bool) map[string]any {
	errs := map[string]any{}
	required := func(k string, dst *string) {
		v, present, ok := str(m, k)
		switch {
		case !ok:
			errs[k] = []string{"Not a valid string."}
		case (create || present) && strings.TrimSpace(v) == "":
			errs[k] = []string{"This field is required."}
		case present:
			*dst = v
		}
	}
	required("title", &d.Title)
	required("description", &d.Description)
	if v, present, ok := str(m, "license"); present {
		if !ok || (v != "" && !slices.Contains(Licenses, v)) {
			errs["license"] = []string{"Not a valid choice"}
		} else {
			d.License = v
		}
	}
	if v, present, ok := str(m, "frequency"); present {
		if mapped, legacy := legacyFrequencies[v]; legacy {
			v = mapped
		}
		if !ok || (v != "" && !slices.Contains(frequencies, v)) {
			errs["frequency"] = []string{"Not a valid choice"}
		} else if v != "" {
			d.Frequency = v
		}
	}
	if raw, present := m["tags"]; present {
		var tags []string
		if json.Unmarshal(raw, &tags) != nil {
			errs["tags"] = []string{"Tags must be a list of strings."}
		} else {
			for _, t := range tags {
				if n := len([]rune(t)); n < 3 || n > 96 {
					errs["tags"] = []string{fmt.Sprintf("Tag %q must be between 3 and 96 characters long.", t)}
				}
			}
			d.Tags = tags
		}
	}
	if raw, present := m["private"]; present {
		if json.Unmarshal(raw, &d.Private) != nil {
			errs["private"] = []string{"Not a valid boolean."}
		}
	}
	if v, present, ok := str(m, "organization"); present && v != "" {
		if !ok || v != s.Organization {
			errs["organization"] = []string{"Permission denied for this organization"}
		} else {
			d.Organization = map[string]string{"id": v, "class": "Organization"}
		}
	}
	if raw, present := m["extras"]; present {
		var ex map[string]any
		if json.Unmarshal(raw, &ex) != nil {
			errs["extras"] = []string{"Extras must be a JSON object."}
		} else {
			for k, v := range ex {
				switch v.(type) {
				case string, float64, bool, nil:
				default:
					errs["extras"] = []string{fmt.Sprintf("Unsupported type for extra %q", k)}
				}
			}
			d.Extras = ex
		}
	}
	return errs
}

func (s *Server) createDataset(w http.ResponseWriter, r *http.Request) {
	m, ok := decodeJSON(w, r)
	if !ok {
		return
	}
	d := &Dataset{Frequency: "unknown", License: "notspecified", Tags: []string{}, Extras: map[string]any{}, Resources: []*Resource{}}
	if errs := s.applyDataset(m, d, true); len(errs) > 0 {
		invalid(w, errs)
		return
	}
	d.ID = newID(12)
	d.Slug = slugOf(d.Title, len(s.datasets))
	d.Page = s.URL + "/fr/datasets/" + d.Slug + "/"
	d.URI = s.URL + "/api/1/datasets/" + d.Slug + "/"
	s.datasets = append(s.datasets, d)
	writeJSON(w, http.StatusCreated, d)
}

func slugOf(title string, n int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-") + "-" + strconv.Itoa(n+1)
}

func (s *Server) updateDataset(w http.ResponseWriter, r *http.Request, d *Dataset) {
	m, ok := decodeJSON(w, r)
	if !ok {
		return
	}
	c := *d
	if errs := s.applyDataset(m, &c, false); len(errs) > 0 {
		invalid(w, errs)
		return
	}
	*d = c
	writeJSON(w, http.StatusOK, d)
}

// applyResource validates m and applies it to res.
func applyResource(m map[string]json.RawMessage, res *Resource, create bool) map[string]any {
	errs := map[string]any{}
	if v, present, ok := str(m, "title"); !ok || ((create || present) && strings.TrimSpace(v) == "") {
		errs["title"] = []string{"This field is required."}
	} else if present {
		res.Title = v
	}
	if v, present, ok := str(m, "description"); ok && present {
		res.Description = v
	}
	if v, present, ok := str(m, "type"); present {
		if !ok || !slices.Contains(resourceTypes, v) {
			errs["type"] = []string{"Not a valid choice"}
		} else {
			res.Type = v
		}
	}
	if v, present, ok := str(m, "filetype"); present && v != "" {
		if !ok || (v != "file" && v != "remote") {
			errs["filetype"] = []string{"Not a valid choice"}
		} else if !create && v != res.Filetype {
			errs["filetype"] = []string{"Cannot modify filetype after creation"}
		} else {
			res.Filetype = v
		}
	}
	if v, present, ok := str(m, "url"); present && res.Filetype != "file" {
		if !ok || !(strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://")) {
			errs["url"] = []string{"Invalid URL"}
		} else {
			res.URL = v
		}
	} else if create && res.Filetype != "file" && !present {
		errs["url"] = []string{"This field is required."}
	}
	if v, present, ok := str(m, "format"); ok && present {
		res.Format = strings.ToLower(strings.TrimSpace(v))
	}
	if v, present, ok := str(m, "mime"); ok && present {
		res.Mime = v
	}
	if raw, present := m["filesize"]; present && string(raw) != "null" {
		var n int64
		if json.Unmarshal(raw, &n) != nil {
			errs["filesize"] = []string{"Not a valid integer value."}
		} else {
			res.Filesize = &n
		}
	}
	if raw, present := m["checksum"]; present && string(raw) != "null" {
		var c Checksum
		sub := map[string]any{}
		if json.Unmarshal(raw, &c) != nil {
			sub["value"] = []string{"Invalid checksum."}
		} else {
			if c.Type == "" {
				c.Type = "sha1"
			}
			if !slices.Contains(checksumTypes, c.Type) {
				sub["type"] = []string{"Not a valid choice"}
			}
			if c.Value == "" {
				sub["value"] = []string{"This field is required."}
			}
		}
		if len(sub) > 0 {
			errs["checksum"] = sub
		} else {
			res.Checksum = &c
		}
	}
	if raw, present := m["extras"]; present {
		var ex map[string]any
		if json.Unmarshal(raw, &ex) != nil {
			errs["extras"] = []string{"Extras must be a JSON object."}
		} else {
			res.Extras = ex
		}
	}
	if raw, present := m["schema"]; present && string(raw) != "null" {
		var sc map[string]any
		if json.Unmarshal(raw, &sc) != nil || (sc["name"] == nil && sc["url"] == nil) {
			errs["schema"] = []string{"Invalid schema."}
		} else {
			res.Schema = sc
		}
	}
	return errs
}

func (s *Server) createRemote(w http.ResponseWriter, r *http.Request, d *Dataset) {
	m, ok := decodeJSON(w, r)
	if !ok {
		return
	}
	if v, _, _ := str(m, "filetype"); v != "remote" {
		abort(w, http.StatusBadRequest, "This endpoint only supports remote resources")
		return
	}
	res := &Resource{Type: "other", Extras: map[string]any{}}
	if errs := applyResource(m, res, true); len(errs) > 0 {
		invalid(w, errs)
		return
	}
	res.ID = newUUID()
	d.Resources = append(d.Resources, res)
	writeJSON(w, http.StatusCreated, res)
}

func (s *Server) updateResource(w http.ResponseWriter, r *http.Request, res *Resource) {
	m, ok := decodeJSON(w, r)
	if !ok {
		return
	}
	c := *res
	if errs := applyResource(m, &c, false); len(errs) > 0 {
		invalid(w, errs)
		return
	}
	*res = c
	writeJSON(w, http.StatusOK, res)
}

// upload handles a multipart upload: a new resource (res nil) or a new
// file for res.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, d *Dataset, res *Resource) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"success": false, "error": "Missing file parameter"})
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"success": false, "error": "Missing file parameter"})
		return
	}
	defer f.Close()
	h := sha1.New()
	n, err := io.Copy(h, f)
	if err != nil {
		abort(w, http.StatusBadRequest, "Upload error")
		return
	}
	ctype := hdr.Header.Get("Content-Type")
	if strings.Contains(ctype, "html") {
		abort(w, http.StatusUnsupportedMediaType, "Incorrect file content type: HTML")
		return
	}
	name := path.Base(hdr.Filename)
	sum := hex.EncodeToString(h.Sum(nil))
	status := http.StatusOK
	if res == nil {
		res = &Resource{ID: newUUID(), Filetype: "file", Type: "main", Extras: map[string]any{}}
		d.Resources = append(d.Resources, res)
		status = http.StatusCreated
	}
	res.Title = name
	res.URL = s.URL + "/files/" + d.Slug + "/" + newID(4) + "/" + name
	res.Checksum = &Checksum{Type: "sha1", Value: sum}
	res.Filesize = &n
	res.Mime = ctype
	res.Format = strings.TrimPrefix(path.Ext(name), ".")
	res.Uploads++
	res.ContentSHA1 = sum
	writeJSON(w, status, res)
}

// SortedTitles returns the titles of a dataset's resources, sorted (test
// helper).
func SortedTitles(d Dataset) []string {
	var out []string
	for _, r := range d.Resources {
		out = append(out, r.Title)
	}
	sort.Strings(out)
	return out
}
