package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"
	"google.golang.org/grpc"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/internal/testenv"
	"github.com/p2pir/p2pir/serveragent"
	"github.com/p2pir/p2pir/serveragent/identity"
	"github.com/p2pir/p2pir/serveragent/routing"
)

// faultNet is loopback sockets with fault hooks, for whole nodes: each
// node binds its gRPC listener and its gossip (memberlist's UDP and TCP)
// to an address of its own on 127/8, and every connection the nodes make
// or accept goes through hooks that can stall a node's server, cut its
// next response half-way, or split the nodes into two sides that cannot
// reach each other (gRPC and gossip both).
type faultNet struct {
	mu sync.Mutex
	// side is each node's side (by its IP) while the network is split;
	// nil when whole.
	side map[string]int
	// stalled lists the nodes (by IP) whose server accepts connections
	// and then neither reads nor writes; release ends every stall.
	stalled map[string]bool
	release chan struct{}
	// cutNext lists the nodes (by IP) whose server cuts its next
	// response (a write of more than cutAbove bytes) half-way, then closes
	// the connection; cuts counts the cuts made.
	cutNext map[string]bool
	cuts    atomic.Int64
	// conns are the gRPC connections the nodes dialled, so that a split
	// cuts the ones already open.
	conns map[*faultConn]struct{}
}

// cutAbove is the size of a write (a TLS record) that counts as a
// response with results: HTTP/2's control frames (settings, pings,
// window updates) are far smaller.
const cutAbove = 300

func newFaultNet() *faultNet {
	return &faultNet{stalled: map[string]bool{}, release: make(chan struct{}), cutNext: map[string]bool{}, conns: map[*faultConn]struct{}{}}
}

// errPartitioned is what a call across the split gets.
var errPartitioned = errors.New("network partitioned (test)")

// apart reports whether the nodes at IPs a and b are on different sides
// of a split.
func (f *faultNet) apart(a, b string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.side == nil {
		return false
	}
	sa, oka := f.side[a]
	sb, okb := f.side[b]
	return oka && okb && sa != sb
}

// split cuts the network into sides (lists of IPs), closing the gRPC
// connections already open across it.
func (f *faultNet) split(sides ...[]string) {
	f.mu.Lock()
	f.side = map[string]int{}
	for i, s := range sides {
		for _, ip := range s {
			f.side[ip] = i
		}
	}
	var cut []*faultConn
	for c := range f.conns {
		if f.side[c.local] != f.side[c.remote] {
			cut = append(cut, c)
		}
	}
	f.mu.Unlock()
	for _, c := range cut {
		c.Close()
	}
}

// heal ends a split.
func (f *faultNet) heal() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.side = nil
}

func (f *faultNet) stall(ip string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stalled[ip] = true
}

// unstall ends every stall; connections held stalled fail.
func (f *faultNet) unstall() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.stalled) > 0 {
		f.stalled = map[string]bool{}
		close(f.release)
		f.release = make(chan struct{})
	}
}

// stalledOn returns whether ip's server is stalled, and the channel that
// ends the stall.
func (f *faultNet) stalledOn(ip string) (bool, chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stalled[ip], f.release
}

// armCut has ip's server cut its next response.
func (f *faultNet) armCut(ip string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cutNext[ip] = true
}

// takeCut reports whether ip's server is to cut this write, disarming it.
func (f *faultNet) takeCut(ip string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cutNext[ip] {
		delete(f.cutNext, ip)
		return true
	}
	return false
}

// transport is the Transport of the node bound to ip.
func (f *faultNet) transport(ip string) Transport {
	return Transport{
		Listen: func(addr string) (net.Listener, error) {
			l, err := net.Listen("tcp", addr)
			if err != nil {
				return nil, err
			}
			return faultListener{l, f, ip}, nil
		},
		Dialer: func(id *identity.Identity, secret []byte) serveragent.Dialer {
			dial := func(ctx context.Context, addr string) (net.Conn, error) {
				to := hostOf(addr)
				if f.apart(ip, to) {
					return nil, errPartitioned
				}
				var d net.Dialer
				c, err := d.DialContext(ctx, "tcp", addr)
				if err != nil {
					return nil, err
				}
				fc := newFaultConn(c, f, ip, to, false)
				f.mu.Lock()
				f.conns[fc] = struct{}{}
				f.mu.Unlock()
				return fc, nil
			}
			return serveragent.TLSDialer{Identity: id, Secret: secret, Options: []grpc.DialOption{grpc.WithContextDialer(dial)}}
		},
		Gossip: func() (memberlist.Transport, error) {
			t, err := memberlist.NewNetTransport(&memberlist.NetTransportConfig{BindAddrs: []string{ip}, BindPort: 0, Logger: log.New(io.Discard, "", 0)})
			if err != nil {
				return nil, err
			}
			return gossipLink{t, f, ip}, nil
		},
	}
}

