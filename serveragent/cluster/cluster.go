package cluster

import (
	"context"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Cluster groups points by spherical k-means, choosing k in
// [cfg.MinK, min(cfg.MaxK, n-1)] by the mean silhouette, or k = 1 when
// no such k has a silhouette above cfg.MinSilhouette (see the package
// documentation). Zero vectors are left out and listed in
// Result.Excluded. No points, or only zero vectors, give K = 0; fewer than
// three points, or fewer than two distinct directions, give K = 1.
//
// The same points, in any order, with the same cfg give an identical
// Result. Cluster returns an error, and clusters nothing, for a bad
// config (ErrBadConfig), bad points (ErrBadPoint) or when ctx ends; it
// never modifies points.
func Cluster(ctx context.Context, points []Point, cfg Config) (Result, error) {
	return Recluster(ctx, points, cfg, Result{}) // nothing to start from: the search
}

// search is the full search of k over the prepared points ds (whose rows
// hash to hashes) with the resolved config c: the body of Cluster.
func search(ctx context.Context, ds dataset, hashes []rowHash, c Config) (Result, error) {
	n := len(ds.ids)
	if n == 0 {
		return newResult(ds, hashes, run{}, 0, c, run{}, 0), nil
	}
	var best run
	var cands []Candidate
	sil := 0.0
	found := false
	// k ≤ n-1: the silhouette needs a cluster with two members. A MinK
	// above the cap is lowered to it, so some k ≥ 2 is always tried when
	// n ≥ 3.
	hi := min(c.MaxK, n-1)
	for k := max(2, min(c.MinK, hi)); k <= hi; k++ {
		r, ok, err := bestRun(ctx, ds.x, k, c)
		if err != nil {
			return Result{}, err
		}
		if !ok {
			continue // fewer distinct directions than k
		}
		s := silhouette(ds.x, r.assign, k)
		cands = append(cands, Candidate{K: k, Silhouette: s, Inertia: r.inertia})
		if !found || s > sil {
			best, sil, found = r, s, true
		}
	}
	var split run // the best k ≥ 2: what Recluster starts from next time
	splitSil := sil
	if found {
		split = relabel(best)
		best = split
	}
	if !found || sil <= c.MinSilhouette {
		// No split separates the points clearly better than none: one
		// cluster (the silhouette of one cluster is undefined, reported 0).
		best, sil = relabel(single(ds.x)), 0
	}
	res := newResult(ds, hashes, best, sil, c, split, splitSil)
	res.Candidates = cands
	res.Origin, res.SearchSilhouette = Searched, sil
	return res, nil
}

// newResult is the Result of the run best (relabelled; ignored when ds
// has no rows) of silhouette sil over ds, with the memo Recluster needs:
// split (relabelled, or the zero run when no k ≥ 2 could be seeded) is
// the run of k ≥ 2 a warm re-clustering starts from, of silhouette
// splitSil; best itself unless best is one cluster.
func newResult(ds dataset, hashes []rowHash, best run, sil float64, c Config, split run, splitSil float64) Result {
	res := Result{Assign: make(map[string]int, len(ds.ids)), Excluded: ds.excluded, Silhouette: sil}
	m := &memo{cfg: c, ids: ds.ids, hashes: hashes}
	res.memo = m
	if len(ds.ids) == 0 {
		return res
	}
	k, _ := best.centroids.Dims()
	res.K, res.Inertia, res.Sizes = k, best.inertia, best.sizes
	for i, id := range ds.ids {
		res.Assign[id] = best.assign[i]
	}
	res.Centroids = make([][]float64, k)
	for j := range k {
		res.Centroids[j] = slices.Clone(best.centroids.RawRowView(j))
	}
	if split.centroids == nil {
		return res
	}
	sk, _ := split.centroids.Dims()
	m.split, m.splitSil, m.k = res.Centroids, splitSil, sk
	if split.centroids != best.centroids {
		m.split = make([][]float64, sk)
		for j := range sk {
			m.split[j] = slices.Clone(split.centroids.RawRowView(j))
		}
	}
	sims := mat.NewDense(len(ds.ids), sk, nil)
	sims.Mul(ds.x, split.centroids.T())
	m.sims = make([]float32, len(ds.ids)*sk)
	for i, v := range sims.RawMatrix().Data {
		m.sims[i] = float32(v)
	}
	return res
}

// bestRun runs spherical k-means cfg.Restarts times from k-means++ seeds
// drawn from a generator seeded with (cfg.Seed, k), and returns the run of
// least inertia (the first on ties). It reports false when x has fewer
// than k distinct directions.
func bestRun(ctx context.Context, x *mat.Dense, k int, cfg Config) (run, bool, error) {
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(k)))
	var best run
	for r := range cfg.Restarts {
		init, ok := seedPlusPlus(x, k, rng)
		if !ok {
			return run{}, false, nil
		}
		got, err := lloyd(ctx, x, init, cfg.MaxIter, cfg.Tol, nil)
		if err != nil {
			return run{}, false, err
		}
		if r == 0 || got.inertia < best.inertia {
			best = got
		}
	}
	return best, true, nil
}

// single is the one-cluster clustering of the unit rows of x: the centroid
// is their normalised sum, or the first row when they cancel out.
func single(x *mat.Dense) run {
	n, d := x.Dims()
	sum := make([]float64, d)
	for i := range n {
		floats.Add(sum, x.RawRowView(i))
	}
	c := mat.NewDense(1, d, nil)
	if norm := floats.Norm(sum, 2); norm > sameDirection {
		floats.ScaleTo(c.RawRowView(0), 1/norm, sum)
	} else {
		c.SetRow(0, x.RawRowView(0))
	}
	return run{
		assign:    make([]int, n),
		centroids: c,
		sizes:     []int{n},
		inertia:   float64(n) - floats.Dot(sum, c.RawRowView(0)),
	}
}

// relabel numbers the clusters of r by their first member (lowest row
// index), so that labels do not depend on the order of the seeds.
func relabel(r run) run {
	k, d := r.centroids.Dims()
	newOf := make([]int, k)
	for j := range newOf {
		newOf[j] = -1
	}
	next := 0
	for _, a := range r.assign {
		if newOf[a] < 0 {
			newOf[a] = next
			next++
		}
	}
	for j := range newOf { // clusters without members (none after lloyd) go last
		if newOf[j] < 0 {
			newOf[j] = next
			next++
		}
	}
	out := run{
		assign:    make([]int, len(r.assign)),
		centroids: mat.NewDense(k, d, nil),
		sizes:     make([]int, k),
		inertia:   r.inertia,
		iters:     r.iters,
	}
	for i, a := range r.assign {
		out.assign[i] = newOf[a]
	}
	for j := range k {
		out.centroids.SetRow(newOf[j], r.centroids.RawRowView(j))
		out.sizes[newOf[j]] = r.sizes[j]
	}
	return out
}
