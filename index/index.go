// Package index is p2pir's local full-text index: a bleve v2 (scorch) index
// on disk with an English analyser and a correct BM25 ranking.
//
// bleve's own "bm25" scoring model is not used for ranking: in bleve v2.6 it
// takes the average document length to be the number of distinct terms in
// the field divided by the number of documents (rounded up), scores the
// square root of the term frequency, multiplies every term by a query norm
// (which squares the idf) and, through the disjunction searcher, by a
// coordination factor. Each of these departs from Robertson's BM25 and
// together they cost 10-20% MAP on the classic test collections. The
// BM25Query type in this package is a bleve query whose searcher computes
// textbook BM25 from bleve's postings (raw term frequency, exact document
// lengths, the true average length, weighted query terms, no coordination
// factor). See bm25.go and docs/BENCHMARKS.md.
package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Errors callers can test for with errors.Is.
var (
	// ErrTooLarge means a document or query exceeds the configured cap.
	ErrTooLarge = errors.New("too large")
	// ErrBadDocument means a document is missing its ID or is otherwise unusable.
	ErrBadDocument = errors.New("bad document")
	// ErrBadQuery means a query could not be understood; the message says why.
	ErrBadQuery = errors.New("bad query")
	// ErrClosed means the index was used after Close.
	ErrClosed = errors.New("index closed")
	// ErrLocked means another process (another p2pir indexing, crawling,
	// searching or running a node) held the index for longer than Open
	// waits.
	ErrLocked = errors.New("another p2pir is using this index")
	// ErrOldIndex means the index on disk was built by an older p2pir in a
	// format this version cannot use; the message says how to rebuild it.
	ErrOldIndex = errors.New("index built by an older version of p2pir")
)

// schemaVersion is stored in the index; Open refuses an index written with
// another schema instead of silently mis-reading it. Version 2 added a
// phrase field: a version 1 index cannot match phrases word for word, and
// updating it in place would leave old documents without the field, so it
// must be built again (ErrOldIndex). Version 3 keeps the total length
// as a base plus one sum per write lane (see writeLane): a version 2
// index is upgraded in place when opened (its total becomes the base),
// and a p2pir that reads version 2 only refuses a version 3 index instead
// of reading its total as the base alone. Version 4 writes no phrase
// field (see phraseQuery): versions 2 and 3 are upgraded in place (their
// documents' phrase field is left unread, their scored field has what
// phrases need), and a p2pir that reads version 3 refuses a version 4
// index instead of finding no phrase in its new documents.
const schemaVersion = 4

// oldestUpgradable is the oldest schema Open upgrades in place: it and
// every later one before schemaVersion.
const oldestUpgradable = 2

var (
	keySchema = []byte("p2pir:schema")
	// keyStats holds the total length (stats) written by p2pir before
	// writes went through lanes; no write changes it any more.
	keyStats = []byte("p2pir:stats")
	// keyLanes holds, for each write lane, the sum of the length changes
	// of every batch written through it (a decimal integer, possibly
	// negative). See writeLane.
	keyLanes = [writeLanes][]byte{[]byte("p2pir:stats:lane:0"), []byte("p2pir:stats:lane:1")}
)

// stats are the collection statistics BM25 needs beyond what bleve keeps.
type stats struct {
	// TotalLen is the sum over live documents of their token count in fieldText.
	TotalLen int64 `json:"total_len"`
}

// writeLanes is how many batches are written at once. bleve builds a
// batch's segment on the goroutine that calls Batch and serialises only
// its introduction, so two batches written at once build their segments
// on two cores.
const writeLanes = 2

// writeLane is one of the writeLanes ways a batch goes to bleve; a lane
// writes one batch at a time.
//
// The collection's total length is order-independent: each lane keeps,
// under its own key (keyLanes), the running sum of the length changes of
// the batches written through it, and sets the new sum in the same bleve
// batch as the documents. Batches of two lanes may be introduced in either
// order; each writes only its own key, and a lane's batches are introduced
// in its own order, so any snapshot of the index (the one a search reads,
// or the one on disk after a crash) holds, for each lane, the sum over
// exactly the lane's batches in that snapshot: the total is keyStats (the
// base an older p2pir wrote) plus the lanes' sums. A length change is
// right only if the documents it replaces or deletes are not being
// changed by a batch still in flight: a batch reserves its IDs (see
// Index.reserve) and waits for any batch in flight that holds one of them.
type writeLane struct {
	busy bool
	// sum is the value of the lane's key after its latest batch.
	sum int64
	// last is the latest batch written through the lane: once it is on
	// disk, so is every batch introduced before it. Close waits for it.
	last *persistence
}

