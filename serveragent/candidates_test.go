package serveragent

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/identity"
	"github.com/p2pir/p2pir/usermodel"
)

// patientConfig is testConfig with calls to peers bounded at a minute: for
// tests whose calls must succeed, on a loaded machine too (a bound for a
// hang, not a timing claim).
func patientConfig() Config {
	c := testConfig()
	c.PerPeerTimeout = time.Minute
	return c
}

// trap is a TCP listener that counts the connections made to it and
// closes each at once: the address a hostile peer reports for the nodes
// it makes up.
type trap struct {
	addr  string
	dials atomic.Int64
}

func newTrap(t *testing.T) *trap {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lis.Close() })
	tr := &trap{addr: lis.Addr().String()}
	go func() {
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			tr.dials.Add(1) // counted before the close the dialler sees fail
			c.Close()
		}
	}()
	return tr
}

// unitFP is a valid wire fingerprint.
func unitFP(version uint64) *p2pirv1.Fingerprint {
	v := make([]float32, p2pirv1.FingerprintDim)
	v[0] = 1
	return &p2pirv1.Fingerprint{Scheme: usermodel.FingerprintScheme, Values: v, Version: version}
}

// forgedExchange is a gossip message from attacker claiming to know
// count nodes that do not exist: fresh node IDs, all at addr.
func forgedExchange(t *testing.T, attacker *identity.Identity, count int, addr string) (*p2pirv1.ProfileExchange, []string) {
	t.Helper()
	msg := &p2pirv1.ProfileExchange{Sender: &p2pirv1.NodeInfo{NodeId: attacker.NodeID(), Version: "p2pir/test"}, Sharing: true, Fingerprint: unitFP(1)}
	var ids []string
	for range count {
		pub, _, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		id := identity.NodeIDFromPublicKey(pub)
		ids = append(ids, id)
		msg.Known = append(msg.Known, &p2pirv1.ProfileEntry{Node: &p2pirv1.NodeInfo{NodeId: id, GrpcAddr: addr},
			Fingerprint: unitFP(1), UpdatedUnixMs: time.Now().UnixMilli()})
	}
	return msg, ids
}

// gossipAs sends msg to victim over TCP as the node attacker, and
// returns the reply.
func gossipAs(t *testing.T, attacker *identity.Identity, victim *tnode, msg *p2pirv1.ProfileExchange) *p2pirv1.ProfileExchange {
	t.Helper()
	cc, err := TLSDialer{Identity: attacker}.Dial(context.Background(), victim.addr, victim.id.NodeID())
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	reply, err := p2pirv1.NewPeerClient(cc).ExchangeProfiles(ctx, msg)
	if err != nil {
		t.Fatalf("the attacker's gossip was refused: %v", err)
	}
	return reply
}

