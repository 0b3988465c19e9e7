package udata

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ligerdata/ligerdata/output/udata/udatatest"
)

const (
	testKey = "cle-de-test"
	testOrg = "5bbb6d6cff66bd4dc17bfd5a"
)

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func sha1Hex(s string) string {
	h := sha1.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// writeRelease lays out a release as package output publishes it: the data
// files, datapackage.json listing them with size and hash, SHA256SUMS of
// every file, and the latest link.
func writeRelease(t *testing.T, public, dataset, release string, files map[string]string) {
	t.Helper()
	dir := filepath.Join(public, "datasets", dataset, release)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	type res struct {
		Name      string `json:"name"`
		Path      string `json:"path"`
		Format    string `json:"format"`
		MediaType string `json:"mediatype"`
		Bytes     int    `json:"bytes"`
		Hash      string `json:"hash"`
	}
	var resources []res
	all := map[string]string{}
	for _, n := range names {
		body := files[n]
		if err := os.WriteFile(filepath.Join(dir, n), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		format := strings.TrimPrefix(filepath.Ext(n), ".")
		media := map[string]string{"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}[format]
		resources = append(resources, res{Name: "data-" + format, Path: n, Format: format, MediaType: media, Bytes: len(body), Hash: "sha256:" + sha256Hex(body)})
		all[n] = body
	}
	dp := map[string]any{
		"profile": "data-package", "name": dataset, "id": dataset,
		"title": "Lieux de médiation numérique", "description": "Les lieux de médiation numérique des Pays de la Loire.",
		"version": release, "keywords": []string{"médiation numérique", "Pays de la Loire", "tiers-lieux", "a"},
		"licenses":  []map[string]string{{"name": "etalab-2.0", "title": "Licence Ouverte / Open Licence version 2.0"}},
		"resources": resources,
		"ligerdata": map[string]any{"run_id": release, "rows": 3, "schema": "lieux-mediation-numerique", "schedule": "30 4 * * *"},
	}
	b, err := json.MarshalIndent(dp, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	all["datapackage.json"] = string(b)
	if err := os.WriteFile(filepath.Join(dir, "datapackage.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	var sums strings.Builder
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&sums, "%s  %s\n", sha256Hex(all[k]), k)
	}
	if err := os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(sums.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(public, "datasets", dataset, "latest")
	_ = os.Remove(link)
	if err := os.Symlink(release, link); err != nil {
		t.Fatal(err)
	}
}

func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func newPublisher(t *testing.T, srv *udatatest.Server, mut func(*Options)) (*Publisher, string) {
	t.Helper()
	stateDir := t.TempDir()
	opts := Options{
		BaseURL: srv.URL, APIKey: testKey, Organization: testOrg, HTTP: srv.Client(),
		StateDir: stateDir, Sleep: noSleep, PublicBaseURL: "https://donnees.example.org",
		Schemas: map[string]string{"lieux-mediation-numerique": "LaMednum/standard-mediation-num"},
	}
	if mut != nil {
		mut(&opts)
	}
	p, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return p, stateDir
}

var release1 = map[string]string{
	"data.csv":     "id,nom\n1,Médiathèque\n2,Tiers-lieu\n",
	"data.parquet": "PAR1 fake parquet one PAR1",
}

var release2 = map[string]string{
	"data.csv":     "id,nom\n1,Médiathèque\n2,Tiers-lieu\n3,Espace public numérique\n",
	"data.parquet": "PAR1 fake parquet two PAR1",
}

// checkResources checks that d has exactly one resource per file, holding
// its content, with our metadata.
func checkResources(t *testing.T, d udatatest.Dataset, files map[string]string) map[string]string {
	t.Helper()
	if len(d.Resources) != len(files) {
		t.Fatalf("dataset has %d resources, want %d", len(d.Resources), len(files))
	}
	ids := map[string]string{}
	for _, r := range d.Resources {
		file, _ := r.Extras[ExtraFile].(string)
		body, ok := files[file]
		if !ok {
			t.Fatalf("resource %s marked with file %q, not in the release", r.ID, file)
		}
		if _, dup := ids[file]; dup {
			t.Fatalf("two resources for %s", file)
		}
		ids[file] = r.ID
		if r.ContentSHA1 != sha1Hex(body) {
			t.Errorf("%s: portal holds content sha1 %s, want %s", file, r.ContentSHA1, sha1Hex(body))
		}
		if r.Checksum == nil || r.Checksum.Type != "sha256" || r.Checksum.Value != sha256Hex(body) {
			t.Errorf("%s: checksum %+v, want sha256 %s", file, r.Checksum, sha256Hex(body))
		}
		if r.Filesize == nil || *r.Filesize != int64(len(body)) {
			t.Errorf("%s: filesize %v, want %d", file, r.Filesize, len(body))
		}
		if r.Type != "main" || r.Filetype != "file" {
			t.Errorf("%s: type %q filetype %q", file, r.Type, r.Filetype)
		}
		if !strings.Contains(r.Title, file) {
			t.Errorf("%s: title %q does not name the file", file, r.Title)
		}
		wantSchema := strings.HasSuffix(file, ".csv")
		if got := r.Schema != nil && r.Schema["name"] == "LaMednum/standard-mediation-num"; got != wantSchema {
			t.Errorf("%s: schema %v", file, r.Schema)
		}
	}
	return ids
}

func TestPushLifecycle(t *testing.T) {
	srv := udatatest.New(testKey, testOrg)
	defer srv.Close()
	public := filepath.Join(t.TempDir(), "public")
	writeRelease(t, public, "lieux", "20261127T152100Z-1273", release1)
	p, _ := newPublisher(t, srv, nil)
	ctx := context.Background()

	// First push: one dataset, one resource per file.
	res, err := p.Push(ctx, public, "lieux", "")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || res.DatasetID == "" || !strings.Contains(res.URL, "/fr/datasets/") {
		t.Errorf("first push: %+v", res)
	}
	if want := []string{"data.csv", "data.parquet"}; !slices.Equal(res.Uploaded, want) {
		t.Errorf("uploaded %v, want %v", res.Uploaded, want)
	}
	ds := srv.Datasets()
	if len(ds) != 1 {
		t.Fatalf("%d datasets on the portal", len(ds))
	}
	d := ds[0]
	if d.ID != res.DatasetID || d.Title != "Lieux de médiation numérique" || d.License != "lov2" || d.Frequency != "daily" {
		t.Errorf("dataset metadata: id %s title %q license %q frequency %q", d.ID, d.Title, d.License, d.Frequency)
	}
	if d.Organization["id"] != testOrg {
		t.Errorf("organization %v", d.Organization)
	}
	if d.Extras[ExtraDataset] != "lieux" || d.Extras[ExtraRelease] != "20261127T152100Z-1273" {
		t.Errorf("extras %v", d.Extras)
	}
	if !slices.Equal(d.Tags, []string{"mediation-numerique", "pays-de-la-loire", "tiers-lieux"}) {
		t.Errorf("tags %v", d.Tags)
	}
	if !strings.Contains(d.Description, "https://donnees.example.org/datasets/lieux/") {
		t.Errorf("description does not link our site: %q", d.Description)
	}
	ids1 := checkResources(t, d, release1)

	// Second push of the same release: no write at all.
	before := len(srv.Writes())
	res, err = p.Push(ctx, public, "lieux", "20261127T152100Z-1273")
	if err != nil {
		t.Fatal(err)
	}
	if w := srv.Writes()[before:]; len(w) != 0 {
		t.Errorf("second push wrote %v", w)
	}
	if res.Created || res.MetadataUpdated || len(res.Uploaded)+len(res.Replaced)+len(res.Updated) != 0 || len(res.Unchanged) != 2 {
		t.Errorf("second push: %+v", res)
	}
	if ds := srv.Datasets(); len(ds) != 1 {
		t.Fatalf("%d datasets after the second push", len(ds))
	} else {
		checkResources(t, ds[0], release1)
	}

	// New release: same resource ids, new content and checksums.
	writeRelease(t, public, "lieux", "20261128T040000Z-0a1f", release2)
	res, err = p.Push(ctx, public, "lieux", "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Created || !res.MetadataUpdated || len(res.Uploaded) != 0 || !slices.Equal(res.Replaced, []string{"data.csv", "data.parquet"}) {
		t.Errorf("third push: %+v", res)
	}
	ds = srv.Datasets()
	if len(ds) != 1 {
		t.Fatalf("%d datasets after a new release", len(ds))
	}
	ids2 := checkResources(t, ds[0], release2)
	for f, id := range ids1 {
		if ids2[f] != id {
			t.Errorf("%s: resource id changed from %s to %s", f, id, ids2[f])
		}
	}
	if ds[0].Extras[ExtraRelease] != "20261128T040000Z-0a1f" {
		t.Errorf("release extra %v", ds[0].Extras[ExtraRelease])
	}
	for _, r := range ds[0].Resources {
		if r.Uploads != 2 {
			t.Errorf("%s: %d uploads, want 2", r.Title, r.Uploads)
		}
	}
}

// TestPushPartialChange checks that a file unchanged between two releases
// is left alone.
func TestPushPartialChange(t *testing.T) {
	srv := udatatest.New(testKey, testOrg)
	defer srv.Close()
	public := t.TempDir()
	writeRelease(t, public, "lieux", "r1", release1)
	p, _ := newPublisher(t, srv, nil)
	if _, err := p.Push(context.Background(), public, "lieux", ""); err != nil {
		t.Fatal(err)
	}
	mixed := map[string]string{"data.csv": release2["data.csv"], "data.parquet": release1["data.parquet"]}
	writeRelease(t, public, "lieux", "r2", mixed)
	res, err := p.Push(context.Background(), public, "lieux", "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Replaced, []string{"data.csv"}) || !slices.Equal(res.Unchanged, []string{"data.parquet"}) {
		t.Errorf("push: %+v", res)
	}
	checkResources(t, srv.Datasets()[0], mixed)
}

// TestPushRecoversWithoutState checks that a lost state file neither
// creates a second dataset nor duplicates resources.
func TestPushRecoversWithoutState(t *testing.T) {
	srv := udatatest.New(testKey, testOrg)
	defer srv.Close()
	public := t.TempDir()
	writeRelease(t, public, "lieux", "r1", release1)
	p, stateDir := newPublisher(t, srv, nil)
	if _, err := p.Push(context.Background(), public, "lieux", ""); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(stateDir); err != nil {
		t.Fatal(err)
	}
	writeRelease(t, public, "lieux", "r2", release2)
	res, err := p.Push(context.Background(), public, "lieux", "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Created || len(res.Uploaded) != 0 {
		t.Errorf("push without state: %+v", res)
	}
	ds := srv.Datasets()
	if len(ds) != 1 {
		t.Fatalf("%d datasets", len(ds))
	}
	checkResources(t, ds[0], release2)
}

// TestPushAdoptsLostUpload checks that an upload whose metadata update
// failed is completed, not duplicated, by the next push.
func TestPushAdoptsLostUpload(t *testing.T) {
	srv := udatatest.New(testKey, testOrg)
	defer srv.Close()
	public := t.TempDir()
	writeRelease(t, public, "lieux", "r1", release1)
	p, stateDir := newPublisher(t, srv, func(o *Options) { o.MaxAttempts = 1 })
	// The metadata update of the first upload fails (400).
	srv.Fail(http.MethodPut, "/api/1/datasets/", http.StatusBadRequest)
	// Dataset creation is a POST, so the first PUT is the resource's.
	if _, err := p.Push(context.Background(), public, "lieux", ""); err == nil {
		t.Fatal("push with a failing resource update succeeded")
	}
	if err := os.RemoveAll(stateDir); err != nil { // and the state is lost too
		t.Fatal(err)
	}
	res, err := p.Push(context.Background(), public, "lieux", "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Updated, []string{"data.csv"}) || !slices.Equal(res.Uploaded, []string{"data.parquet"}) {
		t.Errorf("resumed push: %+v", res)
	}
	ds := srv.Datasets()
	if len(ds) != 1 {
		t.Fatalf("%d datasets", len(ds))
	}
	checkResources(t, ds[0], release1)
}

func TestPushRemoteMode(t *testing.T) {
	srv := udatatest.New(testKey, testOrg)
	defer srv.Close()
	public := t.TempDir()
	writeRelease(t, public, "lieux", "r1", release1)
	p, _ := newPublisher(t, srv, func(o *Options) { o.Mode = ModeRemote })
	ctx := context.Background()
	if _, err := p.Push(ctx, public, "lieux", ""); err != nil {
		t.Fatal(err)
	}
	writeRelease(t, public, "lieux", "r2", release2)
	if _, err := p.Push(ctx, public, "lieux", ""); err != nil {
		t.Fatal(err)
	}
	before := len(srv.Writes())
	res, err := p.Push(ctx, public, "lieux", "")
	if err != nil {
		t.Fatal(err)
	}
	if w := srv.Writes()[before:]; len(w) != 0 || len(res.Unchanged) != 2 {
		t.Errorf("repeated remote push wrote %v: %+v", w, res)
	}
	d := srv.Datasets()[0]
	if len(d.Resources) != 2 {
		t.Fatalf("%d resources", len(d.Resources))
	}
	for _, r := range d.Resources {
		file, _ := r.Extras[ExtraFile].(string)
		want := "https://donnees.example.org/datasets/lieux/r2/" + file
		if r.Filetype != "remote" || r.URL != want {
			t.Errorf("%s: filetype %q url %q, want remote %s", file, r.Filetype, r.URL, want)
		}
		if r.Checksum == nil || r.Checksum.Value != sha256Hex(release2[file]) {
			t.Errorf("%s: checksum %+v", file, r.Checksum)
		}
	}
}

func TestPushRetries(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		prefix   string
		statuses []int
		attempts int
		wantErr  int // HTTP status of the expected *APIError, 0 for success
	}{
		{name: "503 then success on create", method: http.MethodPost, prefix: "/api/1/datasets/", statuses: []int{503}, attempts: 4},
		{name: "429 twice on upload", method: http.MethodPost, prefix: "/api/1/datasets/", statuses: []int{201, 429, 429}, attempts: 4},
		{name: "502 on an update is retried", method: http.MethodPut, prefix: "/api/1/datasets/", statuses: []int{502}, attempts: 4},
		{name: "502 on a creation is not retried", method: http.MethodPost, prefix: "/api/1/datasets/", statuses: []int{502}, attempts: 4, wantErr: 502},
		{name: "503 beyond the attempts", method: http.MethodPost, prefix: "/api/1/datasets/", statuses: []int{503, 503}, attempts: 2, wantErr: 503},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := udatatest.New(testKey, testOrg)
			defer srv.Close()
			public := t.TempDir()
			writeRelease(t, public, "lieux", "r1", release1)
			var slept []time.Duration
			p, _ := newPublisher(t, srv, func(o *Options) {
				o.MaxAttempts = tc.attempts
				o.Sleep = func(ctx context.Context, d time.Duration) error { slept = append(slept, d); return nil }
			})
			statuses := tc.statuses
			if statuses[0] == 201 { // let the dataset creation through
				statuses = statuses[1:]
				if _, err := p.Push(context.Background(), public, "lieux", ""); err != nil {
					t.Fatal(err)
				}
				writeRelease(t, public, "lieux", "r2", map[string]string{"data.csv": "x,y\n1,2\n", "data.parquet": release1["data.parquet"], "data-fr.csv": "x;y\n1;2\n"})
			}
			srv.Fail(tc.method, tc.prefix, statuses...)
			_, err := p.Push(context.Background(), public, "lieux", "")
			if tc.wantErr != 0 {
				var ae *APIError
				if !errors.As(err, &ae) || ae.Status != tc.wantErr {
					t.Fatalf("error %v, want HTTP %d", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(slept) != len(statuses) {
				t.Errorf("slept %d times, want %d", len(slept), len(statuses))
			}
			if ds := srv.Datasets(); len(ds) != 1 {
				t.Errorf("%d datasets", len(ds))
			}
		})
	}
}

func TestPushValidationError(t *testing.T) {
	srv := udatatest.New(testKey, "another-organization")
	defer srv.Close()
	public := t.TempDir()
	writeRelease(t, public, "lieux", "r1", release1)
	p, _ := newPublisher(t, srv, func(o *Options) { o.Frequency = "weekly" })
	_, err := p.Push(context.Background(), public, "lieux", "")
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v, want *APIError", err)
	}
	if ae.Status != http.StatusBadRequest || len(ae.Fields["organization"]) == 0 {
		t.Errorf("APIError %+v, want 400 on organization", ae)
	}
	if !strings.Contains(err.Error(), "organization") || !strings.Contains(err.Error(), "Permission denied") {
		t.Errorf("message %q does not name the field and udata's message", err)
	}
	if len(srv.Datasets()) != 0 {
		t.Error("a dataset was created")
	}
}

func TestPushUnauthorized(t *testing.T) {
	srv := udatatest.New(testKey, testOrg)
	defer srv.Close()
	public := t.TempDir()
	writeRelease(t, public, "lieux", "r1", release1)
	p, _ := newPublisher(t, srv, func(o *Options) { o.APIKey = "mauvaise-cle" })
	_, err := p.Push(context.Background(), public, "lieux", "")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized {
		t.Fatalf("error %v, want 401", err)
	}
	if !strings.Contains(err.Error(), EnvAPIKey) {
		t.Errorf("message %q does not name %s", err, EnvAPIKey)
	}
}

func TestNewRefusesMissingKey(t *testing.T) {
	srv := udatatest.New(testKey, testOrg)
	defer srv.Close()
	t.Setenv(EnvAPIKey, "")
	_, err := New(Options{BaseURL: srv.URL, HTTP: srv.Client()})
	if err == nil || !strings.Contains(err.Error(), EnvAPIKey) {
		t.Fatalf("New without key: %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests made", n)
	}
	t.Setenv(EnvAPIKey, "depuis-l-environnement")
	p, err := New(Options{BaseURL: srv.URL})
	if err != nil || p.apiKey != "depuis-l-environnement" {
		t.Fatalf("key from the environment: %v", err)
	}
}

func TestNewOptions(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		ok   bool
	}{
		{name: "minimal", opts: Options{BaseURL: "https://demo.data.gouv.fr", APIKey: "k"}, ok: true},
		{name: "relative base", opts: Options{BaseURL: "/api", APIKey: "k"}},
		{name: "unknown mode", opts: Options{BaseURL: "https://demo.data.gouv.fr", APIKey: "k", Mode: "ftp"}},
		{name: "remote without public URL", opts: Options{BaseURL: "https://demo.data.gouv.fr", APIKey: "k", Mode: ModeRemote}},
		{name: "remote", opts: Options{BaseURL: "https://demo.data.gouv.fr", APIKey: "k", Mode: ModeRemote, PublicBaseURL: "https://donnees.example.org/"}, ok: true},
		{name: "unknown frequency", opts: Options{BaseURL: "https://demo.data.gouv.fr", APIKey: "k", Frequency: "sometimes"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.opts)
			if (err == nil) != tc.ok {
				t.Errorf("New: %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestPushRefusesCorruptRelease(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(t *testing.T, dir string)
	}{
		{name: "file changed after publication", mutate: func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "data.csv"), []byte("id,nom\n9,Autre\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "file missing", mutate: func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "data.parquet")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "no SHA256SUMS", mutate: func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "SHA256SUMS")); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := udatatest.New(testKey, testOrg)
			defer srv.Close()
			public := t.TempDir()
			writeRelease(t, public, "lieux", "r1", release1)
			tc.mutate(t, filepath.Join(public, "datasets", "lieux", "r1"))
			p, _ := newPublisher(t, srv, nil)
			if _, err := p.Push(context.Background(), public, "lieux", ""); err == nil {
				t.Fatal("push of a corrupt release succeeded")
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests made for a corrupt release", n)
			}
		})
	}
}

func TestPushDeletedDataset(t *testing.T) {
	srv := udatatest.New(testKey, testOrg)
	defer srv.Close()
	public := t.TempDir()
	writeRelease(t, public, "lieux", "r1", release1)
	p, _ := newPublisher(t, srv, nil)
	res, err := p.Push(context.Background(), public, "lieux", "")
	if err != nil {
		t.Fatal(err)
	}
	srv.Delete(res.DatasetID)
	_, err = p.Push(context.Background(), public, "lieux", "")
	if err == nil || !strings.Contains(err.Error(), "deleted") {
		t.Fatalf("push to a deleted dataset: %v", err)
	}
	if len(srv.Datasets()) != 1 {
		t.Error("a new dataset was created")
	}
}

func TestStatePerPortal(t *testing.T) {
	dir := t.TempDir()
	a, err := statePath(dir, "https://www.data.gouv.fr", "lieux")
	if err != nil {
		t.Fatal(err)
	}
	b, err := statePath(dir, "https://demo.data.gouv.fr", "lieux")
	if err != nil {
		t.Fatal(err)
	}
	if a == b || filepath.Base(a) != "lieux.json" {
		t.Errorf("state paths %s and %s", a, b)
	}
	st, err := loadState(a, "https://www.data.gouv.fr", "lieux")
	if err != nil || st.DatasetID != "" {
		t.Fatalf("missing state: %+v %v", st, err)
	}
	st.DatasetID = "abc"
	st.Resources["data.csv"] = resourceState{ID: "r1", SHA256: "00"}
	if err := st.save(a); err != nil {
		t.Fatal(err)
	}
	got, err := loadState(a, "https://www.data.gouv.fr", "lieux")
	if err != nil || got.DatasetID != "abc" || got.Resources["data.csv"].ID != "r1" {
		t.Errorf("reloaded state %+v %v", got, err)
	}
	if _, err := loadState(a, "https://www.data.gouv.fr", "autre"); err == nil {
		t.Error("state of another dataset accepted")
	}
}
