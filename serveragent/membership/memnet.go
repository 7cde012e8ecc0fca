package membership

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

// MemNetwork is an in-memory network for memberlist, so that a simulation
// can run many nodes in one process: give each node's Config.Transport a
// transport from NewTransport. Each transport has an address of its own,
// as if it were another host: 127.x.y.z:7946, starting at 127.1.0.1.
// Nothing is sent on a real network.
//
// It behaves as a real network does when a node stops, which memberlist's
// own MockNetwork does not (a send to a stopped MockTransport blocks
// forever): packets (best effort, like UDP) to a shut-down or unknown
// address, or to a transport whose inbox is full, are dropped; dials
// (reliable streams, like TCP) to a shut-down or unknown address are
// refused, and a dial that nobody accepts fails after its timeout.
//
// The zero value is ready to use; a MemNetwork is safe for concurrent use.
type MemNetwork struct {
	mu    sync.RWMutex             // read-locked by every packet and dial: many readers
	nodes map[string]*MemTransport // live transports by address
	next  uint32                   // transports created so far
}

// memFirstHost is the host number of the first transport: 127.1.0.1.
const memFirstHost = 0x010001

// memMaxTransports is how many transports one MemNetwork can create: the
// host numbers up to 127.255.255.255.
const memMaxTransports = 0xffffff - memFirstHost + 1

// memPort is every MemTransport's port, memberlist's usual one.
const memPort = DefaultGossipPort

// memInbox is how many packets wait for a transport's reader before more
// are dropped.
const memInbox = 1024

// ErrMemNetworkFull is returned by NewTransport when a MemNetwork has used
// all of its addresses.
var ErrMemNetworkFull = errors.New("membership: in-memory network has no address left")

// errConnRefused is the cause of a refused in-memory dial.
var errConnRefused = errors.New("connection refused")

// errTransportShutdown is returned by a MemTransport used after Shutdown.
var errTransportShutdown = errors.New("membership: in-memory transport is shut down")

// NewMemNetwork returns an empty in-memory network.
func NewMemNetwork() *MemNetwork { return &MemNetwork{} }

// NewTransport attaches a new transport with a fresh address to the network.
func (n *MemNetwork) NewTransport() (*MemTransport, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.next >= memMaxTransports {
		return nil, ErrMemNetworkFull
	}
	h := memFirstHost + n.next
	n.next++
	ip := netip.AddrFrom4([4]byte{127, byte(h >> 16), byte(h >> 8), byte(h)})
	t := &MemTransport{
		network: n,
		addr:    memAddr(netip.AddrPortFrom(ip, memPort)),
		packets: make(chan *memberlist.Packet, memInbox),
		streams: make(chan net.Conn),
		done:    make(chan struct{}),
	}
	if n.nodes == nil {
		n.nodes = make(map[string]*MemTransport)
	}
	n.nodes[t.addr.String()] = t
	return t, nil
}

// lookup returns the live transport at addr, or nil.
func (n *MemNetwork) lookup(addr string) *MemTransport {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.nodes[addr]
}

// remove detaches t; its address is never given out again.
func (n *MemNetwork) remove(t *MemTransport) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.nodes[t.addr.String()] == t {
		delete(n.nodes, t.addr.String())
	}
}

// MemTransport is one node's attachment to a MemNetwork; it implements
// memberlist.NodeAwareTransport. Create it with MemNetwork.NewTransport.
type MemTransport struct {
	network *MemNetwork
	addr    memAddr
	packets chan *memberlist.Packet
	streams chan net.Conn
	done    chan struct{}
	once    sync.Once
}

var _ memberlist.NodeAwareTransport = (*MemTransport)(nil)

// Addr returns the transport's address, host:port: the node's gossip
// address.
func (t *MemTransport) Addr() string { return t.addr.String() }

// FinalAdvertiseAddr returns the transport's own address, whatever is asked.
func (t *MemTransport) FinalAdvertiseAddr(string, int) (net.IP, int, error) {
	ap := netip.AddrPort(t.addr)
	return net.IP(ap.Addr().AsSlice()), int(ap.Port()), nil
}

