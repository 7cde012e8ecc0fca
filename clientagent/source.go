package clientagent

import (
	"context"
	"time"

	"github.com/p2pir/p2pir/index"
)

// Source is anything that answers a query with a ranked list: the local
// index, a meta-search engine, the focused crawl, the peers. It must
// return when ctx ends (each source gets its own deadline inside the
// query's) and must not modify q.
type Source interface {
	Search(ctx context.Context, q *SourceQuery) ([]Hit, error)
}

// SourceQuery is what a source is asked.
type SourceQuery struct {
	// Text is what the person typed.
	Text string
	// Query is Text parsed and, with the user model on, reformulated: the
	// weighted terms and filters that sources able to take them (the local
	// index, peers) run.
	Query index.Query
	// K is how many results are wanted.
	K int
	// Routing is Request.Routing: how a source that forwards to peers
	// routes the query; empty for its own default.
	Routing string
	// Hops and FanOut are Request.Hops and Request.FanOut; 0 for the
	// source's own settings.
	Hops, FanOut int
	// NoSnippets asks the local index for hits without snippets (Content
	// and Snippet empty; index.SearchOptions.NoSnippets): the agent then
	// fills them in for the results it shows. Other sources ignore it.
	NoSnippets bool
	// SnippetTerms, when not empty, are the terms the local index places
	// its snippets around and highlights instead of Query's
	// (index.SearchOptions.SnippetTerms): for a reformulated query, the
	// typed terms and a few of the heaviest expansion terms
	// (Config.SnippetExpansion). Other sources ignore it.
	SnippetTerms []index.WeightedTerm
	// Corpus, when set, are the pooled collection statistics a
	// PoolingSource among the query's sources scores with, and Typed the
	// query as typed (before reformulation), which it searches: the local
	// index then searches Typed with the same statistics, so that its
	// hits and the pooling source's rank on one scale (Hit.Pooled).
	Corpus *index.CorpusStats
	Typed  index.Query
}

// PoolingSource is a source whose answers are scored with pooled
// collection statistics — the peers, scoring BM25 with the N, average
// length and document frequencies the node pooled from their collection
// summaries — so that the local index, searched with the same statistics,
// ranks on the same scale and the two merge by score rather than by rank.
type PoolingSource interface {
	Source
	// Pool returns the statistics the source scores typed with, or nil
	// when it will not pool (its answer then merges by rank).
	Pool(ctx context.Context, typed index.Query) *index.CorpusStats
}

// snippetQuery is the query the local index ran (Query, or Typed with
// pooled statistics: LocalSource) with SnippetTerms (when set) as its
// terms: what Index.Snippets cuts the snippets of its hits for, as the
// search would have.
func (q *SourceQuery) snippetQuery() index.Query {
	sq := q.Query
	if q.Corpus != nil && len(q.Typed.Terms) > 0 {
		sq = q.Typed
	}
	if len(q.SnippetTerms) > 0 {
		sq.Terms = q.SnippetTerms
	}
	return sq
}

// Hit is one result from one source.
type Hit struct {
	// URL locates the result; merged results are keyed by its canonical form.
	URL string
	// Title and Content (a snippet) are plain text.
	Title   string
	Content string
	// Snippet is Content with the query's words marked, when the source knows them.
	Snippet index.Snippet
	// Score is the source's own score, 0 when it gives none; only compared
	// within one source.
	Score float64
	// Rank is the 1-based position in the source's answer.
	Rank int
	// DocID is the local index ID when the document is in the local index.
	DocID string
	// Modified is when the document last changed, if known.
	Modified time.Time
	// Lang is the document's language (a code of index.Languages) as the
	// local index or the finding peer detected it; "" when not known
	// (engines).
	Lang string
	// Origin is the kind of document for local hits ("file", "web"), or
	// "peer:ID" naming the peer that found it.
	Origin string
	// Pooled is true when Score was computed with the query's pooled
	// statistics (SourceQuery.Corpus): such hits rank by score across
	// sources before fusion.
	Pooled bool
	// ref is where the local index's search found the document (with
	// DocID), so that its snippet is cut from the same snapshot without
	// looking the ID up again (index.Hit.Ref).
	ref index.DocRef
}

// CountingSource is a Source that also says how many documents matched
// the query, beyond the hits it returns; the agent reports the count in
// Response.Total.
type CountingSource interface {
	Source
	// SearchCount is Search with the number of documents that matched
	// (the source's own count or estimate), 0 when it gives none.
	SearchCount(ctx context.Context, q *SourceQuery) ([]Hit, uint64, error)
}

// ReportingSource is a Source that relays other nodes (the peers), some
// of which may fail while the source as a whole answers: it says which
// and why, besides its hits and network trace. The agent asks through
// SearchReport when a source implements it.
type ReportingSource interface {
	Source
	// SearchReport answers q. An error means the source as a whole
	// failed; the peers that failed while it answered are in
	// SourceAnswer.Unresponsive.
	SearchReport(ctx context.Context, q *SourceQuery) (SourceAnswer, error)
}

// SourceAnswer is a ReportingSource's answer.
type SourceAnswer struct {
	// Hits are the results, best first; a peer's carry Origin "peer:ID".
	Hits []Hit
	// Network is the query's network trace (nil when no one was asked);
	// it may come with an error: what the query cost before it failed.
	Network *NetworkTrace
	// Unresponsive are the peers that failed, each as Engine "peer:ID"
	// (PeerName) with the reason in words.
	Unresponsive []Unresponsive
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context, q *SourceQuery) ([]Hit, error)

// Search implements Source.
func (f SourceFunc) Search(ctx context.Context, q *SourceQuery) ([]Hit, error) { return f(ctx, q) }

// LocalSource is the local index as a Source.
type LocalSource struct{ Index *index.Index }

// Search implements Source: it runs q.Query (not the text) on the index;
// with pooled statistics (q.Corpus), q.Typed scored with them.
func (l LocalSource) Search(ctx context.Context, q *SourceQuery) ([]Hit, error) {
	hits, _, err := l.SearchCount(ctx, q)
	return hits, err
}

// SearchCount implements CountingSource: Search with the index's count of
// matching documents (index.Results.Total).
func (l LocalSource) SearchCount(ctx context.Context, q *SourceQuery) ([]Hit, uint64, error) {
	query, pooled := q.Query, q.Corpus != nil && len(q.Typed.Terms) > 0
	if pooled {
		query = q.Typed
	}
	opts := index.SearchOptions{K: q.K, NoSnippets: q.NoSnippets, SnippetTerms: q.SnippetTerms}
	if pooled {
		opts.Corpus = q.Corpus
	}
	res, err := l.Index.Search(ctx, query, opts)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, Hit{
			URL: h.URL, Title: h.Title, Content: h.Snippet.Text, Snippet: h.Snippet, Score: h.Score,
			Rank: h.Rank, DocID: h.ID, Modified: h.Modified, Lang: h.Lang, Origin: h.Source, Pooled: pooled, ref: h.Ref,
		})
	}
	return out, res.Total, nil
}
