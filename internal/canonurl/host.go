package canonurl

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// hostProfile maps host names the way a browser looks them up (UTS #46:
// lower-case, width folding, NFC, Punycode), without STD3 rules so that
// host names with '_', common on the real web, are accepted.
func hostProfile() *idna.Profile {
	return idna.New(
		idna.MapForLookup(),
		idna.Transitional(false),
		idna.StrictDomainName(false),
		idna.BidiRule(),
	)
}

// canonicalHost returns the canonical form of a host name or IP literal
// (without brackets or port).
func canonicalHost(name string) (string, error) {
	if name == "" {
		return "", ErrNoHost
	}
	if strings.Contains(name, ":") {
		// Only IPv6 literals contain ':' once the port is split off.
		addr, err := netip.ParseAddr(name)
		if err != nil || !addr.Is6() {
			return "", fmt.Errorf("%w: bad IPv6 literal %q", ErrInvalidHost, name)
		}
		// The zone separator, and every byte of the zone but the
		// unreserved ones, must be escaped inside a URL (RFC 6874), or the
		// result would not parse: "[::%%]" becomes "[::%25%25]".
		// Go's URL parser accepts escapes in a zone only for a few bytes,
		// so a zone of other bytes (non-ASCII, '/', '#'...) has no form
		// that parses: such a host is refused.
		s := addr.WithZone("").String()
		if zone := addr.Zone(); zone != "" {
			if !zoneCarriable(zone) {
				return "", fmt.Errorf("%w: the IPv6 zone of %q has characters a URL cannot carry", ErrInvalidHost, name)
			}
			s += "%25" + escapeZone(zone)
		}
		return "[" + s + "]", nil
	}
	if !utf8.ValidString(name) {
		return "", fmt.Errorf("%w: %q is not UTF-8", ErrInvalidHost, name)
	}
	profile := hostProfile()
	ascii, err := profile.ToASCII(name)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %w", ErrInvalidHost, name, err)
	}
	// The ASCII form must itself be a valid name (this catches Punycode
	// that encodes something the lookup rules refuse).
	if again, err := profile.ToASCII(ascii); err != nil || again != ascii {
		return "", fmt.Errorf("%w: %q does not map to a stable ASCII name", ErrInvalidHost, name)
	}
	ascii = strings.TrimSuffix(ascii, ".")
	if ascii == "" {
		return "", fmt.Errorf("%w: %q", ErrInvalidHost, name)
	}
	for _, label := range strings.Split(ascii, ".") {
		if label == "" {
			return "", fmt.Errorf("%w: empty label in %q", ErrInvalidHost, name)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return "", fmt.Errorf("%w: character %q in %q", ErrInvalidHost, c, name)
			}
		}
	}
	for strings.HasPrefix(ascii, "www.") && strings.Contains(ascii[4:], ".") {
		ascii = ascii[4:]
	}
	return ascii, nil
}

// canonicalPort returns the port to keep ("" for none) given the scheme.
func canonicalPort(scheme, port string) (string, error) {
	if port == "" {
		return "", nil
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return "", fmt.Errorf("%w: bad port %q", ErrInvalidHost, port)
	}
	if (scheme == "http" && n == 80) || (scheme == "https" && n == 443) {
		return "", nil
	}
	return strconv.FormatUint(n, 10), nil
}

// zoneCarriable reports whether every byte of an IPv6 zone identifier is
// an unreserved character, '%' or a space (escaped as %25 and %20), the bytes whose
// escaped form Go's URL parser reads back.
func zoneCarriable(zone string) bool {
	for i := 0; i < len(zone); i++ {
		c := zone[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '%' || c == ' ') {
			return false
		}
	}
	return true
}

// escapeZone percent-encodes every byte of an IPv6 zone identifier that is
// not an unreserved character (RFC 3986 §2.3), as RFC 6874 asks.
func escapeZone(zone string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(zone); i++ {
		c := zone[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
