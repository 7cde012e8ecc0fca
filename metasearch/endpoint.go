package metasearch

import (
	"fmt"
	"net/url"
	"strings"
)

// parseBaseURL checks the base URL of an engine (SearXNG, YaCy, a p2pir
// node): an absolute http or https URL with a host, possibly with a path
// prefix ("https://example.org/searx") and query parameters (kept on
// every request), without a fragment.
func parseBaseURL(kind, raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("metasearch: %s base URL: %w: %v", kind, ErrBadRequest, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.Opaque != "" {
		return nil, fmt.Errorf("metasearch: %s base URL %q: %w: not an absolute http or https URL", kind, raw, ErrBadRequest)
	}
	if u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("metasearch: %s base URL %q: %w: a fragment or user information is not allowed", kind, raw, ErrBadRequest)
	}
	return u, nil
}

// endpointURL is base with path appended to its path and params added to
// its query.
func endpointURL(base *url.URL, path string, params url.Values) *url.URL {
	u := base.JoinPath(path)
	q := base.Query()
	for k, vs := range params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u
}

// engineName is name, or the host of u when name is empty.
func engineName(name string, u *url.URL) string {
	if n := strings.TrimSpace(name); n != "" {
		return n
	}
	return u.Host
}
