package index

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// scored is a document number in the reader's snapshot with its score.
type scored struct {
	doc   uint64
	score float64
}

// topKResult is what topK found.
type topKResult struct {
	hits []scored // best first; ties by ascending external ID (orderTies)
	// scored counts the documents whose score was computed: every match
	// when nothing could be pruned, fewer when MaxScore skipped some.
	scored uint64
}

// termList is one query term's postings as document numbers, for topK.
type termList struct {
	c   *cursor
	doc uint64  // current document number, math.MaxUint64 when exhausted
	ub  float64 // upper bound of the term's contribution: w·idf·(k1+1)
	// bound is the least upper bound known: w·idf·(k1+1) times the term's
	// largest tf/(tf+K) in this snapshot (impactCache), a little over.
	bound float64
}

const exhausted = math.MaxUint64

func (t *termList) sync() {
	if t.c.done {
		t.doc = exhausted
	} else {
		t.doc = t.c.doc
	}
}

// topK evaluates BM25 (as bm25Query defines it) document at a time with
// Turtle and Flood's MaxScore pruning: term lists are ordered by the most
// they can add to a score; once the k-th best score θ is known, lists whose
// bounds together cannot lift a document above θ stop proposing candidates
// and are only probed for documents the others propose. Results are exactly
// those of exhaustive evaluation. Documents with equal scores are ordered,
// and cut at need, by external ID, not by document number (which follows
// the order a batch happened to be written in): a document scoring exactly
// the k-th best score is kept aside (ties) rather than pruned, and a
// document's score is summed in one fixed order of the terms, so equal
// scores are equal to the bit whatever the pruning state.
func (ix *Index) topK(ctx context.Context, r bindex.IndexReader, q *bm25Query, need int) (res topKResult, err error) {
	n, err := r.DocCount()
	if err != nil {
		return res, fmt.Errorf("bm25: doc count: %w", err)
	}
	n, avgdl := q.collection(n)
	// On a scorch snapshot the postings are walked segment by segment,
	// each segment's dictionary opened once for all the terms.
	is, _ := r.(*scorch.IndexSnapshot)
	var dicts []segment.TermDictionary
	// The terms' cursors and lists, room for all of them taken once for
	// the query (their addresses stay put: nothing is appended past the
	// capacity), from the room of an earlier search.
	terms, _ := ix.termLists.Get().(*termScratch)
	if terms == nil {
		terms = &termScratch{}
	}
	cursors, slab, lists := terms.room(len(q.terms))
	var scratch *postingsScratch // the segment cursors' postings, reused
	defer func() {
		for _, l := range lists {
			l.c.close()
		}
		if scratch != nil { // no cursor is read after this
			scratch.used = 0
			ix.postings.Put(scratch)
		}
		terms.release(cursors, slab, lists)
		ix.termLists.Put(terms)
	}()
	params := bm25Params{avgdl, q.k1, q.b}
	for _, t := range q.terms {
		held, read := ix.held.get(r, t.Term)
		if !read {
			if no, err := ix.absent(r, t.Term); err != nil || no {
				if err != nil {
					return res, fmt.Errorf("bm25: %w", err)
				}
				continue // as a term with no postings would
			}
			if held, err = ix.held.load(ctx, r, t.Term, params); err != nil {
				return res, fmt.Errorf("bm25: %w", err)
			}
		}
		cursors = append(cursors, cursor{term: t.Term})
		c := &cursors[len(cursors)-1]
		var df uint64
		switch {
		case held != nil: // read once per snapshot, then from memory
			c.held, df = held, held.count
		case is != nil:
			if dicts == nil {
				if dicts, err = segmentDicts(is, fieldText); err != nil {
					return res, fmt.Errorf("bm25: dictionaries: %w", err)
				}
				if scratch, _ = ix.postings.Get().(*postingsScratch); scratch == nil {
					scratch = &postingsScratch{}
				}
			}
			if c.segs, df, err = newSegCursor(is, dicts, t.Term, scratch); err != nil {
				return res, fmt.Errorf("bm25: postings of %q: %w", t.Term, err)
			}
		default:
			if c.r, err = r.TermFieldReader(ctx, []byte(t.Term), fieldText, true, true, false); err != nil {
				return res, fmt.Errorf("bm25: postings of %q: %w", t.Term, err)
			}
			df = c.r.Count()
		}
		if df == 0 {
			c.close()
			continue
		}
		idf := rsjIDF(n, q.docFreq(t.Term, df, n))
		c.weight, c.idf, c.qw = t.Weight*idf*(q.k1+1), idf, t.Weight
		slab = append(slab, termList{c: c, ub: c.weight, bound: c.weight})
		l := &slab[len(slab)-1]
		if held != nil || df <= maxImpactScan {
			imp, err := held.boundOr(ctx, r, &ix.impacts, t.Term, params)
			if err != nil {
				c.close()
				return res, err
			}
			// The margin covers the rounding of w·(tf/(tf+K)) against
			// (w·tf)/(tf+K), as norm computes it.
			l.bound = min(c.weight, c.weight*imp*(1+1e-9))
		}
		lists = append(lists, l)
	}
	// Ascending w·idf·(k1+1) (the order the scores are summed in, so they
	// do not depend on the documents' lengths); cum[i] is the most lists
	// 0..i add together, by their exact bounds. Any order of the lists is
	// correct; this one is nearly ascending in the exact bounds too.
	slices.SortFunc(lists, func(a, b *termList) int {
		switch {
		case a.ub < b.ub:
			return -1
		case a.ub > b.ub:
			return 1
		}
		return 0
	})
	if q.must == nil && q.mustNot == nil && allHeld(lists) {
		return ix.topKHeld(ctx, r, q, lists, need, params)
	}
	cum := make([]float64, len(lists))
	for i, l := range lists {
		cum[i] = l.bound
		if i > 0 {
			cum[i] += cum[i-1]
		}
		if err := l.c.next(); err != nil { // each cursor on its first posting
			return res, err
		}
		l.sync()
	}
	f, err := newFilters(ctx, r, ix, q)
	if err != nil {
		return res, err
	}
	defer f.close()

	top := newTopBuffer(need)
	var parts []scored // a document's term contributions: list index, value
	norm := func(l *termList) float64 {
		return bm25Part(l.c.weight, float64(l.c.freq), l.c.dl, q.k1, q.b, avgdl)
	}
	idBuf := make(bindex.IndexInternalID, 8)
	essential := 0
	// d is the next candidate, the smallest current document among the
	// essential lists; the loop that scores a candidate works out the
	// next one as it moves the lists on, so a candidate costs one pass
	// over the essential lists, not two (queries of 50+ terms).
	d, known := uint64(exhausted), false
	for iter := 0; ; iter++ {
		if iter&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return res, fmt.Errorf("bm25: %w", err)
			}
		}
		for essential < len(lists) && cum[essential] < top.theta {
			essential++
			known = false
		}
		if essential == len(lists) {
			break // no document can beat the k-th best any more
		}
		if !known {
			d = exhausted
			for _, l := range lists[essential:] {
				d = min(d, l.doc)
			}
		}
		if d == exhausted {
			break
		}
		ok, next, err := f.admit(d)
		if err != nil {
			return res, err
		}
		if !ok {
			if next == exhausted {
				break
			}
			for _, l := range lists[essential:] {
				if l.doc < next {
					if err := l.c.advance(next, idBuf); err != nil {
						return res, err
					}
					l.sync()
				}
			}
			known = false
			continue
		}
		s := 0.0
		parts = parts[:0]
		following := uint64(exhausted)
		for j, l := range lists[essential:] {
			if l.doc == d {
				v := norm(l)
				s += v
				parts = append(parts, scored{uint64(essential + j), v})
				if err := l.c.next(); err != nil {
					return res, err
				}
				l.sync()
			}
			following = min(following, l.doc)
		}
		cand := d
		d, known = following, true
		theta := top.theta
		for i := essential - 1; i >= 0; i-- {
			if s+cum[i] < theta {
				break
			}
			l := lists[i]
			if l.doc < cand {
				if err := l.c.advance(cand, idBuf); err != nil {
					return res, err
				}
				l.sync()
			}
			if l.doc == cand {
				v := norm(l)
				s += v
				parts = append(parts, scored{uint64(i), v})
			}
		}
		res.scored++
		if s < theta {
			continue
		}
		top.add(scored{cand, termOrderSum(parts)})
	}
	res.hits, err = orderTies(r, &ix.ids, top.best(), need)
	return res, err
}