// A real peer gossips entries about nodes it made up (fresh node IDs, an
// address of its choosing), over TCP. None of them joins the peer table,
// none is passed on to other peers, one peer adds at most a burst of
// candidates and all peers together at most MaxCandidates, the honest
// peers stay, and the made-up address is dialled only by the gossip
// rounds' probes, at most CandidateProbes a round (and never by a
// search); each failed probe drops its candidate.
func TestForgedGossipEntriesDoNotSteerConnections(t *testing.T) {
	cfg := testConfig()
	cfg.Seed = 3
	cfg.MaxPeers = 12 // room for the honest peers and the attackers, not for what they make up
	cfg.MaxCandidates = 32
	cfg.CandidateProbes = 1
	cfg.CandidateRate = 0.001 // no refill while the test runs: the burst is the budget
	cfg.Strategy = "flood"
	victim := newTCPNode(t, "victim", cfg, nil)
	var honest []*tnode
	for _, name := range []string{"h1", "h2", "h3"} {
		h := newTCPNode(t, name, testConfig(), nil)
		link(t, victim, h)
		link(t, h, victim)
		honest = append(honest, h)
	}
	tr := newTrap(t)
	inTable := func(ids map[string]bool) int {
		n := 0
		for _, p := range victim.node.Peers() {
			if ids[p.ID] {
				n++
			}
		}
		return n
	}
	forged := map[string]bool{}

	// One attacker: four messages of 64 made-up nodes.
	attacker, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		msg, ids := forgedExchange(t, attacker, p2pirv1.MaxProfileEntries, tr.addr)
		for _, id := range ids {
			forged[id] = true
		}
		gossipAs(t, attacker, victim, msg)
	}
	if n := inTable(forged); n != 0 {
		t.Fatalf("%d made-up nodes joined the peer table", n)
	}
	if c, burst := victim.node.CandidateCount(), victim.node.Config().GossipEntries; c > burst {
		t.Fatalf("one peer added %d candidates, its budget is %d", c, burst)
	}

	// Five more attackers: the candidates stay within MaxCandidates, and
	// the honest peers in the table.
	for range 5 {
		other, err := identity.Generate()
		if err != nil {
			t.Fatal(err)
		}
		msg, ids := forgedExchange(t, other, p2pirv1.MaxProfileEntries, tr.addr)
		for _, id := range ids {
			forged[id] = true
		}
		gossipAs(t, other, victim, msg)
	}
	before := victim.node.CandidateCount()
	if before > cfg.MaxCandidates || before == 0 {
		t.Fatalf("%d candidates, want 1 to %d", before, cfg.MaxCandidates)
	}
	for _, h := range honest {
		if inTable(map[string]bool{h.id.NodeID(): true}) != 1 {
			t.Fatalf("honest peer %s was displaced", h.name)
		}
	}
	if n := inTable(forged); n != 0 {
		t.Fatalf("%d made-up nodes joined the peer table", n)
	}

	// The victim's gossip rounds and a flooded search.
	const rounds = 5
	ctx := context.Background()
	for range rounds {
		_ = victim.node.Gossip(ctx) // the probes of made-up nodes fail
	}
	if _, err := victim.node.SearchPeers(ctx, PeerQuery{Text: "anything", K: 5, Hops: 2}); err != nil {
		t.Fatal(err)
	}
	dials := tr.dials.Load()
	if dials > rounds*int64(cfg.CandidateProbes) {
		t.Fatalf("the made-up address was dialled %d times in %d rounds and a search; at most %d probes a round", dials, rounds, cfg.CandidateProbes)
	}
	if after := victim.node.CandidateCount(); after > before-int(dials) {
		t.Fatalf("%d candidates after %d failed probes, %d before: a failed probe keeps its candidate", after, dials, before)
	}
	if n := inTable(forged); n != 0 {
		t.Fatalf("%d made-up nodes joined the peer table after the probes", n)
	}
	t.Logf("%d made-up entries sent by %d peers: %d candidates, none a peer; %d dials of their address in %d rounds and a search; %d candidates left",
		len(forged), 6, before, dials, rounds, victim.node.CandidateCount())
	// Nor does the victim pass them on.
	reply := gossipAs(t, honest[0].id, victim, &p2pirv1.ProfileExchange{Sender: honest[0].node.Self().proto()})
	for _, e := range reply.GetKnown() {
		if forged[e.GetNode().GetNodeId()] {
			t.Fatalf("the victim gossips a made-up node on: %s", e.GetNode().GetNodeId())
		}
	}
}

// A node heard of only in gossip (c, which a's peer b knows) is a
// candidate, not a peer, until a's next gossip round probes it over a
// connection pinned to its node ID; then it is a peer with the
// fingerprint it sent itself.
func TestACandidateJoinsThePeerTableWhenItsProbeProvesIt(t *testing.T) {
	corpus := loadCorpus(t)
	mem := NewMemNet()
	cfg := patientConfig()
	cfg.Seed = 5
	a := newNode(t, mem, "a", cfg, nil)
	b := newNode(t, mem, "b", cfg, nil)
	c := newNode(t, mem, "c", cfg, corpus["astro"])
	like(t, c, corpus["astro"][0])
	link(t, b, c)
	link(t, a, b)
	ctx := context.Background()
	if err := b.node.Gossip(ctx); err != nil { // b learns c's fingerprint from c
		t.Fatal(err)
	}
	if err := a.node.Gossip(ctx); err != nil { // a hears of c from b
		t.Fatal(err)
	}
	if ps := a.node.Peers(); len(ps) != 1 || ps[0].ID != b.id.NodeID() || a.node.CandidateCount() != 1 {
		t.Fatalf("after hearing of c: peers %+v, %d candidates; want b alone and c a candidate", ps, a.node.CandidateCount())
	}
	if err := a.node.Gossip(ctx); err != nil { // probes c
		t.Fatal(err)
	}
	var found bool
	for _, p := range a.node.Peers() {
		if p.ID == c.id.NodeID() {
			found = p.Firsthand && p.HasFingerprint
		}
	}
	if !found || a.node.CandidateCount() != 0 {
		t.Fatalf("after the probe: peers %+v, %d candidates; want c a peer with its own fingerprint", a.node.Peers(), a.node.CandidateCount())
	}
}

