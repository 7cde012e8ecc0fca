package canonurl

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Errors returned (wrapped) by Canonical; test for them with errors.Is.
var (
	// ErrUnsupportedScheme: the URL is not an absolute http or https URL.
	ErrUnsupportedScheme = errors.New("canonurl: not an http or https URL")
	// ErrNoHost: the URL has no host.
	ErrNoHost = errors.New("canonurl: URL has no host")
	// ErrInvalidHost: the host or port cannot be a real one.
	ErrInvalidHost = errors.New("canonurl: invalid host")
)

// Canonical returns the canonical form of the absolute http or https URL
// raw, following the rules of the package documentation. It fails with a
// wrapped ErrUnsupportedScheme, ErrNoHost or ErrInvalidHost, or a parse
// error, for input that is not such a URL.
func Canonical(raw string) (string, error) {
	s := fixStrayPercents(strings.TrimSpace(raw))
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("canonurl: parse %q: %w", raw, err)
	}
	c, err := canonicalize(u)
	if err != nil {
		return "", fmt.Errorf("%w (URL %q)", err, raw)
	}
	return c, nil
}

// CanonicalURL is Canonical for a parsed URL. When u cannot be made
// canonical (nil, another scheme, no or a bad host) it returns u.String()
// without its fragment, so that equal inputs still give equal keys; it
// returns "" for a nil u.
func CanonicalURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c, err := canonicalize(u)
	if err != nil {
		v := *u
		v.Fragment, v.RawFragment = "", ""
		return v.String()
	}
	return c
}

// canonicalize builds the canonical string of a parsed URL.
func canonicalize(u *url.URL) (string, error) {
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", fmt.Errorf("%w: scheme %q", ErrUnsupportedScheme, u.Scheme)
	}
	if u.Opaque != "" {
		return "", fmt.Errorf("%w: opaque URL", ErrNoHost)
	}
	host, err := canonicalHost(u.Hostname())
	if err != nil {
		return "", err
	}
	port, err := canonicalPort(scheme, u.Port())
	if err != nil {
		return "", err
	}
	// RawPath holds the path as written when it differs from the default
	// escaping of Path; keeping it preserves the difference between "/"
	// and "%2F".
	rawPath := u.EscapedPath()
	if u.RawPath != "" {
		if p, err := url.PathUnescape(u.RawPath); err == nil && p == u.Path {
			rawPath = u.RawPath
		}
	}

	var b strings.Builder
	b.Grow(len(scheme) + len(host) + len(rawPath) + len(u.RawQuery) + 8)
	b.WriteString(scheme)
	b.WriteString("://")
	b.WriteString(host)
	if port != "" {
		b.WriteByte(':')
		b.WriteString(port)
	}
	b.WriteString(canonicalPath(rawPath))
	if q := canonicalQuery(u.RawQuery); q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String(), nil
}
