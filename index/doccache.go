package index

import (
	"sync"

	bindex "github.com/blevesearch/bleve_index_api"
)

// maxCachedDocBytes bounds the bodies docCache holds for one snapshot.
const maxCachedDocBytes = 1 << 20

// docCache holds the stored fields and bodies of the documents of the
// latest snapshot of a small index (at most maxDictDocs documents), read
// as snippets need them, up to maxCachedDocBytes of bodies. A peer with a
// few documents makes snippets of the same ones for every query that
// reaches it, and reading a document's stored fields decodes them anew
// each time. A snapshot never changes, so what the cache holds is exact
// for it; a new one empties it. The zero value is an empty cache.
type docCache struct {
	mu    sync.Mutex
	snap  bindex.IndexReader
	small bool // the snapshot has at most maxDictDocs documents
	bytes int
	byID  map[string]cachedDoc
}

type cachedDoc struct {
	meta hitMeta
	body string
}

// load is loadDoc(r, doc, id), from the cache when it holds the document.
func (c *docCache) load(r bindex.IndexReader, doc uint64, id string) (hitMeta, string, error) {
	c.mu.Lock()
	if c.snap != r {
		c.snap, c.byID, c.bytes, c.small = r, nil, 0, false
		if n, err := r.DocCount(); err == nil && n <= maxDictDocs {
			c.small, c.byID = true, map[string]cachedDoc{}
		}
	}
	d, ok := c.byID[id]
	small := c.small
	c.mu.Unlock()
	if ok {
		return d.meta, d.body, nil
	}
	m, body, err := loadDoc(r, doc, id)
	if err != nil || !small || m.url == "" { // "" : not in the snapshot
		return m, body, err
	}
	c.mu.Lock()
	if c.snap == r && c.bytes+len(body) <= maxCachedDocBytes {
		c.byID[id] = cachedDoc{m, body}
		c.bytes += len(body)
	}
	c.mu.Unlock()
	return m, body, nil
}
