package metasearch

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
)

// YaCy is a YaCy peer asked through its search API:
//
//	GET {base}/yacysearch.json?query=..&maximumRecords=..&startRecord=..&resource=..&contentdom=text[&lr=lang_..]
//
// resource "global" searches the YaCy network through the peer, "local"
// only the peer's own index. Score is YaCy's ranking value.
type YaCy struct {
	f        fetcher
	base     *url.URL
	resource string
}

// NewYaCy returns the YaCy peer at baseURL (for example
// "http://localhost:8090"). resource is "global" (also when empty) or
// "local". name labels its results and errors; empty means the host of
// baseURL. Zero fields of o get their defaults.
func NewYaCy(name, baseURL string, resource string, o Options) (*YaCy, error) {
	base, err := parseBaseURL("YaCy", baseURL)
	if err != nil {
		return nil, err
	}
	switch resource {
	case "":
		resource = "global"
	case "global", "local":
	default:
		return nil, fmt.Errorf("metasearch: YaCy resource %q: %w: want \"global\" or \"local\"", resource, ErrBadRequest)
	}
	f, err := newFetcher(engineName(name, base), o)
	if err != nil {
		return nil, err
	}
	return &YaCy{f: f, base: base, resource: resource}, nil
}

// Name implements Engine.
func (y *YaCy) Name() string { return y.f.name }

// Search implements Engine.
func (y *YaCy) Search(ctx context.Context, r Request) ([]Result, error) {
	p, err := y.SearchPage(ctx, r)
	if err != nil {
		return nil, err
	}
	return p.Results, nil
}

// SearchPage is Search with YaCy's count of matches.
func (y *YaCy) SearchPage(ctx context.Context, r Request) (*Page, error) {
	r, err := r.normalize()
	if err != nil {
		return nil, fmt.Errorf("metasearch: %s: %w", y.f.name, err)
	}
	resp, err := y.f.get(ctx, y.requestURL(r), "application/json", r.Language)
	if err != nil {
		return nil, err
	}
	p, err := parseYaCy(resp.body, resp.contentType, resp.url, r.Count)
	if err != nil {
		return nil, y.f.badResponse(err)
	}
	return p, nil
}

// requestURL is the search URL for a normalised r.
func (y *YaCy) requestURL(r Request) *url.URL {
	q := url.Values{
		"query":          {r.Query},
		"maximumRecords": {strconv.Itoa(r.Count)},
		"startRecord":    {strconv.Itoa(r.Start)},
		"resource":       {y.resource},
		"contentdom":     {"text"},
	}
	if l := r.baseLanguage(); l != "" {
		q.Set("lr", "lang_"+l)
	}
	return endpointURL(y.base, "yacysearch.json", q)
}

// yacyResponse is the answer of yacysearch.json (htroot/yacysearch.json,
// yacysearchitem.json and yacysearchtrailer.json in YaCy's source): an RSS
// channel written as JSON, {"channels": [{"title", "totalResults",
// "startIndex", "itemsPerPage", "items": [...], "navigation": [...]}]}.
//
// Its quirks: every number is a JSON string ("totalResults": "1,234",
// "ranking": "6.3241728E7"); "totalResults" appears twice in the channel
// (Go keeps the last); older versions end "items" with an empty object
// {}; titles are HTML-escaped and descriptions may hold markup.
type yacyResponse struct {
	Channels []json.RawMessage `json:"channels"`
}

// yacyChannel is the first (only) channel.
type yacyChannel struct {
	TotalResults jsonText        `json:"totalResults"`
	Items        json.RawMessage `json:"items"`
}

// yacyItem is one item; YaCy also writes code, size, sizename, guid,
// faviconUrl, host, path, file and urlhash.
type yacyItem struct {
	Title       jsonText   `json:"title"`
	Link        jsonText   `json:"link"`
	Description jsonText   `json:"description"`
	PubDate     jsonText   `json:"pubDate"`
	Ranking     jsonNumber `json:"ranking"`
}

// parseYaCy reads a yacysearch.json answer; at most limit results are
// kept, relative links resolve against base. An answer without a
// "channels" array is ErrBadResponse; an empty one has no results.
func parseYaCy(body []byte, contentType string, base *url.URL, limit int) (*Page, error) {
	var resp yacyResponse
	if err := decodeJSONObject(body, contentType, &resp); err != nil {
		return nil, err
	}
	if resp.Channels == nil {
		return nil, fmt.Errorf("%w: no \"channels\" array in the answer", ErrBadResponse)
	}
	p := &Page{Total: 0}
	if len(resp.Channels) == 0 {
		return p, nil
	}
	var ch yacyChannel
	if err := json.Unmarshal(resp.Channels[0], &ch); err != nil {
		return nil, fmt.Errorf("%w: the channel is not an object", ErrBadResponse)
	}
	var items []json.RawMessage
	if ch.Items != nil && string(ch.Items) != "null" {
		if err := json.Unmarshal(ch.Items, &items); err != nil {
			return nil, fmt.Errorf("%w: \"items\" is not an array", ErrBadResponse)
		}
	}
	c := newCollector(base, limit)
	for _, raw := range items {
		if c.full() {
			break
		}
		var it yacyItem
		if json.Unmarshal(raw, &it) != nil {
			continue
		}
		c.add(string(it.Link), string(it.Title), string(it.Description), it.Ranking.v, parseDate(string(it.PubDate)))
	}
	p.Results = c.results
	p.Total = parseCount(string(ch.TotalResults))
	if p.Total < 0 && len(items) == 0 {
		p.Total = 0
	}
	return p, nil
}
