package serveragent

import (
	"context"
	"maps"
	"math"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/cluster"
	"github.com/p2pir/p2pir/usermodel"
)

// ExchangeProfiles refuses a sender that is not the caller
// (PERMISSION_DENIED), a NaN fingerprint (INVALID_ARGUMENT) and a message
// over 1 MiB (RESOURCE_EXHAUSTED), and learns nothing from any of them.
func TestExchangeProfilesRefusesBadMessages(t *testing.T) {
	mem := NewMemNet()
	cfg := testConfig()
	a := newNode(t, mem, "a", cfg, nil)
	b := newNode(t, mem, "b", cfg, nil)
	cl := rawClient(t, mem, b.id, a)

	unit := make([]float32, p2pirv1.FingerprintDim)
	unit[0] = 1
	nan := make([]float32, p2pirv1.FingerprintDim)
	nan[0] = float32(math.NaN())
	tests := []struct {
		name string
		msg  *p2pirv1.ProfileExchange
		want codes.Code
	}{
		{"forged sender", &p2pirv1.ProfileExchange{Sender: &p2pirv1.NodeInfo{NodeId: a.id.NodeID()}, Sharing: true,
			Fingerprint: &p2pirv1.Fingerprint{Scheme: usermodel.FingerprintScheme, Values: unit, Version: 1}}, codes.PermissionDenied},
		{"NaN fingerprint", &p2pirv1.ProfileExchange{Sender: b.node.Self().proto(), Sharing: true,
			Fingerprint: &p2pirv1.Fingerprint{Scheme: usermodel.FingerprintScheme, Values: nan, Version: 1}}, codes.InvalidArgument},
		{"over 1 MiB", &p2pirv1.ProfileExchange{Sender: &p2pirv1.NodeInfo{NodeId: b.id.NodeID(), Version: strings.Repeat("v", 2<<20)}}, codes.ResourceExhausted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cl.ExchangeProfiles(context.Background(), tc.msg)
			if status.Code(err) != tc.want {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if ps := a.node.Peers(); len(ps) != 0 {
				t.Fatalf("a refused message changed the peer table: %+v", ps)
			}
		})
	}
}

// topicNetwork starts six nodes, three whose people marked astronomy
// documents and three cooking, linked in a ring (each knows only its
// successor), and gossips four rounds. It returns the nodes and each
// node's topic by node ID.
func topicNetwork(t *testing.T) ([]*tnode, map[string]string) {
	t.Helper()
	corpus := loadCorpus(t)
	mem := NewMemNet()
	cfg := testConfig()
	cfg.Seed = 7
	var nodes []*tnode
	topic := map[string]string{}
	for i, name := range []string{"a1", "a2", "a3", "c1", "c2", "c3"} {
		docs, tp := corpus["astro"], "astro"
		if name[0] == 'c' {
			docs, tp = corpus["cooking"], "cooking"
		}
		n := newNode(t, mem, name, cfg, docs)
		like(t, n, docs[i%3])
		like(t, n, docs[(i+1)%3])
		topic[n.id.NodeID()] = tp
		nodes = append(nodes, n)
	}
	for i, n := range nodes { // a ring: each knows only its successor
		link(t, n, nodes[(i+1)%len(nodes)])
	}
	for range 4 {
		for _, n := range nodes {
			if err := n.node.Gossip(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	return nodes, topic
}

// Gossip spreads fingerprints beyond direct peers, what a node says about
// itself outranks hints, and after Recluster the nodes whose people
// marked one topic share a cluster apart from the other topic's.
func TestGossipSpreadsFingerprintsAndClustersByTopic(t *testing.T) {
	nodes, topic := topicNetwork(t)
	ctx := context.Background()
	a1 := nodes[0]
	known := 0
	for _, p := range a1.node.Peers() {
		if p.HasFingerprint {
			known++
		}
	}
	if known != len(nodes)-1 {
		t.Fatalf("a1 knows %d fingerprints after gossip, want %d", known, len(nodes)-1)
	}
	res, err := a1.node.Recluster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.K != 2 {
		t.Fatalf("k = %d, want 2 (silhouettes %+v)", res.K, res.Candidates)
	}
	for id, c := range res.Assign {
		for id2, c2 := range res.Assign {
			if (topic[id] == topic[id2]) != (c == c2) {
				t.Errorf("%s (%s, cluster %d) and %s (%s, cluster %d)", id, topic[id], c, id2, topic[id2], c2)
			}
		}
	}
	_, own := a1.node.Clusters()
	for _, p := range a1.node.Peers() {
		if (topic[p.ID] == "astro") != (p.Cluster == own) {
			t.Errorf("peer %s (%s) in cluster %d, own cluster %d", p.ID, topic[p.ID], p.Cluster, own)
		}
	}
}

// A node that stops sharing is forgotten by the peers it gossips with.
func TestGossipForgetsANodeThatStopsSharing(t *testing.T) {
	corpus := loadCorpus(t)
	mem := NewMemNet()
	cfg := testConfig()
	a := newNode(t, mem, "a", cfg, nil)
	b := newNode(t, mem, "b", cfg, corpus["astro"])
	like(t, b, corpus["astro"][0])
	link(t, b, a)
	ctx := context.Background()
	if err := b.node.Gossip(ctx); err != nil {
		t.Fatal(err)
	}
	if ps := a.node.Peers(); len(ps) != 1 || !ps[0].HasFingerprint || !ps[0].Firsthand {
		t.Fatalf("after sharing: %+v", ps)
	}
	if err := b.st.SetSharing(ctx, false); err != nil {
		t.Fatal(err)
	}
	if err := b.node.Gossip(ctx); err != nil {
		t.Fatal(err)
	}
	if ps := a.node.Peers(); len(ps) != 1 || ps[0].HasFingerprint {
		t.Fatalf("after sharing off: %+v", ps)
	}
}

// Re-clustering again with the same peers and fingerprints reuses the
// last clustering (no search of k, no k-means run), and a changed
// fingerprint makes the node cluster again, still by topic.
func TestReclusterReusesTheLastClustering(t *testing.T) {
	nodes, topic := topicNetwork(t)
	ctx := context.Background()
	a1 := nodes[0]
	first, err := a1.node.Recluster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if first.Origin != cluster.Searched || first.K != 2 {
		t.Fatalf("first clustering: %v with k = %d, want a search giving 2", first.Origin, first.K)
	}
	again, err := a1.node.Recluster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again.Origin != cluster.Unchanged || !maps.Equal(again.Assign, first.Assign) {
		t.Fatalf("second clustering with the same peers: %v, %v; want the first (%v) unchanged", again.Origin, again.Assign, first.Assign)
	}
	if _, own := a1.node.Clusters(); own != first.Assign[a1.id.NodeID()] {
		t.Errorf("own cluster %d after reuse, want %d", own, first.Assign[a1.id.NodeID()])
	}

	// a1's person marks a third document: its own fingerprint changes.
	like(t, a1, loadCorpus(t)["astro"][2])
	third, err := a1.node.Recluster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if third.Origin == cluster.Unchanged {
		t.Fatal("a changed fingerprint left the clustering as it was")
	}
	for id, c := range third.Assign {
		if (topic[id] == "astro") != (c == third.Assign[a1.id.NodeID()]) {
			t.Errorf("%s (%s) in cluster %d after the new mark (%v), a1 in %d", id, topic[id], c, third.Origin, third.Assign[a1.id.NodeID()])
		}
	}
}
