package serveragent

import (
	"context"
	"crypto/tls"
	"net"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	grpcpeer "google.golang.org/grpc/peer"

	"github.com/p2pir/p2pir/serveragent/identity"
)

// A real connection (TLSDialer over TCP) keeps Go's hybrid post-quantum
// key exchange; only the simulator's in-memory network offers X25519
// alone. Both still check the peer's node ID.
func TestKeyExchangeOfEachTransport(t *testing.T) {
	mem := NewMemNet()
	srv := newNode(t, mem, "srv", testConfig(), nil)
	caller, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	curves := make(chan tls.CurveID, 1)
	record := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		if p, ok := grpcpeer.FromContext(ctx); ok {
			if ti, ok := p.AuthInfo.(credentials.TLSInfo); ok {
				curves <- ti.State.CurveID
			}
		}
		return h(ctx, req)
	}
	gs, err := srv.node.NewServer(nil, grpc.ChainUnaryInterceptor(record))
	if err != nil {
		t.Fatal(err)
	}
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	memLis, err := mem.Listen("srv-pq:7070")
	if err != nil {
		t.Fatal(err)
	}
	go gs.Serve(tcp)
	go gs.Serve(memLis)
	t.Cleanup(gs.Stop)

	for _, tc := range []struct {
		name string
		d    Dialer
		addr string
		want tls.CurveID
	}{
		{"tcp", TLSDialer{Identity: caller}, tcp.Addr().String(), tls.X25519MLKEM768},
		{"memory", mem.Dialer(caller, nil), "srv-pq:7070", tls.X25519},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, err := tc.d.Dial(context.Background(), tc.addr, srv.id.NodeID())
			if err != nil {
				t.Fatal(err)
			}
			defer cc.Close()
			if _, err := healthpb.NewHealthClient(cc).Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil {
				t.Fatalf("health check: %v", err)
			}
			if got := <-curves; got != tc.want {
				t.Errorf("key exchange %v, want %v", got, tc.want)
			}
			// The identity check still runs: the same dialer refuses a
			// server that is not the node it expects.
			other, err := identity.Generate()
			if err != nil {
				t.Fatal(err)
			}
			bad, err := tc.d.Dial(context.Background(), tc.addr, other.NodeID())
			if err != nil {
				t.Fatal(err)
			}
			defer bad.Close()
			if _, err := healthpb.NewHealthClient(bad).Check(context.Background(), &healthpb.HealthCheckRequest{}); err == nil {
				t.Errorf("a connection expecting node %s reached node %s", other.NodeID(), srv.id.NodeID())
			}
		})
	}
}
