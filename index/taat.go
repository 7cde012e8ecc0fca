package index

import (
	"context"
	"fmt"
	"math"
	"slices"

	bindex "github.com/blevesearch/bleve_index_api"
)

// heapShare is how many times need the matches must be for topKHeld to
// select the need-th best score with a heap rather than a quickselect.
const heapShare = 8

// maxAccumulated is the most document numbers a term-at-a-time search
// keeps a score for (8 bytes each, in a scratch array kept from search to
// search): larger snapshots are searched document at a time.
const maxAccumulated = 1 << 22

// accumulator is the scratch space of a term-at-a-time search: a score
// per document number, the documents touched (in the order first
// touched) and a bit per document marking them. Between searches every
// score is zero and every bit clear.
type accumulator struct {
	score   []float64
	seen    []uint64
	touched []uint32
	all     []scored  // the best matches with their scores
	heap    []float64 // the largest scores so far, for selection (keepLargest)
	denom   []float64 // a list's denominators for other statistics (denominators)
}

// grow makes room for document numbers below n, and for all of them in
// touched with one more slot (topKHeld writes each posting's document
// there before it knows whether it is new).
func (a *accumulator) grow(n int) {
	if len(a.score) < n {
		a.score = make([]float64, n)
		a.seen = make([]uint64, (n+63)/64)
	}
	if cap(a.touched) < n+1 {
		a.touched = make([]uint32, 0, n+1)
	}
}

// topKHeld is topK for a query without filters whose every term's
// postings are held decoded (heldCache): term at a time, each term's
// contribution added to a score per document in lists' order (the order
// termOrderSum sums in), then the best need kept as topK keeps them. The
// hits, their scores (to the bit) and their order are those of the
// document-at-a-time evaluation; Total counts every matching document,
// exactly. A query of dozens of comparably weighted terms (a reformulated
// one), where MaxScore can skip little, costs one tight pass over its
// postings: no cursor to move, no candidate to find.
func (ix *Index) topKHeld(ctx context.Context, r bindex.IndexReader, q *bm25Query, lists []*termList, need int, p bm25Params) (res topKResult, err error) {
	n := 0
	for _, l := range lists {
		if d := l.c.held.docs; len(d) > 0 {
			n = max(n, int(d[len(d)-1].doc)+1)
		}
	}
	a, _ := ix.accumulators.Get().(*accumulator)
	if a == nil {
		a = &accumulator{}
	}
	defer ix.accumulators.Put(a)
	a.grow(n)
	score, seen := a.score, a.seen
	// touched has room for every document below n and one more: each
	// posting writes its document at the end and moves the end only when
	// the document is new, so whether it is new (nearly a coin toss over
	// the first lists) is never a branch to mispredict.
	touched := a.touched[:n+1]
	nt := 0
	// Dense (at least twice as many postings as documents below n: a
	// reformulated query's dozens of terms, a long pasted one): the
	// scores are summed alone, and the matches found by one pass over
	// them after, instead of each posting marking its document; the
	// scores are then cleared at once. Every part of a score is positive
	// (a weight is, checked here, and so is every idf), so a match is a
	// score above 0. With fewer postings the pass over every score costs
	// more than the marks it saves.
	dense, postings := true, 0
	for _, l := range lists {
		postings += len(l.c.held.docs)
		dense = dense && l.c.weight > 0
	}
	dense = dense && postings >= 2*n
	for _, l := range lists {
		if err := ctx.Err(); err != nil {
			if dense {
				clear(score[:n])
			} else {
				a.clear(touched[:nt])
			}
			return res, fmt.Errorf("bm25: %w", err)
		}
		w, held := l.c.weight, l.c.held
		// The denominators worked out when the list was read, or for
		// other statistics (a query's pooled ones): each part is then
		// w·tf/denominator, bm25Part's bits.
		denom := held.denom[:len(held.docs)]
		if held.boundFor != p {
			denom = a.denominators(held, p)
		}
		if dense {
			for i, h := range held.docs {
				score[h.doc] += w * float64(h.freq) / denom[i]
			}
			continue
		}
		for i, h := range held.docs {
			d := h.doc
			bits := seen[d>>6]
			seen[d>>6] = bits | 1<<(d&63)
			touched[nt] = d
			nt += int(^bits >> (d & 63) & 1)
			score[d] += w * float64(h.freq) / denom[i]
		}
	}
	if dense {
		for d, s := range score[:n] {
			// Written whatever s, kept when s > 0: no branch to
			// mispredict on the many documents, matched or not.
			touched[nt] = uint32(d)
			nt += b2i(s > 0)
		}
	}
	touched = touched[:nt]
	// The need-th best score θ, from the scores alone; then the matches
	// scoring at least θ (the need best and every one tied with the
	// need-th) are what topBuffer keeps, best first.
	// A heap of the need largest when need is a small part of the matches
	// (most scores then fall below its least: one comparison each); when
	// it is not (top 1000), every match goes to topBuffer's one
	// quickselect.
	theta := math.Inf(-1)
	switch {
	case len(touched) <= need:
	case need*heapShare <= len(touched):
		h := a.heap[:0]
		for _, d := range touched {
			if s := score[d]; len(h) < need || s > h[0] { // most are not
				h = keepLargest(h, need, s)
			}
		}
		a.heap, theta = h, h[0]
	}
	all := a.all[:0]
	for _, d := range touched {
		if s := score[d]; s >= theta {
			all = append(all, scored{uint64(d), s})
		}
	}
	a.all = all
	if dense {
		clear(score[:n])
		a.touched = touched[:0]
	} else {
		a.clear(touched)
	}
	res.scored = uint64(len(touched))
	top := &topBuffer{need: need, buf: all, limit: math.MaxInt, theta: math.Inf(-1)}
	best, err := orderTies(r, &ix.ids, top.best(), need)
	if err != nil {
		return res, err
	}
	res.hits = slices.Clone(best) // best is the accumulator's, used again
	return res, nil
}

