package index

import (
	"bytes"
	"context"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// WeightedTerm is an analysed term (as the index stores it, e.g. "flow",
// "pressur") with its weight in a query. Weights must be finite and > 0.
type WeightedTerm struct {
	Term   string  `json:"term"`
	Weight float64 `json:"weight"`
}

// bm25Query is a bleve query scoring fieldText with Robertson's BM25:
//
//	score(d, q) = Σ_t w_t · idf_t · tf_{t,d}·(k1+1) / (tf_{t,d} + k1·(1 − b + b·|d|/avgdl))
//	idf_t       = ln(f(r_t)),  r_t = (N − n_t + 0.5)/(n_t + 0.5),
//	f(r)        = r if r ≥ 2, else 1 + r/2
//
// where w_t is the query weight of t, tf the raw term frequency, |d| the
// document's token count, avgdl the mean token count over live documents,
// N the number of live documents and n_t the number containing t. The idf
// is Robertson–Spärck Jones' without relevance information, floored as
// Xapian's BM25Weight does so that a term in more than half of the
// documents still weighs a little (between ln 2 and 0)
// instead of subtracting. It measured better than Lucene's
// ln(1 + r) on CISI and MED and equal on CRAN (docs/BENCHMARKS.md).
// There is no coordination factor and no query normalisation.
//
// must and mustNot are optional bleve queries used as pure filters: a
// document is returned only if it matches must and does not match mustNot.
// With no scoring terms, every document matching must is returned with
// score 0.
type bm25Query struct {
	terms    []WeightedTerm
	k1, b    float64
	totalLen int64
	must     query.Query
	mustNot  query.Query
}

// Searcher implements query.Query.
func (q *bm25Query) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	n, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("bm25: doc count: %w", err)
	}
	s := &bm25Searcher{k1: q.k1, b: q.b, explain: opts.Explain, poolSize: 1}
	if n > 0 && q.totalLen > 0 {
		s.avgdl = float64(q.totalLen) / float64(n)
	} else {
		s.avgdl = 1
	}
	fail := func(err error) (search.Searcher, error) {
		s.Close()
		return nil, err
	}
	for _, t := range q.terms {
		tfr, err := r.TermFieldReader(ctx, []byte(t.Term), fieldText, true, true, false)
		if err != nil {
			return fail(fmt.Errorf("bm25: postings of %q: %w", t.Term, err))
		}
		df := tfr.Count()
		if df == 0 {
			tfr.Close()
			continue
		}
		idf := rsjIDF(n, df)
		c := &cursor{term: t.Term, r: tfr, weight: t.Weight * idf * (q.k1 + 1), idf: idf, qw: t.Weight}
		if err := c.next(); err != nil {
			s.cursors = append(s.cursors, c)
			return fail(err)
		}
		s.cursors = append(s.cursors, c)
		s.count += df
	}
	if q.must != nil {
		ms, err := q.must.Searcher(ctx, r, m, search.SearcherOptions{Score: "none"})
		if err != nil {
			return fail(fmt.Errorf("bm25: filter: %w", err))
		}
		s.must = ms
		s.poolSize += ms.DocumentMatchPoolSize()
		if len(s.cursors) == 0 {
			s.count = ms.Count()
		}
	}
	if q.mustNot != nil {
		ns, err := q.mustNot.Searcher(ctx, r, m, search.SearcherOptions{Score: "none"})
		if err != nil {
			return fail(fmt.Errorf("bm25: exclusion: %w", err))
		}
		s.mustNot = ns
		s.poolSize += ns.DocumentMatchPoolSize()
	}
	return s, nil
}

// rsjIDF is the floored Robertson–Spärck Jones idf described on bm25Query.
func rsjIDF(n, df uint64) float64 {
	r := (float64(n) - float64(df) + 0.5) / (float64(df) + 0.5)
	if r < 2 {
		r = 1 + r/2
	}
	return math.Log(r)
}

// cursor walks the postings of one query term.
type cursor struct {
	term   string
	r      bindex.TermFieldReader
	tfd    bindex.TermFieldDoc
	cur    *bindex.TermFieldDoc // nil when exhausted
	weight float64              // w_t · idf_t · (k1+1)
	idf    float64
	qw     float64
}

