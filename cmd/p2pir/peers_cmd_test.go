package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/node"
)

// TestPeersShowNamesTrustAndThisNodesCluster: two "p2pir node" runs, one
// joining the other, each named with --name; "p2pir peers" on the first
// shows this node by name and the other by its announced name, at the
// stranger's trust (1.00x, no marks); "p2pir sources" through the node
// prints its table with the peers group.
func TestPeersShowNamesTrustAndThisNodesCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("two real nodes: skipped in -short mode")
	}
	a, b := t.TempDir(), t.TempDir()
	startCLINode(t, a, "--name", "Asker", "--membership", "local")
	ri, ok := node.ReadRunFile(a)
	if !ok {
		t.Fatal("no run file for the first node")
	}
	startCLINode(t, b, "--name", "Bob's desk", "--membership", "local", "--join", ri.Gossip)

	var listed struct {
		Self struct {
			NodeID string `json:"node_id"`
			Name   string `json:"name"`
		} `json:"self"`
		Peers []struct {
			Name  string `json:"name"`
			Trust struct {
				WeightFactor float64 `json:"weight_factor"`
			} `json:"trust"`
		} `json:"peers"`
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := mustRunCLI(t, a, "peers", "--json")
		if err := json.Unmarshal([]byte(r.stdout), &listed); err != nil {
			t.Fatalf("peers --json: %v\n%s", err, r.stdout)
		}
		if len(listed.Peers) == 1 && listed.Peers[0].Name != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the second node never appeared by name: %s", r.stdout)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if listed.Self.Name != "Asker" || listed.Self.NodeID != ri.NodeID || listed.Peers[0].Name != "Bob's desk" || listed.Peers[0].Trust.WeightFactor != 1 {
		t.Fatalf("peers --json: %+v", listed)
	}
	text := mustRunCLI(t, a, "peers").stdout
	t.Logf("p2pir peers:\n%s", text)
	for _, want := range []string{"this node: Asker (" + ri.NodeID[:12] + ")", "Bob's desk (p2p1", "1.00x", "none"} {
		if !strings.Contains(text, want) {
			t.Errorf("p2pir peers lacks %q:\n%s", want, text)
		}
	}
	src := mustRunCLI(t, a, "sources").stdout
	t.Logf("p2pir sources:\n%s", src)
	if !strings.Contains(src, "peers") || !strings.Contains(src, "no peer has brought results yet") || strings.HasPrefix(strings.TrimSpace(src), "[") {
		t.Errorf("p2pir sources through the node, want the table with the peers group:\n%s", src)
	}
}

// TestNodeRefusesAnUnreadableName: --name with characters peers could
// not show safely, or too long, is a usage error naming the flag.
func TestNodeRefusesAnUnreadableName(t *testing.T) {
	for _, name := range []string{"evil\x1b[2J", strings.Repeat("n", 49), "rtl\u202eexe", "trailing "} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var out, errOut bytes.Buffer
		code := run(ctx, []string{"--data", t.TempDir(), "node", "--grpc", "127.0.0.1:0", "--gossip", "127.0.0.1:0", "--name", name}, strings.NewReader(""), &out, &errOut)
		if code != 2 || !strings.Contains(errOut.String(), "--name") {
			t.Errorf("--name %q: exit %d, stderr %q; want exit 2 naming --name", name, code, errOut.String())
		}
	}
}