// A full peer table lets a newcomer in only in place of a peer that is
// not established: while every peer has proved its ID and been known for
// EstablishedAfter, nodes that call for the first time, however many,
// push none of them out; while none is, the stalest makes way as before.
func TestNewcomersDoNotPushEstablishedPeersOut(t *testing.T) {
	for _, tc := range []struct {
		name             string
		establishedAfter time.Duration
		newcomerIn       bool
	}{
		{"established peers stay", time.Nanosecond, false},
		{"new peers make way", time.Hour, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := NewMemNet()
			cfg := patientConfig()
			cfg.MaxPeers = 3
			cfg.EstablishedAfter = tc.establishedAfter
			v := newNode(t, mem, "v", cfg, nil)
			ctx := context.Background()
			gossipTo := func(name string) *tnode {
				n := newNode(t, mem, name, patientConfig(), nil)
				link(t, n, v)
				if err := n.node.Gossip(ctx); err != nil {
					t.Fatal(err)
				}
				return n
			}
			for _, name := range []string{"h1", "h2", "h3"} {
				gossipTo(name)
			}
			newcomer := gossipTo("newcomer")
			in := false
			for _, p := range v.node.Peers() {
				in = in || p.ID == newcomer.id.NodeID()
			}
			if in != tc.newcomerIn || v.node.PeerCount() != cfg.MaxPeers {
				t.Fatalf("newcomer in the table: %v, want %v (%d peers)", in, tc.newcomerIn, v.node.PeerCount())
			}
		})
	}
}

// A node that calls us may claim any address for itself (here one where
// nothing speaks TLS). Until a call of ours to that address succeeds, no
// search goes there; gossip rounds try it, and after
// maxUnansweredFailures failures the node is dropped: the address it
// claimed steered at most that many connections, not one a round
// forever.
func TestAnAddressAPeerClaimsIsTriedAFewTimesOnly(t *testing.T) {
	cfg := testConfig()
	cfg.Strategy = "flood"
	victim := newTCPNode(t, "victim", cfg, nil)
	tr := newTrap(t)
	liar, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	gossipAs(t, liar, victim, &p2pirv1.ProfileExchange{Sender: &p2pirv1.NodeInfo{NodeId: liar.NodeID(), GrpcAddr: tr.addr}, Sharing: true, Fingerprint: unitFP(1)})
	if victim.node.PeerCount() != 1 {
		t.Fatalf("%d peers after the call, want the caller", victim.node.PeerCount())
	}
	ctx := context.Background()
	if _, err := victim.node.SearchPeers(ctx, PeerQuery{Text: "anything", K: 5, Hops: 2}); err != nil {
		t.Fatal(err)
	}
	if d := tr.dials.Load(); d != 0 {
		t.Fatalf("a search dialled the address the caller claimed %d times", d)
	}
	const rounds = 2 * maxUnansweredFailures
	for range rounds {
		_ = victim.node.Gossip(ctx) // fails while the liar is in the table
	}
	// gRPC backs off between dials, so the failed calls may have dialled
	// fewer times than they failed.
	if d := tr.dials.Load(); d < 1 || d > maxUnansweredFailures {
		t.Fatalf("the claimed address was dialled %d times in %d gossip rounds, want 1 to %d", d, rounds, maxUnansweredFailures)
	}
	if victim.node.PeerCount() != 0 {
		t.Fatalf("the node whose address never answered is still a peer: %+v", victim.node.Peers())
	}
}

// The budget of new candidates that all peers share (CandidateRateTotal,
// burst MaxCandidates) keeps a second peer's made-up entries from
// churning out the candidates the node holds, even with no limit per
// peer: once it is spent, new entries are not taken in, and none of those
// held is evicted for them.
func TestCandidatesShareOneBudget(t *testing.T) {
	mem := NewMemNet()
	cfg := testConfig()
	cfg.MaxCandidates = 8
	cfg.CandidateRate = rate.Inf
	cfg.CandidateRateTotal = 0.001 // no refill while the test runs
	v := newNode(t, mem, "v", cfg, nil)
	held := func() map[string]bool {
		v.node.mu.Lock()
		defer v.node.mu.Unlock()
		out := map[string]bool{}
		for id := range v.node.unproven {
			out[id] = true
		}
		return out
	}
	for i := range 2 {
		attacker := newNode(t, mem, fmt.Sprintf("attacker%d", i), testConfig(), nil)
		before := held()
		msg, _ := forgedExchange(t, attacker.id, p2pirv1.MaxProfileEntries, "nowhere:7070")
		if _, err := rawClient(t, mem, attacker.id, v).ExchangeProfiles(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
		after := held()
		switch {
		case i == 0 && len(after) != cfg.MaxCandidates:
			t.Fatalf("the first peer's entries made %d candidates, want the shared burst, %d", len(after), cfg.MaxCandidates)
		case i == 1 && !reflect.DeepEqual(after, before):
			t.Fatalf("a second peer's entries changed the candidates held once the shared budget was spent")
		}
	}
}
