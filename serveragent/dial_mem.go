package serveragent

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/test/bufconn"

	"github.com/p2pir/p2pir/serveragent/identity"
)

// memBufSize is the buffer of each direction of an in-memory connection.
// A pipe's writer waits for its reader when the buffer is full, as over
// TCP, so it need not hold a whole message (16 KiB: one HTTP/2 frame of
// gRPC's default size); bufconn allocates it up front
// for every connection, so it stays small: a simulation of 1,000 nodes
// keeps tens of thousands of connections (2 MiB per direction, as it was,
// made one gossip round of 100 nodes hold 1.3 GiB).
const memBufSize = 16 << 10

// In-memory connections read straight from their pipe (no gRPC read
// buffer: the pipe and TLS buffer already) and write through a buffer
// borrowed from a shared pool for each flush, so an idle connection holds
// neither of gRPC's two 32 KiB per-connection buffers; over TCP they save
// system calls, in memory they only cost memory, on both ends of every
// connection.
const memGRPCReadBuffer = 0

// memDialOptions are the dial options of in-memory connections.
func memDialOptions() []grpc.DialOption {
	return []grpc.DialOption{grpc.WithReadBufferSize(memGRPCReadBuffer), grpc.WithSharedWriteBuffer(true)}
}

// ServerOptions are the gRPC server options for a server on this network:
// the in-memory buffering its dialers use on their side (no read buffer,
// a write buffer shared between connections). Servers work without them,
// at 64 KiB more per connection.
func (m *MemNet) ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{grpc.ReadBufferSize(memGRPCReadBuffer), grpc.SharedWriteBuffer(true)}
}

// MemNet is an in-memory network of gRPC servers, for tests and
// simulations that run many nodes in one process: Listen gives a listener
// under a made-up address and Dialer connects to it. Connections are
// google.golang.org/grpc/test/bufconn pipes; TLS runs over them as over
// TCP, so node identities are checked exactly as on a real network (the
// key exchange is X25519 alone, see memKeyExchanges). Safe for concurrent
// use.
type MemNet struct {
	mu        sync.Mutex
	listeners map[string]*bufconn.Listener
}

// NewMemNet returns an empty in-memory network.
func NewMemNet() *MemNet {
	return &MemNet{listeners: map[string]*bufconn.Listener{}}
}

// Listen returns a listener reachable at addr ("host:port" form, e.g.
// "node-a:7070"). Listening again on an address replaces the old listener
// (a restarted node).
func (m *MemNet) Listen(addr string) (net.Listener, error) {
	if addr == "" {
		return nil, fmt.Errorf("serveragent: memnet: empty address")
	}
	l := bufconn.Listen(memBufSize)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.listeners[addr] = l
	return l, nil
}

// DialContext opens a raw connection to addr; it fails when nothing
// listens there or the listener was closed (a stopped server).
func (m *MemNet) DialContext(ctx context.Context, addr string) (net.Conn, error) {
	m.mu.Lock()
	l := m.listeners[addr]
	m.mu.Unlock()
	if l == nil {
		return nil, fmt.Errorf("serveragent: memnet: nothing listens at %q", addr)
	}
	c, err := l.DialContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("serveragent: memnet: dial %q: %w", addr, err)
	}
	return c, nil
}

// memKeyExchanges are the TLS key exchanges in-memory connections offer:
// X25519 alone. Both ends run in one process, where a connection's
// secrecy against a future quantum computer protects nothing, and in a
// simulation of 1,000 nodes flooding and walks open a connection for
// most calls: the post-quantum half of the hybrid key exchange real
// connections use (ML-KEM-768) was 8% of the simulation's CPU, and a
// handshake without it takes 0.30 ms instead of 0.48 (resumed) or 0.43
// instead of 0.81 (full) (BenchmarkHandshake in package identity).
// Certificates, signatures and every identity check are the same.
func memKeyExchanges() []tls.CurveID { return []tls.CurveID{tls.X25519} }

// Dialer returns a Dialer over this network for the node id, with mutual
// TLS pinned to the peer's node ID as over TCP (offering X25519 key
// exchange only, see memKeyExchanges).
func (m *MemNet) Dialer(id *identity.Identity, secret []byte) Dialer {
	return memDialer{net: m, tls: TLSDialer{Identity: id, Secret: secret, KeyExchanges: memKeyExchanges()}}
}

// memDialer is TLSDialer with in-memory connections.
type memDialer struct {
	net *MemNet
	tls TLSDialer
}

// Dial implements Dialer.
func (d memDialer) Dial(ctx context.Context, addr, nodeID string) (*grpc.ClientConn, error) {
	t := d.tls
	opts := append([]grpc.DialOption{grpc.WithContextDialer(d.net.DialContext)}, memDialOptions()...)
	t.Options = append(opts, t.Options...)
	return t.Dial(ctx, "passthrough:///"+addr, nodeID)
}
