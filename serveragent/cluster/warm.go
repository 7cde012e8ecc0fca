package cluster

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// memo is what a Result remembers of its points for Recluster: enough to
// tell which points are new, gone or moved, without keeping the vectors.
type memo struct {
	cfg    Config    // the resolved config
	ids    []string  // the clustered IDs, ascending (the rows)
	hashes []rowHash // hash of each row's unit vector
	// split is the clustering of k ≥ 2 a warm run starts from: the
	// Result's centroids when K ≥ 2, else those of the best k ≥ 2 of
	// the last search (nil when none could be seeded); splitSil is its
	// silhouette at the last search.
	split    [][]float64
	splitSil float64
	k        int       // len(split)
	sims     []float32 // len(ids)×k, row-major: cosine of each row to each centroid of split (float32 is far finer than any MoveTol)
}

// rowHash is the first half of the SHA-256 of a row's unit vector: no
// peer can make two rows collide (2⁶⁴ work), at half the memory.
type rowHash [16]byte

// Recluster clusters points again, starting from prev, the Result of an
// earlier Cluster or Recluster call (the zero Result means none):
//
//   - when the points (their IDs and unit vectors, zero vectors
//     included) and the resolved cfg are those of prev, it returns prev
//     with Origin Unchanged, without clustering;
//   - else, when prev was made with the same resolved cfg fewer than
//     cfg.SearchEvery-1 warm runs ago, and at most a share cfg.MaxChange
//     of the points (of prev's and these together) is new, gone or
//     moved (its cosine to one of the starting centroids changed by more
//     than cfg.MoveTol), it runs Lloyd once from prev's split: prev's
//     centroids when prev.K ≥ 2, else those of the best k ≥ 2 of the
//     last search (each point starts at its nearest centroid). Unless
//     the run's silhouette falls more than cfg.SilhouetteDrop below that
//     split's silhouette at the last search, it keeps the run (Origin
//     Warm): as the clustering when its silhouette exceeds
//     cfg.MinSilhouette, else as the split to start from next time with
//     one cluster as the clustering, as Cluster decides;
//   - otherwise it searches k afresh exactly as Cluster does (Origin
//     Searched), with the same Result as Cluster.
//
// A warm run costs one Lloyd run and one silhouette instead of Restarts
// runs and a silhouette for every k. The Result is a pure function of
// (points, cfg, prev): the same points in any order, with the same cfg
// and an identical prev, give an identical Result. Errors are those of
// Cluster.
func Recluster(ctx context.Context, points []Point, cfg Config, prev Result) (Result, error) {
	c, err := cfg.resolve()
	if err != nil {
		return Result{}, err
	}
	ds, err := prepare(points)
	if err != nil {
		return Result{}, err
	}
	hashes := hashRows(ds.x)
	m := prev.memo
	if m == nil || m.cfg != c {
		return search(ctx, ds, hashes, c)
	}
	if slices.Equal(m.ids, ds.ids) && slices.Equal(m.hashes, hashes) && slices.Equal(prev.Excluded, ds.excluded) {
		out := prev
		out.Origin = Unchanged
		return out, nil
	}
	n, k := len(ds.ids), m.k
	if k < 2 || n <= k || prev.WarmRuns+1 >= c.SearchEvery || len(m.split[0]) != ds.dim {
		return search(ctx, ds, hashes, c)
	}
	init := mat.NewDense(k, ds.dim, nil)
	for j, cj := range m.split {
		init.SetRow(j, cj)
	}
	sims := mat.NewDense(n, k, nil)
	sims.Mul(ds.x, init.T())
	if changedShare(m, ds.ids, hashes, sims, c.MoveTol) > c.MaxChange {
		return search(ctx, ds, hashes, c)
	}
	r, err := lloyd(ctx, ds.x, init, c.MaxIter, c.Tol, nil)
	if err != nil {
		return Result{}, err
	}
	s := silhouette(ds.x, r.assign, k)
	if s < m.splitSil-c.SilhouetteDrop {
		return search(ctx, ds, hashes, c)
	}
	split := relabel(r)
	best, sil := split, s
	if s <= c.MinSilhouette { // still no structure: one cluster
		best, sil = relabel(single(ds.x)), 0
	}
	res := newResult(ds, hashes, best, sil, c, split, m.splitSil)
	res.Candidates = []Candidate{{K: k, Silhouette: s, Inertia: r.inertia}}
	res.Origin, res.WarmRuns, res.SearchSilhouette = Warm, prev.WarmRuns+1, prev.SearchSilhouette
	return res, nil
}

// changedShare is the share of points new, gone or moved between the
// points of m and the rows ids (ascending) of hashes, whose cosines to
// m's centroids are the rows of sims: a point in both moved when its row
// changed and some cosine differs from m's by more than tol. The share is
// of the points in either.
func changedShare(m *memo, ids []string, hashes []rowHash, sims *mat.Dense, tol float64) float64 {
	changed, union := 0, 0
	i, j := 0, 0
	for i < len(m.ids) || j < len(ids) {
		union++
		switch {
		case j == len(ids) || (i < len(m.ids) && m.ids[i] < ids[j]): // gone
			changed++
			i++
		case i == len(m.ids) || ids[j] < m.ids[i]: // new
			changed++
			j++
		default:
			if m.hashes[i] != hashes[j] && moved(m.sims[i*m.k:(i+1)*m.k], sims.RawRowView(j), tol) {
				changed++
			}
			i++
			j++
		}
	}
	if union == 0 {
		return 0
	}
	return float64(changed) / float64(union)
}

// moved reports whether some cosine of a and b differs by more than tol.
func moved(a []float32, b []float64, tol float64) bool {
	for j := range a {
		if math.Abs(float64(a[j])-b[j]) > tol {
			return true
		}
	}
	return false
}

// hashRows is the rowHash of each row of x (nil for nil x): equal hashes
// mean, but for a collision no peer can make, equal rows.
func hashRows(x *mat.Dense) []rowHash {
	if x == nil {
		return nil
	}
	n, d := x.Dims()
	out := make([]rowHash, n)
	buf := make([]byte, 0, 8*d)
	for i := range n {
		buf = buf[:0]
		for _, v := range x.RawRowView(i) {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
		}
		sum := sha256.Sum256(buf)
		out[i] = rowHash(sum[:16])
	}
	return out
}
