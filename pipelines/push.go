package pipelines

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/ligerdata/ligerdata/output/udata"
)

// PushSpec says where a published release is pushed after each run.
type PushSpec struct {
	Udata *UdataPush `yaml:"udata"`
}

// UdataPush pushes the release to a udata portal (data.gouv.fr or a
// regional udata). The API key comes from the UDATA_API_KEY environment
// variable, never from the definition.
type UdataPush struct {
	URL          string `yaml:"url,required"`
	Organization string `yaml:"organization"`
	// Mode is "upload" (send the files, the default) or "remote" (point
	// the portal's resources to this site's immutable download URLs).
	Mode string `yaml:"mode"`
	// Schema is the portal's id of the dataset's schema, e.g.
	// "LaMednum/standard-mediation-num", set on the CSV resources.
	Schema string `yaml:"schema"`
}

// PushResult is what a push did, recorded in the run manifest.
type PushResult struct {
	Portal    string   `json:"portal"`
	DatasetID string   `json:"dataset_id,omitempty"`
	URL       string   `json:"url,omitempty"`
	Created   bool     `json:"created,omitempty"`
	Uploaded  []string `json:"uploaded,omitempty"`
	Replaced  []string `json:"replaced,omitempty"`
	Unchanged []string `json:"unchanged,omitempty"`
	Error     string   `json:"error,omitempty"`
}

func checkPush(d *decoder, def *Definition, at func(string) *yaml.Node) {
	if def.Push == nil || def.Push.Udata == nil {
		return
	}
	n := valueNode(at("push"), "udata")
	u := def.Push.Udata
	if p, err := url.Parse(u.URL); u.URL != "" && (err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "") {
		d.errorf(valueNode(n, "url"), "push.udata.url", "%q is not an http(s) URL", u.URL)
	}
	switch u.Mode {
	case "", udata.ModeUpload, udata.ModeRemote:
	default:
		d.errorf(valueNode(n, "mode"), "push.udata.mode", "must be %s or %s (got %q)", udata.ModeUpload, udata.ModeRemote, u.Mode)
	}
}

// push sends a published release to the portals the definition names. A
// failed push does not undo the release: it is recorded in the manifest
// and logged, and the next run pushes again (pushing is idempotent).
func (r *Runner) push(ctx context.Context, def *Definition, release string, log *slog.Logger) *PushResult {
	if def.Push == nil || def.Push.Udata == nil {
		return nil
	}
	u := def.Push.Udata
	res := &PushResult{Portal: u.URL}
	schemas := map[string]string{}
	if u.Schema != "" {
		schemas[def.TableSchema.Name] = u.Schema
		schemas[def.Schema] = u.Schema
	}
	p, err := udata.New(udata.Options{
		BaseURL:       u.URL,
		Organization:  u.Organization,
		Mode:          u.Mode,
		PublicBaseURL: r.Catalog.BaseURL,
		StateDir:      filepath.Join(r.Store.Root, "udata"),
		Schemas:       schemas,
		Logger:        log,
	})
	if err == nil {
		var out udata.Result
		if out, err = p.Push(ctx, r.Store.PublicDir(), def.Dataset, release); err == nil {
			res.DatasetID, res.URL, res.Created = out.DatasetID, out.URL, out.Created
			res.Uploaded, res.Replaced, res.Unchanged = out.Uploaded, out.Replaced, out.Unchanged
			log.Info("release pushed", "portal", u.URL, "dataset_id", out.DatasetID, "uploaded", len(out.Uploaded), "replaced", len(out.Replaced))
			return res
		}
	}
	res.Error = fmt.Sprintf("push to %s: %v", u.URL, err)
	log.Error("push failed; the release stays published here", "portal", u.URL, "error", err)
	return res
}