// termScratch is the room topK takes its terms' cursors and lists from,
// kept from search to search (a reformulated query has dozens of terms,
// and a cursor is some 200 bytes).
type termScratch struct {
	cursors []cursor
	slab    []termList
	lists   []*termList
}

// room returns empty cursors, lists and list pointers with room for n
// terms each.
func (t *termScratch) room(n int) ([]cursor, []termList, []*termList) {
	if cap(t.cursors) < n {
		t.cursors, t.slab, t.lists = make([]cursor, 0, n), make([]termList, 0, n), make([]*termList, 0, n)
	}
	return t.cursors[:0], t.slab[:0], t.lists[:0]
}

// release keeps the room of a search's cursors, lists and list pointers,
// emptied, so that nothing they referred to (postings, readers) is held.
func (t *termScratch) release(cursors []cursor, slab []termList, lists []*termList) {
	clear(cursors)
	clear(slab)
	clear(lists)
	t.cursors, t.slab, t.lists = cursors[:0], slab[:0], lists[:0]
}

// termOrderSum adds a document's term contributions (doc: the term
// list's index) in the lists' order, whichever were summed first while
// pruning, so that documents matching the same terms equally get
// bit-equal scores.
func termOrderSum(parts []scored) float64 {
	for i := 1; i < len(parts); i++ { // insertion sort: a handful of terms
		for j := i; j > 0 && parts[j].doc < parts[j-1].doc; j-- {
			parts[j], parts[j-1] = parts[j-1], parts[j]
		}
	}
	s := 0.0
	for _, p := range parts {
		s += p.score
	}
	return s
}

