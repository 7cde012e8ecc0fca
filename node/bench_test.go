package node

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/serveragent"
	"github.com/p2pir/p2pir/serveragent/routing"
)

// The benchmarks of issue 5: real nodes on loopback (real TLS, real
// memberlist, real on-disk indexes and stores), as in node_test.go, but
// measured. Run them with
//
//	go test -run XXX -bench 'RoundTrip|ThreeHops|Routing16' -benchtime 200x ./node/
//
// Each reports p50-ms and p99-ms of the end-to-end SearchPeers latency at
// the origin (connections warm: one query runs before the clock starts),
// and the cost and recall of the queries.

// benchTopics are four topics of four short documents each; benchQueries
// is a query per topic that matches all four of its documents and none of
// the others'.
var benchTopics = map[string][]string{
	"astro": topics["astro"],
	"cook":  topics["cook"],
	"sail": {"sailing a yacht across a stormy channel", "trimming the yacht mainsail in a gusty wind",
		"sailing knots every sailor should learn", "anchoring a yacht in a sheltered bay"},
	"chess": {"chess opening theory for the sicilian defence", "endgame technique with rook and pawn in chess",
		"grandmaster chess tournament of blitz games", "opening traps against the queen gambit"},
}

var benchQueries = map[string]string{
	"astro": "galaxy telescope",
	"cook":  "sourdough garlic",
	"sail":  "yacht sailing",
	"chess": "chess opening",
}

var benchTopicNames = []string{"astro", "cook", "sail", "chess"}

// benchServerConfig is the server agent's default configuration with the
// given strategy, except that the per-caller rate limit is off: a
// benchmark fires queries back to back, far faster than a person, and
// would measure the limiter's refusals instead of the network. Background
// gossip and re-clustering are left to the benchmark (every hour), so the
// topology it builds stays as built while it measures.
func benchServerConfig(strategy string, rc routing.Config) serveragent.Config {
	sc := serveragent.DefaultConfig()
	sc.Strategy, sc.Routing = strategy, rc
	sc.RatePerPeer, sc.Burst = rate.Inf, 1
	sc.GossipEvery, sc.ReclusterEvery = time.Hour, time.Hour
	return sc
}

// startBenchNode starts one node on loopback with free ports.
func startBenchNode(tb testing.TB, dir string, sc serveragent.Config, join []string) *Node {
	tb.Helper()
	n, err := Start(context.Background(), Config{
		DataDir: dir, HTTPAddr: "127.0.0.1:0", GRPCAddr: "127.0.0.1:0", GossipAddr: "127.0.0.1:0",
		Join: join, Server: &sc, MembershipProfile: "local",
	})
	if err != nil {
		tb.Fatalf("start node in %s: %v", dir, err)
	}
	return n
}

// benchDocURL is the URL of document j of topic held by node i.
func benchDocURL(topic string, i, j int) string {
	return fmt.Sprintf("https://%s.example/node%d/doc%d", topic, i, j)
}

// populateTopic indexes the documents of topic on node n (node i of its
// network) and has its person mark them all interested, so its
// fingerprint says topic.
func populateTopic(tb testing.TB, n *Node, i int, topic string) {
	tb.Helper()
	ctx := context.Background()
	var docs []index.Document
	for j, text := range benchTopics[topic] {
		u := benchDocURL(topic, i, j)
		docs = append(docs, index.Document{ID: u, URL: u, Title: text, Body: text + ". " + text, Source: index.SourceWeb})
	}
	if err := n.Index().Index(ctx, docs); err != nil {
		tb.Fatalf("index node %d: %v", i, err)
	}
	resp, err := n.Agent().Search(ctx, clientagent.Request{Query: benchQueries[topic], Sources: []string{clientagent.LocalName}})
	if err != nil {
		tb.Fatalf("search node %d: %v", i, err)
	}
	if len(resp.Results) != len(docs) {
		tb.Fatalf("node %d: query %q found %d of its %d %s documents", i, benchQueries[topic], len(resp.Results), len(docs), topic)
	}
	for _, r := range resp.Results {
		if _, _, err := n.Agent().Mark(ctx, resp.QueryID, r.URL, true); err != nil {
			tb.Fatalf("mark on node %d: %v", i, err)
		}
	}
}