func (c *cursor) next() error {
	d, err := c.r.Next(c.tfd.Reset())
	if err != nil {
		return fmt.Errorf("bm25: postings of %q: %w", c.term, err)
	}
	c.cur = d
	return nil
}

func (c *cursor) advance(id bindex.IndexInternalID) error {
	d, err := c.r.Advance(id, c.tfd.Reset())
	if err != nil {
		return fmt.Errorf("bm25: postings of %q: %w", c.term, err)
	}
	c.cur = d
	return nil
}

// bm25Searcher merges the term cursors document at a time.
type bm25Searcher struct {
	cursors []*cursor
	k1, b   float64
	avgdl   float64
	explain bool

	must     search.Searcher
	mustCur  *search.DocumentMatch
	mustDone bool
	mustNot  search.Searcher
	notCur   *search.DocumentMatch
	notDone  bool

	count    uint64
	poolSize int
	idBuf    []byte
}

// docLen recovers a document's token count from the norm bleve stores
// (float32(1/sqrt(len))); rounding makes it exact for any realistic length.
func docLen(norm float64) float64 {
	if norm <= 0 {
		return 1
	}
	return math.Round(1 / (norm * norm))
}

// Next implements search.Searcher.
func (s *bm25Searcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if len(s.cursors) == 0 {
		return s.nextFilterOnly(ctx)
	}
	for {
		var minID bindex.IndexInternalID
		for _, c := range s.cursors {
			if c.cur != nil && (minID == nil || bytes.Compare(c.cur.ID, minID) < 0) {
				minID = c.cur.ID
			}
		}
		if minID == nil {
			return nil, nil
		}
		s.idBuf = append(s.idBuf[:0], minID...)
		id := bindex.IndexInternalID(s.idBuf)

		ok, skipTo, err := s.admit(ctx, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			if skipTo == nil { // the filter is exhausted: nothing more can match
				return nil, nil
			}
			if err := s.advanceAll(skipTo, true); err != nil {
				return nil, err
			}
			continue
		}

		rv := ctx.DocumentMatchPool.Get()
		var expl []*search.Explanation
		score := 0.0
		for _, c := range s.cursors {
			if c.cur == nil || !bytes.Equal(c.cur.ID, id) {
				continue
			}
			tf := float64(c.cur.Freq)
			dl := docLen(c.cur.Norm)
			part := c.weight * tf / (tf + s.k1*(1-s.b+s.b*dl/s.avgdl))
			score += part
			if s.explain {
				expl = append(expl, &search.Explanation{
					Value:   part,
					Message: fmt.Sprintf("bm25(%s): weight=%g idf=%g tf=%g dl=%g avgdl=%g k1=%g b=%g", c.term, c.qw, c.idf, tf, dl, s.avgdl, s.k1, s.b),
				})
			}
			if err := c.next(); err != nil {
				return nil, err
			}
		}
		rv.IndexInternalID = append(rv.IndexInternalID[:0], id...)
		rv.Score = score
		if s.explain {
			rv.Expl = &search.Explanation{Value: score, Message: "sum of:", Children: expl}
		}
		return rv, nil
	}
}

