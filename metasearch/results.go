package metasearch

import (
	"math"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// maxURLBytes is the longest result URL kept; longer ones drop the item.
const maxURLBytes = 8192

// resultURL returns raw as an absolute http or https URL, resolved
// against base when it is relative (base may be nil: then a relative URL
// is unusable). ok is false for anything else: javascript:, data:,
// mailto: or ftp: URLs, URLs without a host, URLs that do not parse or
// are longer than maxURLBytes.
func resultURL(raw string, base *url.URL) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > maxURLBytes || !utf8.ValidString(raw) {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	if !u.IsAbs() {
		if base == nil {
			return "", false
		}
		u = base.ResolveReference(u)
	}
	// url.Parse lower-cases the scheme, so "JavaScript:" is caught too.
	if (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.Hostname() == "" {
		return "", false
	}
	s := u.String()
	if len(s) > maxURLBytes {
		return "", false
	}
	return s, true
}

// collector builds an engine's answer: it drops unusable items and exact
// duplicate URLs (the first wins), cleans titles and snippets, numbers the
// results 1..n and stops at the wanted count.
type collector struct {
	base    *url.URL
	limit   int
	seen    map[string]struct{}
	results []Result
}

// newCollector returns a collector that resolves relative URLs against
// base (nil: relative URLs are unusable) and keeps at most limit results.
func newCollector(base *url.URL, limit int) *collector {
	return &collector{base: base, limit: limit, seen: make(map[string]struct{})}
}

// add appends one item of an engine's answer, unless the collector is
// full, its URL is unusable or it repeats an earlier URL. title and
// content are HTML or plain text (see plainText).
func (c *collector) add(rawURL, title, content string, score float64, published time.Time) {
	if c.full() {
		return
	}
	u, ok := resultURL(rawURL, c.base)
	if !ok {
		return
	}
	if _, dup := c.seen[u]; dup {
		return
	}
	c.seen[u] = struct{}{}
	if math.IsNaN(score) || math.IsInf(score, 0) {
		score = 0
	}
	c.results = append(c.results, Result{
		URL:       u,
		Title:     plainText(title, MaxTitleRunes),
		Content:   plainText(content, MaxContentRunes),
		Score:     score,
		Rank:      len(c.results) + 1,
		Published: published,
	})
}

// full reports whether the collector holds limit results.
func (c *collector) full() bool { return len(c.results) >= c.limit }
