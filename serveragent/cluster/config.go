package cluster

import (
	"errors"
	"fmt"
	"math"
)

// Defaults of Config; a zero field means its default.
const (
	// DefaultMinK is the smallest number of clusters tried.
	DefaultMinK = 2
	// DefaultMaxK is the largest number of clusters tried (before the cap
	// of n-1 points).
	DefaultMaxK = 8
	// DefaultMaxIter bounds the Lloyd iterations of one run.
	DefaultMaxIter = 50
	// DefaultRestarts is the number of k-means++ seedings per k.
	DefaultRestarts = 4
	// DefaultTol is the convergence tolerance: the mean improvement of
	// the cosine distance per point below which a run stops.
	DefaultTol = 1e-6
	// DefaultMinSilhouette is the mean silhouette a split must exceed to
	// be preferred to one cluster: Kaufman and Rousseeuw (1990) read a
	// silhouette of 0.25 or less as "no substantial structure".
	DefaultMinSilhouette = 0.25
	// DefaultSearchEvery is how often Recluster searches k afresh at
	// the latest: at least one re-clustering in 8 is a full search.
	DefaultSearchEvery = 8
	// DefaultMaxChange is the share of points new, removed or moved
	// since the last clustering above which Recluster searches k afresh.
	// In the simulator (100 nodes, 4 rounds) warm runs from up to 80%
	// changed points found the k and the silhouette (±0.0003) of a full
	// search every time; half is the cautious side of that.
	DefaultMaxChange = 0.5
	// DefaultMoveTol is the change of a point's cosine to some previous
	// centroid above which Recluster counts the point as moved.
	DefaultMoveTol = 0.05
	// DefaultSilhouetteDrop is how far below the silhouette of the last
	// full search a warm re-clustering's silhouette may fall before
	// Recluster searches k afresh.
	DefaultSilhouetteDrop = 0.05
)

// ErrBadConfig is returned (wrapped) for a Config that cannot be used.
var ErrBadConfig = errors.New("bad config")

// Config tunes Cluster. Its zero value is usable: every zero field takes
// its default.
type Config struct {
	// MinK is the smallest k ≥ 2 tried; at least 2, since the silhouette
	// is undefined for one cluster (one cluster is always a candidate,
	// see MinSilhouette). With fewer points, it is lowered to the cap on MaxK (so 5
	// points with MinK 6 try k = 4). Zero means DefaultMinK (2).
	MinK int
	// MaxK is the largest k tried; it is capped at n-1 for n points and,
	// in effect, at the number of distinct directions. Zero means
	// DefaultMaxK (8).
	MaxK int
	// MaxIter bounds the Lloyd iterations of each run. Zero means
	// DefaultMaxIter (50).
	MaxIter int
	// Restarts is the number of k-means++ seedings per k; the run of
	// least inertia is kept. Zero means DefaultRestarts (4).
	Restarts int
	// Seed seeds the random generator (PCG). Every value, zero included,
	// is a valid seed; the same seed gives the same result.
	Seed uint64
	// Tol stops a run when an iteration lowers the inertia by no more
	// than Tol·n, i.e. the mean cosine distance by no more than Tol. A
	// run also stops when no point changes cluster. Zero means
	// DefaultTol (1e-6).
	Tol float64
	// MinSilhouette is the mean silhouette the best k ≥ 2 must exceed to
	// be chosen; otherwise the points are one cluster, since no split
	// separates them much better than none (a group of people with one
	// topic). It must be in [-1, 1); -1 splits whenever some k ≥ 2 can
	// be seeded. Zero means DefaultMinSilhouette (0.25).
	MinSilhouette float64

	// SearchEvery bounds the warm re-clusterings (see Recluster): after
	// SearchEvery-1 of them in a row, the next re-clustering searches k
	// afresh. 1 makes every re-clustering a full search. Zero means
	// DefaultSearchEvery (8).
	SearchEvery int
	// MaxChange is the share of points, among those of the last
	// clustering and of this one, that are new, gone or moved (see
	// MoveTol) above which Recluster searches k afresh instead of
	// starting from the last centroids; in (0, 1]. Zero means
	// DefaultMaxChange (0.5).
	MaxChange float64
	// MoveTol is how much a point's cosine to one of the last centroids
	// may change before Recluster counts the point as moved; in (0, 2].
	// Zero means DefaultMoveTol (0.05).
	MoveTol float64
	// SilhouetteDrop is how far a warm re-clustering's silhouette may
	// fall below that of the last full search before Recluster throws
	// it away and searches k afresh; in (0, 2]. Zero means
	// DefaultSilhouetteDrop (0.05).
	SilhouetteDrop float64
}