// orderTies orders hits (best first, ties in any order) by score and,
// among equal scores, by ascending external ID, and keeps the first need:
// the same documents in the same order however the index numbered them.
// Only documents that tie with another have their IDs looked up (through
// c).
func orderTies(r bindex.IndexReader, c *idCache, hits []scored, need int) ([]scored, error) {
	var ids []string
	for i := 0; i < len(hits); {
		j := i + 1
		for j < len(hits) && hits[j].score == hits[i].score {
			j++
		}
		if j-i > 1 {
			run := hits[i:j]
			ids = slices.Grow(ids[:0], len(run))[:len(run)]
			if err := c.resolve(r, run, ids); err != nil {
				return nil, fmt.Errorf("bm25: a tied hit: %w", err)
			}
			byID := make([]tiedHit, len(run))
			for k := range run {
				byID[k] = tiedHit{run[k], ids[k]}
			}
			slices.SortFunc(byID, func(a, b tiedHit) int { return strings.Compare(a.id, b.id) })
			for k := range run {
				run[k] = byID[k].s
			}
		}
		i = j
	}
	return hits[:min(need, len(hits))], nil
}

// tiedHit is a hit with its ID, for orderTies.
type tiedHit struct {
	s  scored
	id string
}

// topBuffer collects the best need documents of a search and every
// document scoring the same as the need-th best (orderTies cuts those by
// ID). It keeps every document scoring at least theta and, once it holds
// twice need, selects the need best in linear time (selectBest), raises
// theta to the need-th best score and drops the rest: amortised constant
// work per document, where a heap of need documents took log₂ need steps
// for each (at k = 1000 most candidates get in). theta trails the exact
// need-th best by up to need documents, which prunes a little less,
// never more.
type topBuffer struct {
	need  int
	buf   []scored
	limit int // compact when buf holds this many
	// theta is the need-th best score so far (-Inf until need were
	// seen): a document scoring less can no longer be among the best.
	theta float64
}

