package cluster

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// blobs makes groups×per noisy unit vectors in dim dimensions around
// groups random directions: each is its direction plus Gaussian noise of
// expected norm noise, normalised. With noise 0.8 a point's cosine to its
// direction is about 0.78, while random directions in 64 or more
// dimensions are nearly orthogonal. IDs are shuffled so that ID order
// interleaves the groups. It returns the points and each ID's group.
func blobs(seed uint64, groups, per, dim int, noise float64) ([]Point, map[string]int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	centres := make([][]float64, groups)
	for g := range centres {
		centres[g] = randomUnit(rng, dim)
	}
	n := groups * per
	names := rng.Perm(n)
	points := make([]Point, 0, n)
	truth := make(map[string]int, n)
	sigma := noise / math.Sqrt(float64(dim))
	for i := range n {
		g := i % groups
		v := make([]float64, dim)
		for j := range v {
			v[j] = centres[g][j] + sigma*rng.NormFloat64()
		}
		floats.Scale(1/floats.Norm(v, 2), v)
		id := fmt.Sprintf("u%05d", names[i])
		points = append(points, Point{ID: id, Vec: v})
		truth[id] = g
	}
	return points, truth
}

// randomUnit is a direction drawn uniformly from the unit sphere.
func randomUnit(rng *rand.Rand, dim int) []float64 {
	v := make([]float64, dim)
	for j := range v {
		v[j] = rng.NormFloat64()
	}
	floats.Scale(1/floats.Norm(v, 2), v)
	return v
}

// samePartition reports whether two labellings of the same IDs put the
// same IDs together, whatever the label numbers.
func samePartition(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	ab, ba := map[int]int{}, map[int]int{}
	for id, la := range a {
		lb, ok := b[id]
		if !ok {
			return false
		}
		if x, ok := ab[la]; ok && x != lb {
			return false
		}
		if x, ok := ba[lb]; ok && x != la {
			return false
		}
		ab[la], ba[lb] = lb, la
	}
	return true
}

// matrixOf stacks vectors (normalised) as the rows of a matrix.
func matrixOf(vecs ...[]float64) *mat.Dense {
	x := mat.NewDense(len(vecs), len(vecs[0]), nil)
	for i, v := range vecs {
		row := x.RawRowView(i)
		copy(row, v)
		floats.Scale(1/floats.Norm(row, 2), row)
	}
	return x
}

// bruteSilhouette is the textbook definition, with every pairwise cosine
// distance: the reference the fast silhouette is checked against.
func bruteSilhouette(x *mat.Dense, assign []int) float64 {
	n, _ := x.Dims()
	dist := func(i, j int) float64 { return 1 - floats.Dot(x.RawRowView(i), x.RawRowView(j)) }
	total := 0.0
	for i := range n {
		sum := map[int]float64{}
		cnt := map[int]int{}
		for j := range n {
			if j != i {
				sum[assign[j]] += dist(i, j)
				cnt[assign[j]]++
			}
		}
		if cnt[assign[i]] == 0 {
			continue
		}
		a := sum[assign[i]] / float64(cnt[assign[i]])
		b := math.Inf(1)
		for c, s := range sum {
			if c != assign[i] {
				b = min(b, s/float64(cnt[c]))
			}
		}
		if math.IsInf(b, 1) || max(a, b) == 0 {
			continue
		}
		total += (b - a) / max(a, b)
	}
	return total / float64(n)
}
