package udata

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Names in the published tree (see package output).
const (
	datasetsDir     = "datasets"
	latestLink      = "latest"
	fileDataPackage = "datapackage.json"
	fileSums        = "SHA256SUMS"
)

// localRelease is what Push reads of a published release.
type localRelease struct {
	dataset, release string
	dir              string
	dp               dataPackage
	files            []localFile // the data files, in datapackage.json order
}

// localFile is one data file of a release, hashed.
type localFile struct {
	Path, Name, Format, MediaType string
	Bytes                         int64
	SHA256, SHA1                  string
}

// dataPackage is the part of datapackage.json that the portal needs.
type dataPackage struct {
	Name        string   `json:"name"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Version     string   `json:"version"`
	Keywords    []string `json:"keywords"`
	Licenses    []struct {
		Name  string `json:"name"`
		Title string `json:"title"`
		Path  string `json:"path"`
	} `json:"licenses"`
	Resources []struct {
		Name      string `json:"name"`
		Path      string `json:"path"`
		Format    string `json:"format"`
		MediaType string `json:"mediatype"`
		Bytes     int64  `json:"bytes"`
		Hash      string `json:"hash"`
	} `json:"resources"`
	Ligerdata struct {
		Schema    string `json:"schema"`
		SchemaURI string `json:"schema_uri"`
		Schedule  string `json:"schedule"`
		Rows      int    `json:"rows"`
	} `json:"ligerdata"`
}

// checkSegment accepts a dataset or release id usable as one path segment.
func checkSegment(kind, s string) error {
	switch {
	case s == "" || s == "." || s == "..":
		return fmt.Errorf("udata: invalid %s id %q", kind, s)
	case strings.HasPrefix(s, "."):
		return fmt.Errorf("udata: invalid %s id %q: starts with a dot", kind, s)
	case strings.ContainsAny(s, `/\`+"\x00"):
		return fmt.Errorf("udata: invalid %s id %q: contains a path separator", kind, s)
	}
	return nil
}

// openRelease reads datapackage.json and SHA256SUMS of a release and hashes
// its data files, checking them against both. release "" or "latest" means
// the release the dataset's latest link points to.
func openRelease(publicDir, dataset, release string) (*localRelease, error) {
	if err := checkSegment("dataset", dataset); err != nil {
		return nil, err
	}
	dsDir := filepath.Join(publicDir, datasetsDir, dataset)
	if release == "" || release == latestLink {
		target, err := os.Readlink(filepath.Join(dsDir, latestLink))
		if err != nil {
			return nil, fmt.Errorf("udata: latest release of %s: %w", dataset, err)
		}
		release = filepath.Base(target)
	}
	if err := checkSegment("release", release); err != nil {
		return nil, err
	}
	lr := &localRelease{dataset: dataset, release: release, dir: filepath.Join(dsDir, release)}
	raw, err := os.ReadFile(filepath.Join(lr.dir, fileDataPackage))
	if err != nil {
		return nil, fmt.Errorf("udata: release %s/%s: %w", dataset, release, err)
	}
	if err := json.Unmarshal(raw, &lr.dp); err != nil {
		return nil, fmt.Errorf("udata: release %s/%s: %s: %w", dataset, release, fileDataPackage, err)
	}
	sumsRaw, err := os.ReadFile(filepath.Join(lr.dir, fileSums))
	if err != nil {
		return nil, fmt.Errorf("udata: release %s/%s: %w", dataset, release, err)
	}
	sums, err := parseSums(sumsRaw)
	if err != nil {
		return nil, fmt.Errorf("udata: release %s/%s: %s: %w", dataset, release, fileSums, err)
	}
	if len(lr.dp.Resources) == 0 {
		return nil, fmt.Errorf("udata: release %s/%s: %s lists no resource", dataset, release, fileDataPackage)
	}
	seen := map[string]bool{}
	for _, r := range lr.dp.Resources {
		if err := checkSegment("resource path", r.Path); err != nil {
			return nil, fmt.Errorf("udata: release %s/%s: %w", dataset, release, err)
		}
		if seen[r.Path] {
			return nil, fmt.Errorf("udata: release %s/%s: resource %s listed twice", dataset, release, r.Path)
		}
		seen[r.Path] = true
		want, ok := sums[r.Path]
		if !ok {
			return nil, fmt.Errorf("udata: release %s/%s: %s is not in %s", dataset, release, r.Path, fileSums)
		}
		if h, ok := strings.CutPrefix(r.Hash, "sha256:"); ok && !strings.EqualFold(h, want) {
			return nil, fmt.Errorf("udata: release %s/%s: %s: %s and %s disagree on its sha256", dataset, release, r.Path, fileDataPackage, fileSums)
		}
		f := localFile{Path: r.Path, Name: r.Name, Format: strings.ToLower(r.Format), MediaType: r.MediaType}
		if f.Format == "" {
			f.Format = strings.TrimPrefix(strings.ToLower(filepath.Ext(r.Path)), ".")
		}
		if err := hashFile(filepath.Join(lr.dir, r.Path), &f); err != nil {
			return nil, fmt.Errorf("udata: release %s/%s: %w", dataset, release, err)
		}
		if f.SHA256 != want {
			return nil, fmt.Errorf("udata: release %s/%s: %s: content does not match %s (sha256 %s, listed %s)", dataset, release, r.Path, fileSums, f.SHA256, want)
		}
		if r.Bytes != 0 && r.Bytes != f.Bytes {
			return nil, fmt.Errorf("udata: release %s/%s: %s: %d bytes, %s says %d", dataset, release, r.Path, f.Bytes, fileDataPackage, r.Bytes)
		}
		lr.files = append(lr.files, f)
	}
	return lr, nil
}

// hashFile fills f's size, SHA-256 and SHA-1 (the checksum udata computes
// on upload) from the file at path.
func hashFile(path string, f *localFile) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	h256, h1 := sha256.New(), sha1.New()
	n, err := io.Copy(io.MultiWriter(h256, h1), fh)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	f.Bytes = n
	f.SHA256 = hex.EncodeToString(h256.Sum(nil))
	f.SHA1 = hex.EncodeToString(h1.Sum(nil))
	return nil
}

// parseSums reads a SHA256SUMS file as written by package output and by
// sha256sum: one "<64 hex digits><two spaces or space-star><name>" per line.
// Names are unique; blank lines are ignored.
func parseSums(b []byte) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if len(line) < 67 || (line[64:66] != "  " && line[64:66] != " *") {
			return nil, fmt.Errorf("line %d: malformed", n)
		}
		sum, name := strings.ToLower(line[:64]), line[66:]
		if _, err := hex.DecodeString(sum); err != nil {
			return nil, fmt.Errorf("line %d: checksum is not hex", n)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("line %d: %s listed twice", n, name)
		}
		out[name] = sum
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("empty")
	}
	return out, nil
}
