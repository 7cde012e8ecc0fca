package metasearch

import (
	"context"
	"fmt"
	"net/url"
)

// OpenSearch is an OpenSearch 1.1 endpoint answering in RSS or Atom,
// asked through a URL template such as
//
//	https://example.org/search?q={searchTerms}&n={count?}&start={startIndex?}&format=rss
//
// The template's parameters are filled as the specification says (see
// NewOpenSearch); the answer may be RSS 2.0 (or 0.9x, 1.0) or Atom 1.0,
// whatever the Url's declared type. Score is the OpenSearch relevance
// extension's score when the feed has one, else 0.
type OpenSearch struct {
	f fetcher
	t *urlTemplate
}

// NewOpenSearch returns the OpenSearch endpoint of template, an absolute
// http or https URL template that must contain {searchTerms}. Parameters:
// {searchTerms} is the query, percent-encoded; {count} the number of
// results wanted; {startIndex} the index of the first, counted from 1
// (see WithOffsets); {startPage} the page number, from 1; {language} the
// request's language ("*" when none); {inputEncoding} and
// {outputEncoding} "UTF-8". A parameter written {name?} is optional and
// may be left empty; a required parameter outside this list cannot be
// filled and makes the template invalid, with ErrBadRequest. name labels
// its results and errors; empty means the template's host.
func NewOpenSearch(name, template string, o Options) (*OpenSearch, error) {
	t, err := parseTemplate(template, nil)
	if err != nil {
		return nil, fmt.Errorf("metasearch: OpenSearch template %q: %w", template, err)
	}
	return newOpenSearch(name, t, o)
}

// newOpenSearch returns the engine of a parsed template.
func newOpenSearch(name string, t *urlTemplate, o Options) (*OpenSearch, error) {
	u, err := url.Parse(t.raw)
	if err != nil {
		return nil, fmt.Errorf("metasearch: OpenSearch template %q: %w: %v", t.raw, ErrBadRequest, err)
	}
	f, err := newFetcher(engineName(name, u), o)
	if err != nil {
		return nil, err
	}
	return &OpenSearch{f: f, t: t}, nil
}

// WithOffsets returns a copy of the engine whose {startIndex} counts from
// indexOffset and whose {startPage} counts from pageOffset: the Url
// element's indexOffset and pageOffset attributes, both 1 unless an
// endpoint says otherwise (a 0-based "start" parameter wants 0).
func (o *OpenSearch) WithOffsets(indexOffset, pageOffset int) *OpenSearch {
	t := *o.t
	t.indexOffset, t.pageOffset = indexOffset, pageOffset
	return &OpenSearch{f: o.f, t: &t}
}

// Template returns the URL template (resolved to an absolute URL) and its
// offsets; NewOpenSearch(name, template, o).WithOffsets(indexOffset,
// pageOffset) makes the same engine again, so a discovered engine can be
// saved in a configuration.
func (o *OpenSearch) Template() (template string, indexOffset, pageOffset int) {
	return o.t.raw, o.t.indexOffset, o.t.pageOffset
}

// Name implements Engine.
func (o *OpenSearch) Name() string { return o.f.name }

// Search implements Engine.
func (o *OpenSearch) Search(ctx context.Context, r Request) ([]Result, error) {
	p, err := o.SearchPage(ctx, r)
	if err != nil {
		return nil, err
	}
	return p.Results, nil
}

// SearchPage is Search with the feed's opensearch:totalResults.
func (o *OpenSearch) SearchPage(ctx context.Context, r Request) (*Page, error) {
	r, err := r.normalize()
	if err != nil {
		return nil, fmt.Errorf("metasearch: %s: %w", o.f.name, err)
	}
	u, err := o.t.expand(r)
	if err != nil {
		return nil, fmt.Errorf("metasearch: %s: %w", o.f.name, err)
	}
	resp, err := o.f.get(ctx, u, acceptFeeds, r.Language)
	if err != nil {
		return nil, err
	}
	p, err := parseFeed(resp.body, resp.contentType, resp.url, r.Count)
	if err != nil {
		return nil, o.f.badResponse(err)
	}
	return p, nil
}