// hostOf is addr's host.
func hostOf(addr string) string {
	h, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return h
}

// gossipLink is memberlist's own network transport with the split
// applied: packets to the other side are lost, connections to it refused.
type gossipLink struct {
	memberlist.Transport
	f    *faultNet
	self string
}

// WriteTo implements memberlist.Transport: a packet across the split is
// lost, as on a real network.
func (g gossipLink) WriteTo(b []byte, addr string) (time.Time, error) {
	if g.f.apart(g.self, hostOf(addr)) {
		return time.Now(), nil
	}
	return g.Transport.WriteTo(b, addr)
}

// DialTimeout implements memberlist.Transport.
func (g gossipLink) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	if g.f.apart(g.self, hostOf(addr)) {
		return nil, errPartitioned
	}
	return g.Transport.DialTimeout(addr, timeout)
}

// faultListener hands out the server side of connections with the
// node's faults applied.
type faultListener struct {
	net.Listener
	f  *faultNet
	ip string
}

// Accept implements net.Listener.
func (l faultListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return newFaultConn(c, l.f, l.ip, "", true), nil
}

// faultConn is one connection between nodes: for a dialled one, local and
// remote are the two nodes' IPs (a split closes it); for an accepted one
// (server), local is the server's IP, whose stall and cut apply.
type faultConn struct {
	net.Conn
	f             *faultNet
	local, remote string
	server        bool
	closed        chan struct{}
	once          sync.Once
}

func newFaultConn(c net.Conn, f *faultNet, local, remote string, server bool) *faultConn {
	return &faultConn{Conn: c, f: f, local: local, remote: remote, server: server, closed: make(chan struct{})}
}

// hold blocks a stalled server's read or write until the connection is
// closed or the stall released, and fails it; it returns false at once
// for a server that is not stalled.
func (c *faultConn) hold() bool {
	if !c.server {
		return false
	}
	stalled, release := c.f.stalledOn(c.local)
	if !stalled {
		return false
	}
	select {
	case <-c.closed:
	case <-release:
		c.Close()
	}
	return true
}

// Read implements net.Conn.
func (c *faultConn) Read(b []byte) (int, error) {
	if c.hold() {
		return 0, net.ErrClosed
	}
	if !c.server && c.f.apart(c.local, c.remote) {
		c.Close()
		return 0, errPartitioned
	}
	n, err := c.Conn.Read(b)
	if c.hold() { // the request arrived once stalled: never served
		return 0, net.ErrClosed
	}
	return n, err
}

// Write implements net.Conn.
func (c *faultConn) Write(b []byte) (int, error) {
	if c.hold() {
		return 0, net.ErrClosed
	}
	if !c.server && c.f.apart(c.local, c.remote) {
		c.Close()
		return 0, errPartitioned
	}
	if c.server && len(b) > cutAbove && c.f.takeCut(c.local) {
		n, _ := c.Conn.Write(b[:len(b)/2])
		c.f.cuts.Add(1)
		c.Close()
		return n, errors.New("connection cut mid-response (test)")
	}
	return c.Conn.Write(b)
}

// Close implements net.Conn.
func (c *faultConn) Close() error {
	c.once.Do(func() {
		close(c.closed)
		c.f.mu.Lock()
		delete(c.f.conns, c)
		c.f.mu.Unlock()
	})
	return c.Conn.Close()
}

// faultNodeIP is node i's address on 127/8.
func faultNodeIP(i int) string { return fmt.Sprintf("127.0.14.%d", 10+i) }

