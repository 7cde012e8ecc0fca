package cluster

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

func TestLloydObjectiveNeverIncreases(t *testing.T) {
	tests := []struct {
		name             string
		groups, per, dim int
		noise            float64
		k                int
	}{
		// Overlapping groups and a wrong k make many iterations.
		{name: "overlapping groups 16-D", groups: 5, per: 40, dim: 16, noise: 2, k: 6},
		{name: "pure noise 8-D", groups: 1, per: 150, dim: 8, noise: 50, k: 7},
		{name: "separated groups 1024-D", groups: 4, per: 25, dim: 1024, noise: 0.8, k: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			points, _ := blobs(11, tc.groups, tc.per, tc.dim, tc.noise)
			ds, err := prepare(points)
			if err != nil {
				t.Fatal(err)
			}
			longest := 0
			for seed := range uint64(10) {
				init, ok := seedPlusPlus(ds.x, tc.k, rand.New(rand.NewPCG(seed, 0)))
				if !ok {
					t.Fatalf("seed %d: k-means++ found fewer than %d directions", seed, tc.k)
				}
				var trace []float64
				r, err := lloyd(context.Background(), ds.x, init, 100, 0, func(_ int, in float64) { trace = append(trace, in) })
				if err != nil {
					t.Fatal(err)
				}
				for i := 1; i < len(trace); i++ {
					if trace[i] > trace[i-1]+1e-9 {
						t.Errorf("seed %d: inertia rose at iteration %d: %v -> %v", seed, i, trace[i-1], trace[i])
					}
				}
				if got := trace[len(trace)-1]; got != r.inertia {
					t.Errorf("seed %d: run inertia %v, last traced %v", seed, r.inertia, got)
				}
				if want := inertiaOf(ds.x, r); math.Abs(want-r.inertia) > 1e-9 {
					t.Errorf("seed %d: reported inertia %v, recomputed %v", seed, r.inertia, want)
				}
				longest = max(longest, len(trace))
			}
			if longest < 3 {
				t.Errorf("longest run had %d iterations: the check saw too little", longest)
			}
		})
	}
}

// inertiaOf recomputes Σ(1-cos) of a run from its assignment, point by point.
func inertiaOf(x *mat.Dense, r run) float64 {
	s := 0.0
	for i, a := range r.assign {
		s += 1 - floats.Dot(x.RawRowView(i), r.centroids.RawRowView(a))
	}
	return s
}

func TestLloydReseedsEmptyClusterWithFarthestPoint(t *testing.T) {
	// Two groups near the x and y axes; point 3 is the one farthest from
	// its group's centroid. The third initial centroid points away from
	// every point, so it wins none in the first assignment.
	x := matrixOf(
		[]float64{1, 0.05, 0}, []float64{1, -0.05, 0}, []float64{1, 0, 0.05},
		[]float64{1, 0.6, 0.3}, // the outlier of group x
		[]float64{0.05, 1, 0}, []float64{-0.05, 1, 0}, []float64{0, 1, 0.05},
	)
	init := matrixOf([]float64{1, 0, 0}, []float64{0, 1, 0}, []float64{-1, -1, -1})
	r, err := lloyd(context.Background(), x, init, 1, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.assign, []int{0, 0, 0, 2, 1, 1, 1}; !equalInts(got, want) {
		t.Errorf("assign after one iteration = %v, want %v", got, want)
	}
	if got, want := r.sizes, []int{3, 3, 1}; !equalInts(got, want) {
		t.Errorf("sizes = %v, want %v", got, want)
	}
	if got := floats.Dot(r.centroids.RawRowView(2), x.RawRowView(3)); math.Abs(got-1) > 1e-12 {
		t.Errorf("re-seeded centroid has cosine %v with the outlier, want 1", got)
	}
	// The init matrix is the caller's: untouched.
	if got := init.At(2, 0); got >= 0 {
		t.Errorf("init was modified: %v", got)
	}
}

func TestLloydStopsAtMaxIter(t *testing.T) {
	points, _ := blobs(3, 5, 40, 16, 2)
	ds, _ := prepare(points)
	init, _ := seedPlusPlus(ds.x, 6, rand.New(rand.NewPCG(1, 0)))
	tests := []struct{ maxIter, want int }{{1, 1}, {2, 2}}
	for _, tc := range tests {
		r, err := lloyd(context.Background(), ds.x, init, tc.maxIter, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.iters != tc.want {
			t.Errorf("maxIter %d: %d iterations", tc.maxIter, r.iters)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
