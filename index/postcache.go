package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	bindex "github.com/blevesearch/bleve_index_api"
)

// heldPosting is one document of a term's postings in the scored field,
// decoded: its number in the snapshot, the term's frequency in it and the
// document's length as docLen recovers it from bleve's norm (a whole
// number below 2²⁴, so a float32 holds it exactly and the length scored
// with is bit for bit the one read from bleve). 12 bytes.
type heldPosting struct {
	doc  uint32
	freq uint32
	dl   float32
}

// maxHeldLen is the longest document length a heldPosting holds exactly.
const maxHeldLen = 1 << 24

// heldList is a term's postings in one snapshot, in document order, with
// the count bleve's reader gives. A list whose docs is nil and whose big
// is true marks a term with too many postings to hold: its postings are
// read from bleve at each search, and the cache remembers not to try.
type heldList struct {
	count uint64
	docs  []heldPosting
	big   bool
	// bound is the term's largest tf/(tf+K) (impactCache's) for the
	// statistics the list was read with, boundFor; denom[i] is docs[i]'s
	// bm25Denom for them.
	bound    float64
	boundFor bm25Params
	denom    []float64
	// locs are the term's locations in its documents, once snippets
	// asked for them (heldCache.locations); noLocs: they are not to be
	// held (too many).
	locs   atomic.Pointer[heldLocs]
	noLocs atomic.Bool
}

// bm25Params are the parameters a term's bound depends on.
type bm25Params struct{ avgdl, k1, b float64 }

// maxHeldShare is the largest part of the cache one term may take
// (1/maxHeldShare of Config.HeldPostings): a common term of a large
// index is read from bleve, where MaxScore skips most of it anyway.
const maxHeldShare = 8

// heldCache keeps the decoded postings of the scored terms searched in
// the latest snapshot of the index, so that a term searched again (a
// person's expansion terms come back search after search; every node
// that floods or routes to a peer asks it the same few terms) is scored
// from memory: reading zap's compressed postings cost some 50 ns a
// posting, more than the scoring. It holds at most limit postings; a full
// cache is emptied before the next term goes in (terms that keep
// changing then cost what they cost without it, and nothing is kept
// unbounded). A snapshot never changes, so what is held is exact for it;
// a new snapshot (after a write or a merge) empties the cache. The zero
// value holds nothing; see newHeldCache.
type heldCache struct {
	limit int // postings at most, and as many term locations; 0: nothing is held

	mu     sync.Mutex
	snap   bindex.IndexReader
	byTerm map[string]*heldList
	n      int // postings held
	locN   int // locations held (heldList.locs)
}

// newHeldCache returns a cache of at most limit postings (none when
// limit ≤ 0).
func newHeldCache(limit int) *heldCache {
	return &heldCache{limit: max(limit, 0)}
}

// get returns term's postings in the scored field of r when the cache
// has read them: the list, or nil when the term is known to have too many
// to hold (ok is true in both cases); ok is false when they were not
// read yet (see load).
func (c *heldCache) get(r bindex.IndexReader, term string) (l *heldList, ok bool) {
	if c.limit == 0 {
		return nil, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != r {
		return nil, false
	}
	if l, ok = c.byTerm[term]; ok && l.big {
		return nil, true
	}
	return l, ok
}

// load reads term's postings in the scored field of r, decoded, with
// their bound for p, and holds them: the list, or nil when they are not
// to be held (more than a term may hold, or a document number that does
// not fit): the caller then reads bleve's postings. A term absent from r
// gives an empty list.
func (c *heldCache) load(ctx context.Context, r bindex.IndexReader, term string, p bm25Params) (*heldList, error) {
	if c.limit == 0 {
		return nil, nil
	}
	l, err := decodePostings(ctx, r, term, c.limit/maxHeldShare)
	if err != nil {
		return nil, err
	}
	if !l.big { // complete before it is shared: a held list never changes
		l.denom = make([]float64, len(l.docs))
		for i, d := range l.docs {
			l.denom[i] = bm25Denom(float64(d.freq), float64(d.dl), p.k1, p.b, p.avgdl)
		}
		l.bound, l.boundFor = l.impact(p), p
	}
	c.keep(r, term, l)
	if l.big {
		return nil, nil
	}
	return l, nil
}

// keep holds l as term's postings in r, emptying the cache first when r
// is a new snapshot or l does not fit.
func (c *heldCache) keep(r bindex.IndexReader, term string, l *heldList) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != r || c.n+len(l.docs) > c.limit {
		c.snap, c.byTerm, c.n, c.locN = r, map[string]*heldList{}, 0, 0
	}
	if _, ok := c.byTerm[term]; !ok {
		c.byTerm[term] = l
		c.n += len(l.docs)
	}
}

