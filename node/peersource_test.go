package node

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/p2pir/p2pir/internal/testenv"
	"math"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/serveragent"
)

// namedNodes starts real nodes on loopback (TLS gRPC, memberlist gossip)
// in manual-rounds mode, named as given, each populated with topicOf[i]'s
// documents, and waits until every node knows every other by name.
func namedNodes(t *testing.T, names []string, topics []int) []*Node {
	t.Helper()
	root := t.TempDir()
	var nodes []*Node
	for i, name := range names {
		sc := serveragent.DefaultConfig()
		sc.PerPeerTimeout = 2 * time.Second
		cfg := Config{
			DataDir: filepath.Join(root, string(rune('a'+i))), HTTPAddr: "127.0.0.1:0", GRPCAddr: "127.0.0.1:0",
			GossipAddr: "127.0.0.1:0", Server: &sc, MembershipProfile: "local", ManualRounds: true, Name: name,
		}
		if i > 0 {
			cfg.Join = []string{nodes[0].GossipAddr()}
		}
		n, err := Start(context.Background(), cfg)
		if err != nil {
			t.Fatalf("start node %s: %v", name, err)
		}
		t.Cleanup(func() { n.Close(context.Background()) })
		populateOwn(t, n, topics[i], name)
		nodes = append(nodes, n)
	}
	for _, n := range nodes {
		testenv.WaitFor(t, "every node to know the others by name", 60*time.Second, func() bool {
			ps := n.Server().Peers()
			named := 0
			for _, p := range ps {
				if p.Name != "" {
					named++
				}
			}
			return len(ps) == len(names)-1 && named == len(ps)
		})
	}
	return nodes
}