// Index is a bleve index plus the statistics and analyser p2pir needs. It is
// safe for concurrent use; up to writeLanes batches are written at once,
// and two batches holding the same document ID never are.
type Index struct {
	cfg      Config
	path     string
	bi       bleve.Index
	analyzer analysis.Analyzer
	// phraseAnalyzer is PhraseAnalyzerName: words as written, lower-cased.
	phraseAnalyzer analysis.Analyzer
	// textChain and phraseChain are the two analysers taken apart, for
	// analysing documents and looking for phrases in them piece by piece
	// (see textField, phraseFinder).
	textChain, phraseChain chain
	// langs are the analysers of the languages other than English.
	langs *languages
	// present caches presentLanguages; writes counts the commits, so a
	// cached list older than the latest write is computed again.
	present atomic.Pointer[presentCache]
	writes  atomic.Uint64

	// writeMu guards lanes and writing; writeFree is signalled when a
	// lane or a document ID is free again (or the index closes).
	writeMu   sync.Mutex
	writeFree sync.Cond
	lanes     [writeLanes]writeLane
	// writing holds the IDs of the documents in the batches being written
	// (see writeLane).
	writing map[string]struct{}
	// baseLen is keyStats's total (0 in an index created by this version).
	baseLen int64
	closed  atomic.Bool
	vectors *tvCache    // term vectors of documents asked for before
	dfs     dfCache     // document frequencies of terms asked for before
	impacts impactCache // terms' exact BM25 bounds in the latest snapshot
	ids     idCache     // document numbers of the latest snapshot resolved to IDs, and their small stored fields
	dict    dictCache   // the scored terms of a small index's latest snapshot
	held    *heldCache  // decoded postings of terms searched in the latest snapshot
	docs    docCache    // the documents of a small index's latest snapshot, read for snippets
	// analysers is the scratch space of Index.analyse's goroutines
	// (*analyser), kept from batch to batch: buffers and the stem cache.
	analysers sync.Pool
	// postings is the scratch space of topK's segment cursors
	// (*postingsScratch): postings lists and iterators, kept from search
	// to search.
	postings sync.Pool
	// accumulators is the scratch space of term-at-a-time searches
	// (*accumulator, see topKHeld), kept from search to search.
	accumulators sync.Pool
	// termLists is the room of topK's term cursors and lists
	// (*termScratch), kept from search to search.
	termLists sync.Pool
}

// Open opens the index at dir, creating it (and dir) when it does not exist.
// A second process opening the same index waits up to 5 s for the lock,
// then fails with an error wrapping ErrLocked.
func Open(dir string, cfg Config) (*Index, error) {
	cfg = cfg.withDefaults()
	if dir == "" {
		return nil, errors.New("index: open: empty path")
	}
	const lockWait = 5 * time.Second
	// unsafe_batch: bleve's Batch returns once the batch is searchable, not
	// once it is on disk, so the next batch's segment is built while this
	// one is written (and the persister may merge the segments of batches
	// waiting for it into one file). Durability is kept by waiting for
	// each batch's persisted callback (see persistence, commit) before
	// anything reports it written.
	runtime := map[string]interface{}{"bolt_timeout": lockWait.String(), "unsafe_batch": true}
	// bleve passes on bbolt's lock timeout as it is.
	errLocked := fmt.Errorf("index %s: %w (it was still locked after %v)", dir, ErrLocked, lockWait)
	var bi bleve.Index
	_, statErr := os.Stat(filepath.Join(dir, "index_meta.json"))
	switch {
	case statErr == nil:
		var err error
		bi, err = bleve.OpenUsing(dir, runtime)
		if err != nil {
			if errors.Is(err, bolterrors.ErrTimeout) {
				return nil, errLocked
			}
			return nil, fmt.Errorf("index: open %s: %w", dir, err)
		}
	case errors.Is(statErr, os.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return nil, fmt.Errorf("index: create %s: %w", dir, err)
		}
		var err error
		bi, err = bleve.NewUsing(dir, newMapping(), scorch.Name, scorch.Name, runtime)
		if err != nil {
			if errors.Is(err, bolterrors.ErrTimeout) {
				return nil, errLocked
			}
			return nil, fmt.Errorf("index: create %s: %w", dir, err)
		}
		b := bi.NewBatch()
		b.SetInternal(keySchema, []byte(strconv.Itoa(schemaVersion)))
		if err := batchDurably(context.Background(), bi, b); err != nil {
			bi.Close()
			return nil, fmt.Errorf("index: create %s: write schema: %w", dir, err)
		}
	default:
		return nil, fmt.Errorf("index: open %s: %w", dir, statErr)
	}
	ix := &Index{cfg: cfg, path: dir, bi: bi, vectors: newTVCache(cfg.TermVectorCacheTerms), held: newHeldCache(cfg.HeldPostings),
		analysers: sync.Pool{New: func() any { return &analyser{} }}, writing: make(map[string]struct{})}
	ix.writeFree.L = &ix.writeMu
	if err := ix.load(); err != nil {
		bi.Close()
		return nil, fmt.Errorf("index: open %s: %w", dir, err)
	}
	return ix, nil
}

// upgradable reports whether Open upgrades an index of schema v in
// place: oldestUpgradable to schemaVersion-1, as written (decimal, no
// sign or leading zero).
func upgradable(v string) bool {
	n, err := strconv.Atoi(v)
	return err == nil && n >= oldestUpgradable && n < schemaVersion && strconv.Itoa(n) == v
}

