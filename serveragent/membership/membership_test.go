package membership

import (
	"errors"
	"fmt"
	"github.com/p2pir/p2pir/internal/logx"
	"github.com/p2pir/p2pir/internal/logx/logxtest"
	"log/slog"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/internal/testenv"
	"github.com/p2pir/p2pir/serveragent/identity"
)

// startTrio starts a seed "a" and members "b" and "c" joining through it,
// and waits until everyone lists the two others.
func startTrio(t *testing.T, tn testNet) (a, b, c *node) {
	t.Helper()
	a = startNode(t, nodeConfig(t, tn, "a"))
	cfgB, cfgC := nodeConfig(t, tn, "b"), nodeConfig(t, tn, "c")
	cfgB.Join = []string{a.GossipAddr()}
	cfgC.Join = []string{a.GossipAddr()}
	b, c = startNode(t, cfgB), startNode(t, cfgC)
	all := []*node{a, b, c}
	for _, n := range all {
		testenv.WaitForState(t, "each of the three to list the other two", time.Minute, func() bool { return len(n.Members()) == 2 },
			func() string { return n.cfg.Version + " lists " + describe(n.Members()) })
	}
	return a, b, c
}

// Claim: members that join through one seed all learn of each other, with
// the metadata and gossip address each announced.
func TestMembersJoiningThroughOneSeedSeeEachOther(t *testing.T) {
	t.Parallel()
	for _, tn := range bothNets() {
		t.Run(tn.name, func(t *testing.T) {
			t.Parallel()
			a, b, c := startTrio(t, tn)
			all := []*node{a, b, c}
			for _, n := range all {
				got := n.Members()
				if !slices.IsSortedFunc(got, func(x, y Member) int { return strings.Compare(x.NodeID, y.NodeID) }) {
					t.Errorf("%s: Members not sorted by node ID: %v", n.cfg.Version, ids(got))
				}
				for _, other := range all {
					if other == n {
						if _, ok := memberByID(got, n.cfg.NodeID); ok {
							t.Errorf("%s lists itself", n.cfg.Version)
						}
						continue
					}
					m, ok := memberByID(got, other.cfg.NodeID)
					if !ok {
						t.Fatalf("%s does not list %s: %s", n.cfg.Version, other.cfg.Version, describe(got))
					}
					want := Member{Meta: other.Self().Meta, GossipAddr: other.GossipAddr(), State: StateAlive}
					m.Since = time.Time{}
					if m != want {
						t.Errorf("%s sees %+v, want %+v", n.cfg.Version, m, want)
					}
					// OnChange is called from its own goroutine, after the
					// member is listed: wait for it rather than race it.
					testenv.WaitForState(t, n.cfg.Version+" to report "+other.cfg.Version+" alive", time.Minute,
						func() bool { return n.events.has(other.cfg.NodeID, StateAlive) },
						func() string { return fmt.Sprintf("%s's events: %v", n.cfg.Version, n.events.all()) })
				}
				if self := n.Self(); self.State != StateAlive || self.GossipAddr != n.GossipAddr() || self.NodeID != n.cfg.NodeID {
					t.Errorf("%s: Self() = %+v", n.cfg.Version, self)
				}
			}
		})
	}
}

// Claim: a member that calls Leave is reported "left" by the others and
// is no longer listed; it cannot be used afterwards.
func TestLeaveIsReportedAsLeft(t *testing.T) {
	t.Parallel()
	for _, tn := range bothNets() {
		t.Run(tn.name, func(t *testing.T) {
			t.Parallel()
			a, b, c := startTrio(t, tn)
			if err := c.Leave(2 * time.Second); err != nil {
				t.Fatalf("Leave: %v", err)
			}
			for _, n := range []*node{a, b} {
				testenv.WaitForState(t, "the leave to be reported", time.Minute, func() bool { return n.events.has(c.cfg.NodeID, StateLeft) },
					func() string { return fmt.Sprintf("%s events: %v", n.cfg.Version, n.events.all()) })
				if n.events.has(c.cfg.NodeID, StateDead) {
					t.Errorf("%s reported the leaving member dead: %v", n.cfg.Version, n.events.all())
				}
				if _, ok := memberByID(n.Members(), c.cfg.NodeID); ok {
					t.Errorf("%s still lists the member that left", n.cfg.Version)
				}
			}
			if s := c.Self().State; s != StateLeft {
				t.Errorf("Self().State after Leave = %q, want left", s)
			}
			if err := c.Leave(time.Second); err != nil {
				t.Errorf("second Leave = %v, want nil", err)
			}
			if _, err := c.Join(a.GossipAddr()); !errors.Is(err, ErrStopped) {
				t.Errorf("Join after Leave = %v, want ErrStopped", err)
			}
		})
	}
}

