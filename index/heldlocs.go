package index

import (
	"context"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// heldLocs is where a held term (heldList) occurs in each of its held
// documents, as snippets read it from the term vectors: docs[k]'s
// locations, start and end offsets in "title\nbody" in the order bleve
// stores them, are pairs[2*at[k] : 2*at[k+1]]. Snippets place the same
// few terms (the typed ones and the heaviest expansion terms, which a
// profile brings back search after search) in documents found search
// after search; reading a term's locations from its compressed postings
// walks them from the start of their chunk to each document (for a term
// in fewer than 1,024 documents, from its first posting), which cost a
// search some 2-3 µs a term. Built once for a term's held list, the
// locations of a document are a look-up. Immutable once built.
type heldLocs struct {
	at    []uint32
	pairs []uint32
}

// of returns docs[k]'s locations as a function of their index, and how
// many there are (the arguments of addMatches).
func (h *heldLocs) of(k int) (int, func(int) (uint64, uint64)) {
	p := h.pairs[2*h.at[k] : 2*h.at[k+1]]
	return len(p) / 2, func(m int) (uint64, uint64) { return uint64(p[2*m]), uint64(p[2*m+1]) }
}

// maxLocsPerPosting bounds the locations a held term's locations may
// have for each of its documents on average: a term repeated thousands of
// times in a few huge documents is read from its postings each time.
const maxLocsPerPosting = 8

// locations returns the locations of l's term (whose postings c holds for
// snapshot is) in each of its held documents: built the first time they
// are asked for, then shared; nil when they are not held (more locations
// than a term may hold, offsets past 32 bits, the cache's share of
// locations used up, or is not the snapshot c holds): the caller then
// reads them from the term vectors.
func (c *heldCache) locations(ctx context.Context, is *scorch.IndexSnapshot, term string, l *heldList) (*heldLocs, error) {
	if h := l.locs.Load(); h != nil || l.noLocs.Load() {
		return h, nil
	}
	c.mu.Lock()
	room := c.snap == is && c.locN < c.limit
	c.mu.Unlock()
	if !room {
		return nil, nil
	}
	h, err := readHeldLocs(ctx, is, term, l, c.limit/maxHeldShare)
	if err != nil {
		return nil, err
	}
	if h == nil {
		l.noLocs.Store(true)
		return nil, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != is || c.locN+len(h.pairs)/2 > c.limit {
		return nil, nil // emptied meanwhile, or full: not kept
	}
	if l.locs.CompareAndSwap(nil, h) { // another search may have built them too
		c.locN += len(h.pairs) / 2
	}
	return l.locs.Load(), nil
}

// readHeldLocs reads the locations of term in every document of l (its
// held postings in snapshot is), segment by segment; nil when there are
// more than most, or more than maxLocsPerPosting a document on average,
// when an offset does not fit in 32 bits, or when the postings are not
// l's (they always are: l was read from is).
func readHeldLocs(ctx context.Context, is *scorch.IndexSnapshot, term string, l *heldList, most int) (*heldLocs, error) {
	most = min(most, maxLocsPerPosting*len(l.docs))
	h := &heldLocs{at: make([]uint32, 0, len(l.docs)+1)}
	k := 0 // the next of l's documents
	var base uint64
	for _, ss := range is.Segments() {
		if k == len(l.docs) {
			break
		}
		seg := ss.Segment()
		n := seg.Count()
		if uint64(l.docs[k].doc) >= base+n {
			base += n
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("term locations of %q: %w", term, err)
		}
		dict, err := seg.Dictionary(fieldText)
		if err != nil {
			return nil, fmt.Errorf("term locations of %q: %w", term, err)
		}
		pl, err := dict.PostingsList([]byte(term), nil, nil)
		if err != nil {
			return nil, fmt.Errorf("term locations of %q: %w", term, err)
		}
		it := pl.Iterator(false, false, true, nil)
		for k < len(l.docs) && uint64(l.docs[k].doc) < base+n {
			p, err := it.Next()
			if err != nil {
				return nil, fmt.Errorf("term locations of %q: %w", term, err)
			}
			if p == nil {
				return nil, nil // fewer postings than held: not l's
			}
			doc := base + p.Number()
			switch want := uint64(l.docs[k].doc); {
			case doc < want:
				continue // a deleted document, which l does not hold
			case doc > want:
				return nil, nil // a held document without the term: not l's
			}
			h.at = append(h.at, uint32(len(h.pairs)/2))
			for _, loc := range p.Locations() {
				if loc.End() > math.MaxUint32 {
					return nil, nil
				}
				h.pairs = append(h.pairs, uint32(loc.Start()), uint32(loc.End()))
			}
			if len(h.pairs)/2 > most {
				return nil, nil
			}
			k++
		}
		base += n
	}
	if k != len(l.docs) {
		return nil, nil
	}
	h.at = append(h.at, uint32(len(h.pairs)/2))
	return h, nil
}
