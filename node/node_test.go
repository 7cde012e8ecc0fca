package node

import (
	"context"
	"fmt"
	"github.com/p2pir/p2pir/internal/testenv"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/serveragent"
)

var topics = map[string][]string{
	"astro": {"telescope galaxy survey of distant quasars", "galaxy rotation curves and dark matter halos", "exoplanet transits seen by a space telescope", "supernova light curves in nearby galaxy clusters"},
	"cook":  {"sourdough bread with a slow rye starter", "braised lamb shoulder with rosemary and garlic", "tomato soup with basil and roasted garlic", "chocolate cake with a sourdough twist"},
}

// topicOf[i] is node i's topic: nodes 0-2 astronomy, 3-4 cooking.
var topicOf = []string{"astro", "astro", "astro", "cook", "cook"}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func startNode(t *testing.T, dir, gossip string, join []string) *Node {
	t.Helper()
	sc := serveragent.DefaultConfig()
	sc.PerPeerTimeout = 600 * time.Millisecond
	n, err := Start(context.Background(), Config{
		DataDir: dir, HTTPAddr: "127.0.0.1:0", GRPCAddr: "127.0.0.1:0", GossipAddr: gossip,
		Join: join, Server: &sc, MembershipProfile: "local",
	})
	if err != nil {
		t.Fatalf("start node in %s: %v", dir, err)
	}
	return n
}