// closeNodes shuts the nodes down, concurrently (each leave takes a
// gossip round).
func closeNodes(nodes []*Node) {
	var wg sync.WaitGroup
	for _, n := range nodes {
		if n == nil {
			continue
		}
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			n.Close(ctx)
		})
	}
	wg.Wait()
}

// startMesh starts len(topicOf) nodes that join node 0 through memberlist,
// each holding the documents of its topic, and waits until every node
// has every other in its peer table.
func startMesh(b *testing.B, topicOf []string, sc serveragent.Config) []*Node {
	b.Helper()
	root := b.TempDir()
	nodes := make([]*Node, len(topicOf))
	b.Cleanup(func() { closeNodes(nodes) })
	for i := range nodes {
		var join []string
		if i > 0 {
			join = []string{nodes[0].GossipAddr()}
		}
		nodes[i] = startBenchNode(b, filepath.Join(root, fmt.Sprint(i)), sc, join)
		populateTopic(b, nodes[i], i, topicOf[i])
	}
	want := len(nodes) - 1
	waitForTB(b, fmt.Sprintf("every node to see %d peers", want), 15*time.Second, func() bool {
		for _, n := range nodes {
			if len(n.Server().Peers()) != want {
				return false
			}
		}
		return true
	})
	return nodes
}

// gossipUntilKnown runs gossip rounds on every node until each knows the
// fingerprint of all its peers, then re-clusters every node.
func gossipUntilKnown(b *testing.B, nodes []*Node) {
	b.Helper()
	ctx := context.Background()
	known := func() bool {
		for _, n := range nodes {
			for _, p := range n.Server().Peers() {
				if !p.HasFingerprint {
					return false
				}
			}
		}
		return true
	}
	deadline := time.Now().Add(15 * time.Second)
	for round := 0; !known(); round++ {
		if time.Now().After(deadline) {
			b.Fatalf("fingerprints still unknown after %d gossip rounds", round)
		}
		for _, n := range nodes {
			if err := n.Server().Gossip(ctx); err != nil {
				b.Logf("gossip: %v", err)
			}
		}
	}
	for i, n := range nodes {
		if _, err := n.Server().Recluster(ctx); err != nil {
			b.Fatalf("recluster node %d: %v", i, err)
		}
	}
}

// waitForTB polls ok every 50ms until it holds, failing tb after d.
// (node_test.go has the same for *testing.T.)
func waitForTB(tb testing.TB, what string, d time.Duration, ok func() bool) {
	tb.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// benchQuery is the weighted query the client agent would send for text:
// its analysed terms, weight 1 each.
func benchQuery(n *Node, text string, k, hops int) serveragent.PeerQuery {
	q := serveragent.PeerQuery{K: k, Hops: hops}
	for _, t := range n.Index().Analyze(text) {
		q.Terms = append(q.Terms, index.WeightedTerm{Term: t, Weight: 1})
	}
	return q
}

// searchTimed runs one SearchPeers from n within the 3s deadline the node
// gives its peers source, and times it.
func searchTimed(b *testing.B, n *Node, q serveragent.PeerQuery) (*serveragent.PeerResults, time.Duration) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	r, err := n.Server().SearchPeers(ctx, q)
	took := time.Since(start)
	if err != nil {
		b.Fatalf("search peers: %v", err)
	}
	return r, took
}

// percentile is the nearest-rank p-th percentile (0 < p <= 100) of ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(float64(len(s))*p/100+0.999999) - 1
	return s[min(max(rank, 0), len(s)-1)]
}

// reportLatency reports the p50 and p99 of ds in milliseconds.
func reportLatency(b *testing.B, ds []time.Duration) {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(percentile(ds, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(ds, 99)), "p99-ms")
}

