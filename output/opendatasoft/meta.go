package opendatasoft

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// releaseMeta is what the portal's metadata is made of, read from the
// release's datapackage.json.
type releaseMeta struct {
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Keywords    []string `json:"keywords"`
	// Fields matched by name, whatever the case (encoding/json).
	Licenses     []struct{ Name, Title, Path string }
	Contributors []struct{ Title, Role string }
}

func readMeta(releaseDir string) (*releaseMeta, error) {
	b, err := os.ReadFile(filepath.Join(releaseDir, "datapackage.json"))
	if err != nil {
		return nil, fmt.Errorf("opendatasoft: %w", err)
	}
	var m releaseMeta
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("opendatasoft: %s: %w", filepath.Join(releaseDir, "datapackage.json"), err)
	}
	if m.Title == "" {
		return nil, fmt.Errorf("opendatasoft: %s has no title", filepath.Join(releaseDir, "datapackage.json"))
	}
	return &m, nil
}

// metadata is the Automation API's metadata of the dataset: template
// "default", each field {"value": …}. page is the dataset's page on our
// site, given as the reference.
func (m *releaseMeta) metadata(page string) map[string]any {
	v := func(x any) map[string]any { return map[string]any{"value": x} }
	def := map[string]any{
		"title":       v(m.Title),
		"description": v(m.Description),
		"references":  v(page),
	}
	if len(m.Keywords) > 0 {
		def["keyword"] = v(m.Keywords)
	}
	if len(m.Licenses) > 0 {
		l := m.Licenses[0]
		name := l.Title
		if name == "" {
			name = l.Name
		}
		def["license"] = v(name)
		if l.Path != "" {
			def["license_url"] = v(l.Path)
		}
	}
	for _, c := range m.Contributors {
		if c.Role == "publisher" && c.Title != "" {
			def["publisher"] = v(c.Title)
		}
	}
	return map[string]any{"default": def}
}
