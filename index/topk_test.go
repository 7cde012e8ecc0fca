package index

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
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
	adv, _ := ix.bi.Advanced()
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
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
