package index

import (
	"fmt"
	"sync"

	bindex "github.com/blevesearch/bleve_index_api"
)

// Bounds of dictCache: the terms of the scored field are held only for a
// snapshot of at most maxDictDocs documents with at most maxDictTerms
// terms (some 60 bytes each).
const (
	maxDictDocs  = 256
	maxDictTerms = 1 << 14
)

// dictCache holds the terms of the scored field of the latest snapshot of
// a small index. A long query against a small index (a peer's few
// documents, asked by every node that floods or routes to it) has most of
// its terms missing from the index, and opening the postings of each, only
// to find them empty, was most of such a search. A snapshot never changes,
// so the set is exact for it; a new snapshot (after a write or a merge)
// is read again at its first search. Larger indexes are not held: their
// query terms are mostly present, and their dictionaries large. The zero
// value is an empty cache.
type dictCache struct {
	mu    sync.Mutex
	snap  bindex.IndexReader
	terms map[string]struct{} // nil: the snapshot is too large to hold
}

// lookup reports whether term is in the scored field of snapshot r; known
// is false when the cache cannot tell (a large index), and the postings
// must be read.
func (c *dictCache) lookup(r bindex.IndexReader, term string) (present, known bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != r {
		c.snap, c.terms = r, nil
		if c.terms, err = smallDict(r); err != nil {
			c.snap = nil
			return false, false, err
		}
	}
	if c.terms == nil {
		return false, false, nil
	}
	_, present = c.terms[term]
	return present, true, nil
}

// smallDict returns the terms of the scored field of r, or nil when r has
// more than maxDictDocs documents or maxDictTerms terms.
func smallDict(r bindex.IndexReader) (map[string]struct{}, error) {
	n, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("term dictionary: %w", err)
	}
	if n > maxDictDocs {
		return nil, nil
	}
	d, err := r.FieldDict(fieldText)
	if err != nil {
		return nil, fmt.Errorf("term dictionary: %w", err)
	}
	defer d.Close()
	terms := make(map[string]struct{})
	for {
		e, err := d.Next()
		if err != nil {
			return nil, fmt.Errorf("term dictionary: %w", err)
		}
		if e == nil {
			return terms, nil
		}
		if len(terms) == maxDictTerms {
			return nil, nil
		}
		terms[e.Term] = struct{}{}
	}
}

// absent reports whether term is known to be in no live document of r's
// scored field, so that its postings need not be opened.
func (ix *Index) absent(r bindex.IndexReader, term string) (bool, error) {
	present, known, err := ix.dict.lookup(r, term)
	return known && !present, err
}
