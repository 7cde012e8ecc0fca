package clientagent

import (
	"context"
	"fmt"
	"net/url"
	"slices"

	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/canonurl"
)

// CrawlName is the name of the focused crawl among the sources.
const CrawlName = "crawl"

// CrawlOptions configures the focused crawl as a source.
type CrawlOptions struct {
	// Focused tunes the crawl itself (budgets, politeness).
	Focused crawler.FocusedConfig
	// Seeds are start URLs besides the other sources' top results.
	Seeds []string
	// TopSeeds is how many of the other sources' best web results seed the
	// crawl. Default 5.
	TopSeeds int
	// Auto crawls when the other sources bring fewer than half the wanted
	// results; otherwise only when a request names the crawl.
	Auto bool
}

// EnableCrawl makes the focused crawl available. It runs after the other
// sources (it starts from their best results), within the query's deadline
// and its own budgets, indexes what it finds, and contributes the crawled
// pages that match the query as one more ranked list.
//
// The configured Seeds are the person's: they are added to the crawl's
// TrustedSeeds, so they may be on the person's own machine or network.
// The results of engines and peers that seed the crawl, and every link
// it follows, may not (see crawler.FocusedConfig.TrustedSeeds).
func (a *Agent) EnableCrawl(o CrawlOptions) {
	if o.TopSeeds <= 0 {
		o.TopSeeds = 5
	}
	trusted := slices.Clone(o.Focused.TrustedSeeds)
	for _, s := range o.Seeds {
		if isWebURL(s) {
			trusted = append(trusted, s)
		}
	}
	o.Focused.TrustedSeeds = trusted
	a.crawl = &o
}

// isWebURL reports whether u is an absolute http(s) URL with a host.
func isWebURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Hostname() != ""
}

// wantCrawl reports whether this request runs the focused crawl after the
// first round gave have results of the wanted k.
func (a *Agent) wantCrawl(req Request, have, k int) bool {
	if a.crawl == nil || slices.Contains(req.Exclude, CrawlName) {
		return false
	}
	if req.Crawl || slices.Contains(req.Sources, CrawlName) {
		return true
	}
	return len(req.Sources) == 0 && a.crawl.Auto && have < (k+1)/2
}

// mayCrawl reports whether the focused crawl could run for req (wantCrawl
// for some number of first-round results).
func (a *Agent) mayCrawl(req Request) bool {
	return a.wantCrawl(req, 0, 1)
}

// crawlSeeds are the configured seeds and the first http(s) URLs of the
// merged first-round results, canonical and distinct.
func (a *Agent) crawlSeeds(first []Merged) []string {
	seen := map[string]bool{}
	var seeds []string
	add := func(u string) {
		if !isWebURL(u) {
			return
		}
		if k := canonurl.DedupKey(u); !seen[k] {
			seen[k] = true
			seeds = append(seeds, u)
		}
	}
	for _, s := range a.crawl.Seeds {
		add(s)
	}
	n := 0
	for _, m := range first {
		if n == a.crawl.TopSeeds {
			break
		}
		before := len(seeds)
		add(m.URL)
		if len(seeds) > before {
			n++
		}
	}
	return seeds
}

// runCrawl crawls from the seeds towards q, indexes the pages, and returns
// those among them that match q as a ranked list.
func (a *Agent) runCrawl(ctx context.Context, q *SourceQuery, seeds []string) (SourceHits, error) {
	if len(seeds) == 0 {
		return SourceHits{}, fmt.Errorf("no seeds: configure crawl.seeds or let other sources find web pages first")
	}
	terms := make(map[string]float64, len(q.Query.Terms))
	for _, t := range q.Query.Terms {
		terms[t.Term] = t.Weight
	}
	rep, err := crawler.FocusedCrawl(ctx, a.ix, a.crawl.Focused, crawler.FocusQuery{Terms: terms, Analyze: a.ix.Analyze}, seeds...)
	if err != nil && len(rep.Pages) == 0 {
		return SourceHits{}, err
	}
	crawled := map[string]bool{}
	for _, p := range rep.Pages {
		crawled[canonurl.DedupKey(p.URL)] = true
	}
	res, err := a.ix.Search(ctx, q.Query, index.SearchOptions{K: max(q.K*4, 100), SnippetTerms: q.SnippetTerms})
	if err != nil {
		return SourceHits{}, err
	}
	out := SourceHits{Source: CrawlName, Weight: 1}
	for _, h := range res.Hits {
		if crawled[canonurl.DedupKey(h.URL)] && len(out.Hits) < q.K {
			out.Hits = append(out.Hits, Hit{URL: h.URL, Title: h.Title, Content: h.Snippet.Text, Snippet: h.Snippet,
				Score: h.Score, Rank: len(out.Hits) + 1, DocID: h.ID, Modified: h.Modified, Lang: h.Lang, Origin: h.Source, ref: h.Ref})
		}
	}
	return out, nil
}
