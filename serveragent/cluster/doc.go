// Package cluster groups users by interest: spherical k-means over their
// fingerprints (unit vectors, compared by cosine), with the number of
// clusters chosen by the mean silhouette over a small range of k, or one
// cluster when no split is clearly better.
//
// The server agent calls Recluster with the fingerprints it knows after
// every gossip round, keeps the Result, and uses Result.Nearest to place a
// query or a new node, and Result.Members to find the peers of a cluster.
// The package is pure: plain data in, plain data out, no network or disk.
//
// # Algorithm
//
// Points are sorted by ID, scaled to unit length (cosine ignores length)
// and zero vectors, people who share no interest, are set aside and
// reported in Result.Excluded. For every k in [MinK, min(MaxK, n-1)]:
//
//   - k-means++ seeding (Arthur and Vassilvitskii 2007) with the cosine
//     distance 1-cos, which on the unit sphere is half the squared
//     Euclidean distance, so sampling in proportion to it is exactly the
//     D² weighting of k-means++;
//   - Lloyd iterations of spherical k-means (Dhillon and Modha 2001): each
//     point goes to the centroid of highest cosine, each centroid becomes
//     the normalised sum of its members; a cluster left empty is re-seeded
//     with the point farthest from its centroid (lowest index on ties);
//   - Restarts independent seedings, keeping the run of least inertia
//     Σ(1 - cos(x, centroid)), which no iteration increases;
//   - the mean silhouette (Rousseeuw 1987) with the cosine distance.
//
// The k of highest silhouette wins (the smaller k on ties), provided its
// silhouette exceeds Config.MinSilhouette (default 0.25, below which
// Kaufman and Rousseeuw find no substantial structure); otherwise the
// points are one cluster. The silhouette cannot score k = 1, so without
// this rule any three distinct points of one topic would be split in two.
// With fewer than three points, or fewer than two distinct directions, no
// k ≥ 2 fits and the result is one cluster.
//
// # Re-clustering
//
// Recluster takes the previous Result besides the points. When the points
// are those of the previous Result it returns it (Origin Unchanged). When
// they moved little (at most Config.MaxChange of them new, gone, or with a
// cosine to a previous centroid changed by more than Config.MoveTol), it
// runs Lloyd once from the previous centroids (Origin Warm) — or, when the
// previous Result is one cluster, from the best split of k ≥ 2 its search
// found — and keeps the run unless its silhouette falls more than
// Config.SilhouetteDrop below that split's at the last full search; a
// silhouette at most MinSilhouette gives one cluster, as in Cluster. Otherwise, and at least every Config.SearchEvery re-clusterings,
// it searches k afresh as Cluster does (Origin Searched). A warm run costs
// one Lloyd run and one silhouette, against Restarts runs and a
// silhouette for each k of a search. A Result remembers of its points only
// their IDs, half a SHA-256 of each unit vector and its cosines (float32) to the
// centroids: O(n·k) memory, not the n×d vectors.
//
// # Determinism
//
// The random generator of each k is PCG seeded with (Config.Seed, k), so
// the result for one k does not depend on which other k were tried, and
// since points are sorted by ID first, the same points in any order with
// the same seed give an identical Result on the same machine. Clusters are
// numbered by their first member in ID order. Recluster is a pure function
// of (points, cfg, previous Result): the same points in any order with the
// same cfg and previous Result give an identical Result, so a chain of
// re-clusterings is reproduced from the same inputs.
//
// # Cost
//
// With n points of d dimensions, R restarts and at most I iterations per
// run, one k costs O(R·I·n·k·d) time for the iterations (one matrix
// product X·Cᵀ per iteration, through gonum's BLAS) plus O(n·k·d) for the
// seeding and for the silhouette. The silhouette is exact, not sampled: for
// unit vectors the mean cosine distance from a point to a cluster is
// 1 - x·S/|C|, with S the sum of the cluster's vectors, so no pairwise
// distances are needed. Memory is O(n·d + n·k). The whole range of k costs
// O(R·I·n·d·Σk); 10,000 fingerprints of 1,024 dimensions with k in 2..8
// take a few seconds.
package cluster