func (ix *Index) load() error {
	v, err := ix.bi.GetInternal(keySchema)
	if err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	if upgradable(string(v)) {
		b := ix.bi.NewBatch()
		b.SetInternal(keySchema, []byte(strconv.Itoa(schemaVersion)))
		if err := batchDurably(context.Background(), ix.bi, b); err != nil {
			return fmt.Errorf("upgrade format %s to %d: %w", v, schemaVersion, err)
		}
		v = []byte(strconv.Itoa(schemaVersion))
	}
	if string(v) != strconv.Itoa(schemaVersion) {
		if n, err := strconv.Atoi(string(v)); err == nil && n < oldestUpgradable {
			return fmt.Errorf("%w (format %d; this version reads format %d or later): "+
				"move the folder %s aside or delete it, then index your files and sites again (p2pir index, p2pir crawl)",
				ErrOldIndex, n, oldestUpgradable, ix.path)
		}
		return fmt.Errorf("index format %q, this p2pir reads format %d: use the p2pir that built it, or build the index again", v, schemaVersion)
	}
	raw, err := ix.bi.GetInternal(keyStats)
	if err != nil {
		return fmt.Errorf("read stats: %w", err)
	}
	if len(raw) > 0 {
		var st stats
		if err := json.Unmarshal(raw, &st); err != nil {
			return fmt.Errorf("decode stats: %w", err)
		}
		ix.baseLen = st.TotalLen
	}
	for l := range ix.lanes {
		raw, err := ix.bi.GetInternal(keyLanes[l])
		if err != nil {
			return fmt.Errorf("read stats: %w", err)
		}
		if ix.lanes[l].sum, err = parseLaneSum(raw); err != nil {
			return err
		}
	}
	a := ix.bi.Mapping().AnalyzerNamed(AnalyzerName)
	if a == nil {
		return fmt.Errorf("analyser %q not registered", AnalyzerName)
	}
	ix.analyzer = a
	if ix.phraseAnalyzer = ix.bi.Mapping().AnalyzerNamed(PhraseAnalyzerName); ix.phraseAnalyzer == nil {
		return fmt.Errorf("analyser %q not registered", PhraseAnalyzerName)
	}
	if ix.textChain, err = chainOf(ix.analyzer); err != nil {
		return err
	}
	if ix.phraseChain, err = chainOf(ix.phraseAnalyzer); err != nil {
		return err
	}
	if ix.langs, err = sharedLanguages(); err != nil {
		return err
	}
	return nil
}

// Close waits until every batch written is on disk (at most
// persistWait), then closes the index; documents written but not on disk
// by then may be lost, and Close says so.
func (ix *Index) Close() error {
	if ix.closed.Swap(true) {
		return nil
	}
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	ix.writeFree.Broadcast() // writes waiting for a lane give up
	for ix.lanesBusy() {
		ix.writeFree.Wait()
	}
	var waitErr error
	for _, l := range ix.lanes {
		if l.last != nil {
			if err := l.last.wait(context.Background()); err != nil && waitErr == nil {
				waitErr = err
			}
		}
	}
	if err := ix.bi.Close(); err != nil {
		return fmt.Errorf("index: close %s: %w", ix.path, errors.Join(waitErr, err))
	}
	if waitErr != nil {
		return fmt.Errorf("index: close %s: the latest writes may not be on disk: %w", ix.path, waitErr)
	}
	return nil
}

// persistWait bounds how long a write waits for bleve's persister to put
// its batch on disk (the persister retries a failed write until the index
// closes, and reports nothing to the writer): far longer than a healthy
// disk takes.
const persistWait = time.Minute

// persistence is one batch's way to disk: done is closed when bleve's
// persister has written and synced it, and with it every batch before it.
type persistence struct {
	done chan struct{}
	once sync.Once
	err  error
}

func newPersistence() *persistence { return &persistence{done: make(chan struct{})} }

// callback is the batch's persisted callback.
func (p *persistence) callback(err error) {
	p.once.Do(func() {
		p.err = err
		close(p.done)
	})
}

// persisted reports, without blocking, whether the batch is on disk.
func (p *persistence) persisted() bool {
	select {
	case <-p.done:
		return p.err == nil
	default:
		return false
	}
}