// WriteTo sends a packet to addr (see WriteToAddress).
func (t *MemTransport) WriteTo(b []byte, addr string) (time.Time, error) {
	return t.WriteToAddress(b, memberlist.Address{Addr: addr})
}

// WriteToAddress sends a packet, best effort: it is dropped, without error,
// when no live transport has the address or its inbox is full, as a UDP
// datagram would be. The address decides, not the node name.
func (t *MemTransport) WriteToAddress(b []byte, a memberlist.Address) (time.Time, error) {
	now := time.Now()
	select {
	case <-t.done:
		return now, errTransportShutdown
	default:
	}
	dest := t.network.lookup(a.Addr)
	if dest == nil {
		return now, nil
	}
	p := &memberlist.Packet{Buf: bytes.Clone(b), From: t.addr, Timestamp: now}
	select {
	case dest.packets <- p:
	case <-dest.done:
	default: // inbox full: dropped, as by a busy socket
	}
	return now, nil
}

// PacketCh delivers the packets sent to this transport.
func (t *MemTransport) PacketCh() <-chan *memberlist.Packet { return t.packets }

// DialTimeout opens a stream to addr (see DialAddressTimeout).
func (t *MemTransport) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	return t.DialAddressTimeout(memberlist.Address{Addr: addr}, timeout)
}

// DialAddressTimeout opens a reliable stream to the transport at a.Addr.
// It is refused at once when no live transport has the address, and fails
// after timeout when the destination does not accept it (its memberlist is
// not running). A timeout of 0 or less means "only if accepted at once".
func (t *MemTransport) DialAddressTimeout(a memberlist.Address, timeout time.Duration) (net.Conn, error) {
	select {
	case <-t.done:
		return nil, errTransportShutdown
	default:
	}
	dest := t.network.lookup(a.Addr)
	if dest == nil {
		return nil, &net.OpError{Op: "dial", Net: "mem", Addr: memAddrString(a.Addr), Err: errConnRefused}
	}
	c1, c2 := net.Pipe()
	server := &memConn{Conn: c1, local: dest.addr, remote: t.addr}
	client := &memConn{Conn: c2, local: t.addr, remote: dest.addr}
	var expire <-chan time.Time
	if timeout > 0 {
		timer := time.NewTimer(timeout)
		defer timer.Stop()
		expire = timer.C
	} else {
		closed := make(chan time.Time)
		close(closed)
		expire = closed
	}
	var err error
	select {
	case dest.streams <- server:
		return client, nil
	case <-dest.done:
		err = &net.OpError{Op: "dial", Net: "mem", Addr: dest.addr, Err: errConnRefused}
	case <-t.done:
		err = errTransportShutdown
	case <-expire:
		err = &net.OpError{Op: "dial", Net: "mem", Addr: dest.addr, Err: fmt.Errorf("not accepted within %v", timeout)}
	}
	_ = c1.Close()
	_ = c2.Close()
	return nil, err
}

// StreamCh delivers the streams dialed to this transport.
func (t *MemTransport) StreamCh() <-chan net.Conn { return t.streams }

// Shutdown detaches the transport from its network: later packets to it are
// dropped and dials refused. Safe to call more than once.
func (t *MemTransport) Shutdown() error {
	t.once.Do(func() {
		close(t.done)
		t.network.remove(t)
	})
	return nil
}

// memAddr is a MemTransport address.
type memAddr netip.AddrPort

// Network names the in-memory network.
func (a memAddr) Network() string { return "mem" }

// String is host:port.
func (a memAddr) String() string { return netip.AddrPort(a).String() }

// memAddrString is a net.Addr for an address that may not parse.
type memAddrString string

// Network names the in-memory network.
func (a memAddrString) Network() string { return "mem" }

// String is the address as given.
func (a memAddrString) String() string { return string(a) }

// memConn is one end of an in-memory stream, with the transports'
// addresses instead of net.Pipe's.
type memConn struct {
	net.Conn
	local, remote net.Addr
}

// LocalAddr is this end's transport address.
func (c *memConn) LocalAddr() net.Addr { return c.local }

// RemoteAddr is the other end's transport address.
func (c *memConn) RemoteAddr() net.Addr { return c.remote }
