package cluster

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// ErrBadPoint is returned (wrapped) for input that cannot be clustered:
// an empty or repeated ID, an empty vector, vectors of different lengths,
// or a NaN or infinite entry. Nothing is clustered then.
var ErrBadPoint = errors.New("bad point")

// Point is one user's fingerprint.
type Point struct {
	// ID names the user (or node); unique and non-empty.
	ID string
	// Vec is the fingerprint: a unit vector, or all zeros for a person who
	// shares nothing. Other lengths are scaled to unit length (cosine
	// ignores length); zero vectors are excluded from the clustering.
	// Cluster neither keeps nor modifies it.
	Vec []float64
}

// dataset is the clustering input after checking: points sorted by ID,
// zero vectors set aside, the rest as rows of unit length.
type dataset struct {
	ids      []string   // IDs of the rows of x, ascending
	x        *mat.Dense // n×dim, unit rows; nil when n == 0
	dim      int        // common vector length
	excluded []string   // IDs of zero vectors, ascending
}

// prepare checks points and builds the dataset. It copies: the caller's
// slices are left as they were.
func prepare(points []Point) (dataset, error) {
	var ds dataset
	if len(points) == 0 {
		return ds, nil
	}
	order := make([]int, len(points))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(points[a].ID, points[b].ID) })

	first := points[order[0]]
	ds.dim = len(first.Vec)
	if first.ID == "" {
		return dataset{}, fmt.Errorf("cluster: %w: empty ID", ErrBadPoint)
	}
	if ds.dim == 0 {
		return dataset{}, fmt.Errorf("cluster: %w %q: empty vector", ErrBadPoint, first.ID)
	}
	data := make([]float64, 0, len(points)*ds.dim)
	for k, i := range order {
		p := points[i]
		if k > 0 && p.ID == points[order[k-1]].ID {
			return dataset{}, fmt.Errorf("cluster: %w %q: ID appears twice", ErrBadPoint, p.ID)
		}
		if len(p.Vec) != ds.dim {
			return dataset{}, fmt.Errorf("cluster: %w %q: %d dimensions, but %q has %d",
				ErrBadPoint, p.ID, len(p.Vec), first.ID, ds.dim)
		}
		for j, v := range p.Vec {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return dataset{}, fmt.Errorf("cluster: %w %q: entry %d is %v", ErrBadPoint, p.ID, j, v)
			}
		}
		if !unitTo(data[len(data):len(data)+ds.dim], p.Vec) {
			ds.excluded = append(ds.excluded, p.ID)
			continue
		}
		data = data[:len(data)+ds.dim]
		ds.ids = append(ds.ids, p.ID)
	}
	if len(ds.ids) > 0 {
		ds.x = mat.NewDense(len(ds.ids), ds.dim, data)
	}
	return ds, nil
}

// unitTo writes src scaled to unit length into dst (same length) and
// reports true, or reports false when src is all zeros. src must be
// finite. Dividing by the largest entry first keeps the norm from
// overflowing or underflowing.
func unitTo(dst, src []float64) bool {
	maxAbs := 0.0
	for _, v := range src {
		maxAbs = max(maxAbs, math.Abs(v))
	}
	if maxAbs == 0 {
		return false
	}
	for j, v := range src {
		dst[j] = v / maxAbs
	}
	floats.Scale(1/floats.Norm(dst, 2), dst)
	return true
}