// decodePostings reads term's postings in the scored field of r with
// their frequencies and norms. A term with more than most postings, or
// whose document numbers do not fit in 32 bits, gives a big list.
func decodePostings(ctx context.Context, r bindex.IndexReader, term string, most int) (*heldList, error) {
	tfr, err := r.TermFieldReader(ctx, []byte(term), fieldText, true, true, false)
	if err != nil {
		return nil, fmt.Errorf("postings of %q: %w", term, err)
	}
	defer tfr.Close()
	l := &heldList{count: tfr.Count()}
	if l.count > uint64(most) {
		l.big = true
		return l, nil
	}
	l.docs = make([]heldPosting, 0, l.count)
	var tfd bindex.TermFieldDoc
	for {
		d, err := tfr.Next(tfd.Reset())
		if err != nil {
			return nil, fmt.Errorf("postings of %q: %w", term, err)
		}
		if d == nil {
			return l, nil
		}
		if len(d.ID) != 8 { // not scorch's document number
			return &heldList{count: l.count, big: true}, nil
		}
		doc, dl := binary.BigEndian.Uint64(d.ID), docLen(d.Norm)
		if doc > math.MaxUint32 || d.Freq > math.MaxUint32 || dl > maxHeldLen {
			return &heldList{count: l.count, big: true}, nil
		}
		l.docs = append(l.docs, heldPosting{doc: uint32(doc), freq: uint32(d.Freq), dl: float32(dl)})
	}
}

// impact is the largest tf/(tf + k1·(1 − b + b·|d|/avgdl)) over l's
// documents, as impactCache reads it from bleve.
func (l *heldList) impact(p bm25Params) float64 {
	imp := 0.0
	for _, d := range l.docs {
		tf := float64(d.freq)
		imp = max(imp, tf/bm25Denom(tf, float64(d.dl), p.k1, p.b, p.avgdl))
	}
	return imp
}

// seek returns the index of the first posting of l at or after document
// number doc, searching from i on.
func (l *heldList) seek(i int, doc uint64) int {
	docs := l.docs
	// Gallop from i, then search the last step: a cursor mostly moves a
	// little way.
	step := 1
	lo := i
	for lo+step < len(docs) && uint64(docs[lo+step].doc) < doc {
		lo += step
		step *= 2
	}
	hi := min(lo+step, len(docs))
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if uint64(docs[m].doc) < doc {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// boundOr is the term's largest tf/(tf+K) for p: l's own when l was read
// with p, else impactCache's (from l's postings when l is not nil).
func (l *heldList) boundOr(ctx context.Context, r bindex.IndexReader, c *impactCache, term string, p bm25Params) (float64, error) {
	if l != nil && l.boundFor == p {
		return l.bound, nil
	}
	return c.get(ctx, r, term, p.avgdl, p.k1, p.b, l)
}

// holding reports which of docs (ascending document numbers) hold l's
// term: at[i] is the index of docs[i] among l's postings, -1 when it does
// not hold the term; any reports whether one does.
func (l *heldList) holding(docs []uint64) (at []int, any bool) {
	at = make([]int, len(docs))
	k := 0
	for i, d := range docs {
		if k < len(l.docs) {
			k = l.seek(k, d)
		}
		if k < len(l.docs) && uint64(l.docs[k].doc) == d {
			at[i], any = k, true
		} else {
			at[i] = -1
		}
	}
	return at, any
}