// wait blocks until the batch is on disk, ctx ends or persistWait has
// passed.
func (p *persistence) wait(ctx context.Context) error {
	timer := time.NewTimer(persistWait)
	defer timer.Stop()
	select {
	case <-p.done:
		if p.err != nil {
			return fmt.Errorf("index: write to disk: %w", p.err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("index: waiting for the written documents to reach the disk: %w", ctx.Err())
	case <-timer.C:
		return fmt.Errorf("index: the written documents did not reach the disk within %v (is the disk full or failing?)", persistWait)
	}
}

// batchPersisted executes b and returns its way to disk.
func batchPersisted(bi bleve.Index, b *bleve.Batch) (*persistence, error) {
	p := newPersistence()
	b.SetPersistedCallback(p.callback)
	if err := bi.Batch(b); err != nil {
		return nil, err
	}
	return p, nil
}

// batchDurably executes b and waits until it is on disk.
func batchDurably(ctx context.Context, bi bleve.Index, b *bleve.Batch) error {
	p, err := batchPersisted(bi, b)
	if err != nil {
		return err
	}
	return p.wait(ctx)
}

// Path returns the index directory.
func (ix *Index) Path() string { return ix.path }

// Config returns the configuration in force (defaults filled in).
func (ix *Index) Config() Config { return ix.cfg }

// Count returns the number of documents in the index.
func (ix *Index) Count() (uint64, error) {
	if ix.closed.Load() {
		return 0, ErrClosed
	}
	n, err := ix.bi.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index: count: %w", err)
	}
	return n, nil
}

// BatchProgress is called after each batch: documents indexed so far and
// the total in this call.
type BatchProgress func(done, total int)

// Index adds or replaces documents by ID, in batches of Config.BatchSize.
// Documents that cannot be indexed (no ID, larger than MaxDocBytes) are
// skipped and reported together in the returned error (wrapping
// ErrBadDocument or ErrTooLarge); the others are indexed. Text that is not
// valid UTF-8 is repaired (invalid bytes read as Latin-1), never refused.
func (ix *Index) Index(ctx context.Context, docs []Document) error {
	return ix.IndexWithProgress(ctx, docs, nil)
}

// IndexWithProgress is Index with a progress callback after every batch,
// once the batch and every batch before it are on disk. Up to writeLanes
// batches are written at once (bleve builds each one's segment on the
// goroutine that writes it) while the next one is analysed
// (Index.analyse) on every core: at most writeLanes+1 batches' analyses
// are held at once; bleve's persister puts the batches on disk behind
// them. It returns once every batch is on disk: documents it reports
// indexed survive a crash.
func (ix *Index) IndexWithProgress(ctx context.Context, docs []Document, progress BatchProgress) error {
	if ix.closed.Load() {
		return ErrClosed
	}
	type result struct {
		rejected []error
		p        *persistence
		err      error
	}
	type written struct {
		end int
		p   *persistence
	}
	var unreported []written // batches written, not yet reported on disk
	report := func(wait bool) error {
		for len(unreported) > 0 {
			w := unreported[0]
			if w.p != nil {
				if wait {
					if err := w.p.wait(ctx); err != nil {
						return err
					}
				} else if !w.p.persisted() {
					return nil
				}
			}
			unreported = unreported[1:]
			if progress != nil {
				progress(w.end, len(docs))
			}
		}
		return nil
	}
	type inFlight struct {
		end int
		out chan result
	}
	var writes []inFlight // in the order of docs
	var rejected []error
	// settle takes the oldest write's result.
	settle := func() error {
		w := writes[0]
		writes = writes[1:]
		r := <-w.out
		rejected = append(rejected, r.rejected...)
		if r.err != nil {
			return r.err
		}
		// A batch that wrote nothing is reported once those before it are.
		unreported = append(unreported, written{w.end, r.p})
		return report(false)
	}
	var ahead chan []analysed // the next batch, analysed while the others are written
	defer func() {
		if ahead != nil {
			<-ahead // no analysis outlives the call
		}
		for _, w := range writes {
			<-w.out // nor any write
		}
	}()
	for start, end := 0, 0; start < len(docs); start = end {
		end = ix.batchEnd(docs, start)
		var built []analysed
		if ahead != nil {
			built, ahead = <-ahead, nil
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("index: %w", err)
		}
		if built == nil {
			built = ix.analyse(docs[start:end])
		}
		for len(writes) >= writeLanes {
			if err := settle(); err != nil {
				return err
			}
		}
		out := make(chan result, 1)
		go func() {
			var r result
			r.rejected, r.p, r.err = ix.writeBatch(built)
			out <- r
		}()
		writes = append(writes, inFlight{end, out})
		if end < len(docs) {
			ahead = make(chan []analysed, 1)
			go func(part []Document, out chan<- []analysed) { out <- ix.analyse(part) }(docs[end:ix.batchEnd(docs, end)], ahead)
		}
	}
	for len(writes) > 0 {
		if err := settle(); err != nil {
			return err
		}
	}
	if err := report(true); err != nil {
		return err
	}
	if len(rejected) > 0 {
		return fmt.Errorf("index: %d of %d documents not indexed: %w", len(rejected), len(docs), errors.Join(rejected...))
	}
	return nil
}

// batchEnd is where the batch of docs starting at start ends: after
// Config.BatchSize documents or once they hold Config.BatchBytes of text,
// whichever comes first, and after one document at least.
func (ix *Index) batchEnd(docs []Document, start int) int {
	end, n := start, 0
	for end < len(docs) && end-start < ix.cfg.BatchSize && (end == start || n < ix.cfg.BatchBytes) {
		n += len(docs[end].Title) + len(docs[end].Body)
		end++
	}
	return end
}

// writeBatch writes a batch of analysed documents (Index.analyse) in one
// bleve batch with its lane's new length sum, and returns the documents
// refused and the batch's way to disk (nil when nothing was written).
func (ix *Index) writeBatch(built []analysed) (rejected []error, p *persistence, err error) {
	var ids []string
	for i := range built {
		if built[i].rejected != nil {
			rejected = append(rejected, built[i].rejected)
		} else {
			ids = append(ids, built[i].doc.ID)
		}
	}
	if len(ids) == 0 {
		return rejected, nil, nil
	}
	lane, err := ix.reserve(ids)
	if err != nil {
		return rejected, nil, err
	}
	delta := int64(0)
	defer func() { ix.release(lane, ids, delta, p) }()
	old, err := ix.storedLens(ids)
	if err != nil {
		return rejected, nil, err
	}
	b := ix.bi.NewBatch()
	seen := make(map[string]int64, len(ids)) // ID -> length added earlier in this batch
	for i := range built {
		a := &built[i]
		if a.rejected != nil {
			continue
		}
		d := &a.doc
		n := int64(a.text.AnalyzedLength())
		if prev, ok := seen[d.ID]; ok {
			delta -= prev // replaced within the batch
		} else {
			delta -= old[d.ID]
		}
		seen[d.ID] = n
		delta += n
		if a.err != nil {
			return rejected, nil, fmt.Errorf("index: build %s: %w", d.ID, a.err)
		}
		if err := b.IndexAdvanced(buildDocument(*d, a.text, a.packed)); err != nil {
			return rejected, nil, fmt.Errorf("index: build %s: %w", d.ID, err)
		}
	}
	p, err = ix.commit(b, lane, delta)
	ix.vectors.evict(ids...)
	return rejected, p, err
}

// reserve waits for a free write lane and for every batch in flight that
// holds one of ids, then takes the lane and the IDs for the caller's batch
// (see writeLane); release gives them back.
func (ix *Index) reserve(ids []string) (int, error) {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	for {
		if ix.closed.Load() {
			return 0, ErrClosed
		}
		lane := slices.IndexFunc(ix.lanes[:], func(l writeLane) bool { return !l.busy })
		if lane >= 0 && !slices.ContainsFunc(ids, func(id string) bool { _, ok := ix.writing[id]; return ok }) {
			ix.lanes[lane].busy = true
			for _, id := range ids {
				ix.writing[id] = struct{}{}
			}
			return lane, nil
		}
		ix.writeFree.Wait()
	}
}

// release ends the batch written through lane: p is its way to disk (nil
// when it was not written), which changed the lane's sum by delta.
func (ix *Index) release(lane int, ids []string, delta int64, p *persistence) {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	l := &ix.lanes[lane]
	if p != nil {
		l.sum += delta
		l.last = p
	}
	l.busy = false
	for _, id := range ids {
		delete(ix.writing, id)
	}
	ix.writeFree.Broadcast()
}

// lanesBusy reports whether a batch is being written; the caller holds
// writeMu.
func (ix *Index) lanesBusy() bool {
	return slices.ContainsFunc(ix.lanes[:], func(l writeLane) bool { return l.busy })
}

// analysed is one document of a batch made ready for the index: checked
// and repaired (prepare), its scored field analysed, its body packed when
// long.
type analysed struct {
	doc      Document
	text     *textField
	packed   []byte
	rejected error // prepare refused the document: reported, not indexed
	err      error // packing failed: the batch fails
}

// analyse prepares and analyses docs on as many goroutines as there are
// cores (at most one per document), each document on its own: the
// results, in docs' order, are what one goroutine would make. The scored
// field is analysed here rather than by bleve's workers (a field analyses
// once: bleve's call is then free), so that its length is known before
// bleve sees the document and a batch's analysis uses every core.
//
// The field is analysed piece by piece, keeping term locations for the
// first TermPositionBytes only (see textField): one huge document costs
// bounded memory.
func (ix *Index) analyse(docs []Document) []analysed {
	out := make([]analysed, len(docs))
	one := func(i int, scratch *analyser) {
		a := &out[i]
		a.doc = docs[i]
		d := &a.doc
		if err := ix.prepare(d); err != nil {
			a.rejected = err
			return
		}
		a.text = newTextField(fieldText, d.Title, d.Body, ix.textChainFor(d.Lang), ix.cfg.TermPositionBytes)
		if ix.pairsFor(d.Lang) {
			a.text.pairs = newPairField(d.Title, d.Body, ix.phraseChain, ix.cfg.TermPositionBytes)
		}
		a.text.analyzeWith(scratch)
		if len(d.Body) > packBodyBytes {
			a.packed, a.err = packBody(d.Body)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(docs))
	if workers <= 1 {
		scratch := ix.analysers.Get().(*analyser)
		defer ix.analysers.Put(scratch)
		for i := range docs {
			one(i, scratch)
		}
		return out
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			scratch := ix.analysers.Get().(*analyser)
			defer ix.analysers.Put(scratch)
			for {
				i := int(next.Add(1)) - 1
				if i >= len(docs) {
					return
				}
				one(i, scratch)
			}
		})
	}
	wg.Wait()
	return out
}

