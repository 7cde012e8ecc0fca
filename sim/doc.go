// Package sim is the experiment harness behind "p2pir sim": it spreads the
// documents of standard test collections over the nodes of a network (by
// interest domain and, within a domain, by content cluster or at random),
// gives every node a simulated person who issues the domain's training
// queries and marks the results from the relevance judgments, runs gossip
// rounds, and measures each round, on held-out test queries, the quality
// (nDCG@10, MAP, recall@100, also as a ratio to a central index over all
// documents), the cost (peers contacted, messages, bytes per query, latency
// percentiles) of every routing strategy, the clustering of the nodes
// against their true domains (purity, NMI) and the recommendations against
// popularity and random baselines. Results are written as results.csv,
// summary.md and PNG plots; the same seed and configuration give the same
// numbers (latency aside, which is wall-clock).
//
// The network is an interface (Net), so the same harness drives real nodes
// (in memory, over loopback or as processes) and the reference network of
// this package (ReferenceNet), which searches real indexes but has no gossip
// and no RPC: it exists to test the harness's own invariants.
package sim
