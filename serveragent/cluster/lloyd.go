package cluster

import (
	"context"
	"fmt"
	"math"

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

// boundMargin is how far a point's bound on the cosine to its own
// centroid must exceed its bound on the cosine to any other before the
// point is left where it is without computing its cosines: far above
// the rounding of a dot product of unit vectors (about 1e-16 per
// dimension), so a point skipped is one whose cosines, computed, would
// put it in the same cluster.
const boundMargin = 1e-9

// lloyd runs spherical k-means on the unit rows of x from the centroids
// init (k×d, unit rows, k ≤ n), for at most maxIter iterations, stopping
// early when no point changes cluster or the inertia falls by no more than
// tol·n. Each iteration assigns every point to its centroid of highest
// cosine (lowest index on ties), re-seeds empty clusters, and sets every
// centroid to the normalised sum of its members. trace, if not nil, gets
// the inertia after each iteration; it never increases. init is not
// modified. Cost per iteration O(n·k·d) at worst.
//
// Most points stop moving after a few iterations, and their cosines need
// not be computed again (Hamerly's bounds, for cosines): each point keeps
// a lower bound on the cosine to its own centroid and an upper bound on
// the cosine to any other. When a centroid moves by δ (Euclidean
// distance), the cosine of a unit vector to it changes by at most δ
// (Cauchy–Schwarz), so after every update the lower bound falls by the
// own centroid's move and the upper bound rises by the largest move of
// the others. A point whose lower bound still exceeds its upper bound
// (by boundMargin) keeps its cluster; the others are computed exactly.
// The assignments are those of computing every cosine every iteration.
func lloyd(ctx context.Context, x, init *mat.Dense, maxIter int, tol float64, trace func(iter int, inertia float64)) (run, error) {
	n, d := x.Dims()
	k, _ := init.Dims()
	c := mat.DenseCopyOf(init)
	prevC := mat.NewDense(k, d, nil)
	sums := mat.NewDense(k, d, nil)
	sims := mat.NewDense(n, k, nil)
	assign := make([]int, n)
	for i := range assign {
		assign[i] = -1
	}
	sizes := make([]int, k)
	dist := make([]float64, n)
	lower := make([]float64, n) // ≤ cos(x_i, own centroid)
	upper := make([]float64, n) // ≥ cos(x_i, any other centroid)
	exact := make([]bool, n)    // dist[i] is exact this iteration
	moves := make([]float64, k)
	row := make([]float64, k)
	dirty := make([]bool, k)   // the cluster's members changed: its sum must be taken again
	dots := make([]float64, k) // sum·centroid of each cluster
	for j := range dirty {
		dirty[j] = true
	}
	r := run{assign: assign, centroids: c, sizes: sizes}
	prev := 0.0
	for it := 0; it < maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return run{}, fmt.Errorf("cluster: k-means with k=%d: %w", k, err)
		}
		// Assignment: the centroid of highest cosine.
		changed := 0
		clear(sizes)
		if it == 0 {
			sims.Mul(x, c.T())
		}
		for i := range n {
			if it > 0 {
				if lower[i]-upper[i] > boundMargin {
					exact[i] = false
					sizes[assign[i]]++
					continue
				}
				xi := x.RawRowView(i)
				for j := range k {
					row[j] = floats.Dot(xi, c.RawRowView(j))
				}
			} else {
				copy(row, sims.RawRowView(i))
			}
			best := 0
			for j := 1; j < k; j++ {
				if row[j] > row[best] {
					best = j
				}
			}
			if assign[i] != best {
				changed++
				if assign[i] >= 0 {
					dirty[assign[i]] = true
				}
				dirty[best] = true
				assign[i] = best
			}
			sizes[best]++
			dist[i], exact[i] = 1-row[best], true
			lower[i], upper[i] = row[best], -math.MaxFloat64
			for j, s := range row {
				if j != best && s > upper[i] {
					upper[i] = s
				}
			}
		}
		if hasEmpty(sizes) {
			// Re-seeding takes the point farthest from its centroid:
			// every distance must be exact.
			for i := range n {
				if !exact[i] {
					dist[i] = 1 - floats.Dot(x.RawRowView(i), c.RawRowView(assign[i]))
				}
			}
			was := append([]int(nil), assign...)
			for _, i := range reseedEmpty(assign, sizes, dist) {
				changed++
				dirty[was[i]], dirty[assign[i]] = true, true
				lower[i], upper[i] = -math.MaxFloat64, math.MaxFloat64 // compute it next time
			}
		}

		// Update: each centroid the normalised sum of its members. A
		// cluster whose members did not change keeps its sum and
		// centroid (summing them again, in the same order, would give
		// the same bits).
		for j := range k {
			if dirty[j] {
				clear(sums.RawRowView(j))
			}
		}
		for i := range n {
			if dirty[assign[i]] {
				floats.Add(sums.RawRowView(assign[i]), x.RawRowView(i))
			}
		}
		inertia := float64(n)
		for j := range k {
			moves[j] = 0
			if dirty[j] {
				s := sums.RawRowView(j)
				cj := c.RawRowView(j)
				pj := prevC.RawRowView(j)
				copy(pj, cj)
				if norm := floats.Norm(s, 2); norm > sameDirection {
					floats.ScaleTo(cj, 1/norm, s)
				}
				// else the members cancel out: every unit vector is as
				// good, keep the previous centroid.
				dots[j] = floats.Dot(s, cj)
				moves[j] = floats.Distance(cj, pj, 2)
				dirty[j] = false
			}
			inertia -= dots[j]
		}
		r.inertia, r.iters = inertia, it+1
		if trace != nil {
			trace(it, inertia)
		}
		if changed == 0 || (it > 0 && prev-inertia <= tol*float64(n)) {
			break
		}
		prev = inertia
		// The bounds follow the centroids: the own one moved by
		// moves[a], the others by at most the largest other move.
		first, second := topTwo(moves)
		for i := range n {
			a := assign[i]
			other := moves[first]
			if a == first {
				other = second
			}
			lower[i] -= moves[a]
			upper[i] += other
		}
	}
	return r, nil
}

// hasEmpty reports whether some cluster has no member.
func hasEmpty(sizes []int) bool {
	for _, s := range sizes {
		if s == 0 {
			return true
		}
	}
	return false
}

// topTwo returns the index of the largest of v (the first on ties) and
// the largest value at any other index (0 for one value).
func topTwo(v []float64) (first int, second float64) {
	for j := 1; j < len(v); j++ {
		if v[j] > v[first] {
			first = j
		}
	}
	for j, x := range v {
		if j != first && x > second {
			second = x
		}
	}
	return first, second
}

// reseedEmpty gives every empty cluster one point: the point farthest from
// its centroid (dist) among clusters with more than one member, lowest
// index on ties. The moved point sits on its new centroid, so the inertia
// falls by its distance. It updates assign, sizes and dist and returns the
// points moved. A candidate always exists while k < n.
func reseedEmpty(assign, sizes []int, dist []float64) []int {
	var moved []int
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
		moved = append(moved, far)
	}
	return moved
}
