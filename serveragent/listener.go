package serveragent

import (
	"context"
	"fmt"
	"net"
	"sync"

	"github.com/p2pir/p2pir/internal/logx"
)

// Listener wraps l, the listener the node's gRPC server accepts peers on,
// with the caps on incoming connections of Config.MaxInboundConns and
// Config.MaxConnsPerAddress: a connection beyond either is closed as soon
// as it is accepted, before any TLS, so a flood of connections that never
// start a handshake holds at most the cap, each for at most
// Config.HandshakeTimeout (NewServer's grpc.ConnectionTimeout). Serve the
// server NewServer returns on it.
func (n *Node) Listener(l net.Listener) net.Listener {
	return &capListener{Listener: l, total: n.cfg.MaxInboundConns, perAddr: n.cfg.MaxConnsPerAddress, stats: n.inbound, n: n}
}

// InboundStats counts the incoming connections of the listeners a node
// wrapped (Node.Listener).
type InboundStats struct {
	// Open is how many are open now.
	Open int
	// Refused is how many were closed at once for a cap since the node
	// started.
	Refused uint64
}

// inboundCounts is InboundStats as it is kept, shared by the node's
// listeners.
type inboundCounts struct {
	mu      sync.Mutex
	open    int
	byAddr  map[string]int
	refused uint64
}

func newInboundCounts() *inboundCounts { return &inboundCounts{byAddr: map[string]int{}} }

// InboundConns reports the node's incoming connections.
func (n *Node) InboundConns() InboundStats {
	c := n.inbound
	c.mu.Lock()
	defer c.mu.Unlock()
	return InboundStats{Open: c.open, Refused: c.refused}
}

// capListener is a listener with caps on its open connections, in all
// and per remote IP address (-1 or 0: no cap).
type capListener struct {
	net.Listener
	total, perAddr int
	stats          *inboundCounts
	n              *Node // logs the connections refused; nil: none logged
}

// Accept implements net.Listener: it returns the next connection within
// the caps, closing those beyond them.
func (l *capListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key := remoteIP(c.RemoteAddr())
		s := l.stats
		s.mu.Lock()
		overTotal := l.total > 0 && s.open >= l.total
		if overTotal || (key != "" && l.perAddr > 0 && s.byAddr[key] >= l.perAddr) {
			s.refused++
			s.mu.Unlock()
			c.Close()
			l.logRefused(c.RemoteAddr(), overTotal)
			continue
		}
		s.open++
		if key != "" {
			s.byAddr[key]++
		}
		s.mu.Unlock()
		return &cappedConn{Conn: c, key: key, stats: s}, nil
	}
}

// logRefused logs a connection closed as accepted (EventConnRefused),
// limited per source address.
func (l *capListener) logRefused(a net.Addr, overTotal bool) {
	if l.n == nil {
		return
	}
	reason := fmt.Sprintf("%d connections open from this address, the most allowed", l.perAddr)
	if overTotal {
		reason = fmt.Sprintf("%d incoming connections open, the most allowed", l.total)
	}
	l.n.warn.Warn(context.Background(), l.n.log, logx.EventConnRefused, remoteIPOr(a),
		"refused an incoming connection over a cap", logx.KeyAddr, a.String(), logx.KeyReason, reason)
}

// remoteIP is the source a remote address counts as for the limits per
// address: its IPv4 address, or the /64 network of its IPv6 address (one
// host commonly has a whole /64 to pick addresses from); "" for an
// address that is not IP (an in-memory connection has none).
func remoteIP(a net.Addr) string {
	var ip net.IP
	switch a := a.(type) {
	case *net.TCPAddr:
		ip = a.IP
	case *net.UDPAddr:
		ip = a.IP
	default:
		return ""
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	if len(ip) != net.IPv6len {
		return ""
	}
	return (&net.IPNet{IP: ip.Mask(net.CIDRMask(64, 128)), Mask: net.CIDRMask(64, 128)}).String()
}

// cappedConn is a connection counted by a capListener until closed.
type cappedConn struct {
	net.Conn
	key   string
	stats *inboundCounts
	once  sync.Once
}

// Close implements net.Conn, uncounting the connection once.
func (c *cappedConn) Close() error {
	c.once.Do(func() {
		s := c.stats
		s.mu.Lock()
		s.open--
		if c.key != "" {
			if s.byAddr[c.key]--; s.byAddr[c.key] <= 0 {
				delete(s.byAddr, c.key)
			}
		}
		s.mu.Unlock()
	})
	return c.Conn.Close()
}
