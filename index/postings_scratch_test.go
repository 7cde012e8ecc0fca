package index

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// A term's segment cursor made in a postings scratch that earlier queries
// used (postings lists and iterators of other terms, in other segments,
// some of them empty) walks exactly the postings, and counts exactly the
// documents, of one made in a new scratch: over five segments with
// deleted and replaced documents, with every cursor of a query open at
// once as topK holds them, and the scratch grows only to the largest
// query's terms × segments.
func TestSegCursorInUsedScratchWalksAsInNew(t *testing.T) {
	ix := openTest(t)
	rng := rand.New(rand.NewPCG(21, 5))
	r, _ := churnedSegments(t, ix, rng, churn{perBatch: 60, minLen: 5, lenSpread: 120, delEvery: 7, replFrom: 3, replEvery: 11, replLen: 40})
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		t.Fatalf("the reader is a %T, not a scorch snapshot", r)
	}
	dicts, err := segmentDicts(is, fieldText)
	if err != nil {
		t.Fatal(err)
	}
	nseg := len(is.Segments())
	if nseg < 2 {
		t.Fatalf("%d segment(s): the test needs several", nseg)
	}
	// The index's terms, and one it does not hold (an empty list in
	// every segment).
	terms := append(ix.Analyze(strings.Join(segmentVocab, " ")), "absentterm")
	type posting struct {
		doc, freq uint64
		norm      uint64 // the norm's bits
	}
	walk := func(c *segCursor) []posting {
		t.Helper()
		var ps []posting
		for {
			p, base, err := c.next()
			if err != nil {
				t.Fatal(err)
			}
			if p == nil {
				return ps
			}
			ps = append(ps, posting{base + p.Number(), p.Frequency(), math.Float64bits(p.Norm())})
		}
	}
	used := &postingsScratch{}
	most := 0
	for round := range 60 {
		var q []string
		for range 1 + rng.IntN(12) {
			q = append(q, terms[rng.IntN(len(terms))])
		}
		most = max(most, len(q))
		used.used = 0
		cursors := make([]*segCursor, len(q))
		dfs := make([]uint64, len(q))
		for i, term := range q {
			if cursors[i], dfs[i], err = newSegCursor(is, dicts, term, used); err != nil {
				t.Fatal(err)
			}
		}
		for i, term := range q {
			fresh, df, err := newSegCursor(is, dicts, term, &postingsScratch{})
			if err != nil {
				t.Fatal(err)
			}
			want := walk(fresh)
			if term != "absentterm" && len(want) == 0 {
				t.Fatalf("%q has no postings: the test walks nothing", term)
			}
			if got := walk(cursors[i]); dfs[i] != df || !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, %q: in a used scratch %d documents, postings %v; in a new one %d, %v", round, term, dfs[i], got, df, want)
			}
		}
		if len(used.slots) != most*nseg {
			t.Fatalf("round %d: the scratch holds %d slots; the largest query needs %d terms × %d segments", round, len(used.slots), most, nseg)
		}
	}
}

// A segment with nothing deleted may still carry a set of deleted
// documents, empty (a later batch's segment, a compacted one); the
// segment cursors treat it as none. The search walked by segment then
// ranks, scores and counts exactly as through the snapshot's term
// readers, before and after compaction.
func TestTopKBySegmentWithEmptyDeletedSets(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	rng := rand.New(rand.NewPCG(3, 8))
	for b := range 3 {
		var docs []Document
		for i := range 40 {
			var words []string
			for range 5 + rng.IntN(40) {
				words = append(words, segmentVocab[min(len(segmentVocab)-1, int(rng.ExpFloat64()*4))])
			}
			docs = append(docs, Document{ID: fmt.Sprintf("b%d-%02d", b, i), Body: strings.Join(words, " ")})
		}
		mustIndex(t, ix, docs...)
	}
	emptySets := 0 // whether a segment has one depends on scorch's merges; compaction leaves one
	for _, compact := range []bool{false, true} {
		if compact {
			if err := ix.Compact(ctx); err != nil {
				t.Fatal(err)
			}
		}
		r := snapshotReader(t, ix)
		is, ok := r.(*scorch.IndexSnapshot)
		if !ok {
			t.Fatalf("the reader is a %T, not a scorch snapshot", r)
		}
		empty := 0
		for _, ss := range is.Segments() {
			if d := ss.Deleted(); d != nil && d.IsEmpty() {
				empty++
			}
		}
		t.Logf("compacted %v: %d of %d segments with an empty set of deleted documents", compact, empty, len(is.Segments()))
		emptySets += empty
		for round := range 30 {
			var words []string
			for range 1 + rng.IntN(10) {
				words = append(words, segmentVocab[rng.IntN(len(segmentVocab))])
			}
			k := 1 + rng.IntN(50)
			got, want := topKBothWays(t, ix, r, words, k)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("compacted %v, round %d, %v, k %d:\nby segment %+v\nby term reader %+v", compact, round, words, k, got, want)
			}
		}
	}
	if emptySets == 0 {
		t.Fatal("no segment had an empty set of deleted documents, before or after compaction: the test checked nothing")
	}
}
