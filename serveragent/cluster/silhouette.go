package cluster

import (
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// silhouette returns the mean silhouette (Rousseeuw 1987) of the
// clustering assign (values in [0,k)) of the unit rows of x, with the
// cosine distance 1-cos. For point i in cluster A, a(i) is its mean
// distance to the other members of A and b(i) the least mean distance to
// the members of another cluster; s(i) = (b-a)/max(a,b), and 0 when A has
// one member (or a = b = 0). The result is in [-1, 1].
//
// It is exact, without pairwise distances: for unit vectors the mean
// distance from x_i to a cluster C with vector sum S_C is 1 - x_i·S_C/|C|,
// and to C without x_i itself 1 - (x_i·S_C - x_i·x_i)/(|C|-1). Cost
// O(n·k·d).
func silhouette(x *mat.Dense, assign []int, k int) float64 {
	n, d := x.Dims()
	if n == 0 {
		return 0
	}
	sums := mat.NewDense(k, d, nil)
	sizes := make([]int, k)
	for i, a := range assign {
		floats.Add(sums.RawRowView(a), x.RawRowView(i))
		sizes[a]++
	}
	p := mat.NewDense(n, k, nil)
	p.Mul(x, sums.T())
	total := 0.0
	for i, own := range assign {
		if sizes[own] < 2 {
			continue // s(i) = 0 for a singleton
		}
		row := p.RawRowView(i)
		xi := x.RawRowView(i)
		a := max(0, 1-(row[own]-floats.Dot(xi, xi))/float64(sizes[own]-1))
		b := -1.0
		for j, size := range sizes {
			if j == own || size == 0 {
				continue
			}
			if bj := max(0, 1-row[j]/float64(size)); b < 0 || bj < b {
				b = bj
			}
		}
		if b < 0 { // no other cluster
			continue
		}
		if m := max(a, b); m > 0 {
			total += (b - a) / m
		}
	}
	return total / float64(n)
}