// BenchmarkSearchRoundTrip measures one gRPC Search round trip on
// loopback: node 0 asks node 1 (Hops 1), which answers from its index.
func BenchmarkSearchRoundTrip(b *testing.B) {
	if testing.Short() {
		b.Skip("starts two real nodes: skipped in -short mode")
	}
	nodes := startMesh(b, []string{"cook", "astro"}, benchServerConfig(routing.Interest, routing.DefaultConfig()))
	q := benchQuery(nodes[0], benchQueries["astro"], 10, 1)
	r, _ := searchTimed(b, nodes[0], q)
	if len(r.Hits) != len(benchTopics["astro"]) || r.Messages != 1 {
		b.Fatalf("warm-up query: %d hits in %d messages (unresponsive %v), want %d hits in 1",
			len(r.Hits), r.Messages, r.Unresponsive, len(benchTopics["astro"]))
	}
	var took []time.Duration
	var bytes uint64
	for b.Loop() {
		r, d := searchTimed(b, nodes[0], q)
		took = append(took, d)
		bytes += r.Bytes
		if len(r.Hits) != len(benchTopics["astro"]) {
			b.Fatalf("query found %d hits (unresponsive %v), want %d", len(r.Hits), r.Unresponsive, len(benchTopics["astro"]))
		}
	}
	reportLatency(b, took)
	b.ReportMetric(float64(bytes)/float64(len(took)), "wire-B/query")
}

// BenchmarkThreeHops measures the end-to-end latency of a query whose
// documents sit three hops away: a chain A→B→C→D where each node knows
// only the next (peer tables set by hand, no memberlist join, no
// background gossip, so no shortcut appears), the astronomy documents on
// D only and cooking on the others. A asks with Hops 3.
func BenchmarkThreeHops(b *testing.B) {
	if testing.Short() {
		b.Skip("starts four real nodes: skipped in -short mode")
	}
	root := b.TempDir()
	topicOf := []string{"cook", "cook", "cook", "astro"}
	nodes := make([]*Node, len(topicOf))
	b.Cleanup(func() { closeNodes(nodes) })
	sc := benchServerConfig(routing.Interest, routing.DefaultConfig())
	for i := range nodes {
		nodes[i] = startBenchNode(b, filepath.Join(root, fmt.Sprint(i)), sc, nil)
		populateTopic(b, nodes[i], i, topicOf[i])
	}
	for i := 0; i+1 < len(nodes); i++ {
		if err := nodes[i].Server().UpsertPeer(nodes[i+1].Server().Self()); err != nil {
			b.Fatal(err)
		}
	}
	for i, n := range nodes {
		if got, want := len(n.Server().Peers()), min(1, len(nodes)-1-i); got != want {
			b.Fatalf("node %d has %d peers, want %d: the chain is not a chain", i, got, want)
		}
	}

	want := len(benchTopics["astro"])
	last := nodes[len(nodes)-1].ID()
	fromLast := func(r *serveragent.PeerResults) int {
		c := 0
		for _, h := range r.Hits {
			if h.NodeID == last && len(h.Path) == 3 {
				c++
			}
		}
		return c
	}
	q := benchQuery(nodes[0], benchQueries["astro"], 10, 3)
	if r, _ := searchTimed(b, nodes[0], q); fromLast(r) != want || r.Messages != 3 {
		b.Fatalf("warm-up query: %d of %d hits from D over 3 hops, %d messages (unresponsive %v), want all in 3",
			fromLast(r), want, r.Messages, r.Unresponsive)
	}
	if r, _ := searchTimed(b, nodes[0], benchQuery(nodes[0], benchQueries["astro"], 10, 2)); len(r.Hits) != 0 {
		b.Fatalf("with Hops 2 the query found %d hits: D is not 3 hops away", len(r.Hits))
	}
	var took []time.Duration
	for b.Loop() {
		r, d := searchTimed(b, nodes[0], q)
		took = append(took, d)
		if fromLast(r) != want {
			b.Fatalf("query found %d of %d documents (unresponsive %v)", fromLast(r), want, r.Unresponsive)
		}
	}
	reportLatency(b, took)
}

