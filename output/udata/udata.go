// Package udata pushes published dataset releases to a udata portal
// (data.gouv.fr, demo.data.gouv.fr or any udata instance) through its API
// v1: it creates or updates the portal dataset that mirrors one of our
// datasets and creates or replaces its resources, one per data file of the
// release (data.csv, data.parquet …), idempotently.
//
// Endpoints used (udata/core/dataset/api.py; guides.data.gouv.fr, "Gérer un
// jeu de données par l'API" and "Prise en main de l'API"):
//
//	GET  /api/1/datasets/{id}/                            read a dataset and its resources
//	GET  /api/1/datasets/?organization={org}&page=…       list an organization's datasets (recovery)
//	POST /api/1/datasets/                                 create (JSON: title, description, license, frequency, tags, extras, organization, private)
//	PUT  /api/1/datasets/{id}/                            update the same fields
//	POST /api/1/datasets/{id}/upload/                     multipart "file": new resource, udata computes size and sha1
//	POST /api/1/datasets/{id}/resources/{rid}/upload/     multipart "file": replace the file, same resource id
//	PUT  /api/1/datasets/{id}/resources/{rid}/            resource metadata (title, description, type, format, mime, filesize, checksum, extras, schema; url for remote resources)
//	POST /api/1/datasets/{id}/resources/                  remote resource ({"filetype": "remote", "url": …}; udata refuses other filetypes here)
//
// Every call carries the API key in the X-API-KEY header; JSON bodies are
// sent as application/json (udata answers 400 {"errors": {"Content-Type":
// …}} otherwise). Validation errors come back as 400 {"message": …,
// "errors": {field: [messages]}} and are returned as *APIError with the
// field names. WTForms ignores unknown fields, so nothing else is sent.
//
// How our dataset is found again on the portal: the udata API v1 cannot
// filter datasets by extras, so the portal ids are kept in a state file,
// <StateDir>/<portal host>/<dataset>.json: the portal dataset id, the
// resource id of each data file and its sha256, and a fingerprint of the
// metadata last sent. The portal side also carries markers, so that a lost
// state file is recovered without duplicates: the dataset has the extras
// "ligerdata:dataset" (our dataset id) and "ligerdata:release", and each
// resource the extra "ligerdata:file" (data.csv …). Without a state file,
// Push looks for the marked dataset among Organization's datasets, and for
// marked resources (or, for an upload whose answer was lost, a resource
// with the same checksum) in the dataset, before creating anything.
//
// Retries: network errors, 429 and 5xx are retried with exponential backoff
// and full jitter (Retry-After honoured) for reads, updates and file
// replacements; creations (POST of a dataset, a new upload or a remote
// resource) are retried only on 429 and 503, answered before any
// processing, so that a lost answer cannot create a duplicate; the next
// Push adopts what a lost answer created. The client is net/http, not
// internal/fetch: uploads stream the file from disk (reopened at each
// attempt) with an exact Content-Length, and error bodies are read whole to
// report udata's field errors.
package udata

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// EnvAPIKey is the environment variable New reads the API key from when
// Options.APIKey is empty.
const EnvAPIKey = "UDATA_API_KEY"

// Modes of publishing the files.
const (
	// ModeUpload uploads each data file to the portal (the default).
	ModeUpload = "upload"
	// ModeRemote declares each data file as a remote resource pointing to
	// its immutable URL on our site, PublicBaseURL/datasets/<dataset>/<release>/<file>.
	ModeRemote = "remote"
)

// Keys of the extras that mark our objects on the portal.
const (
	ExtraDataset = "ligerdata:dataset" // on the dataset: our dataset id
	ExtraRelease = "ligerdata:release" // on the dataset: the release pushed
	ExtraFile    = "ligerdata:file"    // on a resource: the file of the release it holds
)

const userAgent = "ligerdata-udata/1 (+https://github.com/ligerdata/ligerdata)"