// admit applies the filters to candidate id. When id is refused, skipTo is
// the next ID worth trying (nil when no later document can pass).
func (s *bm25Searcher) admit(ctx *search.SearchContext, id bindex.IndexInternalID) (ok bool, skipTo bindex.IndexInternalID, err error) {
	if s.must != nil {
		if s.mustDone {
			return false, nil, nil
		}
		if s.mustCur == nil || bytes.Compare(s.mustCur.IndexInternalID, id) < 0 {
			if s.mustCur != nil {
				ctx.DocumentMatchPool.Put(s.mustCur)
			}
			s.mustCur, err = s.must.Advance(ctx, id)
			if err != nil {
				return false, nil, fmt.Errorf("bm25: filter: %w", err)
			}
			if s.mustCur == nil {
				s.mustDone = true
				return false, nil, nil
			}
		}
		if !bytes.Equal(s.mustCur.IndexInternalID, id) {
			return false, s.mustCur.IndexInternalID, nil
		}
	}
	if s.mustNot != nil && !s.notDone {
		if s.notCur == nil || bytes.Compare(s.notCur.IndexInternalID, id) < 0 {
			if s.notCur != nil {
				ctx.DocumentMatchPool.Put(s.notCur)
			}
			s.notCur, err = s.mustNot.Advance(ctx, id)
			if err != nil {
				return false, nil, fmt.Errorf("bm25: exclusion: %w", err)
			}
			if s.notCur == nil {
				s.notDone = true
			}
		}
		if s.notCur != nil && bytes.Equal(s.notCur.IndexInternalID, id) {
			// Refused: move every cursor sitting on id one step on.
			return false, nextID(id), nil
		}
	}
	return true, nil, nil
}

// nextID returns the smallest ID greater than id.
func nextID(id bindex.IndexInternalID) bindex.IndexInternalID {
	return append(append(bindex.IndexInternalID(nil), id...), 0)
}

// advanceAll moves every cursor positioned before id to id or beyond.
func (s *bm25Searcher) advanceAll(id bindex.IndexInternalID, copyID bool) error {
	if copyID {
		id = append(bindex.IndexInternalID(nil), id...)
	}
	for _, c := range s.cursors {
		if c.cur != nil && bytes.Compare(c.cur.ID, id) < 0 {
			if err := c.advance(id); err != nil {
				return err
			}
		}
	}
	return nil
}

// nextFilterOnly serves a query with filters but no scoring terms.
func (s *bm25Searcher) nextFilterOnly(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if s.must == nil {
		return nil, nil
	}
	for {
		dm, err := s.must.Next(ctx)
		if err != nil || dm == nil {
			return dm, err
		}
		if s.mustNot != nil && !s.notDone {
			if s.notCur == nil || bytes.Compare(s.notCur.IndexInternalID, dm.IndexInternalID) < 0 {
				if s.notCur != nil {
					ctx.DocumentMatchPool.Put(s.notCur)
				}
				s.notCur, err = s.mustNot.Advance(ctx, dm.IndexInternalID)
				if err != nil {
					return nil, err
				}
				s.notDone = s.notCur == nil
			}
			if s.notCur != nil && bytes.Equal(s.notCur.IndexInternalID, dm.IndexInternalID) {
				ctx.DocumentMatchPool.Put(dm)
				continue
			}
		}
		dm.Score = 0
		return dm, nil
	}
}

// Advance implements search.Searcher.
func (s *bm25Searcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	if len(s.cursors) == 0 {
		if s.must == nil {
			return nil, nil
		}
		// Position the filter, then continue as Next does.
		dm, err := s.must.Advance(ctx, id)
		if err != nil || dm == nil {
			return dm, err
		}
		dm.Score = 0
		return dm, nil
	}
	if err := s.advanceAll(id, true); err != nil {
		return nil, err
	}
	return s.Next(ctx)
}

// Close implements search.Searcher.
func (s *bm25Searcher) Close() error {
	var first error
	for _, c := range s.cursors {
		if err := c.r.Close(); err != nil && first == nil {
			first = err
		}
	}
	for _, f := range []search.Searcher{s.must, s.mustNot} {
		if f != nil {
			if err := f.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

// Weight implements search.Searcher; BM25 needs no query normalisation.
func (s *bm25Searcher) Weight() float64 { return 1 }

// SetQueryNorm implements search.Searcher and ignores the norm on purpose.
func (s *bm25Searcher) SetQueryNorm(float64) {}

// Count implements search.Searcher (an upper bound on matches).
func (s *bm25Searcher) Count() uint64 { return s.count }

// Min implements search.Searcher.
func (s *bm25Searcher) Min() int { return 0 }

// Size implements search.Searcher.
func (s *bm25Searcher) Size() int { return 128 + 96*len(s.cursors) }

// DocumentMatchPoolSize implements search.Searcher.
func (s *bm25Searcher) DocumentMatchPoolSize() int { return s.poolSize }