// populate indexes node i's documents and has its person mark them all
// interested, so its fingerprint says its topic.
func populate(t *testing.T, n *Node, i int) {
	t.Helper()
	ctx := context.Background()
	var docs []index.Document
	for j, text := range topics[topicOf[i]] {
		u := fmt.Sprintf("https://%s.example/node%d/doc%d", topicOf[i], i, j)
		docs = append(docs, index.Document{ID: u, URL: u, Title: text, Body: text + ". " + text, Source: index.SourceWeb})
	}
	if err := n.Index().Index(ctx, docs); err != nil {
		t.Fatal(err)
	}
	query := map[string]string{"astro": "galaxy telescope", "cook": "sourdough garlic"}[topicOf[i]]
	resp, err := n.Agent().Search(ctx, clientagent.Request{Query: query, Sources: []string{clientagent.LocalName}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range resp.Results {
		if _, _, err := n.Agent().Mark(ctx, resp.QueryID, r.URL, true); err != nil {
			t.Fatal(err)
		}
	}
}

func peerIDs(n *Node) []string {
	var ids []string
	for _, p := range n.Server().Peers() {
		ids = append(ids, p.ID)
	}
	return ids
}

// TestFiveNodesClusterRouteSurviveAndRejoin is the integration
// claim with five real nodes on loopback: real TLS, real memberlist, real
// on-disk indexes and stores.
func TestFiveNodesClusterRouteSurviveAndRejoin(t *testing.T) {
	if testing.Short() {
		t.Skip("five real nodes: skipped in -short mode")
	}
	ctx := context.Background()
	root := t.TempDir()
	gossip := make([]string, 5)
	nodes := make([]*Node, 5)
	for i := range nodes {
		gossip[i] = freePort(t)
		var join []string
		if i > 0 {
			join = []string{nodes[0].GossipAddr()}
		}
		nodes[i] = startNode(t, filepath.Join(root, fmt.Sprint(i)), gossip[i], join)
		populate(t, nodes[i], i)
	}
	defer func() {
		for _, n := range nodes {
			if n != nil {
				n.Close(context.Background())
			}
		}
	}()
	for i, n := range nodes {
		testenv.WaitFor(t, fmt.Sprintf("node %d to see 4 peers", i), 10*time.Second, func() bool { return len(n.Server().Peers()) == 4 })
	}

	// Gossip fingerprints, then cluster: the astronomers together, the cooks together.
	for round := 0; round < 3; round++ {
		for _, n := range nodes {
			if err := n.Server().Gossip(ctx); err != nil {
				t.Logf("gossip: %v", err)
			}
		}
	}
	res, err := nodes[0].Server().Recluster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	same := func(a, b int) bool { return res.Assign[nodes[a].ID()] == res.Assign[nodes[b].ID()] }
	if res.K != 2 || !same(0, 1) || !same(1, 2) || !same(3, 4) || same(0, 3) {
		t.Fatalf("clusters %+v: want {0,1,2} and {3,4}", res.Assign)
	}

	// A query from node 0 reaches node 1's documents, merged with the rest.
	search := func() (*serveragent.PeerResults, time.Duration) {
		start := time.Now()
		r, err := nodes[0].Server().SearchPeers(ctx, serveragent.PeerQuery{Text: "dark matter", Terms: []index.WeightedTerm{{Term: "dark", Weight: 1}, {Term: "matter", Weight: 1}, {Term: "halo", Weight: 1}}, K: 10, Hops: 2})
		if err != nil {
			t.Fatal(err)
		}
		return r, time.Since(start)
	}
	r, _ := search()
	var fromNodes []string
	for _, h := range r.Hits {
		fromNodes = append(fromNodes, h.NodeID)
	}
	for _, want := range []int{1, 2} {
		if !slices.Contains(fromNodes, nodes[want].ID()) {
			t.Fatalf("results came from %v, want node %d (%s) among them", fromNodes, want, nodes[want].ID())
		}
	}

	// Through the client agent each peer is a source of its own, and each
	// result says which peer found it.
	resp, err := nodes[0].Agent().Search(ctx, clientagent.Request{Query: "dark matter halos", Sources: []string{PeersSource}})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Results) == 0 || resp.Results[0].Engine != resp.Results[0].Source || !strings.HasPrefix(resp.Results[0].Source, "peer:p2p1") {
		t.Fatalf("client agent over peers: %+v", resp.Results)
	}

	// Node 1 dies: the query costs at most the per-peer timeout and node 2's documents still arrive.
	dir1 := filepath.Join(root, "1")
	id1 := nodes[1].ID()
	nodes[1].Kill()
	nodes[1] = nil
	r, took := search()
	if took > 2*time.Second {
		t.Fatalf("with a dead peer the query took %v", took)
	}
	fromNodes = fromNodes[:0]
	for _, h := range r.Hits {
		fromNodes = append(fromNodes, h.NodeID)
	}
	if !slices.Contains(fromNodes, nodes[2].ID()) || slices.Contains(fromNodes, id1) {
		t.Fatalf("after node 1 died, results came from %v", fromNodes)
	}

	// Node 1 restarts (same key, so the same ID), rejoins and is routed to again.
	nodes[1] = startNode(t, dir1, gossip[1], []string{nodes[0].GossipAddr()})
	if nodes[1].ID() != id1 {
		t.Fatalf("restarted node has ID %s, was %s", nodes[1].ID(), id1)
	}
	testenv.WaitFor(t, "node 0 to see node 1 again", 60*time.Second, func() bool { return slices.Contains(peerIDs(nodes[0]), id1) })
	for round := 0; round < 2; round++ {
		nodes[1].Server().Gossip(ctx)
		nodes[0].Server().Gossip(ctx)
	}
	testenv.WaitFor(t, "a query from node 0 to reach node 1 again", 60*time.Second, func() bool {
		r, _ := search()
		for _, h := range r.Hits {
			if h.NodeID == id1 {
				return true
			}
		}
		return false
	})
}

// TestMetricsCountAPIRequests: /metrics serves Prometheus text with the
// API's request counter and the node's gauges.
func TestMetricsCountAPIRequests(t *testing.T) {
	n := startNode(t, t.TempDir(), "127.0.0.1:0", nil)
	defer n.Close(context.Background())
	populate(t, n, 0)
	base := "http://" + n.HTTPAddr()
	for _, path := range []string{"/search?q=galaxy", "/search?q=", "/healthz"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`p2pir_api_requests_total{code="200",route="GET /search"} 1`,
		`p2pir_api_requests_total{code="400",route="GET /search"} 1`,
		`p2pir_index_documents 4`,
		`p2pir_peers 0`,
		`p2pir_peer_candidates 0`,
		`p2pir_inbound_refused_total 0`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
