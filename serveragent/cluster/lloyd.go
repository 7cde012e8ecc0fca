package cluster

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// run is the outcome of one spherical k-means run for a fixed k.
type run struct {
	assign    []int      // cluster of each row of x
	centroids *mat.Dense // k×d, unit rows: normalised sums of the members
	sizes     []int      // members per cluster, all > 0
	inertia   float64    // Σ (1 - cos(x_i, centroid of i))
	iters     int        // Lloyd iterations done
}

// lloyd runs spherical k-means on the unit rows of x from the centroids
// init (k×d, unit rows, k ≤ n), for at most maxIter iterations, stopping
// early when no point changes cluster or the inertia falls by no more than
// tol·n. Each iteration assigns every point to its centroid of highest
// cosine (lowest index on ties), re-seeds empty clusters, and sets every
// centroid to the normalised sum of its members. trace, if not nil, gets
// the inertia after each iteration; it never increases. init is not
// modified. Cost per iteration O(n·k·d).
func lloyd(ctx context.Context, x, init *mat.Dense, maxIter int, tol float64, trace func(iter int, inertia float64)) (run, error) {
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
		if err := ctx.Err(); err != nil {
			return run{}, fmt.Errorf("cluster: k-means with k=%d: %w", k, err)
		}
		// Assignment: the centroid of highest cosine.
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
		changed += reseedEmpty(assign, sizes, dist)

		// Update: each centroid the normalised sum of its members.
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
			// else the members cancel out: every unit vector is as good,
			// keep the previous centroid.
			inertia -= floats.Dot(s, cj)
		}
		r.inertia, r.iters = inertia, it+1
		if trace != nil {
			trace(it, inertia)
		}
		if changed == 0 || (it > 0 && prev-inertia <= tol*float64(n)) {
			break
		}
		prev = inertia
	}
	return r, nil
}

// reseedEmpty gives every empty cluster one point: the point farthest from
// its centroid (dist) among clusters with more than one member, lowest
// index on ties. The moved point sits on its new centroid, so the inertia
// falls by its distance. It updates assign, sizes and dist and returns the
// number of points moved. A candidate always exists while k < n.
func reseedEmpty(assign, sizes []int, dist []float64) int {
	moved := 0
	for e, size := range sizes {
		if size > 0 {
			continue
		}
		far := -1
		for i, a := range assign {
			if sizes[a] > 1 && (far < 0 || dist[i] > dist[far]) {
				far = i
			}
		}
		if far < 0 {
			continue
		}
		sizes[assign[far]]--
		assign[far] = e
		sizes[e] = 1
		dist[far] = 0
		moved++
	}
	return moved
}