// DefaultConfig returns the defaults: k in 2..8, 50 iterations, 4
// restarts, seed 0, tolerance 1e-6, one cluster unless a split has a
// silhouette above 0.25; Recluster searches k afresh at least every 8
// re-clusterings, when more than half of the points are new, gone or moved
// by more than 0.05 in cosine, or when the silhouette falls by more than
// 0.05.
func DefaultConfig() Config {
	return Config{
		MinK:           DefaultMinK,
		MaxK:           DefaultMaxK,
		MaxIter:        DefaultMaxIter,
		Restarts:       DefaultRestarts,
		Tol:            DefaultTol,
		MinSilhouette:  DefaultMinSilhouette,
		SearchEvery:    DefaultSearchEvery,
		MaxChange:      DefaultMaxChange,
		MoveTol:        DefaultMoveTol,
		SilhouetteDrop: DefaultSilhouetteDrop,
	}
}

// resolve fills in defaults for zero fields and checks the result.
func (c Config) resolve() (Config, error) {
	d := DefaultConfig()
	if c.MinK == 0 {
		c.MinK = d.MinK
	}
	if c.MaxK == 0 {
		c.MaxK = d.MaxK
	}
	if c.MaxIter == 0 {
		c.MaxIter = d.MaxIter
	}
	if c.Restarts == 0 {
		c.Restarts = d.Restarts
	}
	if c.Tol == 0 {
		c.Tol = d.Tol
	}
	if c.MinSilhouette == 0 {
		c.MinSilhouette = d.MinSilhouette
	}
	if c.SearchEvery == 0 {
		c.SearchEvery = d.SearchEvery
	}
	if c.MaxChange == 0 {
		c.MaxChange = d.MaxChange
	}
	if c.MoveTol == 0 {
		c.MoveTol = d.MoveTol
	}
	if c.SilhouetteDrop == 0 {
		c.SilhouetteDrop = d.SilhouetteDrop
	}
	switch {
	case c.MinK < 2:
		return c, fmt.Errorf("cluster: %w: MinK %d, want at least 2", ErrBadConfig, c.MinK)
	case c.MaxK < c.MinK:
		return c, fmt.Errorf("cluster: %w: MaxK %d below MinK %d", ErrBadConfig, c.MaxK, c.MinK)
	case c.MaxIter < 1:
		return c, fmt.Errorf("cluster: %w: MaxIter %d, want at least 1", ErrBadConfig, c.MaxIter)
	case c.Restarts < 1:
		return c, fmt.Errorf("cluster: %w: Restarts %d, want at least 1", ErrBadConfig, c.Restarts)
	case c.Tol < 0 || math.IsNaN(c.Tol) || math.IsInf(c.Tol, 0):
		return c, fmt.Errorf("cluster: %w: Tol %v, want a finite value ≥ 0", ErrBadConfig, c.Tol)
	case !(c.MinSilhouette >= -1 && c.MinSilhouette < 1): // NaN fails too
		return c, fmt.Errorf("cluster: %w: MinSilhouette %v, want -1 to less than 1", ErrBadConfig, c.MinSilhouette)
	case c.SearchEvery < 1:
		return c, fmt.Errorf("cluster: %w: SearchEvery %d, want at least 1", ErrBadConfig, c.SearchEvery)
	case !(c.MaxChange > 0 && c.MaxChange <= 1):
		return c, fmt.Errorf("cluster: %w: MaxChange %v, want above 0 and at most 1", ErrBadConfig, c.MaxChange)
	case !(c.MoveTol > 0 && c.MoveTol <= 2):
		return c, fmt.Errorf("cluster: %w: MoveTol %v, want above 0 and at most 2", ErrBadConfig, c.MoveTol)
	case !(c.SilhouetteDrop > 0 && c.SilhouetteDrop <= 2):
		return c, fmt.Errorf("cluster: %w: SilhouetteDrop %v, want above 0 and at most 2", ErrBadConfig, c.SilhouetteDrop)
	}
	return c, nil
}
