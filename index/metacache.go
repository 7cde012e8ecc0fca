package index

import (
	"sync"
	"time"
)

// maxCachedMeta bounds the documents metaCache describes (a few hundred
// bytes each).
const maxCachedMeta = 1 << 16

// hitMeta is what a hit shows of a document besides its snippet: its
// small stored fields.
type hitMeta struct {
	url, title, source, lang string
	modified                 time.Time
}

// metaCache keeps the small stored fields of documents that were hits
// without a snippet (SearchOptions.NoSnippets), for one version of the
// index (Index.Version): a document's stored fields are read as one block
// with its body, so for a 30 KiB file the URL and title cost as much as
// the whole text, and the client agent asks for the same candidates search
// after search. A new version empties it, so it never describes a
// document as it no longer is. The zero value is an empty cache.
type metaCache struct {
	mu      sync.Mutex
	version uint64
	byID    map[string]hitMeta
}

// get returns id's fields read at this version of the index.
func (c *metaCache) get(version uint64, id string) (hitMeta, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version {
		return hitMeta{}, false
	}
	m, ok := c.byID[id]
	return m, ok
}

// put keeps m as id's fields at this version of the index, forgetting
// those of older versions; when full, it starts again empty.
func (c *metaCache) put(version uint64, id string, m hitMeta) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case version < c.version:
		return
	case version > c.version || c.byID == nil || len(c.byID) >= maxCachedMeta:
		c.byID = map[string]hitMeta{}
		c.version = version
	}
	c.byID[id] = m
}
