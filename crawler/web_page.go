package crawler

import (
	"bytes"
	"net/url"
	"strings"

	whatwg "github.com/nlnwa/whatwg-url/url"
	"golang.org/x/net/html"
)

// maxLinksPerPage bounds the links taken from one page, so a hostile page
// with millions of anchors costs bounded memory.
const maxLinksPerPage = 10000

// pageInfo is what the crawler needs from an HTML page besides its text.
type pageInfo struct {
	// canonical is the resolved href of the first <link rel="canonical">
	// that is an http(s) URL; nil if there is none.
	canonical *url.URL
	// links are the pages linked by <a href> and <area href>: absolute
	// http(s) URLs without fragment, in document order, each once, without
	// those marked rel="nofollow" or pointing at the page itself.
	links []*url.URL
	// noindex and nofollow come from <meta name="robots">.
	noindex, nofollow bool
}

// parsePage reads the links, canonical link and robots directives of an
// HTML page fetched from pageURL. It uses the tokenizer alone (one linear
// pass, no tree), so broken or deeply nested markup costs no more than any
// other; the text inside <script>, <style> and other raw-text elements is
// never read as markup. URLs are resolved as browsers do (WHATWG URL
// standard), against <base href> when the page has one.
func parsePage(body []byte, pageURL *url.URL) pageInfo {
	var (
		info         pageInfo
		baseHref     string
		haveBase     bool
		canonicalRef string
		haveCanon    bool
		hrefs        []string
	)
	z := html.NewTokenizer(bytes.NewReader(body))
	for len(hrefs) < maxLinksPerPage {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if !hasAttr {
			continue
		}
		switch string(name) {
		case "a", "area", "base", "link", "meta":
		default:
			continue
		}
		attrs := readAttrs(z)
		switch string(name) {
		case "a", "area":
			href, ok := attrs["href"]
			if !ok || hasToken(attrs["rel"], "nofollow") {
				continue
			}
			hrefs = append(hrefs, href)
		case "base":
			if href, ok := attrs["href"]; ok && !haveBase {
				baseHref, haveBase = href, true
			}
		case "link":
			if href, ok := attrs["href"]; ok && !haveCanon && hasToken(attrs["rel"], "canonical") {
				canonicalRef, haveCanon = href, true
			}
		case "meta":
			if strings.EqualFold(strings.TrimSpace(attrs["name"]), "robots") {
				noindex, nofollow := robotsDirectives(attrs["content"])
				info.noindex = info.noindex || noindex
				info.nofollow = info.nofollow || nofollow
			}
		}
	}

	// A lone '%' is kept as "%25", as browsers do, so such links survive.
	parser := whatwg.NewParser(whatwg.WithPercentEncodeSinglePercentSign())
	page, err := parser.Parse(pageURL.String())
	if err != nil {
		return info
	}
	self := page.Href(true)
	base := page.Href(false)
	if haveBase {
		if b, err := parser.ParseRef(base, baseHref); err == nil && isWebScheme(b.Scheme()) {
			base = b.Href(false)
		}
	}
	if haveCanon {
		info.canonical = resolveLink(parser, base, canonicalRef)
	}
	seen := make(map[string]bool, len(hrefs))
	for _, href := range hrefs {
		u := resolveLink(parser, base, href)
		if u == nil {
			continue
		}
		s := u.String()
		if s == self || seen[s] {
			continue
		}
		seen[s] = true
		info.links = append(info.links, u)
	}
	return info
}

// readAttrs returns the attributes of the current tag; names are
// lower-case (the tokenizer's doing), values unescaped; the first of
// repeated attributes wins, as in browsers.
func readAttrs(z *html.Tokenizer) map[string]string {
	attrs := make(map[string]string, 4)
	for {
		k, v, more := z.TagAttr()
		key := string(k)
		if _, dup := attrs[key]; !dup {
			attrs[key] = string(v)
		}
		if !more {
			return attrs
		}
	}
}

// resolveLink resolves href against base and returns it without fragment
// if it is an http(s) URL, else nil.
func resolveLink(parser whatwg.Parser, base, href string) *url.URL {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return nil
	}
	r, err := parser.ParseRef(base, href)
	if err != nil || !isWebScheme(r.Scheme()) || r.Hostname() == "" {
		return nil
	}
	u, err := url.Parse(r.Href(true))
	if err != nil {
		return nil
	}
	return u
}

// isWebScheme reports whether scheme (lower-case, without ':') is http or
// https.
func isWebScheme(scheme string) bool {
	return scheme == "http" || scheme == "https"
}

// hasToken reports whether the space-separated list s (a rel attribute)
// holds token, ignoring case.
func hasToken(s, token string) bool {
	for _, f := range strings.Fields(s) {
		if strings.EqualFold(f, token) {
			return true
		}
	}
	return false
}

// robotsDirectives reads "noindex", "nofollow" and "none" (both) from the
// content of <meta name="robots"> or an X-Robots-Tag header.
func robotsDirectives(s string) (noindex, nofollow bool) {
	for _, d := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(d)) {
		case "noindex":
			noindex = true
		case "nofollow":
			nofollow = true
		case "none":
			noindex, nofollow = true, true
		}
	}
	return noindex, nofollow
}
