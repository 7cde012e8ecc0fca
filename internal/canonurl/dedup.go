package canonurl

import "strings"

// DedupKey returns the key under which results for the same page collapse:
// the canonical form of raw without its "scheme://" prefix, so that the
// http and https forms of a page share a key (ARCHITECTURE §2.4: scheme,
// "www.", fragment and tracking parameters are ignored). The key is not a
// URL and must not be fetched.
//
// For input Canonical rejects, DedupKey returns the trimmed input without
// its fragment, so only identical strings collapse.
func DedupKey(raw string) string {
	c, err := Canonical(raw)
	if err != nil {
		s := strings.TrimSpace(raw)
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		return s
	}
	_, rest, _ := strings.Cut(c, "://")
	return rest
}