// routingCase is one routing strategy of BenchmarkRouting16, with the
// hop limits its queries are run at.
type routingCase struct {
	name     string
	strategy string
	routing  routing.Config
	hops     []int
}

// BenchmarkRouting16 compares interest routing (fanout 3, exploration
// 0.1), flooding and a 2-walker random walk on 16 real nodes, four per
// topic. The same 16 queries (the four topical queries from four origins,
// one per topic) run in turn; each reports messages, peers contacted,
// unresponsive peers and recall per query, and p50/p99 latency. Recall
// is the share of the query topic's documents held by nodes other than
// the origin that come back among the top 20; recall-own averages it
// over the queries on the origin's own topic, recall-other over the rest.
func BenchmarkRouting16(b *testing.B) {
	if testing.Short() {
		b.Skip("starts 16 real nodes per strategy: skipped in -short mode")
	}
	walk := routing.DefaultConfig()
	walk.Walkers = 2
	cases := []routingCase{
		{"interest", routing.Interest, routing.DefaultConfig(), []int{1, 2, 3}},
		{"flood", routing.Flood, routing.DefaultConfig(), []int{3}},
		{"walk", routing.Walk, walk, []int{3}},
	}
	const nodesN, k = 16, 20
	topicOf := make([]string, nodesN)
	for i := range topicOf {
		topicOf[i] = benchTopicNames[i%len(benchTopicNames)]
	}
	origins := []int{0, 5, 10, 15} // one per topic
	type query struct {
		origin   int
		topic    string
		relevant map[string]bool
	}
	var queries []query
	for _, o := range origins {
		for _, topic := range benchTopicNames {
			rel := map[string]bool{}
			for i, t := range topicOf {
				if t == topic && i != o {
					for j := range benchTopics[topic] {
						rel[benchDocURL(topic, i, j)] = true
					}
				}
			}
			queries = append(queries, query{o, topic, rel})
		}
	}

	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			nodes := startMesh(b, topicOf, benchServerConfig(c.strategy, c.routing))
			gossipUntilKnown(b, nodes)
			for _, hops := range c.hops {
				b.Run(fmt.Sprintf("hops=%d", hops), func(b *testing.B) {
					pq := make([]serveragent.PeerQuery, len(queries))
					for i, q := range queries {
						pq[i] = benchQuery(nodes[q.origin], benchQueries[q.topic], k, hops)
					}
					searchTimed(b, nodes[queries[0].origin], pq[0]) // warm-up
					var took []time.Duration
					var msgs, peers, unresp float64
					var recall [2]float64 // [own topic, another topic]
					var asked [2]int
					for i := 0; b.Loop(); i++ {
						q := queries[i%len(queries)]
						r, d := searchTimed(b, nodes[q.origin], pq[i%len(queries)])
						took = append(took, d)
						msgs += float64(r.Messages)
						peers += float64(r.PeersContacted)
						unresp += float64(len(r.Unresponsive))
						found := 0
						for _, h := range r.Hits {
							if q.relevant[h.URL] {
								found++
							}
						}
						own := 1
						if topicOf[q.origin] == q.topic {
							own = 0
						}
						recall[own] += float64(found) / float64(len(q.relevant))
						asked[own]++
					}
					n := float64(len(took))
					reportLatency(b, took)
					b.ReportMetric(msgs/n, "msgs/query")
					b.ReportMetric(peers/n, "peers/query")
					b.ReportMetric(unresp/n, "unresp/query")
					b.ReportMetric((recall[0]+recall[1])/n, "recall")
					b.ReportMetric(recall[0]/float64(max(asked[0], 1)), "recall-own")
					b.ReportMetric(recall[1]/float64(max(asked[1], 1)), "recall-other")
				})
			}
		})
	}
}
