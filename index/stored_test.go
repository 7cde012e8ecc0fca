package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
)

// byIDOnly hides the scorch snapshot behind it, so visitStored takes the
// path of any other reader: the bleve Document by ID.
type byIDOnly struct{ bindex.IndexReader }

// topKBothWays runs the query of words at depth k on r by segment (what
// searches do) and through bleve's term readers (byIDOnly), for tests
// that compare the two; it fails t when the query has no hits, which
// would compare nothing.
func topKBothWays(t *testing.T, ix *Index, r bindex.IndexReader, words []string, k int) (bySegment, byReader topKResult) {
	t.Helper()
	q, err := ix.ParseQuery(strings.Join(words, " "))
	if err != nil {
		t.Fatal(err)
	}
	bq, err := ix.compile(q)
	if err != nil {
		t.Fatal(err)
	}
	if bySegment, err = ix.topK(context.Background(), r, bq, k); err != nil {
		t.Fatal(err)
	}
	if byReader, err = ix.topK(context.Background(), byIDOnly{r}, bq, k); err != nil {
		t.Fatal(err)
	}
	if len(byReader.hits) == 0 {
		t.Fatalf("%v: no hits", words)
	}
	return bySegment, byReader
}

// Reading a document's stored fields by its number, straight from its
// segment, gives what the bleve Document by ID gives, for every document
// of an index of several segments with deleted and replaced documents,
// packed bodies among them; a number past the last is not found.
func TestStoredFieldsByNumberMatchTheDocument(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	mod := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
	want := map[string]Document{}
	for batch := range 4 { // a segment each
		var docs []Document
		for i := range 5 {
			id := fmt.Sprintf("d%d-%d", batch, i)
			body := fmt.Sprintf("body %d of batch %d about wind tunnels", i, batch)
			if i == 2 && batch == 0 {
				body = strings.Repeat("a long packed body of boundary layers ", packBodyBytes/30)
			}
			d := Document{ID: id, URL: "https://example.org/" + id, Title: "Title " + id, Body: body, Source: "src", Modified: mod.Add(time.Duration(batch) * time.Hour)}
			docs = append(docs, d)
			want[id] = d
		}
		mustIndex(t, ix, docs...)
	}
	if err := ix.Delete(ctx, "d1-1"); err != nil {
		t.Fatal(err)
	}
	delete(want, "d1-1")
	re := Document{ID: "d0-3", URL: "https://example.org/d0-3", Title: "Replaced", Body: "a new body", Source: "src2"}
	mustIndex(t, ix, re)
	want["d0-3"] = re

	r := snapshotReader(t, ix)
	var last uint64
	for id, d := range want {
		iid, err := r.InternalID(id)
		if err != nil || len(iid) == 0 {
			t.Fatalf("%s not in the index: %v", id, err)
		}
		last = max(last, iid.Value())
		m, body, err := loadDoc(r, iid.Value(), id)
		if err != nil {
			t.Fatal(err)
		}
		bm, bbody, err := loadDoc(byIDOnly{r}, iid.Value(), id)
		if err != nil {
			t.Fatal(err)
		}
		if m != bm || body != bbody {
			t.Errorf("%s: by number %+v %.40q, by ID %+v %.40q", id, m, body, bm, bbody)
		}
		wm := hitMeta{url: d.URL, title: d.Title, source: d.Source, modified: d.Modified, lang: "en"} // English text
		if m != wm || body != d.Body {
			t.Errorf("%s: read %+v %.40q, indexed %+v %.40q", id, m, body, wm, d.Body)
		}
	}
	n := uint64(0) // the number after the last of every segment
	for _, ss := range r.(*scorch.IndexSnapshot).Segments() {
		n += ss.Segment().Count()
	}
	if found, err := visitStored(r, n, "", func(string, []byte) { t.Error("a field of a document past the last") }); found || err != nil {
		t.Errorf("document %d (past the last, %d) found %v, error %v", n, last, found, err)
	}
}