// startFaultNodes starts n whole nodes on f (node i at faultNodeIP(i)),
// every one joining node 0, with topic(i)'s documents, flooding queries
// one hop with a generous per-peer timeout; it waits until every node
// lists every other as a peer. The nodes close when the test ends, after
// any stall is released.
//
// tweak, if given, changes node i's Config before it starts.
func startFaultNodes(t *testing.T, f *faultNet, n int, topic func(int) string, perPeer time.Duration, tweak ...func(i int, c *Config)) []*Node {
	t.Helper()
	if l, err := net.Listen("tcp", faultNodeIP(0)+":0"); err != nil {
		t.Skipf("loopback addresses other than 127.0.0.1 are not available here: %v", err)
	} else {
		l.Close()
	}
	ctx := context.Background()
	root := t.TempDir()
	nodes := make([]*Node, n)
	t.Cleanup(func() { closeNodes(nodes) })
	t.Cleanup(f.unstall) // first: a stalled server would hold its close
	for i := range nodes {
		ip := faultNodeIP(i)
		cfg := Config{
			DataDir: filepath.Join(root, fmt.Sprint(i)), GRPCAddr: ip + ":0", NoHTTP: true,
			Transport: f.transport(ip), ManualRounds: true, MembershipProfile: "local",
			Server: &serveragent.Config{Strategy: routing.Flood}, Hops: 1, FanOut: 8,
			PerPeerTimeout: perPeer, PeersTimeout: 30 * time.Second,
		}
		if i > 0 {
			cfg.Join = []string{nodes[0].GossipAddr()}
		}
		for _, tw := range tweak {
			tw(i, &cfg)
		}
		nd, err := Start(ctx, cfg)
		if err != nil {
			t.Fatalf("start node %d: %v", i, err)
		}
		nodes[i] = nd
		if tp := topic(i); tp != "" {
			populateTopic(t, nd, i, tp)
		}
	}
	testenv.WaitFor(t, "every node to list every other as a peer", time.Minute, func() bool {
		for _, nd := range nodes {
			if len(nd.Server().Peers()) != n-1 {
				return false
			}
		}
		return true
	})
	return nodes
}

// peersSearch runs q on nd through its peers only.
func peersSearch(t *testing.T, nd *Node, q string) *clientagent.Response {
	t.Helper()
	resp, err := nd.Agent().Search(context.Background(), clientagent.Request{Query: q, K: 50, Sources: []string{PeersSource}})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return resp
}