// Claim: a member that stops without leaving is detected as failed
// ("dead") within seconds; when its node ID comes back at another address,
// it is listed once, at the new address.
func TestAbruptStopIsDetectedAndARestartReplacesIt(t *testing.T) {
	t.Parallel()
	for _, tn := range bothNets() {
		t.Run(tn.name, func(t *testing.T) {
			t.Parallel()
			a, b, c := startTrio(t, tn)
			if err := c.Shutdown(); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			for _, n := range []*node{a, b} {
				testenv.WaitForState(t, "the stopped member to be reported dead", time.Minute, func() bool { return n.events.has(c.cfg.NodeID, StateDead) },
					func() string { return fmt.Sprintf("%s events: %v", n.cfg.Version, n.events.all()) })
				if _, ok := memberByID(n.Members(), c.cfg.NodeID); ok {
					t.Errorf("%s still lists the dead member", n.cfg.Version)
				}
				if !hasLine(n.log, logx.EventMemberDead, logx.KeyPeer, c.cfg.NodeID) {
					t.Errorf("%s did not log the member's failure:\n%s", n.cfg.Version, n.log.Text())
				}
			}
			if s := c.Self().State; s != StateDead {
				t.Errorf("Self().State after Shutdown = %q, want dead", s)
			}

			// The same node ID restarts elsewhere, announcing another gRPC
			// address.
			cfg := nodeConfig(t, tn, "c")
			cfg.GRPCAddr = "grpc-c-restarted.test:7071"
			c2 := startNode(t, cfg)
			if c2.GossipAddr() == c.GossipAddr() {
				t.Fatalf("restart got the same gossip address %s", c2.GossipAddr())
			}
			if _, err := c2.Join(a.GossipAddr()); err != nil {
				t.Fatalf("restarted node joining: %v", err)
			}
			for _, n := range []*node{a, b} {
				testenv.WaitForState(t, "the restarted member to be listed at its new address", time.Minute, func() bool {
					m, ok := memberByID(n.Members(), cfg.NodeID)
					return ok && m.GossipAddr == c2.GossipAddr() && m.GRPCAddr == cfg.GRPCAddr
				}, func() string { return n.cfg.Version + " lists " + describe(n.Members()) })
				if got := n.Members(); len(got) != 2 {
					t.Errorf("%s lists %d members, want 2 (the node ID once): %s", n.cfg.Version, len(got), describe(got))
				}
			}
		})
	}
}

// Claim: while a node ID is alive at one address, a second process
// announcing it at another address is not listed: the ID stays listed once,
// at the first address, and both sides log the conflict.
func TestSameNodeIDElsewhereWhileAliveIsListedOnce(t *testing.T) {
	t.Parallel()
	for _, tn := range bothNets() {
		t.Run(tn.name, func(t *testing.T) {
			t.Parallel()
			a, b, c := startTrio(t, tn)
			cfg := nodeConfig(t, tn, "c")
			cfg.GRPCAddr = "grpc-impostor.test:7070"
			cfg.Join = []string{a.GossipAddr()}
			dup := startNode(t, cfg)
			testenv.WaitForState(t, "a to log the duplicate's announcement", time.Minute, func() bool { return hasLine(a.log, logx.EventInvalidMember, logx.KeyAddr, dup.GossipAddr()) },
				func() string { return "a's log: " + a.log.Text() })
			testenv.WaitForState(t, "the duplicate to log that another node claims its ID", time.Minute, func() bool { return strings.Contains(dup.log.Text(), "claims this node's ID") },
				func() string { return "duplicate's log: " + dup.log.Text() })
			time.Sleep(500 * time.Millisecond) // a few gossip rounds
			for _, n := range []*node{a, b} {
				got := n.Members()
				m, ok := memberByID(got, c.cfg.NodeID)
				if len(got) != 2 || !ok || m.GossipAddr != c.GossipAddr() || m.GRPCAddr != c.cfg.GRPCAddr {
					t.Errorf("%s lists %s, want c once at %s", n.cfg.Version, describe(got), c.GossipAddr())
				}
			}
		})
	}
}

