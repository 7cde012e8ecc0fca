package index

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// SearchOptions controls one search. The zero value returns the top 10
// hits with stored fields and snippets.
type SearchOptions struct {
	// K is how many hits to return; 0 means 10. At most 10000.
	K int
	// Offset skips the first Offset hits (paging).
	Offset int
	// IDsOnly returns only IDs and scores (no stored fields, no snippets):
	// the fast path for evaluation.
	IDsOnly bool
	// Explain attaches a per-term account of each score to every hit.
	Explain bool
}

// MaxK is the largest K a search accepts.
const MaxK = 10000

// Hit is one search result.
type Hit struct {
	ID       string    `json:"id"`
	URL      string    `json:"url"`
	Title    string    `json:"title"`
	Snippet  Snippet   `json:"snippet"`
	Score    float64   `json:"score"`
	Rank     int       `json:"rank"` // 1-based, counting from the first hit overall
	Source   string    `json:"source"`
	Modified time.Time `json:"modified,omitempty"`
	// Explain is the per-term account of Score when requested.
	Explain string `json:"explain,omitempty"`
}

// Results is the answer to a search.
type Results struct {
	// Total is the number of matching documents.
	Total uint64 `json:"total"`
	// Hits are the requested page of results, best first.
	Hits []Hit `json:"hits"`
	// Took is how long the search took.
	Took time.Duration `json:"took"`
}

// Search runs q and returns the best hits by BM25 (see bm25Query).
func (ix *Index) Search(ctx context.Context, q Query, opts SearchOptions) (*Results, error) {
	if ix.closed.Load() {
		return nil, ErrClosed
	}
	k := opts.K
	if k == 0 {
		k = 10
	}
	if k < 0 || k > MaxK || opts.Offset < 0 {
		return nil, fmt.Errorf("%w: k=%d offset=%d (k must be 1..%d, offset >= 0)", ErrBadQuery, k, opts.Offset, MaxK)
	}
	bq, err := ix.compile(q)
	if err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(bq, k, opts.Offset, opts.Explain)
	if !opts.IDsOnly {
		req.Fields = []string{fieldURL, fieldTitle, fieldBody, fieldSource, fieldModified}
	}
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: search: %w", err)
	}
	out := &Results{Total: res.Total, Took: res.Took, Hits: make([]Hit, 0, len(res.Hits))}
	var terms map[string]bool
	if !opts.IDsOnly {
		terms = q.TermSet()
	}
	for i, h := range res.Hits {
		hit := Hit{ID: h.ID, Score: h.Score, Rank: opts.Offset + i + 1}
		if !opts.IDsOnly {
			hit.URL = field(h.Fields, fieldURL)
			hit.Title = field(h.Fields, fieldTitle)
			hit.Source = field(h.Fields, fieldSource)
			if m := field(h.Fields, fieldModified); m != "" {
				hit.Modified, _ = time.Parse(time.RFC3339Nano, m)
			}
			hit.Snippet = ix.snippet(field(h.Fields, fieldBody), terms)
		}
		if opts.Explain && h.Expl != nil {
			hit.Explain = h.Expl.String()
		}
		out.Hits = append(out.Hits, hit)
	}
	return out, nil
}

func field(f map[string]interface{}, name string) string {
	switch v := f[name].(type) {
	case string:
		return v
	case []interface{}:
		if len(v) > 0 {
			if s, ok := v[0].(string); ok {
				return s
			}
		}
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return ""
}

// compile turns a Query into the bleve query that runs it.
func (ix *Index) compile(q Query) (query.Query, error) {
	for _, t := range q.Terms {
		if t.Term == "" || !(t.Weight > 0) || t.Weight > 1e300 {
			return nil, fmt.Errorf("%w: term %q has weight %v", ErrBadQuery, t.Term, t.Weight)
		}
	}
	if len(q.Terms) > ix.cfg.MaxQueryTerms {
		return nil, fmt.Errorf("%w: %d terms, the limit is %d", ErrBadQuery, len(q.Terms), ix.cfg.MaxQueryTerms)
	}
	var must []query.Query
	for _, r := range q.Required {
		must = append(must, ix.textQuery(r))
	}
	if len(q.Sources) > 0 {
		must = append(must, anyKeyword(fieldSource, q.Sources))
	}
	if len(q.Sites) > 0 {
		must = append(must, anyKeyword(fieldHost, q.Sites))
	}
	if len(q.Terms) == 0 && len(must) == 0 {
		return nil, fmt.Errorf("%w: nothing to search for", ErrBadQuery)
	}
	bq := &bm25Query{terms: q.Terms, k1: ix.cfg.K1, b: ix.cfg.B, totalLen: ix.totalLen.Load()}
	switch len(must) {
	case 0:
	case 1:
		bq.must = must[0]
	default:
		bq.must = query.NewConjunctionQuery(must)
	}
	if len(q.Excluded) > 0 {
		var not []query.Query
		for _, e := range q.Excluded {
			not = append(not, ix.textQuery(e))
		}
		bq.mustNot = query.NewDisjunctionQuery(not)
	}
	return bq, nil
}

// textQuery matches documents containing text: a term query for one word,
// a phrase query (stop-word gaps allowed, as bleve's match-phrase does)
// for several.
func (ix *Index) textQuery(text string) query.Query {
	terms := ix.terms(text)
	if len(terms) == 1 {
		tq := query.NewTermQuery(terms[0])
		tq.SetField(fieldText)
		return tq
	}
	pq := query.NewMatchPhraseQuery(text)
	pq.SetField(fieldText)
	pq.Analyzer = AnalyzerName
	return pq
}

func anyKeyword(fieldName string, values []string) query.Query {
	qs := make([]query.Query, 0, len(values))
	for _, v := range values {
		tq := query.NewTermQuery(v)
		tq.SetField(fieldName)
		qs = append(qs, tq)
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}
