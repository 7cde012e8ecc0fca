package cluster

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// sameDirection is the cosine distance below which two unit vectors count
// as the same direction (an angle of about 1.4e-6 radians): rounding in
// normalisation must not make duplicates look distinct.
const sameDirection = 1e-12

// cosDist is the cosine distance 1-sim of two unit vectors, clamped to 0
// below sameDirection.
func cosDist(sim float64) float64 {
	d := 1 - sim
	if d < sameDirection {
		return 0
	}
	return d
}

// seedPlusPlus picks k initial centroids among the rows of x by k-means++:
// the first uniformly, each next one with probability proportional to its
// cosine distance to the nearest centroid chosen so far (half the squared
// Euclidean distance on the unit sphere, so this is the D² weighting of
// k-means++). It reports false when fewer than k distinct directions
// exist. Cost O(n·k·d).
func seedPlusPlus(x *mat.Dense, k int, rng *rand.Rand) (*mat.Dense, bool) {
	n, d := x.Dims()
	if k > n {
		return nil, false
	}
	c := mat.NewDense(k, d, nil)
	pick := rng.IntN(n)
	c.SetRow(0, x.RawRowView(pick))
	dist := make([]float64, n)
	sims := mat.NewVecDense(n, nil)
	sims.MulVec(x, mat.NewVecDense(d, c.RawRowView(0)))
	for i := range dist {
		dist[i] = cosDist(sims.AtVec(i))
	}
	for j := 1; j < k; j++ {
		total := floats.Sum(dist)
		if total <= 0 {
			return nil, false
		}
		pick = sample(dist, rng.Float64()*total)
		c.SetRow(j, x.RawRowView(pick))
		sims.MulVec(x, mat.NewVecDense(d, c.RawRowView(j)))
		for i := range dist {
			dist[i] = min(dist[i], cosDist(sims.AtVec(i)))
		}
	}
	return c, true
}

// sample returns the first index whose cumulative weight exceeds u, never
// an index of weight zero (u is in [0, Σw), Σw > 0).
func sample(w []float64, u float64) int {
	last := -1
	cum := 0.0
	for i, v := range w {
		if v <= 0 {
			continue
		}
		cum += v
		last = i
		if cum > u {
			return i
		}
	}
	return last // rounding left u at the very end
}
