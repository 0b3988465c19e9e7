package udata

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// state is what the publisher remembers of one dataset on one portal, in
// <StateDir>/<portal host>/<dataset>.json.
type state struct {
	Portal    string `json:"portal"`     // Options.BaseURL
	Dataset   string `json:"dataset"`    // our dataset id
	DatasetID string `json:"dataset_id"` // the portal's dataset id
	Page      string `json:"page,omitempty"`
	Release   string `json:"release,omitempty"` // last release fully pushed
	// MetaSHA256 is the SHA-256 of the dataset metadata last sent: the
	// dataset is updated only when it changes.
	MetaSHA256 string `json:"meta_sha256,omitempty"`
	// Resources maps a file of the release (data.csv …) to its resource.
	Resources map[string]resourceState `json:"resources"`
}

// resourceState remembers one resource.
type resourceState struct {
	ID      string `json:"id"`
	SHA256  string `json:"sha256"`
	Release string `json:"release"`
}

// statePath returns the state file of dataset for the portal at baseURL.
func statePath(dir, baseURL, dataset string) (string, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("udata: portal URL %q has no host", baseURL)
	}
	host := strings.NewReplacer(":", "_", "/", "_", `\`, "_").Replace(strings.ToLower(u.Host))
	return filepath.Join(dir, host, dataset+".json"), nil
}

// loadState reads a state file; a missing file gives an empty state.
func loadState(path, baseURL, dataset string) (*state, error) {
	st := &state{Portal: baseURL, Dataset: dataset, Resources: map[string]resourceState{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("udata: read state: %w", err)
	}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("udata: read state %s: %w", path, err)
	}
	if st.Dataset != dataset {
		return nil, fmt.Errorf("udata: state %s is about dataset %q, not %q", path, st.Dataset, dataset)
	}
	if st.Resources == nil {
		st.Resources = map[string]resourceState{}
	}
	return st, nil
}

// save writes the state atomically (temporary file, fsync, rename).
func (st *state) save(path string) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("udata: encode state: %w", err)
	}
	b = append(b, '\n')
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("udata: state folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".state-*")
	if err != nil {
		return fmt.Errorf("udata: write state: %w", err)
	}
	_, werr := tmp.Write(b)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("udata: write state %s: %w", path, werr)
	}
	return nil
}
