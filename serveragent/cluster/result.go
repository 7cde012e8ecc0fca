package cluster

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
)

// Result is a clustering of the points given to Cluster.
type Result struct {
	// K is the number of clusters: 0 when no point had a non-zero
	// vector, 1 when no k ≥ 2 fits (fewer than three points, or fewer
	// than two distinct directions) or none has a silhouette above
	// Config.MinSilhouette, else the k of best silhouette.
	K int
	// Assign maps the ID of every clustered point to its cluster in
	// [0, K). Excluded points are not in it. Clusters are numbered by
	// their first member in ID order: cluster 0 holds the smallest ID.
	Assign map[string]int
	// Centroids are the K cluster centres, unit vectors: the normalised
	// sum of each cluster's (unit) vectors.
	Centroids [][]float64
	// Sizes is the number of members of each cluster (all > 0).
	Sizes []int
	// Silhouette is the mean silhouette of the clustering with the cosine
	// distance, in [-1, 1]; 0 when K < 2.
	Silhouette float64
	// Inertia is Σ (1 - cos(point, its centroid)), the objective spherical
	// k-means minimises.
	Inertia float64
	// Excluded lists, in ID order, the points whose vector was all zeros
	// (people who share no interest): they belong to no cluster.
	Excluded []string
	// Candidates holds each k ≥ 2 tried, ascending, with its silhouette
	// and inertia (also when one cluster was kept); a k that could not be seeded (fewer distinct directions
	// than k) is left out.
	Candidates []Candidate

	// Origin says how the Result was made: a full search of k, a warm
	// run from the previous centroids, or the previous Result reused.
	Origin Origin
	// WarmRuns is the number of warm re-clusterings in a row that led to
	// this Result since the last full search of k: 0 for a full search.
	WarmRuns int
	// SearchSilhouette is the silhouette of the last full search of k,
	// the bar a warm re-clustering is held to (see
	// Config.SilhouetteDrop); it equals Silhouette after a full search.
	SearchSilhouette float64

	memo *memo // what Recluster compares the next points with; nil for the zero Result
}

// Origin says how a Result was made.
type Origin int

const (
	// Searched is a full search of k: Restarts k-means++ runs for every
	// k tried, chosen by silhouette (Cluster, and Recluster when it falls
	// back).
	Searched Origin = iota
	// Warm is one Lloyd run of the previous k from the previous
	// centroids (Recluster).
	Warm
	// Unchanged is the previous Result, returned as it was because the
	// points were the same (Recluster).
	Unchanged
)

// String names the origin for people: "searched", "warm" or "unchanged".
func (o Origin) String() string {
	switch o {
	case Searched:
		return "searched"
	case Warm:
		return "warm"
	case Unchanged:
		return "unchanged"
	}
	return "unknown"
}

// Candidate is the outcome for one k tried by Cluster.
type Candidate struct {
	// K is the number of clusters.
	K int
	// Silhouette is the mean silhouette of the best run for K.
	Silhouette float64
	// Inertia is the inertia of the best run for K.
	Inertia float64
}

// Nearest returns the cluster whose centroid is most similar to vec, by
// cosine (vec need not be of unit length), and that similarity; the lower
// cluster wins a tie. It returns (-1, 0) when there is no cluster, or vec
// has another length than the centroids, a NaN or infinite entry, or no
// non-zero entry (a person who shares nothing belongs nowhere).
func (r Result) Nearest(vec []float64) (cluster int, sim float64) {
	if len(r.Centroids) == 0 || len(vec) != len(r.Centroids[0]) {
		return -1, 0
	}
	for _, v := range vec {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return -1, 0
		}
	}
	u := make([]float64, len(vec))
	if !unitTo(u, vec) {
		return -1, 0
	}
	cluster, sim = -1, math.Inf(-1)
	for j, c := range r.Centroids {
		if s := floats.Dot(c, u); s > sim {
			cluster, sim = j, s
		}
	}
	return cluster, max(-1, min(1, sim))
}

// Members returns the IDs assigned to cluster c, in ID order; nil when c
// is not a cluster of r.
func (r Result) Members(c int) []string {
	if c < 0 || c >= r.K {
		return nil
	}
	var ids []string
	for id, a := range r.Assign {
		if a == c {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}
