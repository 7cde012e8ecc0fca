package node

import (
	"context"
	"encoding/json"
	"github.com/p2pir/p2pir/internal/testenv"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/serveragent"
)

// startManualTrio starts three populated nodes on loopback in
// manual-rounds mode (0 and 1 astronomy, 2 cooking), all knowing each
// other, and returns them with node 0's data directory.
func startManualTrio(t *testing.T) ([]*Node, string) {
	t.Helper()
	root := t.TempDir()
	var nodes []*Node
	topic := []int{0, 1, 3} // indexes into topicOf: astro, astro, cook
	for i := range 3 {
		sc := serveragent.DefaultConfig()
		sc.PerPeerTimeout = 2 * time.Second
		cfg := Config{
			DataDir: filepath.Join(root, string(rune('a'+i))), HTTPAddr: "127.0.0.1:0", GRPCAddr: "127.0.0.1:0",
			GossipAddr: "127.0.0.1:0", Server: &sc, MembershipProfile: "local", ManualRounds: true,
		}
		if i > 0 {
			cfg.Join = []string{nodes[0].GossipAddr()}
		}
		n, err := Start(context.Background(), cfg)
		if err != nil {
			t.Fatalf("start node %d: %v", i, err)
		}
		t.Cleanup(func() { n.Close(context.Background()) })
		populate(t, n, topic[i])
		nodes = append(nodes, n)
	}
	for _, n := range nodes {
		testenv.WaitFor(t, "every node to know the other two", 60*time.Second, func() bool { return len(n.Server().Peers()) == 2 })
	}
	return nodes, filepath.Join(root, "a")
}

// TestAPISearchTakesRoutingHopsAndFanOut: POST /search's "routing",
// "hops" and "fan_out" decide how that search goes to the peers (a flood
// of one hop to two peers asks both, a walk of one walker and one hop asks
// one), and values out of range are a 400 naming the field.
func TestAPISearchTakesRoutingHopsAndFanOut(t *testing.T) {
	if testing.Short() {
		t.Skip("three real nodes: skipped in -short mode")
	}
	nodes, dir := startManualTrio(t)
	a := nodes[0]
	post := map[string]string{"Content-Type": "application/json", "X-P2PIR-Token": runToken(t, dir)}
	search := func(body string) (int, clientagent.Response, string) {
		t.Helper()
		code, raw := apiCall{method: "POST", path: "/search", header: post, body: body}.do(t, a)
		var resp clientagent.Response
		if code == http.StatusOK {
			if err := json.Unmarshal([]byte(raw), &resp); err != nil {
				t.Fatalf("decode %s: %v", raw, err)
			}
		}
		return code, resp, raw
	}
	contacted := func(resp clientagent.Response) (peers []string, maxHop int) {
		for _, st := range resp.Trace.Sources {
			if st.Network == nil {
				continue
			}
			for _, c := range st.Network.Contacts {
				if !slices.Contains(peers, c.To) {
					peers = append(peers, c.To)
				}
				maxHop = max(maxHop, c.Hop)
			}
		}
		slices.Sort(peers)
		return peers, maxHop
	}

	code, resp, raw := search(`{"q": "galaxy", "sources": ["local", "peers"], "routing": "flood", "hops": 1, "fan_out": 2}`)
	if code != http.StatusOK {
		t.Fatalf("flood search: %d %s", code, raw)
	}
	want := []string{nodes[1].ID(), nodes[2].ID()}
	slices.Sort(want)
	if peers, hop := contacted(resp); !slices.Equal(peers, want) || hop != 1 {
		t.Errorf("flood, 1 hop, fan-out 2: contacted %v up to hop %d, want both peers %v at hop 1", peers, hop, want)
	}

	code, resp, raw = search(`{"q": "galaxy", "sources": ["local", "peers"], "routing": "walk", "hops": 1, "fan_out": 1}`)
	if code != http.StatusOK {
		t.Fatalf("walk search: %d %s", code, raw)
	}
	if peers, hop := contacted(resp); len(peers) != 1 || hop != 1 {
		t.Errorf("walk, 1 walker, 1 hop: contacted %v up to hop %d, want one peer at hop 1", peers, hop)
	}

	for _, tc := range []struct{ body, field string }{
		{`{"q": "galaxy", "routing": "broadcast"}`, "routing"},
		{`{"q": "galaxy", "hops": 17}`, "hops"},
		{`{"q": "galaxy", "fan_out": -1}`, "fan_out"},
	} {
		if code, _, raw := search(tc.body); code != http.StatusBadRequest || !strings.Contains(raw, tc.field) {
			t.Errorf("POST /search %s: got %d %s, want 400 naming %s", tc.body, code, raw, tc.field)
		}
	}
}

