package metasearch

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
)

// SearXNG is a SearXNG instance asked through its JSON API:
//
//	GET {base}/search?q=..&format=json&pageno=..[&language=..]
//
// The instance must have "json" among its search.formats (many public
// instances answer 403 without it). SearXNG has no page-size parameter:
// its pages hold what its engines return (often 10 to 30 results), so the
// page asked for is Start/Count+1 and at most Count results of it are
// kept. Score is SearXNG's own merged score.
type SearXNG struct {
	f    fetcher
	base *url.URL
}

// NewSearXNG returns the SearXNG instance at baseURL (for example
// "https://searx.example.org" or one with a path prefix). name labels its
// results and errors; empty means the host of baseURL. Zero fields of o
// get their defaults.
func NewSearXNG(name, baseURL string, o Options) (*SearXNG, error) {
	base, err := parseBaseURL("SearXNG", baseURL)
	if err != nil {
		return nil, err
	}
	f, err := newFetcher(engineName(name, base), o)
	if err != nil {
		return nil, err
	}
	return &SearXNG{f: f, base: base}, nil
}

// Name implements Engine.
func (s *SearXNG) Name() string { return s.f.name }

// Search implements Engine.
func (s *SearXNG) Search(ctx context.Context, r Request) ([]Result, error) {
	p, err := s.SearchPage(ctx, r)
	if err != nil {
		return nil, err
	}
	return p.Results, nil
}

// SearchPage is Search with what SearXNG says besides the results: its
// estimate of the number of matches and the engines it could not reach.
func (s *SearXNG) SearchPage(ctx context.Context, r Request) (*Page, error) {
	r, err := r.normalize()
	if err != nil {
		return nil, fmt.Errorf("metasearch: %s: %w", s.f.name, err)
	}
	resp, err := s.f.get(ctx, s.requestURL(r), "application/json", r.Language)
	if err != nil {
		return nil, err
	}
	p, err := parseSearXNG(resp.body, resp.contentType, resp.url, r.Count, 0)
	if err != nil {
		return nil, s.f.badResponse(err)
	}
	return p, nil
}

// requestURL is the search URL for a normalised r.
func (s *SearXNG) requestURL(r Request) *url.URL {
	q := url.Values{
		"q":      {r.Query},
		"format": {"json"},
		"pageno": {strconv.Itoa(r.Start/r.Count + 1)},
	}
	if r.Language != "" {
		q.Set("language", r.Language)
	}
	return endpointURL(s.base, "search", q)
}

// searxngResponse is the JSON answer of SearXNG's /search?format=json
// (searx/webutils.py get_json_response): query, number_of_results,
// results, answers, corrections, infoboxes, suggestions and
// unresponsive_engines. Answers, infoboxes, corrections and suggestions
// are not results and are not read.
type searxngResponse struct {
	NumberOfResults jsonNumber      `json:"number_of_results"`
	Results         json.RawMessage `json:"results"`
	// UnresponsiveEngines is a list of [engine name, error message] pairs.
	UnresponsiveEngines json.RawMessage `json:"unresponsive_engines"`
}

// searxngResult is one item of "results". SearXNG also writes engine,
// engines, positions, parsed_url, template, category, thumbnail, img_src,
// priority and more; only these are used. publishedDate is Python's
// datetime.isoformat() or null; old engines set "pubdate" instead.
type searxngResult struct {
	URL           jsonText   `json:"url"`
	Title         jsonText   `json:"title"`
	Content       jsonText   `json:"content"`
	Score         jsonNumber `json:"score"`
	PublishedDate jsonText   `json:"publishedDate"`
	Pubdate       jsonText   `json:"pubdate"`
}

// parseSearXNG reads a SearXNG JSON answer (also the answer of a p2pir
// node, which has the same shape). skip items are passed over first, then
// at most limit results are kept; relative URLs resolve against base.
// Items that are not objects or have no usable URL are dropped; an answer
// that is not a JSON object with a "results" array is ErrBadResponse.
func parseSearXNG(body []byte, contentType string, base *url.URL, limit, skip int) (*Page, error) {
	var resp searxngResponse
	if err := decodeJSONObject(body, contentType, &resp); err != nil {
		return nil, err
	}
	if resp.Results == nil {
		return nil, fmt.Errorf("%w: no \"results\" in the answer", ErrBadResponse)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(resp.Results, &items); err != nil {
		return nil, fmt.Errorf("%w: \"results\" is not an array", ErrBadResponse)
	}
	c := newCollector(base, limit)
	for i, raw := range items {
		if i < skip {
			continue
		}
		if c.full() {
			break
		}
		var it searxngResult
		if json.Unmarshal(raw, &it) != nil {
			continue // not an object
		}
		published := parseDate(string(it.PublishedDate))
		if published.IsZero() {
			published = parseDate(string(it.Pubdate))
		}
		c.add(string(it.URL), string(it.Title), string(it.Content), it.Score.v, published)
	}
	p := &Page{Results: c.results, Total: -1, Unresponsive: searxngUnresponsive(resp.UnresponsiveEngines)}
	switch {
	case resp.NumberOfResults.ok && resp.NumberOfResults.v >= 1 && resp.NumberOfResults.v < 1<<62:
		p.Total = int64(resp.NumberOfResults.v)
	case len(items) == 0:
		p.Total = 0
	}
	// Otherwise SearXNG wrote 0 or nothing: its engines gave no usable
	// estimate, which is not "no matches".
	return p, nil
}

// searxngUnresponsive reads unresponsive_engines, a list of [name, error
// message] pairs, as "name: message"; anything unexpected is skipped.
func searxngUnresponsive(raw json.RawMessage) []string {
	var list []json.RawMessage
	if raw == nil || json.Unmarshal(raw, &list) != nil {
		return nil
	}
	var out []string
	for _, item := range list {
		var pair []jsonText
		if json.Unmarshal(item, &pair) != nil || len(pair) == 0 {
			continue
		}
		name := plainText(string(pair[0]), 100)
		if name == "" {
			continue
		}
		if len(pair) > 1 {
			if msg := plainText(string(pair[1]), 200); msg != "" {
				name += ": " + msg
			}
		}
		out = append(out, name)
	}
	return out
}
