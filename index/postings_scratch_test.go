package index

import (
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
