package serveragent

import (
	"context"
	"fmt"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/p2pir/p2pir/serveragent/routing"
)

// Claim: the connection pool's settings have their documented defaults.
func TestConnPoolDefaults(t *testing.T) {
	c, err := Config{}.resolve()
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxConns != DefaultMaxConns || c.ConnIdleTimeout != DefaultConnIdleTimeout {
		t.Errorf("MaxConns %d, ConnIdleTimeout %v; want %d, %v", c.MaxConns, c.ConnIdleTimeout, DefaultMaxConns, DefaultConnIdleTimeout)
	}
	if _, err := (Config{MaxConns: -2}).resolve(); err == nil {
		t.Error("MaxConns -2 accepted")
	}
}

// floodAll asks every peer of tn (flood, one hop) and checks that all of
// want answered.
func floodAll(t *testing.T, tn *tnode, want []*tnode) {
	t.Helper()
	q := astroQuery(1)
	q.Strategy, q.FanOut = routing.Flood, len(want)
	res, err := tn.node.SearchPeers(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Unresponsive) != 0 {
		t.Fatalf("unresponsive peers: %+v", res.Unresponsive)
	}
	if int(res.PeersContacted) != len(want) {
		t.Fatalf("%d peers contacted, want %d", res.PeersContacted, len(want))
	}
}

// Claim: a node that talks to more peers than Config.MaxConns keeps at
// most MaxConns connections open once its calls end, and still reaches
// every peer (closed connections are dialled again when needed).
func TestConnPoolKeepsAtMostMaxConnsAndStillAnswers(t *testing.T) {
	corpus := loadCorpus(t)
	cfg := testConfig()
	cfg.MaxConns = 3
	cfg.Routing.MaxFanout = 16
	cfg.PerPeerTimeout = 10 * time.Second // eight TLS handshakes at once on a loaded machine
	mem := NewMemNet()
	a := newNode(t, mem, "a", cfg, nil)
	var peers []*tnode
	for i := range 8 {
		p := newNode(t, mem, fmt.Sprintf("p%d", i), testConfig(), corpus["astro"])
		link(t, a, p)
		peers = append(peers, p)
	}
	for round := range 3 {
		floodAll(t, a, peers)
		if got := a.node.OpenConns(); got > cfg.MaxConns {
			t.Fatalf("round %d: %d connections open, want at most %d", round, got, cfg.MaxConns)
		}
	}
	for _, p := range peers {
		if got := p.searches.Load(); got != 3 {
			t.Errorf("peer %s answered %d searches, want 3", p.name, got)
		}
	}
}

// Claim: the pool never closes a connection a call is running on: with
// MaxConns 1, a slow peer's call outlives the three fast ones (whose
// connections, used later, then close first) and still answers.
func TestConnPoolNeverCutsACallInFlight(t *testing.T) {
	corpus := loadCorpus(t)
	cfg := testConfig()
	cfg.MaxConns = 1
	cfg.PerPeerTimeout = 5 * time.Second
	mem := NewMemNet()
	a := newNode(t, mem, "a", cfg, nil)
	release := make(chan struct{})
	stall := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		<-release
		return h(ctx, req)
	}
	slow := newNode(t, mem, "slow", testConfig(), corpus["astro"], stall)
	peers := []*tnode{slow}
	for i := range 3 {
		peers = append(peers, newNode(t, mem, fmt.Sprintf("fast%d", i), testConfig(), corpus["astro"]))
	}
	link(t, a, peers...)
	go func() {
		// Let the fast calls end (and their connections be swept) while
		// the slow one runs.
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			done := true
			for _, p := range peers[1:] {
				done = done && p.searches.Load() == 1
			}
			if done && a.node.OpenConns() <= 2 {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		close(release)
	}()
	floodAll(t, a, peers)
	if got := a.node.OpenConns(); got > cfg.MaxConns {
		t.Errorf("%d connections open after the calls ended, want at most %d", got, cfg.MaxConns)
	}
}

// Claim: a connection unused for Config.ConnIdleTimeout is closed, and
// the peer is dialled again at the next call.
func TestConnPoolClosesIdleConnections(t *testing.T) {
	corpus := loadCorpus(t)
	cfg := testConfig()
	cfg.ConnIdleTimeout = 20 * time.Millisecond
	cfg.PerPeerTimeout = 10 * time.Second
	mem := NewMemNet()
	a := newNode(t, mem, "a", cfg, nil)
	b := newNode(t, mem, "b", testConfig(), corpus["astro"])
	link(t, a, b)
	floodAll(t, a, []*tnode{b})
	if got := a.node.OpenConns(); got != 1 {
		t.Fatalf("%d connections open after a call, want 1", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for a.node.CloseIdleConns(); a.node.OpenConns() != 0; a.node.CloseIdleConns() {
		if time.Now().After(deadline) {
			t.Fatalf("the idle connection is still open after 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	floodAll(t, a, []*tnode{b})
	if got, n := a.node.OpenConns(), b.searches.Load(); got != 1 || n != 2 {
		t.Errorf("after the idle close: %d connections, %d searches answered; want 1 and 2", got, n)
	}
}

// Claim: PeerCount is the length of the peer table Peers lists.
func TestPeerCountMatchesPeers(t *testing.T) {
	mem := NewMemNet()
	a := newNode(t, mem, "a", testConfig(), nil)
	if a.node.PeerCount() != 0 {
		t.Fatalf("PeerCount %d on an empty table", a.node.PeerCount())
	}
	for i := range 3 {
		link(t, a, newNode(t, mem, fmt.Sprintf("p%d", i), testConfig(), nil))
	}
	if got, want := a.node.PeerCount(), len(a.node.Peers()); got != want || got != 3 {
		t.Errorf("PeerCount %d, len(Peers()) %d; want 3", got, want)
	}
}
