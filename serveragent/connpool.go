package serveragent

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"google.golang.org/grpc"
)

// errNodeClosed is returned for calls after Close.
var errNodeClosed = errors.New("serveragent: node is closed")

// connPool holds the node's client connections to peers, one per peer and
// address, at most max of them open, least recently used first out, and
// closes those idle for longer than idle. Without a cap a node of a
// network of N keeps a connection to every peer it ever called: toward N
// connections per node and N² in a simulation that runs every node in one
// process, each with gRPC's buffers, TLS state and goroutines.
//
// A connection is never closed while a call runs on it: calls go through
// peerConn, which counts them; the pool may hold more than max while more
// than max connections are busy and closes the surplus as their calls end.
// Idle connections are closed lazily, by the next call to get or by
// closeIdle, so the pool needs no goroutine of its own.
type connPool struct {
	dial Dialer
	max  int
	idle time.Duration

	mu      sync.Mutex
	entries map[string]*poolEntry
	lru     list.List // of *poolEntry, most recently used at the front
	closed  bool
}

// poolEntry is one open connection.
type poolEntry struct {
	key, id, addr string
	cc            *grpc.ClientConn
	busy          int       // calls running on cc
	last          time.Time // when the latest call ended or started
	elem          *list.Element
	gone          bool // evicted or dropped: closed once not busy
}

// newConnPool returns a pool dialing with d that keeps at most max
// connections open (0: no cap) and closes those idle for idle (0: never).
func newConnPool(d Dialer, max int, idle time.Duration) *connPool {
	return &connPool{dial: d, max: max, idle: idle, entries: map[string]*poolEntry{}}
}

// get returns the connection to peer id at addr, dialing it if the pool
// has none, and marks it used now.
func (p *connPool) get(ctx context.Context, id, addr string) (peerConn, error) {
	if addr == "" {
		return peerConn{}, fmt.Errorf("serveragent: peer %s has no address", id)
	}
	e, err := p.entry(ctx, id, addr, false)
	if err != nil {
		return peerConn{}, err
	}
	return peerConn{pool: p, e: e}, nil
}

// entry returns the live entry of id at addr, dialing it if needed; with
// acquire it counts a call on it. It closes what it evicts.
func (p *connPool) entry(ctx context.Context, id, addr string, acquire bool) (*poolEntry, error) {
	key := id + "\x00" + addr
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, errNodeClosed
	}
	if e := p.entries[key]; e != nil {
		p.useLocked(e, acquire)
		doomed := p.sweepLocked(time.Now())
		p.mu.Unlock()
		closeAll(doomed)
		return e, nil
	}
	p.mu.Unlock()
	cc, err := p.dial.Dial(ctx, addr, id)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		cc.Close()
		return nil, errNodeClosed
	}
	e := p.entries[key]
	if e != nil { // another goroutine won
		p.useLocked(e, acquire)
		p.mu.Unlock()
		cc.Close()
		return e, nil
	}
	e = &poolEntry{key: key, id: id, addr: addr, cc: cc}
	e.elem = p.lru.PushFront(e)
	p.entries[key] = e
	p.useLocked(e, acquire)
	doomed := p.sweepLocked(time.Now())
	p.mu.Unlock()
	closeAll(doomed)
	return e, nil
}

// useLocked marks e used now (and busy with one more call if acquire).
func (p *connPool) useLocked(e *poolEntry, acquire bool) {
	e.last = time.Now()
	if !e.gone {
		p.lru.MoveToFront(e.elem)
	}
	if acquire {
		e.busy++
	}
}

// release ends a call on e.
func (p *connPool) release(e *poolEntry) {
	p.mu.Lock()
	e.busy--
	p.useLocked(e, false)
	var doomed []*grpc.ClientConn
	if e.gone && e.busy == 0 {
		doomed = append(doomed, e.cc)
	} else if !e.gone {
		doomed = p.sweepLocked(e.last)
	}
	p.mu.Unlock()
	closeAll(doomed)
}