// pairsFor reports whether documents in language lang get stop pairs
// (fieldStopPairs): those analysed word by word, English (the chain of
// any language without one of its own) and each wordwise language.
func (ix *Index) pairsFor(lang string) bool {
	if _, own := ix.langs.chains[lang]; !own {
		return true
	}
	return ix.langs.wordwise[lang]
}

// commit executes a batch together with its lane's new length sum (the
// lane's sum plus delta, see writeLane), so both reach the disk
// atomically. The batch is searchable when commit returns; it is on disk
// once the persistence returned says so. The caller holds lane (reserve).
func (ix *Index) commit(b *bleve.Batch, lane int, delta int64) (*persistence, error) {
	// Only the lane's holder changes its sum: no lock needed to read it.
	b.SetInternal(keyLanes[lane], strconv.AppendInt(nil, ix.lanes[lane].sum+delta, 10))
	p, err := batchPersisted(ix.bi, b)
	ix.writes.Add(1) // the languages present may have changed
	if err != nil {
		return nil, fmt.Errorf("index: write batch: %w", err)
	}
	return p, nil
}

// parseLaneSum decodes a lane's length sum (keyLanes); nothing means 0.
func parseLaneSum(raw []byte) (int64, error) {
	if len(raw) == 0 {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("decode stats: %w", err)
	}
	return n, nil
}

