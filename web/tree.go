package web

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Size limits of the metadata files read on each request; a larger file is
// treated as unreadable rather than loaded into memory.
const (
	maxDataPackageBytes = 8 << 20
	maxQualityBytes     = 8 << 20
	maxSumsBytes        = 1 << 20
)

// latestName is the symlink that designates the current release of a dataset.
const latestName = "latest"

// sumsName is the checksum file of a release.
const sumsName = "SHA256SUMS"

// errNotFound reports a dataset, release or file that does not exist (or
// must not be served); handlers turn it into a 404.
var errNotFound = errors.New("not found")

// validName reports whether s may be a dataset, release or file name of the
// published tree: non-empty, at most 200 bytes, not starting with "." and
// made of ASCII letters, digits, '-', '_' and '.' only. Anything else
// (separators, "..", control characters, hidden names) is never served.
func validName(s string) bool {
	if s == "" || len(s) > 200 || s[0] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// tree reads the published tree rooted at dir. It holds no state: every call
// looks at the disk, so that a release switched by a run is seen at once.
type tree struct {
	dir string
	// collection is the top folder read: "datasets" when empty, or
	// "indicators" (same layout of releases).
	collection string
}

func (t tree) datasetsDir() string { return filepath.Join(t.dir, cmp.Or(t.collection, "datasets")) }

// datasets lists the dataset folder names, sorted. A missing datasets folder
// is an empty list.
func (t tree) datasets() ([]string, error) {
	entries, err := os.ReadDir(t.datasetsDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("web: list datasets: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && validName(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// latest resolves the "latest" symlink of dataset to a release name. The
// link must be relative and name a sibling release folder.
func (t tree) latest(dataset string) (string, error) {
	if !validName(dataset) {
		return "", errNotFound
	}
	link := filepath.Join(t.datasetsDir(), dataset, latestName)
	target, err := os.Readlink(link)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("web: dataset %s has no latest release: %w", dataset, errNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("web: read %s: %w", link, err)
	}
	rel := filepath.Clean(target)
	if filepath.IsAbs(rel) || strings.ContainsAny(rel, `/\`) || !validName(rel) || rel == latestName {
		return "", fmt.Errorf("web: %s points to %q, not a release of the dataset", link, target)
	}
	if _, err := t.releaseDir(dataset, rel); err != nil {
		return "", fmt.Errorf("web: %s points to %q: %w", link, target, err)
	}
	return rel, nil
}

// releaseDir returns the folder of a release after checking that it is a real
// directory (not a symlink) with a valid name.
func (t tree) releaseDir(dataset, release string) (string, error) {
	if !validName(dataset) || !validName(release) || release == latestName {
		return "", errNotFound
	}
	dir := filepath.Join(t.datasetsDir(), dataset, release)
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return "", errNotFound
	}
	if err != nil {
		return "", fmt.Errorf("web: stat %s: %w", dir, err)
	}
	if !fi.IsDir() || !t.contains(dir) {
		return "", errNotFound
	}
	return dir, nil
}

// contains reports whether p, all symlinks resolved, is inside the
// published tree (itself resolved): a dataset folder, a release or a
// catalogue page linked to a place outside it is never served.
func (t tree) contains(p string) bool {
	root, err := filepath.EvalSymlinks(t.dir)
	if err != nil {
		return false
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(root, real)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// releases lists the release folders of dataset, newest first (run ids sort
// by time). Hidden folders (staging areas) and the latest link are skipped.
func (t tree) releases(dataset string) ([]string, error) {
	if !validName(dataset) {
		return nil, errNotFound
	}
	entries, err := os.ReadDir(filepath.Join(t.datasetsDir(), dataset))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("web: list releases of %s: %w", dataset, err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != latestName && validName(e.Name()) {
			out = append(out, e.Name())
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return out, nil
}

// readLimited reads a whole file of at most max bytes.
func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("larger than %d bytes", max)
	}
	return b, nil
}

// checksum is one line of a SHA256SUMS file.
type checksum struct {
	File string
	Hex  string
}

// parseSums parses a SHA256SUMS file: lines "<64 hex>  <file>" (the
// sha256sum format; a "*" binary marker before the name is accepted). Names
// must be plain file names of the release (validName). Blank lines are
// ignored; any other malformed line is an error.
func parseSums(b []byte) ([]checksum, error) {
	var out []checksum
	seen := make(map[string]bool)
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), maxSumsBytes)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" {
			continue
		}
		if len(s) < 64+2 || s[64] != ' ' || (s[65] != ' ' && s[65] != '*') {
			return nil, fmt.Errorf("web: SHA256SUMS line %d: want \"<sha256>  <file>\"", line)
		}
		sum := strings.ToLower(s[:64])
		if _, err := hex.DecodeString(sum); err != nil {
			return nil, fmt.Errorf("web: SHA256SUMS line %d: bad sha256: %w", line, err)
		}
		name := s[66:]
		if !validName(name) || name == sumsName {
			return nil, fmt.Errorf("web: SHA256SUMS line %d: invalid file name %q", line, name)
		}
		if seen[name] {
			return nil, fmt.Errorf("web: SHA256SUMS line %d: duplicate file %q", line, name)
		}
		seen[name] = true
		out = append(out, checksum{File: name, Hex: sum})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("web: SHA256SUMS: %w", err)
	}
	return out, nil
}

// sums reads and parses the SHA256SUMS of a release folder.
func (t tree) sums(dir string) ([]checksum, []byte, error) {
	p := filepath.Join(dir, sumsName)
	b, err := readLimited(p, maxSumsBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("web: read %s: %w", p, err)
	}
	list, err := parseSums(b)
	if err != nil {
		return nil, nil, fmt.Errorf("web: %s: %w", p, err)
	}
	return list, b, nil
}

// dataPackage is the part of datapackage.json the site shows.
type dataPackage struct {
	Name         string        `json:"name"`
	ID           string        `json:"id"`
	Title        string        `json:"title"`
	Description  string        `json:"description"`
	Version      string        `json:"version"`
	Created      string        `json:"created"`
	Keywords     []string      `json:"keywords"`
	Licenses     []licence     `json:"licenses"`
	Sources      []source      `json:"sources"`
	Contributors []contributor `json:"contributors"`
	Resources    []resource    `json:"resources"`
	Ligerdata    struct {
		Pipeline string `json:"pipeline"`
		RunID    string `json:"run_id"`
		Rows     int64  `json:"rows"`
		Schema   string `json:"schema"`
		Schedule string `json:"schedule"`
		// SourceModified is when the source says its data last changed
		// (RFC 3339), when it says so.
		SourceModified string `json:"source_modified"`
		// ParquetLayout: see output.ParquetLayoutCurrent (0 in releases
		// whose data.parquet has its lists as JSON text).
		ParquetLayout int `json:"parquet_layout"`
	} `json:"ligerdata"`
}

type licence struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Path  string `json:"path"`
}

type source struct {
	Title string `json:"title"`
	Path  string `json:"path"`
}

type contributor struct {
	Title string `json:"title"`
	Role  string `json:"role"`
	Email string `json:"email"`
	Path  string `json:"path"`
}

type resource struct {
	Name      string          `json:"name"`
	Path      string          `json:"path"`
	Format    string          `json:"format"`
	Mediatype string          `json:"mediatype"`
	Encoding  string          `json:"encoding"`
	Bytes     int64           `json:"bytes"`
	Hash      string          `json:"hash"`
	Schema    json.RawMessage `json:"schema"`
}

// tableSchema is the part of a Table Schema descriptor the site shows.
type tableSchema struct {
	Fields     []schemaField   `json:"fields"`
	PrimaryKey json.RawMessage `json:"primaryKey"`
}

type schemaField struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Type        string `json:"type"`
	Format      string `json:"format"`
	Description string `json:"description"`
	Constraints struct {
		Required bool `json:"required"`
	} `json:"constraints"`
}

// parseDataPackage decodes a datapackage.json document. It requires a JSON
// object; unknown members are ignored.
func parseDataPackage(b []byte) (*dataPackage, error) {
	var dp dataPackage
	if err := json.Unmarshal(b, &dp); err != nil {
		return nil, fmt.Errorf("web: decode datapackage.json: %w", err)
	}
	return &dp, nil
}

// schema returns the Table Schema of the first resource that declares one
// inline, or nil. A schema that is not an object (for example a path) is
// reported as an error.
func (dp *dataPackage) schema() (*tableSchema, error) {
	for _, r := range dp.Resources {
		raw := bytes.TrimSpace(r.Schema)
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			continue
		}
		if raw[0] != '{' {
			return nil, fmt.Errorf("web: resource %s: schema is not an inline object", r.Name)
		}
		var s tableSchema
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("web: resource %s: decode schema: %w", r.Name, err)
		}
		return &s, nil
	}
	return nil, nil
}

// primaryKey returns the primary key field names (a string or an array of
// strings in Table Schema).
func (s *tableSchema) primaryKey() []string {
	raw := bytes.TrimSpace(s.PrimaryKey)
	if len(raw) == 0 {
		return nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err == nil {
		return many
	}
	return nil
}

// quality is quality.json, the validation report of a release.
type quality struct {
	Dataset       string           `json:"dataset"`
	Release       string           `json:"release"`
	RunID         string           `json:"run_id"`
	Read          int64            `json:"read"`
	Accepted      int64            `json:"accepted"`
	Rejected      int64            `json:"rejected"`
	Kept          int64            `json:"kept"`
	ErrorsByCode  map[string]int64 `json:"errors_by_code"`
	ErrorsByField map[string]int64 `json:"errors_by_field"`
	HeaderErrors  []qualityError   `json:"header_errors"`
	SampleErrors  []qualityError   `json:"sample_errors"`
	// Warnings of accepted rows (see warnings.go).
	Warned         int64            `json:"warned"`
	WarningsByCode map[string]int64 `json:"warnings_by_code"`
	SampleWarnings []qualityError   `json:"sample_warnings"`
}

// qualityError is one schemas.Error as serialised in quality.json. Value is
// kept raw because a cell may be any JSON value.
type qualityError struct {
	Code    string          `json:"code"`
	Row     int64           `json:"row"`
	Line    int64           `json:"line"`
	Field   string          `json:"field"`
	Value   json.RawMessage `json:"value"`
	Message string          `json:"message"`
}

// valueText renders the offending value for display: strings unquoted,
// other JSON values as written, null as "".
func (e qualityError) valueText() string {
	raw := bytes.TrimSpace(e.Value)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	return string(raw)
}

// parseQuality decodes a quality.json document.
func parseQuality(b []byte) (*quality, error) {
	var q quality
	if err := json.Unmarshal(b, &q); err != nil {
		return nil, fmt.Errorf("web: decode quality.json: %w", err)
	}
	return &q, nil
}

// release is what the pages know of one release folder.
type release struct {
	Dataset string
	Name    string
	Dir     string
	Package *dataPackage
	Quality *quality // nil when quality.json is missing or unreadable
	Sums    []checksum
	Time    time.Time // release date: datapackage "created", else the run id, else the file time
}

// loadRelease reads the metadata of one release: datapackage.json and
// SHA256SUMS are required and every file SHA256SUMS lists must be a regular
// file of the folder; quality.json is optional (qerr reports why it is
// missing, for logging).
func (t tree) loadRelease(dataset, name string) (rel *release, qerr error, err error) {
	dir, err := t.releaseDir(dataset, name)
	if err != nil {
		return nil, nil, err
	}
	sums, _, err := t.sums(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range sums {
		fi, err := os.Lstat(filepath.Join(dir, c.File))
		if err != nil {
			return nil, nil, fmt.Errorf("web: release %s/%s: listed file: %w", dataset, name, err)
		}
		if !fi.Mode().IsRegular() {
			return nil, nil, fmt.Errorf("web: release %s/%s: listed file %s is not a regular file", dataset, name, c.File)
		}
	}
	dpPath := filepath.Join(dir, "datapackage.json")
	b, err := readLimited(dpPath, maxDataPackageBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("web: read %s: %w", dpPath, err)
	}
	dp, err := parseDataPackage(b)
	if err != nil {
		return nil, nil, fmt.Errorf("web: %s: %w", dpPath, err)
	}
	rel = &release{Dataset: dataset, Name: name, Dir: dir, Package: dp, Sums: sums}
	if ts, perr := time.Parse(time.RFC3339, dp.Created); perr == nil {
		rel.Time = ts
	} else if ts, ok := releaseTime(name); ok {
		rel.Time = ts
	} else if fi, serr := os.Stat(dpPath); serr == nil {
		rel.Time = fi.ModTime()
	}
	qPath := filepath.Join(dir, "quality.json")
	qb, qerr := readLimited(qPath, maxQualityBytes)
	if qerr != nil {
		return rel, fmt.Errorf("web: read %s: %w", qPath, qerr), nil
	}
	q, qerr := parseQuality(qb)
	if qerr != nil {
		return rel, fmt.Errorf("web: %s: %w", qPath, qerr), nil
	}
	rel.Quality = q
	return rel, nil, nil
}

// sum returns the sha256 of file in the release, if listed.
func (r *release) sum(file string) (string, bool) {
	for _, c := range r.Sums {
		if c.File == file {
			return c.Hex, true
		}
	}
	return "", false
}

// title is the dataset title, falling back to its name.
func (r *release) title() string {
	if s := strings.TrimSpace(r.Package.Title); s != "" {
		return s
	}
	return r.Dataset
}
