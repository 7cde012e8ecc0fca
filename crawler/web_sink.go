package crawler

import (
	"context"
	"fmt"

	"github.com/p2pir/p2pir/index"
)

// index de-duplicates doc by ID and content hash and queues it for the
// sink; page is the URL it was fetched from, for error messages.
func (w *webCrawl) index(doc index.Document, page string) {
	w.mu.Lock()
	if w.ids[doc.ID] {
		w.report.Duplicates++
		w.mu.Unlock()
		return
	}
	if _, dup := w.hashes[doc.Hash]; dup {
		w.report.Duplicates++
		w.mu.Unlock()
		return
	}
	w.ids[doc.ID] = true
	w.hashes[doc.Hash] = doc.ID
	w.mu.Unlock()

	lctx, cancel := context.WithTimeout(w.ctx, webSinkTimeout)
	// Only another page makes this one a duplicate: a local file with the
	// same text does not (site: and source:web must still find the page).
	id, found, err := w.sink.LookupHash(lctx, doc.Hash, index.SourceWeb)
	cancel()
	switch {
	case err != nil && w.ctx.Err() == nil:
		// Index the page anyway: a failed lookup must not lose it.
		w.pageFailed(page, 0, fmt.Errorf("sink lookup of content hash: %w", err))
	case err == nil && found && id != doc.ID:
		w.mu.Lock()
		w.report.Duplicates++
		w.mu.Unlock()
		return
	}

	w.mu.Lock()
	w.pending = append(w.pending, doc)
	var batch []index.Document
	if len(w.pending) >= w.cfg.BatchSize {
		batch, w.pending = w.pending, nil
	}
	w.mu.Unlock()
	w.flush(batch)
}

// takeAll returns the documents waiting for a batch.
func (w *webCrawl) takeAll() []index.Document {
	w.mu.Lock()
	defer w.mu.Unlock()
	batch := w.pending
	w.pending = nil
	return batch
}

// flush hands batch to the sink. The call is not tied to the crawl's
// cancellation (fetched pages are kept) but has webSinkTimeout. A failure
// stops the crawl.
func (w *webCrawl) flush(batch []index.Document) {
	if len(batch) == 0 {
		return
	}
	w.flushMu.Lock()
	defer w.flushMu.Unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(w.ctx), webSinkTimeout)
	defer cancel()
	err := w.sink.Index(ctx, batch)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		if w.sinkErr == nil {
			w.sinkErr = fmt.Errorf("index %d documents: %w", len(batch), err)
		}
		w.cancel()
		return
	}
	w.report.Indexed += len(batch)
}
