package metasearch

import (
	"encoding/xml"
	"fmt"
	"math"
	"mime"
	"net/url"
	"strconv"
	"strings"
)

// nsAtom is the XML namespace of Atom 1.0.
const nsAtom = "http://www.w3.org/2005/Atom"

// xmlText is an element read as text: its character data, or for Atom
// text constructs of type "xhtml" its inner markup.
type xmlText struct {
	XMLName xml.Name
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
	Inner   string `xml:",innerxml"`
}

// text is the content of t: markup for type="xhtml", character data else.
func (t xmlText) text() string {
	if strings.EqualFold(strings.TrimSpace(t.Type), "xhtml") {
		return t.Inner
	}
	return t.Text
}

// pickText is the text of the first element of ts in the namespace space,
// else of the first element at all.
func pickText(ts []xmlText, space string) string {
	for _, t := range ts {
		if t.XMLName.Space == space {
			return t.text()
		}
	}
	if len(ts) > 0 {
		return ts[0].text()
	}
	return ""
}

// xmlLink is an RSS <link>URL</link> or an Atom <link href rel type/>.
type xmlLink struct {
	XMLName xml.Name
	Href    string `xml:"href,attr"`
	Rel     string `xml:"rel,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// alternateHref is the href of the first Atom link that points to the
// entry itself (rel "alternate" or none), preferring an HTML page.
func alternateHref(links []xmlLink) string {
	first := ""
	for _, l := range links {
		if l.Href == "" {
			continue
		}
		if rel := strings.TrimSpace(l.Rel); rel != "" && rel != "alternate" {
			continue
		}
		mt, _, _ := mime.ParseMediaType(l.Type)
		if l.Type == "" || mt == "text/html" || mt == "application/xhtml+xml" {
			return l.Href
		}
		if first == "" {
			first = l.Href
		}
	}
	return first
}

// rssDoc is an RSS 0.9x/2.0 document: <rss><channel>.
type rssDoc struct {
	Channel rssChannel `xml:"channel"`
}

// rssChannel holds the items, OpenSearch's totalResults and an xml:base.
type rssChannel struct {
	Base  string    `xml:"http://www.w3.org/XML/1998/namespace base,attr"`
	Total string    `xml:"totalResults"`
	Items []rssItem `xml:"item"`
}

// rdfDoc is an RSS 1.0 document: <rdf:RDF> with the items beside the
// channel.
type rdfDoc struct {
	Channel rssChannel `xml:"channel"`
	Items   []rssItem  `xml:"item"`
}

// rssItem is an RSS item (2.0 or 1.0).
type rssItem struct {
	Base        string    `xml:"http://www.w3.org/XML/1998/namespace base,attr"`
	Titles      []xmlText `xml:"title"`
	Links       []xmlLink `xml:"link"`
	Description []xmlText `xml:"description"`
	PubDate     string    `xml:"pubDate"`
	Date        string    `xml:"http://purl.org/dc/elements/1.1/ date"`
	GUID        struct {
		IsPermaLink string `xml:"isPermaLink,attr"`
		Text        string `xml:",chardata"`
	} `xml:"guid"`
	Score string `xml:"http://a9.com/-/opensearch/extensions/relevance/1.0/ score"`
}

// link is the item's URL: its RSS <link>, else an atom:link, else a
// permalink <guid>.
func (it *rssItem) link() string {
	for _, l := range it.Links {
		if l.XMLName.Space != nsAtom && strings.TrimSpace(l.Text) != "" {
			return l.Text
		}
	}
	if h := alternateHref(it.Links); h != "" {
		return h
	}
	if !strings.EqualFold(strings.TrimSpace(it.GUID.IsPermaLink), "false") {
		return it.GUID.Text
	}
	return ""
}

// atomFeed is an Atom 1.0 feed.
type atomFeed struct {
	Base    string      `xml:"http://www.w3.org/XML/1998/namespace base,attr"`
	Total   string      `xml:"totalResults"`
	Entries []atomEntry `xml:"entry"`
}

// atomEntry is an Atom entry.
type atomEntry struct {
	Base      string    `xml:"http://www.w3.org/XML/1998/namespace base,attr"`
	ID        string    `xml:"id"`
	Titles    []xmlText `xml:"title"`
	Links     []xmlLink `xml:"link"`
	Summaries []xmlText `xml:"summary"`
	Contents  []xmlText `xml:"content"`
	Published string    `xml:"published"`
	Updated   string    `xml:"updated"`
	Score     string    `xml:"http://a9.com/-/opensearch/extensions/relevance/1.0/ score"`
}

// parseFeed reads an OpenSearch response in RSS 2.0 (also 0.9x and 1.0)
// or Atom 1.0, whichever the root element says: the items or entries in
// order, at most limit results, links resolved against xml:base and the
// feed's URL base, OpenSearch's totalResults and relevance:score when
// present. Anything else, or malformed XML, is ErrBadResponse.
//
// Mapping: RSS title, link (else atom:link, else a permalink guid),
// description, pubDate (else dc:date); Atom title, link rel="alternate"
// href (else an http id), summary (else content), published (else
// updated).
func parseFeed(body []byte, contentType string, base *url.URL, limit int) (*Page, error) {
	b, err := xmlUTF8(body, contentType)
	if err != nil {
		return nil, err
	}
	d := newXMLDecoder(b)
	root, err := rootElement(d)
	if err != nil {
		return nil, err
	}
	c := newCollector(base, limit)
	var total string
	switch root.Name.Local {
	case "rss":
		var doc rssDoc
		if err := d.DecodeElement(&doc, &root); err != nil {
			return nil, fmt.Errorf("%w: invalid RSS: %v", ErrBadResponse, err)
		}
		total = doc.Channel.Total
		addRSSItems(c, withBase(base, doc.Channel.Base), doc.Channel.Items)
	case "RDF":
		var doc rdfDoc
		if err := d.DecodeElement(&doc, &root); err != nil {
			return nil, fmt.Errorf("%w: invalid RSS 1.0: %v", ErrBadResponse, err)
		}
		total = doc.Channel.Total
		addRSSItems(c, base, doc.Items)
	case "feed":
		var doc atomFeed
		if err := d.DecodeElement(&doc, &root); err != nil {
			return nil, fmt.Errorf("%w: invalid Atom: %v", ErrBadResponse, err)
		}
		total = doc.Total
		feedBase := withBase(base, doc.Base)
		for i := range doc.Entries {
			if c.full() {
				break
			}
			e := &doc.Entries[i]
			c.base = withBase(feedBase, e.Base)
			link := alternateHref(e.Links)
			if link == "" {
				link = e.ID // used when it is an http(s) URL
			}
			content := pickText(e.Summaries, nsAtom)
			if strings.TrimSpace(content) == "" {
				content = pickText(e.Contents, nsAtom)
			}
			published := parseDate(e.Published)
			if published.IsZero() {
				published = parseDate(e.Updated)
			}
			c.add(link, pickText(e.Titles, nsAtom), content, parseScore(e.Score), published)
		}
	default:
		return nil, fmt.Errorf("%w: not an RSS or Atom feed (root element <%s>, Content-Type %q)",
			ErrBadResponse, root.Name.Local, contentType)
	}
	p := &Page{Results: c.results, Total: parseCount(total)}
	return p, nil
}

// addRSSItems adds RSS items to c, resolving relative links against base
// and each item's xml:base.
func addRSSItems(c *collector, base *url.URL, items []rssItem) {
	for i := range items {
		if c.full() {
			return
		}
		it := &items[i]
		c.base = withBase(base, it.Base)
		published := parseDate(it.PubDate)
		if published.IsZero() {
			published = parseDate(it.Date)
		}
		c.add(it.link(), pickText(it.Titles, ""), pickText(it.Description, ""), parseScore(it.Score), published)
	}
}

// withBase is base with an xml:base attribute applied: xmlBase resolved
// against base; base itself when xmlBase is empty or does not parse.
func withBase(base *url.URL, xmlBase string) *url.URL {
	xmlBase = strings.TrimSpace(xmlBase)
	if xmlBase == "" {
		return base
	}
	u, err := url.Parse(xmlBase)
	if err != nil {
		return base
	}
	if base != nil {
		return base.ResolveReference(u)
	}
	if u.IsAbs() {
		return u
	}
	return nil
}

// parseScore reads a relevance:score (a number, 0 when absent or not one).
func parseScore(s string) float64 {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// acceptFeeds is the Accept header of OpenSearch requests.
const acceptFeeds = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