// fromNodes lists the numbers of the nodes (of nodes) whose results are
// among resp's, by the peers each result came from (the nodes hold the
// same documents, which the merge counts once with every peer that sent
// them).
func fromNodes(nodes []*Node, resp *clientagent.Response) []int {
	var out []int
	for i, nd := range nodes {
		for _, r := range resp.Results {
			if slices.Contains(r.Engines, clientagent.PeerName(nd.ID())) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// peersTrace is the trace of resp's peers source.
func peersTrace(t *testing.T, resp *clientagent.Response) clientagent.SourceTrace {
	t.Helper()
	for _, s := range resp.Trace.Sources {
		if s.Source == PeersSource {
			if s.Network == nil {
				t.Fatalf("the peers' trace has no network part: %+v", s)
			}
			return s
		}
	}
	t.Fatalf("no trace of the peers source: %+v", resp.Trace.Sources)
	return clientagent.SourceTrace{}
}

// contactWith is the first-hop contact with node id in tr.
func contactWith(tr clientagent.SourceTrace, id string) (clientagent.NetworkContact, bool) {
	for _, c := range tr.Network.Contacts {
		if c.To == id && c.Hop == 1 {
			return c, true
		}
	}
	return clientagent.NetworkContact{}, false
}

// unresponsive reports whether resp lists peer id as not contributing.
func unresponsive(resp *clientagent.Response, id string) bool {
	return slices.ContainsFunc(resp.Unresponsive, func(u clientagent.Unresponsive) bool { return u.Engine == clientagent.PeerName(id) })
}

// TestAPeerThatAcceptsAndNeverAnswersCostsOnlyItsTimeout: on four whole
// nodes over loopback sockets, node 2's server accepts connections (TCP
// and all) and then neither reads nor writes. Every query of node 0
// answers within the peers' deadline with the results of nodes 1 and 3,
// and its trace marks node 2 timed out after the per-peer timeout.
func TestAPeerThatAcceptsAndNeverAnswersCostsOnlyItsTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("whole nodes on sockets: skipped in -short mode")
	}
	const perPeer = 3 * time.Second // generous: the honest peers must answer within it on a loaded machine
	f := newFaultNet()
	nodes := startFaultNodes(t, f, 4, func(i int) string { return map[bool]string{true: "astro"}[i > 0] }, perPeer)
	stalled := nodes[2].ID()
	f.stall(faultNodeIP(2))
	for q := range 3 {
		resp := peersSearch(t, nodes[0], benchQueries["astro"])
		if got := fromNodes(nodes, resp); !slices.Equal(got, []int{1, 3}) {
			t.Fatalf("query %d: results from nodes %v, want 1 and 3 (unresponsive %+v)", q, got, resp.Unresponsive)
		}
		tr := peersTrace(t, resp)
		if tr.Outcome != clientagent.SourceAnswered {
			t.Fatalf("query %d: the peers source %s after %.0f ms, want answered within its deadline", q, tr.Outcome, tr.LatencyMS)
		}
		c, ok := contactWith(tr, stalled)
		if !ok || c.Outcome != serveragent.OutcomeTimedOut {
			t.Fatalf("query %d: contact with the stalled node %+v (found %v), want timed out; contacts %+v", q, c, ok, tr.Network.Contacts)
		}
		if c.LatencyMS < 0.9*float64(perPeer.Milliseconds()) { // its deadline runs from just before the call is timed

			t.Errorf("query %d: the stalled node was given up after %.0f ms, before its timeout of %v", q, c.LatencyMS, perPeer)
		}
		if !unresponsive(resp, stalled) {
			t.Errorf("query %d: the stalled node is not listed as unresponsive: %+v", q, resp.Unresponsive)
		}
		for _, i := range []int{1, 3} {
			if c, ok := contactWith(tr, nodes[i].ID()); !ok || c.Outcome != serveragent.OutcomeAnswered {
				t.Errorf("query %d: contact with node %d %+v, want answered", q, i, c)
			}
		}
	}
}

// TestAPeerThatDiesMidResponseIsMarkedAndLeaksNothing: on four whole
// nodes over loopback sockets, node 2's server writes half of its answer
// and closes the connection, ten times over. Each query of node 0 answers
// with the results of nodes 1 and 3 and marks node 2 failed; the
// connection is dialled again and node 2 answers again, and when it is all
// over the goroutines are back to where they were.
func TestAPeerThatDiesMidResponseIsMarkedAndLeaksNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("whole nodes on sockets: skipped in -short mode")
	}
	f := newFaultNet()
	nodes := startFaultNodes(t, f, 4, func(i int) string { return map[bool]string{true: "astro"}[i > 0] }, 3*time.Second)
	cut := nodes[2].ID()
	// First, every connection is open and every node answers.
	if resp := peersSearch(t, nodes[0], benchQueries["astro"]); !slices.Equal(fromNodes(nodes, resp), []int{1, 2, 3}) {
		t.Fatalf("before the fault: results from nodes %v, want 1 to 3; contacts %+v; results %+v", fromNodes(nodes, resp), peersTrace(t, resp).Network.Contacts, resp.Results)
	}
	base := runtime.NumGoroutine()
	const rounds = 10
	for q := range rounds {
		// gRPC waits a moment before it dials a peer whose connection
		// broke (calls meanwhile fail at once): the cut is made on an
		// answer in flight, once node 2 answers again.
		testenv.WaitFor(t, "node 2 to answer again", time.Minute, func() bool {
			return slices.Contains(fromNodes(nodes, peersSearch(t, nodes[0], benchQueries["astro"])), 2)
		})
		f.armCut(faultNodeIP(2))
		resp := peersSearch(t, nodes[0], benchQueries["astro"])
		if f.cuts.Load() != int64(q+1) {
			t.Fatalf("query %d: node 2's answer was not cut (%d cuts); the trace: %+v", q, f.cuts.Load(), peersTrace(t, resp).Network.Contacts)
		}
		if got := fromNodes(nodes, resp); !slices.Equal(got, []int{1, 3}) {
			t.Fatalf("query %d: results from nodes %v, want 1 and 3 (unresponsive %+v)", q, got, resp.Unresponsive)
		}
		tr := peersTrace(t, resp)
		if c, ok := contactWith(tr, cut); !ok || c.Outcome != serveragent.OutcomeFailed {
			t.Fatalf("query %d: contact with the node cut off %+v (found %v), want failed", q, c, ok)
		}
		if !unresponsive(resp, cut) {
			t.Errorf("query %d: the node cut off is not listed as unresponsive: %+v", q, resp.Unresponsive)
		}
		i := slices.IndexFunc(nodes[0].Server().Peers(), func(p serveragent.PeerInfo) bool { return p.ID == cut })
		if i < 0 || nodes[0].Server().Peers()[i].State != "failing" {
			t.Errorf("query %d: node 2 in the peer table: %+v, want failing", q, nodes[0].Server().Peers())
		}
	}
	// Once the fault is gone, node 2 answers again, on a new connection.
	if got := fromNodes(nodes, peersSearch(t, nodes[0], benchQueries["astro"])); !slices.Equal(got, []int{1, 2, 3}) {
		t.Fatalf("after the fault: results from nodes %v, want 1 to 3", got)
	}
	// Ten cut connections leave nothing behind: a goroutine a cut (a call,
	// a transport's reader) would be ten more.
	testenv.WaitFor(t, fmt.Sprintf("goroutines back to about %d after %d cut connections", base, rounds), time.Minute, func() bool {
		return runtime.NumGoroutine() <= base+rounds/2
	})
}

