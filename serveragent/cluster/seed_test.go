package cluster

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
)

func TestSeedPlusPlusPicksDistinctDirections(t *testing.T) {
	a, b, c := []float64{1, 0, 0}, []float64{0, 1, 0}, []float64{0, 0, 1}
	tests := []struct {
		name   string
		vecs   [][]float64
		k      int
		wantOK bool
	}{
		{name: "three directions, many copies, k=3", vecs: [][]float64{a, a, a, b, a, a, c, a, a, b}, k: 3, wantOK: true},
		{name: "three directions cannot give k=4", vecs: [][]float64{a, a, b, b, c, c}, k: 4, wantOK: false},
		{name: "identical points cannot give k=2", vecs: [][]float64{a, a, a}, k: 2, wantOK: false},
		{name: "scaled copies are one direction", vecs: [][]float64{a, {3, 0, 0}, {0.001, 0, 0}}, k: 2, wantOK: false},
		{name: "k above n", vecs: [][]float64{a, b}, k: 3, wantOK: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := matrixOf(tc.vecs...)
			for seed := range uint64(20) {
				cs, ok := seedPlusPlus(x, tc.k, rand.New(rand.NewPCG(seed, 0)))
				if ok != tc.wantOK {
					t.Fatalf("seed %d: ok = %v, want %v", seed, ok, tc.wantOK)
				}
				if !ok {
					continue
				}
				for i := range tc.k {
					for j := range i {
						if d := 1 - floats.Dot(cs.RawRowView(i), cs.RawRowView(j)); d < sameDirection {
							t.Fatalf("seed %d: centroids %d and %d are the same direction", seed, j, i)
						}
					}
				}
			}
		})
	}
}

func TestSampleIsProportionalAndSkipsZeroWeights(t *testing.T) {
	w := []float64{0, 1, 0, 3, 0}
	tests := []struct {
		u    float64
		want int
	}{{0, 1}, {0.999, 1}, {1, 3}, {3.999, 3}, {4, 3}}
	for _, tc := range tests {
		if got := sample(w, tc.u); got != tc.want {
			t.Errorf("sample(%v, %v) = %d, want %d", w, tc.u, got, tc.want)
		}
	}
}
