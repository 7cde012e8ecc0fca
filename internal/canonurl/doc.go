// Package canonurl turns web URLs into the canonical form p2pir uses for
// document IDs and for collapsing duplicate results across sources
// (ARCHITECTURE §2.4).
//
// Canonical applies these rules, in order, to an absolute http or https URL:
//
//   - surrounding white space is trimmed and a stray '%' that does not start
//     a valid escape is read as a literal percent sign (as browsers do);
//   - the scheme and host are lower-cased; internationalised host names are
//     converted to ASCII (IDNA 2008 / UTS #46 lookup mapping, so "Bücher.DE"
//     becomes "xn--bcher-kva.de"); IPv6 literals are written in their
//     shortest form; a trailing dot on the host is dropped;
//   - every leading "www." label is dropped as long as a dotted name remains
//     ("www.example.com" -> "example.com", but "www.com" stays);
//   - the default port of the scheme (80 for http, 443 for https) and an
//     empty port are removed; other ports are written without leading zeros;
//   - user information ("user:pass@") and the fragment are dropped;
//   - percent-encoding is normalised in the path and the query: escapes of
//     unreserved characters (A-Z a-z 0-9 - . _ ~) are decoded, the other
//     escapes use upper-case hex, and characters that may not appear
//     literally (space, non-ASCII bytes, '"', '<', ...) are escaped;
//   - dot segments ("." and "..") of the path are resolved (RFC 3986
//     §5.2.4); an empty path becomes "/"; trailing slashes are removed except
//     for the root path;
//   - tracking parameters are removed from the query (see IsTrackingParam for
//     the list), empty parameters are dropped, and the remaining parameters
//     are sorted by name, then value. A query left empty is removed with its
//     '?'.
//
// The result is still a URL one can fetch: it keeps its scheme, so
// "http://example.com/a" and "https://example.com/a" have different
// canonical forms. For collapsing duplicates, where ARCHITECTURE says the
// scheme is ignored, use DedupKey, which is the canonical form without the
// "scheme://" prefix.
//
// Canonical is idempotent: Canonical(Canonical(u)) == Canonical(u).
package canonurl
