package node

import (
	"fmt"
	"net"
	"strconv"
	"sync"

	"github.com/hashicorp/memberlist"
	"google.golang.org/grpc"

	"github.com/p2pir/p2pir/serveragent"
	"github.com/p2pir/p2pir/serveragent/identity"
	"github.com/p2pir/p2pir/serveragent/membership"
)

// Transport is how a node reaches the others: the listener its gRPC
// server accepts peers on, the dialer it calls peers with, and the
// transport its gossip runs over. The same node code runs over real
// sockets (separate processes, or many nodes on loopback) and in memory
// (many nodes in one process). A nil field takes TCPTransport's.
type Transport struct {
	// Listen opens the gRPC listener at Config.GRPCAddr. Its Addr is what
	// the node announces: for a *net.TCPAddr the advertise host and the
	// bound port, otherwise Addr().String() as it is.
	Listen func(addr string) (net.Listener, error)
	// Dialer returns the dialer the node calls peers with, as the node of
	// identity id, with the network secret (nil for an open network). It
	// must run mutual TLS pinned to the peer's node ID (see
	// serveragent.Dialer).
	Dialer func(id *identity.Identity, secret []byte) serveragent.Dialer
	// Gossip returns memberlist's transport for the node; a nil transport
	// means memberlist's own UDP and TCP on Config.GossipAddr. The node
	// owns what it returns (membership shuts it down).
	Gossip func() (memberlist.Transport, error)
	// ServerOptions are extra options of the node's gRPC server, after
	// its own (credentials, call counters, the contract's checks). nil:
	// none. MemNetwork gives its in-memory buffering.
	ServerOptions []grpc.ServerOption
}

// TCPTransport is real sockets, the default: gRPC on TCP
// (serveragent.TLSDialer) and memberlist's UDP and TCP.
func TCPTransport() Transport {
	return Transport{
		Listen: func(addr string) (net.Listener, error) { return net.Listen("tcp", addr) },
		Dialer: func(id *identity.Identity, secret []byte) serveragent.Dialer {
			return serveragent.TLSDialer{Identity: id, Secret: secret}
		},
		Gossip: func() (memberlist.Transport, error) { return nil, nil },
	}
}

// withDefaults fills nil fields with TCPTransport's.
func (t Transport) withDefaults() Transport {
	d := TCPTransport()
	if t.Listen == nil {
		t.Listen = d.Listen
	}
	if t.Dialer == nil {
		t.Dialer = d.Dialer
	}
	if t.Gossip == nil {
		t.Gossip = d.Gossip
	}
	return t
}

// MemNetwork is an in-memory network for whole nodes, for simulations
// that run many in one process: gRPC over bufconn pipes
// (serveragent.MemNet; TLS still runs over them, so node identities are
// checked as on a real network) and gossip over a membership.MemNetwork.
// Nothing touches a real socket. Give each node's Config.Transport
// Transport(). Safe for concurrent use.
type MemNetwork struct {
	grpc   *serveragent.MemNet
	gossip *membership.MemNetwork

	mu   sync.Mutex
	next int // made-up gRPC hosts given out so far
}

// NewMemNetwork returns an empty in-memory network.
func NewMemNetwork() *MemNetwork {
	return &MemNetwork{grpc: serveragent.NewMemNet(), gossip: membership.NewMemNetwork()}
}

// Transport returns a node's transport on this network. A gRPC address
// with a host ("node-17:7070") is used as it is; one without (":7070",
// the default) gets a made-up host of its own, "node-N" for the N-th such
// node of the network. Gossip addresses are made up by the
// membership.MemNetwork (127.x.y.z:7946); join through
// (*Node).GossipAddr.
func (m *MemNetwork) Transport() Transport {
	return Transport{
		Listen:        m.listen,
		Dialer:        func(id *identity.Identity, secret []byte) serveragent.Dialer { return m.grpc.Dialer(id, secret) },
		Gossip:        func() (memberlist.Transport, error) { return m.gossip.NewTransport() },
		ServerOptions: m.grpc.ServerOptions(),
	}
}

// listen opens an in-memory gRPC listener at addr, making up its host if
// it has none.
func (m *MemNetwork) listen(addr string) (net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("in-memory gRPC address %q: %w", addr, err)
	}
	if host == "" {
		m.mu.Lock()
		m.next++
		host = "node-" + strconv.Itoa(m.next)
		m.mu.Unlock()
	}
	if port == "" || port == "0" {
		port = "7070"
	}
	addr = net.JoinHostPort(host, port)
	l, err := m.grpc.Listen(addr)
	if err != nil {
		return nil, err
	}
	return memListener{Listener: l, addr: memAddr(addr)}, nil
}

// memListener is an in-memory listener that reports its made-up address.
type memListener struct {
	net.Listener
	addr memAddr
}

// Addr implements net.Listener.
func (l memListener) Addr() net.Addr { return l.addr }

// memAddr is a made-up in-memory address, "node-17:7070".
type memAddr string

// Network implements net.Addr.
func (memAddr) Network() string { return "mem" }

// String implements net.Addr.
func (a memAddr) String() string { return string(a) }