// denominators returns bm25Denom of each of l's postings under p, in
// room kept from search to search, for a list held with other
// statistics than p.
func (a *accumulator) denominators(l *heldList, p bm25Params) []float64 {
	a.denom = slices.Grow(a.denom[:0], len(l.docs))[:len(l.docs)]
	for i, h := range l.docs {
		a.denom[i] = bm25Denom(float64(h.freq), float64(h.dl), p.k1, p.b, p.avgdl)
	}
	return a.denom
}

// clear zeroes the scores and bits of touched and keeps its room.
func (a *accumulator) clear(touched []uint32) {
	for _, d := range touched {
		a.score[d] = 0
		a.seen[d>>6] &^= 1 << (d & 63)
	}
	a.touched = touched[:0]
}

// allHeld reports whether every list's postings are held decoded, within
// what an accumulator may cover.
func allHeld(lists []*termList) bool {
	for _, l := range lists {
		d := l.c.held
		if d == nil || (len(d.docs) > 0 && d.docs[len(d.docs)-1].doc >= maxAccumulated) {
			return false
		}
	}
	return true
}

// bm25Part is one term's part of a document's score: w·tf/(tf + k1·(1 −
// b + b·dl/avgdl)), w being the term's weight·idf·(k1+1). Every
// evaluation computes it here or as w·tf/bm25Denom (held postings keep
// their denominators), so the same posting gives the same bits.
func bm25Part(w, tf, dl, k1, b, avgdl float64) float64 {
	return w * tf / bm25Denom(tf, dl, k1, b, avgdl)
}

// bm25Denom is tf + k1·(1 − b + b·dl/avgdl), each operation rounded on
// its own (the conversions forbid fusing them), so that it has the same
// bits wherever it is computed.
func bm25Denom(tf, dl, k1, b, avgdl float64) float64 {
	return tf + float64(k1*float64(1-b+float64(float64(b*dl)/avgdl)))
}

// keepLargest adds x to h, a min-heap of the n largest values seen so
// far (h[0] the least of them, the n-th largest once n were seen), and
// returns it: most values of a long list are below h[0] and cost one
// comparison.
func keepLargest(h []float64, n int, x float64) []float64 {
	if len(h) < n {
		h = append(h, x)
		for i := len(h) - 1; i > 0; { // up
			p := (i - 1) / 2
			if h[p] <= h[i] {
				break
			}
			h[p], h[i] = h[i], h[p]
			i = p
		}
		return h
	}
	if x <= h[0] {
		return h
	}
	h[0] = x
	for i := 0; ; { // down
		l, m := 2*i+1, i
		if l < len(h) && h[l] < h[m] {
			m = l
		}
		if r := l + 1; r < len(h) && h[r] < h[m] {
			m = r
		}
		if m == i {
			return h
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// b2i is 1 for true, 0 for false (compiled without a branch).
func b2i(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}