// sweepLocked takes out the connections idle for longer than p.idle and,
// least recently used first, the idle ones beyond p.max; it returns those
// to close (after unlocking).
func (p *connPool) sweepLocked(now time.Time) []*grpc.ClientConn {
	var doomed []*grpc.ClientConn
	for el := p.lru.Back(); el != nil; {
		e, prev := el.Value.(*poolEntry), el.Prev()
		over := p.max > 0 && len(p.entries) > p.max
		stale := p.idle > 0 && now.Sub(e.last) > p.idle
		if !over && !stale {
			break // the entries in front were used later: not stale either
		}
		if e.busy == 0 {
			doomed = append(doomed, p.removeLocked(e)...)
		}
		el = prev
	}
	return doomed
}

// removeLocked takes e out of the pool; its connection is returned to be
// closed now when no call runs on it, else closed by the last release.
func (p *connPool) removeLocked(e *poolEntry) []*grpc.ClientConn {
	if e.gone {
		return nil
	}
	e.gone = true
	delete(p.entries, e.key)
	p.lru.Remove(e.elem)
	if e.busy > 0 {
		return nil
	}
	return []*grpc.ClientConn{e.cc}
}

// drop closes the connections to peer id (all addresses), as soon as no
// call runs on them.
func (p *connPool) drop(id string) {
	p.mu.Lock()
	var doomed []*grpc.ClientConn
	for _, e := range p.entries {
		if e.id == id {
			doomed = append(doomed, p.removeLocked(e)...)
		}
	}
	p.mu.Unlock()
	closeAll(doomed)
}

// closeIdle closes the connections idle for longer than the pool's idle
// timeout now, rather than at the next call.
func (p *connPool) closeIdle() {
	p.mu.Lock()
	doomed := p.sweepLocked(time.Now())
	p.mu.Unlock()
	closeAll(doomed)
}

// open is how many connections the pool holds.
func (p *connPool) open() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.entries)
}

// close closes every connection (calls running on them fail) and refuses
// later calls.
func (p *connPool) close() error {
	p.mu.Lock()
	p.closed = true
	entries := p.entries
	for _, e := range entries {
		e.gone = true
	}
	p.entries = map[string]*poolEntry{}
	p.lru.Init()
	p.mu.Unlock()
	var errs []error
	for _, e := range entries {
		if err := e.cc.Close(); err != nil {
			errs = append(errs, fmt.Errorf("serveragent: close connection to %s: %w", e.id, err))
		}
	}
	return errors.Join(errs...)
}

// closeAll closes connections taken out of the pool.
func closeAll(ccs []*grpc.ClientConn) {
	for _, cc := range ccs {
		cc.Close()
	}
}

// peerConn is a pooled connection to a peer. Every call on it counts as
// busy, so the pool does not close it meanwhile; a call on a connection
// the pool has since closed (evicted, or its peer's address changed)
// dials the peer anew.
type peerConn struct {
	pool *connPool
	e    *poolEntry
}

// acquire returns a live entry for a call, busy until released.
func (c peerConn) acquire(ctx context.Context) (*poolEntry, error) {
	p := c.pool
	p.mu.Lock()
	if !c.e.gone {
		p.useLocked(c.e, true)
		p.mu.Unlock()
		return c.e, nil
	}
	p.mu.Unlock()
	return p.entry(ctx, c.e.id, c.e.addr, true)
}

// Invoke implements grpc.ClientConnInterface.
func (c peerConn) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	e, err := c.acquire(ctx)
	if err != nil {
		return err
	}
	defer c.pool.release(e)
	return e.cc.Invoke(ctx, method, args, reply, opts...)
}

// NewStream implements grpc.ClientConnInterface. The Peer service has no
// streams; a stream is not counted as busy once opened, so the pool may
// close its connection under it.
func (c peerConn) NewStream(ctx context.Context, desc *grpc.StreamDesc, method string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	e, err := c.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer c.pool.release(e)
	return e.cc.NewStream(ctx, desc, method, opts...)
}
