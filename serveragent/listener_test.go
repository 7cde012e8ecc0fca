package serveragent

import (
	"context"
	"github.com/p2pir/p2pir/internal/testenv"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/p2pir/p2pir/serveragent/identity"
)

// 2,000 TCP connections that never start TLS, under each cap alone: the
// node holds at most the cap of them at a time (the rest are closed as
// they are accepted), closes those it took when HandshakeTimeout passes,
// still serves an honest peer afterwards, and closes that peer's
// connection too once it has been idle for InboundIdleTimeout
// (keepalive).
func TestIdleConnectionsAreCappedAndClosed(t *testing.T) {
	const attack, limit = 2000, 16
	for _, tc := range []struct {
		name             string
		perAddr, inTotal int
	}{
		{"per address", limit, -1},
		{"in all", -1, limit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.HandshakeTimeout = 300 * time.Millisecond
			cfg.MaxConnsPerAddress, cfg.MaxInboundConns = tc.perAddr, tc.inTotal
			cfg.InboundIdleTimeout = 300 * time.Millisecond
			idleConnectionAttack(t, newTCPNode(t, "srv", cfg, nil), attack, limit)
		})
	}
}

// idleConnectionAttack opens attack connections to srv that never send a
// byte and checks the node never holds more than limit, closes them all,
// and then serves an honest peer and closes its idle connection.
func idleConnectionAttack(t *testing.T, srv *tnode, attack int, limit int64) {
	t.Helper()
	addr := srv.addr
	var closed atomic.Int64
	var maxOpen atomic.Int64
	stop := make(chan struct{})
	var watch sync.WaitGroup
	watch.Go(func() { // the cap must hold at every moment, not only at the end
		for {
			if o := int64(srv.node.InboundConns().Open); o > maxOpen.Load() {
				maxOpen.Store(o)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	})
	var readers sync.WaitGroup
	for i := range attack {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		t.Cleanup(func() { c.Close() })
		readers.Go(func() {
			// Never write: block until the node closes the connection
			// (a minute bounds a hang).
			c.SetReadDeadline(time.Now().Add(time.Minute))
			var b [1]byte
			if _, err := c.Read(b[:]); err != nil && !isTimeout(err) {
				closed.Add(1)
			}
		})
	}
	testenv.WaitFor(t, "the node closes every idle connection", time.Minute, func() bool { return closed.Load() == int64(attack) })
	close(stop)
	watch.Wait()
	readers.Wait()
	if m := maxOpen.Load(); m > limit {
		t.Fatalf("the node held %d idle connections at once, cap %d", m, limit)
	}
	// How many were refused depends on how many handshake timeouts
	// passed while the attack ran (each frees the slots); some were.
	st := srv.node.InboundConns()
	if st.Open != 0 || st.Refused == 0 {
		t.Fatalf("after the attack: %+v, want none open and some refused", st)
	}
	t.Logf("%d idle connections: at most %d open at once, %d refused at once, all closed", attack, maxOpen.Load(), st.Refused)

	// An honest peer is served, and its idle connection closed by
	// keepalive after InboundIdleTimeout.
	honest, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	cc, err := TLSDialer{Identity: honest}.Dial(context.Background(), addr, srv.id.NodeID())
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := healthpb.NewHealthClient(cc).Check(ctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true)); err != nil {
		t.Fatalf("honest peer after the attack: %v", err)
	}
	testenv.WaitFor(t, "the node closes the honest peer's idle connection", time.Minute, func() bool { return srv.node.InboundConns().Open == 0 })
}

// isTimeout reports whether err is a deadline passing.
func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// The limits per address count an IPv4 address on its own and an IPv6
// address by its /64 (a host picks from a whole /64); what is not IP (in
// memory) counts as no address.
func TestRemoteIPKeysOfTheLimitsPerAddress(t *testing.T) {
	for _, tc := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.ParseIP("192.0.2.7"), Port: 1}, "192.0.2.7"},
		{&net.TCPAddr{IP: net.ParseIP("::ffff:192.0.2.7"), Port: 1}, "192.0.2.7"},
		{&net.TCPAddr{IP: net.ParseIP("2001:db8:1:2:aaaa::1"), Port: 1}, "2001:db8:1:2::/64"},
		{&net.TCPAddr{IP: net.ParseIP("2001:db8:1:2:bbbb::9"), Port: 2}, "2001:db8:1:2::/64"},
		{&net.TCPAddr{IP: net.ParseIP("2001:db8:1:3::1"), Port: 1}, "2001:db8:1:3::/64"},
		{&net.TCPAddr{}, ""},
		{memAddrForTest("node-1:7070"), ""},
	} {
		if got := remoteIP(tc.addr); got != tc.want {
			t.Errorf("remoteIP(%v) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}

// memAddrForTest is an address that is not IP.
type memAddrForTest string

func (memAddrForTest) Network() string  { return "mem" }
func (a memAddrForTest) String() string { return string(a) }