// totalLenOf returns the total length of the documents in the snapshot r
// reads: the base plus each lane's sum in that snapshot (see writeLane),
// so a search scores with the statistics of the documents it sees.
func (ix *Index) totalLenOf(r bindex.IndexReader) (int64, error) {
	total := ix.baseLen
	for _, key := range keyLanes {
		raw, err := r.GetInternal(key)
		if err != nil {
			return 0, fmt.Errorf("read stats: %w", err)
		}
		n, err := parseLaneSum(raw)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// reader opens a reader of the latest snapshot of the index; the caller
// closes it.
func (ix *Index) reader() (bindex.IndexReader, error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}

// snapshotStats returns the number of documents and their total length
// in the latest snapshot, read together.
func (ix *Index) snapshotStats() (docs uint64, totalLen int64, err error) {
	r, err := ix.reader()
	if err != nil {
		return 0, 0, fmt.Errorf("index: stats: %w", err)
	}
	defer r.Close()
	if docs, err = r.DocCount(); err != nil {
		return 0, 0, fmt.Errorf("index: stats: count: %w", err)
	}
	if totalLen, err = ix.totalLenOf(r); err != nil {
		return 0, 0, fmt.Errorf("index: stats: %w", err)
	}
	return docs, totalLen, nil
}

// prepare validates d and fills derived fields.
func (ix *Index) prepare(d *Document) error {
	if strings.TrimSpace(d.ID) == "" {
		return fmt.Errorf("%w: empty ID (url %q)", ErrBadDocument, d.URL)
	}
	if !utf8.ValidString(d.ID) {
		return fmt.Errorf("%w: ID is not valid UTF-8: %q", ErrBadDocument, d.ID)
	}
	if n := len(d.Title) + len(d.Body); n > ix.cfg.MaxDocBytes {
		return fmt.Errorf("%w: document %s has %d bytes of text, the cap is %d", ErrTooLarge, d.ID, n, ix.cfg.MaxDocBytes)
	}
	d.Title = RepairUTF8(d.Title)
	d.Body = RepairUTF8(d.Body)
	d.URL = RepairUTF8(d.URL)
	if d.URL == "" {
		d.URL = d.ID
	}
	if err := checkLinks(d); err != nil {
		return err
	}
	if d.Hash == "" {
		d.Hash = ContentHash(d.Title, d.Body)
	}
	if !knownLanguage(d.Lang) {
		d.Lang = ix.detectLanguage(d.Title, d.Body)
	}
	return nil
}

// RepairUTF8 returns s with every byte that is not part of valid UTF-8
// decoded as Latin-1 (the usual cause of such bytes in old text files), so
// no text is lost and the result is valid UTF-8.
func RepairUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			sb.WriteRune(rune(s[i]))
			i++
			continue
		}
		sb.WriteString(s[i : i+size])
		i += size
	}
	return sb.String()
}

// buildDocument is the bleve document of d, with its scored field text
// (and text's stop pairs, when it has any), and packed, its body deflated
// when it is longer than packBodyBytes (see packBody).
func buildDocument(d Document, text *textField, packed []byte) *document.Document {
	const (
		store  = bindex.StoreField
		kwOpts = bindex.IndexField | bindex.StoreField
	)
	doc := document.NewDocument(d.ID)
	doc.AddField(text)
	if text.pairs != nil && len(text.pairs.freqs) > 0 {
		doc.AddField(text.pairs)
	}
	doc.AddField(document.NewTextFieldWithIndexingOptions(fieldTitle, nil, []byte(d.Title), store))
	if len(d.Body) > packBodyBytes {
		doc.AddField(document.NewTextFieldWithIndexingOptions(fieldBodyPacked, nil, packed, store))
	} else {
		doc.AddField(document.NewTextFieldWithIndexingOptions(fieldBody, nil, []byte(d.Body), store))
	}
	doc.AddField(document.NewTextFieldWithIndexingOptions(fieldURL, nil, []byte(d.URL), kwOpts))
	doc.AddField(document.NewTextFieldWithIndexingOptions(fieldSource, nil, []byte(d.Source), kwOpts))
	doc.AddField(document.NewTextFieldWithIndexingOptions(fieldHash, nil, []byte(d.Hash), kwOpts))
	if d.Lang != "" {
		doc.AddField(document.NewTextFieldWithIndexingOptions(fieldLang, nil, []byte(d.Lang), kwOpts))
	}
	for _, h := range hostKeys(d.URL) {
		doc.AddField(document.NewTextFieldWithIndexingOptions(fieldHost, nil, []byte(h), bindex.IndexField))
	}
	if !d.Modified.IsZero() {
		doc.AddField(document.NewTextFieldWithIndexingOptions(fieldModified, nil, []byte(d.Modified.UTC().Format(time.RFC3339Nano)), store))
	}
	doc.AddField(document.NewTextFieldWithIndexingOptions(fieldSize, nil, []byte(strconv.FormatInt(d.Size, 10)), store))
	if d.ETag != "" {
		doc.AddField(document.NewTextFieldWithIndexingOptions(fieldETag, nil, []byte(d.ETag), store))
	}
	if d.Links != nil {
		doc.AddField(document.NewTextFieldWithIndexingOptions(fieldLinks, nil, []byte(encodeLinks(d.Links)), store))
	}
	doc.AddField(document.NewTextFieldWithIndexingOptions(fieldLen, nil, []byte(strconv.Itoa(text.AnalyzedLength())), store))
	return doc
}