// TestPeerTrustAndFailuresReadForPeople: the sources table lists the
// peers with the most evidence under "peers", by name and short ID, and
// how many more there are; a search names a peer that failed by name and
// says why; a name that slipped through with terminal escapes or
// direction overrides is shown without them.
func TestPeerTrustAndFailuresReadForPeople(t *testing.T) {
	const idB, idC = "p2p1bbbbbbbbbbbbbbbbbbbbbbbbbb", "p2p1cccccccccccccccccccccccccc"
	stats := []clientagent.SourceStats{
		{Name: "local", Alpha: 1, Beta: 1},
		{Name: "peers", Alpha: 1, Beta: 1, Queries: 7, Peers: &clientagent.PeerGroup{Count: 5, Top: []clientagent.PeerTrust{
			{NodeID: idB, Name: "Bob's desk", Interested: 3, Precision: 0.8, WeightFactor: 1.6, Answers: 6},
			{NodeID: idC, Name: "ev\u202eil\x1b[2J", NotInterested: 1, Precision: 1.0 / 3, WeightFactor: 2.0 / 3, Answers: 2},
		}}},
	}
	var b bytes.Buffer
	writeSourcesText(&b, stats, nil, time.Now())
	out := b.String()
	t.Logf("sources text:\n%s", out)
	for _, want := range []string{"Bob's desk (p2p1bbbbbbbb)", "1.60x", "3.0 interested, 0.0 not", "evil [2J (p2p1cccccccc)", "0.67x", "… and 3 more peers"} {
		if !strings.Contains(out, want) {
			t.Errorf("sources text lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\u202e") {
		t.Errorf("sources text carries a terminal escape or a direction override:\n%q", out)
	}

	b.Reset()
	writeSearchText(&b, &clientagent.Response{QueryID: "q1", Results: []clientagent.Result{{Rank: 1, URL: "https://x.example/"}},
		Unresponsive: []clientagent.Unresponsive{{Engine: clientagent.PeerName(idC), Name: "Dan", Error: "could not be reached (unavailable: connection refused)"}}}, searchStyle{})
	if want := "unresponsive: peer Dan (p2p1cccccccc): could not be reached (unavailable: connection refused)"; !strings.Contains(b.String(), want) {
		t.Errorf("search text lacks %q:\n%s", want, b.String())
	}
}

// TestSourcesWithoutANodeShowTheLearnedPeers: the trust learned of peers
// while a node ran is in the state file, and "p2pir sources" shows it
// with no node running (there is then no peers source to ask).
func TestSourcesWithoutANodeShowTheLearnedPeers(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	local, err := node.OpenLocal(ctx, dir, node.LocalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const idB = "p2p1bbbbbbbbbbbbbbbbbbbbbbbbbb"
	relay := clientagent.TracingSourceFunc(func(context.Context, *clientagent.SourceQuery) ([]clientagent.Hit, *clientagent.NetworkTrace, error) {
		return []clientagent.Hit{{URL: "https://b.example/glacier", Title: "glacier ice", Content: "glacier ice cores", Rank: 1, Origin: clientagent.PeerName(idB)}}, nil, nil
	})
	if err := local.Agent.AddSource(node.PeersSource, relay, clientagent.SourceOptions{PerPeer: true}); err != nil {
		t.Fatal(err)
	}
	resp, err := local.Agent.Search(ctx, clientagent.Request{Query: "glacier", NoProfile: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := local.Agent.Mark(ctx, resp.QueryID, "https://b.example/glacier", true); err != nil {
		t.Fatal(err)
	}
	if err := local.Close(); err != nil {
		t.Fatal(err)
	}
	out := mustRunCLI(t, dir, "sources").stdout
	if !strings.Contains(out, "peers") || !strings.Contains(out, "p2p1bbbbbbbb") || !strings.Contains(out, "1.0 interested") {
		t.Errorf("p2pir sources without a node lacks the learned peer:\n%s", out)
	}
	var rows []struct {
		Name  string                 `json:"name"`
		Peers *clientagent.PeerGroup `json:"peers"`
	}
	if err := json.Unmarshal([]byte(mustRunCLI(t, dir, "sources", "--json").stdout), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Name == node.PeersSource && r.Peers != nil && r.Peers.Count == 1 && r.Peers.Top[0].NodeID == idB && r.Peers.Top[0].WeightFactor > 1 {
			return
		}
	}
	t.Errorf("sources --json without a node: %+v, want peers with b's trust above the prior", rows)
}

// TestPeersTextSaysWhichPeersAreIgnored: a peer ignored after its results
// were rejected is marked so in its row, with a line saying what that
// means and how it ends; a list without one has no such line.
func TestPeersTextSaysWhichPeersAreIgnored(t *testing.T) {
	for _, ignored := range []bool{false, true} {
		var rows []peerRow
		for _, name := range []string{"honest", "spammer"} {
			var p peerRow
			p.NodeID, p.Name, p.State, p.Cluster = "p2p1"+name, name, "ok", -1
			p.Trust.WeightFactor, p.Trust.NotInterested = 1, 0
			if name == "spammer" {
				p.Trust.NotInterested, p.Trust.Ignored = 7, ignored
			}
			rows = append(rows, p)
		}
		var b strings.Builder
		writePeersText(&b, nodeSelf{NodeID: "p2p1self", Cluster: -1}, rows)
		var spam string
		for _, l := range strings.Split(b.String(), "\n") {
			if strings.HasPrefix(l, "spammer") {
				spam = l
			}
		}
		if got := strings.Contains(spam, "ignored"); got != ignored {
			t.Errorf("ignored %v: the spammer's row %q", ignored, spam)
		}
		if got := strings.Contains(b.String(), "a result of it you mark interested brings it back"); got != ignored {
			t.Errorf("ignored %v: explanation shown %v:\n%s", ignored, got, b.String())
		}
	}
}