// Options configures a Publisher.
type Options struct {
	// BaseURL is the portal root, e.g. https://www.data.gouv.fr or
	// https://demo.data.gouv.fr; the API is at BaseURL/api/1. Required.
	BaseURL string
	// APIKey authenticates every call (X-API-KEY). When empty, New reads
	// the UDATA_API_KEY environment variable, and fails if it is empty too.
	APIKey string
	// Organization is the udata id of the organization that publishes the
	// datasets. Empty: datasets are created as owned by the key's user, and
	// a lost state file cannot be recovered from the portal.
	Organization string
	// HTTP is the client used; default a client with a 10-minute timeout
	// per request (uploads of large files).
	HTTP *http.Client
	// Logger receives progress and retry logs; default: discarded.
	Logger *slog.Logger
	// Mode is ModeUpload (default) or ModeRemote.
	Mode string
	// PublicBaseURL is where our public tree is served (e.g.
	// https://donnees.example.org). Required in remote mode; in upload mode
	// it is linked from the dataset description when set.
	PublicBaseURL string
	// StateDir holds the state files. Default: the folder "udata" next to
	// the public folder given to Push (<public>/../udata).
	StateDir string
	// Private keeps the portal datasets as drafts (udata makes a dataset
	// public on any API change that does not say private: true).
	Private bool
	// Frequency overrides the udata update frequency that is otherwise
	// derived from the pipeline schedule (FrequencyFromCron). It must be one
	// of Frequencies.
	Frequency string
	// Schemas maps our schema names (datapackage.json ligerdata.schema) to
	// schema names of the schema.data.gouv.fr catalogue (e.g.
	// "LaMednum/standard-mediation-num"), declared on the CSV resources.
	// udata refuses schemas that are not in its catalogue, so unmapped
	// schemas are not declared.
	Schemas map[string]string
	// MaxAttempts is the number of attempts of a call, first included;
	// default 4. BaseDelay and MaxDelay shape the backoff (defaults 1s and
	// 30s). Sleep waits between attempts (tests); it must honour ctx.
	MaxAttempts         int
	BaseDelay, MaxDelay time.Duration
	Sleep               func(ctx context.Context, d time.Duration) error
}

// Publisher pushes releases to one udata portal. It is safe for concurrent
// use on different datasets; pushes of the same dataset must not overlap
// (the caller holds the pipeline lock).
type Publisher struct {
	base, api, apiKey, org string
	hc                     *http.Client
	log                    *slog.Logger
	mode, publicBase       string
	stateDir               string
	private                bool
	frequency              string
	schemas                map[string]string
	maxAttempts            int
	baseDelay, maxDelay    time.Duration
	sleep                  func(ctx context.Context, d time.Duration) error
}

// Result says what a Push did. File lists hold release file names
// (data.csv, data.parquet …).
type Result struct {
	DatasetID string // the portal's dataset id
	URL       string // the dataset page on the portal
	Created   bool   // the portal dataset was created by this push
	// MetadataUpdated is true when the dataset metadata was sent (created
	// or updated).
	MetadataUpdated bool
	Uploaded        []string // files that got a new resource
	Replaced        []string // files whose resource got new content (same resource id)
	Updated         []string // files whose content was already there and whose resource metadata was fixed
	Unchanged       []string // files whose resource already held this content and metadata
}

