// Package memo keeps the results of pure computations so they are made
// once. Cache keeps decodings by the exact bytes they were decoded from,
// so that the same bytes arriving again (a peer's fingerprint, collection
// summary or metadata, sent by gossip again and again) are decoded once;
// one Cache may be shared by every node of a process: in a simulation of
// 1,000 nodes each decoding of a peer's data then happens once, not once
// per node, and the nodes hold one copy of the result instead of a
// thousand. Versioned keeps values by key for one version of their
// source (an index's). Results must never be modified by their users.
package memo

import (
	"sync"
)

// Cache maps byte strings to the values decoded from them. It holds at
// most Max entries; a full cache is emptied before the next entry goes in
// (decodings whose inputs keep changing then cost what they cost without
// a cache, and nothing is kept unbounded). Safe for concurrent use; the
// zero value is not usable, see New.
type Cache[V any] struct {
	max int

	mu sync.Mutex
	m  map[string]V
}

// New returns an empty cache of at most limit entries (at least 1).
func New[V any](limit int) *Cache[V] {
	return &Cache[V]{max: max(limit, 1), m: make(map[string]V)}
}

// Get returns the value kept for key, or decode()'s result, which it
// keeps (when keep reports true for it, or keep is nil). decode must be a
// pure function of key: concurrent callers with the same key may both
// run it, and either result may be kept. key is not retained (a copy is).
func (c *Cache[V]) Get(key []byte, decode func() V, keep func(V) bool) V {
	c.mu.Lock()
	v, ok := c.m[string(key)] // no allocation for the lookup
	c.mu.Unlock()
	if ok {
		return v
	}
	v = decode()
	if keep != nil && !keep(v) {
		return v
	}
	c.mu.Lock()
	if len(c.m) >= c.max {
		c.m = make(map[string]V)
	}
	c.m[string(key)] = v
	c.mu.Unlock()
	return v
}

// Len is the number of entries kept.
func (c *Cache[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