// A hit's Ref names its document in the snapshot the search read, and
// only that snapshot: while the index is unchanged Snippets reads the
// document by it, and after a write (documents renumbered) it no longer
// refers to the latest snapshot, so Snippets looks the ID up and gives
// what a search of the new snapshot gives, as it does for a hit without
// a Ref.
func TestDocRefNamesTheHitInItsSnapshotOnly(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	var docs []Document
	for i := range 12 {
		docs = append(docs, Document{ID: fmt.Sprintf("d%02d", i), URL: fmt.Sprintf("file:///d%02d.txt", i), Title: fmt.Sprintf("Doc %d", i),
			Body: strings.Repeat(fmt.Sprintf("filler%d ", i), 30) + "supersonic flutter of panels" + strings.Repeat(" flutter", i%4), Source: SourceFile})
	}
	mustIndex(t, ix, docs...)
	q, err := ix.ParseQuery("flutter panels")
	if err != nil {
		t.Fatal(err)
	}
	snapshot := func() bindex.IndexReader {
		t.Helper()
		r := snapshotReader(t, ix)
		return r
	}
	var lean *Results
	var r bindex.IndexReader
	for { // a background merge may replace the snapshot mid-way: try again
		r = snapshot()
		if lean, err = ix.Search(ctx, q, SearchOptions{K: 12, NoSnippets: true}); err != nil {
			t.Fatal(err)
		}
		if _, ok := lean.Hits[0].Ref.in(r); ok {
			break
		}
	}
	for _, h := range lean.Hits {
		doc, ok := h.Ref.in(r)
		iid, err := r.InternalID(h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !ok || doc != iid.Value() {
			t.Errorf("%s: Ref gives document %d (%v), the snapshot %d", h.ID, doc, ok, iid.Value())
		}
	}
	if _, ok := (DocRef{}).in(r); ok {
		t.Error("the zero DocRef refers to a snapshot")
	}

	// Deleting the first documents renumbers the rest once merged; a new
	// document makes a new snapshot either way.
	if err := ix.Delete(ctx, "d00", "d01", "d02"); err != nil {
		t.Fatal(err)
	}
	mustIndex(t, ix, Document{ID: "new", URL: "file:///new.txt", Title: "New", Body: "flutter panels", Source: SourceFile})
	if _, ok := lean.Hits[0].Ref.in(snapshot()); ok {
		t.Fatal("a Ref still refers to the snapshot after a write")
	}
	var stale, none []Hit
	for _, h := range lean.Hits {
		if h.ID >= "d03" {
			stale = append(stale, h)
			h.Ref = DocRef{}
			none = append(none, h)
		}
	}
	if err := ix.Snippets(ctx, q, stale); err != nil {
		t.Fatal(err)
	}
	if err := ix.Snippets(ctx, q, none); err != nil {
		t.Fatal(err)
	}
	full, err := ix.Search(ctx, q, SearchOptions{K: 20})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Snippet{}
	for _, h := range full.Hits {
		byID[h.ID] = h.Snippet
	}
	for i := range stale {
		want, ok := byID[stale[i].ID]
		if !ok || want.Text == "" {
			t.Fatalf("%s: not found by the new search", stale[i].ID)
		}
		if !reflect.DeepEqual(stale[i].Snippet, want) || !reflect.DeepEqual(none[i].Snippet, want) {
			t.Errorf("%s: snippet with a stale Ref %+v, without a Ref %+v, the search's %+v", stale[i].ID, stale[i].Snippet, none[i].Snippet, want)
		}
	}
}

// The matches snippets are placed around, read from the postings of the
// segments holding the shown documents, are those the term readers over
// the whole snapshot give, in the same order: for random sets of
// documents of an index of several segments with deleted and replaced
// documents, and queries of frequent, rare and absent words.
func TestSegmentMatchesAreTheTermReaders(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	rng, vocab := rand.New(rand.NewPCG(13, 1)), segmentVocab
	r, all := churnedSegments(t, ix, rng, churn{perBatch: 40, minLen: 20, lenSpread: 200, delEvery: 9, replFrom: 4, replEvery: 17, replLen: 50})
	var live []uint64
	titleLen := map[uint64]int{}
	for _, id := range all {
		iid, err := r.InternalID(id)
		if err != nil {
			t.Fatal(err)
		}
		if len(iid) > 0 {
			m, _, err := loadDoc(r, iid.Value(), id)
			if err != nil {
				t.Fatal(err)
			}
			live = append(live, iid.Value())
			titleLen[iid.Value()] = len(m.title)
		}
	}
	if len(r.(*scorch.IndexSnapshot).Segments()) < 2 {
		t.Logf("the snapshot has one segment only") // still a check, of the one-segment case
	}
	for round := range 60 {
		var terms []WeightedTerm
		for range 1 + rng.IntN(6) {
			terms = append(terms, WeightedTerm{Term: vocab[rng.IntN(len(vocab))], Weight: 1})
		}
		if round%5 == 0 {
			terms = append(terms, WeightedTerm{Term: "absentword", Weight: 1})
		}
		pick := rng.Perm(len(live))[:1+rng.IntN(12)]
		docs := make([]uint64, len(pick))
		for i, p := range pick {
			docs[i] = live[p]
		}
		slices.Sort(docs)
		lens := make([]int, len(docs))
		for i, d := range docs {
			lens[i] = titleLen[d]
		}
		got, err := ix.bodyMatches(ctx, r, terms, docs, lens)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ix.bodyMatches(ctx, byIDOnly{r}, terms, docs, lens)
		if err != nil {
			t.Fatal(err)
		}
		matched := 0
		for i := range docs {
			matched += len(want[i])
		}
		if matched == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d, terms %v, documents %v:\nfrom the segments %v\nfrom the term readers %v", round, terms, docs, got, want)
		}
	}
}