// TestAPINetworkRoundGossipsAndReclusters: on a node in manual-rounds
// mode, POST /network/round pulls the peers' fingerprints and clusters
// them (GET /network/clusters then assigns every node, its own cluster
// included); it needs the token like every POST, refuses unknown steps,
// and a node with its own timers answers 409.
func TestAPINetworkRoundGossipsAndReclusters(t *testing.T) {
	if testing.Short() {
		t.Skip("three real nodes: skipped in -short mode")
	}
	nodes, dir := startManualTrio(t)
	a := nodes[0]
	post := map[string]string{"Content-Type": "application/json", "X-P2PIR-Token": runToken(t, dir)}
	clusters := func(raw string) clustering {
		t.Helper()
		var c clustering
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			t.Fatalf("decode %s: %v", raw, err)
		}
		return c
	}

	code, raw := apiCall{method: "GET", path: "/network/clusters"}.do(t, a)
	if code != http.StatusOK {
		t.Fatalf("GET /network/clusters: %d %s", code, raw)
	}
	if before := clusters(raw); before.NodeID != a.ID() || len(before.Assign) > 1 || before.OwnCluster != -1 && len(before.Assign) == 0 {
		t.Fatalf("before any round: %+v, want at most node %s itself", before, a.ID())
	}

	if code, raw := (apiCall{method: "POST", path: "/network/round", header: map[string]string{"Content-Type": "application/json"}, body: `{}`}).do(t, a); code != http.StatusForbidden {
		t.Errorf("POST /network/round without the token: got %d %s, want 403", code, raw)
	}
	if code, raw := (apiCall{method: "POST", path: "/network/round", header: post, body: `{"steps": ["dance"]}`}).do(t, a); code != http.StatusBadRequest || !strings.Contains(raw, "dance") {
		t.Errorf("POST /network/round with an unknown step: got %d %s, want 400 naming it", code, raw)
	}

	code, raw = apiCall{method: "POST", path: "/network/round", header: post, body: `{}`}.do(t, a)
	if code != http.StatusOK {
		t.Fatalf("POST /network/round: %d %s", code, raw)
	}
	after := clusters(raw)
	for _, n := range nodes {
		if _, ok := after.Assign[n.ID()]; !ok {
			t.Errorf("after a round, node %s is not in the clustering %v", n.ID(), after.Assign)
		}
	}
	if after.OwnCluster < 0 || after.OwnCluster != after.Assign[a.ID()] {
		t.Errorf("own_cluster %d, want node %s's cluster in %v", after.OwnCluster, a.ID(), after.Assign)
	}
	if _, raw := (apiCall{method: "GET", path: "/network/clusters"}).do(t, a); !sameClustering(clusters(raw), after) {
		t.Errorf("GET /network/clusters %s differs from the round's answer %+v", raw, after)
	}

	// A node that runs its own rounds.
	auto := t.TempDir()
	b := startNode(t, auto, "127.0.0.1:0", nil)
	defer b.Close(context.Background())
	hdr := map[string]string{"Content-Type": "application/json", "X-P2PIR-Token": runToken(t, auto)}
	if code, raw := (apiCall{method: "POST", path: "/network/round", header: hdr, body: `{}`}).do(t, b); code != http.StatusConflict || !strings.Contains(raw, "--manual-rounds") {
		t.Errorf("POST /network/round on a node with its own timers: got %d %s, want 409 naming --manual-rounds", code, raw)
	}
}

func sameClustering(a, b clustering) bool {
	if a.NodeID != b.NodeID || a.K != b.K || a.OwnCluster != b.OwnCluster || len(a.Assign) != len(b.Assign) {
		return false
	}
	for id, c := range a.Assign {
		if b.Assign[id] != c {
			return false
		}
	}
	return true
}
