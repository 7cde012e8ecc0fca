package clientagent

import (
	"context"
	"fmt"
	"strings"

	"github.com/p2pir/p2pir/internal/config"
	"github.com/p2pir/p2pir/metasearch"
)

// EngineSource is an external search engine as a Source.
type EngineSource struct{ Engine metasearch.Engine }

// Search implements Source: it sends the person's text, less p2pir's own
// source: filters, which engines do not understand.
func (e EngineSource) Search(ctx context.Context, q *SourceQuery) ([]Hit, error) {
	hits, _, err := e.SearchCount(ctx, q)
	return hits, err
}

// pager is an engine that says how many documents matched (SearXNG's
// number_of_results, OpenSearch's totalResults, YaCy's, a p2pir node's).
type pager interface {
	SearchPage(ctx context.Context, r metasearch.Request) (*metasearch.Page, error)
}

// SearchCount implements CountingSource: Search with the engine's estimate
// of the number of matches, 0 when it gives none.
func (e EngineSource) SearchCount(ctx context.Context, q *SourceQuery) ([]Hit, uint64, error) {
	req := metasearch.Request{Query: engineQuery(q.Text), Count: min(q.K, metasearch.MaxCount)}
	var (
		rs    []metasearch.Result
		total uint64
	)
	if p, ok := e.Engine.(pager); ok {
		page, err := p.SearchPage(ctx, req)
		if err != nil {
			return nil, 0, err
		}
		rs = page.Results
		if page.Total > 0 {
			total = uint64(page.Total)
		}
	} else {
		var err error
		if rs, err = e.Engine.Search(ctx, req); err != nil {
			return nil, 0, err
		}
	}
	out := make([]Hit, 0, len(rs))
	for _, r := range rs {
		out = append(out, Hit{URL: r.URL, Title: r.Title, Content: r.Content, Score: r.Score, Rank: r.Rank, Modified: r.Published})
	}
	return out, total, nil
}

// engineQuery drops "source:..." terms from a query and cuts it, at a
// word, to the longest query engines take (metasearch.MaxQueryBytes).
func engineQuery(text string) string {
	var b strings.Builder
	for _, w := range strings.Fields(text) {
		if strings.HasPrefix(strings.ToLower(w), "source:") {
			continue
		}
		if b.Len()+1+len(w) > metasearch.MaxQueryBytes {
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

// BuildEngine makes the engine a configuration entry describes. An
// OpenSearch description is fetched now, within ctx.
func BuildEngine(ctx context.Context, e config.Engine, o metasearch.Options) (metasearch.Engine, error) {
	var (
		eng metasearch.Engine
		err error
	)
	switch e.Kind {
	case config.KindSearXNG:
		eng, err = metasearch.NewSearXNG(e.Name, e.URL, o)
	case config.KindYaCy:
		eng, err = metasearch.NewYaCy(e.Name, e.URL, e.Resource, o)
	case config.KindOpenSearch:
		eng, err = metasearch.NewOpenSearch(e.Name, e.URL, o)
	case config.KindDescription:
		eng, err = metasearch.DiscoverOpenSearch(ctx, e.Name, e.URL, o)
	case config.KindP2PIR:
		eng, err = metasearch.NewP2PIR(e.Name, e.URL, o)
	default:
		err = fmt.Errorf("unknown kind %q", e.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("clientagent: engine %s: %w", e.Name, err)
	}
	return eng, nil
}

// AddEngines builds and adds every configured engine. An engine that
// cannot be built (an unreachable description document) is added as a
// source that reports the problem, so the person sees it among the
// unresponsive sources instead of losing the search.
func (a *Agent) AddEngines(ctx context.Context, engines []config.Engine, o metasearch.Options) error {
	for _, e := range engines {
		var src Source
		eng, err := BuildEngine(ctx, e, o)
		if err != nil {
			buildErr := err
			src = SourceFunc(func(context.Context, *SourceQuery) ([]Hit, error) { return nil, buildErr })
		} else {
			src = EngineSource{Engine: eng}
		}
		if err := a.AddSource(e.Name, src, SourceOptions{Weight: e.Weight, Timeout: e.Timeout.Duration, Disabled: !e.IsEnabled()}); err != nil {
			return err
		}
	}
	return nil
}
