package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"sort"

	bindex "github.com/blevesearch/bleve_index_api"
)

// maxCachedPostings bounds the postings dictCache holds for one snapshot
// (24 bytes each): a small index's few documents have a few thousand in
// all, and a term read when the bound is reached is read from bleve.
const maxCachedPostings = 1 << 14

// posting is one document of a term's postings in the scored field: its
// internal number, the term's frequency in it and the document's norm.
type posting struct {
	doc  uint64
	freq uint64
	norm float64
}

// termPostings are a term's postings in one snapshot, in document order,
// with the count bleve's reader gives (Count).
type termPostings struct {
	count uint64
	docs  []posting
}

// heldPostings returns a reader of term's postings in the scored field of
// r, with frequencies and norms and no term vectors (what scoring reads),
// when r is the latest snapshot of a small index (see dictCache): the
// postings are read once per snapshot and term and then served from
// memory, as every node that floods or routes a query to a peer has it
// open the same few terms' postings again, and opening them in bleve cost
// more than the scoring. ok is false for any other index or snapshot, or
// when the bound is reached: the caller reads bleve's postings.
func (ix *Index) heldPostings(ctx context.Context, r bindex.IndexReader, term string) (_ bindex.TermFieldReader, ok bool, err error) {
	if p, ok := ix.dict.postings(r, term); ok {
		return &postingsReader{p: p}, true, nil
	}
	if !ix.dict.holds(r) {
		return nil, false, nil
	}
	tfr, err := r.TermFieldReader(ctx, []byte(term), fieldText, true, true, false)
	if err != nil {
		return nil, false, fmt.Errorf("postings of %q: %w", term, err)
	}
	defer tfr.Close()
	p := &termPostings{count: tfr.Count()}
	var tfd bindex.TermFieldDoc
	for {
		d, err := tfr.Next(tfd.Reset())
		if err != nil {
			return nil, false, fmt.Errorf("postings of %q: %w", term, err)
		}
		if d == nil {
			break
		}
		if len(d.ID) != 8 { // not scorch's document number: not held
			return nil, false, nil
		}
		p.docs = append(p.docs, posting{doc: binary.BigEndian.Uint64(d.ID), freq: d.Freq, norm: d.Norm})
	}
	if !ix.dict.keepPostings(r, term, p) {
		return nil, false, nil
	}
	return &postingsReader{p: p}, true, nil
}

// postingsReader reads held postings as bleve's TermFieldReader would:
// Next in document order, Advance to a document or the next after it.
type postingsReader struct {
	p *termPostings
	i int // the next posting Next returns
}

// Next returns the next posting, or nil at the end.
func (pr *postingsReader) Next(pre *bindex.TermFieldDoc) (*bindex.TermFieldDoc, error) {
	if pr.i >= len(pr.p.docs) {
		return nil, nil
	}
	pr.i++
	return pr.fill(pre, pr.p.docs[pr.i-1]), nil
}

// Advance returns the posting of document id or of the first document
// after it, or nil when there is none; Next goes on after it.
func (pr *postingsReader) Advance(id bindex.IndexInternalID, pre *bindex.TermFieldDoc) (*bindex.TermFieldDoc, error) {
	if len(id) != 8 {
		return nil, fmt.Errorf("postings: document ID of %d bytes, want 8", len(id))
	}
	want := binary.BigEndian.Uint64(id)
	docs := pr.p.docs
	pr.i = sort.Search(len(docs), func(i int) bool { return docs[i].doc >= want })
	return pr.Next(pre)
}

// fill writes p into pre (or a new TermFieldDoc) as bleve's reader would,
// reusing pre's ID buffer.
func (pr *postingsReader) fill(pre *bindex.TermFieldDoc, p posting) *bindex.TermFieldDoc {
	if pre == nil {
		pre = &bindex.TermFieldDoc{}
	}
	if cap(pre.ID) >= 8 {
		pre.ID = pre.ID[:8]
	} else {
		pre.ID = make(bindex.IndexInternalID, 8)
	}
	binary.BigEndian.PutUint64(pre.ID, p.doc)
	pre.Freq, pre.Norm, pre.Vectors = p.freq, p.norm, pre.Vectors[:0]
	return pre
}

// Count is the count bleve's reader gave.
func (pr *postingsReader) Count() uint64 { return pr.p.count }

// Close does nothing: the postings stay held.
func (pr *postingsReader) Close() error { return nil }

// Size is the reader's own size; the postings are the cache's.
func (pr *postingsReader) Size() int { return 16 }

// postings returns term's held postings in snapshot r, if held.
func (c *dictCache) postings(r bindex.IndexReader, term string) (*termPostings, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != r || c.terms == nil {
		return nil, false
	}
	p, ok := c.posts[term]
	return p, ok
}

// holds reports whether the cache holds snapshot r's dictionary (r is the
// latest snapshot of a small index), so its postings may be held too.
func (c *dictCache) holds(r bindex.IndexReader) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.snap == r && c.terms != nil && c.nposts < maxCachedPostings
}

// keepPostings holds term's postings of snapshot r while r is the held
// snapshot and the bound allows, and reports whether it holds them.
func (c *dictCache) keepPostings(r bindex.IndexReader, term string, p *termPostings) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != r || c.terms == nil || c.nposts+len(p.docs) > maxCachedPostings {
		return false
	}
	if c.posts == nil {
		c.posts = map[string]*termPostings{}
	}
	if _, ok := c.posts[term]; !ok {
		c.posts[term] = p
		c.nposts += len(p.docs)
	}
	return true
}
