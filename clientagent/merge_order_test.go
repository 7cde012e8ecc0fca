package clientagent

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"
)

// TestMergeOrderIsTheStableSortOfFirstAppearances checks the order merging
// gives (fused score, then evidence, both descending; ties in order of
// first appearance) against the plain computation: the merged results
// taken in order of first appearance and sorted with sort.SliceStable.
// The lists are built with many ties: equal ranks across sources and
// scores drawn from a few values, and URLs shared between lists; one
// trial in ten has 20 lists, past maxMergeArena.
func TestMergeOrderIsTheStableSortOfFirstAppearances(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 2))
	for trial := range 80 {
		var lists []SourceHits
		sources := 1 + rng.IntN(4)
		if trial%10 == 0 {
			sources = 20 // more places than mergeWith sets aside: slices grown
		}
		for s := range sources {
			var hs []Hit
			for r := range rng.IntN(60) {
				u := fmt.Sprintf("http://x.org/%d", rng.IntN(80))
				hs = append(hs, Hit{URL: u, Title: "t " + u, Rank: r + 1, Score: float64(rng.IntN(3))})
			}
			lists = append(lists, SourceHits{Source: fmt.Sprint("s", s), Weight: 1, Hits: hs})
		}
		for _, method := range MergeMethods() {
			got, err := Merge(method, lists)
			if err != nil {
				t.Fatal(err)
			}
			// First appearances, in list order then rank order.
			var first []string
			seen := map[string]bool{}
			for _, l := range lists {
				for _, h := range l.Hits {
					if !seen[h.URL] {
						seen[h.URL] = true
						first = append(first, h.URL)
					}
				}
			}
			byURL := map[string]Merged{}
			for _, m := range got {
				byURL[m.URL] = m
			}
			if len(byURL) != len(first) || len(got) != len(first) {
				t.Fatalf("trial %d %s: %d merged results (%d distinct URLs), want %d", trial, method, len(got), len(byURL), len(first))
			}
			want := make([]Merged, len(first))
			for i, u := range first {
				want[i] = byURL[u]
			}
			sort.SliceStable(want, func(i, j int) bool {
				if want[i].Fused != want[j].Fused {
					return want[i].Fused > want[j].Fused
				}
				return want[i].Evidence > want[j].Evidence
			})
			if g, w := urls(got), urls(want); g != w {
				t.Fatalf("trial %d %s: merged order\n%s\nwant the stable sort\n%s", trial, method, g, w)
			}
			// Each result's engines and positions: every list that has
			// it, in list order, at its first rank there (the merged
			// results' slices share arrays; none may run into another's).
			for _, m := range got {
				var engines []string
				var positions []int
				for _, l := range lists {
					if i := slices.IndexFunc(l.Hits, func(h Hit) bool { return h.URL == m.URL }); i >= 0 {
						engines = append(engines, l.Source)
						positions = append(positions, l.Hits[i].Rank)
					}
				}
				if !slices.Equal(m.Engines, engines) || !slices.Equal(m.Positions, positions) {
					t.Fatalf("trial %d %s: %s found by %v at %v, want %v at %v", trial, method, m.URL, m.Engines, m.Positions, engines, positions)
				}
			}
		}
	}
}

// TestMergeIntoALentArrayIsMergeAnew checks merging into an array that
// mergedBufs lent out after earlier merges (whose results, collapsed and
// given formats and near duplicates, went back to it) against merging
// into a new array: the same results, field for field, every method; and
// that what an earlier search copied out of its array is untouched by
// the next merges into it.
func TestMergeIntoALentArrayIsMergeAnew(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 31))
	var bufs mergedBufs
	var keys urlKeys
	var shown [][]Merged // copies out of earlier merges, and what they were
	var want [][]Merged
	for round := range 200 {
		var lists []SourceHits
		for l := range 1 + rng.IntN(3) {
			var hits []Hit
			for r := range rng.IntN(60) {
				hits = append(hits, Hit{URL: fmt.Sprintf("file:///d/%d.md", rng.IntN(80)), Title: fmt.Sprintf("t%d", rng.IntN(5)),
					Origin: "file", DocID: fmt.Sprint(rng.IntN(80)), Rank: r + 1, Score: float64(rng.IntN(30))})
			}
			lists = append(lists, SourceHits{Source: fmt.Sprintf("s%d", l), Weight: 1 + float64(l), Hits: hits})
		}
		method := MergeMethods()[rng.IntN(len(MergeMethods()))]
		fresh, err := mergeWith(method, lists, &keys, nil)
		if err != nil {
			t.Fatal(err)
		}
		buf := bufs.get()
		lent, err := mergeWith(method, lists, &keys, buf)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(lent, fresh) {
			t.Fatalf("round %d (%s): merged into a lent array:\n%+v\nmerged anew:\n%+v", round, method, lent, fresh)
		}
		// A search collapses in place and copies what it shows out.
		lent = collapseFormatCopies(lent, nil)
		for i := range lent {
			if i%7 == 3 {
				lent[i].NearDuplicates = append(lent[i].NearDuplicates, "file:///copy.md")
			}
		}
		shown = append(shown, slices.Clone(lent[:min(len(lent), 10)]))
		want = append(want, slices.Clone(lent[:min(len(lent), 10)]))
		bufs.put(buf, lent)
	}
	for i := range shown {
		if !reflect.DeepEqual(shown[i], want[i]) {
			t.Fatalf("search %d: what it showed changed after later merges into its array", i)
		}
	}
}
