package cluster

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// lloydEveryCosine is spherical k-means computing every cosine every
// iteration, as lloyd did before it kept bounds: the reference lloyd's
// runs must equal.
func lloydEveryCosine(x, init *mat.Dense, maxIter int, tol float64) run {
	n, d := x.Dims()
	k, _ := init.Dims()
	c := mat.DenseCopyOf(init)
	sums := mat.NewDense(k, d, nil)
	sims := mat.NewDense(n, k, nil)
	assign := make([]int, n)
	for i := range assign {
		assign[i] = -1
	}
	sizes := make([]int, k)
	dist := make([]float64, n)
	r := run{assign: assign, centroids: c, sizes: sizes}
	prev := 0.0
	for it := 0; it < maxIter; it++ {
		sims.Mul(x, c.T())
		changed := 0
		clear(sizes)
		for i := range n {
			row := sims.RawRowView(i)
			best := 0
			for j := 1; j < k; j++ {
				if row[j] > row[best] {
					best = j
				}
			}
			if assign[i] != best {
				changed++
				assign[i] = best
			}
			sizes[best]++
			dist[i] = 1 - row[best]
		}
		changed += len(reseedEmpty(assign, sizes, dist))
		sums.Zero()
		for i := range n {
			floats.Add(sums.RawRowView(assign[i]), x.RawRowView(i))
		}
		inertia := float64(n)
		for j := range k {
			s := sums.RawRowView(j)
			cj := c.RawRowView(j)
			if norm := floats.Norm(s, 2); norm > sameDirection {
				floats.ScaleTo(cj, 1/norm, s)
			}
			inertia -= floats.Dot(s, cj)
		}
		r.inertia, r.iters = inertia, it+1
		if changed == 0 || (it > 0 && prev-inertia <= tol*float64(n)) {
			break
		}
		prev = inertia
	}
	return r
}

// TestLloydBoundsChangeNoAssignment checks the claim of lloyd's bounds:
// skipping the points whose bounds settle them gives the runs that
// computing every cosine gives (same assignments and iterations, the
// same inertia and centroids up to rounding), on data where points move
// late (overlapping groups, a wrong k, pure noise) and where clusters
// empty and are re-seeded.
func TestLloydBoundsChangeNoAssignment(t *testing.T) {
	tests := []struct {
		groups, per, dim int
		noise            float64
		k                int
	}{
		{groups: 5, per: 40, dim: 16, noise: 2, k: 6},
		{groups: 1, per: 150, dim: 8, noise: 50, k: 7},
		{groups: 4, per: 25, dim: 1024, noise: 0.8, k: 3},
		{groups: 8, per: 60, dim: 64, noise: 1.5, k: 8},
		{groups: 3, per: 200, dim: 256, noise: 3, k: 5},
		{groups: 2, per: 10, dim: 4, noise: 10, k: 9},
	}
	skipped := 0
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%dx%d_%dD_k%d", tc.groups, tc.per, tc.dim, tc.k), func(t *testing.T) {
			points, _ := blobs(7, tc.groups, tc.per, tc.dim, tc.noise)
			ds, err := prepare(points)
			if err != nil {
				t.Fatal(err)
			}
			for seed := range uint64(8) {
				init, ok := seedPlusPlus(ds.x, tc.k, rand.New(rand.NewPCG(seed, 3)))
				if !ok {
					continue
				}
				// A poor start (the same point's neighbours) makes clusters
				// empty: re-seeding must agree too.
				if seed%4 == 3 {
					for j := 1; j < tc.k; j++ {
						init.SetRow(j, ds.x.RawRowView(j%2))
					}
				}
				got, err := lloyd(context.Background(), ds.x, init, 100, 0, nil)
				if err != nil {
					t.Fatal(err)
				}
				want := lloydEveryCosine(ds.x, init, 100, 0)
				if got.iters != want.iters {
					t.Errorf("seed %d: %d iterations, computing every cosine %d", seed, got.iters, want.iters)
				}
				for i := range want.assign {
					if got.assign[i] != want.assign[i] {
						t.Fatalf("seed %d: point %d in cluster %d, computing every cosine %d", seed, i, got.assign[i], want.assign[i])
					}
				}
				if math.Abs(got.inertia-want.inertia) > 1e-9 {
					t.Errorf("seed %d: inertia %v, computing every cosine %v", seed, got.inertia, want.inertia)
				}
				if !mat.EqualApprox(got.centroids, want.centroids, 1e-12) {
					t.Errorf("seed %d: centroids differ", seed)
				}
				if got.iters > 2 {
					skipped++
				}
			}
		})
	}
	if skipped == 0 {
		t.Error("no run went past two iterations: the bounds were never used")
	}
}
