package cluster

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Four unit vectors in the plane; their pairwise cosine distances are
//
//	      p1   p2   p3   p4
//	p1     0  0.2    1  1.6
//	p2   0.2    0  0.4    1
//	p3     1  0.4    0  0.2
//	p4   1.6    1  0.2    0
var (
	p1 = []float64{1, 0}
	p2 = []float64{0.8, 0.6}
	p3 = []float64{0, 1}
	p4 = []float64{-0.6, 0.8}
)

func TestSilhouetteMatchesHandComputation(t *testing.T) {
	tests := []struct {
		name   string
		assign []int
		want   float64
	}{
		{
			// s(p1) = (1.3-0.2)/1.3, s(p2) = (0.7-0.2)/0.7, p3 like p2, p4
			// like p1: mean (11/13 + 5/7)/2 = 71/91.
			name:   "two tight pairs",
			assign: []int{0, 0, 1, 1},
			want:   71.0 / 91,
		},
		{
			// p3 and p4 are singletons (s = 0); s(p1) = (1-0.2)/1 = 0.8 with
			// b = min(1, 1.6); s(p2) = (0.4-0.2)/0.4 = 0.5: mean 1.3/4.
			name:   "singletons count zero",
			assign: []int{0, 0, 1, 2},
			want:   0.325,
		},
		{
			// {p1,p3} and {p2,p4}: s = -0.1, -0.7, -0.7, -0.1: mean -0.4.
			name:   "crossed pairs are negative",
			assign: []int{0, 1, 0, 1},
			want:   -0.4,
		},
		{
			name:   "one cluster is zero",
			assign: []int{0, 0, 0, 0},
			want:   0,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := 0
			for _, a := range tc.assign {
				k = max(k, a+1)
			}
			got := silhouette(matrixOf(p1, p2, p3, p4), tc.assign, k)
			if math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("silhouette = %.15f, want %.15f", got, tc.want)
			}
		})
	}
}

func TestSilhouetteFromClusterSumsEqualsPairwiseDefinition(t *testing.T) {
	tests := []struct {
		name     string
		n, dim   int
		k        int
		withDups bool
	}{
		{name: "random labels 2-D", n: 30, dim: 2, k: 3},
		{name: "random labels 64-D", n: 50, dim: 64, k: 5},
		{name: "with singletons", n: 7, dim: 8, k: 6},
		{name: "duplicated vectors", n: 40, dim: 16, k: 4, withDups: true},
	}
	for seed, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(seed), 7))
			vecs := make([][]float64, tc.n)
			for i := range vecs {
				if tc.withDups && i%2 == 1 {
					vecs[i] = vecs[i-1]
					continue
				}
				vecs[i] = randomUnit(rng, tc.dim)
			}
			assign := make([]int, tc.n)
			for i := range assign {
				assign[i] = i % tc.k // every cluster non-empty
			}
			rng.Shuffle(len(assign), func(i, j int) { assign[i], assign[j] = assign[j], assign[i] })
			x := matrixOf(vecs...)
			got, want := silhouette(x, assign, tc.k), bruteSilhouette(x, assign)
			if math.Abs(got-want) > 1e-12 {
				t.Errorf("silhouette = %.15f, pairwise definition %.15f", got, want)
			}
		})
	}
}