// hostKeys returns the host of rawURL (without "www.") and each parent
// domain with at least two labels: "a.b.example.org" gives itself,
// "b.example.org" and "example.org". site: filters match any of them.
func hostKeys(rawURL string) []string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return nil
	}
	h := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if net.ParseIP(h) != nil {
		return []string{h}
	}
	var out []string
	for {
		out = append(out, h)
		i := strings.IndexByte(h, '.')
		if i < 0 || strings.IndexByte(h[i+1:], '.') < 0 {
			return out
		}
		h = h[i+1:]
	}
}

// Delete removes documents by ID; IDs that are not in the index are ignored.
func (ix *Index) Delete(ctx context.Context, ids ...string) error {
	if ix.closed.Load() {
		return ErrClosed
	}
	var written []*persistence
	for start := 0; start < len(ids); start += ix.cfg.BatchSize {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("index: delete: %w", err)
		}
		end := min(start+ix.cfg.BatchSize, len(ids))
		p, err := ix.deleteBatch(ids[start:end])
		if err != nil {
			return err
		}
		if p != nil {
			written = append(written, p)
		}
	}
	for _, p := range written {
		if err := p.wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// deleteBatch deletes ids in one bleve batch and returns its way to disk
// (nil when none of them was in the index).
func (ix *Index) deleteBatch(ids []string) (p *persistence, err error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	lane, err := ix.reserve(ids)
	if err != nil {
		return nil, err
	}
	delta := int64(0)
	defer func() { ix.release(lane, ids, delta, p) }()
	old, err := ix.storedLens(ids)
	if err != nil {
		return nil, err
	}
	b := ix.bi.NewBatch()
	for _, id := range ids {
		if n, ok := old[id]; ok {
			delta -= n
			b.Delete(id)
		}
	}
	if b.Size() == 0 {
		return nil, nil
	}
	p, err = ix.commit(b, lane, delta)
	ix.vectors.evict(ids...)
	return p, err
}

// storedLens returns the token count stored with each document of ids
// that is in the index, read from one snapshot.
func (ix *Index) storedLens(ids []string) (map[string]int64, error) {
	r, err := ix.reader()
	if err != nil {
		return nil, fmt.Errorf("index: read stored lengths: %w", err)
	}
	defer r.Close()
	out := make(map[string]int64)
	for _, id := range ids {
		n, ok, err := storedLenIn(r, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out[id] = n
		}
	}
	return out, nil
}

// storedLenIn returns the token count stored with document id in the
// snapshot r reads, and whether the document is there.
func storedLenIn(r bindex.IndexReader, id string) (int64, bool, error) {
	d, err := r.Document(id)
	if err != nil {
		return 0, false, fmt.Errorf("index: read %s: %w", id, err)
	}
	if d == nil {
		return 0, false, nil
	}
	var n int64
	d.VisitFields(func(f bindex.Field) {
		if f.Name() == fieldLen {
			n, _ = strconv.ParseInt(string(f.Value()), 10, 64)
		}
	})
	return n, true, nil
}

// Get returns the stored document with this ID; ok is false when there is none.
func (ix *Index) Get(ctx context.Context, id string) (doc Document, ok bool, err error) {
	return ix.get(ctx, id, -1)
}

// GetHead is Get with at most about maxBody bytes of the body read (a
// body stored packed is inflated that far only; cut at a character
// boundary): for what needs a document's start, not all of it.
func (ix *Index) GetHead(ctx context.Context, id string, maxBody int) (doc Document, ok bool, err error) {
	doc, ok, err = ix.get(ctx, id, max(maxBody, 0))
	if ok && len(doc.Body) > maxBody {
		cut := max(maxBody, 0)
		for cut > 0 && !utf8.RuneStart(doc.Body[cut]) {
			cut--
		}
		doc.Body = doc.Body[:cut]
	}
	return doc, ok, err
}

// get is Get; with maxBody >= 0, a body stored packed (see packBody) is
// inflated up to that many bytes only.
func (ix *Index) get(ctx context.Context, id string, maxBody int) (doc Document, ok bool, err error) {
	if ix.closed.Load() {
		return Document{}, false, ErrClosed
	}
	d, err := ix.bi.Document(id)
	if err != nil {
		return Document{}, false, fmt.Errorf("index: get %s: %w", id, err)
	}
	if d == nil {
		return Document{}, false, nil
	}
	doc.ID = id
	var packed string
	d.VisitFields(func(f bindex.Field) {
		v := string(f.Value())
		switch f.Name() {
		case fieldTitle:
			doc.Title = v
		case fieldBody:
			doc.Body = v
		case fieldBodyPacked:
			packed = v
		case fieldURL:
			doc.URL = v
		case fieldSource:
			doc.Source = v
		case fieldHash:
			doc.Hash = v
		case fieldModified:
			doc.Modified, _ = time.Parse(time.RFC3339Nano, v)
		case fieldSize:
			doc.Size, _ = strconv.ParseInt(v, 10, 64)
		case fieldETag:
			doc.ETag = v
		case fieldLinks:
			doc.Links = decodeLinks(v)
		case fieldLang:
			doc.Lang = v
		}
	})
	if packed != "" {
		if doc.Body, err = unpackBody(packed, maxBody); err != nil {
			return Document{}, false, fmt.Errorf("index: get %s: %w", id, err)
		}
	}
	return doc, true, nil
}

// MetaByPrefix lists the metadata of every document whose URL starts with
// prefix. It walks the URL dictionary, so its cost is proportional to the
// number of matching documents.
func (ix *Index) MetaByPrefix(ctx context.Context, prefix string) ([]Meta, error) {
	urls, err := ix.URLsByPrefix(ctx, prefix)
	if err != nil {
		return nil, err
	}
	// A URL maps to its document through a term query (IDs usually equal
	// URLs, but need not).
	var out []Meta
	for _, u := range urls {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("index: list %q: %w", prefix, err)
		}
		ids, err := ix.idsByKeyword(ctx, fieldURL, u, 0)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			d, ok, err := ix.Get(ctx, id)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, Meta{ID: d.ID, URL: d.URL, Source: d.Source, Modified: d.Modified, Size: d.Size, Hash: d.Hash, ETag: d.ETag})
			}
		}
	}
	return out, nil
}

