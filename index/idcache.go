package index

import (
	"fmt"
	"sync"

	bindex "github.com/blevesearch/bleve_index_api"
)

// maxCachedIDs bounds the document numbers idCache maps (some 50 bytes
// each with an ID of 20 bytes).
const maxCachedIDs = 1 << 17

// idCache maps the document numbers of one snapshot of the index to the
// documents' IDs. Resolving a number reads the document's stored-field
// header from its segment and copies the ID out, which at evaluation depth
// (1000 hits) was an eighth of a search; the same documents come back
// search after search. A snapshot never changes, so what the cache maps
// is exact for it; the cache holds the snapshot only to compare it with
// the next ones (a new one, after a write or a merge renumbered documents,
// empties it). The zero value is an empty cache.
type idCache struct {
	// limit bounds the entries; 0 means maxCachedIDs.
	limit int
	mu    sync.Mutex
	snap  bindex.IndexReader
	byNum map[uint64]idEntry
}

// idEntry is what idCache keeps of a document: its ID and, once a search
// read them, its small stored fields (see metas).
type idEntry struct {
	id   string
	meta *hitMeta
}

// resolve sets ids[i] to the ID of document docs[i].doc in r, from the
// cache where it can, and caches the others while it holds fewer than its
// limit. The lock is not held while documents are read.
func (c *idCache) resolve(r bindex.IndexReader, docs []scored, ids []string) error {
	return c.resolveMetas(r, docs, ids, nil)
}

// resolveMetas is resolve, also setting metas[i] (when metas is not nil)
// to the small stored fields kept for docs[i] in r, nil when they are not
// kept, from the same look-up of each document. The fields are shared: a
// kept hitMeta is never modified (keepMeta keeps a new one).
func (c *idCache) resolveMetas(r bindex.IndexReader, docs []scored, ids []string, metas []*hitMeta) error {
	var missing []int
	c.mu.Lock()
	same := c.snap == r
	for i, d := range docs {
		var e idEntry
		ok := false
		if same {
			e, ok = c.byNum[d.doc]
		}
		if ok {
			ids[i] = e.id
			if metas != nil {
				metas[i] = e.meta
			}
		} else {
			missing = append(missing, i)
		}
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return nil
	}
	buf := make(bindex.IndexInternalID, 8)
	for _, i := range missing {
		buf.SetValue(docs[i].doc)
		id, err := r.ExternalID(buf)
		if err != nil {
			return fmt.Errorf("resolve hit: %w", err)
		}
		ids[i] = id
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != r || c.byNum == nil {
		c.snap = r
		c.byNum = make(map[uint64]idEntry, len(missing))
	}
	// Full, it keeps what it has until the next snapshot rather than
	// start again (a large index searched at random would otherwise build
	// a new map each search).
	limit := c.limit
	if limit == 0 {
		limit = maxCachedIDs
	}
	for _, i := range missing {
		if len(c.byNum) >= limit {
			break
		}
		c.byNum[docs[i].doc] = idEntry{id: ids[i]}
	}
	return nil
}

// keepMeta keeps m as the small stored fields of document doc of r, when
// r is the snapshot the cache holds and it keeps doc's ID: a document's
// stored fields are read as one block with its body, so for a 30 KiB file
// its URL and title cost as much as the whole text, and the client agent
// asks for the same candidates search after search without snippets.
func (c *idCache) keepMeta(r bindex.IndexReader, doc uint64, m hitMeta) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byNum[doc]; ok && c.snap == r {
		e.meta = &m
		c.byNum[doc] = e
	}
}
