package sim

import (
	"context"
	"time"
)

// Net is the network an experiment runs on: N nodes, each with one person.
// Node numbers are 0..Nodes()-1. The harness calls it from one goroutine,
// except that a Net implementing ConcurrentNet (and answering true) has
// Search and Mark called concurrently for different nodes, never for the
// same node at once and never during Round, Clusters, Members, Recommend
// or AddDocuments.
// The real-node implementation (memory, loopback, processes) plugs in
// through a NewNetFunc; ReferenceNet is this package's reference network.
type Net interface {
	// Nodes is the number of nodes.
	Nodes() int
	// AddDocuments indexes docs on node i as its shared documents.
	AddDocuments(ctx context.Context, i int, docs []Document) error
	// Search runs text (plain words) for node i's person with strategy
	// StrategyLocal, StrategyFlood, StrategyWalk or StrategyInterest, and
	// returns the top k URLs, best first, with the query's trace.
	Search(ctx context.Context, i int, text, strategy string, k int) (SearchResult, error)
	// Mark records node i's person's judgment of url, a result of the
	// search queryID (SearchResult.QueryID).
	Mark(ctx context.Context, i int, queryID, url string, interested bool) error
	// Round runs one gossip round on every node and re-clusters.
	Round(ctx context.Context) error
	// Clusters returns each node's cluster label as the nodes see it
	// themselves; -1 for a node in no cluster.
	Clusters(ctx context.Context) ([]int, error)
	// Members returns how many members (itself included) each node knows.
	Members(ctx context.Context) ([]int, error)
	// Recommend returns node i's recommendations from peers, URLs best first.
	Recommend(ctx context.Context, i int, k int) ([]string, error)
	// Carried returns what the network carried since it started, counted
	// where the messages arrive, for checks against the traces.
	Carried() Traffic
	// Close stops every node and frees what they hold.
	Close() error
}

// ConcurrentNet is a Net whose Search and Mark are safe to call
// concurrently for different nodes, with results that do not depend on
// how those calls interleave. Networks of real nodes in this process
// (memory, loopback) implement it; the reference network and the
// processes network do not, and run with one search at a time.
type ConcurrentNet interface {
	Net
	// ConcurrentNodes reports whether Search and Mark may be called
	// concurrently for different nodes.
	ConcurrentNodes() bool
}

// parallelism returns how many people may search at once on n.
func parallelism(n Net, want int) int {
	if c, ok := n.(ConcurrentNet); ok && c.ConcurrentNodes() {
		return max(1, want)
	}
	return 1
}

// NewNetFunc builds the network of an experiment with n nodes.
type NewNetFunc func(ctx context.Context, cfg Config, n int) (Net, error)

// SearchResult is the answer to Net.Search and its trace.
type SearchResult struct {
	// QueryID names the search for Mark.
	QueryID string
	// URLs are the results, best first.
	URLs []string
	// Finders are, for each of URLs, the peers (by node number) whose
	// answers held it; empty for a result only the asker's own sources
	// found. Networks of real nodes fill it in.
	Finders [][]int
	// Reached are the nodes (other than the asker) that ran the query,
	// ascending.
	Reached []int
	// PeersContacted is how many distinct peers received the query.
	PeersContacted int
	// Messages is how many search requests were sent, duplicates included
	// (answers are not counted).
	Messages int
	// BytesSent and BytesReceived are the bytes of the requests and of the
	// answers the query caused, over the whole network.
	BytesSent, BytesReceived int64
	// Lost is how many calls between peers went unanswered (timed out,
	// refused, failed or invalid; a duplicate is answered): each makes
	// the results depend on timing.
	Lost int
	// Latency is the wall-clock time of the search.
	Latency time.Duration
}

// Traffic is what a network carried: search requests received by nodes
// (duplicates included) and the bytes of requests and answers.
type Traffic struct {
	// Messages is the number of search requests received.
	Messages int64
	// Bytes is the bytes of those requests and of their answers.
	Bytes int64
}

// SummaryNet is a Net whose nodes exchange collection summaries: the sim
// reports the share of the other nodes' summaries each node holds
// (summaries_known).
type SummaryNet interface {
	// Summaries returns, for each node, how many peers' summaries it holds.
	Summaries(ctx context.Context) ([]int, error)
}

// TrustNet is a Net whose nodes learn a trust per peer from their
// person's marks (issue 10: each peer a source of its own).
type TrustNet interface {
	// PeerWeights returns node i's learned weight factor of each peer it
	// keeps a trust for, by node number.
	PeerWeights(ctx context.Context, i int) (map[int]float64, error)
}
