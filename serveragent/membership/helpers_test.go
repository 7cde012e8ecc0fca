package membership

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"github.com/p2pir/p2pir/internal/logx/logxtest"
	"io"
	"log"
	"log/slog"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"
	"github.com/p2pir/p2pir/serveragent/identity"
	"go.uber.org/goleak"
)

// TestMain fails the package when the tests leave goroutines behind: every
// test shuts its members down. memberlist's Shutdown does not wait for a
// probe in flight, which ends by itself within a probe interval (longer on
// a loaded machine, as memberlist stretches its timeouts there), so
// goroutines get leakWait to finish before they count as leaked.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		deadline := time.Now().Add(leakWait)
		for {
			err := goleak.Find()
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				fmt.Fprintf(os.Stderr, "goleak: goroutines still running %v after the tests: %v\n", leakWait, err)
				code = 1
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	os.Exit(code)
}

// leakWait is how long goroutines may take to end after the tests.
const leakWait = 10 * time.Second

// testNodeID returns a real node ID, derived from an Ed25519 key seeded by
// name, so tests are reproducible.
func testNodeID(name string) string {
	seed := sha256.Sum256([]byte("membership test " + name))
	pub := ed25519.NewKeyFromSeed(seed[:]).Public().(ed25519.PublicKey)
	return identity.NodeIDFromPublicKey(pub)
}

// testNet is a way to connect test members: real loopback UDP/TCP or a
// MemNetwork.
type testNet struct {
	name string
	// configure makes cfg use this network.
	configure func(t *testing.T, cfg *Config)
}

// realNet binds each member to 127.0.0.1 on a free port.
func realNet() testNet {
	return testNet{name: "loopback", configure: func(t *testing.T, cfg *Config) {
		cfg.BindAddr = "127.0.0.1"
		cfg.BindPort = 0
	}}
}

// memNet gives each member a transport of one MemNetwork.
func memNet() testNet {
	n := NewMemNetwork()
	return testNet{name: "memory", configure: func(t *testing.T, cfg *Config) {
		tr, err := n.NewTransport()
		if err != nil {
			t.Fatalf("NewTransport: %v", err)
		}
		cfg.Transport = tr
	}}
}

// bothNets returns a fresh loopback and a fresh in-memory network.
func bothNets() []testNet { return []testNet{realNet(), memNet()} }

// recorder collects OnChange events.
type recorder struct {
	mu     sync.Mutex
	events []Member
}

// record is an OnChange function.
func (r *recorder) record(m Member) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, m)
}

// all returns a copy of the events so far.
func (r *recorder) all() []Member {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// has reports whether an event for nodeID in state s was recorded.
func (r *recorder) has(nodeID string, s State) bool {
	return slices.ContainsFunc(r.all(), func(m Member) bool { return m.NodeID == nodeID && m.State == s })
}

// node is a started member with its event recorder.
type node struct {
	*Membership
	cfg    Config
	events *recorder
	log    *logxtest.Recorder
}

// nodeConfig returns a local-profile Config for the member called name on
// network tn.
func nodeConfig(t *testing.T, tn testNet, name string) Config {
	t.Helper()
	cfg := Config{
		NodeID:   testNodeID(name),
		GRPCAddr: "grpc-" + name + ".test:7070",
		Version:  "test-" + name,
		Profile:  ProfileLocal,
	}
	tn.configure(t, &cfg)
	return cfg
}

// startNode starts cfg with a recorder and a log buffer, and shuts the
// member down when the test ends.
func startNode(t *testing.T, cfg Config) *node {
	t.Helper()
	n, err := tryStartNode(t, cfg)
	if err != nil {
		t.Fatalf("Start(%s): %v", cfg.Version, err)
	}
	return n
}

// tryStartNode is startNode that returns Start's error.
func tryStartNode(t *testing.T, cfg Config) (*node, error) {
	t.Helper()
	n := &node{events: &recorder{}}
	cfg.OnChange = n.events.record
	n.log, cfg.Logger = logxtest.New(slog.LevelDebug)
	m, err := Start(cfg)
	if err != nil {
		return nil, err
	}
	n.Membership, n.cfg = m, cfg
	t.Cleanup(func() { _ = m.Shutdown() })
	return n, nil
}

// ids lists the node IDs of members.
func ids(ms []Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.NodeID
	}
	return out
}

// describe prints a member list for failure messages.
func describe(ms []Member) string {
	var b bytes.Buffer
	for _, m := range ms {
		fmt.Fprintf(&b, "[%s %s %s %s] ", m.NodeID[:10], m.GossipAddr, m.GRPCAddr, m.State)
	}
	return b.String()
}

// memberByID finds nodeID in ms.
func memberByID(ms []Member, nodeID string) (Member, bool) {
	i := slices.IndexFunc(ms, func(m Member) bool { return m.NodeID == nodeID })
	if i < 0 {
		return Member{}, false
	}
	return ms[i], true
}

// rawDelegate serves fixed metadata for a memberlist node started without
// this package, as a foreign or broken peer would.
type rawDelegate struct{ meta []byte }

func (d rawDelegate) NodeMeta(int) []byte             { return d.meta }
func (d rawDelegate) NotifyMsg([]byte)                {}
func (d rawDelegate) GetBroadcasts(int, int) [][]byte { return nil }
func (d rawDelegate) LocalState(bool) []byte          { return nil }
func (d rawDelegate) MergeRemoteState([]byte, bool)   {}

// startRawNode starts a plain memberlist node called name with metadata
// meta on network tn and joins it to seed; it is shut down when the test
// ends.
func startRawNode(t *testing.T, tn testNet, name string, meta []byte, seed string) {
	t.Helper()
	var cfg Config
	tn.configure(t, &cfg)
	mc := memberlist.DefaultLocalConfig()
	mc.Name = name
	mc.Delegate = rawDelegate{meta: meta}
	mc.Logger = log.New(io.Discard, "", 0)
	if cfg.Transport != nil {
		mc.Transport = cfg.Transport
	} else {
		mc.BindAddr, mc.BindPort = cfg.BindAddr, cfg.BindPort
	}
	ml, err := memberlist.Create(mc)
	if err != nil {
		t.Fatalf("memberlist.Create(%s): %v", name, err)
	}
	t.Cleanup(func() { _ = ml.Shutdown() })
	if _, err := ml.Join([]string{seed}); err != nil {
		t.Fatalf("raw node %s joining %s: %v", name, seed, err)
	}
}

// hasLine reports whether rec holds a line of event whose attribute key
// is value.
func hasLine(rec *logxtest.Recorder, event, key, value string) bool {
	for _, l := range rec.Event(event) {
		if l.Attrs[key] == value {
			return true
		}
	}
	return false
}