// New checks opts and returns a Publisher. It makes no request; it fails
// when no API key is given nor found in UDATA_API_KEY, so that a
// misconfigured push is refused before any request.
func New(opts Options) (*Publisher, error) {
	u, err := url.Parse(strings.TrimSpace(opts.BaseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("udata: BaseURL %q is not an absolute http(s) URL", opts.BaseURL)
	}
	base := strings.TrimRight(u.String(), "/")
	key := strings.TrimSpace(opts.APIKey)
	if key == "" {
		key = strings.TrimSpace(os.Getenv(EnvAPIKey))
	}
	if key == "" {
		return nil, errNoAPIKey
	}
	p := &Publisher{
		base: base, api: base + "/api/1", apiKey: key, org: strings.TrimSpace(opts.Organization),
		hc: opts.HTTP, log: opts.Logger, mode: opts.Mode, stateDir: opts.StateDir,
		private: opts.Private, frequency: opts.Frequency, schemas: opts.Schemas,
		maxAttempts: opts.MaxAttempts, baseDelay: opts.BaseDelay, maxDelay: opts.MaxDelay, sleep: opts.Sleep,
	}
	if p.hc == nil {
		p.hc = &http.Client{Timeout: 10 * time.Minute}
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	switch p.mode {
	case "":
		p.mode = ModeUpload
	case ModeUpload, ModeRemote:
	default:
		return nil, fmt.Errorf("udata: unknown mode %q (want %q or %q)", opts.Mode, ModeUpload, ModeRemote)
	}
	if opts.PublicBaseURL != "" {
		pu, err := url.Parse(opts.PublicBaseURL)
		if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			return nil, fmt.Errorf("udata: PublicBaseURL %q is not an absolute http(s) URL", opts.PublicBaseURL)
		}
		p.publicBase = strings.TrimRight(pu.String(), "/")
	}
	if p.mode == ModeRemote && p.publicBase == "" {
		return nil, errors.New("udata: remote mode needs PublicBaseURL")
	}
	if p.frequency != "" && !isFrequency(p.frequency) {
		return nil, fmt.Errorf("udata: unknown frequency %q", p.frequency)
	}
	if p.maxAttempts <= 0 {
		p.maxAttempts = 4
	}
	if p.baseDelay <= 0 {
		p.baseDelay = time.Second
	}
	if p.maxDelay <= 0 {
		p.maxDelay = 30 * time.Second
	}
	if p.sleep == nil {
		p.sleep = sleepCtx
	}
	return p, nil
}

func isFrequency(f string) bool {
	for _, x := range Frequencies {
		if x == f {
			return true
		}
	}
	return false
}

// remoteDataset is the part of udata's dataset representation we use.
type remoteDataset struct {
	ID          string           `json:"id"`
	Slug        string           `json:"slug"`
	Page        string           `json:"page"`
	Title       string           `json:"title"`
	Description string           `json:"description"`
	License     string           `json:"license"`
	Frequency   string           `json:"frequency"`
	Tags        []string         `json:"tags"`
	Private     bool             `json:"private"`
	Extras      map[string]any   `json:"extras"`
	Resources   []remoteResource `json:"resources"`
}

// remoteResource is the part of udata's resource representation we use.
type remoteResource struct {
	ID       string         `json:"id"`
	Title    string         `json:"title"`
	URL      string         `json:"url"`
	Filetype string         `json:"filetype"`
	Format   string         `json:"format"`
	Filesize *int64         `json:"filesize"`
	Checksum *checksum      `json:"checksum"`
	Extras   map[string]any `json:"extras"`
}

type checksum struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// datasetPayload is the body of a dataset creation or update.
type datasetPayload struct {
	Title        string         `json:"title"`
	Description  string         `json:"description"`
	License      string         `json:"license"`
	Frequency    string         `json:"frequency"`
	Tags         []string       `json:"tags"`
	Organization string         `json:"organization,omitempty"`
	Private      bool           `json:"private"`
	Extras       map[string]any `json:"extras"`
}

// resourcePayload is the body of a resource metadata update or of a remote
// resource creation.
type resourcePayload struct {
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Type        string         `json:"type"`
	Format      string         `json:"format"`
	Mime        string         `json:"mime,omitempty"`
	Filesize    int64          `json:"filesize"`
	Checksum    checksum       `json:"checksum"`
	Extras      map[string]any `json:"extras"`
	Schema      *schemaRef     `json:"schema,omitempty"`
	URL         string         `json:"url,omitempty"`
	Filetype    string         `json:"filetype,omitempty"`
}

type schemaRef struct {
	Name string `json:"name"`
}

// Push creates or updates the portal dataset that mirrors one published
// release, <publicDir>/datasets/<dataset>/<release>/ (release "" or
// "latest": the release the latest link points to), read from its
// datapackage.json and SHA256SUMS (every data file listed in
// datapackage.json is hashed and checked against SHA256SUMS first), and
// creates or replaces its resources, one per data file.
//
// It is idempotent: pushing the same release twice makes no write (the
// metadata fingerprint and each resource's sha256 checksum are compared
// first). Pushing a new release updates the dataset metadata and replaces
// the changed files in place, keeping the resource ids; files whose content
// did not change are left alone. Resources are never duplicated: see the
// package documentation for how the portal objects are found again. The
// state file is saved after each step, so an interrupted push resumes.
// Resources of the portal dataset that are not ours, or ours but no longer
// in the release, are left untouched (logged).
func (p *Publisher) Push(ctx context.Context, publicDir, dataset, release string) (Result, error) {
	var res Result
	lr, err := openRelease(publicDir, dataset, release)
	if err != nil {
		return res, err
	}
	payload, err := p.datasetPayload(lr)
	if err != nil {
		return res, err
	}
	stateDir := p.stateDir
	if stateDir == "" {
		stateDir = filepath.Join(filepath.Dir(filepath.Clean(publicDir)), "udata")
	}
	spath, err := statePath(stateDir, p.base, dataset)
	if err != nil {
		return res, err
	}
	st, err := loadState(spath, p.base, dataset)
	if err != nil {
		return res, err
	}
	log := p.log.With("dataset", dataset, "release", lr.release)

	remote, err := p.findDataset(ctx, st, dataset)
	if err != nil {
		return res, err
	}
	fp := fingerprint(payload)
	switch {
	case remote == nil:
		body, err := jsonBody(payload)
		if err != nil {
			return res, fmt.Errorf("udata: encode dataset: %w", err)
		}
		remote = &remoteDataset{}
		if err := p.call(ctx, request{Method: http.MethodPost, Path: "/datasets/", ContentType: "application/json", Body: body}, remote); err != nil {
			return res, err
		}
		if remote.ID == "" {
			return res, errors.New("udata: POST /datasets/: answer has no dataset id")
		}
		res.Created, res.MetadataUpdated = true, true
		st.Resources = map[string]resourceState{}
		log.Info("udata: dataset created", "id", remote.ID)
	case st.MetaSHA256 != fp || st.DatasetID != remote.ID || remote.Private != p.private:
		payload.Extras = mergeExtras(remote.Extras, payload.Extras)
		body, err := jsonBody(payload)
		if err != nil {
			return res, fmt.Errorf("udata: encode dataset: %w", err)
		}
		var updated remoteDataset
		path := "/datasets/" + url.PathEscape(remote.ID) + "/"
		if err := p.call(ctx, request{Method: http.MethodPut, Path: path, ContentType: "application/json", Body: body, Idempotent: true}, &updated); err != nil {
			return res, err
		}
		if updated.ID != "" {
			updated.Resources = remote.Resources // an update answer may leave them out
			remote = &updated
		}
		res.MetadataUpdated = true
		log.Info("udata: dataset metadata updated", "id", remote.ID)
	}
	st.DatasetID, st.Page, st.MetaSHA256 = remote.ID, remote.Page, fp
	res.DatasetID, res.URL = remote.ID, remote.Page
	if err := st.save(spath); err != nil {
		return res, err
	}

	claimed := map[string]bool{}
	for _, f := range lr.files {
		outcome, rid, err := p.pushFile(ctx, lr, remote, st, f, claimed)
		if err != nil {
			return res, err
		}
		claimed[rid] = true
		st.Resources[f.Path] = resourceState{ID: rid, SHA256: f.SHA256, Release: lr.release}
		if err := st.save(spath); err != nil {
			return res, err
		}
		switch outcome {
		case outcomeUploaded:
			res.Uploaded = append(res.Uploaded, f.Path)
		case outcomeReplaced:
			res.Replaced = append(res.Replaced, f.Path)
		case outcomeUpdated:
			res.Updated = append(res.Updated, f.Path)
		default:
			res.Unchanged = append(res.Unchanged, f.Path)
		}
		log.Debug("udata: resource", "file", f.Path, "resource", rid, "outcome", outcome)
	}
	for _, r := range remote.Resources {
		if !claimed[r.ID] {
			if file, ok := r.Extras[ExtraFile].(string); ok {
				log.Warn("udata: resource no longer in the release, left as is", "resource", r.ID, "file", file)
			}
		}
	}
	st.Release = lr.release
	if err := st.save(spath); err != nil {
		return res, err
	}
	log.Info("udata: pushed", "id", remote.ID, "created", res.Created, "uploaded", len(res.Uploaded),
		"replaced", len(res.Replaced), "updated", len(res.Updated), "unchanged", len(res.Unchanged))
	return res, nil
}

type outcome string

const (
	outcomeUploaded  outcome = "uploaded"
	outcomeReplaced  outcome = "replaced"
	outcomeUpdated   outcome = "updated"
	outcomeUnchanged outcome = "unchanged"
)

// datasetPayload builds the dataset metadata from datapackage.json.
func (p *Publisher) datasetPayload(lr *localRelease) (datasetPayload, error) {
	dp := lr.dp
	if len(dp.Licenses) == 0 {
		return datasetPayload{}, fmt.Errorf("udata: release %s/%s declares no licence", lr.dataset, lr.release)
	}
	lic, ok := LicenseID(dp.Licenses[0].Name)
	if !ok {
		return datasetPayload{}, fmt.Errorf("udata: release %s/%s: licence %q has no udata equivalent", lr.dataset, lr.release, dp.Licenses[0].Name)
	}
	title := strings.TrimSpace(dp.Title)
	if title == "" {
		title = lr.dataset
	}
	freq := p.frequency
	if freq == "" {
		freq = FrequencyFromCron(dp.Ligerdata.Schedule)
	}
	extras := map[string]any{ExtraDataset: lr.dataset, ExtraRelease: lr.release}
	return datasetPayload{
		Title:        title,
		Description:  p.description(lr),
		License:      lic,
		Frequency:    freq,
		Tags:         tagsOf(dp.Keywords),
		Organization: p.org,
		Private:      p.private,
		Extras:       extras,
	}, nil
}

// description is the dataset description shown on the portal (French, for
// data users): ours, followed by where the releases and their history are.
func (p *Publisher) description(lr *localRelease) string {
	d := strings.TrimSpace(lr.dp.Description)
	if d == "" {
		d = strings.TrimSpace(lr.dp.Title)
	}
	if d == "" {
		d = "Jeu de données " + lr.dataset + "."
	}
	note := "Version publiée : " + lr.release + "."
	if p.publicBase != "" {
		note += " Toutes les versions, leurs journaux de modifications et le schéma : " +
			p.publicBase + "/datasets/" + url.PathEscape(lr.dataset) + "/"
	}
	return d + "\n\n---\n\n" + note
}

// fingerprint is the SHA-256 of the payload as we build it (our extras
// only), to tell whether the metadata changed since the last push.
func fingerprint(pl datasetPayload) string {
	b, _ := json.Marshal(pl)
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// mergeExtras keeps the portal's other extras and sets ours.
func mergeExtras(remote, ours map[string]any) map[string]any {
	out := make(map[string]any, len(remote)+len(ours))
	maps.Copy(out, remote)
	maps.Copy(out, ours)
	return out
}

// findDataset returns the portal dataset of st (nil when there is none to
// update): by the remembered id, else by its ExtraDataset marker among
// the organization's datasets.
func (p *Publisher) findDataset(ctx context.Context, st *state, dataset string) (*remoteDataset, error) {
	if st.DatasetID != "" {
		var d remoteDataset
		path := "/datasets/" + url.PathEscape(st.DatasetID) + "/"
		err := p.call(ctx, request{Method: http.MethodGet, Path: path, Idempotent: true}, &d)
		var ae *APIError
		switch {
		case err == nil:
			return &d, nil
		case errors.As(err, &ae) && ae.Status == http.StatusGone:
			return nil, fmt.Errorf("udata: dataset %s (%s) was deleted on the portal; restore it there, or remove the state file to publish a new one: %w", dataset, st.DatasetID, err)
		case errors.As(err, &ae) && ae.Status == http.StatusNotFound:
			p.log.Warn("udata: remembered dataset not found on the portal, looking for it", "dataset", dataset, "id", st.DatasetID)
			st.DatasetID, st.MetaSHA256, st.Resources = "", "", map[string]resourceState{}
		default:
			return nil, err
		}
	}
	if p.org == "" {
		return nil, nil
	}
	q := url.Values{"organization": {p.org}, "page_size": {"100"}}
	for page := 1; page <= 1000; page++ {
		q.Set("page", strconv.Itoa(page))
		var list struct {
			Data     []remoteDataset `json:"data"`
			NextPage *string         `json:"next_page"`
		}
		if err := p.call(ctx, request{Method: http.MethodGet, Path: "/datasets/", Query: q.Encode(), Idempotent: true}, &list); err != nil {
			return nil, err
		}
		for i := range list.Data {
			if v, _ := list.Data[i].Extras[ExtraDataset].(string); v == dataset {
				d := list.Data[i]
				p.log.Info("udata: found the dataset on the portal by its marker", "dataset", dataset, "id", d.ID)
				// Reread it: list items may be abridged.
				var full remoteDataset
				if err := p.call(ctx, request{Method: http.MethodGet, Path: "/datasets/" + url.PathEscape(d.ID) + "/", Idempotent: true}, &full); err != nil {
					return nil, err
				}
				return &full, nil
			}
		}
		if list.NextPage == nil || *list.NextPage == "" || len(list.Data) == 0 {
			break
		}
	}
	return nil, nil
}

// pushFile makes the portal hold file f and returns what it did and the
// resource id.
func (p *Publisher) pushFile(ctx context.Context, lr *localRelease, ds *remoteDataset, st *state, f localFile, claimed map[string]bool) (outcome, string, error) {
	r := matchResource(ds, st, f, claimed)
	meta := p.resourcePayload(lr, f)
	base := "/datasets/" + url.PathEscape(ds.ID)
	if p.mode == ModeRemote {
		if r == nil {
			body, err := jsonBody(meta)
			if err != nil {
				return "", "", err
			}
			var created remoteResource
			if err := p.call(ctx, request{Method: http.MethodPost, Path: base + "/resources/", ContentType: "application/json", Body: body}, &created); err != nil {
				return "", "", err
			}
			if created.ID == "" {
				return "", "", fmt.Errorf("udata: POST %s/resources/: answer has no resource id", base)
			}
			return outcomeUploaded, created.ID, nil
		}
		if r.URL == meta.URL && hasChecksum(r, "sha256", f.SHA256) && marked(r, f.Path) {
			return outcomeUnchanged, r.ID, nil
		}
		meta.Extras = mergeExtras(r.Extras, meta.Extras)
		if err := p.putResource(ctx, base, r.ID, meta); err != nil {
			return "", "", err
		}
		return outcomeReplaced, r.ID, nil
	}

	meta.Filetype, meta.URL = "", ""
	filename := uploadName(lr.dataset, f.Path)
	switch {
	case r == nil:
		ctype, body, err := multipartFile(filepath.Join(lr.dir, f.Path), filename, f.MediaType)
		if err != nil {
			return "", "", err
		}
		var created remoteResource
		if err := p.call(ctx, request{Method: http.MethodPost, Path: base + "/upload/", ContentType: ctype, Body: body}, &created); err != nil {
			return "", "", err
		}
		if created.ID == "" {
			return "", "", fmt.Errorf("udata: POST %s/upload/: answer has no resource id", base)
		}
		if err := p.putResource(ctx, base, created.ID, meta); err != nil {
			return "", "", err
		}
		return outcomeUploaded, created.ID, nil
	case r.Filetype == "remote":
		// udata cannot change a resource's filetype: leave the remote one
		// and upload a new resource.
		p.log.Warn("udata: resource is remote, uploading a new one", "resource", r.ID, "file", f.Path)
		claimed[r.ID] = true
		return p.pushFile(ctx, lr, ds, &state{Resources: map[string]resourceState{}}, f, claimed)
	case hasChecksum(r, "sha256", f.SHA256) && marked(r, f.Path):
		return outcomeUnchanged, r.ID, nil
	case hasChecksum(r, "sha256", f.SHA256) || hasChecksum(r, "sha1", f.SHA1):
		// The content is there (an upload whose metadata update was lost).
		meta.Extras = mergeExtras(r.Extras, meta.Extras)
		if err := p.putResource(ctx, base, r.ID, meta); err != nil {
			return "", "", err
		}
		return outcomeUpdated, r.ID, nil
	}
	ctype, body, err := multipartFile(filepath.Join(lr.dir, f.Path), filename, f.MediaType)
	if err != nil {
		return "", "", err
	}
	path := base + "/resources/" + url.PathEscape(r.ID) + "/upload/"
	var replaced remoteResource
	if err := p.call(ctx, request{Method: http.MethodPost, Path: path, ContentType: ctype, Body: body, Idempotent: true}, &replaced); err != nil {
		return "", "", err
	}
	meta.Extras = mergeExtras(r.Extras, meta.Extras)
	if err := p.putResource(ctx, base, r.ID, meta); err != nil {
		return "", "", err
	}
	return outcomeReplaced, r.ID, nil
}

func (p *Publisher) putResource(ctx context.Context, base, rid string, meta resourcePayload) error {
	body, err := jsonBody(meta)
	if err != nil {
		return fmt.Errorf("udata: encode resource: %w", err)
	}
	path := base + "/resources/" + url.PathEscape(rid) + "/"
	return p.call(ctx, request{Method: http.MethodPut, Path: path, ContentType: "application/json", Body: body, Idempotent: true}, nil)
}

// matchResource finds the portal resource that holds (or held) file f: the
// remembered one, else the one marked with ExtraFile = f.Path, else an
// unmarked file resource with f's checksum (an upload whose answer was
// lost).
func matchResource(ds *remoteDataset, st *state, f localFile, claimed map[string]bool) *remoteResource {
	if rs, ok := st.Resources[f.Path]; ok {
		for i := range ds.Resources {
			if r := &ds.Resources[i]; r.ID == rs.ID && !claimed[r.ID] {
				return r
			}
		}
	}
	for i := range ds.Resources {
		if r := &ds.Resources[i]; !claimed[r.ID] && marked(r, f.Path) {
			return r
		}
	}
	for i := range ds.Resources {
		r := &ds.Resources[i]
		if claimed[r.ID] || r.Filetype == "remote" {
			continue
		}
		if _, ours := r.Extras[ExtraFile]; ours {
			continue
		}
		if hasChecksum(r, "sha256", f.SHA256) || hasChecksum(r, "sha1", f.SHA1) {
			return r
		}
	}
	return nil
}

func marked(r *remoteResource, file string) bool {
	v, _ := r.Extras[ExtraFile].(string)
	return v == file
}

func hasChecksum(r *remoteResource, typ, value string) bool {
	return r.Checksum != nil && strings.EqualFold(r.Checksum.Type, typ) && strings.EqualFold(r.Checksum.Value, value)
}

// resourcePayload builds the metadata of f's resource. Texts are French
// (shown to data users); nothing in it depends on the release, so that a
// file unchanged between two releases leaves its resource untouched.
func (p *Publisher) resourcePayload(lr *localRelease, f localFile) resourcePayload {
	label := formatLabel(f.Format)
	desc := "Données au format " + label + "."
	switch f.Format {
	case "csv":
		desc += " Encodage UTF-8."
	case "parquet":
		desc += " Fichier Apache Parquet, une colonne par champ du schéma."
	}
	if s := lr.dp.Ligerdata.Schema; s != "" {
		desc += " Schéma : " + s + "."
	}
	desc += " Empreinte SHA-256 : " + f.SHA256 + "."
	meta := resourcePayload{
		Title:       "Données " + label + " (" + f.Path + ")",
		Description: desc,
		Type:        "main",
		Format:      f.Format,
		Mime:        f.MediaType,
		Filesize:    f.Bytes,
		Checksum:    checksum{Type: "sha256", Value: f.SHA256},
		Extras:      map[string]any{ExtraFile: f.Path},
	}
	if name, ok := p.schemas[lr.dp.Ligerdata.Schema]; ok && name != "" && f.Format == "csv" {
		meta.Schema = &schemaRef{Name: name}
	}
	if p.mode == ModeRemote {
		meta.Filetype = "remote"
		meta.URL = p.publicBase + "/" + datasetsDir + "/" + url.PathEscape(lr.dataset) + "/" +
			url.PathEscape(lr.release) + "/" + url.PathEscape(f.Path)
	}
	return meta
}

func formatLabel(format string) string {
	switch format {
	case "csv":
		return "CSV"
	case "parquet":
		return "Parquet"
	case "geojson":
		return "GeoJSON"
	case "json":
		return "JSON"
	case "":
		return "inconnu"
	}
	return strings.ToUpper(format)
}

// uploadName is the file name given to an uploaded file (udata keeps it in
// the download URL): data.csv of dataset "lycees" → lycees.csv,
// data-fr.csv → lycees-fr.csv, other.csv → lycees-other.csv.
func uploadName(dataset, file string) string {
	if rest, ok := strings.CutPrefix(file, "data"); ok && (strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "-")) {
		return dataset + rest
	}
	return dataset + "-" + file
}
