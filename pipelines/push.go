package pipelines

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/ligerdata/ligerdata/output/opendatasoft"
	"github.com/ligerdata/ligerdata/output/udata"
)

// PushSpec says where a published release is pushed after each run.
type PushSpec struct {
	Udata        *UdataPush `yaml:"udata"`
	Opendatasoft *ODSPush   `yaml:"opendatasoft"`
}

// ODSPush pushes the release to an OpenDataSoft portal through its
// Automation API: the dataset (same id as ours) gets the metadata and
// licence, a resource pointing to the release's data.csv on this site,
// and is published. The API key comes from the ODS_API_KEY environment
// variable, never from the definition; the site's public URL (base_url)
// must be configured.
type ODSPush struct {
	URL string `yaml:"url,required"`
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
	// Resource ("added", "updated", "unchanged") and Published say what an
	// OpenDataSoft push did with the dataset's resource.
	Resource  string `json:"resource,omitempty"`
	Published bool   `json:"published,omitempty"`
	Error     string `json:"error,omitempty"`
}

func checkPush(d *decoder, def *Definition, at func(string) *yaml.Node) {
	if def.Push == nil {
		return
	}
	if o := def.Push.Opendatasoft; o != nil {
		n := valueNode(at("push"), "opendatasoft")
		if p, err := url.Parse(o.URL); o.URL != "" && (err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "") {
			d.errorf(valueNode(n, "url"), "push.opendatasoft.url", "%q is not an http(s) URL", o.URL)
		}
	}
	if def.Push.Udata == nil {
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

// pushODS sends a published release to the OpenDataSoft portal the
// definition names, like push.
func (r *Runner) pushODS(ctx context.Context, def *Definition, release string, log *slog.Logger) *PushResult {
	if def.Push == nil || def.Push.Opendatasoft == nil {
		return nil
	}
	portal := def.Push.Opendatasoft.URL
	res := &PushResult{Portal: portal}
	p, err := opendatasoft.New(opendatasoft.Options{BaseURL: portal, PublicBaseURL: r.Catalog.BaseURL, Logger: log})
	if err == nil {
		var out opendatasoft.Result
		if out, err = p.Push(ctx, r.Store.PublicDir(), def.Dataset, release); err == nil {
			res.DatasetID, res.Created = out.UID, out.Created
			res.Resource, res.Published = out.Resource, out.Published
			return res
		}
	}
	res.Error = fmt.Sprintf("push to %s: %v", portal, err)
	log.Error("push failed; the release stays published here", "portal", portal, "error", err)
	return res
}

// push sends a published release to the udata portal the definition
// names. A failed push does not undo the release: it is recorded in the
// manifest and logged, and the next run pushes again (pushing is
// idempotent).
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
