package serveragent

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/identity"
	"github.com/p2pir/p2pir/serveragent/routing"
)

// TestRoutingChoicesDependOnlyOnTheQuery checks the claim on route: a
// node's random routing choices for a query (a walk's peers, flooding's
// subset) come from that query's own random source, so they are the same
// whatever other queries the node routed before or at the same time, and
// they still vary from query to query.
func TestRoutingChoicesDependOnlyOnTheQuery(t *testing.T) {
	mem := NewMemNet()
	cfg := testConfig()
	cfg.Seed = 42
	a := newNode(t, mem, "a", cfg, nil)
	for i := range 20 {
		id, err := identity.Generate()
		if err != nil {
			t.Fatal(err)
		}
		if err := a.node.UpsertPeer(NodeInfo{ID: id.NodeID(), Addr: fmt.Sprintf("p%d:7070", i)}); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	choose := func(t *testing.T, strategy, queryID string) []string {
		req := &p2pirv1.SearchRequest{QueryId: queryID, Origin: a.node.Self().proto(), Text: "x", K: 5,
			HopsLeft: 2, Visited: []string{a.id.NodeID()}, Strategy: strategy, FanOut: 3}
		got, _, _, err := a.node.route(ctx, req, map[string]bool{a.id.NodeID(): true}, nil)
		if err != nil {
			t.Error(err)
		}
		return peerIDs(got)
	}
	for _, strategy := range []string{routing.Walk, routing.Flood} {
		t.Run(strategy, func(t *testing.T) {
			first := choose(t, strategy, "the-query")
			differs := false
			for i := range 30 {
				if !slices.Equal(choose(t, strategy, fmt.Sprintf("other-%d", i)), first) {
					differs = true
				}
			}
			if !differs {
				t.Errorf("30 other queries all went to %v: the choices are not random per query", first)
			}
			if again := choose(t, strategy, "the-query"); !slices.Equal(again, first) {
				t.Errorf("after 30 other queries the same query went to %v, first to %v", again, first)
			}
			var wg sync.WaitGroup
			got := make([][]string, 8)
			for i := range got {
				wg.Go(func() {
					choose(t, strategy, fmt.Sprintf("concurrent-%d", i))
					got[i] = choose(t, strategy, "the-query")
				})
			}
			wg.Wait()
			for _, g := range got {
				if !slices.Equal(g, first) {
					t.Errorf("routed alongside other queries, the same query went to %v, first to %v", g, first)
				}
			}
		})
	}
}

// TestSeededQueryIDsRepeatPerNode checks the claim on newQueryID: with a
// seed, a node's query IDs are the same sequence every time it starts
// with that seed and identity (so experiments repeat), distinct within
// the sequence and valid on the wire; without a seed they are random.
func TestSeededQueryIDsRepeatPerNode(t *testing.T) {
	mem := NewMemNet()
	cfg := testConfig()
	cfg.Seed = 7
	a := newNode(t, mem, "a", cfg, nil)
	again, err := New(cfg, a.id, a.ix, a.st, mem.Dialer(a.id, nil), a.node.Self())
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	b := newNode(t, mem, "b", cfg, nil)
	seen := map[string]bool{}
	for i := range 50 {
		id := a.node.newQueryID()
		if got := again.newQueryID(); got != id {
			t.Fatalf("query %d: %q, then %q on a restart with the same seed", i, id, got)
		}
		if seen[id] {
			t.Fatalf("query %d: ID %q repeats within one node's sequence", i, id)
		}
		seen[id] = true
		if other := b.node.newQueryID(); other == id {
			t.Fatalf("query %d: two nodes with the same seed made the same ID %q", i, id)
		}
		req := &p2pirv1.SearchRequest{QueryId: id, Origin: a.node.Self().proto(), Text: "x", K: 1, HopsLeft: 1, Visited: []string{a.id.NodeID()}}
		if err := req.Validate(); err != nil {
			t.Fatalf("seeded query ID %q: %v", id, err)
		}
	}
	cfg.Seed = 0
	c := newNode(t, mem, "c", cfg, nil)
	unseeded, err := New(cfg, c.id, c.ix, c.st, mem.Dialer(c.id, nil), c.node.Self())
	if err != nil {
		t.Fatal(err)
	}
	defer unseeded.Close()
	if x, y := c.node.newQueryID(), unseeded.newQueryID(); x == y {
		t.Errorf("without a seed, two starts of a node both made the query ID %q", x)
	}
}

// TestOrderedForwardingFirstChosenPathRunsTheQuery checks the claim on
// Config.OrderedForwarding: when two peers both forward a query to a
// third (A floods to B and C, both know only D), the one A chose first
// is the one whose call runs the query at D (the other's is a duplicate),
// even when it is the slower of the two. Called concurrently, the faster
// peer would win whatever the order.
func TestOrderedForwardingFirstChosenPathRunsTheQuery(t *testing.T) {
	mem := NewMemNet()
	cfg := testConfig()
	cfg.Seed = 3
	cfg.OrderedForwarding = true
	slow := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		if _, ok := req.(*p2pirv1.SearchRequest); ok {
			select { // B starts on a query well after C would
			case <-time.After(50 * time.Millisecond):
			case <-ctx.Done():
			}
		}
		return h(ctx, req)
	}
	a := newNode(t, mem, "a", cfg, nil)
	b := newNode(t, mem, "b", cfg, nil, slow)
	c := newNode(t, mem, "c", cfg, nil)
	d := newNode(t, mem, "d", cfg, nil)
	link(t, a, b, c)
	link(t, b, d)
	link(t, c, d)
	firsts := map[string]int{}
	for i := range 20 {
		res, err := a.node.SearchPeers(context.Background(), PeerQuery{Text: "x", K: 1, Hops: 2, Strategy: routing.Flood})
		if err != nil {
			t.Fatal(err)
		}
		var first, ranD string
		for _, ct := range res.Trace.Contacts {
			switch {
			case ct.Hop == 1 && first == "":
				first = ct.To
			case ct.Hop == 2 && ct.To == d.id.NodeID() && ct.Outcome == OutcomeAnswered:
				ranD = ct.From
			}
		}
		if first == "" || ranD == "" {
			t.Fatalf("query %d: no first contact or nobody ran the query at D: %+v", i, res.Trace.Contacts)
		}
		firsts[first]++
		if ranD != first {
			t.Errorf("query %d: A called %s first, but D ran the query for %s", i, names(first, b, c), names(ranD, b, c))
		}
	}
	if firsts[b.id.NodeID()] == 0 || firsts[c.id.NodeID()] == 0 {
		t.Fatalf("A chose the same peer first for all 20 queries (%v): the test exercises nothing", firsts)
	}
}

// names is a node ID as the test names it.
func names(id string, nodes ...*tnode) string {
	for _, n := range nodes {
		if n.id.NodeID() == id {
			return n.name
		}
	}
	return id
}
