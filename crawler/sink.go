// Package crawler fills the index: a files crawler for desktop search
// (folders of text, Markdown, HTML and PDF, re-indexed incrementally) and a
// web crawler built on colly (robots.txt, politeness, budgets, canonical
// URLs, content de-duplication).
package crawler

import (
	"context"

	"github.com/p2pir/p2pir/index"
)

// Sink is where crawled documents go. *index.Index implements it; tests
// may use an in-memory one.
type Sink interface {
	// Index adds or replaces documents (by ID) in one batch.
	Index(ctx context.Context, docs []index.Document) error
	// Delete removes documents by ID; unknown IDs are ignored.
	Delete(ctx context.Context, ids ...string) error
	// MetaByPrefix lists the metadata of every document whose URL starts
	// with prefix (e.g. "file:///home/me/notes/"), for incremental crawls.
	MetaByPrefix(ctx context.Context, prefix string) ([]index.Meta, error)
	// LookupHash reports the ID of an indexed document with this content
	// hash and, unless source is "", this Source (index.SourceWeb,
	// index.SourceFile), if any: content de-duplication across URLs.
	LookupHash(ctx context.Context, hash, source string) (id string, ok bool, err error)
}

// Progress is called as a crawl goes on: done items out of total (total is
// -1 while unknown) and the item being handled. It must be cheap.
type Progress func(done, total int, current string)
