package opendatasoft

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// EnvAPIKey is the environment variable New reads the API key from when
// Options.APIKey is empty.
const EnvAPIKey = "ODS_API_KEY"

// apiPath is the root of the Automation API on a portal.
const apiPath = "/api/automation/v1.0"

// resourceTitle names the resource we manage on the portal dataset.
const resourceTitle = "data.csv (ligerdata)"

// Options configures a Publisher.
type Options struct {
	// BaseURL is the portal root, e.g. https://data.paysdelaloire.fr.
	BaseURL string
	// APIKey authenticates every call; when empty New reads ODS_API_KEY.
	APIKey string
	// PublicBaseURL is where our public tree is served: the portal fetches
	// PublicBaseURL/datasets/<dataset>/<release>/data.csv. Required.
	PublicBaseURL string
	// HTTP is the client used; default a client with a 2-minute timeout.
	HTTP   *http.Client
	Logger *slog.Logger
}

// Publisher pushes releases to one OpenDataSoft portal.
type Publisher struct {
	api, key, public string
	hc               *http.Client
	log              *slog.Logger
}

// Result says what a Push did.
type Result struct {
	UID       string // the portal's dataset uid
	Created   bool   // the dataset was created by this push
	Resource  string // "added", "updated" or "unchanged"
	Published bool   // publication was asked
}

// ErrNoAPIKey is returned by New when no API key is configured.
var ErrNoAPIKey = errors.New("opendatasoft: no API key (set " + EnvAPIKey + ")")

// New checks opts; it makes no request.
func New(opts Options) (*Publisher, error) {
	u, err := url.Parse(strings.TrimSpace(opts.BaseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("opendatasoft: portal URL %q is not an absolute http(s) URL", opts.BaseURL)
	}
	pub, err := url.Parse(strings.TrimSpace(opts.PublicBaseURL))
	if err != nil || (pub.Scheme != "http" && pub.Scheme != "https") || pub.Host == "" {
		return nil, fmt.Errorf("opendatasoft: the site's public URL %q is not an absolute http(s) URL: the portal fetches our files by URL", opts.PublicBaseURL)
	}
	key := strings.TrimSpace(opts.APIKey)
	if key == "" {
		key = strings.TrimSpace(os.Getenv(EnvAPIKey))
	}
	if key == "" {
		return nil, ErrNoAPIKey
	}
	p := &Publisher{api: strings.TrimRight(u.String(), "/") + apiPath, key: key, public: strings.TrimRight(pub.String(), "/"), hc: opts.HTTP, log: opts.Logger}
	if p.hc == nil {
		p.hc = &http.Client{Timeout: 2 * time.Minute}
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	return p, nil
}
