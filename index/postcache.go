package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"sync"

	bindex "github.com/blevesearch/bleve_index_api"
)

// heldPosting is one document of a term's postings in the scored field,
// decoded: its number in the snapshot, the term's frequency in it and the
// document's length norm as bleve stores it (a float32, so the value
// scored with is bit for bit bleve's). 12 bytes.
type heldPosting struct {
	doc  uint32
	freq uint32
	norm float32
}

// heldList is a term's postings in one snapshot, in document order, with
// the count bleve's reader gives. A list whose docs is nil and whose big
// is true marks a term with too many postings to hold: its postings are
// read from bleve at each search, and the cache remembers not to try.
type heldList struct {
	count uint64
	docs  []heldPosting
	big   bool
}

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
	limit int // postings at most; 0: nothing is held

	mu     sync.Mutex
	snap   bindex.IndexReader
	byTerm map[string]*heldList
	n      int // postings held
}

// newHeldCache returns a cache of at most limit postings (none when
// limit ≤ 0).
func newHeldCache(limit int) *heldCache {
	return &heldCache{limit: max(limit, 0)}
}

// list returns term's postings in the scored field of r, decoded and held
// (read from r at the first search of the term in r), or nil when they
// are not held: the cache holds nothing, the term has more postings than
// one term may hold, or a document number does not fit (the caller then
// reads bleve's postings). A term absent from r gives an empty list.
func (c *heldCache) list(ctx context.Context, r bindex.IndexReader, term string) (*heldList, error) {
	if c.limit == 0 {
		return nil, nil
	}
	c.mu.Lock()
	if c.snap == r {
		if l, ok := c.byTerm[term]; ok {
			c.mu.Unlock()
			if l.big {
				return nil, nil
			}
			return l, nil
		}
	}
	c.mu.Unlock()
	l, err := decodePostings(ctx, r, term, c.limit/maxHeldShare)
	if err != nil {
		return nil, err
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
		c.snap, c.byTerm, c.n = r, map[string]*heldList{}, 0
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
		doc := binary.BigEndian.Uint64(d.ID)
		if doc > math.MaxUint32 || d.Freq > math.MaxUint32 {
			return &heldList{count: l.count, big: true}, nil
		}
		l.docs = append(l.docs, heldPosting{doc: uint32(doc), freq: uint32(d.Freq), norm: float32(d.Norm)})
	}
}

// impact is the largest tf/(tf + k1·(1 − b + b·|d|/avgdl)) over l's
// documents, as impactCache reads it from bleve.
func (l *heldList) impact(avgdl, k1, b float64) float64 {
	imp := 0.0
	for _, p := range l.docs {
		tf := float64(p.freq)
		imp = max(imp, tf/(tf+k1*(1-b+b*docLen(float64(p.norm))/avgdl)))
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