// TestAPartitionThatHealsConvergesAgain: six whole nodes over loopback
// sockets are split into two sides of three (gossip and gRPC both cut).
// Each side comes to see the other's nodes as gone from its membership
// and peer table, and a query reaches its own side only; once the split
// heals, membership lists all six everywhere again and a query from
// either side reaches both. The split lasts longer than memberlist keeps
// gossiping to members it declared dead, so only membership's reconnects
// (Config.ReconnectInterval) bring the sides together.
func TestAPartitionThatHealsConvergesAgain(t *testing.T) {
	if testing.Short() {
		t.Skip("whole nodes on sockets: skipped in -short mode")
	}
	const n = 6
	f := newFaultNet()
	nodes := startFaultNodes(t, f, n, func(int) string { return "astro" }, 3*time.Second)
	side := func(i int) int { return i / 3 }
	var left, right []string
	for i := range n {
		if side(i) == 0 {
			left = append(left, faultNodeIP(i))
		} else {
			right = append(right, faultNodeIP(i))
		}
	}
	membersOf := func(nd *Node) []string {
		var ids []string
		for _, m := range nd.members.Members() {
			ids = append(ids, m.NodeID)
		}
		return ids
	}
	sameSide := func(i int) []string {
		var ids []string
		for j := range n {
			if j != i && side(j) == side(i) {
				ids = append(ids, nodes[j].ID())
			}
		}
		return ids
	}
	hasExactly := func(got, want []string) bool {
		got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
		return slices.Equal(got, want)
	}
	peerIDsOf := func(nd *Node) []string {
		var ids []string
		for _, p := range nd.Server().Peers() {
			ids = append(ids, p.ID)
		}
		return ids
	}

	f.split(left, right)
	testenv.WaitFor(t, "each side to see the other's nodes gone", 2*time.Minute, func() bool {
		for i, nd := range nodes {
			if !hasExactly(membersOf(nd), sameSide(i)) || !hasExactly(peerIDsOf(nd), sameSide(i)) {
				return false
			}
		}
		return true
	})
	for _, i := range []int{0, 5} {
		got := fromNodes(nodes, peersSearch(t, nodes[i], benchQueries["astro"]))
		var want []int
		for j := range n {
			if j != i && side(j) == side(i) {
				want = append(want, j)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("split: a query of node %d reached nodes %v, want its side's %v", i, got, want)
		}
	}

	// The split outlasts memberlist's gossip to the dead (15 s in the
	// local profile), after which it never contacts a dead member again on
	// its own: healing is then up to membership's reconnects. (A scenario's
	// length, not a wait for something to happen.)
	time.Sleep(20 * time.Second)
	f.heal()
	testenv.WaitFor(t, "membership to list all six everywhere again", 2*time.Minute, func() bool {
		for _, nd := range nodes {
			if len(nd.members.Members()) != n-1 || len(nd.Server().Peers()) != n-1 {
				return false
			}
		}
		return true
	})
	for _, i := range []int{0, 5} {
		got := fromNodes(nodes, peersSearch(t, nodes[i], benchQueries["astro"]))
		var want []int
		for j := range n {
			if j != i {
				want = append(want, j)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("healed: a query of node %d reached nodes %v, want every other %v", i, got, want)
		}
	}
}