// Claim: members sharing a network secret join each other; a node with
// another secret, or none, cannot join a closed network (nor a closed node
// an open one), and is not listed.
func TestNetworkSecretKeepsOutsidersOut(t *testing.T) {
	t.Parallel()
	secret := func(s string) []byte {
		k, err := identity.MemberlistKey([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	k1, k2 := secret("first network secret, long enough"), secret("second network secret, long enough")
	cases := []struct {
		name         string
		seed, joiner []byte
		wantJoin     bool
	}{
		{"same secret", k1, k1, true},
		{"different secret", k1, k2, false},
		{"joiner without secret", k1, nil, false},
		{"joiner with secret, open seed", nil, k1, false},
	}
	for _, tn := range bothNets() {
		for _, tc := range cases {
			t.Run(tn.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				seedCfg := nodeConfig(t, tn, "seed")
				seedCfg.SecretKey = tc.seed
				seed := startNode(t, seedCfg)
				cfg := nodeConfig(t, tn, "joiner")
				cfg.SecretKey = tc.joiner
				cfg.Join = []string{seed.GossipAddr()}
				j, err := tryStartNode(t, cfg)
				if tc.wantJoin {
					if err != nil {
						t.Fatalf("Start: %v", err)
					}
					testenv.WaitForState(t, "seed and joiner to list each other", time.Minute, func() bool { return len(seed.Members()) == 1 && len(j.Members()) == 1 },
						func() string {
							return "seed lists " + describe(seed.Members()) + "; joiner lists " + describe(j.Members())
						})
					return
				}
				if !errors.Is(err, ErrJoinFailed) || !strings.Contains(err.Error(), seed.GossipAddr()) {
					t.Fatalf("Start = %v, want ErrJoinFailed naming %s", err, seed.GossipAddr())
				}
				if tc.seed != nil && tc.joiner != nil && !strings.Contains(JoinReason(err), "the network secret does not match") {
					t.Errorf("JoinReason(%v) = %q, want it to say the secret does not match", err, JoinReason(err))
				}
				time.Sleep(300 * time.Millisecond)
				if got := seed.Members(); len(got) != 0 {
					t.Errorf("seed lists the outsider: %s", describe(got))
				}
			})
		}
	}
}

// Claim: metadata that does not decode, does not validate, or names
// another node than the memberlist name keeps that member out of the list,
// and the refusal is logged; a well-formed raw memberlist node is listed.
func TestInvalidMetadataIsIgnoredAndLogged(t *testing.T) {
	t.Parallel()
	good := func(id string) []byte {
		b, err := encodeMeta(Meta{NodeID: id, GRPCAddr: "grpc.test:7070"}, 1)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		name   string
		nodeID string // memberlist name
		meta   []byte
		listed bool
	}{
		{"well formed", testNodeID("raw-good"), good(testNodeID("raw-good")), true},
		{"not JSON", testNodeID("raw-1"), []byte("\x00\x01garbage"), false},
		{"no metadata", testNodeID("raw-2"), nil, false},
		{"invalid node ID", "p2p1-not-an-id", []byte(`{"id":"p2p1-not-an-id","grpc":"grpc.test:7070"}`), false},
		{"unspecified gRPC host", testNodeID("raw-3"), []byte(`{"id":"` + testNodeID("raw-3") + `","grpc":"0.0.0.0:7070"}`), false},
		{"names another node", testNodeID("raw-4"), good(testNodeID("someone-else")), false},
	}
	for _, tn := range bothNets() {
		t.Run(tn.name, func(t *testing.T) {
			t.Parallel()
			a := startNode(t, nodeConfig(t, tn, "a"))
			for _, tc := range cases {
				startRawNode(t, tn, tc.nodeID, tc.meta, a.GossipAddr())
			}
			want := testNodeID("raw-good")
			testenv.WaitForState(t, "a to list the member", time.Minute, func() bool { _, ok := memberByID(a.Members(), want); return ok },
				func() string { return "a lists " + describe(a.Members()) })
			time.Sleep(300 * time.Millisecond) // a few gossip rounds
			if got := ids(a.Members()); !slices.Equal(got, []string{want}) {
				t.Errorf("a lists %v, want only the well-formed node %s", got, want)
			}
			logs := a.log.Text()
			for _, tc := range cases {
				if !tc.listed && !hasLine(a.log, logx.EventInvalidMember, logx.KeyPeer, tc.nodeID) {
					t.Errorf("%s: refusal of %q not logged; log:\n%s", tc.name, tc.nodeID, logs)
				}
			}
		})
	}
}

// Claim: without AllowLone, Start fails when no seed answers, naming the
// seeds; with it, the node starts alone and joins once a seed appears.
func TestJoiningWhenNoSeedAnswers(t *testing.T) {
	t.Parallel()
	t.Run("loopback/refused", func(t *testing.T) {
		t.Parallel()
		cfg := nodeConfig(t, realNet(), "lonely")
		cfg.Join = []string{"127.0.0.1:1"}
		_, err := tryStartNode(t, cfg)
		if !errors.Is(err, ErrJoinFailed) || !strings.Contains(err.Error(), "127.0.0.1:1") {
			t.Fatalf("Start = %v, want ErrJoinFailed naming 127.0.0.1:1", err)
		}
	})
	t.Run("memory/not started, then started", func(t *testing.T) {
		t.Parallel()
		tn := memNet()
		seedCfg := nodeConfig(t, tn, "late-seed") // its transport exists, its memberlist not yet
		seedAddr := seedCfg.Transport.(*MemTransport).Addr()

		strict := nodeConfig(t, tn, "strict")
		strict.Join = []string{seedAddr}
		if _, err := tryStartNode(t, strict); !errors.Is(err, ErrJoinFailed) || !strings.Contains(err.Error(), seedAddr) {
			t.Fatalf("Start without AllowLone = %v, want ErrJoinFailed naming %s", err, seedAddr)
		}

		lone := nodeConfig(t, tn, "lone")
		lone.Join = []string{seedAddr}
		lone.AllowLone = true
		lone.RejoinInterval = 100 * time.Millisecond
		l := startNode(t, lone)
		if got := l.Members(); len(got) != 0 {
			t.Fatalf("lone node lists %s", describe(got))
		}
		seed := startNode(t, seedCfg)
		testenv.WaitForState(t, "the lone node and the seed to find each other", time.Minute, func() bool { return len(l.Members()) == 1 && len(seed.Members()) == 1 },
			func() string {
				return "lone lists " + describe(l.Members()) + "; seed lists " + describe(seed.Members())
			})

		// One address that answers is enough.
		other := startNode(t, nodeConfig(t, tn, "other"))
		if n, err := other.Join("127.200.0.1:7946", seed.GossipAddr()); n != 1 || err != nil {
			t.Errorf("Join(unknown, seed) = %d, %v; want 1, nil", n, err)
		}
	})
}

// Claim: in the in-memory network many members converge: every member
// lists all the others.
//
// Not parallel: it runs alone, so that a loaded machine does not make
// probes time out and members falsely suspect each other.
func TestSixteenMembersConverge(t *testing.T) {
	const n = 16
	tn := memNet()
	nodes := make([]*node, n)
	nodes[0] = startNode(t, nodeConfig(t, tn, "m0"))
	for i := 1; i < n; i++ {
		cfg := nodeConfig(t, tn, fmt.Sprintf("m%d", i))
		cfg.Join = []string{nodes[0].GossipAddr()}
		nodes[i] = startNode(t, cfg)
	}
	for _, nd := range nodes {
		testenv.WaitForState(t, "every member to list all the others", time.Minute, func() bool { return len(nd.Members()) == n-1 },
			func() string {
				return fmt.Sprintf("%s lists %d: %v\nevents: %v\nlog: %s", nd.cfg.Version, len(nd.Members()), ids(nd.Members()), nd.events.all(), nd.log.Text())
			})
	}
}

// Claim: misuse gives clear errors, never a panic.
func TestLifecycleMisuse(t *testing.T) {
	t.Parallel()
	tn := memNet()
	a := startNode(t, nodeConfig(t, tn, "a"))
	if _, err := a.Join(); err == nil {
		t.Error("Join() with no address: no error")
	}
	if _, err := a.Join(""); err == nil {
		t.Error(`Join(""): no error`)
	}
	if n, err := a.Join("127.200.0.1:7946"); !errors.Is(err, ErrJoinFailed) || n != 0 {
		t.Errorf("Join(unknown address) = %d, %v; want 0, ErrJoinFailed", n, err)
	}
	if err := a.Shutdown(); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if s := a.Self().State; s != StateDead {
		t.Errorf("Self().State after Shutdown = %q, want dead", s)
	}
	if err := a.Shutdown(); err != nil {
		t.Errorf("second Shutdown = %v, want nil", err)
	}
	if err := a.Leave(time.Second); !errors.Is(err, ErrStopped) {
		t.Errorf("Leave after Shutdown = %v, want ErrStopped", err)
	}
	if _, err := a.Join("127.1.0.9:7946"); !errors.Is(err, ErrStopped) {
		t.Errorf("Join after Shutdown = %v, want ErrStopped", err)
	}
}

// Claim: a node alone leaves at once, without waiting for anyone.
func TestLoneNodeLeavesAtOnce(t *testing.T) {
	t.Parallel()
	a := startNode(t, nodeConfig(t, memNet(), "alone"))
	start := time.Now()
	if err := a.Leave(0); err != nil {
		t.Fatalf("Leave: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Leave took %v", d)
	}
	if s := a.Self().State; s != StateLeft {
		t.Errorf("Self().State = %q, want left", s)
	}
}

// Claim: garbage sent to the gossip port (UDP packets and a TCP stream
// that memberlist cannot decode) is logged at warn or above, through
// the bridge from memberlist's logger, with the sender's address; the
// same complaint repeated by one sender gives one line, not hundreds.
func TestGarbageGossipIsLoggedOnce(t *testing.T) {
	t.Parallel()
	a := startNode(t, nodeConfig(t, realNet(), "a"))
	udp, err := net.Dial("udp", a.GossipAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	garbage := []byte{0xff, 'n', 'o', 't', ' ', 'g', 'o', 's', 's', 'i', 'p'}
	complaints := func() []logxtest.Line {
		var out []logxtest.Line
		for _, l := range a.log.Event(logx.EventGossipLog) {
			if l.Level >= slog.LevelWarn {
				out = append(out, l)
			}
		}
		return out
	}
	for i := 0; len(complaints()) == 0; i++ {
		if i == 500 {
			t.Fatalf("500 garbage packets, no warning:\n%s", a.log.Text())
		}
		if _, err := udp.Write(garbage); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for range 200 {
		if _, err := udp.Write(garbage); err != nil {
			t.Fatal(err)
		}
	}
	// The packets are read one after another; a second line about any of
	// them would be here by now or later (the limiter's own test,
	// internal/logx TestLimiter, checks the count carried afterwards).
	got := complaints()
	if len(got) != 1 {
		t.Fatalf("%d warnings for one sender's repeated garbage, want 1:\n%s", len(got), a.log.Text())
	}
	if addr := got[0].Attrs[logx.KeyAddr]; addr == "" {
		t.Errorf("the warning does not name the sender: %v", got[0])
	}
	t.Logf("logged: %v", got[0])
}
