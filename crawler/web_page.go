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

// maxAnchorBytes bounds the anchor text kept for one link (all its anchors
// on the page together), so an unclosed <a> before megabytes of text costs
// bounded memory.
const maxAnchorBytes = 512

// pageInfo is what the crawler needs from an HTML page besides its text.
type pageInfo struct {
	// canonical is the resolved href of the first <link rel="canonical">
	// that is an http(s) URL; nil if there is none.
	canonical *url.URL
	// links are the pages linked by <a href> and <area href>: absolute
	// http(s) URLs without fragment, in document order, each once, without
	// those marked rel="nofollow" or pointing at the page itself.
	links []*url.URL
	// anchors holds the anchor text of each link (anchors[i] is that of
	// links[i]): the text inside its <a> elements, the alt text of images
	// there, and their title and <area> alt attributes, whitespace
	// collapsed, the anchors of a link named twice joined, at most
	// maxAnchorBytes bytes.
	anchors []string
	// noindex and nofollow come from <meta name="robots">.
	noindex, nofollow bool
}

// rawLink is a link as written in the page, before resolution.
type rawLink struct {
	href string
	text []string // pieces of anchor text
	size int      // bytes in text
}

// addText appends a piece of anchor text, within maxAnchorBytes.
func (l *rawLink) addText(s string) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || l.size >= maxAnchorBytes {
		return
	}
	if room := maxAnchorBytes - l.size; len(s) > room {
		s = strings.ToValidUTF8(s[:room], "")
	}
	l.text = append(l.text, s)
	l.size += len(s) + 1
}

// parsePage reads the links (with their anchor text), canonical link and
// robots directives of an HTML page fetched from pageURL. It uses the
// tokenizer alone (one linear pass, no tree), so broken or deeply nested
// markup costs no more than any other; the text inside <script>, <style>
// and other raw-text elements is never read as markup. URLs are resolved as
// browsers do (WHATWG URL standard), against <base href> when the page has
// one.
func parsePage(body []byte, pageURL *url.URL) pageInfo {
	var (
		info         pageInfo
		baseHref     string
		haveBase     bool
		canonicalRef string
		haveCanon    bool
		raws         []rawLink
		anchor       = -1 // index in raws of the <a> being read, -1 outside
	)
	z := html.NewTokenizer(bytes.NewReader(body))
	for len(raws) < maxLinksPerPage {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.TextToken:
			// Raw-text elements (<script>, <style>, <title>, ...) come as
			// one text token right after their start tag; inside an anchor
			// only <script> and <style> can appear, and are left out.
			if anchor >= 0 {
				raws[anchor].addText(string(z.Text()))
			}
			continue
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "a" {
				anchor = -1
			}
			continue
		case html.StartTagToken, html.SelfClosingTagToken:
		default:
			continue
		}
		name, hasAttr := z.TagName()
		switch string(name) {
		case "a":
			anchor = -1 // an <a> closes any open one, as in browsers
		case "script", "style":
			if anchor >= 0 && tt == html.StartTagToken {
				z.Next() // their raw text is not anchor text
			}
			continue
		}
		if !hasAttr {
			continue
		}
		switch string(name) {
		case "a", "area", "base", "link", "meta", "img":
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
			raw := rawLink{href: href}
			raw.addText(attrs["title"])
			if string(name) == "area" {
				raw.addText(attrs["alt"])
			}
			raws = append(raws, raw)
			if string(name) == "a" {
				anchor = len(raws) - 1
			}
		case "img":
			if anchor >= 0 {
				raws[anchor].addText(attrs["alt"])
			}
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
	index := make(map[string]int, len(raws)) // link -> its place in info.links
	var texts []rawLink
	for _, raw := range raws {
		u := resolveLink(parser, base, raw.href)
		if u == nil {
			continue
		}
		s := u.String()
		if s == self {
			continue
		}
		if i, dup := index[s]; dup {
			for _, piece := range raw.text {
				texts[i].addText(piece)
			}
			continue
		}
		index[s] = len(info.links)
		info.links = append(info.links, u)
		texts = append(texts, raw)
	}
	info.anchors = make([]string, len(texts))
	for i, t := range texts {
		info.anchors[i] = strings.Join(t.text, " ")
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
