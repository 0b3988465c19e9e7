package web

import (
	"net/http"
	"strings"
)

// base is the public root of the site for r, without a trailing slash: the
// configured Options.BaseURL when set, else the scheme and host the request
// was made to (https when it came over TLS). Pages, feeds and the catalogue
// all build their absolute addresses from it, so a site served under
// another name than the one a run wrote never sends readers elsewhere.
func (s *site) base(r *http.Request) string {
	if s.baseURL != "" {
		return s.baseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if !validHost(host) {
		host = "localhost"
	}
	return scheme + "://" + host
}

// urlFor is the absolute address of the root-relative path p for r.
func (s *site) urlFor(r *http.Request, p string) string {
	return s.base(r) + p
}

// validHost reports whether h may be a request's host[:port]: letters,
// digits, '.', '-', ':' and the brackets of an IPv6 address, at most 255
// bytes. Anything else (a forged Host with quotes, spaces or slashes) is
// never written into a page or the catalogue.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte(".-:[]", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// cacheVary is what cached pages depend on besides the published tree: the
// base the request is served under, when it comes from the request.
func (s *site) cacheVary(r *http.Request) string {
	if s.baseURL != "" {
		return ""
	}
	return s.base(r)
}