func newTopBuffer(need int) *topBuffer {
	return &topBuffer{need: need, buf: make([]scored, 0, min(2*need, 8192)), limit: need, theta: math.Inf(-1)}
}

// add keeps s, which scores at least theta.
func (t *topBuffer) add(s scored) {
	t.buf = append(t.buf, s)
	if len(t.buf) >= t.limit {
		t.compact()
	}
}

// compact keeps the need best and those tied with the need-th, and sets
// theta to its score.
func (t *topBuffer) compact() {
	if len(t.buf) < t.need {
		return
	}
	selectBest(t.buf, t.need)
	t.theta = t.buf[t.need-1].score
	keep := t.need
	for _, s := range t.buf[t.need:] {
		if s.score == t.theta {
			t.buf[keep] = s
			keep++
		}
	}
	t.buf = t.buf[:keep]
	t.limit = max(2*t.need, keep+t.need)
}

// best returns what the search keeps: the need best and the documents
// tied with the need-th, best first (by score, then by ascending document
// number).
func (t *topBuffer) best() []scored {
	t.compact()
	slices.SortFunc(t.buf, func(a, b scored) int {
		switch {
		case worse(b, a):
			return -1
		case worse(a, b):
			return 1
		}
		return 0
	})
	return t.buf
}

// worse reports whether a ranks below b: a lower score, or the same
// score and a later document.
func worse(a, b scored) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.doc > b.doc
}

