package crawler

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"github.com/p2pir/p2pir/internal/canonurl"
)

// allowedHosts returns the host names a crawl may visit: the given names,
// or the seeds' hosts when there are none, each normalised to lower-case
// ASCII and paired with its "www." twin (canonurl treats the two as one
// site, so a redirect from one to the other must be followed).
func allowedHosts(domains []string, seeds []*url.URL) ([]string, error) {
	if len(domains) == 0 {
		for _, s := range seeds {
			domains = append(domains, s.Hostname())
		}
	}
	seen := make(map[string]bool)
	var out []string
	add := func(h string) {
		if h != "" && !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	for _, d := range domains {
		h, err := normaliseHostName(d)
		if err != nil {
			return nil, err
		}
		add(h)
		if _, err := netip.ParseAddr(h); err == nil {
			continue
		}
		if bare, ok := strings.CutPrefix(h, "www."); ok {
			add(bare)
		} else {
			add("www." + h)
		}
	}
	return out, nil
}

// normaliseHostName returns host name d in lower-case ASCII; a port or
// IPv6 brackets around it are removed.
func normaliseHostName(d string) (string, error) {
	h := strings.TrimSpace(d)
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.Trim(h, "[]"), ".")
	if h == "" {
		return "", fmt.Errorf("crawler: empty allowed domain %q", d)
	}
	if addr, err := netip.ParseAddr(h); err == nil {
		return addr.String(), nil
	}
	a, err := idna.Lookup.ToASCII(h)
	if err != nil {
		return "", fmt.Errorf("crawler: allowed domain %q: %w", d, err)
	}
	if slices.Contains(strings.Split(a, "."), "") {
		return "", fmt.Errorf("crawler: allowed domain %q has an empty label", d)
	}
	return a, nil
}

// hostPattern is the regular expression of colly's per-host LimitRule for
// host name h: the name with an optional port, IPv6 literals in brackets.
func hostPattern(h string) string {
	return `^\[?` + regexp.QuoteMeta(h) + `\]?(:[0-9]+)?$`
}

// sameSite reports whether host names a and b belong to one site: equal
// once "www." is dropped, or with the same registrable domain (eTLD+1 of
// the public suffix list). IP addresses are only the same site as
// themselves.
func sameSite(a, b string) bool {
	a = strings.TrimPrefix(strings.ToLower(a), "www.")
	b = strings.TrimPrefix(strings.ToLower(b), "www.")
	if a == b {
		return true
	}
	if _, err := netip.ParseAddr(a); err == nil {
		return false
	}
	if _, err := netip.ParseAddr(b); err == nil {
		return false
	}
	ra, errA := publicsuffix.EffectiveTLDPlusOne(a)
	rb, errB := publicsuffix.EffectiveTLDPlusOne(b)
	return errA == nil && errB == nil && ra == rb
}

// pageCanonical returns the canonical URL of a page fetched (after
// redirects) at final: the page's <link rel="canonical"> when it is on the
// same site and canonurl accepts it, else final, both through canonurl.
func pageCanonical(final, declared *url.URL) (string, error) {
	if declared != nil && sameSite(declared.Hostname(), final.Hostname()) {
		if c, err := canonurl.Canonical(declared.String()); err == nil {
			return c, nil
		}
	}
	return canonurl.Canonical(final.String())
}
