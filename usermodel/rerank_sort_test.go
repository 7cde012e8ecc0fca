package usermodel

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"testing"
)

// TestSortByFinalIsSliceStable checks the sort RerankTop orders the kept
// candidates with against the plain computation, sort.SliceStable with
// Final > Final: the same order, ties (drawn from a few scores) kept in
// retrieval order, for lists of every length up to 80.
func TestSortByFinalIsSliceStable(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 3))
	for n := range 81 {
		kept := make([]Ranked, n)
		for i := range kept {
			kept[i] = Ranked{Candidate: Candidate{Key: strconv.Itoa(i)}, OldRank: i + 1, Final: float64(rng.IntN(4)) / 4}
		}
		want := slices.Clone(kept)
		sort.SliceStable(want, func(i, j int) bool { return want[i].Final > want[j].Final })
		sortByFinal(kept)
		if !reflect.DeepEqual(kept, want) {
			t.Fatalf("n=%d: sortByFinal gave another order than sort.SliceStable", n)
		}
	}
}
