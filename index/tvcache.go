package index

import (
	"container/list"
	"maps"
	"sync"
)

// tvCache keeps the term vectors TermVector computed, so that a document
// that is a candidate of search after search is analysed once, not every
// time (re-ranking reads the vector of every candidate). It holds at most
// maxTerms term entries in all, dropping the least recently used vectors
// first. Writes evict the documents they touch; a vector read while a
// write was under way is not kept, so the cache never serves text the
// index no longer has.
type tvCache struct {
	maxTerms int

	mu    sync.Mutex
	gen   uint64 // bumped by every eviction
	terms int    // term entries held
	lru   *list.List
	byID  map[string]*list.Element
}

type tvEntry struct {
	id string
	tf map[string]int
}

func newTVCache(maxTerms int) *tvCache {
	return &tvCache{maxTerms: maxTerms, lru: list.New(), byID: map[string]*list.Element{}}
}

// get returns a copy of the cached vector of id, and the generation to
// hand to put when there is none.
func (c *tvCache) get(id string) (map[string]int, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byID[id]; ok {
		c.lru.MoveToFront(e)
		return maps.Clone(e.Value.(*tvEntry).tf), c.gen, true
	}
	return nil, c.gen, false
}

// put keeps a copy of tf as id's vector, unless an eviction happened since
// gen was read (the vector may predate a write) or tf alone exceeds the
// bound.
func (c *tvCache) put(id string, tf map[string]int, gen uint64) {
	if len(tf) > c.maxTerms {
		return
	}
	tf = maps.Clone(tf)
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if e, ok := c.byID[id]; ok {
		c.remove(e)
	}
	c.byID[id] = c.lru.PushFront(&tvEntry{id: id, tf: tf})
	c.terms += len(tf)
	for c.terms > c.maxTerms {
		c.remove(c.lru.Back())
	}
}

// evict forgets the vectors of ids; indexing and deleting call it once
// their batch is written.
func (c *tvCache) evict(ids ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, id := range ids {
		if e, ok := c.byID[id]; ok {
			c.remove(e)
		}
	}
}

func (c *tvCache) remove(e *list.Element) {
	ent := c.lru.Remove(e).(*tvEntry)
	delete(c.byID, ent.id)
	c.terms -= len(ent.tf)
}

// generation returns the number of evictions so far.
func (c *tvCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}
