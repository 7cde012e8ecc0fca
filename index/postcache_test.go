package index

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	bindex "github.com/blevesearch/bleve_index_api"
)

// zipfDocs returns n documents of words from a vocabulary of v, chosen
// Zipf-like (a few common, most rare), from seed.
func zipfDocs(seed uint64, n, v int) (docs []Document, word func() string) {
	rng := rand.New(rand.NewPCG(seed, 7))
	vocab := make([]string, v)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%03dx", i)
	}
	word = func() string { return vocab[int(math.Floor(math.Pow(rng.Float64(), 2.5)*float64(len(vocab))))] }
	for i := range n {
		ws := make([]string, 3+rng.IntN(60))
		for j := range ws {
			ws[j] = word()
		}
		docs = append(docs, Document{ID: fmt.Sprintf("d%04d", i), Body: strings.Join(ws, " ")})
	}
	return docs, word
}

// openWith opens a new index with cfg.
func openWith(t *testing.T, cfg Config) *Index {
	t.Helper()
	ix, err := Open(filepath.Join(t.TempDir(), "ix"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// readHeld is c's list of term in r, read when not read yet, as topK
// takes it.
func readHeld(ctx context.Context, c *heldCache, r bindex.IndexReader, term string) (*heldList, error) {
	if l, ok := c.get(r, term); ok {
		return l, nil
	}
	return c.load(ctx, r, term, bm25Params{10, 1.2, 0.75})
}

// heldAndNot returns two indexes of docs, written in batches of batch
// documents, less the deleted ones: one holding postings (the default),
// one holding none (every search reads bleve's postings).
func heldAndNot(t *testing.T, docs []Document, batch int, deleted ...string) (held, bleve *Index) {
	t.Helper()
	cfg := DefaultConfig()
	held = openWith(t, cfg)
	cfg.HeldPostings = -1
	bleve = openWith(t, cfg)
	for _, ix := range []*Index{held, bleve} {
		for start := 0; start < len(docs); start += batch {
			mustIndex(t, ix, docs[start:min(start+batch, len(docs))]...)
		}
		if len(deleted) > 0 {
			if err := ix.Delete(context.Background(), deleted...); err != nil {
				t.Fatal(err)
			}
		}
	}
	return held, bleve
}

// TestHeldCursorWalksAsBlevesReader checks the claim of heldCache: a
// cursor over a term's held postings gives, from the start and after an
// advance to any document number (present, absent, past the end), the
// postings bleve's reader gives (number, frequency, norm to the bit) in a
// snapshot of several segments with deleted documents; and the exact
// bound read from them is the one read from bleve.
func TestHeldCursorWalksAsBlevesReader(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	docs, _ := zipfDocs(3, 90, 25)
	for start := 0; start < len(docs); start += 30 { // three segments
		mustIndex(t, ix, docs[start:start+30]...)
	}
	if err := ix.Delete(ctx, "d0004", "d0031", "d0077"); err != nil {
		t.Fatal(err)
	}
	r := snapshotReader(t, ix)
	type posting struct {
		doc, freq uint64
		dl        float64
		done      bool
	}
	walk := func(c *cursor, from uint64) []posting {
		t.Helper()
		var err error
		if from == 0 {
			err = c.next()
		} else {
			if err = c.next(); err == nil && !c.done && c.doc < from {
				err = c.advance(from, make([]byte, 8))
			}
		}
		var got []posting
		for ; err == nil && !c.done; err = c.next() {
			got = append(got, posting{c.doc, c.freq, c.dl, false})
		}
		if err != nil {
			t.Fatal(err)
		}
		return append(got, posting{done: true})
	}
	checked := 0
	for i := range 25 {
		term := fmt.Sprintf("w%03dx", i)
		held, err := readHeld(ctx, ix.held, r, term)
		if err != nil {
			t.Fatal(err)
		}
		if held == nil {
			t.Fatalf("%q: postings not held", term)
		}
		for from := uint64(0); from < 95; from += 1 + from/10 {
			bl, err := r.TermFieldReader(ctx, []byte(term), fieldText, true, true, false)
			if err != nil {
				t.Fatal(err)
			}
			want := walk(&cursor{term: term, r: bl}, from)
			bl.Close()
			got := walk(&cursor{term: term, held: held}, from)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%q from %d: held %v, bleve %v", term, from, got, want)
			}
			checked += len(want) - 1
		}
		fromHeld, err := readImpact(ctx, r, term, 31.5, 1.2, 0.75, held)
		if err != nil {
			t.Fatal(err)
		}
		fromBleve, err := readImpact(ctx, r, term, 31.5, 1.2, 0.75, nil)
		if err != nil {
			t.Fatal(err)
		}
		if fromHeld != fromBleve {
			t.Errorf("%q: bound %v from the held postings, %v from bleve's", term, fromHeld, fromBleve)
		}
		if atLoad, err := readImpact(ctx, r, term, 10, 1.2, 0.75, nil); err != nil || held.bound != atLoad {
			t.Errorf("%q: bound %v read with the postings, %v from bleve's (%v)", term, held.bound, atLoad, err)
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d postings compared: the test saw too little", checked)
	}
}

// TestTermAtATimeEqualsDocumentAtATime checks the claim of topKHeld: an
// index scoring from held postings (term at a time without filters,
// document at a time over held cursors with them) returns the hits of an
// index reading bleve's postings document at a time, in the same order
// with bit-equal scores, for random weighted queries of 1 to 60 terms at
// depths from 1 to 1000; and without filters Total counts every match.
func TestTermAtATimeEqualsDocumentAtATime(t *testing.T) {
	ctx := context.Background()
	docs, word := zipfDocs(11, 600, 120)
	held, bleve := heldAndNot(t, docs, 200, "d0003", "d0250", "d0599")
	rng := rand.New(rand.NewPCG(5, 6))
	termAtATime := 0
	for trial := range 120 {
		var terms []WeightedTerm
		for range 1 + rng.IntN(60) {
			terms = append(terms, WeightedTerm{word(), 0.05 + rng.Float64()*3})
		}
		if trial%10 == 0 {
			terms = append(terms, WeightedTerm{"absentword", 1})
		}
		q, err := held.WeightedQuery(terms)
		if err != nil {
			t.Fatal(err)
		}
		switch trial % 6 {
		case 4:
			q.Excluded = []string{word()}
		case 5:
			q.Required = []string{word()}
		}
		k := []int{1, 5, 10, 50, 1000}[trial%5]
		opts := SearchOptions{K: k, IDsOnly: true}
		if trial%7 == 3 { // other statistics than those the held postings were read with
			opts.Corpus = &CorpusStats{Docs: 5000, AvgDocLen: 20 + float64(trial%4), DF: map[string]uint64{terms[0].Term: 70}}
		}
		got, err := held.Search(ctx, q, opts)
		if err != nil {
			t.Fatal(err)
		}
		want, err := bleve.Search(ctx, q, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Hits) != len(want.Hits) {
			t.Fatalf("trial %d (k %d): %d hits from held postings, %d from bleve's", trial, k, len(got.Hits), len(want.Hits))
		}
		for i := range want.Hits {
			if got.Hits[i].ID != want.Hits[i].ID || got.Hits[i].Score != want.Hits[i].Score {
				t.Fatalf("trial %d (k %d) rank %d: held %s %v, bleve %s %v", trial, k, i+1, got.Hits[i].ID, got.Hits[i].Score, want.Hits[i].ID, want.Hits[i].Score)
			}
		}
		if trial%6 < 4 { // term at a time: every match counted
			all, err := bleve.Search(ctx, q, SearchOptions{K: len(docs), IDsOnly: true, Corpus: opts.Corpus}) // nothing pruned
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != all.Total {
				t.Fatalf("trial %d: held postings counted %d matches, bleve's exhaustive search %d", trial, got.Total, all.Total)
			}
			termAtATime++
		}
	}
	if held.held.n == 0 {
		t.Fatal("no postings held: the test compared bleve with itself")
	}
	if termAtATime < 60 {
		t.Fatalf("only %d searches without filters", termAtATime)
	}
}

// TestHeldCacheStaysWithinItsBound checks heldCache's bound: a term with
// more postings than a share of the bound is not held (the search reads
// bleve's); the cache never holds more than its bound (a full cache is
// emptied first); and a new snapshot empties it.
func TestHeldCacheStaysWithinItsBound(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	var docs []Document
	rare := func(i int) string { return fmt.Sprintf("rare%02dx", i) }
	for i := range 64 {
		body := "common"
		if i < 40 { // rare00x to rare19x, in two documents each
			body += " " + rare(i/2) + " " + rare(i/2)
		}
		docs = append(docs, Document{ID: fmt.Sprintf("d%02d", i), Body: body})
	}
	mustIndex(t, ix, docs...)
	c := newHeldCache(8 * 4) // at most 4 postings a term, 32 in all
	r := snapshotReader(t, ix)
	l, err := readHeld(ctx, c, r, "common")
	if err != nil {
		t.Fatal(err)
	}
	if l != nil || c.n != 0 {
		t.Fatalf("a term of 64 postings was held (%v, %d held) by a cache of 32", l, c.n)
	}
	for i := range 20 {
		l, err := readHeld(ctx, c, r, rare(i))
		if err != nil {
			t.Fatal(err)
		}
		if l == nil || len(l.docs) != 2 {
			t.Fatalf("%q: held %v, want its 2 postings", rare(i), l)
		}
		if c.n > c.limit {
			t.Fatalf("%d postings held, the bound is %d", c.n, c.limit)
		}
	}
	if c.n != 8 { // 16 terms filled it; the 17th emptied it
		t.Fatalf("%d postings held after 20 terms of 2 in a cache of 32, want 8", c.n)
	}
	mustIndex(t, ix, Document{ID: "new", Body: rare(0) + " " + rare(0)})
	r2 := snapshotReader(t, ix)
	l, err = readHeld(ctx, c, r2, rare(0))
	if err != nil {
		t.Fatal(err)
	}
	if l == nil || len(l.docs) != 3 || c.n != 3 {
		t.Fatalf("after a write: %s held as %v with %d postings held in all, want its 3 postings alone", rare(0), l, c.n)
	}
}

// TestKeepLargestSelects checks keepLargest against sorting: after any
// values, with many ties, its least value is the n-th largest, for every
// n.
func TestKeepLargestSelects(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for trial := range 200 {
		xs := make([]float64, 1+rng.IntN(80))
		for i := range xs {
			xs[i] = float64(rng.IntN(1 + trial%20)) // ties when the range is small
		}
		sorted := slices.Clone(xs)
		slices.Sort(sorted)
		slices.Reverse(sorted)
		for n := 1; n <= len(xs); n++ {
			var h []float64
			for _, x := range xs {
				h = keepLargest(h, n, x)
			}
			if len(h) != n || h[0] != sorted[n-1] {
				t.Fatalf("trial %d: %d-th largest of %v is %v (of %d kept), want %v", trial, n, xs, h[0], len(h), sorted[n-1])
			}
		}
	}
}

// TestSnippetsFromHeldPostingsAreBlevesSnippets checks the claim of
// bodyMatches: where held postings say which documents hold a snippet
// term, looking for its locations in those documents only, or taking them
// from the locations held with the postings (heldLocs, built the first
// time a term's snippets need them, then shared), gives every snippet and
// highlight that looking in all of them gives (an index holding nothing),
// for searches that make their snippets, searches with other snippet
// terms than the query's, and snippets made apart; in snapshots of one
// segment and of several with deleted documents.
func TestSnippetsFromHeldPostingsAreBlevesSnippets(t *testing.T) {
	for _, tc := range []struct {
		name    string
		batch   int
		deleted []string
	}{
		{"one batch", 300, nil},
		{"batches of 40, some deleted", 40, []string{"d0000", "d0007", "d0041", "d0042", "d0150", "d0299"}},
	} {
		t.Run(tc.name, func(t *testing.T) { checkHeldSnippets(t, tc.batch, tc.deleted) })
	}
}

// checkHeldSnippets is TestSnippetsFromHeldPostingsAreBlevesSnippets on
// indexes written in batches of batch documents, deleted deleted.
func checkHeldSnippets(t *testing.T, batch int, deleted []string) {
	ctx := context.Background()
	docs, word := zipfDocs(21, 300, 80)
	held, bleve := heldAndNot(t, docs, batch, deleted...)
	rng := rand.New(rand.NewPCG(8, 1))
	highlighted := 0
	for trial := range 60 {
		var terms, shown []WeightedTerm
		for range 1 + rng.IntN(30) {
			terms = append(terms, WeightedTerm{word(), 0.1 + rng.Float64()})
		}
		for range 1 + rng.IntN(8) {
			shown = append(shown, WeightedTerm{word(), 1})
		}
		q, err := held.WeightedQuery(terms)
		if err != nil {
			t.Fatal(err)
		}
		for _, opts := range []SearchOptions{{K: 10}, {K: 10, SnippetTerms: shown}, {K: 10, NoSnippets: true}} {
			var res [2]*Results
			for j, ix := range []*Index{held, bleve} {
				if res[j], err = ix.Search(ctx, q, opts); err != nil {
					t.Fatal(err)
				}
				if opts.NoSnippets {
					if err := ix.Snippets(ctx, Query{Terms: shown}, res[j].Hits); err != nil {
						t.Fatal(err)
					}
				}
				for i := range res[j].Hits {
					res[j].Hits[i].Ref, res[j].Hits[i].Modified = DocRef{}, time.Time{}
				}
			}
			if !reflect.DeepEqual(res[0].Hits, res[1].Hits) {
				t.Fatalf("trial %d %+v: from held postings %+v, from bleve's %+v", trial, opts, res[0].Hits, res[1].Hits)
			}
			for _, h := range res[0].Hits {
				if len(h.Snippet.Highlights) > 0 {
					highlighted++ // a highlighted snippet: the check compared something
				}
			}
		}
	}
	if held.held.n == 0 || held.held.locN == 0 || highlighted < 100 {
		t.Fatalf("%d postings and %d locations held, %d highlighted snippets: the test compared too little", held.held.n, held.held.locN, highlighted)
	}
}

// TestBM25PartIsTheFormulaAsWritten checks that bm25Part (and the
// denominators held postings keep) give, to the bit, the formula as it
// was written before they existed, w·tf/(tf + k1·(1 − b + b·dl/avgdl))
// evaluated left to right, so that scores, and the ties the run files of
// `p2pir eval` order by ID, stay what they were (amd64, where Go fuses no
// floating-point operations).
func TestBM25PartIsTheFormulaAsWritten(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for range 100000 {
		w, tf, dl := rng.Float64()*20, float64(1+rng.IntN(40)), float64(1+rng.IntN(5000))
		k1, b, avgdl := 0.5+rng.Float64()*2, rng.Float64(), 1+rng.Float64()*400
		want := w * tf / (tf + k1*(1-b+b*dl/avgdl))
		if got := bm25Part(w, tf, dl, k1, b, avgdl); got != want {
			t.Fatalf("bm25Part(%v, %v, %v, %v, %v, %v) = %v, the formula gives %v", w, tf, dl, k1, b, avgdl, got, want)
		}
		if got := w * tf / bm25Denom(tf, dl, k1, b, avgdl); got != want {
			t.Fatalf("with bm25Denom: %v, the formula gives %v", got, want)
		}
	}
}

// TestConcurrentSearchesShareHeldPostings checks that searches running at
// once, sharing the held postings and the accumulators (and emptying the
// cache as writes make new snapshots), each get the answer a search alone
// gets: with no write, the same hits and scores as one at a time; while
// documents are written, every search still succeeds and never returns
// more hits than asked (run with -race).
func TestConcurrentSearchesShareHeldPostings(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	docs, word := zipfDocs(31, 400, 90)
	mustIndex(t, ix, docs...)
	var queries []Query
	for range 40 {
		var terms []WeightedTerm
		for range 1 + len(queries)%30 {
			terms = append(terms, WeightedTerm{word(), 0.5 + float64(len(terms)%3)})
		}
		q, err := ix.WeightedQuery(terms)
		if err != nil {
			t.Fatal(err)
		}
		queries = append(queries, q)
	}
	alone := make([]*Results, len(queries))
	for i, q := range queries {
		res, err := ix.Search(ctx, q, SearchOptions{K: 20, IDsOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		alone[i] = res
	}
	search := func(writing bool) error {
		errs := make(chan error, 8)
		for g := range 8 {
			go func() {
				for round := range 30 {
					i := (g*7 + round) % len(queries)
					res, err := ix.Search(ctx, queries[i], SearchOptions{K: 20, IDsOnly: true})
					switch {
					case err != nil:
						errs <- err
						return
					case len(res.Hits) > 20:
						errs <- fmt.Errorf("query %d: %d hits, asked for 20", i, len(res.Hits))
						return
					case !writing && fmt.Sprint(res.Hits) != fmt.Sprint(alone[i].Hits):
						errs <- fmt.Errorf("query %d searched with others: %v, alone: %v", i, res.Hits, alone[i].Hits)
						return
					}
				}
				errs <- nil
			}()
		}
		var first error
		for range 8 {
			if err := <-errs; err != nil && first == nil {
				first = err
			}
		}
		return first
	}
	if err := search(false); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for i := range 10 {
			if err := ix.Index(ctx, []Document{{ID: fmt.Sprintf("new%02d", i), Body: word() + " " + word()}}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	if err := search(true); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