// URLsByPrefix lists the distinct URLs of the documents whose URL starts
// with prefix, in byte order. It walks the URL dictionary and reads no
// document, so it is cheap even for many matches; a URL whose document
// was deleted may linger until segments merge (Get tells).
func (ix *Index) URLsByPrefix(ctx context.Context, prefix string) ([]string, error) {
	if ix.closed.Load() {
		return nil, ErrClosed
	}
	dict, err := ix.bi.FieldDictPrefix(fieldURL, []byte(prefix))
	if err != nil {
		return nil, fmt.Errorf("index: list %q: %w", prefix, err)
	}
	var urls []string
	for {
		e, err := dict.Next()
		if err != nil {
			dict.Close()
			return nil, fmt.Errorf("index: list %q: %w", prefix, err)
		}
		if e == nil {
			break
		}
		if err := ctx.Err(); err != nil {
			dict.Close()
			return nil, fmt.Errorf("index: list %q: %w", prefix, err)
		}
		urls = append(urls, e.Term)
	}
	if err := dict.Close(); err != nil {
		return nil, fmt.Errorf("index: list %q: %w", prefix, err)
	}
	return urls, nil
}

// LookupHash reports the ID of a document whose content hash is hash and,
// unless source is "", whose Source is source (SourceWeb: a page that a
// local file with the same text does not make a duplicate).
func (ix *Index) LookupHash(ctx context.Context, hash, source string) (string, bool, error) {
	if ix.closed.Load() {
		return "", false, ErrClosed
	}
	if source == "" {
		ids, err := ix.idsByKeyword(ctx, fieldHash, hash, 1)
		if err != nil || len(ids) == 0 {
			return "", false, err
		}
		return ids[0], true, nil
	}
	ids, err := ix.idsOf(ctx, conjunction([]query.Query{termQuery(fieldHash, hash), termQuery(fieldSource, source)}), "documents of content "+hash)
	if err != nil || len(ids) == 0 {
		return "", false, err
	}
	return ids[0], true, nil
}

// idsByKeyword returns IDs of documents whose keyword field equals value
// (at most limit; 0 means all).
func (ix *Index) idsByKeyword(ctx context.Context, field, value string, limit int) ([]string, error) {
	q := termQuery(field, value)
	size := limit
	if size <= 0 {
		size = 1 << 20
	}
	req := bleve.NewSearchRequestOptions(q, size, 0, false)
	req.Score = "none"
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: find %s=%q: %w", field, value, err)
	}
	ids := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids, nil
}

// Compact merges the index's segments into one, which makes searches
// faster after a large batch of writes (the background merger gets there
// too, more slowly). It blocks until done or ctx ends.
func (ix *Index) Compact(ctx context.Context) error {
	if ix.closed.Load() {
		return ErrClosed
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return fmt.Errorf("index: compact: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return fmt.Errorf("index: compact: not a scorch index (%T)", adv)
	}
	if err := s.ForceMerge(ctx, nil); err != nil {
		return fmt.Errorf("index: compact: %w", err)
	}
	return nil
}