// selectBest reorders s (distinct documents) so that s[n-1] is the n-th
// best, s[:n-1] the better ones and s[n:] the worse ones, 0 < n ≤ len(s):
// Hoare's quickselect with a median-of-three pivot.
func selectBest(s []scored, n int) {
	k := n - 1
	lo, hi := 0, len(s)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if worse(s[lo], s[mid]) {
			s[lo], s[mid] = s[mid], s[lo]
		}
		if worse(s[lo], s[hi]) {
			s[lo], s[hi] = s[hi], s[lo]
		}
		if worse(s[mid], s[hi]) {
			s[mid], s[hi] = s[hi], s[mid]
		}
		p := s[mid] // the median of the three: s[lo] is better, s[hi] worse
		i, j := lo, hi
		for i <= j {
			for worse(p, s[i]) {
				i++
			}
			for worse(s[j], p) {
				j--
			}
			if i <= j {
				s[i], s[j] = s[j], s[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}

// filters applies a query's required and excluded clauses to candidates.
type filters struct {
	sctx              *search.SearchContext
	must, mustNot     search.Searcher
	mustCur, notCur   *search.DocumentMatch
	mustDone, notDone bool
	buf               bindex.IndexInternalID
}

func newFilters(ctx context.Context, r bindex.IndexReader, ix *Index, q *bm25Query) (*filters, error) {
	f := &filters{buf: make(bindex.IndexInternalID, 8)}
	size := 1
	opts := search.SearcherOptions{Score: "none"}
	var err error
	for _, p := range []struct {
		q query.Query
		s *search.Searcher
	}{{q.must, &f.must}, {q.mustNot, &f.mustNot}} {
		if p.q == nil {
			continue
		}
		*p.s, err = p.q.Searcher(ctx, r, ix.bi.Mapping(), opts)
		if err != nil {
			f.close()
			return nil, fmt.Errorf("bm25: filter: %w", err)
		}
		size += (*p.s).DocumentMatchPoolSize()
	}
	f.sctx = &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(size+2, 0)}
	return f, nil
}

// admit reports whether document d passes; when it does not, next is the
// first document number worth trying (exhausted when none can pass).
func (f *filters) admit(d uint64) (ok bool, next uint64, err error) {
	if f.must != nil {
		if f.mustDone {
			return false, exhausted, nil
		}
		if f.mustCur == nil || f.mustCur.IndexInternalID.Value() < d {
			if f.mustCur != nil {
				f.sctx.DocumentMatchPool.Put(f.mustCur)
			}
			f.buf.SetValue(d)
			f.mustCur, err = f.must.Advance(f.sctx, f.buf)
			if err != nil {
				return false, 0, fmt.Errorf("bm25: filter: %w", err)
			}
			if f.mustCur == nil {
				f.mustDone = true
				return false, exhausted, nil
			}
		}
		if v := f.mustCur.IndexInternalID.Value(); v != d {
			return false, v, nil
		}
	}
	if f.mustNot != nil && !f.notDone {
		if f.notCur == nil || f.notCur.IndexInternalID.Value() < d {
			if f.notCur != nil {
				f.sctx.DocumentMatchPool.Put(f.notCur)
			}
			f.buf.SetValue(d)
			f.notCur, err = f.mustNot.Advance(f.sctx, f.buf)
			if err != nil {
				return false, 0, fmt.Errorf("bm25: exclusion: %w", err)
			}
			f.notDone = f.notCur == nil
		}
		if f.notCur != nil && f.notCur.IndexInternalID.Value() == d {
			return false, d + 1, nil
		}
	}
	return true, 0, nil
}

func (f *filters) close() {
	for _, s := range []search.Searcher{f.must, f.mustNot} {
		if s != nil {
			s.Close()
		}
	}
}

// maxImpactScan is the largest document frequency of a term whose exact
// bound topK works out (a pass over its postings, once per snapshot);
// commoner terms keep w·idf·(k1+1).
const maxImpactScan = 1 << 16

// maxCachedImpacts bounds the terms impactCache knows.
const maxCachedImpacts = 1 << 18

// impactCache keeps, for one snapshot of the index, each term's largest
// length-normalised frequency tf/(tf + k1·(1 − b + b·|d|/avgdl)) over
// the documents containing it: with it, MaxScore bounds a term by
// w·idf·(k1+1)·that instead of w·idf·(k1+1), and a query of dozens of
// weighted terms (a reformulated one) skips far more documents. A
// snapshot never changes, so a bound read from it is exact for it; the
// cache holds the snapshot only to compare it with the next ones (a new
// one empties the cache). The zero value is an empty cache.
type impactCache struct {
	mu     sync.Mutex
	snap   bindex.IndexReader
	avgdl  float64
	k1, b  float64
	byTerm map[string]float64
}

// get returns term's largest tf/(tf+K) in r, from the cache or from a
// pass over its postings: held (its postings in r, decoded) when not nil,
// else bleve's.
func (c *impactCache) get(ctx context.Context, r bindex.IndexReader, term string, avgdl, k1, b float64, held *heldList) (float64, error) {
	c.mu.Lock()
	if c.snap == r && c.avgdl == avgdl && c.k1 == k1 && c.b == b {
		if imp, ok := c.byTerm[term]; ok {
			c.mu.Unlock()
			return imp, nil
		}
	}
	c.mu.Unlock()
	imp, err := readImpact(ctx, r, term, avgdl, k1, b, held)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != r || c.avgdl != avgdl || c.k1 != k1 || c.b != b || len(c.byTerm) >= maxCachedImpacts {
		c.snap, c.avgdl, c.k1, c.b = r, avgdl, k1, b
		c.byTerm = map[string]float64{}
	}
	c.byTerm[term] = imp
	return imp, nil
}

// readImpact is term's largest tf/(tf+K) in r, read from held when not
// nil, else from bleve's postings.
func readImpact(ctx context.Context, r bindex.IndexReader, term string, avgdl, k1, b float64, held *heldList) (float64, error) {
	if held != nil {
		return held.impact(bm25Params{avgdl, k1, b}), nil
	}
	tfr, err := r.TermFieldReader(ctx, []byte(term), fieldText, true, true, false)
	if err != nil {
		return 0, fmt.Errorf("bm25: postings of %q: %w", term, err)
	}
	defer tfr.Close()
	imp := 0.0
	var tfd bindex.TermFieldDoc
	for {
		d, err := tfr.Next(tfd.Reset())
		if err != nil {
			return 0, fmt.Errorf("bm25: postings of %q: %w", term, err)
		}
		if d == nil {
			break
		}
		tf := float64(d.Freq)
		imp = max(imp, tf/bm25Denom(tf, docLen(d.Norm), k1, b, avgdl))
	}
	return imp, nil
}