// populateOwn indexes topicOf[i]'s documents, each text signed by who so
// that no two nodes hold the same text (the agent would merge equal texts
// under different URLs as mirrors), and marks them all interested.
func populateOwn(t *testing.T, n *Node, i int, who string) {
	t.Helper()
	ctx := context.Background()
	var docs []index.Document
	for j, text := range topics[topicOf[i]] {
		u := fmt.Sprintf("https://%s.example/%s/doc%d", topicOf[i], n.ID(), j)
		text += ", notes by " + who
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

// TestEachPeerIsItsOwnSourceOnRealNodes is the claim on real
// nodes over loopback gRPC: names are gossiped; every peer's results are
// fused under its own name; one "not interested" mark on one peer's
// result lowers that peer's weight and leaves the other's unchanged (in
// the store, and in the fused scores of the next search, through the
// HTTP API); a peer that stops answering is named in "unresponsive" with
// why; /peers, /sources and /node report names, trust and this node's
// cluster.
func TestEachPeerIsItsOwnSourceOnRealNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("four real nodes: skipped in -short mode")
	}
	nodes := namedNodes(t, []string{"Asker", "Bob's desk", "Carol ☕", "Dan"}, []int{3, 0, 1, 4})
	a, b, c, d := nodes[0], nodes[1], nodes[2], nodes[3]
	for _, p := range a.Server().Peers() {
		want := map[string]string{b.ID(): "Bob's desk", c.ID(): "Carol ☕", d.ID(): "Dan"}[p.ID]
		if p.Name != want {
			t.Errorf("peer %s known to a as %q, want %q", p.ID, p.Name, want)
		}
	}
	dir := a.cfg.DataDir
	post := map[string]string{"Content-Type": "application/json", "X-P2PIR-Token": runToken(t, dir)}
	search := func() clientagent.Response {
		t.Helper()
		code, raw := apiCall{method: "POST", path: "/search", header: post,
			body: `{"q": "galaxy telescope", "k": 20, "no_profile": true, "sources": ["peers"], "routing": "flood", "hops": 1, "fan_out": 3}`}.do(t, a)
		if code != http.StatusOK {
			t.Fatalf("search: %d %s", code, raw)
		}
		var resp clientagent.Response
		if err := json.Unmarshal([]byte(raw), &resp); err != nil {
			t.Fatalf("decode %s: %v", raw, err)
		}
		return resp
	}
	// best is the fused score of peer id's best result, and its URL: one
	// only it found.
	best := func(resp clientagent.Response, id string) (float64, string) {
		for _, r := range resp.Results {
			if len(r.Engines) == 1 && r.Engines[0] == clientagent.PeerName(id) {
				return r.Score, r.URL
			}
		}
		t.Fatalf("no result of %s: %+v", id, resp.Results)
		return 0, ""
	}

	before := search()
	bScore, bURL := best(before, b.ID())
	cScore, cURL := best(before, c.ID())
	if len(before.Unresponsive) != 0 {
		t.Errorf("unresponsive with every node up: %+v", before.Unresponsive)
	}
	for _, r := range before.Results {
		if r.Lang != index.English { // the finder's language for its document
			t.Errorf("peer result %s in language %q, want %q from its finder", r.URL, r.Lang, index.English)
		}
	}
	if len(before.Trace.Sources) != 1 || before.Trace.Sources[0].Source != PeersSource || before.Trace.Sources[0].Network == nil {
		t.Errorf("trace %+v, want the peers source once, with its network trace", before.Trace.Sources)
	}

	peersTrust := func() map[string]clientagent.PeerTrust {
		t.Helper()
		learned, err := a.Agent().Peers(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]clientagent.PeerTrust{}
		for _, p := range learned {
			out[p.NodeID] = p
		}
		return out
	}
	was := peersTrust()
	code, raw := apiCall{method: "POST", path: "/mark", header: post,
		body: `{"query_id": "` + before.QueryID + `", "url": "` + bURL + `", "interested": false}`}.do(t, a)
	if code != http.StatusOK {
		t.Fatalf("mark: %d %s", code, raw)
	}
	trust := peersTrust()
	// Marks decay with a half-life of days: the milliseconds of the test
	// leave one mark worth 1 within 1e-6.
	if math.Abs(trust[b.ID()].NotInterested-1) > 1e-6 || trust[b.ID()].WeightFactor >= was[b.ID()].WeightFactor {
		t.Errorf("b after a - mark on its result: %+v, was %+v", trust[b.ID()], was[b.ID()])
	}
	if tc := trust[c.ID()]; tc.Evidence() != 0 || tc.WeightFactor != was[c.ID()].WeightFactor {
		t.Errorf("c after a mark on b's result: %+v, want untouched: %+v", tc, was[c.ID()])
	}

	after := search()
	if got, _ := best(after, c.ID()); got != cScore {
		t.Errorf("c's best result scored %v before the mark on b's, %v after: want unchanged", cScore, got)
	}
	if got, _ := best(after, b.ID()); got >= bScore {
		t.Errorf("b's best result scored %v before, %v after its result was rejected: want lower", bScore, got)
	}
	_ = cURL

	// Dan's gRPC server stops; it stays in the gossip group, so the
	// flood still asks it, and it is named with the reason.
	d.grpc.Stop()
	down := search()
	var named *clientagent.Unresponsive
	for i, u := range down.Unresponsive {
		if u.Engine == clientagent.PeerName(d.ID()) {
			named = &down.Unresponsive[i]
		}
	}
	if named == nil || named.Name != "Dan" || !strings.Contains(named.Error, "could not be reached") {
		t.Errorf("unresponsive %+v, want Dan (peer:%s) could not be reached", down.Unresponsive, d.ID())
	}
	if _, url := best(down, c.ID()); url == "" {
		t.Error("c's results are missing while Dan is down")
	}

	// GET /peers: names and trust; GET /sources: the peers grouped;
	// GET /node: this node's name and cluster.
	code, raw = apiCall{method: "GET", path: "/peers"}.do(t, a)
	var rows []peer
	if err := json.Unmarshal([]byte(raw), &rows); code != http.StatusOK || err != nil {
		t.Fatalf("GET /peers: %d %s %v", code, raw, err)
	}
	for _, p := range rows {
		switch p.NodeID {
		case b.ID():
			if p.Name != "Bob's desk" || p.Trust.WeightFactor >= trust[c.ID()].WeightFactor || math.Abs(p.Trust.NotInterested-1) > 1e-6 || p.Trust.Answers != 3 {
				t.Errorf("/peers row of b: %+v", p)
			}
		case c.ID():
			if p.Name != "Carol ☕" || p.Trust.WeightFactor != was[c.ID()].WeightFactor || p.Trust.Answers != 3 {
				t.Errorf("/peers row of c: %+v", p)
			}
		}
	}
	code, raw = apiCall{method: "GET", path: "/sources"}.do(t, a)
	var sources []clientagent.SourceStats
	if err := json.Unmarshal([]byte(raw), &sources); code != http.StatusOK || err != nil {
		t.Fatalf("GET /sources: %d %s %v", code, raw, err)
	}
	var group *clientagent.PeerGroup
	for _, s := range sources {
		if s.Name == PeersSource {
			group = s.Peers
		}
	}
	if group == nil || group.Count != 2 || len(group.Top) != 2 || group.Top[0].NodeID != b.ID() || group.Top[0].Name != "Bob's desk" {
		t.Errorf("/sources peers group %+v, want b (the marked one) first by name, then c", group)
	}
	if _, err := a.Recluster(context.Background()); err != nil {
		t.Fatal(err)
	}
	code, raw = apiCall{method: "GET", path: "/node"}.do(t, a)
	var self selfInfo
	if err := json.Unmarshal([]byte(raw), &self); code != http.StatusOK || err != nil {
		t.Fatalf("GET /node: %d %s %v", code, raw, err)
	}
	_, own := a.Server().Clusters()
	if self.NodeID != a.ID() || self.Name != "Asker" || self.Cluster != own || len(self.Interests) == 0 {
		t.Errorf("GET /node = %+v, want Asker in cluster %d with its interests", self, own)
	}
}

// TestStartRefusesAnUnreadableName: a node name peers could not read
// safely stops the node before it joins anything, saying why.
func TestStartRefusesAnUnreadableName(t *testing.T) {
	for _, name := range []string{"evil\x1b[2J", strings.Repeat("n", 49), "bob\u202e", " padded"} {
		_, err := Start(context.Background(), Config{
			DataDir: t.TempDir(), NoHTTP: true, GRPCAddr: "127.0.0.1:0", GossipAddr: "127.0.0.1:0",
			MembershipProfile: "local", ManualRounds: true, Name: name,
		})
		if err == nil || !strings.Contains(err.Error(), "node name") {
			t.Errorf("Start with name %q = %v, want a refusal naming the node name", name, err)
		}
	}
}