// The search walked segment by segment on a scorch snapshot ranks, scores
// (to the bit) and counts exactly as through the snapshot's term readers:
// random queries of one to eight words, some weighted, over five segments
// with deleted and replaced documents, at depths 1 to 50.
func TestTopKBySegmentIsTheTermReaders(t *testing.T) {
	ix := openTest(t)
	rng, vocab := rand.New(rand.NewPCG(13, 2)), segmentVocab
	r, _ := churnedSegments(t, ix, rng, churn{perBatch: 60, minLen: 5, lenSpread: 120, delEvery: 7, replFrom: 3, replEvery: 11, replLen: 40})
	for round := range 80 {
		var words []string
		for range 1 + rng.IntN(8) {
			words = append(words, vocab[rng.IntN(len(vocab))])
		}
		if round%3 == 0 {
			words[0] += "^2.5"
		}
		k := 1 + rng.IntN(50)
		got, want := topKBothWays(t, ix, r, words, k)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%v, k %d:\nby segment %+v\nby term reader %+v", words, k, got, want)
		}
	}
}

// segmentVocab is the words of churnedSegments' documents.
var segmentVocab = []string{"wing", "flutter", "panel", "shock", "boundary", "layer", "heat", "transfer", "nozzle", "plate",
	"cylinder", "vortex", "supersonic", "laminar", "turbulent", "pressure", "drag", "lift", "slender", "cone"}

// churn is how churnedSegments fills an index: five batches (segments) of
// perBatch documents of minLen plus up to lenSpread words; then every
// delEvery-th document deleted and every replEvery-th from replFrom
// replaced by one of replLen words.
type churn struct {
	perBatch, minLen, lenSpread, delEvery, replFrom, replEvery, replLen int
}

// churnedSegments fills ix as c says, with words of segmentVocab drawn
// from rng (a few words frequent), and returns a reader of the resulting
// snapshot, closed when the test ends, and the IDs of every document
// indexed (deleted ones included).
func churnedSegments(t *testing.T, ix *Index, rng *rand.Rand, c churn) (bindex.IndexReader, []string) {
	t.Helper()
	text := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(segmentVocab[min(len(segmentVocab)-1, int(rng.ExpFloat64()*4))] + " ")
		}
		return b.String()
	}
	var all []string
	for batch := range 5 {
		var docs []Document
		for i := range c.perBatch {
			id := fmt.Sprintf("d%d-%02d", batch, i)
			docs = append(docs, Document{ID: id, URL: "file:///" + id, Title: text(3), Body: text(c.minLen + rng.IntN(c.lenSpread)), Source: SourceFile})
			all = append(all, id)
		}
		mustIndex(t, ix, docs...)
	}
	var gone []string
	for i := 0; i < len(all); i += c.delEvery {
		gone = append(gone, all[i])
	}
	if err := ix.Delete(context.Background(), gone...); err != nil {
		t.Fatal(err)
	}
	for i := c.replFrom; i < len(all); i += c.replEvery {
		mustIndex(t, ix, Document{ID: all[i], URL: "file:///" + all[i], Title: "replaced", Body: text(c.replLen), Source: SourceFile})
	}
	r := snapshotReader(t, ix)
	return r, all
}
