package serveragent

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/p2pir/p2pir/internal/logx"
	"github.com/p2pir/p2pir/internal/logx/logxtest"
	"github.com/p2pir/p2pir/internal/testenv"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/identity"
)

// loggedTCPNode is newTCPNode with a recording logger at level.
func loggedTCPNode(t *testing.T, cfg Config, level slog.Level) (*tnode, *logxtest.Recorder) {
	t.Helper()
	rec, logger := logxtest.New(level)
	cfg.Logger = logger
	return newTCPNode(t, "srv", cfg, nil), rec
}

// Each thing a hostile or failing peer does that the node refuses or that
// fails is logged at warn, with the peer or its address and a reason, by
// triggering it for real over loopback TCP against the node's own
// listener.
func TestRefusalsAndFailuresAreLogged(t *testing.T) {
	tests := []struct {
		name  string
		event string
		set   func(*Config)
		do    func(t *testing.T, srv *tnode)
		// attrs must be on the line (a value "*" only present).
		attrs map[string]string
	}{
		{
			name: "bytes that are not TLS", event: logx.EventHandshakeRejected,
			do: func(t *testing.T, srv *tnode) {
				c, err := net.Dial("tcp", srv.addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
				c.SetReadDeadline(time.Now().Add(time.Minute))
				c.Read(make([]byte, 64)) // until the node closes it
			},
			attrs: map[string]string{logx.KeyAddr: "*", logx.KeyReason: "*"},
		},
		{
			name: "TLS without a node certificate", event: logx.EventHandshakeRejected,
			do: func(t *testing.T, srv *tnode) {
				c, err := tls.Dial("tcp", srv.addr, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2"}})
				if err == nil {
					c.SetReadDeadline(time.Now().Add(time.Minute))
					c.Read(make([]byte, 64)) // TLS 1.3: the node's refusal arrives after the handshake
					c.Close()
				}
			},
			attrs: map[string]string{logx.KeyAddr: "*", logx.KeyReason: "certificate"},
		},
		{
			name: "connections over the cap per address", event: logx.EventConnRefused,
			set: func(c *Config) { c.MaxConnsPerAddress = 1 },
			do: func(t *testing.T, srv *tnode) {
				for range 2 {
					c, err := net.Dial("tcp", srv.addr)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { c.Close() })
				}
			},
			attrs: map[string]string{logx.KeyAddr: "127.0.0.1:*", logx.KeyReason: "from this address"},
		},
		{
			name: "calls over the rate budget", event: logx.EventRateLimited,
			set: func(c *Config) { c.RatePerPeer, c.Burst = rate.Limit(0.001), 1 },
			do: func(t *testing.T, srv *tnode) {
				id, _ := identity.Generate()
				if served := searchAs(t, id, srv, 3); served != 1 {
					t.Fatalf("%d of 3 calls served, want the burst of 1", served)
				}
			},
			attrs: map[string]string{logx.KeyPeer: "*", logx.KeyReason: "rate limit"},
		},
		{
			name: "gossip in someone else's name", event: logx.EventInvalidMessage,
			do: func(t *testing.T, srv *tnode) {
				id, _ := identity.Generate()
				other, _ := identity.Generate()
				msg := &p2pirv1.ProfileExchange{Sender: &p2pirv1.NodeInfo{NodeId: other.NodeID()}}
				if err := exchangeRaw(t, id, srv, msg); status.Code(err) != codes.PermissionDenied {
					t.Fatalf("gossip in another's name: %v, want PERMISSION_DENIED", err)
				}
			},
			attrs: map[string]string{logx.KeyPeer: "*", "method": "/p2pir.v1.Peer/ExchangeProfiles", logx.KeyReason: "is not the caller"},
		},
		{
			name: "garbage gossip", event: logx.EventInvalidMessage,
			do: func(t *testing.T, srv *tnode) {
				id, _ := identity.Generate()
				msg := &p2pirv1.ProfileExchange{Sender: &p2pirv1.NodeInfo{NodeId: id.NodeID()}, Sharing: true,
					Fingerprint: &p2pirv1.Fingerprint{Scheme: "nonsense", Values: []float32{1, 2, 3}}}
				if err := exchangeRaw(t, id, srv, msg); status.Code(err) != codes.InvalidArgument {
					t.Fatalf("garbage gossip: %v, want INVALID_ARGUMENT", err)
				}
			},
			attrs: map[string]string{logx.KeyPeer: "*", logx.KeyAddr: "127.0.0.1:*", logx.KeyReason: "*"},
		},
		{
			name: "gossip entries over their budget", event: logx.EventCandidateRefused,
			do: func(t *testing.T, srv *tnode) {
				id, _ := identity.Generate()
				msg, _ := forgedExchange(t, id, 40, newTrap(t).addr)
				gossipAs(t, id, srv, msg)
			},
			attrs: map[string]string{logx.KeyPeer: "*", "entry_node": "*"},
		},
		{
			name: "a candidate that does not answer its probe", event: logx.EventCandidateDropped,
			set: func(c *Config) { c.GossipFanout = 0 },
			do: func(t *testing.T, srv *tnode) {
				id, _ := identity.Generate()
				msg, _ := forgedExchange(t, id, 1, newTrap(t).addr)
				gossipAs(t, id, srv, msg)
				_ = srv.node.Gossip(context.Background())
			},
			attrs: map[string]string{logx.KeyPeer: "*", "reported_by": "*", logx.KeyReason: "*"},
		},
		{
			name: "a peer whose claimed address never answers", event: logx.EventPeerDropped,
			do: func(t *testing.T, srv *tnode) {
				liar, _ := identity.Generate()
				tr := newTrap(t)
				gossipAs(t, liar, srv, &p2pirv1.ProfileExchange{Sender: &p2pirv1.NodeInfo{NodeId: liar.NodeID(), GrpcAddr: tr.addr}, Sharing: true, Fingerprint: unitFP(1)})
				for i := 0; srv.node.PeerCount() > 0; i++ {
					if i == 10*maxUnansweredFailures {
						t.Fatalf("the liar is still a peer after %d rounds", i)
					}
					_ = srv.node.Gossip(context.Background())
				}
			},
			attrs: map[string]string{logx.KeyPeer: "*", logx.KeyReason: "calls failed"},
		},
		{
			name: "a gossip exchange that fails", event: logx.EventGossipFailed,
			do: func(t *testing.T, srv *tnode) {
				gone, _ := identity.Generate()
				if err := srv.node.UpsertPeer(NodeInfo{ID: gone.NodeID(), Addr: newTrap(t).addr}); err != nil {
					t.Fatal(err)
				}
				if err := srv.node.Gossip(context.Background()); err == nil {
					t.Fatal("gossip with a peer that hangs up succeeded")
				}
			},
			attrs: map[string]string{logx.KeyPeer: "*", logx.KeyAddr: "127.0.0.1:*", logx.KeyReason: "*"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			if tc.set != nil {
				tc.set(&cfg)
			}
			srv, rec := loggedTCPNode(t, cfg, slog.LevelInfo)
			tc.do(t, srv)
			testenv.WaitFor(t, "the event is logged", time.Minute, func() bool { return len(rec.Event(tc.event)) > 0 })
			line := rec.Event(tc.event)[0]
			if line.Level != slog.LevelWarn {
				t.Errorf("logged at %v, want warn: %v", line.Level, line)
			}
			for k, want := range tc.attrs {
				got, ok := line.Attrs[k]
				switch {
				case !ok || got == "":
					t.Errorf("no %s on %v", k, line)
				case want == "*":
				case strings.HasSuffix(want, "*") && !strings.HasPrefix(got, strings.TrimSuffix(want, "*")):
					t.Errorf("%s=%q, want it to start with %q", k, got, strings.TrimSuffix(want, "*"))
				case !strings.HasSuffix(want, "*") && !strings.Contains(got, want):
					t.Errorf("%s=%q, want it to contain %q", k, got, want)
				}
			}
			t.Logf("%v", line)
		})
	}
}

// A hostile peer repeating one refused call hundreds of times gets one
// warning, not hundreds; an honest peer's own warning still goes out.
func TestAHostilePeerCannotFloodTheLog(t *testing.T) {
	cfg := testConfig()
	cfg.RatePerPeer = rate.Inf // every call reaches the check
	srv, rec := loggedTCPNode(t, cfg, slog.LevelInfo)
	hostile, _ := identity.Generate()
	other, _ := identity.Generate()
	msg := &p2pirv1.ProfileExchange{Sender: &p2pirv1.NodeInfo{NodeId: other.NodeID()}}
	cl := rawPeerClient(t, hostile, srv)
	for i := range 300 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_, err := cl.ExchangeProfiles(ctx, msg)
		cancel()
		if status.Code(err) != codes.PermissionDenied {
			t.Fatalf("call %d: %v, want PERMISSION_DENIED", i, err)
		}
	}
	second, _ := identity.Generate()
	if err := exchangeRaw(t, second, srv, msg); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("second peer: %v", err)
	}
	lines := rec.Event(logx.EventInvalidMessage)
	byPeer := map[string]int{}
	for _, l := range lines {
		byPeer[l.Attrs[logx.KeyPeer]]++
	}
	if byPeer[hostile.NodeID()] != 1 || byPeer[second.NodeID()] != 1 || len(lines) != 2 {
		t.Fatalf("lines by peer %v, want one for each of the two:\n%s", byPeer, rec.Text())
	}
}

// rawPeerClient dials srv over TCP as id, with TLS but without the
// contract's client-side checks, to send what an honest node never
// would.
func rawPeerClient(t *testing.T, id *identity.Identity, srv *tnode) p2pirv1.PeerClient {
	t.Helper()
	creds, err := id.ClientCredentials(srv.id.NodeID(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := grpc.NewClient(srv.addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return p2pirv1.NewPeerClient(cc)
}

// exchangeRaw sends msg to srv as id through rawPeerClient.
func exchangeRaw(t *testing.T, id *identity.Identity, srv *tnode, msg *p2pirv1.ProfileExchange) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := rawPeerClient(t, id, srv).ExchangeProfiles(ctx, msg)
	return err
}
