package index

import "sync"

// maxCachedDocFreqs bounds the terms dfCache knows (some 50 bytes each).
const maxCachedDocFreqs = 1 << 18

// dfCache keeps terms' document frequencies (DocFreq) for one version of
// the index (Index.Version): every search with the user model asks for
// those of its expansion candidates and its candidates' terms, mostly the
// same few thousand terms of a person's interests, and each costs a
// postings lookup in every segment. A new version empties it, so it never
// gives a count the index no longer has. The zero value is an empty cache.
type dfCache struct {
	mu      sync.Mutex
	version uint64
	byTerm  map[string]uint64
}

// lookup fills out with the cached frequencies of terms at this version
// and returns the terms it does not know (terms itself when it knows all
// or none, so the common cases allocate nothing).
func (c *dfCache) lookup(version uint64, terms []string, out map[string]uint64) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version || len(c.byTerm) == 0 {
		return terms
	}
	var missing []string
	for i, t := range terms {
		df, ok := c.byTerm[t]
		if !ok {
			if missing == nil {
				missing = make([]string, 0, len(terms)-i)
			}
			missing = append(missing, t)
			continue
		}
		out[t] = df
	}
	return missing
}

// put keeps the frequencies of terms (as found in dfs) at this version of
// the index, forgetting those of older versions; when full, it starts
// again empty.
func (c *dfCache) put(version uint64, terms []string, dfs map[string]uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case version < c.version:
		return
	case version > c.version || c.byTerm == nil || len(c.byTerm)+len(terms) > maxCachedDocFreqs:
		c.byTerm = make(map[string]uint64, len(terms))
		c.version = version
	}
	for _, t := range terms {
		c.byTerm[t] = dfs[t]
	}
}
