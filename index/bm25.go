package index

import (
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// WeightedTerm is an analysed term (as the index stores it, e.g. "flow",
// "pressur") with its weight in a query. Weights must be finite and > 0.
type WeightedTerm struct {
	Term   string  `json:"term"`
	Weight float64 `json:"weight"`
}

// bm25Query is a compiled query: it scores fieldText with Robertson's BM25:
//
//	score(d, q) = Σ_t w_t · idf_t · tf_{t,d}·(k1+1) / (tf_{t,d} + k1·(1 − b + b·|d|/avgdl))
//	idf_t       = ln(f(r_t)),  r_t = (N − n_t + 0.5)/(n_t + 0.5),
//	f(r)        = r if r ≥ 2, else 1 + r/2
//
// where w_t is the query weight of t, tf the raw term frequency, |d| the
// document's token count, avgdl the mean token count over live documents,
// N the number of live documents and n_t the number containing t. The idf
// is Robertson–Spärck Jones' without relevance information, floored as
// Xapian's BM25Weight does so that a term in more than half of the
// documents still weighs a little (between ln 2 and 0)
// instead of subtracting. It measured better than Lucene's
// ln(1 + r) on CISI and MED and equal on CRAN (docs/BENCHMARKS.md).
// There is no coordination factor and no query normalisation.
//
// must and mustNot are optional bleve queries used as pure filters: a
// document is returned only if it matches must and does not match mustNot.
// topK evaluates it; a query without scoring terms runs as a plain bleve
// filter query instead (every match has score 0).
type bm25Query struct {
	terms []WeightedTerm
	// phrases are the words of the required entries matched as phrases
	// (phraseQuery), for highlighting them in snippets.
	phrases  [][]string
	k1, b    float64
	totalLen int64
	must     query.Query
	mustNot  query.Query
	// corpus, when set, replaces N, avgdl and n_t by pooled statistics
	// (SearchOptions.Corpus).
	corpus *CorpusStats
}

// collection returns N and avgdl for scoring: the index's own (n live
// documents, totalLen tokens), or the pooled ones of q.corpus. Pooled
// statistics cover at least this index (a pool smaller than the index is
// raised to it), so every idf stays defined.
func (q *bm25Query) collection(n uint64) (uint64, float64) {
	avgdl := 1.0
	if n > 0 && q.totalLen > 0 {
		avgdl = float64(q.totalLen) / float64(n)
	}
	if c := q.corpus; c != nil {
		n = max(n, c.Docs)
		if c.AvgDocLen > 0 {
			avgdl = c.AvgDocLen
		}
	}
	return n, avgdl
}

// docFreq is n_t for scoring: the index's own local df, or the pooled
// one, never below the local one nor above n.
func (q *bm25Query) docFreq(term string, local, n uint64) uint64 {
	if q.corpus == nil {
		return local
	}
	return min(max(q.corpus.DF[term], local), n)
}

// rsjIDF is the floored Robertson–Spärck Jones idf described on bm25Query.
func rsjIDF(n, df uint64) float64 {
	r := (float64(n) - float64(df) + 0.5) / (float64(df) + 0.5)
	if r < 2 {
		r = 1 + r/2
	}
	return math.Log(r)
}

// cursor walks the postings of one query term: through its postings held
// decoded (held, see heldCache), through the postings iterators of the
// segments of a scorch snapshot (segs), or through a term reader (r) on
// any other index reader.
type cursor struct {
	term   string
	r      bindex.TermFieldReader
	tfd    bindex.TermFieldDoc
	segs   *segCursor
	held   *heldList // the postings decoded (heldCache), when held
	hi     int       // the next posting of held
	done   bool      // no posting left
	doc    uint64    // the current posting's document number
	freq   uint64    // and the term's frequency there
	dl     float64   // and the document's length (docLen)
	weight float64   // w_t · idf_t · (k1+1)
	idf    float64
	qw     float64
}

// next and advance hand the reader c.tfd without TermFieldDoc.Reset: the
// readers topK opens (frequencies and norms, no term vectors) set the ID,
// Freq and Norm of every posting they return, which is all topK reads, and
// zeroing the struct for each posting cost more than reading it.
func (c *cursor) next() error {
	if c.held != nil {
		c.nextHeld()
		return nil
	}
	if c.segs != nil {
		return c.set(c.segs.next())
	}
	d, err := c.r.Next(&c.tfd)
	return c.setDoc(d, err)
}

// advance moves to the first posting at or after document number doc,
// which must be after the current one.
func (c *cursor) advance(doc uint64, id bindex.IndexInternalID) error {
	if c.held != nil {
		c.hi = c.held.seek(c.hi, doc)
		c.nextHeld()
		return nil
	}
	if c.segs != nil {
		return c.set(c.segs.advance(doc))
	}
	id.SetValue(doc)
	d, err := c.r.Advance(id, &c.tfd)
	return c.setDoc(d, err)
}

// nextHeld moves to the held posting hi.
func (c *cursor) nextHeld() {
	if c.hi >= len(c.held.docs) {
		c.done = true
		return
	}
	p := c.held.docs[c.hi]
	c.hi++
	c.doc, c.freq, c.dl = uint64(p.doc), uint64(p.freq), float64(p.dl)
}

func (c *cursor) setDoc(d *bindex.TermFieldDoc, err error) error {
	if err != nil {
		return fmt.Errorf("bm25: postings of %q: %w", c.term, err)
	}
	if d == nil {
		c.done = true
		return nil
	}
	c.doc, c.freq, c.dl = d.ID.Value(), d.Freq, docLen(d.Norm)
	return nil
}

func (c *cursor) set(p segment.Posting, base uint64, err error) error {
	if err != nil {
		return fmt.Errorf("bm25: postings of %q: %w", c.term, err)
	}
	if p == nil {
		c.done = true
		return nil
	}
	c.doc, c.freq, c.dl = base+p.Number(), p.Frequency(), docLen(p.Norm())
	return nil
}

func (c *cursor) close() {
	if c.r != nil {
		c.r.Close()
	}
}

// segCursor walks one term's postings in the segments of a scorch
// snapshot, in document number order, as the snapshot's term reader does
// (deleted documents skipped, numbers made the snapshot's by adding the
// segment's base) without copying each posting into a TermFieldDoc.
type segCursor struct {
	segs []segPostings
	at   int // the segment being walked
}

// segPostings is the term's postings in one segment.
type segPostings struct {
	base, end uint64 // the snapshot's numbers of the segment: [base, end)
	it        segment.PostingsIterator
}

// newSegCursor opens term's postings in field in every segment of is
// (dicts[i] is the field's dictionary of segment i, opened once per
// search). Its postings lists and iterators reuse those of scratch (a
// search's, kept from one search to the next), so a query of 40 terms
// does not allocate 40 of each.
func newSegCursor(is *scorch.IndexSnapshot, dicts []segment.TermDictionary, term string, scratch *postingsScratch) (*segCursor, uint64, error) {
	c := &segCursor{}
	var base, df uint64
	for i, ss := range is.Segments() {
		n := ss.Segment().Count()
		// An empty set of deleted documents is no set: zap would copy
		// the postings less it (AndNot) for each term.
		deleted := ss.Deleted()
		if deleted != nil && deleted.IsEmpty() {
			deleted = nil
		}
		slot := scratch.next()
		pl, err := dicts[i].PostingsList([]byte(term), deleted, slot.pl)
		if err != nil {
			return nil, 0, err
		}
		slot.pl = pl
		if k := pl.Count(); k > 0 {
			df += k
			slot.it = pl.Iterator(true, true, false, slot.it)
			c.segs = append(c.segs, segPostings{base: base, end: base + n, it: slot.it})
		}
		base += n
	}
	return c, df, nil
}

// postingsScratch is what one search's segment cursors are made in: a
// postings list and an iterator per term and segment, handed back (reset
// by the segment) to the next search that takes the scratch. A search
// takes it whole from Index.postings and puts it back when it no longer
// reads its cursors, so no two searches share a slot.
type postingsScratch struct {
	slots []postingsSlot
	used  int
}

// postingsSlot is one term's postings in one segment, for reuse.
type postingsSlot struct {
	pl segment.PostingsList
	it segment.PostingsIterator
}

// next is the next unused slot, a new one when all are used.
func (s *postingsScratch) next() *postingsSlot {
	if s.used == len(s.slots) {
		s.slots = append(s.slots, postingsSlot{})
	}
	s.used++
	return &s.slots[s.used-1]
}

// segmentDicts opens field's dictionary in every segment of is.
func segmentDicts(is *scorch.IndexSnapshot, field string) ([]segment.TermDictionary, error) {
	segs := is.Segments()
	dicts := make([]segment.TermDictionary, len(segs))
	for i, ss := range segs {
		d, err := ss.Segment().Dictionary(field)
		if err != nil {
			return nil, err
		}
		dicts[i] = d
	}
	return dicts, nil
}

func (c *segCursor) next() (segment.Posting, uint64, error) {
	for c.at < len(c.segs) {
		s := &c.segs[c.at]
		p, err := s.it.Next()
		if err != nil || p != nil {
			return p, s.base, err
		}
		c.at++
	}
	return nil, 0, nil
}

func (c *segCursor) advance(doc uint64) (segment.Posting, uint64, error) {
	for c.at < len(c.segs) && c.segs[c.at].end <= doc {
		c.at++
	}
	if c.at == len(c.segs) {
		return nil, 0, nil
	}
	s := &c.segs[c.at]
	if doc > s.base {
		p, err := s.it.Advance(doc - s.base)
		if err != nil || p != nil {
			return p, s.base, err
		}
		c.at++
	}
	return c.next()
}

// docLen recovers a document's token count from the norm bleve stores
// (float32(1/sqrt(len))); rounding makes it exact for any realistic length.
func docLen(norm float64) float64 {
	if norm <= 0 {
		return 1
	}
	return math.Round(1 / (norm * norm))
}
