package memo

import "sync"

// Versioned keeps values by key for one version of what they were
// computed from (an index's Version: a document's stored fields, its
// vector, its sketch), so that they are computed once per version. A Put
// at a newer version empties it first; one at an older version is not
// kept (a search that read the index before a write must not undo the
// write's emptying); a Put that would take the total weight of the values
// past Max empties it first, and a value weighing more than Max alone is
// not kept. Safe for concurrent use; values are shared and must not be
// modified by their users. The zero value keeps nothing; set Max.
type Versioned[K comparable, V any] struct {
	// Max bounds the total weight of the values kept.
	Max int
	// Weight is a value's weight; nil weighs every value 1.
	Weight func(V) int

	mu      sync.Mutex
	version uint64
	used    int
	m       map[K]V
}

// Get returns the value kept for key at version.
func (c *Versioned[K, V]) Get(version uint64, key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version {
		var zero V
		return zero, false
	}
	v, ok := c.m[key]
	return v, ok
}

// Put keeps v as key's value at version (see Versioned for what it
// forgets first).
func (c *Versioned[K, V]) Put(version uint64, key K, v V) {
	w := c.weight(v)
	if w > c.Max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case version < c.version:
		return
	case version > c.version:
		c.m, c.used, c.version = nil, 0, version
	}
	if old, ok := c.m[key]; ok {
		c.used -= c.weight(old)
		delete(c.m, key)
	}
	if c.m == nil || c.used+w > c.Max {
		c.m, c.used = make(map[K]V), 0
	}
	c.m[key] = v
	c.used += w
}

func (c *Versioned[K, V]) weight(v V) int {
	if c.Weight == nil {
		return 1
	}
	return c.Weight(v)
}

// Len is the number of values kept.
func (c *Versioned[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
