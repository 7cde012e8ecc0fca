package node

import (
	"context"
	"fmt"
	"github.com/p2pir/p2pir/internal/testenv"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/serveragent"
	"github.com/p2pir/p2pir/serveragent/routing"
)

// networkCase is one way of running several whole nodes in this process.
type networkCase struct {
	name string
	n    int
	// config returns node i's Config (DataDir, addresses, transport).
	config func(t *testing.T, root string, i int) Config
}

// memCase runs n nodes in memory: bufconn gRPC with TLS, MemNetwork
// gossip, no HTTP API.
func memCase(n int) networkCase {
	var mem *MemNetwork
	return networkCase{name: fmt.Sprintf("%d nodes in memory", n), n: n, config: func(t *testing.T, root string, i int) Config {
		if i == 0 {
			mem = NewMemNetwork()
		}
		return Config{DataDir: filepath.Join(root, fmt.Sprint(i)), Transport: mem.Transport(), NoHTTP: true}
	}}
}

// tcpCase runs n nodes on loopback TCP with their HTTP APIs.
func tcpCase(n int) networkCase {
	return networkCase{name: fmt.Sprintf("%d nodes on loopback TCP", n), n: n, config: func(t *testing.T, root string, i int) Config {
		return Config{DataDir: filepath.Join(root, fmt.Sprint(i)), HTTPAddr: "127.0.0.1:0", GRPCAddr: "127.0.0.1:0", GossipAddr: "127.0.0.1:0"}
	}}
}

// TestSameNodeCodeRunsInMemoryAndOnTCP is the claim of "one node, any
// transport": whole nodes (real indexes, stores, TLS, memberlist) started
// by the same Start, in memory or on loopback TCP, join, gossip in rounds
// the test drives (ManualRounds), cluster by interest (no cluster mixes topics), and a search on one
// node brings the documents of nodes of its topic that it does not hold.
func TestSameNodeCodeRunsInMemoryAndOnTCP(t *testing.T) {
	if testing.Short() {
		t.Skip("many whole nodes: skipped in -short mode")
	}
	for _, tc := range []networkCase{memCase(8), tcpCase(3)} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			root := t.TempDir()
			nodes := make([]*Node, tc.n)
			t.Cleanup(func() {
				for _, n := range nodes {
					if n != nil {
						n.Close(context.Background())
					}
				}
			})
			topic := func(i int) string { return []string{"astro", "cook"}[i%2] }
			for i := range nodes {
				cfg := tc.config(t, root, i)
				cfg.MembershipProfile, cfg.ManualRounds = "local", true
				if i > 0 {
					cfg.Join = []string{nodes[0].GossipAddr()}
				}
				n, err := Start(ctx, cfg)
				if err != nil {
					t.Fatalf("start node %d: %v", i, err)
				}
				nodes[i] = n
				populateTopic(t, n, i, topic(i))
			}
			testenv.WaitFor(t, "every node to see every other", time.Minute, func() bool {
				for _, n := range nodes {
					if len(n.Server().Peers()) != tc.n-1 {
						return false
					}
				}
				return true
			})
			// Rounds driven here: gossip until every node holds every
			// other's fingerprint first-hand.
			testenv.WaitFor(t, "fingerprints everywhere after gossip rounds", time.Minute, func() bool {
				all := true
				for _, n := range nodes {
					if err := n.GossipRound(ctx); err != nil {
						t.Logf("gossip round of %s: %v", n.ID(), err)
					}
				}
				for _, n := range nodes {
					for _, p := range n.Server().Peers() {
						all = all && p.HasFingerprint
					}
				}
				return all
			})
			for i, n := range nodes {
				if _, err := n.Recluster(ctx); err != nil {
					t.Fatalf("recluster node %d: %v", i, err)
				}
			}
			// In node 0's clustering interests never mix: nodes in one
			// cluster share a topic (k-means may split a topic in two).
			res, _ := nodes[0].Server().Clusters()
			if res.K < 2 {
				t.Fatalf("%d clusters of two topics: %+v", res.K, res.Assign)
			}
			for i := range nodes {
				for j := range i {
					if res.Assign[nodes[i].ID()] == res.Assign[nodes[j].ID()] && topic(i) != topic(j) {
						t.Errorf("node %d (%s) and node %d (%s) share cluster %d", i, topic(i), j, topic(j), res.Assign[nodes[i].ID()])
					}
				}
			}
			// A search on node 0 (astro) through its peers brings another
			// astro node's documents.
			resp, err := nodes[0].Agent().Search(ctx, clientagent.Request{Query: "galaxy telescope", Sources: []string{PeersSource}})
			if err != nil {
				t.Fatal(err)
			}
			var others []string
			for _, r := range resp.Results {
				if !strings.Contains(r.URL, "/node0/") {
					others = append(others, r.URL)
				}
			}
			if len(others) == 0 {
				t.Fatalf("no other node's document among the peers' results %+v (unresponsive %+v)", resp.Results, resp.Unresponsive)
			}
			for _, u := range others {
				if !strings.HasPrefix(u, "https://astro.example/") {
					t.Errorf("result %s is not about astronomy", u)
				}
			}
		})
	}
}

// TestHopsDecideHowFarALineIsSearched: in a line A→B→C (each node knows
// only the next; flooding), a search on A with hops 1 reaches B only and
// with hops 2 reaches C too. Hops come from the node's Config, the rest
// from config.toml's defaults.
func TestHopsDecideHowFarALineIsSearched(t *testing.T) {
	for _, tc := range []struct {
		hops  int
		reach []string
	}{{1, []string{"b"}}, {2, []string{"b", "c"}}} {
		t.Run(fmt.Sprintf("hops %d", tc.hops), func(t *testing.T) {
			ctx := context.Background()
			root, mem := t.TempDir(), NewMemNetwork()
			line := map[string]*Node{}
			for _, name := range []string{"a", "b", "c"} {
				n, err := Start(ctx, Config{
					DataDir: filepath.Join(root, name), GRPCAddr: name + ":7070", Transport: mem.Transport(), NoHTTP: true,
					ManualRounds: true, MembershipProfile: "local", Hops: tc.hops, Server: &serveragent.Config{Strategy: routing.Flood},
				})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { n.Close(context.Background()) })
				line[name] = n
				u := "https://line.example/" + name
				if err := n.Index().Index(ctx, []index.Document{{ID: u, URL: u, Title: "lighthouse " + name, Body: "a lighthouse on the coast", Source: index.SourceWeb}}); err != nil {
					t.Fatal(err)
				}
			}
			// No Join: membership adds nobody; the line is built by hand.
			for _, edge := range [][2]string{{"a", "b"}, {"b", "c"}} {
				if err := line[edge[0]].Server().UpsertPeer(line[edge[1]].Server().Self()); err != nil {
					t.Fatal(err)
				}
			}
			if got := line["a"].Hops(); got != tc.hops {
				t.Fatalf("Hops() = %d, want %d", got, tc.hops)
			}
			resp, err := line["a"].Agent().Search(ctx, clientagent.Request{Query: "lighthouse", Sources: []string{PeersSource}})
			if err != nil {
				t.Fatal(err)
			}
			var reached []string
			for _, r := range resp.Results {
				reached = append(reached, strings.TrimPrefix(r.URL, "https://line.example/"))
			}
			slices.Sort(reached)
			if !slices.Equal(reached, tc.reach) {
				t.Fatalf("hops %d reached %v, want %v (unresponsive %+v)", tc.hops, reached, tc.reach, resp.Unresponsive)
			}
		})
	}
}
