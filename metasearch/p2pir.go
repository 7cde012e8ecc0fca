package metasearch

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
)

// P2PIR is another p2pir node asked through its JSON API:
//
//	GET {base}/search?q=..&format=json&k=..
//
// The node answers in SearXNG's JSON shape (query, number_of_results,
// results[] with url, title, content, score, engine, publishedDate). The
// API has no offset, so k is Start+Count and the first Start results are
// passed over.
type P2PIR struct {
	f    fetcher
	base *url.URL
}

// NewP2PIR returns the p2pir node whose HTTP API is at baseURL (for
// example "http://127.0.0.1:8080"). name labels its results and errors;
// empty means the host of baseURL. Zero fields of o get their defaults.
func NewP2PIR(name, baseURL string, o Options) (*P2PIR, error) {
	base, err := parseBaseURL("p2pir", baseURL)
	if err != nil {
		return nil, err
	}
	f, err := newFetcher(engineName(name, base), o)
	if err != nil {
		return nil, err
	}
	return &P2PIR{f: f, base: base}, nil
}

// Name implements Engine.
func (p *P2PIR) Name() string { return p.f.name }

// Search implements Engine.
func (p *P2PIR) Search(ctx context.Context, r Request) ([]Result, error) {
	pg, err := p.SearchPage(ctx, r)
	if err != nil {
		return nil, err
	}
	return pg.Results, nil
}

// SearchPage is Search with the node's estimate of the number of matches
// and the sources it could not reach.
func (p *P2PIR) SearchPage(ctx context.Context, r Request) (*Page, error) {
	r, err := r.normalize()
	if err != nil {
		return nil, fmt.Errorf("metasearch: %s: %w", p.f.name, err)
	}
	resp, err := p.f.get(ctx, p.requestURL(r), "application/json", r.Language)
	if err != nil {
		return nil, err
	}
	pg, err := parseSearXNG(resp.body, resp.contentType, resp.url, r.Count, r.Start)
	if err != nil {
		return nil, p.f.badResponse(err)
	}
	return pg, nil
}

// requestURL is the search URL for a normalised r.
func (p *P2PIR) requestURL(r Request) *url.URL {
	return endpointURL(p.base, "search", url.Values{
		"q":      {r.Query},
		"format": {"json"},
		"k":      {strconv.Itoa(r.Start + r.Count)},
	})
}
