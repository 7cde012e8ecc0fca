package index

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestMaxScoreEqualsExhaustive checks the claim on topK: MaxScore pruning
// returns exactly the top k of exhaustive evaluation, scores and order, on
// random documents and random weighted queries, with and without filters.
func TestMaxScoreEqualsExhaustive(t *testing.T) {
	ix := openTest(t)
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 60)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%02dx", i)
	}
	// Zipf-like word choice so some terms are common, most rare.
	word := func() string { return vocab[int(math.Floor(math.Pow(rng.Float64(), 2.5)*float64(len(vocab))))] }
	var docs []Document
	for i := 0; i < 400; i++ {
		n := 3 + rng.IntN(60)
		ws := make([]string, n)
		for j := range ws {
			ws[j] = word()
		}
		docs = append(docs, Document{ID: fmt.Sprintf("d%03d", i), Body: strings.Join(ws, " ")})
	}
	mustIndex(t, ix, docs...)
	ctx := context.Background()
	r := snapshotReader(t, ix)
	nonEmpty, prunedSome := 0, 0
	for trial := 0; trial < 60; trial++ {
		var terms []WeightedTerm
		for j := 0; j < 1+rng.IntN(8); j++ {
			terms = append(terms, WeightedTerm{word(), 0.2 + rng.Float64()*3})
		}
		q, err := ix.WeightedQuery(terms)
		if err != nil {
			t.Fatal(err)
		}
		if trial%3 == 1 {
			q.Excluded = []string{word()}
		}
		if trial%3 == 2 {
			q.Required = []string{word()}
		}
		bq, err := ix.compile(q)
		if err != nil {
			t.Fatal(err)
		}
		k := 1 + rng.IntN(15)
		pruned, err := ix.topK(ctx, r, bq, k)
		if err != nil {
			t.Fatal(err)
		}
		full, err := ix.topK(ctx, r, bq, len(docs)+1)
		if err != nil {
			t.Fatal(err)
		}
		want := full.hits[:min(k, len(full.hits))]
		if len(pruned.hits) != len(want) {
			t.Fatalf("trial %d: %d hits pruned, %d exhaustive", trial, len(pruned.hits), len(want))
		}
		for i := range want {
			if pruned.hits[i].doc != want[i].doc || math.Abs(pruned.hits[i].score-want[i].score) > 1e-12 {
				t.Fatalf("trial %d rank %d: pruned %+v, exhaustive %+v", trial, i+1, pruned.hits[i], want[i])
			}
		}
		if len(want) > 0 {
			nonEmpty++
		}
		if pruned.scored < full.scored {
			prunedSome++
		}
		if pruned.scored > full.scored {
			t.Fatalf("trial %d: pruning scored more documents (%d) than exhaustive (%d)", trial, pruned.scored, full.scored)
		}
	}
	if nonEmpty < 50 || prunedSome < 10 {
		t.Fatalf("the test did not exercise pruning: %d non-empty trials, %d pruned", nonEmpty, prunedSome)
	}
}

// TestExactBoundsFollowTheIndex: the exact per-term bound MaxScore prunes
// with (impactCache) is that of the snapshot searched: after a document
// denser in the term than any before is added, the bound read from the
// new snapshot is the new one (what a fresh cache reads), not the one
// kept from the old snapshot; and the search finds that document first.
func TestExactBoundsFollowTheIndex(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	var docs []Document
	for i := range 20 {
		docs = append(docs, Document{ID: fmt.Sprintf("d%02d", i), Body: "glacier " + strings.Repeat("filler ", 9)})
	}
	mustIndex(t, ix, docs...)
	bound := func(c *impactCache) float64 {
		t.Helper()
		r := snapshotReader(t, ix)
		imp, err := c.get(ctx, r, "glacier", 10, ix.cfg.K1, ix.cfg.B, nil)
		if err != nil {
			t.Fatal(err)
		}
		return imp
	}
	before := bound(&ix.impacts)
	mustIndex(t, ix, Document{ID: "dense", Body: strings.Repeat("glacier ", 5) + strings.Repeat("filler ", 5)})
	after, fresh := bound(&ix.impacts), bound(&impactCache{})
	if after != fresh || !(after > before) {
		t.Errorf("bound of glacier: %v before the dense document, %v after (a fresh cache reads %v)", before, after, fresh)
	}
	q, err := ix.ParseQuery("glacier")
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, q, SearchOptions{K: 1, IDsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Hits[0].ID != "dense" {
		t.Errorf("top hit %s, want dense", res.Hits[0].ID)
	}
}

// TestSelectBestAndTopBufferAgreeWithSorting checks the selection topK
// keeps its best documents with against a full sort: selectBest puts the
// n-th best at n-1 with only better ones before it, and a topBuffer fed
// documents in any order keeps exactly the need best and those tied with
// the need-th, best first, as sorting everything and cutting does.
func TestSelectBestAndTopBufferAgreeWithSorting(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cases := []struct {
		name      string
		n, need   int
		distinct  int // distinct scores: few means many ties
		ascending bool
	}{
		{"one", 1, 1, 1, false},
		{"fewer than need", 7, 10, 100, false},
		{"top 10 of 1000", 1000, 10, 1 << 30, false},
		{"top 1000 of 5000", 5000, 1000, 1 << 30, false},
		{"top 1000 of 5000, many ties", 5000, 1000, 40, false},
		{"all tied", 300, 10, 1, false},
		{"scores rising with the documents", 3000, 100, 1 << 30, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			all := make([]scored, tc.n)
			for i := range all {
				sc := float64(rng.IntN(tc.distinct))
				if tc.ascending {
					sc = float64(i)
				}
				all[i] = scored{doc: uint64(i), score: sc}
			}
			rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
			sorted := slices.Clone(all)
			slices.SortFunc(sorted, func(a, b scored) int {
				if worse(b, a) {
					return -1
				}
				return 1
			})
			want := sorted[:min(tc.need, len(sorted))]
			if len(want) == tc.need {
				last := want[len(want)-1].score
				for _, s := range sorted[tc.need:] {
					if s.score == last {
						want = append(want, s)
					}
				}
			}
			if tc.need <= tc.n {
				s := slices.Clone(all)
				selectBest(s, tc.need)
				if s[tc.need-1] != sorted[tc.need-1] {
					t.Fatalf("selectBest: %+v at %d, want %+v", s[tc.need-1], tc.need-1, sorted[tc.need-1])
				}
				for i, x := range s {
					if (i < tc.need-1 && !worse(s[tc.need-1], x)) || (i >= tc.need && !worse(x, s[tc.need-1])) {
						t.Fatalf("selectBest: %+v at %d is on the wrong side of %+v", x, i, s[tc.need-1])
					}
				}
			}
			top := newTopBuffer(tc.need)
			for _, s := range all {
				if s.score >= top.theta {
					top.add(s)
				}
			}
			if got := top.best(); !slices.Equal(got, want) {
				t.Fatalf("topBuffer kept %d documents, want %d; first difference at %d", len(got), len(want), firstDiff(got, want))
			}
		})
	}
}

func firstDiff(a, b []scored) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
