package order

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPermuteIsTheOrderGiven checks Permute, which moves each element
// once along the permutation's cycles, against the plain copy
// s[i] = old[order[i]], for permutations of every size up to 60
// (identities, single cycles, many short cycles).
func TestPermuteIsTheOrderGiven(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 1))
	for n := range 61 {
		for trial := range 5 {
			order := make([]int32, n)
			for i := range order {
				order[i] = int32(i)
			}
			if trial > 0 {
				rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
			}
			s := make([]string, n)
			for i := range s {
				s[i] = fmt.Sprint("item ", i)
			}
			want := make([]string, n)
			for i, j := range order {
				want[i] = s[j]
			}
			Permute(s, slices.Clone(order))
			if !slices.Equal(s, want) {
				t.Fatalf("n=%d trial %d: Permute by %v gave %v, want %v", n, trial, order, s, want)
			}
		}
	}
}

type item struct {
	key  int
	name string
	pad  [8]int64
}

// TestStableIsSortStableFunc checks Stable against slices.SortStableFunc
// with the same comparison on lists of every length up to 100 with many
// ties (keys from a few values), with and without a scratch slice.
func TestStableIsSortStableFunc(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 2))
	cmp := func(a, b *item) int { return b.key - a.key }
	for n := range 101 {
		s := make([]item, n)
		for i := range s {
			s[i] = item{key: rng.IntN(5), name: fmt.Sprint(i)}
		}
		want := slices.Clone(s)
		slices.SortStableFunc(want, func(a, b item) int { return cmp(&a, &b) })
		for _, scratch := range [][]int32{nil, make([]int32, 3), make([]int32, 200)} {
			got := slices.Clone(s)
			Stable(got, cmp, scratch)
			if !slices.Equal(got, want) {
				t.Fatalf("n=%d (scratch of %d): Stable gave another order than slices.SortStableFunc", n, len(scratch))
			}
		}
	}
}

// big is a value the size of a merged search result.
type big struct {
	key int
	pad [36]int64
}

// mid is a value the size of a re-ranked candidate.
type mid struct {
	key int
	pad [10]int64
}

// BenchmarkStable compares Stable with slices.SortStableFunc on what a
// search with the profile sorts: 50 values of about 300 bytes (merged
// results) and of about 90 (re-ranked ones), keys from a few values.
func BenchmarkStable(b *testing.B) {
	rng := rand.New(rand.NewPCG(13, 3))
	bigs := make([]big, 50)
	mids := make([]mid, 50)
	for i := range bigs {
		bigs[i].key, mids[i].key = rng.IntN(20), rng.IntN(20)
	}
	b.Run("300B/Stable", func(b *testing.B) {
		s := make([]big, len(bigs))
		for b.Loop() {
			copy(s, bigs)
			Stable(s, func(a, b *big) int { return b.key - a.key }, nil)
		}
	})
	b.Run("300B/SortStableFunc", func(b *testing.B) {
		s := make([]big, len(bigs))
		for b.Loop() {
			copy(s, bigs)
			slices.SortStableFunc(s, func(a, b big) int { return b.key - a.key })
		}
	})
	b.Run("90B/Stable", func(b *testing.B) {
		s := make([]mid, len(mids))
		for b.Loop() {
			copy(s, mids)
			Stable(s, func(a, b *mid) int { return b.key - a.key }, nil)
		}
	})
	b.Run("90B/SortStableFunc", func(b *testing.B) {
		s := make([]mid, len(mids))
		for b.Loop() {
			copy(s, mids)
			slices.SortStableFunc(s, func(a, b mid) int { return b.key - a.key })
		}
	})
}
