// Package opendatasoft pushes published dataset releases to an
// OpenDataSoft portal (data.paysdelaloire.fr runs one) through its
// Automation API v1.0: it creates or updates the portal dataset that
// mirrors one of ours (metadata, licence), points its resource to the
// release's data.csv on our site (the portal fetches it by URL) and
// publishes it, idempotently.
//
// Endpoints used (OpenDataSoft's "Automation API Documentation (1.0)",
// help.opendatasoft.com/apis/ods-automation-v1/), under
// <portal>/api/automation/v1.0:
//
//	GET  /datasets/?dataset_id={id}                 find our dataset (its dataset_id is ours)
//	POST /datasets/                                 create: dataset_id, is_restricted, metadata
//	PUT  /datasets/{uid}/metadata/                  replace the metadata (template → field → {"value": …})
//	GET  /datasets/{uid}/resources/                 list the resources
//	POST /datasets/{uid}/resources/                 add a resource: title, type "csvfile", datasource {"type": "http", "url"}, params
//	PUT  /datasets/{uid}/resources/{resource_uid}/  point the resource to the new release's file
//	POST /datasets/{uid}/publish/                   (re)publish: the portal reprocesses the resource
//
// Every call carries the API key as "Authorization: Apikey <key>". The
// portal dataset is found again by its dataset_id, which is ours: no state
// is kept here. A push of a release already pushed sends the metadata
// again and publishes nothing new when the dataset is published and its
// resource already points to that release.
package opendatasoft

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
)

// Push mirrors release of dataset (under publicDir) on the portal.
func (p *Publisher) Push(ctx context.Context, publicDir, dataset, release string) (Result, error) {
	var res Result
	meta, err := readMeta(filepath.Join(publicDir, "datasets", dataset, release))
	if err != nil {
		return res, err
	}
	ds, err := p.find(ctx, dataset)
	if err != nil {
		return res, err
	}
	metadata := meta.metadata(p.public + "/jeux-de-donnees/" + dataset)
	if ds == nil {
		ds = &portalDataset{}
		body := map[string]any{"dataset_id": dataset, "is_restricted": false, "metadata": metadata}
		if err := p.call(ctx, http.MethodPost, "/datasets/", body, ds); err != nil {
			return res, fmt.Errorf("opendatasoft: create dataset %s: %w", dataset, err)
		}
		res.Created = true
	} else if err := p.call(ctx, http.MethodPut, "/datasets/"+ds.UID+"/metadata/", metadata, nil); err != nil {
		return res, fmt.Errorf("opendatasoft: metadata of %s: %w", dataset, err)
	}
	res.UID = ds.UID
	fileURL := p.public + "/datasets/" + url.PathEscape(dataset) + "/" + url.PathEscape(release) + "/data.csv"
	if res.Resource, err = p.resource(ctx, ds.UID, dataset, fileURL); err != nil {
		return res, err
	}
	if res.Resource != "unchanged" || !ds.IsPublished {
		if err := p.call(ctx, http.MethodPost, "/datasets/"+ds.UID+"/publish/", nil, nil); err != nil {
			return res, fmt.Errorf("opendatasoft: publish %s: %w", dataset, err)
		}
		res.Published = true
	}
	p.log.Info("pushed to opendatasoft", "dataset", dataset, "uid", ds.UID, "created", res.Created, "resource", res.Resource, "published", res.Published)
	return res, nil
}

// portalDataset is what we read of a portal dataset.
type portalDataset struct {
	UID         string `json:"uid"`
	DatasetID   string `json:"dataset_id"`
	IsPublished bool   `json:"is_published"`
}

// find returns the portal dataset whose dataset_id is ours, or nil.
func (p *Publisher) find(ctx context.Context, dataset string) (*portalDataset, error) {
	var list struct {
		Results []portalDataset `json:"results"`
	}
	if err := p.call(ctx, http.MethodGet, "/datasets/?dataset_id="+url.QueryEscape(dataset), nil, &list); err != nil {
		return nil, fmt.Errorf("opendatasoft: find dataset %s: %w", dataset, err)
	}
	for _, d := range list.Results {
		if d.DatasetID == dataset && d.UID != "" {
			return &d, nil
		}
	}
	return nil, nil
}

// resource points the dataset's resource to fileURL: it adds it, updates
// the one that points to another release of ours, or leaves it.
func (p *Publisher) resource(ctx context.Context, uid, dataset, fileURL string) (string, error) {
	var list struct {
		Results []struct {
			UID        string `json:"uid"`
			Title      string `json:"title"`
			Datasource struct {
				URL string `json:"url"`
			} `json:"datasource"`
		} `json:"results"`
	}
	if err := p.call(ctx, http.MethodGet, "/datasets/"+uid+"/resources/", nil, &list); err != nil {
		return "", fmt.Errorf("opendatasoft: resources of %s: %w", dataset, err)
	}
	body := map[string]any{
		"title":      resourceTitle,
		"type":       "csvfile",
		"datasource": map[string]any{"type": "http", "url": fileURL},
		"params":     map[string]any{"separator": ",", "headers_first_row": true, "encoding": "utf-8"},
	}
	ours := p.public + "/datasets/" + url.PathEscape(dataset) + "/"
	for _, r := range list.Results {
		if r.Title != resourceTitle && !strings.HasPrefix(r.Datasource.URL, ours) {
			continue
		}
		if r.Datasource.URL == fileURL {
			return "unchanged", nil
		}
		if err := p.call(ctx, http.MethodPut, "/datasets/"+uid+"/resources/"+r.UID+"/", body, nil); err != nil {
			return "", fmt.Errorf("opendatasoft: update the resource of %s: %w", dataset, err)
		}
		return "updated", nil
	}
	if err := p.call(ctx, http.MethodPost, "/datasets/"+uid+"/resources/", body, nil); err != nil {
		return "", fmt.Errorf("opendatasoft: add the resource of %s: %w", dataset, err)
	}
	return "added", nil
}
